//! Generates a crate from any spec: `cargo run -p codegen --example generate -- SPEC OUT_DIR [CRATE_NAME]`.
//!
//! Prints the spec's warnings (or errors) and writes the files under OUT_DIR.

use std::path::Path;
use std::process::ExitCode;
use std::time::Instant;

/// A generator allocates and frees many small syntax nodes; mimalloc does that faster than
/// the system allocator.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// Tells mimalloc to keep the memory the generator frees instead of handing it back to the
/// OS after 10 ms (its default). A generation is a short batch job that soon needs that
/// memory again, and memory handed back is zeroed by the kernel when touched anew: that
/// zeroing was a tenth of the generator's CPU time on Rebilly's spec.
#[allow(unsafe_code)] // One FFI call, to a function that only sets an option.
fn keep_freed_memory() {
    /// `mi_option_purge_delay` in mimalloc's `mi_option_e`, which `libmimalloc-sys` does not
    /// name; -1 means never purge.
    const PURGE_DELAY: libmimalloc_sys::mi_option_t = 15;
    // SAFETY: called first thing in `main`, before any other thread exists.
    unsafe { libmimalloc_sys::mi_option_set(PURGE_DELAY, -1) };
}

fn main() -> ExitCode {
    keep_freed_memory();
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [spec, out, rest @ ..] = args.as_slice() else {
        eprintln!("usage: generate SPEC OUT_DIR [CRATE_NAME]");
        return ExitCode::from(2);
    };
    let config = codegen::Config {
        crate_name: rest.first().cloned().unwrap_or_else(|| "api".into()),
        crate_version: "0.1.0".into(),
        source_label: spec.clone(),
        runtime: codegen::Runtime::Crate { path: None },
        ..codegen::Config::default()
    };
    let started = Instant::now();
    let generated = match codegen::generate(Path::new(spec), &config) {
        Ok(g) => g,
        Err(diagnostics) => {
            eprintln!("{diagnostics}");
            return ExitCode::FAILURE;
        }
    };
    let elapsed = started.elapsed();
    for w in &generated.warnings {
        eprintln!("{w}");
    }
    for (rel, text) in &generated.files {
        let path = Path::new(out).join(rel);
        let written = path.parent().map_or(Ok(()), std::fs::create_dir_all).and_then(|()| std::fs::write(&path, text));
        if let Err(e) = written {
            eprintln!("cannot write {}: {e}", path.display());
            return ExitCode::FAILURE;
        }
    }
    let t = generated.timings;
    println!(
        "{} operations, {} types, {} warnings; generated in {:.3} s into {out}",
        generated.api.operations.len(),
        generated.api.types.len(),
        generated.warnings.len(),
        elapsed.as_secs_f64()
    );
    println!(
        "timings: load {:.3} lower {:.3} emit {:.3} format {:.3}",
        t.load.as_secs_f64(),
        t.lower.as_secs_f64(),
        t.emit.as_secs_f64(),
        t.format.as_secs_f64()
    );
    ExitCode::SUCCESS
}
