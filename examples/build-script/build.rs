//! Generates the Customers API into `OUT_DIR` on every build whose spec files changed.

fn main() {
    let config = codegen::Config {
        crate_name: "build-script-example".into(),
        source_label: "spec/openapi.yaml".into(),
        // The runtime crate, by the path in Cargo.toml.
        runtime: codegen::Runtime::Crate { path: None },
        ..codegen::Config::default()
    };
    if let Err(e) = codegen::build::generate_in_out_dir("../../spec/openapi.yaml", &config) {
        eprintln!("{e}");
        std::process::exit(1);
    }
}
