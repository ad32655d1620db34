//! What the parts of the client emitter share: the record of which runtime items the
//! emitted code uses, and small helpers over the IR and syntax.

use crate::emit::syntax;
use crate::ir::TypeRef;

/// Which pieces of runtime support the emitted methods use.
#[derive(Default)]
pub(super) struct Needs {
    /// `encode` / `segment`: percent-encoding of path segments and server variables.
    pub(super) encode: bool,
    /// `segment`: a checked path segment.
    pub(super) segment: bool,
    /// `join_encoded`: a list in a path.
    pub(super) join_encoded: bool,
    /// `Query` and its `push`.
    pub(super) query: bool,
    /// `json_text`: a parameter value serialised as JSON text.
    pub(super) json_text: bool,
    /// `header_value`: a header parameter.
    pub(super) header_value: bool,
    /// `set_json`: a JSON request body.
    pub(super) json_body: bool,
    /// `set_form`: a form request body.
    pub(super) form_body: bool,
    /// `FormStyle`: a form field written otherwise than the default.
    pub(super) form_style: bool,
    /// `secret`: a credential as a header value.
    pub(super) secret: bool,
    /// `retry_delay`: a retry header that is a number.
    pub(super) retry_delay: bool,
    /// `parse_retry_after`: a retry header that is text.
    pub(super) parse_retry_after: bool,
    /// `Pages`: a paginated collection.
    pub(super) pages: bool,
    /// `basic_credentials`: HTTP basic credentials.
    pub(super) base64: bool,
    /// `exchange_streaming` and `decode_streaming`: an answer whose body may be a stream.
    pub(super) streaming: bool,
    /// `exchange` and `decode`: an answer read whole (every API with one that never streams).
    pub(super) whole: bool,
    /// `pick_media`: a body offered in several media types.
    pub(super) pick_media: bool,
}

/// The expression `name`, a local or an argument.
pub(super) fn local(name: &str) -> syn::Expr {
    syntax::path_expr(&[name])
}

pub(super) fn mentions_named(ty: &TypeRef) -> bool {
    match ty {
        TypeRef::Named(_) => true,
        TypeRef::Array(t) | TypeRef::Map(t) | TypeRef::Nullable(t) => mentions_named(t),
        _ => false,
    }
}
