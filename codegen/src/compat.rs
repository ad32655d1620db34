//! What a spec change does to the API: each change classified for existing clients and
//! existing server implementations, and the semver bump it implies for the generated crate.
//!
//! The rule behind every classification: a change that makes the contract *stricter* for the
//! side that sends a value (a new required member, a removed enum value, `null` no longer
//! allowed) breaks that sender; a change that makes it *looser* (a member may now be absent
//! or `null`, a new union alternative) breaks the receiver. Requests are sent by clients and
//! received by servers; responses the other way round. A new enum value is compatible for
//! receivers only because the generated enums keep unknown values (`Unknown(String)`).

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

use serde::Serialize;

use crate::rust_api::{Item, RustApi, Shape};
use crate::surface::{FieldSurface, OperationSurface, ResponseSurface, SchemaSurface, Surface};

/// Whether a change breaks one side.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Impact {
    /// Existing code keeps working.
    Compatible,
    /// Existing code may fail.
    Breaking,
}

/// How much a change matters to whoever reads the report.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Level {
    /// Nothing to act on.
    Info,
    /// Worth a look: nothing breaks, but behaviour may differ (a default changed, an
    /// operation deprecated).
    Warning,
    /// Breaks clients or servers.
    Breaking,
}

/// One difference between two surfaces: one spec change with its consequences (one member's
/// changes are one line), or one change made alike to several schemas (a member added to a
/// base schema that others extend).
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct Change {
    /// What changed, as shown: `operation PostCustomer`, `schema Customer`, `3 schemas: A, B, C`.
    pub subject: String,
    /// How it changed.
    pub what: String,
    /// Effect on existing clients.
    pub clients: Impact,
    /// Effect on existing server implementations.
    pub servers: Impact,
    /// The rules that name it (see [`WIRE_RULES`]), worst first.
    pub rules: Vec<&'static str>,
    /// Breaking, warning or info.
    pub level: Level,
    /// Each subject the change was made to (one, unless grouped).
    pub subjects: Vec<String>,
    /// Whether an acceptance file lists it (see [`Acceptance`]): known, and not to fail a gate.
    pub accepted: bool,
    /// Its effect on code using the generated crate: the worst of the crate changes of the
    /// items it concerns; `None` when the crates were not compared.
    pub crate_api: Option<Impact>,
    /// The generated crate's items it concerns, for [`Report::with_crate`].
    #[serde(skip)]
    pub items: Vec<String>,
}

/// The rules [`compare`] applies on the wire, each with what it covers.
pub const WIRE_RULES: &[(&str, &str)] = &[
    ("operation-added", "a new operation: servers must implement it"),
    ("operation-removed", "an operation is gone: clients calling it fail"),
    ("operation-moved", "an operation's method or path changed"),
    (
        "operation-id-changed",
        "an operation's `operationId` changed (same method and path): the generated method is renamed",
    ),
    ("member-added-required", "a required member, parameter or header added: its sender breaks"),
    ("member-added-optional", "an optional member, parameter or header added"),
    ("member-removed-required", "a required member removed: its receiver breaks"),
    ("member-removed-optional", "an optional member removed"),
    ("member-retyped", "a member's type changed: both sides break"),
    ("member-made-required", "a member became required: its sender breaks"),
    ("member-made-optional", "a member became optional: its receiver breaks"),
    ("member-made-nullable", "a member may now be `null`: its receiver breaks"),
    ("member-made-not-nullable", "a member may no longer be `null`: its sender breaks"),
    ("member-access-changed", "a member moved between read-write, readOnly and writeOnly"),
    ("enum-value-added", "an enum value added (the generated enums keep unknown values)"),
    ("enum-value-removed", "an enum value removed: its sender breaks"),
    ("union-alternative-added", "a union alternative added: its receiver breaks unless a discriminator picks it"),
    ("union-alternative-removed", "a union alternative removed: its sender breaks"),
    ("schema-added", "a new schema"),
    ("schema-removed", "a schema is gone"),
    ("schema-kind-changed", "a schema became another kind (object, enum, union, alias)"),
    ("schema-alias-changed", "an alias stands for another type"),
    ("media-type-changed", "a body's only media type changed: both sides break"),
    ("media-type-dropped", "one of a body's media types is gone"),
    ("media-type-added", "a body is offered in another media type too"),
    ("response-added", "a new documented response"),
    ("response-removed", "a documented response is gone: servers still sending it break"),
    ("response-body-changed", "a response's body type changed"),
    ("security-changed", "the credentials an operation accepts changed"),
    ("operation-deprecated", "an operation is now deprecated"),
    ("operation-undeprecated", "an operation is no longer deprecated"),
    ("member-deprecated", "a member or parameter is now deprecated"),
    ("parameter-style-changed", "a parameter's `style` or `explode` changed: both sides break"),
    ("default-changed", "a member's or parameter's `default` changed: behaviour without it differs"),
    (
        "constraint-tightened",
        "a bound, length, pattern, format or fixed value narrows what is valid: its sender breaks",
    ),
    ("constraint-loosened", "a validation keyword widens what is valid: receivers may see values they did not"),
    ("additional-properties-narrowed", "an object's other members closed or typed: its sender breaks"),
    ("additional-properties-widened", "an object allows other members it did not"),
    ("operation-sunset-changed", "a deprecated operation's `x-sunset` date changed"),
    ("security-scopes-added", "an operation asks for more OAuth2 scopes: tokens without them are refused"),
    ("security-scopes-removed", "an operation asks for fewer OAuth2 scopes"),
    ("server-removed", "a server URL is no longer listed: clients using it break"),
    ("server-added", "a server URL is listed"),
];

/// The level of a change with these impacts and rules.
fn level(clients: Impact, servers: Impact, rules: &[&str]) -> Level {
    const WARNINGS: &[&str] = &[
        "operation-id-changed",
        "member-access-changed",
        "operation-deprecated",
        "operation-sunset-changed",
        "member-deprecated",
        "default-changed",
        "constraint-loosened",
        "additional-properties-widened",
    ];
    if clients == Impact::Breaking || servers == Impact::Breaking {
        Level::Breaking
    } else if rules.iter().any(|r| WARNINGS.contains(r)) {
        Level::Warning
    } else {
        Level::Info
    }
}

/// The version bump a set of changes calls for.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Bump {
    /// Nothing on the wire changed.
    Patch,
    /// Only compatible changes.
    Minor,
    /// At least one breaking change.
    Major,
}

/// All changes between two versions of an API: on the wire, and (when both crates were
/// read) in the generated crate's Rust API; and the bump they imply.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Report {
    /// Changes on the wire, sorted by subject.
    pub changes: Vec<Change>,
    /// Changes to the generated crate's public Rust API, sorted by item; `None` when the
    /// crates were not compared.
    pub crate_changes: Option<Vec<CrateChange>>,
    /// The bump the wire changes call for.
    pub wire_bump: Bump,
    /// The bump the Rust API changes call for, when judged.
    pub crate_bump: Option<Bump>,
    /// The implied bump of the generated crate: the worse of the two.
    pub bump: Bump,
}

impl Report {
    /// Whether any change breaks clients, servers or (when judged) code using the crate.
    pub fn is_breaking(&self) -> bool {
        self.bump == Bump::Major
    }

    /// Whether anything changed, on the wire or (when judged) in the crate.
    pub fn has_changes(&self) -> bool {
        !self.changes.is_empty() || self.crate_changes.iter().flatten().next().is_some()
    }

    /// Whether any breaking change is not accepted (see [`Report::accept`]): what a CI gate
    /// fails on.
    pub fn has_unaccepted_breaks(&self) -> bool {
        let wire = self.changes.iter().any(|c| c.level == Level::Breaking && !c.accepted);
        wire || self.crate_changes.iter().flatten().any(|c| c.impact == Impact::Breaking && !c.accepted)
    }

    /// Marks the changes `acceptance` lists; returns its entries that matched nothing (stale).
    pub fn accept<'a>(&mut self, acceptance: &'a Acceptance) -> Vec<&'a (String, String)> {
        let mut used = vec![false; acceptance.entries.len()];
        for (i, (rule, location)) in acceptance.entries.iter().enumerate() {
            let here = |l: &str| location == "*" || location == l;
            for c in self.changes.iter_mut().filter(|c| c.rules.iter().any(|r| r == rule)) {
                if c.subjects.iter().any(|s| here(s)) {
                    (c.accepted, used[i]) = (true, true);
                }
            }
            for c in self.crate_changes.iter_mut().flatten().filter(|c| c.rule == rule && here(&c.item)) {
                (c.accepted, used[i]) = (true, true);
            }
        }
        acceptance.entries.iter().zip(used).filter(|(_, used)| !used).map(|(e, _)| e).collect()
    }

    /// The report with the crate's own changes judged too: its bump becomes the worse of the
    /// wire's and the crate's.
    pub fn with_crate(mut self, changes: Vec<CrateChange>) -> Report {
        let crate_bump = bump_of(changes.iter().map(|c| c.impact));
        // Each wire change gets the worst effect of the crate changes to its items.
        for c in &mut self.changes {
            let tied = changes.iter().filter(|cc| c.items.iter().any(|item| concerns(&cc.item, &cc.what, item)));
            c.crate_api = Some(tied.map(|cc| cc.impact).max().unwrap_or(Impact::Compatible));
        }
        self.bump = self.wire_bump.max(crate_bump);
        (self.crate_changes, self.crate_bump) = (Some(changes), Some(crate_bump));
        self
    }
}

/// Known changes a CI gate should not fail on: lines of `RULE LOCATION` (a wire rule and a
/// subject such as `schema Pet` or `operation ListPets`, or a crate rule and an item such as
/// `models::Pet`; `*` for any location), `#` starting a comment.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Acceptance {
    /// (rule, location) pairs, in file order.
    pub entries: Vec<(String, String)>,
}

impl Acceptance {
    /// Reads an acceptance file's text; an unknown rule is an error naming its line.
    pub fn parse(text: &str) -> Result<Acceptance, String> {
        let known = |rule: &str| WIRE_RULES.iter().chain(CRATE_RULES).any(|(r, _)| *r == rule);
        let mut entries = Vec::new();
        for (n, line) in text.lines().enumerate() {
            let line = line.split('#').next().unwrap_or("").trim();
            if line.is_empty() {
                continue;
            }
            let (rule, location) = line.split_once(char::is_whitespace).unwrap_or((line, ""));
            let location = location.trim();
            if !known(rule) {
                return Err(format!("line {}: unknown rule `{rule}` (the rules are listed by `--rules`)", n + 1));
            }
            if location.is_empty() {
                return Err(format!("line {}: `{rule}` needs a location (a subject, an item, or `*`)", n + 1));
            }
            entries.push((rule.to_owned(), location.to_owned()));
        }
        Ok(Acceptance { entries })
    }
}

/// Whether a crate change (to `changed`, saying `what`) concerns the item `item`: the item
/// itself, a trait it implements, or (`server::Api::method`) the trait's method.
pub(crate) fn concerns(changed: &str, what: &str, item: &str) -> bool {
    if let Some((trait_path, method)) = item.rsplit_once("::").filter(|(t, _)| *t == "server::Api") {
        return changed == trait_path && what.contains(&format!("`{method}`"));
    }
    changed == item || changed.strip_prefix("impl ").is_some_and(|rest| rest.ends_with(&format!(" for {item}")))
}

/// Patch for no change, major for any breaking one, else minor.
fn bump_of(impacts: impl IntoIterator<Item = Impact>) -> Bump {
    impacts
        .into_iter()
        .fold(Bump::Patch, |bump, impact| bump.max(if impact == Impact::Breaking { Bump::Major } else { Bump::Minor }))
}

/// One difference between two versions of the generated crate's public Rust API.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct CrateChange {
    /// The rule that names it (`struct-field-added`, ...): see [`CRATE_RULES`].
    pub rule: &'static str,
    /// The item: `models::Customer`, `client::Client::get_customer`.
    pub item: String,
    /// How it changed.
    pub what: String,
    /// Whether code written against the old crate may stop compiling.
    pub impact: Impact,
    /// Whether an acceptance file lists it (see [`Acceptance`]).
    pub accepted: bool,
}

/// The rules [`compare_crates`] applies, each with what it means; Rust's semver rules as
/// `cargo-semver-checks` applies them.
pub const CRATE_RULES: &[(&str, &str)] = &[
    ("item-removed", "a public item is gone: code naming it stops compiling"),
    ("item-added", "a new public item: compatible"),
    ("item-kind-changed", "an item became another kind of item (a struct an enum, ...)"),
    ("struct-field-removed", "a public field is gone: code reading or building it stops compiling"),
    ("struct-field-retyped", "a public field's type changed"),
    ("struct-field-added", "a field added to a struct callers build with a literal (no `#[non_exhaustive]`)"),
    ("struct-field-added-sealed", "a field added to a struct callers cannot build with a literal: compatible"),
    ("struct-sealed", "a struct callers built with a literal no longer can"),
    ("enum-variant-removed", "a variant is gone: code naming it stops compiling"),
    ("enum-variant-changed", "a variant's fields changed"),
    ("enum-variant-added", "a variant added to an enum callers match exhaustively (no `#[non_exhaustive]`)"),
    ("enum-variant-added-open", "a variant added to a `#[non_exhaustive]` enum: compatible"),
    ("enum-sealed", "an enum callers matched exhaustively became `#[non_exhaustive]`"),
    ("fn-signature-changed", "a function's or method's signature changed"),
    ("trait-method-added", "a trait method without a default: implementations stop compiling"),
    ("trait-method-added-default", "a trait method with a default: compatible"),
    ("trait-method-removed", "a trait method is gone: implementations and callers stop compiling"),
    ("trait-method-changed", "a trait method's signature changed"),
    ("alias-retyped", "a type alias, constant or static stands for another type"),
    ("impl-removed", "a trait implementation (or derive) is gone"),
    ("impl-added", "a new trait implementation: compatible"),
    ("reexport-changed", "a re-export names another item"),
];

/// Both verdicts between two versions: [`compare`] of their surfaces, judged with
/// [`compare_crates`] of their generated crates' public Rust APIs.
pub fn compare_versions(old: (&Surface, &RustApi), new: (&Surface, &RustApi)) -> Report {
    compare(old.0, new.0).with_crate(compare_crates(old.1, new.1))
}

/// Compares two versions of a generated crate's public Rust API.
pub fn compare_crates(old: &RustApi, new: &RustApi) -> Vec<CrateChange> {
    let mut out = Vec::new();
    let mut push = |rule: &'static str, item: &str, what: String, breaks: bool| {
        out.push(CrateChange { rule, item: item.to_owned(), what, impact: impact(breaks), accepted: false });
    };
    let paths: BTreeSet<&String> = old.items.keys().chain(new.items.keys()).collect();
    for path in paths {
        let (o, n) = match (old.items.get(path), new.items.get(path)) {
            (Some(_), None) => {
                let rule = if path.starts_with("impl ") { "impl-removed" } else { "item-removed" };
                push(rule, path, "removed".into(), true);
                continue;
            }
            (None, Some(_)) => {
                let rule = if path.starts_with("impl ") { "impl-added" } else { "item-added" };
                push(rule, path, "added".into(), false);
                continue;
            }
            (Some(o), Some(n)) => (o, n),
            (None, None) => continue,
        };
        match (o, n) {
            (Item::Struct { fields: of, constructible: oc }, Item::Struct { fields: nf, constructible: nc }) => {
                let rules =
                    ["struct-field-removed", "struct-field-retyped", "struct-field-added", "struct-field-added-sealed"];
                let show = |t: &String| tidy(t);
                parts(&mut push, path, ("field", "retyped", "breaks struct literals"), rules, (of, nf), show, *oc);
                if *oc && !nc {
                    push("struct-sealed", path, "can no longer be built with a literal".into(), true);
                }
            }
            (Item::Enum { variants: ov, exhaustive: oe }, Item::Enum { variants: nv, exhaustive: ne }) => {
                let rules =
                    ["enum-variant-removed", "enum-variant-changed", "enum-variant-added", "enum-variant-added-open"];
                let show = |v: &Shape| tidy(&v.to_string());
                parts(&mut push, path, ("variant", "changed", "breaks exhaustive matches"), rules, (ov, nv), show, *oe);
                if *oe && !ne {
                    push("enum-sealed", path, "became `#[non_exhaustive]`".into(), true);
                }
            }
            (Item::Fn { signature: os }, Item::Fn { signature: ns }) if os != ns => {
                let what = format!("signature: {} → {}", tidy(os), tidy(ns));
                push("fn-signature-changed", path, what, true);
            }
            (Item::Trait { methods: om, types: ot }, Item::Trait { methods: nm, types: nt }) => {
                for (name, bounds) in ot {
                    match nt.get(name) {
                        None => push("trait-method-removed", path, format!("associated type `{name}` removed"), true),
                        Some(nb) if nb != bounds => {
                            let what = format!("associated type `{name}`: {} → {}", tidy(bounds), tidy(nb));
                            push("trait-method-changed", path, what, true);
                        }
                        Some(_) => {}
                    }
                }
                for name in nt.keys().filter(|name| !ot.contains_key(*name)) {
                    push("trait-method-added", path, format!("associated type `{name}` added, to define"), true);
                }
                for (name, (sig, _)) in om {
                    match nm.get(name) {
                        None => push("trait-method-removed", path, format!("method `{name}` removed"), true),
                        Some((nsig, _)) if nsig != sig => {
                            let what = format!("method `{name}`: {} → {}", tidy(sig), tidy(nsig));
                            push("trait-method-changed", path, what, true);
                        }
                        Some(_) => {}
                    }
                }
                for (name, (_, default)) in nm.iter().filter(|(name, _)| !om.contains_key(*name)) {
                    match default {
                        false => push("trait-method-added", path, format!("method `{name}` added, to implement"), true),
                        true => push("trait-method-added-default", path, format!("method `{name}` added"), false),
                    }
                }
            }
            (Item::Alias { ty: ot }, Item::Alias { ty: nt }) if ot != nt => {
                push("alias-retyped", path, format!("now {} (was {})", tidy(nt), tidy(ot)), true);
            }
            (Item::Reexport { target: ot }, Item::Reexport { target: nt }) if ot != nt => {
                push("reexport-changed", path, format!("now names {nt} (was {ot})"), true);
            }
            (o, n) if std::mem::discriminant(o) != std::mem::discriminant(n) => {
                push("item-kind-changed", path, format!("changed from {} to {}", kind(o), kind(n)), true);
            }
            _ => {}
        }
    }
    out
}

/// Compares the named parts of one item (a struct's fields, an enum's variants): each one
/// removed or changed breaks; each one added breaks only when the old item was `closed` to
/// code outside the crate (built with a literal, matched exhaustively). `words` are the part's
/// noun, the verb of a change, and what an addition breaks; `rules`, those of a removal, a
/// change, an addition that breaks, and one that does not.
fn parts<T: PartialEq>(
    push: &mut impl FnMut(&'static str, &str, String, bool),
    path: &str,
    (noun, changed, breaks): (&str, &str, &str),
    [removed, retyped, added, added_open]: [&'static str; 4],
    (old, new): (&BTreeMap<String, T>, &BTreeMap<String, T>),
    show: impl Fn(&T) -> String,
    closed: bool,
) {
    for (name, part) in old {
        match new.get(name) {
            None => push(removed, path, format!("{noun} `{name}` removed"), true),
            Some(now) if now != part => {
                push(retyped, path, format!("{noun} `{name}` {changed}: {} → {}", show(part), show(now)), true);
            }
            Some(_) => {}
        }
    }
    for name in new.keys().filter(|name| !old.contains_key(*name)) {
        match closed {
            true => push(added, path, format!("{noun} `{name}` added ({breaks})"), true),
            false => push(added_open, path, format!("{noun} `{name}` added"), false),
        }
    }
}

/// What kind of item `item` is, in words.
fn kind(item: &Item) -> &'static str {
    match item {
        Item::Struct { .. } => "a struct",
        Item::Enum { .. } => "an enum",
        Item::Fn { .. } => "a function",
        Item::Trait { .. } => "a trait",
        Item::Alias { .. } => "a type alias",
        Item::Impl => "an implementation",
        Item::Reexport { .. } => "a re-export",
    }
}

/// Token text as Rust is written: `Option < i64 >` → `Option<i64>`, `f (& self , x : T)` →
/// `f(&self, x: T)`.
fn tidy(tokens: &str) -> String {
    [(" :: ", "::"), (":: ", "::"), (" <", "<"), ("< ", "<"), (" >", ">"), (" ,", ","), (" (", "("), ("( ", "(")]
        .into_iter()
        .chain([(" )", ")"), ("& ", "&"), (" :", ":"), (" ;", ";"), ("! (", "!(")])
        .fold(tokens.to_owned(), |text, (from, to)| text.replace(from, to))
}

/// Who sends a value.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Sender {
    Client,
    Server,
}

struct Diff {
    /// Whether both surfaces record validation keywords, defaults, styles, deprecation, other
    /// members and servers (format 2).
    detailed: bool,
    /// Changes by (subject, what), with their rule; a change seen in both directions keeps
    /// the worse impacts.
    changes: BTreeMap<(String, String), (&'static str, Impact, Impact)>,
}

impl Diff {
    /// A body's media type changed (`of` names the body): breaking for both sides. Unknown
    /// on either side (a surface written before media types were recorded), nothing is said.
    fn media_type(&mut self, subject: &str, of: &str, old: &Option<String>, new: &Option<String>) {
        if let (Some(old), Some(new)) = (old, new) {
            if old != new {
                let what = format!("{of} media type: {old} → {new}");
                self.push(subject, "media-type-changed", what, Impact::Breaking, Impact::Breaking);
            }
        }
    }

    /// The media types a response is offered in; see [`Diff::media_set`].
    fn response_media(&mut self, subject: &str, status: &str, old: &ResponseSurface, new: &ResponseSurface) {
        let of = format!("response {status}");
        let (old, new) = ((&old.media_type, &old.other_media_types), (&new.media_type, &new.other_media_types));
        // A response type dropped breaks the clients that ask for it, and the servers that
        // still send it.
        self.media_set(subject, &of, old, new, (Impact::Breaking, Impact::Breaking));
    }

    /// The media types a body (`of`) comes in: the first, and the others. One type for one: a
    /// change of type breaks both sides (old clients send or read the old type, old servers
    /// read or send it). With several, each type dropped has the impacts `dropped` (clients,
    /// servers), and each type added breaks neither: clients generated from the spec send the
    /// first and ask only for the types they know, and no server has to send it. Unknown on
    /// either side (an old surface), nothing is said.
    fn media_set(
        &mut self,
        subject: &str,
        of: &str,
        (old_first, old_others): (&Option<String>, &Vec<String>),
        (new_first, new_others): (&Option<String>, &Vec<String>),
        (clients, servers): (Impact, Impact),
    ) {
        if old_others.is_empty() && new_others.is_empty() {
            return self.media_type(subject, of, old_first, new_first);
        }
        let (Some(old_first), Some(new_first)) = (old_first, new_first) else { return };
        let old_all: BTreeSet<&String> = std::iter::once(old_first).chain(old_others).collect();
        let new_all: BTreeSet<&String> = std::iter::once(new_first).chain(new_others).collect();
        for gone in old_all.difference(&new_all) {
            self.push(subject, "media-type-dropped", format!("{of} no longer offers {gone}"), clients, servers);
        }
        for added in new_all.difference(&old_all) {
            let what = format!("{of} also offers {added}");
            self.push(subject, "media-type-added", what, Impact::Compatible, Impact::Compatible);
        }
    }

    fn push(&mut self, subject: &str, rule: &'static str, what: String, clients: Impact, servers: Impact) {
        let entry = self.changes.entry((subject.to_string(), what)).or_insert((rule, clients, servers));
        entry.1 = entry.1.max(clients);
        entry.2 = entry.2.max(servers);
    }

    /// A change that breaks the sender (`stricter`) or the receiver (`looser`), or neither.
    fn directed(
        &mut self,
        subject: &str,
        rule: &'static str,
        what: String,
        sender: Sender,
        breaks_sender: bool,
        breaks_receiver: bool,
    ) {
        let (client, server) = match sender {
            Sender::Client => (breaks_sender, breaks_receiver),
            Sender::Server => (breaks_receiver, breaks_sender),
        };
        self.push(subject, rule, what, impact(client), impact(server));
    }

    /// Compares one member (field, parameter, header, body) sent by `sender`.
    fn member(
        &mut self,
        subject: &str,
        name: &str,
        old: Option<&FieldSurface>,
        new: Option<&FieldSurface>,
        sender: Sender,
    ) {
        match (old, new) {
            (None, None) => {}
            (None, Some(n)) => {
                let what =
                    format!("`{name}` added ({}{})", if n.required { "required" } else { "optional" }, access_note(n));
                let rule = if n.required { "member-added-required" } else { "member-added-optional" };
                self.directed(subject, rule, what, sender, n.required, false);
            }
            (Some(o), None) => {
                let what = format!("`{name}` removed (was {})", if o.required { "required" } else { "optional" });
                let rule = if o.required { "member-removed-required" } else { "member-removed-optional" };
                self.directed(subject, rule, what, sender, false, o.required);
            }
            (Some(o), Some(n)) => {
                if o.ty != n.ty {
                    let what = format!("`{name}` retyped: {} → {}", o.ty, n.ty);
                    self.directed(subject, "member-retyped", what, sender, true, true);
                }
                if o.required != n.required {
                    let what = format!("`{name}` is now {}", if n.required { "required" } else { "optional" });
                    let rule = if n.required { "member-made-required" } else { "member-made-optional" };
                    self.directed(subject, rule, what, sender, n.required, !n.required);
                }
                if o.nullable != n.nullable {
                    let what =
                        format!("`{name}` {}", if n.nullable { "may now be null" } else { "may no longer be null" });
                    let rule = if n.nullable { "member-made-nullable" } else { "member-made-not-nullable" };
                    self.directed(subject, rule, what, sender, !n.nullable, n.nullable);
                }
                if !self.detailed {
                    return;
                }
                if let (Some(os), Some(ns)) = (&o.style, &n.style) {
                    if os != ns {
                        let what = format!("`{name}` style: {os} → {ns}");
                        self.directed(subject, "parameter-style-changed", what, sender, true, true);
                    }
                }
                if !o.deprecated && n.deprecated {
                    let what = format!("`{name}` deprecated");
                    self.push(subject, "member-deprecated", what, Impact::Compatible, Impact::Compatible);
                }
                if o.default != n.default {
                    let show = |d: &Option<String>| d.clone().unwrap_or_else(|| "none".into());
                    let what = format!("`{name}` default: {} → {}", show(&o.default), show(&n.default));
                    self.push(subject, "default-changed", what, Impact::Compatible, Impact::Compatible);
                }
                let keys: BTreeSet<&String> = o.constraints.keys().chain(n.constraints.keys()).collect();
                for key in keys {
                    let (old, new) = (o.constraints.get(key), n.constraints.get(key));
                    let Some(tightened) = tightened(key, old, new) else { continue };
                    let show = |v: Option<&String>| v.cloned().unwrap_or_else(|| "none".into());
                    let word = if tightened { "tightened" } else { "loosened" };
                    let what = format!("`{name}` {key}: {} → {} ({word})", show(old), show(new));
                    if tightened {
                        // Values the sender may still send are now refused.
                        self.directed(subject, "constraint-tightened", what, sender, true, false);
                    } else {
                        self.push(subject, "constraint-loosened", what, Impact::Compatible, Impact::Compatible);
                    }
                }
            }
        }
    }

    fn schema(&mut self, name: &str, old: Option<&SchemaSurface>, new: Option<&SchemaSurface>) {
        let subject = format!("schema {name}");
        let (o, n) = match (old, new) {
            (None, Some(_)) => {
                return self.push(&subject, "schema-added", "added".into(), Impact::Compatible, Impact::Compatible)
            }
            (Some(_), None) => {
                return self.push(&subject, "schema-removed", "removed".into(), Impact::Breaking, Impact::Breaking)
            }
            (Some(o), Some(n)) => (o, n),
            (None, None) => return,
        };
        if o.kind != n.kind {
            return self.push(
                &subject,
                "schema-kind-changed",
                format!("changed from {} to {}", o.kind, n.kind),
                Impact::Breaking,
                Impact::Breaking,
            );
        }
        let senders: Vec<Sender> =
            [(Sender::Client, o.in_requests || n.in_requests), (Sender::Server, o.in_responses || n.in_responses)]
                .into_iter()
                .filter_map(|(s, used)| used.then_some(s))
                .collect();
        if o.alias != n.alias {
            self.push(
                &subject,
                "schema-alias-changed",
                format!(
                    "now stands for {} (was {})",
                    n.alias.as_deref().unwrap_or("?"),
                    o.alias.as_deref().unwrap_or("?")
                ),
                Impact::Breaking,
                Impact::Breaking,
            );
        }
        for sender in &senders {
            // Members as the sender sees them: requests carry no readOnly members, responses no writeOnly ones.
            let hidden = if *sender == Sender::Client { "readOnly" } else { "writeOnly" };
            let keys: BTreeSet<&String> = o.fields.keys().chain(n.fields.keys()).collect();
            for key in keys {
                self.member(&subject, key, visible(o, key, hidden), visible(n, key, hidden), *sender);
            }
            for v in n.values.iter().filter(|v| !o.values.contains(v)) {
                // Receivers keep unknown values in the enum's catch-all variant.
                self.directed(
                    &subject,
                    "enum-value-added",
                    format!("enum value `{v}` added (old code keeps it as `Unknown`)"),
                    *sender,
                    false,
                    false,
                );
            }
            for v in o.values.iter().filter(|v| !n.values.contains(v)) {
                self.directed(
                    &subject,
                    "enum-value-removed",
                    format!("enum value `{v}` removed"),
                    *sender,
                    true,
                    false,
                );
            }
            if self.detailed && o.additional != n.additional {
                let show = |a: &Option<String>| a.clone().unwrap_or_else(|| "any".into());
                let what = format!("other members: {} → {}", show(&o.additional), show(&n.additional));
                // Closed, or typed where any was allowed: narrower; the rest: wider.
                let narrowed = match (&o.additional, &n.additional) {
                    (_, Some(n)) if n == "none" => true,
                    (None, Some(_)) => true,
                    _ => false,
                };
                if narrowed {
                    self.directed(&subject, "additional-properties-narrowed", what, *sender, true, false);
                } else {
                    let rule = "additional-properties-widened";
                    self.push(&subject, rule, what, Impact::Compatible, Impact::Compatible);
                }
            }
            for v in n.variants.iter().filter(|v| !o.variants.contains(v)) {
                let what = format!("alternative `{v}` added");
                self.directed(&subject, "union-alternative-added", what, *sender, false, !o.discriminated);
            }
            for v in o.variants.iter().filter(|v| !n.variants.contains(v)) {
                let what = format!("alternative `{v}` removed");
                self.directed(&subject, "union-alternative-removed", what, *sender, true, false);
            }
        }
        for (key, f) in &n.fields {
            if let Some(of) = o.fields.get(key) {
                if of.access != f.access {
                    let describe = |a: &str| if a.is_empty() { "read-write".to_string() } else { a.to_string() };
                    let what = format!("`{key}` moved from {} to {}", describe(&of.access), describe(&f.access));
                    // Covered member by member above; recorded here so the move itself is visible.
                    self.push(&subject, "member-access-changed", what, Impact::Compatible, Impact::Compatible);
                }
            }
        }
    }

    fn operation(&mut self, id: &str, old: Option<&OperationSurface>, new: Option<&OperationSurface>) {
        let subject = format!("operation {id}");
        let (o, n) = match (old, new) {
            (None, Some(n)) => {
                let what = format!("added ({} {}); servers must implement it", n.method, n.path);
                return self.push(&subject, "operation-added", what, Impact::Compatible, Impact::Breaking);
            }
            (Some(o), None) => {
                return self.push(
                    &subject,
                    "operation-removed",
                    format!("removed ({} {})", o.method, o.path),
                    Impact::Breaking,
                    Impact::Breaking,
                )
            }
            (Some(o), Some(n)) => (o, n),
            (None, None) => return,
        };
        if (&o.method, &o.path) != (&n.method, &n.path) {
            let what = format!("moved from {} {} to {} {}", o.method, o.path, n.method, n.path);
            self.push(&subject, "operation-moved", what, Impact::Breaking, Impact::Breaking);
        }
        if self.detailed && o.deprecated != n.deprecated {
            let sunset = n.sunset.as_ref().map_or_else(String::new, |date| format!(", sunset {date}"));
            let (rule, what) = match n.deprecated {
                true => ("operation-deprecated", format!("deprecated{sunset}: plan its removal")),
                false => ("operation-undeprecated", "no longer deprecated".to_owned()),
            };
            self.push(&subject, rule, what, Impact::Compatible, Impact::Compatible);
        } else if self.detailed && n.deprecated && o.sunset != n.sunset {
            let show = |s: &Option<String>| s.clone().unwrap_or_else(|| "none".into());
            let what = format!("sunset: {} → {}", show(&o.sunset), show(&n.sunset));
            self.push(&subject, "operation-sunset-changed", what, Impact::Compatible, Impact::Compatible);
        }
        if self.detailed {
            let schemes: BTreeSet<&String> = o.scopes.keys().chain(n.scopes.keys()).collect();
            for scheme in schemes {
                let (old, new) = (o.scopes.get(scheme), n.scopes.get(scheme));
                let added: Vec<&String> =
                    new.into_iter().flatten().filter(|s| !old.is_some_and(|o| o.contains(s))).collect();
                let gone: Vec<&String> =
                    old.into_iter().flatten().filter(|s| !new.is_some_and(|n| n.contains(s))).collect();
                let list = |scopes: &[&String]| scopes.iter().map(|s| format!("`{s}`")).collect::<Vec<_>>().join(", ");
                if !added.is_empty() {
                    // Tokens issued without them are refused.
                    let what = format!("{scheme} asks for scopes {} too", list(&added));
                    self.push(&subject, "security-scopes-added", what, Impact::Breaking, Impact::Compatible);
                }
                if !gone.is_empty() {
                    let what = format!("{scheme} no longer asks for scopes {}", list(&gone));
                    self.push(&subject, "security-scopes-removed", what, Impact::Compatible, Impact::Compatible);
                }
            }
        }
        let keys: BTreeSet<&String> = o.params.keys().chain(n.params.keys()).collect();
        for key in keys {
            self.member(&subject, &format!("parameter {key}"), o.params.get(key), n.params.get(key), Sender::Client);
        }
        self.member(&subject, "request body", o.body.as_ref(), n.body.as_ref(), Sender::Client);
        // Old clients send the old type, which the new server refuses (415); old servers
        // refuse what new clients send.
        // A request type dropped breaks the clients that send it; servers that still read it
        // are none the worse.
        self.media_set(
            &subject,
            "request body",
            (&o.body_media_type, &o.body_other_media_types),
            (&n.body_media_type, &n.body_other_media_types),
            (Impact::Breaking, Impact::Compatible),
        );
        let statuses: BTreeSet<&String> = o.responses.keys().chain(n.responses.keys()).collect();
        for status in statuses {
            match (o.responses.get(status), n.responses.get(status)) {
                (None, Some(_)) => {
                    // Old clients report it as an undocumented status, which they already handle.
                    let what = format!("response {status} added");
                    self.push(&subject, "response-added", what, Impact::Compatible, Impact::Compatible);
                }
                (Some(_), None) => {
                    let what = format!("response {status} removed");
                    self.directed(&subject, "response-removed", what, Sender::Server, true, false);
                }
                (Some(or), Some(nr)) => {
                    if or.body != nr.body {
                        let body = |b: &Option<String>| b.clone().unwrap_or_else(|| "no body".into());
                        let what = format!("response {status} body: {} → {}", body(&or.body), body(&nr.body));
                        self.push(&subject, "response-body-changed", what, Impact::Breaking, Impact::Breaking);
                    }
                    self.response_media(&subject, status, or, nr);
                    let headers: BTreeSet<&String> = or.headers.keys().chain(nr.headers.keys()).collect();
                    for h in headers {
                        let name = format!("response {status} header {h}");
                        self.member(&subject, &name, or.headers.get(h), nr.headers.get(h), Sender::Server);
                    }
                }
                (None, None) => {}
            }
        }
        if o.security != n.security {
            let show = |s: &Vec<Vec<String>>| s.iter().map(|a| a.join("+")).collect::<Vec<_>>().join(" or ");
            let what = format!("security: {} → {}", show(&o.security), show(&n.security));
            // Any other set of accepted credentials may reject what old clients send.
            self.push(&subject, "security-changed", what, Impact::Breaking, Impact::Compatible);
        }
    }
}

/// Whether a validation keyword's change from `old` to `new` narrows what is valid (`Some(true)`),
/// widens it (`Some(false)`), or neither (`None`, unchanged). A bound added narrows, one
/// removed widens; a changed pattern, format or fixed value is taken as narrowing, since a value
/// valid before may not be now.
fn tightened(key: &str, old: Option<&String>, new: Option<&String>) -> Option<bool> {
    let number = |v: &String| {
        let exclusive = v.ends_with("(exclusive)");
        v.split(' ').next().and_then(|n| n.parse::<f64>().ok()).map(|n| (n, exclusive))
    };
    match (old, new) {
        (Some(o), Some(n)) if o == n => None,
        (None, None) => None,
        (None, Some(_)) => Some(true),
        (Some(_), None) => Some(false),
        (Some(o), Some(n)) => {
            let lower = key.starts_with("min");
            let upper = key.starts_with("max");
            match (number(o), number(n)) {
                (Some((o, ox)), Some((n, nx))) if lower || upper => {
                    // An exclusive bound at the same number is the narrower one.
                    let narrower = if lower { n > o || (n == o && nx && !ox) } else { n < o || (n == o && nx && !ox) };
                    Some(narrower)
                }
                _ => Some(true),
            }
        }
    }
}

fn visible<'a>(s: &'a SchemaSurface, key: &str, hidden: &str) -> Option<&'a FieldSurface> {
    s.fields.get(key).filter(|f| f.access != hidden)
}

fn impact(breaks: bool) -> Impact {
    if breaks {
        Impact::Breaking
    } else {
        Impact::Compatible
    }
}

fn access_note(f: &FieldSurface) -> String {
    if f.access.is_empty() {
        String::new()
    } else {
        format!(", {}", f.access)
    }
}

/// The changes as lines: a member's changes under one subject make one line (a member made
/// readOnly and retyped is one change, not three), then a change made alike to several
/// schemas is one line naming them.
fn group(changes: BTreeMap<(String, String), (&'static str, Impact, Impact)>) -> Vec<Change> {
    // `what` begins with the member it concerns (`` `name` ``), when it concerns one.
    let member =
        |what: &str| what.strip_prefix('`').and_then(|rest| rest.split_once('`')).map(|(name, _)| name.to_owned());
    /// One change as recorded: what, rule, clients, servers.
    type Part = (String, &'static str, Impact, Impact);
    let mut lines: BTreeMap<(String, String), Vec<Part>> = BTreeMap::new();
    for ((subject, what), (rule, clients, servers)) in changes {
        let key = member(&what).map_or_else(|| what.clone(), |m| format!("`{m}`"));
        lines.entry((subject, key)).or_default().push((what, rule, clients, servers));
    }
    let mut merged: Vec<Change> = lines
        .into_iter()
        .map(|((subject, key), mut parts)| {
            // Worst first: the line reads as its most serious consequence.
            parts.sort_by_key(|(_, _, c, s)| std::cmp::Reverse((*c).max(*s)));
            let clients = parts.iter().map(|p| p.2).max().unwrap_or(Impact::Compatible);
            let servers = parts.iter().map(|p| p.3).max().unwrap_or(Impact::Compatible);
            let mut rules: Vec<&'static str> = Vec::new();
            for (_, rule, ..) in &parts {
                if !rules.contains(rule) {
                    rules.push(rule);
                }
            }
            let what = match parts.len() {
                1 => parts.swap_remove(0).0,
                _ => {
                    let rest: Vec<&str> =
                        parts.iter().map(|(w, ..)| w.strip_prefix(key.as_str()).unwrap_or(w).trim()).collect();
                    format!("{key} {}", rest.join("; "))
                }
            };
            let level = level(clients, servers, &rules);
            let subjects = vec![subject.clone()];
            let (accepted, crate_api, items) = (false, None, Vec::new());
            Change { subjects, subject, what, clients, servers, rules, level, accepted, crate_api, items }
        })
        .collect();
    // The same change to several schemas: one line.
    let mut by_change: BTreeMap<(String, Vec<&'static str>, Impact, Impact), Vec<usize>> = BTreeMap::new();
    for (i, c) in merged.iter().enumerate().filter(|(_, c)| c.subject.starts_with("schema ")) {
        by_change.entry((c.what.clone(), c.rules.clone(), c.clients, c.servers)).or_default().push(i);
    }
    let mut drop = vec![false; merged.len()];
    for indexes in by_change.into_values().filter(|i| i.len() > 1) {
        let names: Vec<String> =
            indexes.iter().map(|&i| merged[i].subject.trim_start_matches("schema ").to_owned()).collect();
        let first = indexes[0];
        merged[first].subject = format!("{} schemas: {}", names.len(), names.join(", "));
        merged[first].subjects = names.iter().map(|n| format!("schema {n}")).collect();
        for &i in &indexes[1..] {
            drop[i] = true;
        }
    }
    let mut kept = drop.iter();
    merged.retain(|_| !kept.next().copied().unwrap_or(false));
    merged
}

/// Compares two surfaces.
pub fn compare(old: &Surface, new: &Surface) -> Report {
    let mut d = Diff { detailed: old.format >= 2 && new.format >= 2, changes: BTreeMap::new() };
    // An operation whose `operationId` changed but whose method and path did not is the same
    // operation on the wire (only the generated names change): compared as one.
    let gone = old.operations.iter().filter(|(id, _)| !new.operations.contains_key(*id));
    let renamed: BTreeMap<&String, &String> = gone
        .filter_map(|(old_id, o)| {
            let mut same = new
                .operations
                .iter()
                .filter(|(id, n)| !old.operations.contains_key(*id) && (&n.method, &n.path) == (&o.method, &o.path));
            Some((old_id, same.next()?.0))
        })
        .collect();
    let ops: BTreeSet<&String> = old.operations.keys().chain(new.operations.keys()).collect();
    for id in ops {
        if let Some(new_id) = renamed.get(id) {
            d.operation(new_id, old.operations.get(id), new.operations.get(*new_id));
            let what = format!("operationId was `{id}` (the generated method is renamed)");
            d.push(
                &format!("operation {new_id}"),
                "operation-id-changed",
                what,
                Impact::Compatible,
                Impact::Compatible,
            );
        } else if !renamed.values().any(|n| *n == id) {
            d.operation(id, old.operations.get(id), new.operations.get(id));
        }
    }
    let servers = if d.detailed { (&old.servers, &new.servers) } else { (&new.servers, &new.servers) };
    for gone in servers.0.iter().filter(|s| !servers.1.contains(s)) {
        // Clients set up with that base URL reach nothing there any more.
        let what = format!("`{gone}` no longer listed");
        d.push("servers", "server-removed", what, Impact::Breaking, Impact::Compatible);
    }
    for added in servers.1.iter().filter(|s| !servers.0.contains(s)) {
        d.push("servers", "server-added", format!("`{added}` listed"), Impact::Compatible, Impact::Compatible);
    }
    let schemas: BTreeSet<&String> = old.schemas.keys().chain(new.schemas.keys()).collect();
    for name in schemas {
        d.schema(name, old.schemas.get(name), new.schemas.get(name));
    }
    let mut changes = group(d.changes);
    // The crate's items each change concerns, as either version names them.
    for c in &mut changes {
        for subject in &c.subjects {
            let items = match subject.split_once(' ') {
                Some(("schema", name)) => [old.schemas.get(name), new.schemas.get(name)].map(|s| s.map(|s| &s.rust)),
                Some(("operation", id)) => [old.operations.get(id), new.operations.get(id)].map(|o| o.map(|o| &o.rust)),
                _ => [None, None],
            };
            for item in items.into_iter().flatten().flatten() {
                if !c.items.contains(item) {
                    c.items.push(item.clone());
                }
            }
        }
    }
    let wire_bump = bump_of(changes.iter().map(|c| c.clients.max(c.servers)));
    Report { changes, crate_changes: None, wire_bump, crate_bump: None, bump: wire_bump }
}

impl fmt::Display for Report {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mark = |i: Impact| match i {
            Impact::Compatible => "ok",
            Impact::Breaking => "BREAKING",
        };
        if self.changes.is_empty() {
            writeln!(f, "No change on the wire.")?;
        } else if self.crate_changes.is_some() {
            writeln!(f, "{:<9} {:<9} {:<9} change on the wire", "clients", "servers", "crate")?;
            for c in &self.changes {
                let krate = c.crate_api.map_or("-", mark);
                writeln!(f, "{:<9} {:<9} {:<9} {}: {}", mark(c.clients), mark(c.servers), krate, c.subject, c.what)?;
            }
        } else {
            writeln!(f, "{:<9} {:<9} change on the wire", "clients", "servers")?;
            for c in &self.changes {
                writeln!(f, "{:<9} {:<9} {}: {}", mark(c.clients), mark(c.servers), c.subject, c.what)?;
            }
        }
        match &self.crate_changes {
            None => {}
            Some(changes) if changes.is_empty() => writeln!(f, "\nNo change to the generated crate's Rust API.")?,
            Some(changes) => {
                writeln!(f, "\n{:<9} change to the generated crate's Rust API [rule]", "crate")?;
                for c in changes {
                    writeln!(f, "{:<9} {}: {} [{}]", mark(c.impact), c.item, c.what, c.rule)?;
                }
            }
        }
        let word = |bump: Bump| match bump {
            Bump::Patch => "patch",
            Bump::Minor => "minor",
            Bump::Major => "major",
        };
        let why = match self.bump {
            Bump::Patch => "nothing a user can see changed".to_owned(),
            Bump::Minor => "compatible changes only".to_owned(),
            Bump::Major => {
                let sides: Vec<&str> = [
                    (self.wire_bump == Bump::Major).then_some("on the wire"),
                    (self.crate_bump == Some(Bump::Major)).then_some("in the crate's Rust API"),
                ]
                .into_iter()
                .flatten()
                .collect();
                format!("breaking {}; for a 0.x crate, bump the minor number", sides.join(" and "))
            }
        };
        let judged = match self.crate_bump {
            Some(crate_bump) => format!(" (wire: {}, Rust API: {})", word(self.wire_bump), word(crate_bump)),
            None => " (wire only: the crates were not compared)".to_owned(),
        };
        writeln!(f, "\nImplied version bump of the generated crate: {}{judged}: {why}.", word(self.bump))
    }
}
