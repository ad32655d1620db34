//! How long each stage of generation took, for the benchmarks and the xtask's reports.

use std::time::Duration;

/// Wall time of each stage of [`generate`](crate::generate).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Timings {
    /// Reading and parsing every file of the spec.
    pub load: Duration,
    /// Resolving `$ref`s and lowering to the IR.
    pub lower: Duration,
    /// Building token streams from the IR (summed over the threads that emit modules side by side).
    pub emit: Duration,
    /// Parsing the tokens with syn and printing them with prettyplease (summed over threads).
    pub format: Duration,
}
