//! Broken variants of good specs, to check that the generator never panics or hangs.
//!
//! A [`Sources`] copies spec trees into a temporary folder and parses each YAML/JSON file
//! once. A mutant is a short list of [`Edit`]s, plain numbers that pick a file, a node and an
//! operation ([`Op`]): delete a key, give a value the wrong type, a dangling or cyclic
//! `$ref`, an empty or null-only `enum`, a number too large for any machine type, a duplicate
//! key, an odd string as a name, a file cut off at some byte. [`Sources::run`] writes the
//! mutated files over the copies, runs `codegen::generate` on a thread of its own with a
//! time limit, and puts the files back. `tests/mutants.rs` draws the edits with proptest
//! (which shrinks a failing mutant); `cargo xtask fuzz` draws them with a seeded RNG.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::sync::mpsc;
use std::time::Duration;

use serde_json::{Map, Value};

/// What an [`Edit`] does at the node it picks.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Op {
    /// Removes the node from its object or array.
    Delete,
    /// Replaces the node with a value of another JSON type.
    Retype,
    /// Replaces the node with a `$ref` that leads nowhere (or to the wrong kind of node).
    DanglingRef,
    /// Points the node back at itself or at one of its ancestors: replaced by such a `$ref`,
    /// or, when it is an object, given one beside its own keywords, or under `allOf`,
    /// `oneOf`, `anyOf`, `items`, `additionalProperties`, `not` or a new property.
    CyclicRef,
    /// Sets `enum` on an object (a schema, where there is one) to an empty, null-only,
    /// repeated or mixed list, or to a non-list.
    Enum,
    /// Puts a number beyond `f64`, `u64` or `i64` (raw text: JSON values cannot hold them),
    /// or one at the edge of a machine type, or a negative or fractional count, at the node
    /// or in a numeric keyword of an object.
    HugeNumber,
    /// Adds a second member with the name of an existing one (raw text).
    DuplicateKey,
    /// Renames a member of an object to an odd string.
    OddName,
    /// Replaces the node with an odd string.
    OddString,
    /// Cuts the file's text off at some byte (possibly inside a UTF-8 sequence).
    Truncate,
}

/// Every [`Op`], for drawing one by index.
pub const OPS: [Op; 10] = [
    Op::Delete,
    Op::Retype,
    Op::DanglingRef,
    Op::CyclicRef,
    Op::Enum,
    Op::HugeNumber,
    Op::DuplicateKey,
    Op::OddName,
    Op::OddString,
    Op::Truncate,
];

/// One mutation. `file`, `node` and `arg` are taken modulo what they choose from, so any
/// numbers make a valid edit and a mutant is reproduced from its numbers alone.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Edit {
    /// Which file of the spec tree.
    pub file: u32,
    /// Which node of the file (in depth-first order, among the nodes the op applies to).
    pub node: u32,
    /// What to do.
    pub op: Op,
    /// Which value, key or byte the op uses.
    pub arg: u32,
}

/// How many ways [`Op::CyclicRef`] has of pointing a node back at itself.
const CYCLE_FORMS: usize = 9;

/// Numbers beyond `f64`, `u64` or `i64`, then numbers at or near their edges, and numbers
/// odd where a count or a limit is expected.
const NUMBERS: [&str; 20] = [
    "1e400",
    "18446744073709552000",
    "-9223372036854775809",
    "123456789012345678901234567890",
    "-1e400",
    "1e-400",
    "0.1e999999999",
    "18446744073709551616",
    "18446744073709551615",
    "-9223372036854775808",
    "9223372036854775807",
    "1.7976931348623157e308",
    "5e-324",
    "4294967296",
    "-1",
    "-0",
    "0",
    "1.5",
    "-0.5",
    "2147483648",
];

const NUMBER_KEYS: [&str; 10] = [
    "minimum",
    "maximum",
    "exclusiveMinimum",
    "maxLength",
    "minItems",
    "multipleOf",
    "default",
    "minProperties",
    "example",
    "const",
];

const ODD: [&str; 45] = [
    "",
    "99999",
    "1XX",
    "600",
    "-1",
    "default",
    " ",
    "0",
    "123abc",
    "type",
    "self",
    "Self",
    "super",
    "crate",
    "r#type",
    "_",
    "__",
    "-",
    "🦀",
    "ünïcödé",
    "名前",
    "a b\tc\nd",
    "a/b~c",
    "{id}",
    "}{",
    "$ref",
    "null",
    "x-",
    "\u{0}",
    "\u{202e}rtl",
    "Ok",
    "Err",
    "Option",
    "Result",
    "Vec",
    "String",
    "Box",
    "Default",
    "#",
    "%zz",
    "'\"",
    "\\",
    "::",
    "<T>",
    "a.b.c",
];

const DANGLING: [&str; 14] = [
    "#/components/schemas/Nope",
    "./missing.yaml",
    "missing.yaml#/a",
    "#/paths",
    "#",
    "#/",
    "",
    "#/components/schemas/A/~2",
    "#/a%20b%zz",
    "#nopointer",
    "../../../../../../no/such/file.yaml",
    "#/info/title",
    "#/openapi",
    "openapi.yaml#/components/schemas/Nope/properties/x",
];

fn wrong_values() -> Vec<Value> {
    serde_json::from_str(r#"["x", 0, -1, 1.5, [], [1], {}, {"a": 1}, null, true, false]"#).expect("valid JSON")
}

fn enum_values() -> Vec<Value> {
    serde_json::from_str(r#"[[], [null], [null, null], ["a", "a"], [1, "a", null, {}], "notalist", [[]], [""], ["", " "], [true, false]]"#)
        .expect("valid JSON")
}

/// A long name, beyond what any file system or tool expects of a name.
fn long_name() -> String {
    "a".repeat(300)
}

/// A placeholder string put in a parsed file, and the raw text that replaces it once the
/// file is written out.
type Replacement = (String, String);

/// One file of a spec tree.
struct SpecFile {
    /// Relative to the tree's root folder.
    rel: PathBuf,
    text: Vec<u8>,
    /// The parsed file, when it is YAML/JSON that parses.
    value: Option<Value>,
    json: bool,
}

/// One spec tree, copied.
struct Source {
    name: String,
    dir: PathBuf,
    root: PathBuf,
    files: Vec<SpecFile>,
}

/// Spec trees copied into a temporary folder, ready to be mutated.
pub struct Sources {
    _tmp: tempfile::TempDir,
    sources: Vec<Source>,
}

/// The files a mutant changes and what was done, for a report.
#[derive(Debug, Clone)]
pub struct Mutant {
    /// Index into [`Sources`].
    pub source: usize,
    /// Changed files: index into the source's files, new bytes.
    files: Vec<(usize, Vec<u8>)>,
    /// One line per edit: file, pointer, what was done.
    pub log: Vec<String>,
}

/// What generation made of a mutant.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// A crate.
    Generated,
    /// Diagnostics (the first error's message).
    Refused(String),
    /// The generator panicked, with this message.
    Panicked(String),
    /// No answer within the time limit.
    Hung,
}

impl Sources {
    /// Copies each `(name, folder, root file relative to it)` into a temporary folder.
    pub fn prepare(trees: &[(String, PathBuf, PathBuf)]) -> std::io::Result<Sources> {
        let tmp = tempfile::Builder::new().prefix("mutants-").tempdir()?;
        let mut sources = Vec::new();
        for (i, (name, dir, root)) in trees.iter().enumerate() {
            let copy = tmp.path().join(i.to_string());
            let mut files = Vec::new();
            copy_tree(dir, &copy, Path::new(""), &mut files)?;
            files.sort_by(|a, b| a.rel.cmp(&b.rel));
            sources.push(Source { name: name.clone(), dir: copy, root: root.clone(), files });
        }
        Ok(Sources { _tmp: tmp, sources })
    }

    /// How many spec trees.
    pub fn len(&self) -> usize {
        self.sources.len()
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.sources.is_empty()
    }

    /// The name of a spec tree.
    pub fn name(&self, source: usize) -> &str {
        &self.sources[source].name
    }

    /// Applies `edits` to spec tree `source` (modulo the count), in memory.
    pub fn mutate(&self, source: usize, edits: &[Edit]) -> Mutant {
        let source = source % self.sources.len();
        let src = &self.sources[source];
        let mut values: Vec<(usize, Value, Vec<Replacement>)> = Vec::new();
        let mut cuts: Vec<(usize, u32)> = Vec::new();
        let mut log = Vec::new();
        for (n, edit) in edits.iter().enumerate() {
            let index = edit.file as usize % src.files.len();
            let file = &src.files[index];
            let rel = file.rel.display();
            let parsed = file.value.as_ref().filter(|_| edit.op != Op::Truncate);
            let Some(original) = parsed else {
                cuts.push((index, edit.arg));
                continue;
            };
            let slot = match values.iter().position(|(i, _, _)| *i == index) {
                Some(slot) => slot,
                None => {
                    values.push((index, original.clone(), Vec::new()));
                    values.len() - 1
                }
            };
            let (_, value, raw) = &mut values[slot];
            let what = apply(value, raw, edit, n);
            log.push(format!("{rel} {what}"));
        }
        let mut files = Vec::new();
        for (index, value, raw) in values {
            let file = &src.files[index];
            let mut text = if file.json {
                serde_json::to_string_pretty(&value).unwrap_or_default()
            } else {
                serde_yaml::to_string(&value).unwrap_or_default()
            };
            for (placeholder, replacement) in raw {
                for quoted in [format!("\"{placeholder}\""), format!("'{placeholder}'"), placeholder] {
                    text = text.replace(&quoted, &replacement);
                }
            }
            files.push((index, text.into_bytes()));
        }
        for (index, arg) in cuts {
            let bytes = match files.iter_mut().find(|(i, _)| *i == index) {
                Some((_, bytes)) => bytes,
                None => {
                    files.push((index, src.files[index].text.clone()));
                    &mut files.last_mut().expect("just pushed").1
                }
            };
            let len = bytes.len();
            let at = if len == 0 { 0 } else { arg as usize % len };
            bytes.truncate(at);
            log.push(format!("{} cut off at byte {at} of {len}", src.files[index].rel.display()));
        }
        Mutant { source, files, log }
    }

    /// Writes `mutant` over its tree's copy, generates, and restores the copy. A generation
    /// that takes longer than `limit` is left running on its thread and reported as
    /// [`Outcome::Hung`].
    pub fn run(&self, mutant: &Mutant, limit: Duration) -> std::io::Result<Outcome> {
        let src = &self.sources[mutant.source];
        for (index, bytes) in &mutant.files {
            std::fs::write(src.dir.join(&src.files[*index].rel), bytes)?;
        }
        let outcome = generate(src.dir.join(&src.root), limit);
        for (index, _) in &mutant.files {
            let file = &src.files[*index];
            std::fs::write(src.dir.join(&file.rel), &file.text)?;
        }
        outcome
    }

    /// Writes the whole mutated tree to `dir`, to reproduce a failure.
    pub fn save(&self, mutant: &Mutant, dir: &Path) -> std::io::Result<PathBuf> {
        let src = &self.sources[mutant.source];
        for (index, file) in src.files.iter().enumerate() {
            let path = dir.join(&file.rel);
            std::fs::create_dir_all(path.parent().unwrap_or(dir))?;
            let bytes = mutant.files.iter().find(|(i, _)| *i == index).map_or(&file.text, |(_, b)| b);
            std::fs::write(path, bytes)?;
        }
        Ok(dir.join(&src.root))
    }

    /// A report of `mutant`: the tree and one line per edit.
    pub fn describe(&self, mutant: &Mutant) -> String {
        let mut out = format!("mutant of {}:\n", self.sources[mutant.source].name);
        for line in &mutant.log {
            let _ = writeln!(out, "  {line}");
        }
        out
    }
}

fn copy_tree(from: &Path, to: &Path, rel: &Path, files: &mut Vec<SpecFile>) -> std::io::Result<()> {
    std::fs::create_dir_all(to.join(rel))?;
    for entry in std::fs::read_dir(from.join(rel))? {
        let entry = entry?;
        let rel = rel.join(entry.file_name());
        if entry.file_type()?.is_dir() {
            copy_tree(from, to, &rel, files)?;
            continue;
        }
        let text = std::fs::read(from.join(&rel))?;
        std::fs::write(to.join(&rel), &text)?;
        let ext = rel.extension().and_then(|e| e.to_str()).unwrap_or("");
        let json = ext == "json";
        let value = match ext {
            "json" => serde_json::from_slice(&text).ok(),
            "yaml" | "yml" => serde_yaml::from_slice(&text).ok(),
            _ => None,
        };
        files.push(SpecFile { rel, text, value, json });
    }
    Ok(())
}

/// Runs the generator on a thread of its own; a panic is caught by the thread's join.
fn generate(root: PathBuf, limit: Duration) -> std::io::Result<Outcome> {
    let (done, wait) = mpsc::channel();
    let thread = std::thread::Builder::new().name("mutant".into()).spawn(move || {
        let result = codegen::generate(&root, &codegen::Config::default());
        let _ = done.send(());
        result
    })?;
    match wait.recv_timeout(limit) {
        Err(mpsc::RecvTimeoutError::Timeout) => return Ok(Outcome::Hung),
        Ok(()) | Err(mpsc::RecvTimeoutError::Disconnected) => {}
    }
    Ok(match thread.join() {
        Ok(Ok(_)) => Outcome::Generated,
        Ok(Err(diags)) => Outcome::Refused(diags.errors().next().map(|d| d.message.clone()).unwrap_or_default()),
        Err(payload) => Outcome::Panicked(
            payload
                .downcast_ref::<String>()
                .cloned()
                .or_else(|| payload.downcast_ref::<&str>().map(|s| s.to_string()))
                .unwrap_or_else(|| "(no message)".into()),
        ),
    })
}

/// A step from a node to one of its children.
#[derive(Clone, Debug)]
enum Step {
    Key(String),
    Index(usize),
}

fn pointer(path: &[Step]) -> String {
    let mut out = String::new();
    for step in path {
        out.push('/');
        match step {
            Step::Key(k) => out.push_str(&k.replace('~', "~0").replace('/', "~1")),
            Step::Index(i) => out.push_str(&i.to_string()),
        }
    }
    out
}

/// Whether an edit applies to a node, given its depth.
type Keep<'a> = &'a dyn Fn(usize, &Value) -> bool;

/// A step from a node to one of its children, borrowed from the file while searching.
#[derive(Clone, Copy)]
enum StepRef<'a> {
    Key(&'a str),
    Index(usize),
}

/// The path of the `n`th (modulo their count) node that `keep` accepts, in depth-first
/// order; `None` when there is none. Two walks, and only the chosen path is copied.
fn nth_node(value: &Value, keep: Keep<'_>, n: u32) -> Option<Vec<Step>> {
    /// Visits nodes until `visit` says stop; returns whether it stopped.
    fn walk<'a>(v: &'a Value, path: &mut Vec<StepRef<'a>>, visit: &mut dyn FnMut(usize, &Value) -> bool) -> bool {
        if visit(path.len(), v) {
            return true;
        }
        match v {
            Value::Object(map) => {
                for (k, child) in map {
                    path.push(StepRef::Key(k));
                    if walk(child, path, visit) {
                        return true;
                    }
                    path.pop();
                }
            }
            Value::Array(items) => {
                for (i, child) in items.iter().enumerate() {
                    path.push(StepRef::Index(i));
                    if walk(child, path, visit) {
                        return true;
                    }
                    path.pop();
                }
            }
            _ => {}
        }
        false
    }
    let mut count = 0usize;
    walk(value, &mut Vec::new(), &mut |depth, v| {
        count += usize::from(keep(depth, v));
        false
    });
    if count == 0 {
        return None;
    }
    let mut left = n as usize % count;
    let mut path = Vec::new();
    walk(value, &mut path, &mut |depth, v| {
        if !keep(depth, v) {
            return false;
        }
        if left == 0 {
            return true;
        }
        left -= 1;
        false
    });
    Some(
        path.into_iter()
            .map(|step| match step {
                StepRef::Key(k) => Step::Key(k.to_owned()),
                StepRef::Index(i) => Step::Index(i),
            })
            .collect(),
    )
}

fn node_mut<'a>(mut value: &'a mut Value, path: &[Step]) -> &'a mut Value {
    for step in path {
        value = match (value, step) {
            (Value::Object(map), Step::Key(k)) => map.get_mut(k).expect("path from `nodes`"),
            (Value::Array(items), Step::Index(i)) => &mut items[*i],
            _ => unreachable!("path from `nodes`"),
        };
    }
    value
}

fn kind(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

fn pick<T>(items: &[T], arg: u32) -> &T {
    &items[arg as usize % items.len()]
}

/// Applies one edit to a parsed file; `raw` collects placeholder → text replacements made
/// after the file is written out. Returns what was done, starting with the pointer.
fn apply(root: &mut Value, raw: &mut Vec<Replacement>, edit: &Edit, n: usize) -> String {
    let is_object_with_keys = |_: usize, v: &Value| v.as_object().is_some_and(|m| !m.is_empty());
    let is_schema = |_: usize, v: &Value| v.as_object().is_some_and(|m| m.contains_key("type"));
    let path = match edit.op {
        Op::Delete => nth_node(root, &|depth, _| depth > 0, edit.node),
        Op::DuplicateKey | Op::OddName => nth_node(root, &is_object_with_keys, edit.node),
        Op::Enum => nth_node(root, &is_schema, edit.node).or_else(|| nth_node(root, &|_, v| v.is_object(), edit.node)),
        Op::OddString if edit.arg % 2 == 0 => nth_node(root, &|_, v| v.is_string(), edit.node),
        _ => nth_node(root, &|_, _| true, edit.node),
    };
    let Some(path) = path else {
        return format!("(no node for {:?}: unchanged)", edit.op);
    };
    let at = pointer(&path);
    let node = node_mut(root, &path);
    match edit.op {
        Op::Delete => {
            let (last, parent) = path.split_last().expect("not the root");
            match (node_mut(root, parent), last) {
                (Value::Object(map), Step::Key(k)) => {
                    map.shift_remove(k);
                }
                (Value::Array(items), Step::Index(i)) => {
                    items.remove(*i);
                }
                _ => unreachable!("path from `nodes`"),
            }
            format!("{at}: deleted")
        }
        Op::Retype => {
            let was = kind(node);
            let options: Vec<Value> = wrong_values().into_iter().filter(|v| kind(v) != was).collect();
            let new = pick(&options, edit.arg).clone();
            let what = format!("{at}: {was} replaced with {new}");
            *node = new;
            what
        }
        Op::DanglingRef => {
            let target = *pick(&DANGLING, edit.arg);
            *node = serde_json::json!({ "$ref": target });
            format!("{at}: replaced with {{$ref: {target:?}}}")
        }
        Op::CyclicRef => {
            let up = (edit.arg as usize / CYCLE_FORMS) % (path.len() + 1);
            let target = format!("#{}", pointer(&path[..path.len() - up]));
            let reference = serde_json::json!({ "$ref": target });
            let form = edit.arg as usize % CYCLE_FORMS;
            match (node, form) {
                (Value::Object(map), 1) => {
                    map.insert("$ref".into(), Value::String(target.clone()));
                    format!("{at}: given {{$ref: {target:?}}} beside its keywords")
                }
                (Value::Object(map), 2..) => {
                    let (key, value) = match form {
                        2 => ("allOf", Value::Array(vec![reference])),
                        3 => ("oneOf", Value::Array(vec![reference, serde_json::json!({"type": "string"})])),
                        4 => ("anyOf", Value::Array(vec![reference])),
                        5 => ("items", reference),
                        6 => ("additionalProperties", reference),
                        7 => ("not", reference),
                        _ => ("properties", serde_json::json!({ "again": reference })),
                    };
                    let what = format!("{at}: `{key}` set to {value}");
                    map.insert(key.into(), value);
                    what
                }
                (node, _) => {
                    *node = reference;
                    format!("{at}: replaced with {{$ref: {target:?}}}")
                }
            }
        }
        Op::Enum => {
            let list = pick(&enum_values(), edit.arg).clone();
            let what = format!("{at}: enum set to {list}");
            if let Value::Object(map) = node {
                map.insert("enum".into(), list);
            }
            what
        }
        Op::HugeNumber => {
            let number = *pick(&NUMBERS, edit.arg);
            let placeholder = format!("mutant-placeholder-{n}");
            let what = match node {
                Value::Object(map) => {
                    let key = *pick(&NUMBER_KEYS, edit.arg / NUMBERS.len() as u32);
                    map.insert(key.into(), Value::String(placeholder.clone()));
                    format!("{at}: `{key}` set to {number}")
                }
                other => {
                    *other = Value::String(placeholder.clone());
                    format!("{at}: replaced with {number}")
                }
            };
            raw.push((placeholder, number.to_string()));
            what
        }
        Op::DuplicateKey => {
            let Value::Object(map) = node else { unreachable!("objects only") };
            let keys: Vec<String> = map.keys().cloned().collect();
            let key = pick(&keys, edit.arg).clone();
            let value = map[&key].clone();
            let placeholder = format!("mutant-placeholder-{n}");
            map.insert(placeholder.clone(), value);
            raw.push((placeholder, serde_json::to_string(&key).expect("a string")));
            format!("{at}: member {key:?} written twice")
        }
        Op::OddName => {
            let Value::Object(map) = node else { unreachable!("objects only") };
            let keys: Vec<String> = map.keys().cloned().collect();
            let key = pick(&keys, edit.arg).clone();
            let long = long_name();
            let name =
                if edit.arg as usize % (ODD.len() + 1) == ODD.len() { long.as_str() } else { *pick(&ODD, edit.arg) };
            let renamed: Map<String, Value> = std::mem::take(map)
                .into_iter()
                .map(|(k, v)| if k == key { (name.to_string(), v) } else { (k, v) })
                .collect();
            *map = renamed;
            format!("{at}: member {key:?} renamed to {name:?}")
        }
        Op::OddString => {
            let name = *pick(&ODD, edit.arg / 2);
            let what = format!("{at}: {} replaced with {name:?}", kind(node));
            *node = Value::String(name.into());
            what
        }
        Op::Truncate => unreachable!("applied to the text"),
    }
}

/// The trees the mutation test and `cargo xtask fuzz` start from: the shipped spec and each
/// fixture under `tests/fixtures/`.
pub fn project_trees(project: &Path) -> std::io::Result<Vec<(String, PathBuf, PathBuf)>> {
    let mut trees = vec![("spec".to_string(), project.join("spec"), PathBuf::from("openapi.yaml"))];
    let fixtures = project.join("tests/fixtures");
    let mut dirs: Vec<PathBuf> = std::fs::read_dir(&fixtures)?.filter_map(|e| e.ok().map(|e| e.path())).collect();
    dirs.sort();
    for dir in dirs.into_iter().filter(|d| d.is_dir()) {
        let root = ["openapi.yaml", "openapi.json"].into_iter().find(|r| dir.join(r).is_file());
        if let Some(root) = root {
            let name = format!("tests/fixtures/{}", dir.file_name().and_then(|n| n.to_str()).unwrap_or(""));
            trees.push((name, dir, PathBuf::from(root)));
        }
    }
    Ok(trees)
}

/// Draws a mutant's edits: one to `max` of them.
pub fn random_edits(rng: &mut fastrand::Rng, max: usize) -> Vec<Edit> {
    (0..rng.usize(1..=max))
        .map(|_| Edit { file: rng.u32(..), node: rng.u32(..), op: OPS[rng.usize(..OPS.len())], arg: rng.u32(..) })
        .collect()
}

/// What a fuzzing run found.
#[derive(Debug, Default)]
pub struct FuzzReport {
    /// Mutants generated from.
    pub tried: u64,
    /// Of which gave a crate.
    pub generated: u64,
    /// Of which gave diagnostics.
    pub refused: u64,
    /// Panics: the message, the mutant, and where its tree was saved.
    pub panics: Vec<String>,
    /// Hangs, likewise.
    pub hangs: Vec<String>,
}

/// Generates from random mutants of `sources` for `budget`, from `seed`. Each failing
/// mutant is printed when found and saved under `save` (`panic-N/`, `hang-N/`). Stops early
/// at the first hang, whose thread keeps a core busy. A stack overflow aborts the process
/// before anything can be reported, so each mutant is described in `save/last-mutant.txt`
/// before it is run.
pub fn fuzz(
    sources: &Sources,
    budget: Duration,
    seed: u64,
    limit: Duration,
    save: &Path,
) -> std::io::Result<FuzzReport> {
    let mut rng = fastrand::Rng::with_seed(seed);
    let mut report = FuzzReport::default();
    let started = std::time::Instant::now();
    std::fs::create_dir_all(save)?;
    while started.elapsed() < budget {
        let source = rng.usize(..sources.len());
        let edits = random_edits(&mut rng, 4);
        let mutant = sources.mutate(source, &edits);
        report.tried += 1;
        let last = format!("{}  edits: {edits:?}\n", sources.describe(&mutant));
        std::fs::write(save.join("last-mutant.txt"), last)?;
        let (kind, what) = match sources.run(&mutant, limit)? {
            Outcome::Generated => {
                report.generated += 1;
                continue;
            }
            Outcome::Refused(_) => {
                report.refused += 1;
                continue;
            }
            Outcome::Panicked(message) => ("panic", format!("the generator panicked: {message}")),
            Outcome::Hung => ("hang", format!("the generator gave no answer in {limit:?}")),
        };
        let list = if kind == "panic" { &mut report.panics } else { &mut report.hangs };
        let dir = save.join(format!("{kind}-{}", list.len() + 1));
        let root = sources.save(&mutant, &dir)?;
        let text = format!("{what}\n{}  saved: {}\n  edits: {edits:?}", sources.describe(&mutant), root.display());
        println!("{text}");
        list.push(text);
        if kind == "hang" {
            break;
        }
    }
    Ok(report)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn one_file(text: &str, name: &str) -> (tempfile::TempDir, Sources) {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join(name), text).unwrap();
        let sources = Sources::prepare(&[("t".into(), dir.path().to_path_buf(), PathBuf::from(name))]).unwrap();
        (dir, sources)
    }

    #[test]
    fn raw_text_edits_reach_the_file() {
        let (_dir, sources) = one_file("openapi: 3.1.0\ninfo: {title: t, version: '1'}\npaths: {}\n", "openapi.yaml");
        let huge = Edit { file: 0, node: 0, op: Op::HugeNumber, arg: 0 };
        let m = sources.mutate(0, &[huge]);
        let text = String::from_utf8(m.files[0].1.clone()).unwrap();
        assert!(text.contains("maximum: 1e400") || text.contains(": 1e400"), "{text}");
        let dup = Edit { file: 0, node: 0, op: Op::DuplicateKey, arg: 1 };
        let m = sources.mutate(0, &[dup]);
        let text = String::from_utf8(m.files[0].1.clone()).unwrap();
        assert_eq!(text.matches("\"info\":").count() + text.matches("info:").count(), 2, "{text}");
        let cut = Edit { file: 0, node: 0, op: Op::Truncate, arg: 5 };
        let m = sources.mutate(0, &[cut]);
        assert_eq!(m.files[0].1, b"opena");
        assert_eq!(m.log, ["openapi.yaml cut off at byte 5 of 56"]);
    }

    #[test]
    fn every_op_runs_and_the_copy_is_restored() {
        let text = "{\"openapi\": \"3.1.0\", \"info\": {\"title\": \"t\", \"version\": \"1\"}, \"paths\": {}, \
                    \"components\": {\"schemas\": {\"A\": {\"type\": \"string\"}}}}";
        let (_dir, sources) = one_file(text, "openapi.json");
        for (i, op) in OPS.into_iter().enumerate() {
            let m = sources.mutate(0, &[Edit { file: 0, node: 7 * i as u32, op, arg: 3 }]);
            let outcome = sources.run(&m, Duration::from_secs(10)).unwrap();
            assert!(matches!(outcome, Outcome::Generated | Outcome::Refused(_)), "{op:?}: {outcome:?}");
        }
        let copy = std::fs::read_to_string(sources.sources[0].dir.join("openapi.json")).unwrap();
        assert_eq!(copy, text);
    }
}
