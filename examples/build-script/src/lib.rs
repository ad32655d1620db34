//! The Customers API, generated at build time by `build.rs` (see the README, "Build-script use").
include!(concat!(env!("OUT_DIR"), "/openapi/lib.rs"));
