//! Emitting: from the IR to the files of a Rust crate.
//!
//! Each emitter builds its items as `syn` trees (the builders are in [`syntax`]); module heads
//! and one-off items are `quote!` tokens, which [`render`] parses. [`render`] formats them
//! with `prettyplease` and stamps the generated-file header. The emitters read only the IR.

mod client;
mod docs;
mod models;
mod multipart;
mod operations;
mod pattern;
mod render;
mod runtime;
mod rust_type;
mod server;
mod syntax;

use std::collections::{BTreeMap, BTreeSet};

use quote::quote;

use crate::config::{Config, Runtime};
use crate::diag::Diagnostic;
use crate::ir::{Api, Scalar, TypeRef};
use crate::timings::Timings;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Instant;

/// Makes one file or a few (by path), adding to the stage timings.
type Job<'f> = Box<dyn Fn(&mut Timings) -> Result<Vec<(String, String)>, Diagnostic> + Sync + 'f>;

/// Every file of the generated crate, by path relative to the crate root.
pub(crate) fn emit(api: &Api, config: &Config, timings: &mut Timings) -> Result<BTreeMap<String, String>, Diagnostic> {
    let started = Instant::now();
    let header = render::header(config);
    let mut files = BTreeMap::new();
    let scalars = scalars_used(api);
    files.insert("Cargo.toml".to_string(), cargo_toml(api, config, &header, &scalars));
    let toml_header = toml_comment(&header);
    files.insert(
        "rustfmt.toml".to_string(),
        format!("{toml_header}\n# prettyplease formats this crate; rustfmt must not reformat it, or the freshness check fails.\ndisable_all_formatting = true\n"),
    );
    // The runtime goes out as written, comments and layout included.
    if config.runtime == Runtime::Inline {
        files.extend(runtime::inline_files(&header));
    }
    // With no operation to call or serve, the crate is its models: no client, no server.
    let (with_client, with_server) = parts(api, config);
    timings.emit = started.elapsed();
    let groups = models::groups(api);
    // Longest first, so that the two workers finish together.
    let file = |path: &str, text: String| vec![(path.to_owned(), text)];
    let mut jobs: Vec<Job<'_>> = Vec::new();
    if with_server {
        jobs.push(Box::new(|t| {
            // The server's items are printed as they are built; its validation schemas, which
            // the handlers fill in, are printed after.
            let (server, schemas) = render::rust_file_head_last(&header, |body| server::server(api, body), t)?;
            let mut files = file("src/server.rs", server);
            if let Some(module) = schemas {
                files.extend(file("src/server/schemas.rs", render::rust_file(&header, || module, t)?));
            }
            Ok(files)
        }));
    }
    match &groups {
        None => jobs.push(Box::new(|t| {
            Ok(file("src/models.rs", render::rust_file(&header, || models::models(api, None), t)?))
        })),
        Some(groups) => {
            let mut by_size: Vec<_> = groups.iter().collect();
            by_size.sort_by_key(|g| std::cmp::Reverse(g.types.len()));
            for group in by_size {
                let path = format!("src/models/{}.rs", group.module);
                let header = &header;
                jobs.push(Box::new(move |t| {
                    Ok(file(&path, render::rust_file(header, || models::group(api, group), t)?))
                }));
            }
        }
    }
    if with_client {
        jobs.push(Box::new(|t| {
            let started = Instant::now();
            let client = client::client(api)?;
            t.emit += started.elapsed();
            Ok(file("src/client.rs", render::rust_file(&header, || client, t)?))
        }));
    }
    jobs.push(Box::new(|t| {
        Ok(file("src/operations.rs", render::rust_file(&header, || operations::operations(api), t)?))
    }));
    if let Some(groups) = &groups {
        jobs.push(Box::new(|t| {
            Ok(file("src/models.rs", render::rust_file(&header, || models::models(api, Some(groups)), t)?))
        }));
    }
    jobs.push(Box::new(|_| Ok(file("api-surface.json", surface_json(api, &header)))));
    jobs.push(Box::new(|t| {
        Ok(file("src/lib.rs", render::rust_file(&header, || lib_rs(api, config, &scalars).into(), t)?))
    }));
    let next = AtomicUsize::new(0);
    let work = || {
        let mut done = Vec::new();
        let mut times = Timings::default();
        // A module is built and formatted in one go, so that few are in memory at once.
        while let Some(job) = jobs.get(next.fetch_add(1, Ordering::Relaxed)) {
            done.push(job(&mut times));
        }
        (done, times)
    };
    let results = std::thread::scope(|s| {
        let other = s.spawn(work);
        let mine = work();
        // A panic in the worker is a bug; pass it on as one.
        [mine, other.join().unwrap_or_else(|panic| std::panic::resume_unwind(panic))]
    });
    for (done, times) in results {
        timings.emit += times.emit;
        timings.format += times.format;
        for made in done {
            files.extend(made?);
        }
    }
    Ok(files)
}

/// For a crate with tag features, the inner attribute that lets a module import what only
/// some features' items use: which imports are used depends on the features turned on.
fn gated_imports(api: &Api) -> Option<proc_macro2::TokenStream> {
    (!api.features.is_empty()).then(|| quote!(#![allow(unused_imports)]))
}

/// Whether the crate has a client module and a server module: when the configuration asks
/// for them and the spec has operations.
fn parts(api: &Api, config: &Config) -> (bool, bool) {
    let serves = !api.operations.is_empty();
    (serves && config.client, serves && config.server)
}

fn lib_rs(api: &Api, config: &Config, scalars: &BTreeSet<Scalar>) -> proc_macro2::TokenStream {
    let runtime_item = match config.runtime {
        Runtime::Crate { .. } => {
            let package = quote::format_ident!("{}", runtime::PACKAGE.replace('-', "_"));
            quote! {
                /// The runtime crate: what every generated crate shares.
                pub use #package as runtime;
            }
        }
        Runtime::Inline => quote! {
            pub mod runtime;
        },
    };
    let serves = !api.operations.is_empty();
    let (with_client, with_server) = parts(api, config);
    let mut docs = vec![format!(" {} (API version {}).", api.title, api.version), String::new()];
    docs.push(if serves {
        let client = with_client.then_some("the `client` feature, `client` calls the API over HTTP");
        let server = with_server.then_some("the `server` feature, `server` serves it with axum");
        let sides: Vec<&str> = client.into_iter().chain(server).collect();
        let sides = if sides.is_empty() { String::new() } else { format!(" With {}.", sides.join("; with ")) };
        format!(
            " Generated from `{}`: [`models`] holds a Rust type for every schema, [`operations`] the parameters and responses of every operation; [`Nullable`] tells an absent member from an explicit `null`.{sides}",
            config.source_label,
        )
    } else {
        format!(
            " Generated from `{}`: [`models`] holds a Rust type for every schema; [`Nullable`] tells an absent member from an explicit `null`. The spec has no operations, so the crate has no client or server.",
            config.source_label
        )
    });
    let base64_use = scalars.contains(&Scalar::Bytes).then(|| {
        quote!(
            pub use runtime::Base64;
        )
    });
    if !api.features.is_empty() {
        docs.push(String::new());
        docs.push(format!(
            " Each tag of the API is a cargo feature that compiles its operations and the types they use ({} tags; `all-tags` turns on every one); see the crate's `Cargo.toml` for the list.",
            api.features.len()
        ));
    }
    let client_mod = with_client.then(|| {
        quote!(
            #[cfg(feature = "client")]
            pub mod client;
        )
    });
    let server_mod = with_server.then(|| {
        quote!(
            #[cfg(feature = "server")]
            pub mod server;
        )
    });
    if let Some(d) = &api.description {
        docs.push(String::new());
        docs.extend(d.lines().map(|l| format!(" {l}")));
    }
    let docs = docs.iter().map(|d| syntax::doc_literal(d));
    quote! {
        #(#![doc = #docs])*
        // The docs below are the spec's own text, written as Markdown for a portal, not rustdoc.
        #![allow(clippy::doc_lazy_continuation, clippy::doc_overindented_list_items, rustdoc::bare_urls, rustdoc::broken_intra_doc_links, rustdoc::invalid_html_tags)]
        // Names and nesting are the spec's: a member may be called `foo`, a list nest ten deep.
        #![allow(clippy::disallowed_names, clippy::type_complexity)]

        #client_mod
        pub mod models;
        pub mod operations;
        #server_mod
        #runtime_item

        #base64_use
        pub use runtime::Nullable;
    }
}

fn cargo_toml(api: &Api, config: &Config, header: &str, scalars: &BTreeSet<Scalar>) -> String {
    // A type the configuration chose from chrono or uuid needs the crate as much as a date does.
    let chosen_from = |krate: &str| config.types.formats.values().any(|p| p.starts_with(&format!("{krate}::")));
    let uses_chrono = scalars.contains(&Scalar::DateTime) || scalars.contains(&Scalar::Date) || chosen_from("chrono");
    let mut deps = String::new();
    deps.extend(runtime::dependency(&config.runtime));
    if uses_chrono {
        deps.push_str("chrono = { version = \"0.4\", default-features = false, features = [\"serde\", \"std\"] }\n");
    }
    deps.push_str("serde = { version = \"1\", features = [\"derive\"] }\n");
    deps.push_str("serde_json = \"1\"\n");
    // The crates of the types the configuration chose.
    for (name, value) in &config.types.crates {
        deps.push_str(&format!("{name} = {value}\n"));
    }
    if scalars.contains(&Scalar::Uuid) || chosen_from("uuid") {
        deps.push_str("uuid = { version = \"1\", default-features = false, features = [\"serde\", \"std\"] }\n");
    }
    // Without operations the features stay (so enabling them is no error) but add only what
    // the runtime needs for them.
    let (with_client, with_server) = parts(api, config);
    let own = |part: bool, deps: &'static [(&'static str, &'static str)]| if part { deps } else { &[] };
    let (client, server) = (own(with_client, client::DEPENDENCIES), own(with_server, server::DEPENDENCIES));
    let inline = config.runtime == Runtime::Inline;
    if inline {
        // serde and serde_json are above, as every crate needs them.
        for (name, spec) in runtime::DEPENDENCIES.iter().filter(|(name, _)| !name.starts_with("serde")) {
            deps.push_str(&format!("{name} = {{ {spec} }}\n"));
        }
    }
    // What the written-in runtime always needs is no feature's to turn on.
    let always = |name: &str| inline && runtime::DEPENDENCIES.iter().any(|(n, _)| *n == name);
    let mut optional: Vec<(&str, &str)> = client.iter().chain(server).copied().collect();
    if inline {
        optional.extend(runtime::CLIENT_DEPENDENCIES.iter().chain(runtime::SERVER_DEPENDENCIES));
    }
    optional.retain(|(name, _)| !always(name));
    optional.sort();
    optional.dedup_by(|a, b| a.0 == b.0);
    for (name, spec) in &optional {
        deps.push_str(&format!("{name} = {{ {spec}, optional = true }}\n"));
    }
    let feature = |name: &str, own: &[(&str, &str)], runtime_deps: &[(&str, &str)]| {
        let mut list: Vec<String> = if inline {
            own.iter().chain(runtime_deps).filter(|(n, _)| !always(n)).map(|(n, _)| format!("\"dep:{n}\"")).collect()
        } else {
            let mut list = vec![format!("\"{}/{name}\"", runtime::PACKAGE)];
            list.extend(own.iter().map(|(n, _)| format!("\"dep:{n}\"")));
            list
        };
        list.sort();
        list.dedup();
        list.join(", ")
    };
    // A part the crate does not have (the spec has no operations, or the configuration
    // leaves it out) keeps its feature, so that enabling it is no error; the feature then
    // turns on only the runtime's side.
    let (client_doc, server_doc) = match (with_client, with_server) {
        _ if api.operations.is_empty() => {
            ("No client: the API has no operations.", "No server: the API has no operations.")
        }
        (client, server) => (
            if client { "An async HTTP client (reqwest)." } else { "No client: the configuration leaves it out." },
            if server {
                "Server stubs: a trait per API and an axum router."
            } else {
                "No server: the configuration leaves it out."
            },
        ),
    };
    let mut features = format!(
        "[features]\n# {client_doc}\nclient = [{}]\n# {server_doc}\nserver = [{}]\n",
        feature("client", client, runtime::CLIENT_DEPENDENCIES),
        feature("server", server, runtime::SERVER_DEPENDENCIES)
    );
    if !api.features.is_empty() {
        let all: Vec<String> = api.features.iter().map(|f| format!("\"{}\"", f.name)).collect();
        features.push_str(&format!("# Every tag's operations.\nall-tags = [{}]\n", all.join(", ")));
        for f in &api.features {
            let count =
                if f.operations == 1 { "1 operation".to_string() } else { format!("{} operations", f.operations) };
            let tag = f.tag.replace(['\n', '\r'], " ");
            features.push_str(&format!("# Tag `{tag}`: {count} and the types they use.\n{} = []\n", f.name));
        }
    }
    let header = toml_comment(header);
    let description = match &config.crate_description {
        // A TOML basic string: backslashes and quotes escaped, on one line.
        Some(d) => d.replace('\\', "\\\\").replace('"', "\\\"").replace(['\n', '\r'], " "),
        None => format!("Rust types for the {} (version {})", api.title, api.version).replace('"', "'"),
    };
    format!(
        "{header}\n[package]\nname = \"{}\"\nversion = \"{}\"\nedition = \"2021\"\ndescription = \"{description}\"\npublish = false\n\n\
         # Doc comments are the spec's prose, not Rust examples.\n[lib]\ndoctest = false\n\n{features}\n[dependencies]\n{deps}",
        config.crate_name, config.crate_version
    )
}

/// The API surface, kept beside the code so the next run can report what a spec change did.
fn surface_json(api: &Api, header: &str) -> String {
    /// The surface with the generated-file stamp as its first member.
    #[derive(serde::Serialize)]
    struct Stamped<'a> {
        #[serde(rename = "@generated")]
        generated: &'a str,
        #[serde(flatten)]
        surface: crate::surface::Surface,
    }
    let stamped = Stamped {
        generated: header.trim_start_matches("// @generated ").trim(),
        surface: crate::surface::Surface::of(api),
    };
    // Serialized straight from the structs: going through a `serde_json::Value` took almost twice as long.
    let mut text = serde_json::to_string_pretty(&stamped).unwrap_or_default();
    text.push('\n');
    text
}

fn toml_comment(header: &str) -> String {
    header.lines().map(|l| format!("#{}", l.trim_start_matches("//"))).collect::<Vec<_>>().join("\n")
}

/// Every scalar an emitted type holds, found in one walk: a date needs chrono, a UUID the
/// uuid crate, bytes the `Base64` module.
fn scalars_used(api: &Api) -> BTreeSet<Scalar> {
    fn walk(t: &TypeRef, out: &mut BTreeSet<Scalar>) {
        match t {
            TypeRef::Scalar(s) => {
                out.insert(*s);
            }
            TypeRef::Array(t) | TypeRef::Map(t) | TypeRef::Nullable(t) => walk(t, out),
            _ => {}
        }
    }
    let mut out = BTreeSet::new();
    for def in &api.types {
        match &def.kind {
            crate::ir::TypeKind::Struct(s) => {
                s.fields.iter().for_each(|f| walk(&f.ty, &mut out));
                s.additional.iter().for_each(|t| walk(t, &mut out));
            }
            crate::ir::TypeKind::Union(u) => u.variants.iter().for_each(|v| walk(&v.ty, &mut out)),
            crate::ir::TypeKind::Alias(t) => walk(t, &mut out),
            crate::ir::TypeKind::Enum(_) => {}
        }
    }
    for op in api.operations.iter().chain(api.webhooks.iter().map(|w| &w.operation)) {
        op.params.iter().for_each(|p| walk(&p.ty, &mut out));
        op.body.iter().filter_map(|b| b.typed()).for_each(|t| walk(t, &mut out));
        for r in &op.responses {
            r.body.iter().filter_map(|b| b.typed()).for_each(|t| walk(t, &mut out));
            r.headers.iter().for_each(|h| walk(&h.ty, &mut out));
        }
    }
    out
}
