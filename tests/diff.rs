//! The breaking-change report: one pair of specs per kind of change, each classified for
//! existing clients and existing servers, with the semver bump it implies.

use codegen::compat::{Bump, Impact, Report};
use codegen::surface::Surface;

/// A small API: `Pet` is sent by servers (GET) and by clients (POST); `Status` only by servers.
const BASE: &str = r#"
openapi: 3.1.0
info: {title: Pets, version: 1.0.0}
paths:
  /pets:
    get:
      operationId: ListPets
      parameters:
        - {name: limit, in: query, schema: {type: integer}}
__PARAMS__
      responses:
        '200':
          description: Pets.
          content:
            application/json:
              schema: {type: array, items: {$ref: '#/components/schemas/Pet'}}
    post:
      operationId: CreatePet
      requestBody:
        required: true
        content:
          application/json:
            schema: {$ref: '#/components/schemas/NewPet'}
      responses:
        '201':
          description: Created.
          content:
            application/json:
              schema: {$ref: '#/components/schemas/Pet'}
__OPS__
components:
  schemas:
    NewPet:
      type: object
      required: [name]
      properties:
        name: {type: string}
__NEWPET__
    Pet:
      type: object
      required: [id, name]
      properties:
        id: {type: string}
        name: {type: string}
        status: {$ref: '#/components/schemas/Status'}
__PET__
    Status:
      type: string
      enum: [available, sold__STATUS__]
"#;

struct Edit<'a> {
    params: &'a str,
    ops: &'a str,
    new_pet: &'a str,
    pet: &'a str,
    status: &'a str,
}

const NONE: Edit<'static> = Edit { params: "", ops: "", new_pet: "", pet: "", status: "" };

fn spec(e: &Edit<'_>) -> String {
    BASE.replace("__PARAMS__\n", e.params)
        .replace("__OPS__\n", e.ops)
        .replace("__NEWPET__\n", e.new_pet)
        .replace("__PET__\n", e.pet)
        .replace("__STATUS__", e.status)
}

fn surface(text: &str) -> Surface {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("openapi.yaml");
    std::fs::write(&path, text).unwrap();
    let (api, _) = codegen::lower(&path).unwrap_or_else(|d| panic!("{d}\n{text}"));
    Surface::of(&api)
}

fn report(old: &Edit<'_>, new: &Edit<'_>) -> Report {
    codegen::compat::compare(&surface(&spec(old)), &surface(&spec(new)))
}

/// The one change in `r`, as (what, clients, servers).
fn only(r: &Report) -> (String, Impact, Impact) {
    assert_eq!(r.changes.len(), 1, "expected one change, got:\n{r}");
    let c = &r.changes[0];
    (format!("{}: {}", c.subject, c.what), c.clients, c.servers)
}

use Impact::{Breaking as B, Compatible as C};

#[test]
fn nothing_changed_is_a_patch() {
    let r = report(&NONE, &NONE);
    assert!(r.changes.is_empty());
    assert_eq!(r.bump, Bump::Patch);
}

#[test]
fn new_optional_response_field_is_compatible() {
    let r = report(&NONE, &Edit { pet: "        age: {type: integer}\n", ..NONE });
    assert_eq!(only(&r), ("schema Pet: `age` added (optional)".into(), C, C));
    assert_eq!(r.bump, Bump::Minor);
}

#[test]
fn new_required_request_field_breaks_clients() {
    let edit = Edit { new_pet: "        tag: {type: string}\n", ..NONE };
    let mut required = spec(&edit);
    required = required.replace("required: [name]", "required: [name, tag]");
    let r = codegen::compat::compare(&surface(&spec(&NONE)), &surface(&required));
    assert_eq!(only(&r), ("schema NewPet: `tag` added (required)".into(), B, C));
    assert_eq!(r.bump, Bump::Major);
}

#[test]
fn new_required_response_field_breaks_servers() {
    let edit = Edit { pet: "        age: {type: integer}\n", ..NONE };
    let text = spec(&edit).replace("required: [id, name]", "required: [id, name, age]");
    let r = codegen::compat::compare(&surface(&spec(&NONE)), &surface(&text));
    assert_eq!(only(&r), ("schema Pet: `age` added (required)".into(), C, B));
}

#[test]
fn removed_enum_value_breaks_servers_that_still_send_it() {
    let r = report(&Edit { status: ", pending", ..NONE }, &NONE);
    assert_eq!(only(&r), ("schema Status: enum value `pending` removed".into(), C, B));
}

#[test]
fn new_enum_value_is_compatible_because_enums_are_open() {
    let r = report(&NONE, &Edit { status: ", pending", ..NONE });
    let (what, clients, servers) = only(&r);
    assert!(what.contains("`pending` added") && what.contains("Unknown"), "{what}");
    assert_eq!((clients, servers), (C, C));
}

#[test]
fn response_field_that_may_now_be_null_breaks_clients() {
    let old = spec(&NONE);
    let new = old.replace("name: {type: string}\n        status", "name: {type: [string, 'null']}\n        status");
    let r = codegen::compat::compare(&surface(&old), &surface(&new));
    assert_eq!(only(&r), ("schema Pet: `name` may now be null".into(), B, C));
}

#[test]
fn retyped_field_breaks_both_sides() {
    let old = spec(&NONE);
    let new = old.replace("id: {type: string}", "id: {type: integer}");
    let r = codegen::compat::compare(&surface(&old), &surface(&new));
    assert_eq!(only(&r), ("schema Pet: `id` retyped: string → int64".into(), B, B));
}

#[test]
fn required_request_member_made_optional_breaks_servers() {
    let old = spec(&NONE);
    let new = old.replace("required: [name]", "required: []");
    let r = codegen::compat::compare(&surface(&old), &surface(&new));
    assert_eq!(only(&r), ("schema NewPet: `name` is now optional".into(), C, B));
}

#[test]
fn operations_added_and_removed() {
    let ops = "  /pets/{id}:\n    delete:\n      operationId: DeletePet\n      parameters:\n        - {name: id, in: path, required: true, schema: {type: string}}\n      responses:\n        '204': {description: Gone.}\n";
    let added = report(&NONE, &Edit { ops, ..NONE });
    assert_eq!(only(&added).1, C, "new operations do not affect old clients");
    assert_eq!(only(&added).2, B, "servers must implement new operations");
    let removed = report(&Edit { ops, ..NONE }, &NONE);
    assert_eq!(only(&removed).1, B);
}

#[test]
fn new_required_parameter_breaks_clients() {
    let params = "        - {name: owner, in: query, required: true, schema: {type: string}}\n";
    let r = report(&NONE, &Edit { params, ..NONE });
    assert_eq!(only(&r), ("operation ListPets: `parameter query:owner` added (required)".into(), B, C));
    let optional = "        - {name: owner, in: query, schema: {type: string}}\n";
    assert_eq!(report(&NONE, &Edit { params: optional, ..NONE }).bump, Bump::Minor);
}

#[test]
fn read_only_moves_are_reported() {
    let old = spec(&NONE);
    let new = old.replace("id: {type: string}", "id: {type: string, readOnly: true}");
    let r = codegen::compat::compare(&surface(&old), &surface(&new));
    assert!(r.changes.iter().any(|c| c.what == "`id` moved from read-write to readOnly"), "{r}");
}

#[test]
fn media_type_changes_break_both_sides() {
    let old = spec(&NONE);
    // The request body moves from JSON to a form; the 201's from JSON to a JSON variant.
    let new = old
        .replacen(
            "application/json:\n            schema: {$ref: '#/components/schemas/NewPet'}",
            "application/x-www-form-urlencoded:\n            schema: {$ref: '#/components/schemas/NewPet'}",
            1,
        )
        .replacen(
            "content:\n            application/json:\n              schema: {$ref: '#/components/schemas/Pet'}",
            "content:\n            application/vnd.pet+json:\n              schema: {$ref: '#/components/schemas/Pet'}",
            1,
        );
    assert_ne!(old, new, "the edits apply");
    let r = codegen::compat::compare(&surface(&old), &surface(&new));
    let what: Vec<_> = r.changes.iter().map(|c| (c.what.as_str(), c.clients, c.servers)).collect();
    assert!(
        what.contains(&("request body media type: application/json → application/x-www-form-urlencoded", B, B)),
        "{r}"
    );
    assert!(what.contains(&("response 201 media type: application/json → application/vnd.pet+json", B, B)), "{r}");
    assert_eq!(r.bump, Bump::Major);
}

#[test]
fn a_response_media_type_added_is_compatible_and_one_dropped_breaks() {
    let one = spec(&NONE);
    let pet = "content:\n            application/json:\n              schema: {$ref: '#/components/schemas/Pet'}";
    assert!(one.contains(pet), "the base spec answers 201 with a Pet");
    let two = one.replacen(
        pet,
        &format!("{pet}\n            application/pdf:\n              schema: {{type: string, format: binary}}"),
        1,
    );
    let three = two.replacen(
        "application/pdf:\n              schema: {type: string, format: binary}",
        "application/pdf:\n              schema: {type: string, format: binary}\n            text/csv:\n              schema: {type: string}",
        1,
    );
    let changes = |old: &str, new: &str| {
        let r = codegen::compat::compare(&surface(old), &surface(new));
        r.changes.iter().map(|c| (c.what.clone(), c.clients, c.servers)).collect::<Vec<_>>()
    };
    // A second type, then a third: clients ask only for what they know; servers need not send it.
    assert!(changes(&one, &two).contains(&("response 201 also offers application/pdf".into(), C, C)));
    assert!(changes(&two, &three).contains(&("response 201 also offers text/csv".into(), C, C)));
    // Dropping one a client may have asked for breaks it, and servers that still send it.
    assert!(changes(&three, &two).contains(&("response 201 no longer offers text/csv".into(), B, B)));
    assert!(changes(&two, &one).contains(&("response 201 no longer offers application/pdf".into(), B, B)));
    let r = codegen::compat::compare(&surface(&two), &surface(&three));
    assert_ne!(r.bump, Bump::Major, "{r}");
}

#[test]
fn a_request_media_type_added_is_compatible_and_one_dropped_breaks_clients() {
    let json = spec(&NONE);
    let body = "application/json:\n            schema: {$ref: '#/components/schemas/NewPet'}";
    assert!(json.contains(body), "the base spec takes a NewPet as JSON");
    let both = json.replacen(
        body,
        &format!("{body}\n          application/x-www-form-urlencoded:\n            schema: {{$ref: '#/components/schemas/NewPet'}}"),
        1,
    );
    let changes = |old: &str, new: &str| {
        let r = codegen::compat::compare(&surface(old), &surface(new));
        r.changes.iter().map(|c| (c.what.clone(), c.clients, c.servers)).collect::<Vec<_>>()
    };
    let form = "application/x-www-form-urlencoded";
    assert!(changes(&json, &both).contains(&(format!("request body also offers {form}"), C, C)));
    // A client that sends the form is refused by new servers; old servers still read it.
    assert!(changes(&both, &json).contains(&(format!("request body no longer offers {form}"), B, C)));
}

#[test]
fn surfaces_written_before_media_types_were_recorded_still_compare() {
    let mut old = surface(&spec(&NONE));
    for op in old.operations.values_mut() {
        op.body_media_type = None;
        op.responses.values_mut().for_each(|r| r.media_type = None);
    }
    let text = serde_json::to_string(&old).unwrap();
    assert!(!text.contains("media_type"), "an unknown media type is not written");
    let read: Surface = serde_json::from_str(&text).unwrap();
    assert!(codegen::compat::compare(&read, &surface(&spec(&NONE))).changes.is_empty());
}

#[test]
fn the_projects_own_history_compares_clean() {
    // The committed api-surface.json is what the current spec gives.
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap();
    let committed: Surface =
        serde_json::from_str(&std::fs::read_to_string(root.join("generated/api-surface.json")).unwrap()).unwrap();
    let (api, _) = codegen::lower(&root.join("spec/openapi.yaml")).unwrap();
    let r = codegen::compat::compare(&committed, &Surface::of(&api));
    assert!(r.changes.is_empty(), "{r}");
}

/// The report between two spec texts with the generated crates compared too, as
/// `cargo xtask diff` makes it.
fn crate_report(old: &str, new: &str) -> Report {
    let generate = |text: &str| {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("openapi.yaml");
        std::fs::write(&path, text).unwrap();
        let out = codegen::generate(&path, &codegen::Config::default()).unwrap_or_else(|d| panic!("{d}\n{text}"));
        (Surface::of(&out.api), codegen::rust_api::RustApi::of(&out.files).expect("generated Rust reads"))
    };
    let ((old_surface, old_api), (new_surface, new_api)) = (generate(old), generate(new));
    codegen::compat::compare(&old_surface, &new_surface).with_crate(codegen::compat::compare_crates(&old_api, &new_api))
}

/// The crate changes of `r` as (rule, item, impact).
fn crate_rules(r: &Report) -> Vec<(&'static str, String, Impact)> {
    let changes = r.crate_changes.as_ref().expect("the crates were compared");
    changes.iter().map(|c| (c.rule, c.item.clone(), c.impact)).collect()
}

#[test]
fn removing_an_optional_response_member_is_fine_on_the_wire_and_breaks_the_crate() {
    let old = spec(&Edit { pet: "        age: {type: integer}\n", ..NONE });
    let r = crate_report(&old, &spec(&NONE));
    assert_eq!(only(&r), ("schema Pet: `age` removed (was optional)".into(), C, C));
    assert_eq!(crate_rules(&r), [("struct-field-removed", "models::Pet".to_owned(), B)]);
    assert_eq!(r.changes[0].crate_api, Some(B), "the wire line carries the crate's verdict");
    assert_eq!((r.wire_bump, r.crate_bump, r.bump), (Bump::Minor, Some(Bump::Major), Bump::Major));
    assert!(r.to_string().contains("breaking in the crate's Rust API"), "{r}");
}

#[test]
fn a_new_member_breaks_struct_literals() {
    let r = crate_report(&spec(&NONE), &spec(&Edit { pet: "        age: {type: integer}\n", ..NONE }));
    assert_eq!(crate_rules(&r), [("struct-field-added", "models::Pet".to_owned(), B)]);
    assert_eq!(r.bump, Bump::Major);
}

#[test]
fn a_new_enum_value_stays_minor_because_open_enums_are_non_exhaustive() {
    let r = crate_report(&spec(&NONE), &spec(&Edit { status: ", pending", ..NONE }));
    assert_eq!(crate_rules(&r), [("enum-variant-added-open", "models::Status".to_owned(), C)]);
    assert_eq!(r.bump, Bump::Minor);
}

#[test]
fn a_new_operation_adds_a_client_method_and_a_trait_method_to_implement() {
    let ops = "  /pets/{id}:\n    delete:\n      operationId: DeletePet\n      parameters:\n        - {name: id, in: path, required: true, schema: {type: string}}\n      responses:\n        '204': {description: Gone.}\n";
    let r = crate_report(&spec(&NONE), &spec(&Edit { ops, ..NONE }));
    let rules = crate_rules(&r);
    assert_eq!(only(&r).0, "operation DeletePet: added (DELETE /pets/{id}); servers must implement it");
    assert_eq!(r.changes[0].crate_api, Some(B), "the trait's new method is tied to the operation");
    assert!(rules.contains(&("item-added", "client::Client::delete_pet".to_owned(), C)), "{r}");
    assert!(rules.contains(&("trait-method-added", "server::Api".to_owned(), B)), "{r}");
    assert!(rules.contains(&("item-added", "operations::DeletePetResponse".to_owned(), C)), "{r}");
}

#[test]
fn a_renamed_operation_id_renames_the_method() {
    let old = spec(&NONE);
    let new = old.replace("operationId: ListPets", "operationId: FindPets");
    let r = crate_report(&old, &new);
    let rules = crate_rules(&r);
    assert!(rules.contains(&("item-removed", "client::Client::list_pets".to_owned(), B)), "{r}");
    assert!(rules.contains(&("item-added", "client::Client::find_pets".to_owned(), C)), "{r}");
}

#[test]
fn an_optional_parameter_breaks_the_params_struct_literal_but_not_the_wire() {
    let optional = "        - {name: owner, in: query, schema: {type: string}}\n";
    let r = crate_report(&spec(&NONE), &spec(&Edit { params: optional, ..NONE }));
    assert_eq!(r.wire_bump, Bump::Minor);
    assert!(crate_rules(&r).contains(&("struct-field-added", "operations::ListPetsParams".to_owned(), B)), "{r}");
}

#[test]
fn one_member_made_read_only_and_retyped_is_one_line() {
    let old = spec(&NONE);
    let new = old.replace(
        "required: [name]\n      properties:\n        name: {type: string}",
        "required: [name]\n      properties:\n        name: {type: integer, readOnly: true}",
    );
    let r = codegen::compat::compare(&surface(&old), &surface(&new));
    let (what, clients, servers) = only(&r);
    assert_eq!(what, "schema NewPet: `name` removed (was required); moved from read-write to readOnly");
    assert_eq!((clients, servers), (C, B));
    assert_eq!(r.changes[0].rules, ["member-removed-required", "member-access-changed"]);
    assert_eq!(r.changes[0].level, codegen::compat::Level::Breaking);
}

#[test]
fn one_change_to_several_schemas_is_one_line_naming_them() {
    let edit = Edit { new_pet: "        tag: {type: string}\n", pet: "        tag: {type: string}\n", ..NONE };
    let r = report(&NONE, &edit);
    assert_eq!(only(&r), ("2 schemas: NewPet, Pet: `tag` added (optional)".into(), C, C));
    assert_eq!(r.changes[0].subjects, ["schema NewPet", "schema Pet"]);
}

#[test]
fn a_renamed_operation_id_is_one_change_compatible_on_the_wire() {
    let old = spec(&NONE);
    let new = old.replace("operationId: ListPets", "operationId: FindPets");
    let r = codegen::compat::compare(&surface(&old), &surface(&new));
    assert_eq!(
        only(&r),
        ("operation FindPets: operationId was `ListPets` (the generated method is renamed)".into(), C, C)
    );
    assert_eq!(r.changes[0].level, codegen::compat::Level::Warning);
}

#[test]
fn accepted_changes_do_not_fail_the_gate_and_stale_acceptances_are_named() {
    let old = spec(&Edit { pet: "        age: {type: integer}\n", ..NONE });
    let mut r = crate_report(&old, &spec(&NONE));
    assert!(r.has_unaccepted_breaks());
    let text = "# the age was never filled in\nstruct-field-removed models::Pet\nmember-removed-optional schema Pet\n\
                enum-value-removed schema Status\n";
    let acceptance = codegen::compat::Acceptance::parse(text).expect("a valid file");
    let stale = r.accept(&acceptance);
    assert_eq!(stale, [&("enum-value-removed".to_owned(), "schema Status".to_owned())]);
    assert!(!r.has_unaccepted_breaks(), "{r}");
    assert!(r.changes[0].accepted);
    assert_eq!(r.bump, Bump::Major, "the bump stays what the change is");
    let unknown = codegen::compat::Acceptance::parse("\nno-such-rule schema Pet\n").unwrap_err();
    assert!(unknown.contains("line 2") && unknown.contains("no-such-rule"), "{unknown}");
}

#[test]
fn the_markdown_report_leads_with_the_verdict_and_lists_breaks_first() {
    let old = spec(&Edit { pet: "        age: {type: integer}\n", ..NONE });
    let new = spec(&Edit { status: ", pending", ..NONE });
    let md = codegen::report::markdown(&crate_report(&old, &new));
    assert!(md.starts_with("### API change report\n\n**Implied version bump of the generated crate: major** (wire: minor, Rust API: major)."), "{md}");
    let removed = md.find("`age` removed").expect("the removal is listed");
    let added = md.find("`pending` added").expect("the addition is listed");
    assert!(
        md.contains("<details open>")
            && md.contains("| **breaks** | `models::Pet` | field `age` removed | `struct-field-removed` |"),
        "{md}"
    );
    assert!(removed < md.find("<details").unwrap() && added < md.find("<details").unwrap(), "{md}");
    let notes = codegen::report::changelog(&crate_report(&old, &new));
    assert!(
        notes.contains(
            "### Breaking changes\n\n- schema Pet: `age` removed (was optional) (breaks code using the crate)"
        ),
        "{notes}"
    );
    assert!(notes.contains("### Added\n\n- schema Status: enum value `pending` added"), "{notes}");
}

/// Rust sources of a one-module crate, as `RustApi::of` reads them.
fn rust_api(models: &str) -> codegen::rust_api::RustApi {
    let files = [("src/lib.rs", "pub mod models;"), ("src/models.rs", models)];
    let files = files.iter().map(|(f, t)| (f.to_string(), t.to_string())).collect();
    codegen::rust_api::RustApi::of(&files).expect("Rust")
}

/// Every rule of the report, wire and crate, with a pair of specs (or, for what the generator
/// never changes between two specs, of crate sources) that shows it.
#[test]
fn every_rule_has_a_pair_that_shows_it() {
    // The base with its placeholders: `spec_text` fills them once each case is edited.
    let base = BASE.to_string();
    let edit = |from: &str, to: &str| {
        assert!(base.contains(from), "the base spec has `{from}`");
        base.replacen(from, to, 1)
    };
    let with = |e: Edit<'_>| spec(&e);
    let ops = "  /pets/{id}:\n    delete:\n      operationId: DeletePet\n      parameters:\n        - {name: id, in: path, required: true, schema: {type: string}}\n      responses:\n        '204': {description: Gone.}\n";
    let components = "components:\n  schemas:\n";
    let extra = "components:\n  schemas:\n    Tag: {type: string}\n";
    let secured = "components:\n  securitySchemes:\n    key: {type: apiKey, in: header, name: X-Key}\n  schemas:\n";
    let oauth = |scopes: &str| {
        let schemes = "components:\n  securitySchemes:\n    oauth:\n      type: oauth2\n      flows:\n        clientCredentials:\n          tokenUrl: 'https://a.example/token'\n          scopes: {read: Read., write: Write.}\n  schemas:\n";
        base.replacen(components, schemes, 1).replacen(
            "paths:\n",
            &format!("security: [{{oauth: {scopes}}}]\npaths:\n"),
            1,
        )
    };
    let union =
        |alternatives: &str| with(Edit { pet: &format!("        kind: {{oneOf: [{alternatives}]}}\n"), ..NONE });
    let tag_required = edit("required: [name]", "required: [name, tag]").replacen(
        "        name: {type: string}\n",
        "        name: {type: string}\n        tag: {type: string}\n",
        1,
    );
    let tag_optional = with(Edit { new_pet: "        tag: {type: string}\n", ..NONE });
    let media_two = edit(
        "            application/json:\n              schema: {$ref: '#/components/schemas/Pet'}\n__OPS__",
        "            application/json:\n              schema: {$ref: '#/components/schemas/Pet'}\n            text/csv:\n              schema: {type: string}\n__OPS__",
    );
    let cases: Vec<(&str, String, String)> = vec![
        ("operation-added", base.clone(), with(Edit { ops, ..NONE })),
        ("operation-removed", with(Edit { ops, ..NONE }), base.clone()),
        ("operation-moved", base.clone(), edit("  /pets:\n", "  /animals:\n")),
        ("operation-id-changed", base.clone(), edit("operationId: ListPets", "operationId: FindPets")),
        ("member-added-required", base.clone(), tag_required.clone()),
        ("member-added-optional", base.clone(), tag_optional.clone()),
        ("member-removed-required", tag_required.clone(), base.clone()),
        ("member-removed-optional", tag_optional.clone(), base.clone()),
        ("member-retyped", base.clone(), edit("id: {type: string}", "id: {type: integer}")),
        ("member-made-required", tag_optional.clone(), tag_optional.replacen("required: [name]", "required: [name, tag]", 1)),
        ("member-made-optional", base.clone(), edit("required: [name]", "required: []")),
        ("member-made-nullable", base.clone(), edit("id: {type: string}", "id: {type: [string, 'null']}")),
        ("member-made-not-nullable", edit("id: {type: string}", "id: {type: [string, 'null']}"), base.clone()),
        ("member-access-changed", base.clone(), edit("id: {type: string}", "id: {type: string, readOnly: true}")),
        ("enum-value-added", base.clone(), with(Edit { status: ", pending", ..NONE })),
        ("enum-value-removed", with(Edit { status: ", pending", ..NONE }), base.clone()),
        ("union-alternative-added", union("{type: string}, {type: integer}"), union("{type: string}, {type: integer}, {type: boolean}")),
        ("union-alternative-removed", union("{type: string}, {type: integer}, {type: boolean}"), union("{type: string}, {type: integer}")),
        ("schema-added", base.clone(), base.replacen(components, extra, 1)),
        ("schema-removed", base.replacen(components, extra, 1), base.clone()),
        ("schema-kind-changed", base.clone(), edit("      type: string\n      enum: [available, sold__STATUS__]", "      type: string")),
        ("schema-alias-changed", base.replacen(components, extra, 1), base.replacen(components, &extra.replace("string", "integer"), 1)),
        ("media-type-changed", base.clone(), edit("        content:\n          application/json:\n            schema: {$ref: '#/components/schemas/NewPet'}", "        content:\n          application/x-www-form-urlencoded:\n            schema: {$ref: '#/components/schemas/NewPet'}")),
        ("media-type-dropped", media_two.clone(), base.clone()),
        ("media-type-added", base.clone(), media_two.clone()),
        ("response-added", base.clone(), edit("        '201':\n", "        '404': {description: Missing.}\n        '201':\n")),
        ("response-removed", edit("        '201':\n", "        '404': {description: Missing.}\n        '201':\n"), base.clone()),
        ("response-body-changed", base.clone(), edit("              schema: {$ref: '#/components/schemas/Pet'}\n__OPS__", "              schema: {$ref: '#/components/schemas/NewPet'}\n__OPS__")),
        ("security-changed", base.clone(), base.replacen(components, secured, 1).replacen("paths:\n", "security: [{key: []}]\npaths:\n", 1)),
        ("operation-deprecated", base.clone(), edit("operationId: ListPets\n", "operationId: ListPets\n      deprecated: true\n")),
        ("operation-undeprecated", edit("operationId: ListPets\n", "operationId: ListPets\n      deprecated: true\n"), base.clone()),
        ("member-deprecated", base.clone(), edit("id: {type: string}", "id: {type: string, deprecated: true}")),
        ("parameter-style-changed", base.clone(), edit("{name: limit, in: query, schema: {type: integer}}", "{name: limit, in: query, explode: false, schema: {type: integer}}")),
        ("default-changed", base.clone(), edit("schema: {type: integer}}", "schema: {type: integer, default: 10}}")),
        ("constraint-tightened", base.clone(), edit("schema: {type: integer}}", "schema: {type: integer, maximum: 100}}")),
        ("constraint-loosened", edit("schema: {type: integer}}", "schema: {type: integer, maximum: 100}}"), base.clone()),
        ("additional-properties-narrowed", base.clone(), edit("    NewPet:\n      type: object\n", "    NewPet:\n      type: object\n      additionalProperties: false\n")),
        ("additional-properties-widened", edit("    NewPet:\n      type: object\n", "    NewPet:\n      type: object\n      additionalProperties: false\n"), base.clone()),
        ("operation-sunset-changed", edit("operationId: ListPets\n", "operationId: ListPets\n      deprecated: true\n      x-sunset: '2027-01-01'\n"), edit("operationId: ListPets\n", "operationId: ListPets\n      deprecated: true\n      x-sunset: '2027-06-01'\n")),
        ("security-scopes-added", oauth("[read]"), oauth("[read, write]")),
        ("security-scopes-removed", oauth("[read, write]"), oauth("[read]")),
        ("server-removed", base.replacen("paths:\n", "servers: [{url: 'https://a.example'}]\npaths:\n", 1), base.clone()),
        ("server-added", base.clone(), base.replacen("paths:\n", "servers: [{url: 'https://a.example'}]\npaths:\n", 1)),
        // The crate's rules that spec changes show.
        ("item-removed", with(Edit { ops, ..NONE }), base.clone()),
        ("item-added", base.clone(), with(Edit { ops, ..NONE })),
        ("struct-field-removed", tag_optional.clone(), base.clone()),
        ("struct-field-retyped", base.clone(), edit("id: {type: string}", "id: {type: integer}")),
        ("struct-field-added", base.clone(), tag_optional.clone()),
        ("enum-variant-removed", edit("        '201':\n", "        '404': {description: Missing.}\n        '201':\n"), base.clone()),
        ("enum-variant-changed", base.clone(), edit("              schema: {$ref: '#/components/schemas/Pet'}\n__OPS__", "              schema: {$ref: '#/components/schemas/NewPet'}\n__OPS__")),
        ("enum-variant-added", base.clone(), edit("        '201':\n", "        '404': {description: Missing.}\n        '201':\n")),
        ("enum-variant-added-open", base.clone(), with(Edit { status: ", pending", ..NONE })),
        ("fn-signature-changed", base.clone(), edit("            schema: {$ref: '#/components/schemas/NewPet'}", "            schema: {$ref: '#/components/schemas/Pet'}")),
        ("trait-method-added", base.clone(), with(Edit { ops, ..NONE })),
        ("trait-method-removed", with(Edit { ops, ..NONE }), base.clone()),
        ("trait-method-changed", base.clone(), edit("            schema: {$ref: '#/components/schemas/NewPet'}", "            schema: {$ref: '#/components/schemas/Pet'}")),
        ("alias-retyped", base.replacen(components, extra, 1), base.replacen(components, &extra.replace("string", "integer"), 1)),
        ("item-kind-changed", base.clone(), edit("      type: string\n      enum: [available, sold__STATUS__]", "      type: string")),
        ("impl-removed", base.clone(), edit("              schema: {$ref: '#/components/schemas/Pet'}\n__OPS__", "              schema: {type: string, format: binary}\n__OPS__").replacen("            application/json:\n              schema: {type: string, format: binary}", "            application/octet-stream:\n              schema: {type: string, format: binary}", 1)),
        ("impl-added", edit("              schema: {$ref: '#/components/schemas/Pet'}\n__OPS__", "              schema: {type: string, format: binary}\n__OPS__").replacen("            application/json:\n              schema: {type: string, format: binary}", "            application/octet-stream:\n              schema: {type: string, format: binary}", 1), base.clone()),
    ];
    let mut shown = std::collections::BTreeSet::new();
    for (rule, old, new) in &cases {
        let r = crate_report(&spec_text(old), &spec_text(new));
        let named: Vec<&str> = r
            .changes
            .iter()
            .flat_map(|c| c.rules.iter().copied())
            .chain(r.crate_changes.iter().flatten().map(|c| c.rule))
            .collect();
        assert!(named.contains(rule), "`{rule}` is not named by its pair:\n{r}");
        shown.insert(*rule);
    }
    // What no two specs show with this generator: a struct or enum sealed, a field added to a
    // struct with private fields, a trait method with a default, a re-export moved.
    let sources = [
        ("struct-sealed", "pub struct S { pub a: i64 }", "#[non_exhaustive] pub struct S { pub a: i64 }"),
        (
            "struct-field-added-sealed",
            "pub struct S { pub a: i64, b: i64 }",
            "pub struct S { pub a: i64, pub c: i64, b: i64 }",
        ),
        ("enum-sealed", "pub enum E { A }", "#[non_exhaustive] pub enum E { A }"),
        ("trait-method-added-default", "pub trait T {}", "pub trait T { fn f(&self) {} }"),
        ("reexport-changed", "pub use std::string::String as Text;", "pub use std::vec::Vec as Text;"),
    ];
    for (rule, old, new) in sources {
        let changes = codegen::compat::compare_crates(&rust_api(old), &rust_api(new));
        assert!(changes.iter().any(|c| c.rule == rule), "`{rule}` is not named: {changes:?}");
        shown.insert(rule);
    }
    let rules = codegen::compat::WIRE_RULES.iter().chain(codegen::compat::CRATE_RULES).map(|(r, _)| *r);
    let missing: Vec<&str> = rules.filter(|r| !shown.contains(r)).collect();
    assert!(missing.is_empty(), "rules without a pair: {missing:?}");
}

/// A spec text with the base's placeholders filled (cases edit the base before they are).
fn spec_text(text: &str) -> String {
    text.replace("__PARAMS__\n", "")
        .replace("__OPS__\n", "")
        .replace("__NEWPET__\n", "")
        .replace("__PET__\n", "")
        .replace("__STATUS__", "")
}
