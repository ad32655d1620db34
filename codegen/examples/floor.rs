//! The floor a generator is measured against: `floor SPEC_DIR RUST_DIR`.
//!
//! Parses every YAML/JSON file under SPEC_DIR with serde_yaml, then prints every `.rs` file
//! under RUST_DIR with `prettyplease::unparse` (parsing them with syn first, untimed). Prints
//! the two timings; a generator cannot be faster than reading its input and printing its output.

use std::path::{Path, PathBuf};
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

fn files(dir: &Path, exts: &[&str], out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else { return };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            files(&path, exts, out);
        } else if path.extension().and_then(|e| e.to_str()).is_some_and(|e| exts.contains(&e)) {
            out.push(path);
        }
    }
}

fn main() {
    keep_freed_memory();
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [spec_dir, rust_dir] = args.as_slice() else {
        eprintln!("usage: floor SPEC_DIR RUST_DIR");
        std::process::exit(2);
    };
    let mut specs = Vec::new();
    files(Path::new(spec_dir), &["yaml", "yml", "json"], &mut specs);
    specs.sort();
    let started = Instant::now();
    let mut parsed = 0;
    for path in &specs {
        let text = std::fs::read_to_string(path).unwrap_or_default();
        if serde_yaml::from_str::<serde_yaml::Value>(&text).is_ok() {
            parsed += 1;
        }
    }
    let yaml = started.elapsed();
    let mut rust = Vec::new();
    files(Path::new(rust_dir), &["rs"], &mut rust);
    rust.sort();
    let trees: Vec<syn::File> =
        rust.iter().filter_map(|p| std::fs::read_to_string(p).ok()).filter_map(|t| syn::parse_file(&t).ok()).collect();
    let started = Instant::now();
    let printed: usize = trees.iter().map(|f| prettyplease::unparse(f).len()).sum();
    let unparse = started.elapsed();
    println!("floor: {parsed} YAML files, {printed} bytes of Rust");
    println!("timings: yaml {:.3} unparse {:.3}", yaml.as_secs_f64(), unparse.as_secs_f64());
}
