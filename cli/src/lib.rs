//! The `openapi-rs` command-line tool's library: writing a generated crate and comparing two
//! specs (shared with `cargo xtask`), and showing diagnostics as rustc does.

pub mod diagnostics;
pub mod diff;
pub mod write;
