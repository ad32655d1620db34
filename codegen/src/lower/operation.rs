//! Lowering operations: parameters, request bodies, responses, headers and security.

use std::collections::BTreeSet;

use serde_json::{Map, Value};

use super::schema::{constraints_of, docs_of, Hint, TypeGraph};
use crate::diag::Diagnostic;
use crate::ir::{
    Body, BodyKind, Encoding, Header, Origin, Param, ParamLocation, ParamStyle, Response, SecurityRequirement, Status,
    TypeRef,
};
use crate::load::Location;
use crate::names::{self, Scope};

/// HTTP methods a path item may hold, in the order operations are emitted.
pub(crate) const METHODS: &[&str] = &["get", "put", "post", "delete", "options", "head", "patch", "trace"];

/// What lowering one operation needs from the document.
pub(crate) struct Context<'a> {
    /// The document's default security.
    pub default_security: &'a [SecurityRequirement],
    /// Names of the declared security schemes.
    pub scheme_names: &'a BTreeSet<String>,
    /// Whether this is a webhook (its "path" is a name, with no template).
    pub webhook: bool,
    /// Method names the generated client and server take for themselves (see
    /// [`names::OWN_METHODS`]).
    pub own_methods: &'a BTreeSet<String>,
}

type Obj = Map<String, Value>;

impl<'s> TypeGraph<'s> {
    /// The node at `loc`, following `$ref`s (for parameters, responses, headers, bodies).
    pub(crate) fn deref(&self, loc: &Location) -> Result<(Location, &'s Obj), Diagnostic> {
        match self.spec.follow_refs(loc, |_, _| {})? {
            Some((at, Value::Object(map))) if map.contains_key("$ref") => {
                Err(self.spec.error(&at.join("$ref"), "`$ref` must be a string"))
            }
            Some((at, Value::Object(map))) => Ok((at, map)),
            Some((at, _)) => Err(self.spec.error(&at, "expected an object here")),
            None => Err(self.spec.error(loc, "expected an object here")),
        }
    }

    /// Lowers the operation at `loc` (`method` under path item `path`).
    pub(crate) fn operation(
        &mut self,
        ctx: &Context<'_>,
        path: &str,
        method: &str,
        loc: &Location,
        path_params: &[Location],
        op_scope: &mut Scope,
    ) -> Result<crate::ir::Operation, Diagnostic> {
        // Some specs keep whole operations in files of their own (`post: {$ref: ...}`).
        let (loc, op) = self.deref(loc)?;
        let loc = &loc;
        // Without an id (an empty one names nothing either), the method and path name it.
        let (at, missing) = match op.get("operationId") {
            Some(Value::String(id)) if !id.trim().is_empty() => (None, id.clone()),
            Some(Value::String(_)) => (Some(loc.join("operationId")), "`operationId` is empty".to_owned()),
            Some(_) => return Err(self.spec.error(&loc.join("operationId"), "`operationId` must be a string")),
            None => (Some(loc.clone()), "operation has no `operationId`".to_owned()),
        };
        let id = match at {
            None => missing,
            Some(at) => {
                let id = format!("{method} {path}");
                self.warnings.push(
                    self.spec
                        .warning(&at, format!("{missing}; calling it `{}`", names::snake(&id)))
                        .with_hint("give every operation an operationId: it names the generated method"),
                );
                id
            }
        };
        let mut name = names::snake(&id);
        if op_scope.contains(&name) {
            // Unique ids may still meet once case and punctuation are gone (`getPet`,
            // `get_pet`); a repeated id breaks the spec's rule, but its intent is clear.
            let renamed = op_scope.claim(&name);
            self.warnings.push(
                self.spec
                    .warning(
                        &loc.join("operationId"),
                        format!("duplicate operationId `{id}` (as a Rust name): its method is `{renamed}`"),
                    )
                    .with_hint("operationIds must be unique across the API (case and punctuation aside)"),
            );
            name = renamed;
        }
        let name = if ctx.own_methods.contains(&name) && !ctx.webhook {
            let renamed = op_scope.claim(&format!("{name}_"));
            self.warnings.push(
                self.spec
                    .warning(
                        &loc.join("operationId"),
                        format!("operationId `{id}` names a method the generated client or server has; its method is `{renamed}`"),
                    )
                    .with_hint(format!("rename the operation if `{renamed}` reads badly")),
            );
            renamed
        } else {
            op_scope.claim(&name)
        };
        let type_prefix = names::type_name(&id);
        let type_name = self.op_types.claim(&type_prefix);
        let params_type = self.op_types.claim(&format!("{type_name}Params"));
        let response_type = self.op_types.claim(&format!("{type_name}Response"));

        let params = self.params(ctx, path, loc, path_params, &type_prefix)?;
        let mut body = match op.get("requestBody") {
            Some(_) => self.body(&loc.join("requestBody"), &|| format!("{type_prefix}Body"), true)?,
            None => None,
        };
        if let Some(body) = &mut body {
            // Media types that read into one type (JSON and a form of one schema) need no
            // choice: the method takes that type. Any other set does.
            let same = |a: &Body, b: &Body| a.ty == b.ty && [a.kind, b.kind].iter().all(|k| k.is_structured());
            if body.alternatives.iter().any(|a| !same(a, body)) {
                let mut scope = names::Scope::default();
                let variants = body.media().map(|(_, b)| scope.claim(&names::media_variant(&b.content_type))).collect();
                let type_name = self.op_types.claim(&format!("{type_name}Body"));
                body.choice = Some(crate::ir::Choice { type_name, variants });
            }
            // Each multipart media type with a named schema is typed as a struct of parts.
            let typed = |b: &Body| b.kind == BodyKind::Multipart && matches!(b.ty, Some(TypeRef::Named(_)));
            if typed(body) {
                body.form_type = Some(self.op_types.claim(&format!("{type_name}Form")));
            }
            for b in body.alternatives.iter_mut().filter(|b| typed(b)) {
                b.form_type = Some(self.op_types.claim(&format!("{type_name}Form")));
            }
        }
        let mut responses = self.responses(&loc.join("responses"), &type_prefix)?;
        for r in responses.iter_mut().filter(|r| !r.headers.is_empty()) {
            r.type_name = Some(self.op_types.claim(&format!("{type_name}{}", r.name)));
        }
        for r in &mut responses {
            let Some(body) = r.body.as_mut().filter(|b| !b.alternatives.is_empty()) else { continue };
            let mut scope = names::Scope::default();
            let variants = std::iter::once(&*body)
                .chain(&body.alternatives)
                .map(|b| scope.claim(&names::media_variant(&b.content_type)))
                .collect();
            let type_name = self.op_types.claim(&format!("{type_name}{}Body", r.name));
            body.choice = Some(crate::ir::Choice { type_name, variants });
        }
        let security = match op.get("security") {
            Some(_) => self.security(&loc.join("security"), ctx.scheme_names)?,
            None => ctx.default_security.to_vec(),
        };
        let text =
            |k: &str| op.get(k).and_then(Value::as_str).map(str::trim).filter(|s| !s.is_empty()).map(str::to_string);
        let operation = crate::ir::Operation {
            id,
            name,
            // Settled once every operation has its name (`lower::lower_into`).
            stream_name: String::new(),
            type_name,
            params_type,
            response_type,
            method: method.to_ascii_uppercase(),
            path: path.to_string(),
            summary: text("summary"),
            description: text("description"),
            tags: op
                .get("tags")
                .and_then(Value::as_array)
                .map(|t| t.iter().filter_map(Value::as_str).map(str::to_string).collect())
                .unwrap_or_default(),
            deprecated: op.get("deprecated") == Some(&Value::Bool(true)),
            sunset: op.get("x-sunset").and_then(Value::as_str).map(str::to_owned),
            params,
            body,
            responses,
            security,
            origin: Origin { file: self.spec.relative_name(loc.file), pointer: loc.pointer.to_string() },
            features: Vec::new(),
        };
        if !ctx.webhook && !operation.has_whole_segment_params() {
            self.warnings.push(
                self.spec
                    .warning(loc, format!("path `{path}` has a segment that mixes text and a parameter"))
                    .with_hint("the client calls it; the generated server's router cannot match it and leaves it out"),
            );
        }
        Ok(operation)
    }

    fn params(
        &mut self,
        ctx: &Context<'_>,
        path: &str,
        loc: &Location,
        path_level: &[Location],
        type_prefix: &str,
    ) -> Result<Vec<Param>, Diagnostic> {
        let mut own = Vec::new();
        match self.spec.members(&loc.join("parameters"))? {
            Some((list_loc, Value::Array(list))) => own.extend((0..list.len()).map(|i| list_loc.join(i))),
            Some((list_loc, _)) => return Err(self.spec.error(&list_loc, "`parameters` must be an array")),
            None => {}
        }
        // Operation-level parameters override path-level ones with the same name and location.
        let mut keys: Vec<(String, ParamLocation)> = Vec::new();
        let mut locations: Vec<Location> = Vec::new();
        let mut lowered = Vec::new();
        let mut scope = Scope::default();
        for (is_path_level, list) in [(false, own.as_slice()), (true, path_level)] {
            let mut level_keys = Vec::new();
            for at in list {
                let (ploc, p) = self.deref(at)?;
                let wire = match p.get("name") {
                    Some(Value::String(n)) if !n.is_empty() => n.clone(),
                    _ => return Err(self.spec.error(&ploc, "parameter has no `name`")),
                };
                let location = match p.get("in").and_then(Value::as_str) {
                    Some("path") => ParamLocation::Path,
                    Some("query") => ParamLocation::Query,
                    Some("header") => ParamLocation::Header,
                    Some("cookie") => ParamLocation::Cookie,
                    other => {
                        return Err(self
                            .spec
                            .error(
                                &ploc.join("in"),
                                format!("parameter `{wire}` has `in: {}`", other.unwrap_or("(missing)")),
                            )
                            .with_hint("`in` must be one of path, query, header, cookie"))
                    }
                };
                let key = (
                    if location == ParamLocation::Header { wire.to_ascii_lowercase() } else { wire.clone() },
                    location,
                );
                if level_keys.contains(&key) {
                    return Err(self
                        .spec
                        .error(at, format!("parameter `{wire}` (in {}) is declared twice", location.as_str()))
                        .with_hint("a parameter is identified by its name and location; remove one"));
                }
                level_keys.push(key.clone());
                if is_path_level && keys.contains(&key) {
                    continue;
                }
                keys.push(key);
                locations.push(at.clone());
                let required = p.get("required") == Some(&Value::Bool(true));
                if location == ParamLocation::Path && !required {
                    self.warnings.push(
                        self.spec
                            .warning(
                                &ploc,
                                format!("path parameter `{wire}` is not marked `required: true`; it is required"),
                            )
                            .with_hint("path parameters are always required; add `required: true`"),
                    );
                }
                let required = required || location == ParamLocation::Path;
                let schema_loc = if p.contains_key("schema") {
                    ploc.join("schema")
                } else if let Some(Value::Object(content)) = p.get("content") {
                    let Some(media) = content.keys().next() else {
                        return Err(self.spec.error(&ploc.join("content"), "`content` is empty"));
                    };
                    ploc.join("content").join(media).join("schema")
                } else if p.contains_key("type") {
                    // Swagger 2's form, left in converted specs: the parameter is its own schema.
                    self.warnings.push(
                        self.spec
                            .warning(
                                &ploc,
                                format!("parameter `{wire}` has `type` but no `schema`; read as its schema"),
                            )
                            .with_hint("move `type` (and `format`, `items`, `enum`) under `schema`"),
                    );
                    ploc.clone()
                } else {
                    return Err(self
                        .spec
                        .error(&ploc, format!("parameter `{wire}` has neither `schema` nor `content`")));
                };
                let ty = if self.spec.get(&schema_loc).is_some() {
                    self.schema(&schema_loc, &|| format!("{type_prefix}{}", names::type_name(&wire)))?
                } else {
                    TypeRef::Any
                };
                let chain = [p];
                let mut constraints = constraints_of(&chain);
                if let Some(Value::Object(_)) = self.spec.get(&schema_loc) {
                    // The schema's own keywords, then those of what it refers to.
                    constraints = constraints_of(&self.chain(&schema_loc));
                }
                let style = match p.get("style").and_then(Value::as_str) {
                    Some(s) => param_style(s).ok_or_else(|| {
                        self.spec.error(&ploc.join("style"), format!("unknown parameter style `{s}`"))
                    })?,
                    None if matches!(location, ParamLocation::Query | ParamLocation::Cookie) => ParamStyle::Form,
                    None => ParamStyle::Simple,
                };
                let explode = p.get("explode").and_then(Value::as_bool).unwrap_or(style == ParamStyle::Form);
                lowered.push(Param {
                    name: scope.claim(&self.snake(&wire)),
                    wire_name: wire,
                    location,
                    required,
                    ty,
                    style,
                    explode,
                    docs: docs_of(p),
                    constraints,
                    deprecated: p.get("deprecated") == Some(&Value::Bool(true)),
                });
            }
        }
        if !ctx.webhook {
            let template: Vec<&str> = template_vars(path);
            for var in &template {
                if !lowered.iter().any(|p| p.location == ParamLocation::Path && p.wire_name == *var) {
                    // The template says it all: a required string segment.
                    self.warnings.push(
                        self.spec
                            .warning(
                                loc,
                                format!(
                                    "path `{path}` has `{{{var}}}` but the operation declares no path parameter `{var}`; it is taken as a string"
                                ),
                            )
                            .with_hint(format!("add a parameter with `name: {var}`, `in: path`, `required: true`")),
                    );
                    lowered.push(Param {
                        name: scope.claim(&self.snake(var)),
                        wire_name: (*var).to_string(),
                        location: ParamLocation::Path,
                        required: true,
                        ty: TypeRef::Scalar(crate::ir::Scalar::String),
                        style: ParamStyle::Simple,
                        explode: false,
                        docs: None,
                        constraints: Default::default(),
                        deprecated: false,
                    });
                    locations.push(loc.clone());
                }
            }
            // A path parameter the template does not hold can never be sent: it is left out.
            let mut i = 0;
            while i < lowered.len() {
                if lowered[i].location == ParamLocation::Path && !template.contains(&lowered[i].wire_name.as_str()) {
                    let at = locations.get(i).cloned().unwrap_or_else(|| loc.clone());
                    self.warnings.push(
                        self.spec
                            .warning(
                                &at,
                                format!(
                                    "path parameter `{}` does not appear in the path `{path}`; it is left out",
                                    lowered[i].wire_name
                                ),
                            )
                            .with_hint("rename the parameter or the path template variable so they match"),
                    );
                    lowered.remove(i);
                    if i < locations.len() {
                        locations.remove(i);
                    }
                } else {
                    i += 1;
                }
            }
            // Path parameters first, in template order; then the rest as declared.
            lowered.sort_by_key(|p| match p.location {
                ParamLocation::Path => template.iter().position(|v| *v == p.wire_name).unwrap_or(0),
                _ => usize::MAX,
            });
        }
        Ok(lowered)
    }

    /// A request or response body: the JSON media type when there is one, else the first.
    fn body(&mut self, loc: &Location, hint: Hint<'_>, request: bool) -> Result<Option<Body>, Diagnostic> {
        let (bloc, b) = self.deref(loc)?;
        let content = match self.spec.members(&bloc.join("content"))? {
            Some((content_loc, Value::Object(c))) => (content_loc, c),
            Some((content_loc, _)) => {
                return Err(self.spec.error(&content_loc, "`content` must be an object of media types"))
            }
            None if request => {
                return Err(self
                    .spec
                    .error(&bloc, "request body has no `content`")
                    .with_hint("add `content` with a media type and schema"))
            }
            None => return Ok(None),
        };
        let is_json = |m: &str| BodyKind::of(m) == BodyKind::Json;
        let (content_loc, content) = content;
        // `application/json` itself first, then any JSON type, then the first listed.
        let plain_json =
            |m: &&String| m.split(';').next().is_some_and(|e| e.trim().eq_ignore_ascii_case("application/json"));
        let Some(media) = content
            .keys()
            .find(plain_json)
            .or_else(|| content.keys().find(|m| is_json(m)))
            .or_else(|| content.keys().next())
        else {
            return Ok(None);
        };
        let required = !request || b.get("required") == Some(&Value::Bool(true));
        let mut body = self.media_body(&content_loc, media, hint, request, None)?;
        (body.docs, body.required) = (docs_of(b), required);
        let schema_of = |m: &str| content.get(m).and_then(|v| v.as_object()).and_then(|m| m.get("schema"));
        let primary_schema = schema_of(media);
        if request {
            // Every other media type, in the spec's order. One with the very same schema keeps
            // the type already lowered (JSON or a form, say, read into one struct).
            for other in content.keys().filter(|m| *m != media) {
                let shared = (schema_of(other) == primary_schema).then(|| body.ty.clone());
                let variant = names::media_variant(other);
                let hint = || format!("{}{variant}", hint());
                let mut alternative = self.media_body(&content_loc, other, &hint, request, shared)?;
                alternative.required = required;
                body.alternatives.push(alternative);
            }
        } else {
            // Exact media types first, then ranges (`image/*`), then `*/*`: the order a
            // client tries them in against the type it was answered with.
            // Another JSON type of the same schema (`text/json` beside `application/json`) is
            // the same answer: it is read as the first, not offered as a variant of its own.
            let same_json = |m: &str| is_json(m) && is_json(media) && schema_of(m) == primary_schema;
            let mut others: Vec<&String> = content.keys().filter(|m| *m != media && !same_json(m)).collect();
            others.sort_by_key(|m| m.matches('*').count());
            for other in others {
                let variant = names::media_variant(other);
                let hint = || format!("{}{variant}", hint());
                body.alternatives.push(self.media_body(&content_loc, other, &hint, request, None)?);
            }
        }
        Ok(Some(body))
    }

    /// One media type of a body: its kind, schema and `encoding` (without docs); `shared` is
    /// the type of a schema already lowered for another media type of the body.
    fn media_body(
        &mut self,
        content_loc: &Location,
        media: &str,
        hint: Hint<'_>,
        request: bool,
        shared: Option<Option<TypeRef>>,
    ) -> Result<Body, Diagnostic> {
        let mloc = content_loc.join(media);
        let ty = if let Some(ty) = shared {
            ty
        } else if self.spec.get(&mloc.join("schema")).is_some() {
            Some(self.schema(&mloc.join("schema"), hint)?)
        } else {
            None
        };
        let mut encoding = Vec::new();
        if let Some((eloc, Value::Object(entries))) = self.spec.members(&mloc.join("encoding"))? {
            for (property, e) in entries {
                let Value::Object(e) = e else {
                    return Err(self.spec.error(&eloc.join(property), "an `encoding` entry must be an object"));
                };
                let style = match e.get("style").and_then(Value::as_str) {
                    None => None,
                    Some(s) => Some(param_style(s).ok_or_else(|| {
                        self.spec.error(&eloc.join(property).join("style"), format!("unknown style `{s}`"))
                    })?),
                };
                encoding.push(Encoding {
                    property: property.clone(),
                    content_type: e.get("contentType").and_then(Value::as_str).map(str::to_string),
                    style,
                    explode: e.get("explode").and_then(Value::as_bool),
                });
            }
        }
        Ok(Body {
            content_type: media.to_owned(),
            kind: match BodyKind::of(media) {
                // A form answer is rare; it is kept as the text it is.
                BodyKind::Form if !request => BodyKind::Text,
                kind => kind,
            },
            encoding,
            ty,
            // Set by the caller, for the whole body.
            required: true,
            docs: None,
            form_type: None,
            alternatives: Vec::new(),
            choice: None,
        })
    }

    fn responses(&mut self, loc: &Location, type_prefix: &str) -> Result<Vec<Response>, Diagnostic> {
        let (loc, list) = match self.spec.members(loc)? {
            Some((list_loc, Value::Object(list))) => (list_loc, list),
            // OpenAPI 3.1 made `responses` optional.
            None => return Ok(vec![undocumented()]),
            Some((list_loc, _)) => {
                return Err(self.spec.error(&list_loc, "`responses` must be an object keyed by status"))
            }
        };
        let loc = &loc;
        if !list.keys().any(|k| !k.starts_with("x-")) {
            self.warnings.push(
                self.spec
                    .warning(loc, "operation documents no response: every answer is its `Default` response")
                    .with_hint("document the statuses the operation answers with"),
            );
            return Ok(vec![undocumented()]);
        }
        let mut out = Vec::new();
        let inline_bodies = list.len() > 1;
        for key in list.keys().filter(|k| !k.starts_with("x-")) {
            let at = loc.join(key);
            let status = parse_status(key).ok_or_else(|| {
                self.spec
                    .error(&at, format!("`{key}` is not a response status"))
                    .with_hint("use a three-digit code (`200`), a range (`2XX`) or `default`")
            })?;
            let (rloc, r) = self.deref(&at)?;
            let suffix = match status {
                Status::Code(c) if inline_bodies => format!("Response{c}"),
                Status::Range(d) if inline_bodies => format!("Response{d}xx"),
                Status::Default if inline_bodies => "DefaultResponse".into(),
                _ => "Response".into(),
            };
            let body = self.body(&at, &|| format!("{type_prefix}{suffix}"), false)?;
            let mut headers = Vec::new();
            let mut scope = Scope::default();
            if let Some((headers_loc, Value::Object(hs))) = self.spec.members(&rloc.join("headers"))? {
                for hname in hs.keys() {
                    if hname.eq_ignore_ascii_case("content-type") {
                        continue;
                    }
                    let (hloc, h) = self.deref(&headers_loc.join(hname))?;
                    let ty = if h.contains_key("schema") {
                        self.schema(&hloc.join("schema"), &|| format!("{type_prefix}{}", names::type_name(hname)))?
                    } else {
                        TypeRef::Scalar(crate::ir::Scalar::String)
                    };
                    headers.push(Header {
                        name: scope.claim(&self.snake(hname)),
                        wire_name: hname.clone(),
                        ty,
                        required: h.get("required") == Some(&Value::Bool(true)),
                        docs: docs_of(h),
                    });
                }
            }
            out.push(Response {
                status,
                name: names::status_variant(status),
                type_name: None,
                docs: docs_of(r),
                body,
                headers,
            });
        }
        out.sort_by_key(|r| r.status);
        Ok(out)
    }

    /// A `security` array: alternatives, each naming schemes that must all be satisfied.
    pub(crate) fn security(
        &self,
        loc: &Location,
        schemes: &BTreeSet<String>,
    ) -> Result<Vec<SecurityRequirement>, Diagnostic> {
        let Some(Value::Array(list)) = self.spec.get(loc) else {
            return Err(self.spec.error(loc, "`security` must be an array of requirement objects"));
        };
        let mut out = Vec::new();
        for (i, req) in list.iter().enumerate() {
            let Value::Object(req) = req else {
                return Err(self.spec.error(&loc.join(i), "a security requirement must be an object"));
            };
            let mut alt = Vec::new();
            for (name, scopes) in req {
                if !schemes.contains(name) {
                    return Err(self
                        .spec
                        .error(
                            &loc.join(i).join(name),
                            format!("security requirement names `{name}`, which is not in components.securitySchemes"),
                        )
                        .with_hint(format!("declare `{name}` under components.securitySchemes, or fix the name")));
                }
                if self.transport_schemes.contains(name) {
                    continue;
                }
                let scopes = scopes
                    .as_array()
                    .map(|s| s.iter().filter_map(Value::as_str).map(str::to_string).collect())
                    .unwrap_or_default();
                alt.push((name.clone(), scopes));
            }
            out.push(SecurityRequirement { schemes: alt });
        }
        Ok(out)
    }
}

/// A `style` value.
fn param_style(style: &str) -> Option<ParamStyle> {
    Some(match style {
        "simple" => ParamStyle::Simple,
        "form" => ParamStyle::Form,
        "label" => ParamStyle::Label,
        "matrix" => ParamStyle::Matrix,
        "spaceDelimited" => ParamStyle::SpaceDelimited,
        "pipeDelimited" => ParamStyle::PipeDelimited,
        "deepObject" => ParamStyle::DeepObject,
        _ => return None,
    })
}

/// The response of an operation that documents none: any status, no body read.
fn undocumented() -> Response {
    Response {
        status: Status::Default,
        name: names::status_variant(Status::Default),
        type_name: None,
        docs: Some("Any response: the spec documents none.".into()),
        body: None,
        headers: Vec::new(),
    }
}

fn parse_status(key: &str) -> Option<Status> {
    if key == "default" {
        return Some(Status::Default);
    }
    let bytes = key.as_bytes();
    if bytes.len() != 3 || !(b'1'..=b'5').contains(&bytes[0]) {
        return None;
    }
    if key[1..].eq_ignore_ascii_case("xx") {
        return Some(Status::Range(bytes[0] - b'0'));
    }
    key.parse().ok().map(Status::Code)
}

/// The `{variable}` names in a path template, in order.
pub(crate) fn template_vars(path: &str) -> Vec<&str> {
    path.split('{').skip(1).filter_map(|s| s.split_once('}').map(|(v, _)| v)).collect()
}
