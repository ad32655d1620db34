//! Typed multipart requests: which parts a multipart body's object schema gives, which of them
//! are files, and the struct of parts the client takes and the server hands its handler.

use crate::emit::render::ident;
use crate::emit::rust_type::qualified_syntax_type;
use crate::emit::syntax;
use crate::ir::{Api, Body, Field, Scalar, TypeRef};

/// How a part carries a file.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum FileShape {
    /// A required file: `File`.
    One,
    /// A file that may be left out: `Option<File>`.
    Optional,
    /// Any number of files under one name: `Vec<File>`.
    Many,
}

/// One property of a multipart body's schema, as a part.
pub(crate) struct Part<'a> {
    /// The property.
    pub field: &'a Field,
    /// Whether it carries files, and how many; `None` for a value sent as text or JSON.
    pub file: Option<FileShape>,
    /// The part's `encoding.contentType`, when the spec gives one.
    pub content_type: Option<&'a str>,
}

/// A multipart request typed as a struct: its name and its parts, in schema order.
pub(crate) struct Form<'a> {
    /// The struct's name in the operations module.
    pub type_name: &'a str,
    /// The object the parts come from (its models type, which the server reads the
    /// non-file parts into).
    pub object: &'a TypeRef,
    /// The parts.
    pub parts: Vec<Part<'a>>,
}

/// The typed view of a multipart request body: `None` when it is not multipart or its
/// schema is no object with properties (the caller then builds the parts).
pub(crate) fn form<'a>(api: &'a Api, body: &'a Body) -> Option<Form<'a>> {
    let s = api.form_object(body)?;
    let (type_name, object) = (body.form_type.as_deref()?, body.ty.as_ref()?);
    let parts = s
        .fields
        .iter()
        .map(|field| {
            let (ty, nullable) = field.ty.strip_null();
            let file = match api.resolve(ty) {
                TypeRef::Scalar(Scalar::Binary) if field.required && !nullable => Some(FileShape::One),
                TypeRef::Scalar(Scalar::Binary) => Some(FileShape::Optional),
                TypeRef::Array(item) if matches!(api.resolve(item), TypeRef::Scalar(Scalar::Binary)) => {
                    Some(FileShape::Many)
                }
                _ => None,
            };
            let content_type = body
                .encoding
                .iter()
                .find(|e| e.property == field.wire_name)
                .and_then(|e| e.content_type.as_deref())
                // A list of media types leaves the choice to the sender: the first is sent.
                .map(|ct| ct.split(',').next().unwrap_or(ct).trim());
            Part { field, file, content_type }
        })
        .collect();
    Some(Form { type_name, object, parts })
}

/// The type a server checks a request body against: its schema's type when it travels as
/// it (JSON, a form), or a typed multipart body's object (its files as placeholders).
pub(crate) fn checked_type<'a>(api: &'a Api, body: &'a Body) -> Option<&'a TypeRef> {
    body.typed().or_else(|| form(api, body).map(|f| f.object))
}

/// The Rust type of a part in the struct of parts, seen from the operations module: a file
/// part is the runtime's `File`; any other keeps the type its models field has.
pub(crate) fn part_type(api: &Api, part: &Part<'_>) -> syn::Type {
    let file = || syntax::named(&["crate", "runtime", "File"]);
    match part.file {
        Some(FileShape::One) => file(),
        Some(FileShape::Optional) => syntax::generic(&["Option"], vec![file()]),
        Some(FileShape::Many) => syntax::generic(&["Vec"], vec![file()]),
        None => {
            let f = part.field;
            let (inner, nullable) = f.ty.strip_null();
            let mut ty = qualified_syntax_type(api, inner, &["models"]);
            if f.boxed {
                ty = syntax::generic(&["Box"], vec![ty]);
            }
            match (f.required, nullable) {
                (true, false) => ty,
                (true, true) | (false, false) => syntax::generic(&["Option"], vec![ty]),
                (false, true) => syntax::generic(&["crate", "Nullable"], vec![ty]),
            }
        }
    }
}

/// The struct of parts, for the operations module.
pub(crate) fn form_struct(api: &Api, op_id: &str, form: &Form<'_>) -> syn::Item {
    let fields = form
        .parts
        .iter()
        .map(|part| {
            let kind = match part.file {
                Some(FileShape::Many) => "files",
                Some(_) => "file",
                None => "field",
            };
            let mut text = format!("The `{}` {kind}.", part.field.wire_name);
            if let Some(d) = &part.field.docs {
                text = format!("{text} {d}");
            }
            syntax::field(syntax::doc_attrs(Some(&text)), ident(&part.field.name), part_type(api, part))
        })
        .collect();
    let doc = format!(" The parts of `{op_id}`'s multipart request.");
    let attrs = vec![syntax::doc_attr(&doc), syntax::attr_list("derive", quote::quote!(Debug))];
    syntax::strukt(attrs, ident(form.type_name), fields)
}
