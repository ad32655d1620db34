//! Lowering: from a loaded spec to the IR ([`crate::ir::Api`]).
//!
//! The document skeleton (info, servers, security schemes) is read through `openapiv3`'s
//! types, which are the same in 3.0 and 3.1. Schemas, parameters and responses are read from
//! the JSON values directly ([`schema`], [`operation`]), since `openapiv3`'s 3.0 schema model
//! cannot hold 3.1's type arrays, `const` or `$ref` siblings. The last step ([`passes`])
//! splits request/response views, boxes recursive fields and sorts the types.

pub(crate) mod features;
mod operation;
mod passes;
mod schema;

use std::collections::BTreeSet;

use serde_json::Value;

use crate::diag::Diagnostic;
use crate::ir::{Api, ParamLocation, SecurityKind, SecurityScheme, Server, ServerVariable, Webhook};
use crate::load::{Location, Spec};
use crate::names::{self, Scope};
use operation::{template_vars, Context, METHODS};
use schema::TypeGraph;

/// What lowering produced: the API (when there were no errors) and every diagnostic.
pub(crate) struct Lowered {
    pub api: Option<Api>,
    pub diagnostics: Vec<Diagnostic>,
}

/// Lowers the whole document, gathering as many errors as it can before giving up.
pub(crate) fn lower(spec: &Spec, overrides: &crate::config::TypeOverrides) -> Lowered {
    let mut errors = Vec::new();
    let mut types = TypeGraph::new(spec, overrides);
    let api = lower_into(spec, &mut types, &mut errors);
    let mut diagnostics = errors;
    diagnostics.append(&mut types.warnings);
    diagnostics.append(&mut spec.take_ref_warnings());
    spec.fill_lines(&mut diagnostics);
    let failed = diagnostics.iter().any(Diagnostic::is_error);
    Lowered { api: if failed { None } else { api }, diagnostics }
}

fn lower_into(spec: &Spec, types: &mut TypeGraph<'_>, errors: &mut Vec<Diagnostic>) -> Option<Api> {
    let root = spec.root();
    let Some(Value::Object(doc)) = spec.get(&root) else {
        errors.push(spec.error(&root, "the root of an OpenAPI document must be an object"));
        return None;
    };
    let openapi = match doc.get("openapi") {
        Some(Value::String(v)) if v.starts_with("3.0.") || v.starts_with("3.1.") => v.clone(),
        Some(v) => {
            let hint = if v.is_number() {
                format!("write the version as a string: `openapi: \"{v}.0\"`")
            } else {
                "this generator reads OpenAPI 3.0.x and 3.1.x".to_string()
            };
            errors.push(spec.error(&root.join("openapi"), format!("unsupported OpenAPI version {v}")).with_hint(hint));
            return None;
        }
        None => {
            let hint = if doc.contains_key("swagger") {
                "this is a Swagger 2.0 document; convert it to OpenAPI 3 first"
            } else {
                "an OpenAPI document starts with `openapi: 3.1.0` (or 3.0.x)"
            };
            errors.push(spec.error(&root, "missing `openapi` version field").with_hint(hint));
            return None;
        }
    };

    let info = info(spec, &root, doc, errors);
    let servers = servers(spec, &root, doc, errors);
    let security_schemes = security_schemes(types, &root, errors);
    let scheme_names: BTreeSet<String> =
        security_schemes.iter().map(|s| s.wire_name.clone()).chain(types.transport_schemes.iter().cloned()).collect();

    // Component names first, so inline types never take a name a component has.
    let mut component_locs = Vec::new();
    if let Some((schemas_loc, Value::Object(schemas))) = section(spec, &root, "schemas", errors) {
        let mut names: Vec<&String> = schemas.keys().collect();
        names.sort();
        for name in names {
            let loc = schemas_loc.join(name);
            match types.follow(&loc) {
                Ok(target) => {
                    if !types.components.contains_key(&target) {
                        let claimed = types.scope.claim(&names::type_name(name));
                        types.components.insert(target.clone(), claimed);
                    }
                    component_locs.push(target);
                }
                Err(e) => errors.push(e),
            }
        }
    }
    for loc in &component_locs {
        if let Err(e) = types.named(loc) {
            errors.push(e);
        }
    }

    let default_security = match doc.get("security") {
        Some(_) => types.security(&root.join("security"), &scheme_names).unwrap_or_else(|e| {
            errors.push(e);
            Vec::new()
        }),
        None => Vec::new(),
    };
    let mut op_scope = Scope::default();
    let mut operations = Vec::new();
    let own_methods: BTreeSet<String> = names::OWN_METHODS
        .iter()
        .map(|m| m.to_string())
        .chain(security_schemes.iter().map(|s| s.setter.clone()))
        .collect();
    let ctx = Context {
        default_security: &default_security,
        scheme_names: &scheme_names,
        webhook: false,
        own_methods: &own_methods,
    };
    // The path item each operation comes from, for the router's warnings below.
    let mut item_locs: Vec<Location> = Vec::new();
    match spec.members(&root.join("paths")) {
        Ok(Some((paths_loc, Value::Object(paths)))) => {
            // `x-` members are specification extensions, not paths.
            for path in paths.keys().filter(|p| !p.starts_with("x-")) {
                let at = paths_loc.join(path);
                if !path.starts_with('/') {
                    errors.push(spec.error(&at, format!("path `{path}` does not start with `/`")));
                    continue;
                }
                if let Some(var) = template_vars(path).into_iter().find(|v| v.is_empty() || v.contains(['{', '/'])) {
                    errors
                        .push(spec.error(&at, format!("path `{path}` has a malformed template variable `{{{var}}}`")));
                    continue;
                }
                let first = operations.len();
                path_item(types, &ctx, path, &at, &mut op_scope, &mut operations, errors);
                item_locs.extend(std::iter::repeat_n(at.clone(), operations.len() - first));
            }
        }
        Ok(Some((paths_loc, _))) => errors.push(spec.error(&paths_loc, "`paths` must be an object keyed by path")),
        Ok(None) => {}
        Err(e) => errors.push(e),
    }
    // Paths that are one route to a router (`/pets/{id}`, `/pets/{name}`): the first is served.
    for ((op, routed), at) in operations.iter().zip(crate::ir::routed(&operations)).zip(&item_locs) {
        if routed || !op.has_whole_segment_params() {
            continue;
        }
        let message = if op.repeats_a_param() {
            format!("path `{}` names a parameter twice, which a router cannot capture", op.path)
        } else {
            let first = operations.iter().find(|o| o.route_shape() == op.route_shape()).map_or("", |o| &o.path);
            format!("path `{}` is the same route as `{first}` with other parameter names", op.path)
        };
        types.warnings.push(
            spec.warning(at, message).with_hint("the client calls it; the generated server's router leaves it out"),
        );
    }
    // After the operations' own names, so that an operation called `list_stream` keeps its
    // name and the stream of `list` takes another.
    for op in &mut operations {
        op.stream_name = op_scope.claim(&names::stream_method(&op.name));
    }

    let mut webhooks = Vec::new();
    let hooks = spec.members(&root.join("webhooks")).unwrap_or_else(|e| {
        errors.push(e);
        None
    });
    if let Some((hooks_loc, Value::Object(hooks))) = hooks {
        let ctx = Context { webhook: true, ..ctx };
        let mut hook_scope = Scope::default();
        for name in hooks.keys() {
            let at = hooks_loc.join(name);
            let mut ops = Vec::new();
            path_item(types, &ctx, name, &at, &mut hook_scope, &mut ops, errors);
            webhooks.extend(ops.into_iter().map(|operation| Webhook { wire_name: name.clone(), operation }));
        }
    }

    if errors.iter().any(Diagnostic::is_error) {
        return None;
    }
    let (title, version, description) = info?;
    let mut api = Api {
        title,
        version,
        description,
        openapi,
        servers,
        security_schemes,
        operations,
        webhooks,
        types: Vec::new(),
        features: Vec::new(),
    };
    match passes::run(types, &mut api) {
        Ok(()) => Some(api),
        Err(mut e) => {
            errors.append(&mut e);
            None
        }
    }
}

/// A section of `components` (`schemas`, `securitySchemes`, ...), where `$ref`s written in
/// place of `components` or of the section are followed (see [`Spec::members`]).
pub(crate) fn section<'s>(
    spec: &'s Spec,
    root: &Location,
    name: &str,
    errors: &mut Vec<Diagnostic>,
) -> Option<(Location, &'s Value)> {
    let found = spec.members(&root.join("components")).and_then(|components| match components {
        Some((at, Value::Object(_))) => spec.members(&at.join(name)),
        _ => Ok(None),
    });
    found.unwrap_or_else(|e| {
        errors.push(e);
        None
    })
}

fn path_item(
    types: &mut TypeGraph<'_>,
    ctx: &Context<'_>,
    path: &str,
    at: &Location,
    op_scope: &mut Scope,
    out: &mut Vec<crate::ir::Operation>,
    errors: &mut Vec<Diagnostic>,
) {
    let (item_loc, item) = match types.deref(at) {
        Ok(x) => x,
        Err(e) => return errors.push(e),
    };
    let path_params: Vec<Location> = match types.spec.members(&item_loc.join("parameters")) {
        Ok(Some((list_loc, Value::Array(list)))) => (0..list.len()).map(|i| list_loc.join(i)).collect(),
        Ok(_) => Vec::new(),
        Err(e) => return errors.push(e),
    };
    for method in METHODS {
        if item.contains_key(*method) {
            let loc = item_loc.join(method);
            match types.operation(ctx, path, method, &loc, &path_params, op_scope) {
                Ok(op) => out.push(op),
                Err(e) => errors.push(e),
            }
        }
    }
}

fn info(
    spec: &Spec,
    root: &Location,
    doc: &serde_json::Map<String, Value>,
    errors: &mut Vec<Diagnostic>,
) -> Option<(String, String, Option<String>)> {
    let at = root.join("info");
    let Some(Value::Object(raw)) = doc.get("info") else {
        errors.push(spec.error(root, "missing `info`").with_hint("add `info` with a `title` and a `version`"));
        return None;
    };
    let mut raw = raw.clone();
    // A description may be kept in a Markdown file next to the spec.
    if let Some(Value::Object(d)) = raw.get("description") {
        if let Some(Value::String(r)) = d.get("$ref") {
            match spec.resolve_ref(&at.join("description"), r).map(|l| spec.get(&l).cloned()) {
                Ok(Some(text @ Value::String(_))) => {
                    raw.insert("description".into(), text);
                }
                Ok(_) => {
                    raw.remove("description");
                }
                Err(e) => {
                    errors.push(e);
                    return None;
                }
            }
        }
    }
    // Only these three are read; the rest of `info` (contact, license, ...) is for readers.
    // YAML reads an unquoted `version: 1.0` as a number: its text is meant.
    let text = |key: &str| match raw.get(key) {
        Some(Value::String(s)) => Some(s.clone()),
        Some(Value::Number(n)) => Some(n.to_string()),
        _ => None,
    };
    let (Some(title), Some(version)) = (text("title"), text("version")) else {
        let missing = if text("title").is_none() { "title" } else { "version" };
        errors.push(
            spec.error(&at, format!("invalid `info`: no string `{missing}`"))
                .with_hint("`info` needs a string `title` and `version`"),
        );
        return None;
    };
    Some((title, version, raw.get("description").and_then(Value::as_str).map(str::to_string)))
}

fn servers(
    spec: &Spec,
    root: &Location,
    doc: &serde_json::Map<String, Value>,
    errors: &mut Vec<Diagnostic>,
) -> Vec<Server> {
    let Some(list) = doc.get("servers") else { return Vec::new() };
    let parsed: Vec<openapiv3::Server> = match serde_json::from_value(list.clone()) {
        Ok(s) => s,
        Err(e) => {
            errors.push(spec.error(&root.join("servers"), format!("invalid `servers`: {e}")));
            return Vec::new();
        }
    };
    let mut out = Vec::new();
    let mut server_names = Scope::default();
    for (i, server) in parsed.into_iter().enumerate() {
        let at = root.join("servers").join(i);
        let mut variables = Vec::new();
        let mut scope = Scope::default();
        for var in template_vars(&server.url) {
            if !server.variables.as_ref().is_some_and(|v| v.contains_key(var)) {
                errors.push(
                    spec.error(
                        &at.join("url"),
                        format!("server URL uses `{{{var}}}` but `variables` does not define it"),
                    )
                    .with_hint(format!("add `variables: {{{var}: {{default: ...}}}}`")),
                );
            }
        }
        for (name, v) in server.variables.iter().flatten() {
            if !v.enumeration.is_empty() && !v.enumeration.contains(&v.default) {
                errors.push(spec.error(
                    &at.join("variables").join(name).join("default"),
                    format!("default `{}` of server variable `{name}` is not one of its `enum` values", v.default),
                ));
            }
            variables.push(ServerVariable {
                name: scope.claim(&names::snake(name)),
                wire_name: name.clone(),
                default: v.default.clone(),
                allowed: v.enumeration.clone(),
                docs: v.description.clone(),
            });
        }
        let name = server_names.claim(&names::server(server.description.as_deref(), i));
        out.push(Server { name, url: server.url, description: server.description, variables });
    }
    out
}

fn security_schemes(types: &mut TypeGraph<'_>, root: &Location, errors: &mut Vec<Diagnostic>) -> Vec<SecurityScheme> {
    let spec = types.spec;
    let Some((schemes_loc, Value::Object(schemes))) = section(spec, root, "securitySchemes", errors) else {
        return Vec::new();
    };
    let mut scope = Scope::default();
    let mut variants = Scope::default();
    let mut out = Vec::new();
    let mut keys: Vec<&String> = schemes.keys().collect();
    keys.sort();
    for name in keys {
        let at = schemes_loc.join(name);
        let (loc, raw) = match types.deref(&at) {
            Ok(x) => x,
            Err(e) => {
                errors.push(e);
                continue;
            }
        };
        if raw.get("type").and_then(Value::as_str) == Some("mutualTLS") {
            // Checked by TLS, below HTTP: nothing for the generated code to send or read.
            types.warnings.push(
                spec.warning(&loc, format!("security scheme `{name}` is mutual TLS: the generated code does not check it"))
                    .with_hint("the client presents its certificate through the reqwest::Client you give it (reqwest::Identity); terminate TLS with client-certificate verification in front of the server"),
            );
            types.transport_schemes.insert(name.clone());
            continue;
        }
        let scheme: openapiv3::SecurityScheme = match serde_json::from_value(Value::Object(raw.clone())) {
            Ok(s) => s,
            Err(e) => {
                errors.push(
                    spec.error(&loc, format!("invalid security scheme `{name}`: {e}"))
                        .with_hint("`type` must be apiKey, http, oauth2 or openIdConnect"),
                );
                continue;
            }
        };
        use openapiv3::{APIKeyLocation, SecurityScheme as S};
        let (kind, docs) = match scheme {
            S::APIKey { location, name: key, description, .. } => {
                let location = match location {
                    APIKeyLocation::Header => ParamLocation::Header,
                    APIKeyLocation::Query => ParamLocation::Query,
                    APIKeyLocation::Cookie => ParamLocation::Cookie,
                };
                (SecurityKind::ApiKey { location, name: key }, description)
            }
            S::HTTP { scheme, bearer_format, description, .. } => match scheme.to_ascii_lowercase().as_str() {
                "bearer" => (SecurityKind::Bearer { format: bearer_format }, description),
                "basic" => (SecurityKind::Basic, description),
                _ if is_token(&scheme) => {
                    let message = format!(
                        "HTTP authentication scheme `{scheme}`: the client sends the credentials it is given as \
                         `Authorization: {scheme} <credentials>`, and the server passes them on unchecked"
                    );
                    let hint = "a scheme that answers a challenge (Digest, Negotiate) needs its credentials made \
                                by the caller for each request";
                    types.warnings.push(spec.warning(&loc.join("scheme"), message).with_hint(hint));
                    (SecurityKind::Http { scheme }, description)
                }
                _ => {
                    let message = format!("`{scheme}` is not an HTTP authentication scheme name");
                    let hint = "a scheme is one token of letters, digits and `!#$%&'*+-.^_`|~` (RFC 9110, \
                                section 11.1)";
                    errors.push(spec.error(&loc.join("scheme"), message).with_hint(hint));
                    continue;
                }
            },
            S::OAuth2 { description, .. } | S::OpenIDConnect { description, .. } => (SecurityKind::OAuth2, description),
        };
        let field = scope.claim(&names::snake(name));
        out.push(SecurityScheme {
            setter: names::scheme_setter(&field),
            name: field,
            variant: variants.claim(&names::variant(name)),
            wire_name: name.clone(),
            docs,
            kind,
        });
    }
    out
}

/// Whether `name` is an HTTP token (RFC 9110, section 5.6.2), as an authentication scheme's
/// name must be.
fn is_token(name: &str) -> bool {
    !name.is_empty() && name.bytes().all(|b| b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b))
}
