//! The server module: a trait with one method per operation and an axum router (feature `server`).

use proc_macro2::TokenStream;
use quote::quote;

use crate::ir::Api;

/// Lines for `[dependencies]` that the `server` feature turns on (all `optional = true`).
pub(crate) const DEPENDENCIES: &[(&str, &str)] = &[];

pub(crate) fn server(api: &Api) -> TokenStream {
    let _ = api;
    quote! {
        //! Server stubs for the API.
    }
}
