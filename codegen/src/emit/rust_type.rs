//! The Rust type of each IR type, as every emitter spells it.

use crate::emit::syntax;
use crate::ir::{Api, Scalar, TypeRef};

/// The Rust type for a use of a type, with named types behind the path `prefix` (e.g.
/// `models`; maps are then spelt out in full).
pub(crate) fn qualified_syntax_type(api: &Api, ty: &TypeRef, prefix: &[&str]) -> syn::Type {
    let inner = |t| qualified_syntax_type(api, t, prefix);
    match ty {
        TypeRef::Named(id) => syntax::named(&[prefix, &[api.type_def(*id).name.as_str()]].concat()),
        TypeRef::Scalar(s) => match s {
            Scalar::String => syntax::named(&["String"]),
            Scalar::Bool => syntax::named(&["bool"]),
            Scalar::I32 => syntax::named(&["i32"]),
            Scalar::I64 => syntax::named(&["i64"]),
            Scalar::U32 => syntax::named(&["u32"]),
            Scalar::U64 => syntax::named(&["u64"]),
            Scalar::F32 => syntax::named(&["f32"]),
            Scalar::F64 => syntax::named(&["f64"]),
            Scalar::DateTime => syntax::generic(&["chrono", "DateTime"], vec![syntax::named(&["chrono", "Utc"])]),
            Scalar::Date => syntax::named(&["chrono", "NaiveDate"]),
            Scalar::Null => {
                syn::Type::Tuple(syn::TypeTuple { paren_token: Default::default(), elems: Default::default() })
            }
            Scalar::I8 => syntax::named(&["i8"]),
            Scalar::I16 => syntax::named(&["i16"]),
            Scalar::U8 => syntax::named(&["u8"]),
            Scalar::U16 => syntax::named(&["u16"]),
            Scalar::Uuid => syntax::named(&["uuid", "Uuid"]),
            Scalar::Ipv4 => syntax::named(&["std", "net", "Ipv4Addr"]),
            Scalar::Ipv6 => syntax::named(&["std", "net", "Ipv6Addr"]),
            Scalar::Ip => syntax::named(&["std", "net", "IpAddr"]),
            Scalar::Bytes => syntax::named(&["crate", "Base64"]),
            // Raw bytes have no JSON form of their own: in a JSON body they are its text.
            Scalar::Binary => syntax::named(&["String"]),
        },
        TypeRef::Array(t) => syntax::generic(&["Vec"], vec![inner(t)]),
        TypeRef::Map(t) => {
            let map: &[&str] = if prefix.is_empty() { &["BTreeMap"] } else { &["std", "collections", "BTreeMap"] };
            syntax::generic(map, vec![syntax::named(&["String"]), inner(t)])
        }
        TypeRef::Nullable(t) => syntax::generic(&["Option"], vec![inner(t)]),
        TypeRef::Object => syntax::generic(
            &["serde_json", "Map"],
            vec![syntax::named(&["String"]), syntax::named(&["serde_json", "Value"])],
        ),
        TypeRef::Any => syntax::named(&["serde_json", "Value"]),
        // The configuration checked that the path parses as a type.
        TypeRef::External(path) => syn::parse_str(path).unwrap_or_else(|_| syntax::named(&["serde_json", "Value"])),
    }
}
