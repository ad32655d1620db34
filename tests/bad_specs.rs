//! Bad-spec corpus: each broken spec under `bad_specs/<case>/` must fail with an error at the right file, pointer and line.
//!
//! Each case is a small spec (`openapi.yaml`, or `openapi.json`, plus any files it refers to)
//! with one mistake. Cases whose directory starts with `ok_` hold loose ends that generation
//! must survive; `warn_` cases hold mistakes whose intent is plain (`required: true` on a
//! property, a path parameter not marked required), which generate, read as meant, with a
//! warning at the right file, pointer and line.

use std::panic::{self, AssertUnwindSafe};
use std::path::{Path, PathBuf};

use codegen::{Diagnostic, Diagnostics, Generated};

fn corpus() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("bad_specs")
}

/// The root file of a case: `openapi.yaml`, else `openapi.json`.
fn root_of(case: &str) -> PathBuf {
    let dir = corpus().join(case);
    let yaml = dir.join("openapi.yaml");
    if yaml.exists() {
        yaml
    } else {
        dir.join("openapi.json")
    }
}

fn run(case: &str) -> Result<Generated, Diagnostics> {
    codegen::generate(&root_of(case), &codegen::Config::default())
}

/// `/`-separated, so suffix checks work on every platform.
fn slashed(file: &str) -> String {
    file.replace('\\', "/")
}

/// Generates `case`, which must fail, and returns its error at `file` (relative to the case
/// directory) and `pointer`.
fn expect_error(case: &str, file: &str, pointer: &str) -> Diagnostic {
    let diags = match run(case) {
        Ok(_) => panic!("`{case}` generated without errors"),
        Err(diags) => diags,
    };
    let suffix = format!("bad_specs/{case}/{file}");
    let found = diags.errors().find(|d| slashed(&d.file).ends_with(&suffix) && d.pointer == pointer).cloned();
    found.unwrap_or_else(|| panic!("`{case}`: no error at {suffix}#{pointer}; got:\n{diags}"))
}

/// [`expect_error`], then checks the line and that the message contains `phrase`.
fn assert_error(case: &str, file: &str, pointer: &str, line: usize, phrase: &str) -> Diagnostic {
    let d = expect_error(case, file, pointer);
    assert_eq!(d.line, Some(line), "`{case}`: wrong line in\n{d}");
    assert!(d.message.contains(phrase), "`{case}`: message lacks {phrase:?}:\n{d}");
    d
}

/// Generates `case`, which must succeed with a warning at `file` and `pointer` on `line`
/// whose message contains `phrase`: a mistake whose intent is plain is read as meant.
fn assert_warning(case: &str, file: &str, pointer: &str, line: usize, phrase: &str) -> Generated {
    let out = run(case).unwrap_or_else(|diags| panic!("`{case}` should generate with a warning:\n{diags}"));
    let suffix = format!("bad_specs/{case}/{file}");
    let found = out.warnings.iter().find(|d| slashed(&d.file).ends_with(&suffix) && d.pointer == pointer);
    let d = found.unwrap_or_else(|| panic!("`{case}`: no warning at {suffix}#{pointer}; got {:?}", out.warnings));
    assert_eq!(d.line, Some(line), "`{case}`: wrong line in\n{d}");
    assert!(d.message.contains(phrase), "`{case}`: message lacks {phrase:?}:\n{d}");
    out
}

#[test]
fn dangling_anchor() {
    assert_error(
        "dangling_anchor",
        "openapi.yaml",
        "/components/schemas/Pet/properties/tag/$ref",
        10,
        "no `$anchor: tagName`",
    );
}

#[test]
fn yaml_syntax_error_in_root() {
    assert_error("yaml_syntax_root", "openapi.yaml", "", 9, "invalid YAML");
}

#[test]
fn yaml_syntax_error_in_referenced_file() {
    assert_error("yaml_syntax_in_ref", "components/schemas/Pet.yaml", "", 5, "invalid YAML");
}

#[test]
fn invalid_json_root() {
    assert_error("invalid_json_root", "openapi.json", "", 6, "invalid JSON");
}

#[test]
fn invalid_json_in_referenced_file() {
    assert_error("invalid_json_in_ref", "components/pet.json", "", 5, "invalid JSON");
}

#[test]
fn ref_to_missing_file() {
    let d = assert_error(
        "dangling_file_ref",
        "openapi.yaml",
        "/paths/~1pets/get/responses/200/$ref",
        11,
        "dangling `$ref` `./components/responses/Missing.yaml`",
    );
    assert!(d.message.contains("cannot read"), "{d}");
}

#[test]
fn ref_to_missing_pointer_in_existing_file() {
    assert_error(
        "dangling_pointer_ref",
        "paths/pets.yaml",
        "/get/responses/200/content/application~1json/schema/$ref",
        9,
        "has no node at `/components/schemas/Nope`",
    );
}

#[test]
fn ref_alias_cycle() {
    assert_error("ref_alias_cycle", "openapi.yaml", "/components/schemas/A/$ref", 9, "`$ref` cycle");
}

#[test]
fn cycle_of_required_members() {
    let out = assert_warning("warn_required_cycle", "components/A.yaml", "/properties/b", 6, "no finite value exists");
    let a = out.api.types.iter().find(|t| t.name == "A").expect("a type A");
    let codegen::ir::TypeKind::Struct(s) = &a.kind else { panic!("A is a struct") };
    assert!(s.fields.iter().any(|f| f.wire_name == "b" && !f.required && f.boxed), "read as optional, boxed");
}

#[test]
fn duplicate_operation_id() {
    let out = assert_warning(
        "warn_duplicate_operation_id",
        "openapi.yaml",
        "/paths/~1animals/get/operationId",
        14,
        "duplicate operationId `getPets`",
    );
    let names: Vec<&str> = out.api.operations.iter().map(|op| op.name.as_str()).collect();
    assert_eq!(names.len(), 2, "{names:?}");
    assert_ne!(names[0], names[1], "each operation keeps a method of its own");
}

#[test]
fn path_template_variable_without_parameter() {
    let out = assert_warning(
        "warn_path_var_without_param",
        "openapi.yaml",
        "/paths/~1pets~1{petId}/get",
        7,
        "declares no path parameter `petId`",
    );
    let op = &out.api.operations[0];
    assert!(op.params.iter().any(|p| p.wire_name == "petId" && p.required), "a string path parameter is made");
}

#[test]
fn path_parameter_not_in_template() {
    let out = assert_warning(
        "warn_path_param_not_in_template",
        "openapi.yaml",
        "/paths/~1pets/get/parameters/1",
        14,
        "does not appear in the path",
    );
    let op = &out.api.operations[0];
    assert!(op.params.iter().all(|p| p.location != codegen::ir::ParamLocation::Path), "it is left out");
}

#[test]
fn path_parameter_not_required() {
    let out = assert_warning(
        "warn_path_param_not_required",
        "openapi.yaml",
        "/paths/~1pets~1{petId}/parameters/0",
        8,
        "is not marked `required: true`",
    );
    assert!(out.api.operations[0].params.iter().all(|p| p.required), "a path parameter is always required");
}

#[test]
fn unknown_type() {
    assert_error("unknown_type", "openapi.yaml", "/components/schemas/Pet/properties/name/type", 12, "unknown type");
}

#[test]
fn empty_enum() {
    assert_error("empty_enum", "openapi.yaml", "/components/schemas/Status/enum", 10, "`enum` lists no values");
}

#[test]
fn parameter_with_bad_location() {
    assert_error("bad_param_in", "openapi.yaml", "/paths/~1pets/post/parameters/0/in", 11, "`in: body`");
}

#[test]
fn response_key_with_four_digits() {
    assert_error(
        "bad_response_status",
        "openapi.yaml",
        "/paths/~1pets/get/responses/2000",
        10,
        "`2000` is not a response status",
    );
}

#[test]
fn response_key_that_is_a_word() {
    assert_error(
        "bad_response_status",
        "openapi.yaml",
        "/paths/~1pets/delete/responses/ok",
        15,
        "`ok` is not a response status",
    );
}

#[test]
fn security_requirement_with_undeclared_scheme() {
    assert_error(
        "undeclared_security_scheme",
        "openapi.yaml",
        "/paths/~1pets/get/security/1/oauth",
        11,
        "not in components.securitySchemes",
    );
}

#[test]
fn warn_empty_operation_id() {
    let out = assert_warning(
        "warn_empty_operation_id",
        "openapi.yaml",
        "/paths/~1pets/get/operationId",
        10,
        "`operationId` is empty; calling it `get_pets`",
    );
    // `x-context-root` is an extension of the paths object, not a path.
    let ops: Vec<(&str, &str)> = out.api.operations.iter().map(|op| (op.name.as_str(), op.path.as_str())).collect();
    assert_eq!(ops, [("get_pets", "/pets")]);
    assert_eq!(out.api.operations[0].responses.len(), 1, "`x-note` is not a status");
}

#[test]
fn http_scheme_not_a_token() {
    let d = assert_error(
        "http_scheme_not_a_token",
        "openapi.yaml",
        "/components/securitySchemes/signed/scheme",
        18,
        "`HMAC SHA256` is not an HTTP authentication scheme name",
    );
    assert!(d.hint.as_deref().is_some_and(|h| h.contains("RFC 9110")), "{d}");
}

#[test]
fn missing_openapi_field() {
    assert_error("missing_openapi", "openapi.yaml", "", 1, "missing `openapi`");
}

#[test]
fn swagger_2_document() {
    let d = assert_error("swagger_2", "openapi.yaml", "", 1, "missing `openapi`");
    assert!(d.hint.as_deref().is_some_and(|h| h.contains("Swagger 2.0")), "{d}");
}

#[test]
fn unsupported_openapi_version() {
    assert_error("unsupported_version", "openapi.yaml", "/openapi", 1, "unsupported OpenAPI version");
}

#[test]
fn required_true_on_a_property() {
    let out = assert_warning(
        "warn_required_on_property",
        "openapi.yaml",
        "/components/schemas/Pet/properties/name/required",
        13,
        "OpenAPI 3 lists required properties",
    );
    let pet = out.api.types.iter().find(|t| t.name == "Pet").expect("a Pet type");
    let codegen::ir::TypeKind::Struct(s) = &pet.kind else { panic!("Pet is a struct") };
    assert!(s.fields.iter().any(|f| f.wire_name == "name" && f.required), "read as required");
}

#[test]
fn discriminator_without_property_name() {
    assert_error(
        "discriminator_without_property_name",
        "openapi.yaml",
        "/components/schemas/Pet/discriminator",
        12,
        "has no `propertyName`",
    );
}

#[test]
fn discriminator_mapping_to_missing_schema() {
    assert_error(
        "discriminator_mapping_dangling",
        "openapi.yaml",
        "/components/schemas/Pet/discriminator/mapping/dog",
        15,
        "dangling discriminator mapping",
    );
}

#[test]
fn server_url_variable_not_defined() {
    assert_error("server_variable_undefined", "openapi.yaml", "/servers/1/url", 7, "`{region}`");
}

#[test]
fn server_variable_default_not_in_enum() {
    assert_error(
        "server_default_not_in_enum",
        "openapi.yaml",
        "/servers/0/variables/region/default",
        10,
        "is not one of its `enum` values",
    );
}

#[test]
fn info_without_title() {
    assert_error("info_without_title", "openapi.yaml", "/info", 2, "`title`");
}

#[test]
fn remote_ref() {
    assert_error("remote_ref", "openapi.yaml", "/components/schemas/Pet/$ref", 9, "remote `$ref`");
}

#[test]
fn ref_to_missing_file_inside_an_extension_is_ignored() {
    let generated = run("ok_code_sample_ref_to_missing_file").unwrap_or_else(|e| panic!("generation failed:\n{e}"));
    assert!(generated.warnings.is_empty(), "unexpected warnings: {:?}", generated.warnings);
    assert_eq!(generated.api.operations.len(), 1);
}

/// A `$ref` with sibling keywords, inside the schema it refers to, gives one merged type
/// that holds itself (boxed), not an endless merge (it overflowed the stack).
#[test]
fn ref_with_siblings_inside_its_target() {
    let generated = run("ok_ref_with_siblings_inside_its_target").unwrap_or_else(|e| panic!("generation failed:\n{e}"));
    let api = &generated.api;
    let next = |name: &str| {
        let def = api.types.iter().find(|t| t.name == name).unwrap_or_else(|| panic!("no type {name}: {api:#?}"));
        let codegen::ir::TypeKind::Struct(s) = &def.kind else { panic!("{name} is not a struct: {def:#?}") };
        s.fields.iter().find(|f| f.wire_name == "next").cloned().unwrap_or_else(|| panic!("{name} has no `next`"))
    };
    let outer = next("ListNode");
    let codegen::ir::TypeRef::Named(merged) = outer.ty else { panic!("{outer:#?}") };
    let inner = next(&api.type_def(merged).name);
    assert_eq!(inner.ty, codegen::ir::TypeRef::Named(merged), "{api:#?}");
    assert!(inner.boxed, "{inner:#?}");
}

/// Runs every case: none may panic, `ok_` cases must generate, the others must fail with
/// errors whose display names their file (inside the case) and pointer, with a line.
#[test]
fn every_case_fails_cleanly() {
    let mut cases: Vec<String> = std::fs::read_dir(corpus())
        .expect("bad_specs/ exists")
        .map(|e| e.expect("readable entry"))
        .filter(|e| e.path().is_dir())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    cases.sort();
    assert!(cases.len() >= 18, "only {} cases", cases.len());

    let mut problems = Vec::new();
    for case in &cases {
        let outcome = match panic::catch_unwind(AssertUnwindSafe(|| run(case))) {
            Ok(outcome) => outcome,
            Err(_) => {
                problems.push(format!("{case}: panicked"));
                continue;
            }
        };
        let warns = case.starts_with("warn_");
        match (case.starts_with("ok_") || warns, outcome) {
            (true, Ok(out)) if warns && out.warnings.is_empty() => {
                problems.push(format!("{case}: generated without the warning it should give"));
            }
            (true, Ok(_)) => {}
            (true, Err(diags)) => problems.push(format!("{case}: should generate, got\n{diags}")),
            (false, Ok(_)) => problems.push(format!("{case}: generated without errors")),
            (false, Err(diags)) => {
                if diags.errors().next().is_none() {
                    problems.push(format!("{case}: failed without an error"));
                }
                for d in diags.errors() {
                    let shown = d.to_string();
                    let names_file =
                        shown.contains(&d.file) && slashed(&d.file).contains(&format!("bad_specs/{case}/"));
                    if !names_file || !shown.contains(&format!(" #{}", d.pointer)) || d.line.is_none() {
                        problems.push(format!("{case}: error lacks file, pointer or line:\n{shown}"));
                    }
                }
            }
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n\n"));
}
