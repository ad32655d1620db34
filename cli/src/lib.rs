//! The `openapi-rs` command-line tool's library: writing a generated crate (shared with
//! `cargo xtask codegen`) and showing diagnostics as rustc does.

pub mod diagnostics;
pub mod write;
