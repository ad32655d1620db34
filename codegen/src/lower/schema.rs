//! Lowering JSON Schemas (3.0 and 3.1 dialects) into the type graph.
//!
//! Every schema location that needs a named type (components, `$ref` targets, inline objects,
//! enums and unions) gets exactly one [`RawType`], memoised by location, so a shared schema is
//! emitted once however often it is used. Nullability is lifted out of named types into the
//! reference ([`TypeRef::Nullable`]), whichever spelling the spec used: `type: [T, 'null']`,
//! `nullable: true`, `oneOf`/`anyOf` with `{type: 'null'}`, `enum` with `null`.

use std::collections::{BTreeSet, HashMap};

use indexmap::IndexMap;
use serde_json::{Map, Value};

use crate::diag::Diagnostic;
use crate::ir::{Access, Constraints, Discriminator, Enum, EnumVariant, Field, Scalar, TypeId, TypeRef, UnionVariant};
use crate::load::{Location, Spec};
use crate::names::{self, Scope};

/// Keywords that only annotate a schema: a `$ref` beside them is still a plain reference.
const ANNOTATIONS: &[&str] = &[
    "description",
    "title",
    "summary",
    "readOnly",
    "writeOnly",
    "deprecated",
    "default",
    "example",
    "examples",
    "$comment",
    "externalDocs",
    "xml",
    "$schema",
    "$id",
    "$anchor",
];

/// What an object schema (with what it is merged from) says of its members as a whole.
#[derive(Clone, Copy, Debug, Default)]
pub(crate) struct ObjectRules {
    /// `additionalProperties: false`.
    pub(crate) closed: bool,
    /// `minProperties`.
    pub(crate) min_properties: Option<u64>,
    /// `maxProperties`.
    pub(crate) max_properties: Option<u64>,
}

/// The shape of a type before views are split.
#[derive(Clone, Debug)]
pub(crate) enum RawKind {
    /// Reserved while its schema is being lowered.
    Pending,
    Struct {
        fields: Vec<Field>,
        additional: Option<TypeRef>,
        rules: ObjectRules,
    },
    Enum(Enum),
    Union {
        variants: Vec<UnionVariant>,
        discriminator: Option<Discriminator>,
    },
    Alias(TypeRef),
}

/// A named type before views are split; [`TypeRef::Named`] in it holds raw indices.
#[derive(Clone, Debug)]
pub(crate) struct RawType {
    pub name: String,
    pub docs: Option<String>,
    pub origin: Location,
    pub kind: RawKind,
    /// A component, or the target of a `$ref`: keeps its name even when it is only an alias.
    pub nominal: bool,
}

/// The type graph under construction.
pub(crate) struct TypeGraph<'s> {
    pub spec: &'s Spec,
    pub raw: Vec<RawType>,
    pub scope: Scope,
    /// Names of the per-operation types (parameters, responses), a module of their own.
    pub op_types: Scope,
    pub warnings: Vec<Diagnostic>,
    /// Canonical location of each component schema, with its name.
    pub components: HashMap<Location, String>,
    /// Location → the type made for it, and whether references to it are nullable.
    memo: HashMap<Location, (TypeId, bool)>,
    /// Wire name → its `snake_case` field name: the same few hundred member names recur
    /// in thousands of schemas, and case conversion is slow.
    snake_names: HashMap<String, String>,
    /// Security schemes checked below HTTP (`mutualTLS`): requirements leave them out.
    pub transport_schemes: BTreeSet<String>,
    /// Rust types the configuration chose for some schemas.
    overrides: &'s crate::config::TypeOverrides,
}

type Obj = Map<String, Value>;

/// Makes the name for a type the schema at hand may need, and is called only if one is made:
/// most schemas need none, and case conversion was a good part of lowering.
pub(crate) type Hint<'h> = &'h dyn Fn() -> String;

impl<'s> TypeGraph<'s> {
    pub fn new(spec: &'s Spec, overrides: &'s crate::config::TypeOverrides) -> Self {
        TypeGraph {
            spec,
            raw: Vec::new(),
            scope: Scope::default(),
            op_types: Scope::default(),
            warnings: Vec::new(),
            components: HashMap::new(),
            memo: HashMap::new(),
            snake_names: HashMap::new(),
            transport_schemes: BTreeSet::new(),
            overrides,
        }
    }

    /// The Rust type the configuration chose for the schema `map`, if any: the one its
    /// `x-rust-type` names when `[types.crates]` lists the crate (a warning otherwise), else
    /// the one for its `format`.
    fn external(&mut self, loc: &Location, map: &Obj) -> Option<String> {
        if let Some(named) = map.get("x-rust-type") {
            let field = |k: &str| named.get(k).and_then(Value::as_str);
            match (field("crate"), field("path")) {
                (Some(krate), Some(path)) => match self.overrides.check_path(path) {
                    Ok(()) if path.starts_with(&format!("{}::", krate.replace('-', "_"))) => {
                        return Some(path.to_owned())
                    }
                    Ok(()) => self.warnings.push(self.spec.warning(
                        &loc.join("x-rust-type"),
                        format!(
                            "`x-rust-type`: `{path}` is not in crate `{krate}`; the schema's own type is generated"
                        ),
                    )),
                    Err(why) => self.warnings.push(
                        self.spec
                            .warning(
                                &loc.join("x-rust-type"),
                                format!("`x-rust-type`: `{path}` {why}; the schema's own type is generated"),
                            )
                            .with_hint(format!(
                                "to use it, list `{krate}` under `[types.crates]` in the configuration"
                            )),
                    ),
                },
                _ => self.warnings.push(self.spec.warning(
                    &loc.join("x-rust-type"),
                    "`x-rust-type` needs `crate` and `path` (strings); the schema's own type is generated",
                )),
            }
        }
        let format = map.get("format")?.as_str()?;
        self.overrides.formats.get(format).cloned()
    }

    /// [`names::snake`] of a member's wire name.
    pub fn snake(&mut self, wire: &str) -> String {
        if let Some(name) = self.snake_names.get(wire) {
            return name.clone();
        }
        let name = names::snake(wire);
        self.snake_names.insert(wire.to_owned(), name.clone());
        name
    }

    fn obj(&self, loc: &Location) -> Result<Option<&'s Obj>, Diagnostic> {
        match self.spec.get(loc) {
            Some(Value::Object(map)) => Ok(Some(map)),
            Some(Value::Bool(_)) => Ok(None),
            Some(other) => {
                Err(self.spec.error(loc, format!("a schema must be an object or a boolean, found {}", kind_of(other))))
            }
            None => Err(self.spec.error(loc, "no schema here")),
        }
    }

    /// Follows `$ref`s that carry nothing but annotations, to the schema that defines the type.
    pub fn follow(&self, loc: &Location) -> Result<Location, Diagnostic> {
        let followed = self.spec.follow_refs_through(loc, is_plain_ref, |_, _| {})?;
        Ok(followed.map_or_else(|| loc.clone(), |(at, _)| at))
    }

    /// The nodes whose annotations apply at `loc`: the node, then what a plain `$ref` or a
    /// one-member `allOf` points at, and so on.
    pub(crate) fn chain(&self, loc: &Location) -> Vec<&'s Obj> {
        let mut out = Vec::new();
        let mut loc = loc.clone();
        let mut seen = Vec::new();
        // A chain that comes back to a place it passed ends there, as in `Spec::follow_refs`.
        while !seen.contains(&loc) {
            seen.push(loc.clone());
            let Some(Value::Object(map)) = self.spec.get(&loc) else { break };
            out.push(map);
            if let Some(Value::String(r)) = map.get("$ref") {
                match self.spec.resolve_ref(&loc, r) {
                    Ok(next) => loc = next,
                    Err(_) => break,
                }
            } else if let Some(Value::Array(all)) = map.get("allOf").filter(|_| map.get("properties").is_none()) {
                if all.len() != 1 {
                    break;
                }
                loc = loc.join("allOf").join(0);
            } else {
                break;
            }
        }
        out
    }

    /// The type for the schema at `loc`; `hint` names any type that has to be made for it.
    pub fn schema(&mut self, loc: &Location, hint: Hint<'_>) -> Result<TypeRef, Diagnostic> {
        let Some(map) = self.obj(loc)? else { return Ok(TypeRef::Any) };
        if let Some(reference) = map.get("$ref") {
            let Value::String(reference) = reference else {
                return Err(self.spec.error(&loc.join("$ref"), "`$ref` must be a string"));
            };
            let target = self.spec.resolve_ref(loc, reference)?;
            if is_plain_ref(map) {
                return self.named(&target);
            }
            // A `$ref` beside schema keywords (allowed in 3.1): both apply, as with `allOf`.
            let sibling_nullable = null_in_type(map) || map.get("nullable") == Some(&Value::Bool(true));
            let only_nullable = map.keys().all(|k| k == "$ref" || k == "nullable" || k == "type" || is_annotation(k));
            if only_nullable {
                let ty = self.named(&target)?;
                return Ok(nullable(ty, sibling_nullable));
            }
            // Already being merged: the schema holds itself (`next: {$ref: Node, maxLength: 1}`
            // inside `Node`).
            if let Some(&(id, _)) = self.memo.get(loc) {
                return Ok(nullable(TypeRef::Named(id), sibling_nullable));
            }
            let id = self.reserve(&hint(), loc, false);
            self.memo.insert(loc.clone(), (id, false));
            self.merge(loc, id)?;
            return Ok(nullable(TypeRef::Named(id), sibling_nullable));
        }
        if let Some(&(id, null)) = self.memo.get(loc) {
            return Ok(nullable(TypeRef::Named(id), null));
        }
        let (ty, null) = self.shape(loc, map, hint, None)?;
        Ok(nullable(ty, null))
    }

    /// The type for a `$ref` target: named after its component, or its file.
    pub fn named(&mut self, target: &Location) -> Result<TypeRef, Diagnostic> {
        let target = self.follow(target)?;
        if let Some(&(id, null)) = self.memo.get(&target) {
            return Ok(nullable(TypeRef::Named(id), null));
        }
        let Some(map) = self.obj(&target)? else { return Ok(TypeRef::Any) };
        let name = match self.components.get(&target) {
            Some(claimed) => claimed.clone(),
            None => self.scope.claim(&self.name_from_location(&target)),
        };
        let id = self.push_type(name.clone(), &target, true);
        self.memo.insert(target.clone(), (id, shallow_nullable(map)));
        let (ty, null) = self.shape(&target, map, &|| name.clone(), Some(id))?;
        self.memo.insert(target.clone(), (id, null));
        if ty != TypeRef::Named(id) {
            self.raw[id.0].kind = RawKind::Alias(ty);
        }
        Ok(nullable(TypeRef::Named(id), null))
    }

    fn name_from_location(&self, loc: &Location) -> String {
        let last = loc.pointer.tokens().last().map(|t| t.decoded().into_owned());
        let stem = match last {
            Some(token) => token,
            None => {
                let file = self.spec.relative_name(loc.file);
                let base = file.rsplit('/').next().unwrap_or(&file).to_string();
                base.split('.').next().unwrap_or(&base).to_string()
            }
        };
        names::type_name(&stem)
    }

    fn reserve(&mut self, name: &str, origin: &Location, nominal: bool) -> TypeId {
        let name = self.scope.claim(&names::type_name(name));
        self.push_type(name, origin, nominal)
    }

    fn push_type(&mut self, name: String, origin: &Location, nominal: bool) -> TypeId {
        // A bare `title` that became the type's name says nothing more as its doc comment.
        let docs = self.obj(origin).ok().flatten().and_then(docs_of).filter(|d| names::type_name(d) != name);
        self.raw.push(RawType { name, docs, origin: origin.clone(), kind: RawKind::Pending, nominal });
        TypeId(self.raw.len() - 1)
    }

    fn slot(&mut self, slot: Option<TypeId>, hint: Hint<'_>, loc: &Location) -> TypeId {
        let id = slot.unwrap_or_else(|| self.reserve(&hint(), loc, false));
        self.memo.entry(loc.clone()).or_insert((id, false));
        id
    }

    /// The non-null shape of the schema `map` at `loc`, and whether it allows `null`.
    fn shape(
        &mut self,
        loc: &Location,
        map: &'s Obj,
        hint: Hint<'_>,
        slot: Option<TypeId>,
    ) -> Result<(TypeRef, bool), Diagnostic> {
        let (types, mut null) = self.types_of(loc, map)?;
        null |= map.get("nullable") == Some(&Value::Bool(true));
        if let Some(path) = self.external(loc, map) {
            return Ok((TypeRef::External(path), null));
        }
        let unchecked: Vec<&str> = UNCHECKED.iter().copied().filter(|k| map.contains_key(*k)).collect();
        if !unchecked.is_empty() {
            let list = unchecked.iter().map(|k| format!("`{k}`")).collect::<Vec<_>>().join(", ");
            self.warnings.push(
                self.spec
                    .warning(
                        loc,
                        format!("{list}: not expressed in the Rust types nor checked by the generated server"),
                    )
                    .with_hint("the type keeps the schema's other keywords; check these rules in your own code"),
            );
        }

        if let Some(all) = map.get("allOf") {
            let Value::Array(all) = all else {
                return Err(self.spec.error(&loc.join("allOf"), "`allOf` must be an array"));
            };
            let own_structure =
                map.contains_key("properties") || map.contains_key("oneOf") || map.contains_key("anyOf");
            if all.len() == 1 && !own_structure {
                let inner = self.schema(&loc.join("allOf").join(0), hint)?;
                let (inner, inner_null) = split_null(inner);
                return Ok((inner, null || inner_null));
            }
            if all.is_empty() {
                return Err(self
                    .spec
                    .error(&loc.join("allOf"), "`allOf` is empty")
                    .with_hint("remove it or list at least one schema"));
            }
            let id = self.slot(slot, hint, loc);
            self.merge(loc, id)?;
            return Ok((TypeRef::Named(id), null));
        }

        let alternatives = ["oneOf", "anyOf"].into_iter().find_map(|k| map.get(k).map(|v| (k, v)));
        let mapping_only = map.get("discriminator").and_then(|d| d.get("mapping")).filter(|_| alternatives.is_none());
        if alternatives.is_some() || mapping_only.is_some() {
            let mut alts = Vec::new();
            if let Some((key, value)) = alternatives {
                let Value::Array(list) = value else {
                    return Err(self.spec.error(&loc.join(key), format!("`{key}` must be an array")));
                };
                for i in 0..list.len() {
                    let alt = loc.join(key).join(i);
                    if self.is_null_schema(&alt)? {
                        null = true;
                    } else {
                        alts.push(alt);
                    }
                }
            } else if let Some(Value::Object(mapping)) = mapping_only {
                let at = loc.join("discriminator").join("mapping");
                let mut seen = BTreeSet::new();
                for (tag, target) in mapping {
                    let target = self.mapping_target(&at.join(tag), target)?;
                    if seen.insert(target.clone()) {
                        alts.push(target);
                    }
                }
            }
            match alts.len() {
                0 => return Ok((TypeRef::Any, null)),
                1 if map.get("discriminator").is_none() => {
                    let inner = self.schema(&alts[0], hint)?;
                    let (inner, inner_null) = split_null(inner);
                    return Ok((inner, null || inner_null));
                }
                _ => {}
            }
            let id = self.slot(slot, hint, loc);
            self.union(loc, map, &alts, id)?;
            return Ok((TypeRef::Named(id), null));
        }

        if let Some(values) = map.get("enum") {
            let Value::Array(values) = values else {
                return Err(self.spec.error(&loc.join("enum"), "`enum` must be an array"));
            };
            null |= values.iter().any(Value::is_null);
            let values: Vec<&Value> = values.iter().filter(|v| !v.is_null()).collect();
            if values.is_empty() && null {
                // `enum: [null]`: the one value is `null`, the unit type.
                return Ok((TypeRef::Scalar(Scalar::Null), false));
            }
            if values.is_empty() {
                return Err(self
                    .spec
                    .error(&loc.join("enum"), "`enum` lists no values")
                    .with_hint("list the allowed values, or remove `enum`"));
            }
            let strings = values.iter().all(|v| v.is_string()) && types.iter().all(|t| t == "string");
            if strings {
                let id = self.slot(slot, hint, loc);
                let e = Self::enumeration(&values);
                self.raw[id.0].kind = RawKind::Enum(e);
                return Ok((TypeRef::Named(id), null));
            }
        }

        let primary = match types.as_slice() {
            [] => {
                if map.contains_key("properties") || map.contains_key("additionalProperties") {
                    "object"
                } else if map.contains_key("items") {
                    "array"
                } else if let Some(c) = map.get("const").or_else(|| map.get("enum").and_then(|e| e.get(0))) {
                    match c {
                        Value::String(_) => "string",
                        Value::Bool(_) => "boolean",
                        Value::Number(n) if n.is_i64() || n.is_u64() => "integer",
                        Value::Number(_) => "number",
                        Value::Null => "null",
                        _ => "",
                    }
                } else {
                    ""
                }
            }
            [one] => one.as_str(),
            _ => {
                self.warnings.push(self.spec.warning(
                    &loc.join("type"),
                    format!("a value of several types ({}) is kept as serde_json::Value", types.join(", ")),
                ));
                return Ok((TypeRef::Any, null));
            }
        };
        let ty = match primary {
            "object" => self.object(loc, map, hint, slot)?,
            "array" => {
                let items = match map.get("items") {
                    Some(_) => {
                        let item_hint = || {
                            let hint = hint();
                            names::singular(&hint).unwrap_or_else(|| format!("{hint}Item"))
                        };
                        self.schema(&loc.join("items"), &item_hint)?
                    }
                    None if map.contains_key("prefixItems") => {
                        self.warnings.push(
                            self.spec.warning(loc, "a tuple (`prefixItems`) is kept as a list of serde_json::Value"),
                        );
                        TypeRef::Any
                    }
                    None => {
                        self.warnings.push(
                            self.spec
                                .warning(loc, "array without `items`: elements are kept as serde_json::Value")
                                .with_hint("add `items` with the element schema"),
                        );
                        TypeRef::Any
                    }
                };
                TypeRef::Array(Box::new(items))
            }
            "string" => TypeRef::Scalar(match map.get("format").and_then(Value::as_str) {
                Some("binary") => Scalar::Binary,
                _ if map
                    .get("contentEncoding")
                    .and_then(Value::as_str)
                    .is_some_and(|e| e.eq_ignore_ascii_case("base64")) =>
                {
                    Scalar::Bytes
                }
                None if map.contains_key("contentMediaType") && !map.contains_key("contentEncoding") => Scalar::Binary,
                Some("date-time") => Scalar::DateTime,
                Some("date") => Scalar::Date,
                Some("uuid") => Scalar::Uuid,
                Some("ipv4") => Scalar::Ipv4,
                Some("ipv6") => Scalar::Ipv6,
                Some("ip") => Scalar::Ip,
                Some("byte") => Scalar::Bytes,
                _ => Scalar::String,
            }),
            "integer" => TypeRef::Scalar(match map.get("format").and_then(Value::as_str) {
                Some("int8") => Scalar::I8,
                Some("int16") => Scalar::I16,
                Some("int32") => Scalar::I32,
                Some("uint8") => Scalar::U8,
                Some("uint16") => Scalar::U16,
                Some("uint32") => Scalar::U32,
                Some("uint64") => Scalar::U64,
                _ => Scalar::I64,
            }),
            "number" => TypeRef::Scalar(match map.get("format").and_then(Value::as_str) {
                Some("float") => Scalar::F32,
                _ => Scalar::F64,
            }),
            "boolean" => TypeRef::Scalar(Scalar::Bool),
            "null" => return Ok((TypeRef::Scalar(Scalar::Null), false)),
            _ => TypeRef::Any,
        };
        Ok((ty, null))
    }

    /// `type`, as a list of non-null type names, and whether `null` is among them.
    fn types_of(&self, loc: &Location, map: &Obj) -> Result<(Vec<String>, bool), Diagnostic> {
        const KNOWN: &[&str] = &["string", "integer", "number", "boolean", "object", "array", "null"];
        let list: Vec<&Value> = match map.get("type") {
            None => Vec::new(),
            Some(Value::Array(list)) => list.iter().collect(),
            Some(one) => vec![one],
        };
        let mut types = Vec::new();
        let mut null = false;
        for (i, t) in list.iter().enumerate() {
            // Swagger 2's `type: file` (an upload), left behind in converted specs.
            let t = if *t == "file" { &Value::String("string".into()) } else { *t };
            let Some(name) = t.as_str().filter(|s| KNOWN.contains(s)) else {
                let at = if matches!(map.get("type"), Some(Value::Array(_))) {
                    loc.join("type").join(i)
                } else {
                    loc.join("type")
                };
                return Err(self
                    .spec
                    .error(&at, format!("unknown type {t}"))
                    .with_hint("use one of string, integer, number, boolean, object, array, null"));
            };
            if name == "null" {
                null = true;
            } else if !types.iter().any(|x| x == name) {
                types.push(name.to_string());
            }
        }
        if list.len() == 1 && null {
            types.push("null".into());
        }
        Ok((types, null))
    }

    fn is_null_schema(&self, loc: &Location) -> Result<bool, Diagnostic> {
        let target = self.follow(loc)?;
        Ok(match self.spec.get(&target) {
            Some(Value::Object(map)) => {
                map.get("type") == Some(&Value::String("null".into()))
                    || map.get("const") == Some(&Value::Null)
                    || map.get("enum").and_then(Value::as_array).is_some_and(|e| e.len() == 1 && e[0].is_null())
            }
            _ => false,
        })
    }

    fn mapping_target(&self, at: &Location, target: &Value) -> Result<Location, Diagnostic> {
        let Value::String(target) = target else {
            return Err(self.spec.error(at, "a discriminator mapping value must be a string"));
        };
        let reference = if target.contains('/') || target.contains('.') || target.starts_with('#') {
            target.clone()
        } else {
            format!("#/components/schemas/{target}")
        };
        // Mapping values resolve like `$ref`s written beside the discriminator.
        let holder = Location { file: at.file, pointer: at.pointer.clone() };
        let parent =
            Location { file: holder.file, pointer: holder.pointer.parent().map(|p| p.to_buf()).unwrap_or_default() };
        let root_relative = if target.contains('/') || target.contains('.') { parent } else { self.spec.root() };
        self.spec.resolve_ref(&root_relative, &reference).and_then(|l| self.follow(&l)).map_err(|mut e| {
            e.pointer = at.pointer.to_string();
            e.message = e.message.replace("`$ref`", "discriminator mapping");
            e
        })
    }

    fn object(
        &mut self,
        loc: &Location,
        map: &'s Obj,
        hint: Hint<'_>,
        slot: Option<TypeId>,
    ) -> Result<TypeRef, Diagnostic> {
        let has_props = match self.spec.members(&loc.join("properties"))? {
            Some((_, Value::Object(p))) => !p.is_empty(),
            _ => false,
        };
        if !has_props {
            return Ok(match map.get("additionalProperties") {
                Some(Value::Object(schema)) if !schema.is_empty() => {
                    let value_hint = || format!("{}Value", hint());
                    TypeRef::Map(Box::new(self.schema(&loc.join("additionalProperties"), &value_hint)?))
                }
                _ => TypeRef::Object,
            });
        }
        let id = self.slot(slot, hint, loc);
        self.merge(loc, id)?;
        Ok(TypeRef::Named(id))
    }

    /// Builds the struct `id` from the properties of the schema at `loc`: those of what its
    /// `$ref` names and of its `allOf` members first, then its own.
    fn merge(&mut self, loc: &Location, id: TypeId) -> Result<(), Diagnostic> {
        let mut props: IndexMap<String, Location> = IndexMap::new();
        let mut required = BTreeSet::new();
        let mut additional_at = None;
        let mut rules = ObjectRules::default();
        self.collect(loc, &mut props, &mut required, &mut additional_at, &mut rules, 0)?;
        let struct_name = self.raw[id.0].name.clone();
        let mut scope = Scope::default();
        let mut fields = Vec::new();
        for (wire, prop) in props {
            let hint = || format!("{struct_name}{}", names::type_name(&wire));
            if let Some(Value::Object(node)) = self.spec.get(&prop) {
                match node.get("required") {
                    // Swagger 2's habit, and its meaning is plain: the property is required.
                    Some(Value::Bool(flag)) => {
                        self.warnings.push(
                            self.spec
                                .warning(
                                    &prop.join("required"),
                                    format!("`required: {flag}` on the property `{wire}`: OpenAPI 3 lists required properties in the object's `required` array; read as if it did"),
                                )
                                .with_hint(format!("list `{wire}` in the `required` array of the object that holds it")),
                        );
                        if *flag {
                            required.insert(wire.clone());
                        }
                    }
                    Some(r) if !r.is_array() => {
                        return Err(self
                            .spec
                            .error(
                                &prop.join("required"),
                                format!("`required` must be an array of property names, not on the property `{wire}`"),
                            )
                            .with_hint(format!("list `{wire}` in the `required` array of the object that holds it")));
                    }
                    _ => {}
                }
            }
            let ty = self.schema(&prop, &hint)?;
            let chain = self.chain(&prop);
            let flag = |key: &str| chain.iter().any(|m| m.get(key) == Some(&Value::Bool(true)));
            let docs = chain.iter().find_map(|m| docs_of(m));
            let constraints = constraints_of(&chain);
            let field = Field {
                name: scope.claim(&self.snake(&wire)),
                required: required.contains(&wire),
                wire_name: wire,
                docs,
                ty,
                boxed: false,
                deprecated: flag("deprecated"),
                access: match (flag("readOnly"), flag("writeOnly")) {
                    (true, false) => Access::ReadOnly,
                    (false, true) => Access::WriteOnly,
                    (true, true) => Access::Neither,
                    (false, false) => Access::ReadWrite,
                },
                constraints,
            };
            fields.push(field);
        }
        let additional = match additional_at {
            Some(at) => Some(self.schema(&at, &|| format!("{struct_name}AdditionalProperty"))?),
            None => None,
        };
        if fields.is_empty() && additional.is_none() {
            self.raw[id.0].kind = RawKind::Alias(TypeRef::Object);
            return Ok(());
        }
        self.raw[id.0].kind = RawKind::Struct { fields, additional, rules };
        Ok(())
    }

    fn collect(
        &mut self,
        loc: &Location,
        props: &mut IndexMap<String, Location>,
        required: &mut BTreeSet<String>,
        additional: &mut Option<Location>,
        rules: &mut ObjectRules,
        depth: usize,
    ) -> Result<(), Diagnostic> {
        if depth > 32 {
            return Err(self.spec.error(loc, "`allOf` nests more than 32 levels deep (is there a cycle?)"));
        }
        let Some(map) = self.obj(loc)? else { return Ok(()) };
        if let Some(Value::String(reference)) = map.get("$ref") {
            let target = self.spec.resolve_ref(loc, reference)?;
            // Lower the referenced schema first, so the inline types it owns are named after it.
            self.named(&target)?;
            let target = self.follow(&target)?;
            self.collect(&target, props, required, additional, rules, depth + 1)?;
        }
        if let Some(Value::Array(all)) = map.get("allOf") {
            for i in 0..all.len() {
                self.collect(&loc.join("allOf").join(i), props, required, additional, rules, depth + 1)?;
            }
        }
        match self.spec.members(&loc.join("properties"))? {
            Some((own_loc, Value::Object(own))) => {
                for key in own.keys() {
                    props.shift_remove(key);
                    props.insert(key.clone(), own_loc.join(key));
                }
            }
            Some((own_loc, p)) => {
                return Err(self.spec.error(&own_loc, format!("`properties` must be an object, found {}", kind_of(p))));
            }
            None => {}
        }
        match map.get("required") {
            Some(Value::Array(list)) => {
                for (i, r) in list.iter().enumerate() {
                    match r.as_str() {
                        Some(name) => {
                            required.insert(name.to_string());
                        }
                        None => {
                            return Err(self.spec.error(
                                &loc.join("required").join(i),
                                "`required` lists property names, which are strings",
                            ))
                        }
                    }
                }
            }
            Some(_) => {
                return Err(self
                    .spec
                    .error(&loc.join("required"), "`required` must be an array of property names")
                    .with_hint(
                        "in OpenAPI 3 a property is made required by listing it in its object's `required` array",
                    ))
            }
            None => {}
        }
        match map.get("additionalProperties") {
            Some(Value::Object(schema)) if !schema.is_empty() && map.get("properties").is_some() => {
                *additional = Some(loc.join("additionalProperties"));
            }
            Some(Value::Bool(false)) => rules.closed = true,
            _ => {}
        }
        // Every schema merged in applies: the tightest bounds hold.
        if let Some(n) = map.get("minProperties").and_then(Value::as_u64) {
            rules.min_properties = rules.min_properties.max(Some(n));
        }
        if let Some(n) = map.get("maxProperties").and_then(Value::as_u64) {
            rules.max_properties = Some(rules.max_properties.map_or(n, |m| m.min(n)));
        }
        if map.contains_key("oneOf") || map.contains_key("anyOf") {
            self.warnings.push(self.spec.warning(
                loc,
                "`oneOf`/`anyOf` inside `allOf` is approximated: only the properties listed directly are kept",
            ));
        }
        Ok(())
    }

    fn enumeration(values: &[&Value]) -> Enum {
        let mut scope = Scope::default();
        let mut variants = Vec::new();
        let mut seen = BTreeSet::new();
        for v in values {
            let Some(s) = v.as_str() else { continue };
            if !seen.insert(s) {
                continue;
            }
            variants.push(EnumVariant { name: scope.claim(&names::variant(s)), wire_name: s.to_string() });
        }
        let unknown_variant =
            if scope.contains("Unknown") { scope.claim("UnknownValue") } else { scope.claim("Unknown") };
        Enum { variants, unknown_variant }
    }

    fn union(&mut self, loc: &Location, map: &'s Obj, alts: &[Location], id: TypeId) -> Result<(), Diagnostic> {
        let union_name = self.raw[id.0].name.clone();
        let discriminator = match map.get("discriminator") {
            Some(Value::Object(d)) => match d.get("propertyName") {
                Some(Value::String(p)) => Some(p.clone()),
                _ => {
                    return Err(self
                        .spec
                        .error(&loc.join("discriminator"), "`discriminator` has no `propertyName`")
                        .with_hint("name the property whose value selects the schema"))
                }
            },
            Some(_) => return Err(self.spec.error(&loc.join("discriminator"), "`discriminator` must be an object")),
            None => None,
        };
        // Tag values per target schema, from the mapping.
        let mut mapped: Vec<(Location, String)> = Vec::new();
        if let Some(Value::Object(mapping)) = map.get("discriminator").and_then(|d| d.get("mapping")) {
            let at = loc.join("discriminator").join("mapping");
            for (tag, target) in mapping {
                let target = self.mapping_target(&at.join(tag), target)?;
                mapped.push((target, tag.clone()));
            }
        }
        let mut scope = Scope::default();
        let mut variants = Vec::new();
        for (i, alt) in alts.iter().enumerate() {
            let title = self.obj(alt)?.and_then(|m| m.get("title")).and_then(Value::as_str);
            let hint = || title.map_or_else(|| format!("{union_name}Variant{}", i + 1), names::type_name);
            // A whole file or a component (a discriminator mapping target) is named after itself.
            let ty = if alt.pointer.is_root() || self.components.contains_key(alt) {
                self.named(alt)?
            } else {
                self.schema(alt, &hint)?
            };
            let target = self.follow(alt)?;
            let mut tags: Vec<String> = mapped.iter().filter(|(l, _)| *l == target).map(|(_, t)| t.clone()).collect();
            if let (Some(prop), true) = (&discriminator, tags.is_empty()) {
                tags = self.implicit_tags(&target, prop);
            }
            let name = match ty.strip_null().0 {
                TypeRef::Named(t) => self.raw[t.0]
                    .name
                    .strip_prefix(union_name.as_str())
                    .filter(|s| !s.is_empty())
                    .unwrap_or(&self.raw[t.0].name)
                    .to_string(),
                TypeRef::Scalar(
                    Scalar::String
                    | Scalar::DateTime
                    | Scalar::Date
                    | Scalar::Uuid
                    | Scalar::Ipv4
                    | Scalar::Ipv6
                    | Scalar::Ip
                    | Scalar::Binary,
                ) => "String".into(),
                TypeRef::Scalar(Scalar::Null) => "Null".into(),
                TypeRef::Scalar(Scalar::Bytes) => "Bytes".into(),
                TypeRef::Scalar(Scalar::Bool) => "Bool".into(),
                TypeRef::Scalar(Scalar::F32 | Scalar::F64) => "Number".into(),
                TypeRef::Scalar(_) => "Integer".into(),
                TypeRef::Array(_) => "List".into(),
                TypeRef::Map(_) | TypeRef::Object => "Object".into(),
                TypeRef::Any | TypeRef::Nullable(_) => "Value".into(),
                TypeRef::External(path) => path.rsplit("::").next().unwrap_or(path).to_string(),
            };
            let name = scope.claim(&names::variant(&name));
            variants.push(UnionVariant { name, ty, tags, boxed: false });
        }
        let discriminator = discriminator.map(|property| {
            let unknown_variant =
                if scope.contains("Unknown") { scope.claim("UnknownValue") } else { scope.claim("Unknown") };
            Discriminator { property, unknown_variant }
        });
        if let Some(d) = &discriminator {
            // A tag selects one alternative: the first that claims it.
            let mut claimed: Vec<(String, String)> = Vec::new();
            for (v, alt) in variants.iter_mut().zip(alts) {
                let mut kept = Vec::new();
                for tag in std::mem::take(&mut v.tags) {
                    match claimed.iter().find(|(t, _)| *t == tag) {
                        Some((_, first)) => self.warnings.push(self.spec.warning(
                            alt,
                            format!(
                                "discriminator `{}` value `{tag}` selects `{first}` already; it is read as that",
                                d.property
                            ),
                        )),
                        None => {
                            claimed.push((tag.clone(), v.name.clone()));
                            kept.push(tag);
                        }
                    }
                }
                v.tags = kept;
            }
            for (v, alt) in variants.iter().zip(alts) {
                if v.tags.is_empty() {
                    self.warnings.push(self.spec.warning(
                        alt,
                        format!(
                            "no value of discriminator `{}` selects this alternative; it can only be read as unknown",
                            d.property
                        ),
                    ));
                }
            }
        }
        self.raw[id.0].kind = RawKind::Union { variants, discriminator };
        Ok(())
    }

    /// Tags for an alternative without a mapping: a `const`/one-value `enum` on the tag
    /// property, else the component name.
    fn implicit_tags(&self, target: &Location, property: &str) -> Vec<String> {
        let prop = target.join("properties").join(property);
        for m in self.chain(&prop) {
            if let Some(Value::String(c)) = m.get("const") {
                return vec![c.clone()];
            }
            if let Some(Value::Array(e)) = m.get("enum") {
                if e.len() == 1 {
                    if let Some(s) = e[0].as_str() {
                        return vec![s.to_string()];
                    }
                }
            }
        }
        self.component_key(target).into_iter().collect()
    }

    /// The name a component has under `components/schemas` (not its Rust name), the first in
    /// sorted order when several lead to one schema.
    fn component_key(&self, target: &Location) -> Option<String> {
        if !self.components.contains_key(target) {
            return None;
        }
        // Errors in the section were reported when its components were named.
        let (schemas, Value::Object(map)) = super::section(self.spec, &self.spec.root(), "schemas", &mut Vec::new())?
        else {
            return None;
        };
        let mut keys: Vec<&String> = map.keys().collect();
        keys.sort();
        keys.into_iter().find(|k| self.follow(&schemas.join(k)).is_ok_and(|l| l == *target)).cloned()
    }
}

/// JSON Schema assertions and applicators that lowering reads nothing from: a schema using one
/// gets a warning, so a rule is never dropped silently.
const UNCHECKED: &[&str] = &[
    "not",
    "if",
    "then",
    "else",
    "dependentRequired",
    "dependentSchemas",
    "dependencies",
    "unevaluatedProperties",
    "unevaluatedItems",
    "contains",
    "minContains",
    "maxContains",
    "propertyNames",
    "patternProperties",
    "$dynamicRef",
    "$recursiveRef",
];

fn is_annotation(key: &str) -> bool {
    ANNOTATIONS.contains(&key) || key.starts_with("x-")
}

fn is_plain_ref(map: &Obj) -> bool {
    map.keys().all(|k| k == "$ref" || is_annotation(k))
}

fn null_in_type(map: &Obj) -> bool {
    match map.get("type") {
        Some(Value::Array(list)) => list.iter().any(|t| t == "null"),
        Some(t) => t == "null",
        None => false,
    }
}

fn shallow_nullable(map: &Obj) -> bool {
    null_in_type(map) || map.get("nullable") == Some(&Value::Bool(true))
}

fn nullable(ty: TypeRef, null: bool) -> TypeRef {
    match ty {
        TypeRef::Nullable(_) | TypeRef::Any => ty,
        ty if null => TypeRef::Nullable(Box::new(ty)),
        ty => ty,
    }
}

fn split_null(ty: TypeRef) -> (TypeRef, bool) {
    match ty {
        TypeRef::Nullable(inner) => (*inner, true),
        ty => (ty, false),
    }
}

fn kind_of(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

/// `title` and `description`, joined as rustdoc would want them.
pub(crate) fn docs_of(map: &Obj) -> Option<String> {
    let title = map.get("title").and_then(Value::as_str).map(str::trim).filter(|s| !s.is_empty());
    let description = map.get("description").and_then(Value::as_str).map(str::trim).filter(|s| !s.is_empty());
    match (title, description) {
        (Some(t), Some(d)) if !d.starts_with(t) => Some(format!("{t}\n\n{d}")),
        (_, Some(d)) => Some(d.to_string()),
        (Some(t), None) => Some(t.to_string()),
        (None, None) => None,
    }
}

/// Validation keywords, the nearest node winning.
pub(crate) fn constraints_of(chain: &[&Obj]) -> Constraints {
    let k = Keywords::of(chain);
    let uint = |v: Option<&Value>| v.and_then(Value::as_u64);
    let bound = |plain: Option<&Value>, exclusive: Option<&Value>| match exclusive {
        Some(Value::Number(n)) => n.as_f64().map(|n| (n, true)),
        Some(Value::Bool(true)) => plain.and_then(Value::as_f64).map(|n| (n, true)),
        _ => plain.and_then(Value::as_f64).map(|n| (n, false)),
    };
    Constraints {
        min_length: uint(k.min_length),
        max_length: uint(k.max_length),
        pattern: k.pattern.and_then(Value::as_str).map(str::to_string),
        format: k.format.and_then(Value::as_str).map(str::to_string),
        minimum: bound(k.minimum, k.exclusive_minimum),
        maximum: bound(k.maximum, k.exclusive_maximum),
        min_items: uint(k.min_items),
        max_items: uint(k.max_items),
        multiple_of: k.multiple_of.and_then(Value::as_f64).filter(|n| *n > 0.0),
        unique_items: k.unique_items == Some(&Value::Bool(true)),
        min_properties: uint(k.min_properties),
        max_properties: uint(k.max_properties),
        fixed: k.fixed.map(Value::to_string),
        allowed: k
            .allowed
            .and_then(Value::as_array)
            .filter(|values| values.iter().any(|v| !v.is_string() && !v.is_null()))
            .map(|values| values.iter().filter(|v| !v.is_null()).map(Value::to_string).collect()),
        default: k.default.map(Value::to_string),
    }
}

/// The validation keywords of a chain of schema nodes, the nearest node's winning.
#[derive(Default)]
struct Keywords<'a> {
    min_length: Option<&'a Value>,
    max_length: Option<&'a Value>,
    pattern: Option<&'a Value>,
    format: Option<&'a Value>,
    minimum: Option<&'a Value>,
    exclusive_minimum: Option<&'a Value>,
    maximum: Option<&'a Value>,
    exclusive_maximum: Option<&'a Value>,
    min_items: Option<&'a Value>,
    max_items: Option<&'a Value>,
    multiple_of: Option<&'a Value>,
    unique_items: Option<&'a Value>,
    min_properties: Option<&'a Value>,
    max_properties: Option<&'a Value>,
    fixed: Option<&'a Value>,
    allowed: Option<&'a Value>,
    default: Option<&'a Value>,
}

impl<'a> Keywords<'a> {
    /// Read in one pass over each node's members: looking each keyword up would hash its
    /// name against every node, for every property of every schema.
    fn of(chain: &[&'a Obj]) -> Self {
        let mut k = Keywords::default();
        for (key, value) in chain.iter().flat_map(|node| node.iter()) {
            let slot = match key.as_str() {
                "minLength" => &mut k.min_length,
                "maxLength" => &mut k.max_length,
                "pattern" => &mut k.pattern,
                "format" => &mut k.format,
                "minimum" => &mut k.minimum,
                "exclusiveMinimum" => &mut k.exclusive_minimum,
                "maximum" => &mut k.maximum,
                "exclusiveMaximum" => &mut k.exclusive_maximum,
                "minItems" => &mut k.min_items,
                "maxItems" => &mut k.max_items,
                "multipleOf" => &mut k.multiple_of,
                "uniqueItems" => &mut k.unique_items,
                "minProperties" => &mut k.min_properties,
                "maxProperties" => &mut k.max_properties,
                "const" => &mut k.fixed,
                "enum" => &mut k.allowed,
                "default" => &mut k.default,
                _ => continue,
            };
            slot.get_or_insert(value);
        }
        k
    }
}
