//! The passes over the whole type graph, once every schema is lowered: inline anonymous
//! aliases, split request/response views, sort the types by name, box recursive fields, and
//! reject recursion no JSON value can satisfy.

use std::collections::BTreeMap;

use super::schema::{RawKind, RawType, TypeGraph};
use crate::diag::Diagnostic;
use crate::ir::{Access, Api, Body, Field, Origin, Struct, TypeDef, TypeId, TypeKind, TypeRef, Union, View};

pub(crate) fn run(types: &mut TypeGraph<'_>, api: &mut Api) -> Result<(), Vec<Diagnostic>> {
    inline_anonymous_aliases(&mut types.raw, api);
    let split = views_to_split(&types.raw);

    // One entry per (raw type, view); request views get a name of their own.
    let mut entries: Vec<(usize, View, String)> = Vec::new();
    for (i, raw) in types.raw.iter().enumerate() {
        if is_inlined(raw) {
            continue;
        }
        if split[i] {
            entries.push((i, View::Response, raw.name.clone()));
            let request = types.scope.claim(&format!("{}Request", raw.name));
            entries.push((i, View::Request, request));
        } else {
            entries.push((i, View::Both, raw.name.clone()));
        }
    }
    entries.sort_by(|a, b| a.2.cmp(&b.2));
    let index: BTreeMap<(usize, View), TypeId> =
        entries.iter().enumerate().map(|(n, (i, v, _))| ((*i, *v), TypeId(n))).collect();
    let map = |ty: &TypeRef, view: View| remap(ty, view, &split, &index);

    let spec = types.spec;
    // The last entry of a raw type takes its parts; only the first view of a split one copies.
    let mut left = vec![0u8; types.raw.len()];
    for (i, _, _) in &entries {
        left[*i] += 1;
    }
    let mut file_names = BTreeMap::new();
    let mut defs = Vec::with_capacity(entries.len());
    for (i, view, name) in &entries {
        left[*i] -= 1;
        let raw = &mut types.raw[*i];
        let shape = match left[*i] {
            0 => std::mem::replace(&mut raw.kind, RawKind::Pending),
            _ => raw.kind.clone(),
        };
        let kind = match shape {
            RawKind::Struct { fields, additional, rules } => {
                let declared = fields.len();
                let kept: Vec<Field> = fields
                    .into_iter()
                    .filter(|f| match view {
                        View::Request => f.access.sent_by_clients(),
                        View::Response => f.access.sent_by_servers(),
                        View::Both => true,
                    })
                    .map(|f| Field { ty: map(&f.ty, *view), ..f })
                    .collect();
                TypeKind::Struct(Struct {
                    closed: rules.closed && kept.len() == declared,
                    min_properties: rules.min_properties,
                    max_properties: rules.max_properties,
                    fields: kept,
                    additional: additional.as_ref().map(|t| map(t, *view)),
                })
            }
            RawKind::Enum(e) => TypeKind::Enum(e),
            RawKind::Union { variants, discriminator } => TypeKind::Union(Union {
                variants: variants
                    .into_iter()
                    .map(|v| crate::ir::UnionVariant { ty: map(&v.ty, *view), ..v })
                    .collect(),
                discriminator,
            }),
            RawKind::Alias(t) => TypeKind::Alias(map(&t, *view)),
            RawKind::Pending => TypeKind::Alias(TypeRef::Any),
        };
        let mut docs = raw.docs.clone();
        if *view == View::Request {
            let note = format!("The request view of [`{}`]: the members the server sets are left out.", raw.name);
            docs = Some(match docs {
                Some(d) => format!("{d}\n\n{note}"),
                None => note,
            });
        }
        defs.push(TypeDef {
            name: name.clone(),
            docs,
            origin: Origin {
                file: file_names.entry(raw.origin.file).or_insert_with(|| spec.relative_name(raw.origin.file)).clone(),
                pointer: raw.origin.pointer.to_string(),
            },
            view: *view,
            schema_name: raw.name.clone(),
            kind,
            features: Vec::new(),
        });
    }

    // A webhook's payload is sent by the API, like a response; an operation's body by clients.
    let ops = api.operations.iter_mut().map(|op| (op, View::Request));
    for (op, body_view) in ops.chain(api.webhooks.iter_mut().map(|w| (&mut w.operation, View::Response))) {
        for p in &mut op.params {
            p.ty = map(&p.ty, View::Request);
        }
        for t in op.body.iter_mut().flat_map(Body::types_mut) {
            *t = map(t, body_view);
        }
        for r in &mut op.responses {
            for t in r.body.iter_mut().flat_map(Body::types_mut) {
                *t = map(t, View::Response);
            }
            for h in &mut r.headers {
                h.ty = map(&h.ty, View::Response);
            }
        }
    }

    drop_unsent_request_views(&mut defs, api);
    box_recursion(&mut defs);
    types.warnings.extend(impossible_recursion(&mut defs, spec));
    api.types = defs;
    Ok(())
}

/// Drops the request views that no operation sends (say, of a schema that only webhooks and
/// responses carry) and renumbers the other types. Every type other than a request view
/// stays, used or not: it is a schema of the API.
fn drop_unsent_request_views(defs: &mut Vec<TypeDef>, api: &mut Api) {
    let mut reached = vec![false; defs.len()];
    let mut stack: Vec<TypeId> = (0..defs.len()).filter(|i| defs[*i].view != View::Request).map(TypeId).collect();
    for op in api.operations.iter_mut().chain(api.webhooks.iter_mut().map(|w| &mut w.operation)) {
        operation_refs(op, &mut |ty| visit(ty, &mut |id| stack.push(id)));
    }
    while let Some(id) = stack.pop() {
        if !std::mem::replace(&mut reached[id.0], true) {
            def_refs(&mut defs[id.0], &mut |ty| visit(ty, &mut |id| stack.push(id)));
        }
    }
    if reached.iter().all(|r| *r) {
        return;
    }
    // What stays refers only to what stays: everything a kept type mentions was reached.
    let mut next = 0;
    let new_id: Vec<Option<TypeId>> = reached
        .iter()
        .map(|r| {
            r.then(|| {
                next += 1;
                TypeId(next - 1)
            })
        })
        .collect();
    let mut renumber = |ty: &mut TypeRef| renumber(ty, &new_id);
    *defs = std::mem::take(defs)
        .into_iter()
        .zip(reached)
        .filter(|(_, reached)| *reached)
        .map(|(mut def, _)| {
            def_refs(&mut def, &mut renumber);
            def
        })
        .collect();
    for op in api.operations.iter_mut().chain(api.webhooks.iter_mut().map(|w| &mut w.operation)) {
        operation_refs(op, &mut renumber);
    }
}

fn renumber(ty: &mut TypeRef, new_id: &[Option<TypeId>]) {
    match ty {
        TypeRef::Named(id) => *id = new_id[id.0].unwrap_or(*id),
        TypeRef::Array(t) | TypeRef::Map(t) | TypeRef::Nullable(t) => renumber(t, new_id),
        TypeRef::Scalar(_) | TypeRef::Object | TypeRef::Any | TypeRef::External(_) => {}
    }
}

/// Calls `f` on every type reference a type definition makes.
fn def_refs(def: &mut TypeDef, f: &mut impl FnMut(&mut TypeRef)) {
    match &mut def.kind {
        TypeKind::Struct(s) => {
            s.fields.iter_mut().for_each(|x| f(&mut x.ty));
            s.additional.iter_mut().for_each(f);
        }
        TypeKind::Union(u) => u.variants.iter_mut().for_each(|v| f(&mut v.ty)),
        TypeKind::Alias(t) => f(t),
        TypeKind::Enum(_) => {}
    }
}

/// Calls `f` on every type reference an operation makes.
fn operation_refs(op: &mut crate::ir::Operation, f: &mut impl FnMut(&mut TypeRef)) {
    op.params.iter_mut().for_each(|p| f(&mut p.ty));
    op.body.iter_mut().flat_map(Body::types_mut).for_each(&mut *f);
    for r in &mut op.responses {
        r.body.iter_mut().flat_map(Body::types_mut).for_each(&mut *f);
        r.headers.iter_mut().for_each(|h| f(&mut h.ty));
    }
}

fn is_inlined(raw: &RawType) -> bool {
    !raw.nominal && matches!(raw.kind, RawKind::Alias(_))
}

/// Anonymous aliases (a `$ref`-free inline schema that turned out to be a primitive) are
/// replaced by what they stand for.
fn inline_anonymous_aliases(raw: &mut [RawType], api: &mut Api) {
    /// `ty` with every inlined alias replaced; `inlined[i]` is what type `i` stands for when
    /// it is inlined.
    fn resolve(ty: &TypeRef, inlined: &[Option<TypeRef>], depth: usize) -> TypeRef {
        match ty {
            TypeRef::Named(id) if depth < 64 => match &inlined[id.0] {
                Some(t) => resolve(t, inlined, depth + 1),
                None => ty.clone(),
            },
            TypeRef::Array(t) => TypeRef::Array(Box::new(resolve(t, inlined, depth))),
            TypeRef::Map(t) => TypeRef::Map(Box::new(resolve(t, inlined, depth))),
            TypeRef::Nullable(t) => match resolve(t, inlined, depth) {
                n @ (TypeRef::Nullable(_) | TypeRef::Any) => n,
                t => TypeRef::Nullable(Box::new(t)),
            },
            other => other.clone(),
        }
    }
    // An anonymous alias that refers to itself must stay a named type.
    for (i, r) in raw.iter_mut().enumerate() {
        if let RawKind::Alias(t) = &r.kind {
            if !r.nominal && mentions(t, TypeId(i)) {
                r.nominal = true;
            }
        }
    }
    let snapshot: Vec<Option<TypeRef>> = raw
        .iter()
        .map(|r| match &r.kind {
            RawKind::Alias(t) if is_inlined(r) => Some(t.clone()),
            _ => None,
        })
        .collect();
    for r in raw.iter_mut() {
        match &mut r.kind {
            RawKind::Struct { fields, additional, .. } => {
                for f in fields {
                    f.ty = resolve(&f.ty, &snapshot, 0);
                }
                if let Some(a) = additional {
                    *a = resolve(a, &snapshot, 0);
                }
            }
            RawKind::Union { variants, .. } => {
                for v in variants {
                    v.ty = resolve(&v.ty, &snapshot, 0);
                }
            }
            RawKind::Alias(t) => *t = resolve(t, &snapshot, 0),
            RawKind::Enum(_) | RawKind::Pending => {}
        }
    }
    for op in api.operations.iter_mut().chain(api.webhooks.iter_mut().map(|w| &mut w.operation)) {
        for p in &mut op.params {
            p.ty = resolve(&p.ty, &snapshot, 0);
        }
        for t in op.body.iter_mut().flat_map(Body::types_mut) {
            *t = resolve(t, &snapshot, 0);
        }
        for r in &mut op.responses {
            for t in r.body.iter_mut().flat_map(Body::types_mut) {
                *t = resolve(t, &snapshot, 0);
            }
            for h in &mut r.headers {
                h.ty = resolve(&h.ty, &snapshot, 0);
            }
        }
    }
}

fn mentions(ty: &TypeRef, id: TypeId) -> bool {
    let mut found = false;
    visit(ty, &mut |t| found |= t == id);
    found
}

fn visit(ty: &TypeRef, f: &mut impl FnMut(TypeId)) {
    match ty {
        TypeRef::Named(id) => f(*id),
        TypeRef::Array(t) | TypeRef::Map(t) | TypeRef::Nullable(t) => visit(t, f),
        TypeRef::Scalar(_) | TypeRef::Object | TypeRef::Any | TypeRef::External(_) => {}
    }
}

fn raw_refs(kind: &RawKind, f: &mut impl FnMut(TypeId)) {
    match kind {
        RawKind::Struct { fields, additional, .. } => {
            fields.iter().for_each(|x| visit(&x.ty, f));
            if let Some(a) = additional {
                visit(a, f);
            }
        }
        RawKind::Union { variants, .. } => variants.iter().for_each(|v| visit(&v.ty, f)),
        RawKind::Alias(t) => visit(t, f),
        RawKind::Enum(_) | RawKind::Pending => {}
    }
}

/// Types that need separate request and response views: those with readOnly or writeOnly
/// members, and those that hold such a type.
fn views_to_split(raw: &[RawType]) -> Vec<bool> {
    let mut split: Vec<bool> = raw
        .iter()
        .map(
            |r| matches!(&r.kind, RawKind::Struct { fields, .. } if fields.iter().any(|f| f.access != Access::ReadWrite)),
        )
        .collect();
    let mut changed = true;
    while changed {
        changed = false;
        for (i, r) in raw.iter().enumerate() {
            if split[i] || is_inlined(r) {
                continue;
            }
            let mut any = false;
            raw_refs(&r.kind, &mut |t| any |= split[t.0]);
            if any {
                split[i] = true;
                changed = true;
            }
        }
    }
    split
}

fn remap(ty: &TypeRef, view: View, split: &[bool], index: &BTreeMap<(usize, View), TypeId>) -> TypeRef {
    match ty {
        TypeRef::Named(id) => {
            let v = if split[id.0] {
                if view == View::Both {
                    View::Response
                } else {
                    view
                }
            } else {
                View::Both
            };
            TypeRef::Named(index[&(id.0, v)])
        }
        TypeRef::Array(t) => TypeRef::Array(Box::new(remap(t, view, split, index))),
        TypeRef::Map(t) => TypeRef::Map(Box::new(remap(t, view, split, index))),
        TypeRef::Nullable(t) => TypeRef::Nullable(Box::new(remap(t, view, split, index))),
        other => other.clone(),
    }
}

/// Direct containment: `Vec` and maps give indirection, `Option` does not.
fn direct(ty: &TypeRef) -> Option<TypeId> {
    match ty {
        TypeRef::Named(id) => Some(*id),
        TypeRef::Nullable(t) => direct(t),
        _ => None,
    }
}

fn edges(def: &TypeDef, required_only: bool) -> Vec<TypeId> {
    match &def.kind {
        TypeKind::Struct(s) => s
            .fields
            .iter()
            .filter(|f| !required_only || (f.required && !matches!(f.ty, TypeRef::Nullable(_))))
            .filter_map(|f| direct(&f.ty))
            .collect(),
        TypeKind::Union(u) if !required_only => u.variants.iter().filter_map(|v| direct(&v.ty)).collect(),
        TypeKind::Alias(t) => direct(t).into_iter().collect(),
        _ => Vec::new(),
    }
}

/// Strongly connected components (Tarjan), as a component number per node.
fn scc(n: usize, succ: &dyn Fn(usize) -> Vec<usize>) -> Vec<usize> {
    struct State {
        index: Vec<Option<usize>>,
        low: Vec<usize>,
        on_stack: Vec<bool>,
        stack: Vec<usize>,
        comp: Vec<usize>,
        next: usize,
        comps: usize,
    }
    fn strong(v: usize, s: &mut State, succ: &dyn Fn(usize) -> Vec<usize>) {
        s.index[v] = Some(s.next);
        s.low[v] = s.next;
        s.next += 1;
        s.stack.push(v);
        s.on_stack[v] = true;
        for w in succ(v) {
            match s.index[w] {
                None => {
                    strong(w, s, succ);
                    s.low[v] = s.low[v].min(s.low[w]);
                }
                Some(iw) if s.on_stack[w] => s.low[v] = s.low[v].min(iw),
                Some(_) => {}
            }
        }
        if Some(s.low[v]) == s.index[v] {
            while let Some(w) = s.stack.pop() {
                s.on_stack[w] = false;
                s.comp[w] = s.comps;
                if w == v {
                    break;
                }
            }
            s.comps += 1;
        }
    }
    let mut s = State {
        index: vec![None; n],
        low: vec![0; n],
        on_stack: vec![false; n],
        stack: Vec::new(),
        comp: vec![0; n],
        next: 0,
        comps: 0,
    };
    for v in 0..n {
        if s.index[v].is_none() {
            strong(v, &mut s, succ);
        }
    }
    s.comp
}

fn box_recursion(defs: &mut [TypeDef]) {
    let comp = {
        let snapshot: &[TypeDef] = defs;
        scc(snapshot.len(), &|v| edges(&snapshot[v], false).into_iter().map(|t| t.0).collect())
    };
    for (i, def) in defs.iter_mut().enumerate() {
        match &mut def.kind {
            TypeKind::Struct(s) => {
                for f in &mut s.fields {
                    f.boxed = direct(&f.ty).is_some_and(|t| comp[t.0] == comp[i]);
                }
            }
            TypeKind::Union(u) => {
                for v in &mut u.variants {
                    v.boxed = direct(&v.ty).is_some_and(|t| comp[t.0] == comp[i]);
                }
            }
            _ => {}
        }
    }
}

/// A cycle of required, non-null members has no finite JSON value, so no server can send
/// one: the spec cannot mean it. Each such cycle is broken where it is first found, its
/// member read as optional (it is boxed already), with a warning that names it.
fn impossible_recursion(defs: &mut [TypeDef], spec: &crate::load::Spec) -> Vec<Diagnostic> {
    let mut warnings = Vec::new();
    // Each round breaks one cycle; there are at most as many as there are types.
    for _ in 0..defs.len() {
        let comp = scc(defs.len(), &|v| {
            if defs[v].view == View::Request {
                Vec::new()
            } else {
                edges(&defs[v], true).into_iter().map(|t| t.0).collect()
            }
        });
        let found = defs.iter().enumerate().filter(|(_, def)| def.view != View::Request).find_map(|(i, def)| {
            let TypeKind::Struct(s) = &def.kind else { return None };
            s.fields
                .iter()
                .position(|f| {
                    direct(&f.ty)
                        .filter(|_| f.required && !matches!(f.ty, TypeRef::Nullable(_)))
                        .is_some_and(|t| comp[t.0] == comp[i])
                })
                .map(|field| (i, field))
        });
        let Some((i, field)) = found else { break };
        let def = &mut defs[i];
        let file = spec_display(spec, &def.origin.file);
        let TypeKind::Struct(s) = &mut def.kind else { break };
        let f = &mut s.fields[field];
        f.required = false;
        warnings.push(
            Diagnostic::warning(
                file,
                format!("{}/properties/{}", def.origin.pointer, escape(&f.wire_name)),
                format!(
                    "`{}` requires `{}`, whose type leads back to `{}` through required members: no finite value exists, so it is read as optional",
                    def.name, f.wire_name, def.name
                ),
            )
            .with_hint("make one member of the cycle optional or nullable"),
        );
    }
    warnings
}

fn escape(token: &str) -> String {
    token.replace('~', "~0").replace('/', "~1")
}

/// The display path of a file given its root-relative name.
fn spec_display(spec: &crate::load::Spec, relative: &str) -> String {
    let root_display = spec.display(spec.root().file);
    match root_display.rsplit_once('/') {
        Some((dir, _)) if !relative.starts_with('/') => format!("{dir}/{relative}"),
        _ => relative.to_string(),
    }
}
