//! `names::OWN_METHODS` must list every method the generated `Client` and server `Api` define
//! beside the ones operations give them: lowering renames an operation that would take one of
//! these names, so a method added to the client or server without listing it would let an
//! `operationId` break the generated crate. Checked against what the emitters write.

use std::collections::BTreeSet;
use std::path::Path;

/// The fixture whose operations are named like the client's and server's own methods.
fn generated() -> codegen::Generated {
    let spec = Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/fixtures/name_collisions/openapi.yaml");
    let config = codegen::Config {
        crate_name: "own-methods".into(),
        crate_version: "0.1.0".into(),
        source_label: "tests/fixtures/name_collisions/openapi.yaml".into(),
        runtime: codegen::Runtime::Crate { path: None },
        ..codegen::Config::default()
    };
    codegen::generate(&spec, &config).unwrap_or_else(|e| panic!("the fixture generates:\n{e}"))
}

fn parse(generated: &codegen::Generated, path: &str) -> syn::File {
    let text = generated.files.get(path).unwrap_or_else(|| panic!("{path} is generated"));
    syn::parse_file(text).unwrap_or_else(|e| panic!("{path} parses: {e}"))
}

/// The methods of the inherent `impl Client` blocks.
fn client_methods(file: &syn::File) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    for item in &file.items {
        let syn::Item::Impl(block) = item else { continue };
        let is_client = matches!(&*block.self_ty, syn::Type::Path(p) if p.path.is_ident("Client"));
        if block.trait_.is_none() && is_client {
            for member in &block.items {
                if let syn::ImplItem::Fn(f) = member {
                    out.insert(codegen::names::unraw(&f.sig.ident.to_string()).to_owned());
                }
            }
        }
    }
    out
}

/// The methods of the server's `Api` trait.
fn api_methods(file: &syn::File) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    for item in &file.items {
        let syn::Item::Trait(api) = item else { continue };
        if api.ident == "Api" {
            for member in &api.items {
                if let syn::TraitItem::Fn(f) = member {
                    out.insert(codegen::names::unraw(&f.sig.ident.to_string()).to_owned());
                }
            }
        }
    }
    out
}

#[test]
fn every_method_not_made_for_an_operation_is_reserved() {
    let generated = generated();
    let api = &generated.api;
    let mut for_operations: BTreeSet<String> = BTreeSet::new();
    for op in &api.operations {
        for_operations.insert(codegen::names::unraw(&op.name).to_owned());
        for_operations.insert(codegen::names::unraw(&op.stream_name).to_owned());
    }
    for scheme in &api.security_schemes {
        for_operations.insert(codegen::names::scheme_setter(&scheme.name));
    }
    let own: BTreeSet<&str> = codegen::names::OWN_METHODS.iter().copied().collect();

    let client = client_methods(&parse(&generated, "src/client.rs"));
    let server = api_methods(&parse(&generated, "src/server.rs"));
    assert!(client.len() > api.operations.len(), "the client's methods are found: {client:?}");
    assert!(server.len() >= api.operations.len(), "the server's methods are found: {server:?}");
    for (side, methods) in [("client", &client), ("server", &server)] {
        let unlisted: Vec<&String> =
            methods.iter().filter(|m| !for_operations.contains(*m) && !own.contains(m.as_str())).collect();
        assert!(unlisted.is_empty(), "the {side} defines {unlisted:?}, which names::OWN_METHODS does not reserve");
    }
}
