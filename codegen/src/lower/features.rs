//! Per-tag cargo features: which feature compiles each operation, and each type by the
//! operations that reach it, so that a crate built with one tag's feature holds only what
//! that tag's operations need.

use std::collections::{BTreeMap, BTreeSet};

use crate::ir::{Api, Feature};
use crate::names;

/// Gives every tag of the operations a feature ([`Api::features`]), every tagged operation
/// the features of its tags, and every type the features of the operations that reach it.
///
/// Webhooks count as operations of their tags for the types their payloads reach. What is
/// always compiled keeps no feature: an operation without tags, a type that one of those
/// reaches, and a type that nothing reaches (a schema kept for its own sake) with the types it
/// holds. Two tags with one kebab-case name share the feature.
pub(crate) fn by_tag(api: &mut Api) {
    let mut features: BTreeMap<String, Feature> = BTreeMap::new();
    let webhooks = api.webhooks.iter_mut().map(|w| (&mut w.operation, false));
    for (op, counted) in api.operations.iter_mut().map(|op| (op, true)).chain(webhooks) {
        let mut own = BTreeSet::new();
        for tag in &op.tags {
            let name = names::feature(tag);
            let feature = features.entry(name.clone()).or_insert_with(|| Feature {
                name: name.clone(),
                tag: tag.clone(),
                operations: 0,
            });
            if own.insert(name) && counted {
                feature.operations += 1;
            }
        }
        op.features = own.into_iter().collect();
    }
    // For each type, the features that compile it; `None` once something always compiled
    // reaches it.
    let mut needed: Vec<Option<BTreeSet<&str>>> = vec![Some(BTreeSet::new()); api.types.len()];
    let mut reached_at_all = vec![false; api.types.len()];
    for op in api.operations.iter().chain(api.webhooks.iter().map(|w| &w.operation)) {
        let mut seen = vec![false; api.types.len()];
        for (ty, _) in op.types() {
            api.mark_reachable(ty, &mut seen);
        }
        for (index, _) in seen.iter().enumerate().filter(|(_, reached)| **reached) {
            reached_at_all[index] = true;
            match (&mut needed[index], op.features.is_empty()) {
                (slot @ Some(_), true) => *slot = None,
                (Some(set), false) => set.extend(op.features.iter().map(String::as_str)),
                (None, _) => {}
            }
        }
    }
    // A type nothing reaches is always compiled, and so is every type it holds.
    let mut always = vec![false; api.types.len()];
    for (index, _) in reached_at_all.iter().enumerate().filter(|(_, reached)| !**reached) {
        api.mark_reachable(&crate::ir::TypeRef::Named(crate::ir::TypeId(index)), &mut always);
    }
    let needed: Vec<Vec<String>> = needed
        .into_iter()
        .zip(always)
        .map(|(set, always)| match set {
            Some(set) if !always => set.into_iter().map(str::to_owned).collect(),
            _ => Vec::new(),
        })
        .collect();
    for (def, features) in api.types.iter_mut().zip(needed) {
        def.features = features;
    }
    api.features = features.into_values().collect();
}

#[cfg(test)]
mod tests {
    use super::*;

    fn api(yaml: &str) -> Api {
        let dir = std::env::temp_dir().join(format!("codegen-features-{}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("a temporary folder");
        let path = dir.join("openapi.yaml");
        std::fs::write(&path, yaml).expect("the spec is written");
        let lowered = crate::lower(&path);
        let _ = std::fs::remove_dir_all(&dir);
        let (mut api, _) = lowered.expect("the spec lowers");
        by_tag(&mut api);
        api
    }

    #[test]
    fn types_follow_the_operations_that_reach_them() {
        let api = api(r##"
openapi: 3.1.0
info: { title: T, version: "1" }
paths:
  /a:
    get:
      operationId: getA
      tags: [Alpha things]
      responses:
        "200": { description: ok, content: { application/json: { schema: { $ref: "#/components/schemas/A" } } } }
  /b:
    get:
      operationId: getB
      tags: [Beta, Alpha things]
      responses:
        "200": { description: ok, content: { application/json: { schema: { $ref: "#/components/schemas/B" } } } }
  /c:
    get:
      operationId: getC
      responses:
        "200": { description: ok, content: { application/json: { schema: { $ref: "#/components/schemas/C" } } } }
components:
  schemas:
    A: { type: object, properties: { shared: { $ref: "#/components/schemas/Shared" } } }
    B: { type: object, properties: { shared: { $ref: "#/components/schemas/Shared" }, held: { $ref: "#/components/schemas/Held" } } }
    C: { type: object, properties: { a: { $ref: "#/components/schemas/A" } } }
    Shared: { type: object, properties: { x: { type: string } } }
    Loose: { type: object, properties: { held: { $ref: "#/components/schemas/Held" } } }
    Held: { type: object, properties: { x: { type: string } } }
"##);
        let names: Vec<(&str, usize)> = api.features.iter().map(|f| (f.name.as_str(), f.operations)).collect();
        assert_eq!(names, [("alpha-things", 2), ("beta", 1)]);
        let op = |id: &str| api.operations.iter().find(|o| o.id == id).expect("the operation").features.clone();
        assert_eq!(op("getA"), ["alpha-things"]);
        assert_eq!(op("getB"), ["alpha-things", "beta"]);
        assert!(op("getC").is_empty());
        let ty = |name: &str| api.types.iter().find(|t| t.name == name).expect("the type").features.clone();
        assert_eq!(ty("B"), ["alpha-things", "beta"]);
        // Reached by the untagged operation, through C.
        assert!(ty("A").is_empty());
        assert_eq!(ty("Shared").len(), 0, "A, always compiled, holds Shared");
        // Reached by no operation: always compiled, with what it holds.
        assert!(ty("Loose").is_empty());
        assert!(ty("Held").is_empty(), "B holds it too, but so does Loose");
    }
}
