//! The client module: an async HTTP client with one method per operation (feature `client`).

use proc_macro2::TokenStream;
use quote::quote;

use crate::ir::Api;

/// Lines for `[dependencies]` that the `client` feature turns on (all `optional = true`).
pub(crate) const DEPENDENCIES: &[(&str, &str)] = &[];

pub(crate) fn client(api: &Api) -> TokenStream {
    let _ = api;
    quote! {
        //! An async client for the API.
    }
}
