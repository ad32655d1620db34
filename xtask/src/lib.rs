//! Project automation behind `cargo xtask`, as a library so tests can run the same checks.

pub mod bench;
pub mod codegen;
pub mod corpus;
pub mod diff;
pub mod history;
pub mod load;
pub mod mutate;
