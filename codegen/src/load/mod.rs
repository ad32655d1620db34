//! Reading a spec from disk: YAML or JSON files linked by `$ref`, held as JSON values with their source text.
//!
//! This is the only module that touches the file system. [`Spec::load`] reads the root file and,
//! breadth first, every file a `$ref` names (outside `x-` extension members, which the generator
//! never reads). A file that cannot be read or parsed is remembered as a failure rather than
//! reported at once: it only becomes an error when lowering actually follows a `$ref` into it,
//! so loose ends in parts of a spec we never use (code samples, say) cost nothing.

mod lines;
mod value;

use std::cell::RefCell;
use std::collections::hash_map::{Entry, HashMap};
use std::collections::BTreeMap;
use std::path::{Component, Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};

use jsonptr::{Pointer, PointerBuf};
use serde_json::{Map, Value};

use crate::diag::Diagnostic;

/// Index of a loaded file in a [`Spec`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct FileId(u32);

/// A node in the spec: a file and a JSON pointer into it.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Location {
    /// The file holding the node.
    pub file: FileId,
    /// Where in the file.
    pub pointer: PointerBuf,
}

impl Location {
    /// The location of a child member or array element.
    pub fn join(&self, token: impl ToString) -> Location {
        let mut pointer = self.pointer.clone();
        pointer.push_back(token.to_string());
        Location { file: self.file, pointer }
    }
}

struct Document {
    /// Lexically normalised path, used as the identity of the file.
    path: PathBuf,
    /// The path as shown to users.
    display: String,
    text: String,
    /// Whether the file could be read (it may still have failed to parse).
    readable: bool,
    value: Result<Value, Diagnostic>,
}

/// Every file of a spec, parsed.
pub struct Spec {
    docs: Vec<Document>,
    by_path: HashMap<PathBuf, FileId>,
    /// Where each `$ref` string, by the file it is written in, has led: lowering follows the
    /// same few thousand references again and again, and each resolution normalises a path.
    resolved: RefCell<HashMap<(FileId, String), Location>>,
    /// Warnings about `$ref`s followed where OpenAPI does not allow one (see [`Spec::members`]),
    /// by location, so a container read twice warns once.
    ref_warnings: RefCell<BTreeMap<Location, Diagnostic>>,
}

impl Spec {
    /// Loads the root file and every file reachable from it through `$ref`s.
    ///
    /// Files are read level by level (the root, then the files it names, then the files
    /// those name, ...), each level's files parsed on all cores. Ids are given in the order
    /// the files are first named, so they are the same on every run.
    ///
    /// Fails only when the root itself cannot be read or parsed.
    pub fn load(root: &Path) -> Result<Spec, Diagnostic> {
        let mut spec = Spec {
            docs: Vec::new(),
            by_path: HashMap::new(),
            resolved: RefCell::default(),
            ref_warnings: RefCell::default(),
        };
        let root = normalize(root);
        spec.by_path.insert(root.clone(), FileId(0));
        let mut level = vec![root];
        while !level.is_empty() {
            let mut next = Vec::new();
            for (path, (doc, refs)) in level.iter().zip(read_all(&level)) {
                let dir = path.parent().map(Path::to_path_buf).unwrap_or_default();
                spec.docs.push(doc);
                for reference in refs {
                    let Some(path) = file_part(&reference).map(|f| normalize(&dir.join(f))) else {
                        continue;
                    };
                    let id = FileId(u32::try_from(spec.by_path.len()).expect("fewer than 2^32 files"));
                    if let Entry::Vacant(slot) = spec.by_path.entry(path) {
                        next.push(slot.key().clone());
                        slot.insert(id);
                    }
                }
            }
            if let Err(e) = &spec.docs[0].value {
                return Err(e.clone());
            }
            level = next;
        }
        Ok(spec)
    }

    /// The root file.
    pub fn root(&self) -> Location {
        Location { file: FileId(0), pointer: PointerBuf::root() }
    }

    /// Every file read, in the order it was read.
    pub fn paths(&self) -> Vec<PathBuf> {
        self.docs.iter().map(|d| d.path.clone()).collect()
    }

    /// The node at `loc`, if the file parsed and the pointer exists.
    pub fn get(&self, loc: &Location) -> Option<&Value> {
        let value = self.docs[loc.file.index()].value.as_ref().ok()?;
        loc.pointer.resolve(value).ok()
    }

    /// The path of a file as shown in diagnostics.
    pub fn display(&self, file: FileId) -> &str {
        &self.docs[file.index()].display
    }

    /// The file's path relative to the root file's folder, with `/` separators.
    pub fn relative_name(&self, file: FileId) -> String {
        let root_dir = self.docs[0].path.parent().unwrap_or(Path::new(""));
        let path = &self.docs[file.index()].path;
        let rel = path.strip_prefix(root_dir).unwrap_or(path);
        rel.components().map(|c| c.as_os_str().to_string_lossy()).collect::<Vec<_>>().join("/")
    }

    /// An error at `loc`.
    pub fn error(&self, loc: &Location, message: impl Into<String>) -> Diagnostic {
        Diagnostic::error(self.display(loc.file), loc.pointer.as_str(), message)
    }

    /// A warning at `loc`.
    pub fn warning(&self, loc: &Location, message: impl Into<String>) -> Diagnostic {
        Diagnostic::warning(self.display(loc.file), loc.pointer.as_str(), message)
    }

    /// Follows the `$ref` string found in the object at `at` to the node it names.
    pub fn resolve_ref(&self, at: &Location, reference: &str) -> Result<Location, Diagnostic> {
        let key = (at.file, reference.to_owned());
        if let Some(target) = self.resolved.borrow().get(&key) {
            return Ok(target.clone());
        }
        let target = self.resolve_ref_anew(at, reference)?;
        self.resolved.borrow_mut().insert(key, target.clone());
        Ok(target)
    }

    fn resolve_ref_anew(&self, at: &Location, reference: &str) -> Result<Location, Diagnostic> {
        let ref_loc = at.join("$ref");
        let (file, fragment) = reference.split_once('#').unwrap_or((reference, ""));
        let file_id = if file.is_empty() {
            at.file
        } else {
            if file.contains("://") {
                // A schema may name itself by an absolute `$id`; a `$ref` to that URI is local.
                if let Some(base) = self.find_in_docs(|node| node.get("$id").and_then(Value::as_str) == Some(file)) {
                    return self.resolve_fragment(at, reference, base, fragment);
                }
                return Err(self
                    .error(&ref_loc, format!("remote `$ref` `{reference}` is not supported"))
                    .with_hint("download the document and refer to it by a relative path"));
            }
            let dir = self.docs[at.file.index()].path.parent().unwrap_or(Path::new(""));
            let path = normalize(&dir.join(decode(file)));
            let Some(&id) = self.by_path.get(&path) else {
                return Err(self.error(&ref_loc, format!("dangling `$ref` `{reference}`: no such file")));
            };
            if let Err(cause) = &self.docs[id.index()].value {
                if self.docs[id.index()].readable {
                    // The file is there but broken: point at the broken file and its line.
                    let mut e = cause.clone();
                    let fix = cause.hint.clone().unwrap_or_else(|| "fix the file".into());
                    e.hint = Some(format!(
                        "{fix} (the file is named by `$ref` at {}#{})",
                        self.display(at.file),
                        ref_loc.pointer
                    ));
                    return Err(e);
                }
                let mut e = self.error(&ref_loc, format!("dangling `$ref` `{reference}`: {}", cause.message));
                e.hint = cause.hint.clone();
                return Err(e);
            }
            id
        };
        self.resolve_fragment(at, reference, Location { file: file_id, pointer: PointerBuf::root() }, fragment)
    }

    /// The node that `fragment` names inside the resource at `base`: a JSON pointer from it,
    /// or a plain name that a `$anchor` (or `$dynamicAnchor`) inside it declares.
    fn resolve_fragment(
        &self,
        at: &Location,
        reference: &str,
        base: Location,
        fragment: &str,
    ) -> Result<Location, Diagnostic> {
        let ref_loc = at.join("$ref");
        let file_id = base.file;
        let fragment = decode(fragment);
        if !fragment.is_empty() && !fragment.starts_with('/') {
            let anchored = |node: &Map<String, Value>| {
                ["$anchor", "$dynamicAnchor"].iter().any(|k| node.get(*k).and_then(Value::as_str) == Some(&fragment))
            };
            return match self.get(&base).and_then(|root| find_node(root, &anchored)) {
                Some(inner) => Ok(Location { file: file_id, pointer: base.pointer.concat(&inner) }),
                None => Err(self
                    .error(
                        &ref_loc,
                        format!(
                            "dangling `$ref` `{reference}`: no `$anchor: {fragment}` in `{}`",
                            self.display(file_id)
                        ),
                    )
                    .with_hint("write the fragment as a JSON pointer (`#/path/to/node`) or declare the `$anchor`")),
            };
        }
        let pointer = PointerBuf::parse(fragment.as_str()).map_err(|_| {
            self.error(&ref_loc, format!("`$ref` `{reference}` has a fragment that is not a JSON pointer"))
                .with_hint("write the fragment as `#/path/to/node`")
        })?;
        let target = Location { file: file_id, pointer: base.pointer.concat(&pointer) };
        if self.get(&target).is_none() {
            return Err(self.error(
                &ref_loc,
                format!(
                    "dangling `$ref` `{reference}`: `{}` has no node at `{}`",
                    self.display(file_id),
                    target.pointer
                ),
            ));
        }
        Ok(target)
    }

    /// The map or list of members at `loc` (`properties`, `paths`, `responses`, `parameters`,
    /// `content`, `headers`, a `components` section, ...), following a `$ref` written in its
    /// place, as JSON Reference tools (Redocly, swagger-parser) do wherever a `$ref` stands.
    ///
    /// OpenAPI allows no Reference Object there, so each one followed leaves a warning (see
    /// [`Spec::take_ref_warnings`]). The location returned is the node's own, so `$ref`s
    /// inside it resolve against its file. `None` when there is no node at `loc`.
    pub fn members(&self, loc: &Location) -> Result<Option<(Location, &Value)>, Diagnostic> {
        self.follow_refs(loc, |at, reference| {
            self.ref_warnings.borrow_mut().entry(at.clone()).or_insert_with(|| {
                self.warning(
                    &at.join("$ref"),
                    format!("`$ref` where OpenAPI expects the members themselves; followed to `{reference}`"),
                )
                .with_hint("tools that follow the OpenAPI specification strictly may not resolve this `$ref`")
            });
        })
    }

    /// The node at `loc` after every `$ref` standing in its place is followed (a Reference
    /// Object, or a `$ref` where [`Spec::members`] allows one), with the location it was
    /// found at; `followed` hears of each `$ref` followed. A chain that comes back to a place
    /// it passed is an error. `None` when there is no node at `loc`.
    pub fn follow_refs(
        &self,
        loc: &Location,
        followed: impl FnMut(&Location, &str),
    ) -> Result<Option<(Location, &Value)>, Diagnostic> {
        self.follow_refs_through(loc, |_| true, followed)
    }

    /// [`Spec::follow_refs`], stopping at a node holding a `$ref` that `through` refuses (a
    /// schema whose `$ref` has sibling keywords is one of its own, not a stand-in).
    pub fn follow_refs_through(
        &self,
        loc: &Location,
        through: impl Fn(&Map<String, Value>) -> bool,
        mut followed: impl FnMut(&Location, &str),
    ) -> Result<Option<(Location, &Value)>, Diagnostic> {
        let mut at = loc.clone();
        let mut seen = Vec::new();
        loop {
            let Some(node) = self.get(&at) else { return Ok(None) };
            // A `$ref` that is not a string is a member named `$ref` (a property, say).
            let Some((map, Value::String(reference))) = node.as_object().and_then(|m| Some((m, m.get("$ref")?))) else {
                return Ok(Some((at, node)));
            };
            if !through(map) {
                return Ok(Some((at, node)));
            }
            if seen.contains(&at) {
                return Err(self
                    .error(&at.join("$ref"), format!("`$ref` cycle: `{reference}` leads back here"))
                    .with_hint("one place in the cycle must hold a value instead of referring on"));
            }
            seen.push(at.clone());
            let target = self.resolve_ref(&at, reference)?;
            followed(&at, reference);
            at = target;
        }
    }

    /// The warnings [`Spec::members`] has left, in document order.
    pub fn take_ref_warnings(&self) -> Vec<Diagnostic> {
        std::mem::take(&mut *self.ref_warnings.borrow_mut()).into_values().collect()
    }

    /// The first node, in file order, that `found` accepts.
    fn find_in_docs(&self, found: impl Fn(&Map<String, Value>) -> bool) -> Option<Location> {
        self.docs.iter().enumerate().find_map(|(i, doc)| {
            let pointer = find_node(doc.value.as_ref().ok()?, &found)?;
            Some(Location { file: FileId(u32::try_from(i).ok()?), pointer })
        })
    }

    /// Fills in the line of every diagnostic whose file this spec holds.
    pub fn fill_lines(&self, diags: &mut [Diagnostic]) {
        // One read per file, for all of its diagnostics.
        for doc in &self.docs {
            let (at, pointers): (Vec<usize>, Vec<&Pointer>) = diags
                .iter()
                .enumerate()
                .filter(|(_, d)| d.line.is_none() && d.file == doc.display)
                .filter_map(|(i, d)| Some((i, Pointer::parse(&d.pointer).ok()?)))
                .unzip();
            if pointers.is_empty() {
                continue;
            }
            for (i, line) in at.into_iter().zip(lines::lines_of(&doc.text, &pointers)) {
                diags[i].line = line;
            }
        }
    }
}

impl FileId {
    fn index(self) -> usize {
        self.0 as usize
    }
}

/// Reads and parses `paths` on up to as many threads as there are cores, returning each
/// file with the `$ref`s it holds, in the order of `paths`.
fn read_all(paths: &[PathBuf]) -> Vec<(Document, Vec<String>)> {
    let threads = std::thread::available_parallelism().map_or(1, usize::from).min(paths.len());
    if threads <= 1 {
        return paths.iter().map(|p| read(p)).collect();
    }
    let next = AtomicUsize::new(0);
    let work = || {
        let mut done = Vec::new();
        loop {
            let i = next.fetch_add(1, Ordering::Relaxed);
            let Some(path) = paths.get(i) else { return done };
            done.push((i, read(path)));
        }
    };
    let mut read: Vec<(usize, (Document, Vec<String>))> = std::thread::scope(|s| {
        let others: Vec<_> = (1..threads).map(|_| s.spawn(work)).collect();
        let mut all = work();
        for other in others {
            // A panic while parsing is a bug; pass it on as one.
            all.extend(other.join().unwrap_or_else(|panic| std::panic::resume_unwind(panic)));
        }
        all
    });
    read.sort_unstable_by_key(|(i, _)| *i);
    read.into_iter().map(|(_, doc)| doc).collect()
}

/// Reads and parses one file, returning it with the `$ref`s it holds.
fn read(path: &Path) -> (Document, Vec<String>) {
    let display = path.display().to_string();
    let (text, readable, value) = match std::fs::read_to_string(path) {
        Ok(text) => {
            let value = parse(&display, path, &text);
            (text, true, value)
        }
        Err(e) => {
            let d = Diagnostic::error(&display, "", format!("cannot read `{display}`: {e}"))
                .with_hint("check the path of the `$ref` that names this file");
            (String::new(), false, Err(d))
        }
    };
    let mut refs = Vec::new();
    if let Ok(value) = &value {
        collect_refs(value, false, &mut refs);
    }
    (Document { path: path.to_path_buf(), display, text, readable, value }, refs)
}

/// Parses YAML or JSON; any other extension (a Markdown description, say) becomes one string.
fn parse(display: &str, path: &Path, text: &str) -> Result<Value, Diagnostic> {
    let ext = path.extension().and_then(|e| e.to_str()).unwrap_or("").to_ascii_lowercase();
    match ext.as_str() {
        "json" => serde_json::from_str::<value::Lenient>(text).map(|v| v.0).map_err(|e| {
            Diagnostic::error(display, "", format!("invalid JSON: {e}"))
                .with_line(Some(e.line()))
                .with_hint("fix the JSON syntax at the line shown")
        }),
        "yaml" | "yml" | "" => serde_yaml::from_str::<value::Lenient>(text).map(|v| v.0).map_err(|e| {
            let line = e.location().map(|l| l.line());
            let message = e.to_string();
            let message = message.split(" at line ").next().unwrap_or(&message).to_string();
            Diagnostic::error(display, "", format!("invalid YAML: {message}"))
                .with_line(line)
                .with_hint("fix the YAML syntax at the line shown")
        }),
        _ => Ok(Value::String(text.to_string())),
    }
}

/// The file part of a `$ref`, if it names another file.
fn file_part(reference: &str) -> Option<String> {
    let file = reference.split('#').next().unwrap_or("");
    (!file.is_empty() && !file.contains("://")).then(|| decode(file))
}

fn decode(s: &str) -> String {
    percent_encoding::percent_decode_str(s).decode_utf8_lossy().into_owned()
}

/// Every `$ref` string in `value`, skipping `x-` extension members (which hold no schema we read).
fn collect_refs(value: &Value, in_properties: bool, out: &mut Vec<String>) {
    match value {
        Value::Object(map) => {
            for (key, child) in map {
                if key == "$ref" {
                    if let Value::String(s) = child {
                        out.push(s.clone());
                    }
                } else if key == "discriminator" && !in_properties {
                    // Mapping values may name files, like `$ref`s.
                    if let Some(Value::Object(mapping)) = child.get("mapping") {
                        out.extend(
                            mapping
                                .values()
                                .filter_map(Value::as_str)
                                .filter(|v| v.contains(['.', '/']))
                                .map(str::to_string),
                        );
                    }
                } else if in_properties || !key.starts_with("x-") {
                    collect_refs(child, !in_properties && key == "properties", out);
                }
            }
        }
        Value::Array(items) => items.iter().for_each(|v| collect_refs(v, false, out)),
        _ => {}
    }
}

/// The pointer to the first object under `value` (itself included) that `found` accepts,
/// skipping `x-` extension members.
fn find_node(value: &Value, found: &impl Fn(&Map<String, Value>) -> bool) -> Option<PointerBuf> {
    match value {
        Value::Object(map) => {
            if found(map) {
                return Some(PointerBuf::root());
            }
            map.iter().filter(|(k, _)| !k.starts_with("x-")).find_map(|(k, child)| {
                let mut inner = find_node(child, found)?;
                inner.push_front(k.as_str());
                Some(inner)
            })
        }
        Value::Array(items) => items.iter().enumerate().find_map(|(i, child)| {
            let mut inner = find_node(child, found)?;
            inner.push_front(i.to_string());
            Some(inner)
        }),
        _ => None,
    }
}

/// Resolves `.` and `..` without touching the disk, so symlinks and missing files behave alike.
fn normalize(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for c in path.components() {
        match c {
            Component::CurDir => {}
            Component::ParentDir => {
                if matches!(out.components().next_back(), Some(Component::Normal(_))) {
                    out.pop();
                } else {
                    out.push("..");
                }
            }
            other => out.push(other),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalize_folds_dots() {
        assert_eq!(
            normalize(Path::new("spec/paths/../components/./schemas/A.yaml")),
            PathBuf::from("spec/components/schemas/A.yaml")
        );
        assert_eq!(normalize(Path::new("../x/../y.yaml")), PathBuf::from("../y.yaml"));
    }

    #[test]
    fn refs_in_extensions_are_skipped_but_properties_named_x_are_not() {
        let v: Value = serde_json::json!({
            "x-codeSamples": [{"$ref": "a.php"}],
            "properties": {"x-rate": {"$ref": "b.yaml"}},
            "items": {"$ref": "c.yaml#/d"}
        });
        let mut out = Vec::new();
        collect_refs(&v, false, &mut out);
        assert_eq!(out, vec!["b.yaml".to_string(), "c.yaml#/d".to_string()]);
    }
}
