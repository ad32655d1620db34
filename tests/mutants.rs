//! Mutation test: broken variants of the shipped spec and of every fixture must each give files
//! or diagnostics, never a panic or a hang.
//!
//! The mutator is `xtask::mutate` (shared with `cargo xtask fuzz`); proptest draws each
//! mutant's edits from a fixed seed, so a run is reproducible, and shrinks a failing mutant to
//! its fewest and smallest edits before reporting it (tree, file, JSON pointer, what was done).
//! `MUTANTS=N` sets how many mutants (default [`DEFAULT_MUTANTS`]). A stack overflow aborts
//! the process before anything can be reported, so each mutant is described, before it is
//! run, in `target/tmp/mutants-<half>-last.txt`.

use std::cell::Cell;
use std::path::Path;
use std::time::{Duration, Instant};

use proptest::prelude::*;
use proptest::test_runner::{Config, TestCaseError, TestError, TestRng, TestRunner};
use xtask::mutate::{project_trees, Edit, Outcome, Sources, OPS};

/// Mutants in a run without `MUTANTS`: 29 s in a debug build on two idle cores, 61 to 72 s
/// on two busy ones (47 s in release); `cargo xtask fuzz --minutes N` is for longer runs.
const DEFAULT_MUTANTS: u32 = 10_000;

/// Longer than any generation of these specs takes, by far.
const LIMIT: Duration = Duration::from_secs(10);

fn edit() -> impl Strategy<Value = Edit> {
    (any::<u32>(), any::<u32>(), 0..OPS.len(), any::<u32>()).prop_map(|(file, node, op, arg)| Edit {
        file,
        node,
        op: OPS[op],
        arg,
    })
}

/// Half the mutants, drawn from a seed of their own; the two halves run side by side.
#[test]
fn generator_neither_panics_nor_hangs_on_mutants_1() {
    mutants(1);
}

/// The other half.
#[test]
fn generator_neither_panics_nor_hangs_on_mutants_2() {
    mutants(2);
}

fn mutants(half: u8) {
    let total: u32 = std::env::var("MUTANTS").ok().and_then(|n| n.parse().ok()).unwrap_or(DEFAULT_MUTANTS);
    let cases = if half == 1 { total.div_ceil(2) } else { total / 2 };
    let project = Path::new(env!("CARGO_MANIFEST_DIR")).parent().expect("tests/ is in the workspace");
    let sources = Sources::prepare(&project_trees(project).expect("spec trees")).expect("copies of the spec trees");
    let config = Config { cases, failure_persistence: None, max_shrink_time: 60_000, ..Config::default() };
    let rng = TestRng::from_seed(config.rng_algorithm, &[half; 32]);
    let mut runner = TestRunner::new_with_rng(config, rng);
    let (generated, refused) = (Cell::new(0u32), Cell::new(0u32));
    let last = Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("mutants-{half}-last.txt"));
    let started = Instant::now();
    let strategy = (0..sources.len(), prop::collection::vec(edit(), 1..=3));
    let result = runner.run(&strategy, |(source, edits)| {
        let mutant = sources.mutate(source, &edits);
        let description = format!("{}  edits: {edits:?}\n", sources.describe(&mutant));
        std::fs::write(&last, description).map_err(|e| TestCaseError::fail(format!("cannot write {last:?}: {e}")))?;
        let fail = |what: String| Err(TestCaseError::fail(format!("{what}\n{}", sources.describe(&mutant))));
        match sources.run(&mutant, LIMIT) {
            Ok(Outcome::Generated) => generated.set(generated.get() + 1),
            Ok(Outcome::Refused(_)) => refused.set(refused.get() + 1),
            Ok(Outcome::Panicked(message)) => return fail(format!("the generator panicked: {message}")),
            Ok(Outcome::Hung) => return fail(format!("the generator gave no answer in {LIMIT:?}")),
            Err(e) => return fail(format!("cannot write the mutant: {e}")),
        }
        Ok(())
    });
    println!(
        "half {half}: {} mutants in {:.1} s: {} generated, {} refused with diagnostics",
        generated.get() + refused.get(),
        started.elapsed().as_secs_f64(),
        generated.get(),
        refused.get()
    );
    match result {
        Ok(()) => {}
        Err(TestError::Fail(reason, (source, edits))) => {
            panic!("{reason}\n(smallest failing mutant: tree {source}, edits {edits:?})")
        }
        Err(TestError::Abort(reason)) => panic!("aborted: {reason}"),
    }
}
