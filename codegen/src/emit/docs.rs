//! Doc comments of generated items, from the spec's prose.

use proc_macro2::TokenStream;
use quote::quote;

use crate::emit::syntax;

/// `#[doc]` attributes for a doc string, one per line.
pub(crate) fn docs(text: Option<&str>) -> TokenStream {
    let Some(text) = text else { return TokenStream::new() };
    let lines = text
        .lines()
        .map(|l| syntax::doc_literal(&if l.is_empty() { String::new() } else { format!(" {}", l.trim_end()) }));
    quote!(#(#[doc = #lines])*)
}
