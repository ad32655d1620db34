//! JSON for the models: `object!` and `enumeration!` implement serde for generated types.
//!
//! They write what `#[derive(Serialize, Deserialize)]` would, minus what JSON never uses
//! (the sequence form of a struct, a field enum with its visitors): a large API compiles in
//! about half the time. The wire behaviour is serde's: unknown members are ignored, a
//! missing required member is an error, `null` and absent are told apart by the field type.

use std::borrow::Cow;
use std::collections::BTreeMap;
use std::fmt;

use serde::de::{Deserialize, Deserializer, IgnoredAny, MapAccess, Visitor};
use serde::ser::{Serialize, SerializeMap};

use super::Nullable;

/// serde, for the macros: a crate that calls them needs no dependency of its own on it.
#[doc(hidden)]
pub use serde;

/// A member name or enum value as it arrives, borrowed from the input when it can be.
pub struct Key<'de>(pub Cow<'de, str>);

impl<'de> Deserialize<'de> for Key<'de> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct KeyVisitor;

        impl<'de> Visitor<'de> for KeyVisitor {
            type Value = Key<'de>;

            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a string")
            }

            fn visit_borrowed_str<E: serde::de::Error>(self, value: &'de str) -> Result<Key<'de>, E> {
                Ok(Key(Cow::Borrowed(value)))
            }

            fn visit_str<E: serde::de::Error>(self, value: &str) -> Result<Key<'de>, E> {
                Ok(Key(Cow::Owned(value.to_owned())))
            }

            fn visit_string<E: serde::de::Error>(self, value: String) -> Result<Key<'de>, E> {
                Ok(Key(Cow::Owned(value)))
            }
        }

        deserializer.deserialize_str(KeyVisitor)
    }
}

/// Writes an object's members, one call per member; the first error is kept and returned by
/// [`Writer::end`]. Its methods are named after the member kinds of [`object!`].
pub struct Writer<M: SerializeMap> {
    map: M,
    error: Option<M::Error>,
}

impl<M: SerializeMap> Writer<M> {
    /// Starts writing an object's members to `map`.
    pub fn new(map: M) -> Self {
        Writer { map, error: None }
    }

    /// A member that is always sent.
    pub fn required<T: Serialize + ?Sized>(&mut self, name: &str, value: &T) {
        if self.error.is_none() {
            self.error = self.map.serialize_entry(name, value).err();
        }
    }

    /// A member that is always sent, `None` as `null`.
    pub fn required_nullable<T: Serialize>(&mut self, name: &str, value: &Option<T>) {
        self.required(name, value);
    }

    /// A member that is sent unless it is `None`.
    pub fn optional<T: Serialize>(&mut self, name: &str, value: &Option<T>) {
        if let Some(value) = value {
            self.required(name, value);
        }
    }

    /// A member that is sent unless it is absent.
    pub fn nullable<T: Serialize>(&mut self, name: &str, value: &Nullable<T>) {
        if !value.is_absent() {
            self.required(name, value);
        }
    }

    /// Ends the object, or returns the first error a member met.
    pub fn end(self) -> Result<M::Ok, M::Error> {
        match self.error {
            Some(error) => Err(error),
            None => self.map.end(),
        }
    }
}

/// Reads the value of a listed member into its slot.
pub fn read<'de, M: MapAccess<'de>, T: Deserialize<'de>>(map: &mut M, slot: &mut Option<T>) -> Result<(), M::Error> {
    *slot = Some(map.next_value()?);
    Ok(())
}

/// Reads and drops the value of a member not listed.
pub fn skip<'de, M: MapAccess<'de>>(map: &mut M) -> Result<(), M::Error> {
    map.next_value::<IgnoredAny>().map(|_| ())
}

/// Reads the value of a member not listed into the map that keeps them.
pub fn keep<'de, M: MapAccess<'de>, T: Deserialize<'de>>(
    map: &mut M,
    rest: &mut BTreeMap<String, T>,
    key: Key<'de>,
) -> Result<(), M::Error> {
    rest.insert(key.0.into_owned(), map.next_value()?);
    Ok(())
}

/// The value of a required member, or the error that it is missing.
pub fn required<T, E: serde::de::Error>(slot: Option<T>, name: &'static str) -> Result<T, E> {
    slot.ok_or_else(|| E::missing_field(name))
}

/// Implements `Serialize` and `Deserialize` for a struct as a JSON object.
///
/// Each field is listed with how it travels and its member name:
/// - `required`: always sent; an object without it does not decode.
/// - `required_nullable` (an `Option`): always sent, `None` as `null`.
/// - `optional` (an `Option`): `None` is not sent; absent or `null` decode as `None`.
/// - `nullable` (a [`Nullable`]): absent, `null` and a value all round-trip.
///
/// `..name` after the fields names a map that takes every member not listed.
///
/// Each member expands to one call on each side (see [`Writer`], [`read`]), which keeps the
/// generated code, and the time to compile it, small.
#[doc(hidden)]
#[macro_export]
macro_rules! __runtime_json_object {
    ($name:ident { $($field:ident: $kind:ident $wire:literal,)* $(..$extra:ident)? }) => {
        impl $crate::runtime::json::serde::Serialize for $name {
            fn serialize<S: $crate::runtime::json::serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                #[allow(unused_mut)] // An object without members writes none.
                let mut out = $crate::runtime::json::Writer::new(serializer.serialize_map(None)?);
                $(out.$kind($wire, &self.$field);)*
                $(
                    for (key, value) in &self.$extra {
                        out.required(key, value);
                    }
                )?
                out.end()
            }
        }

        impl<'de> $crate::runtime::json::serde::Deserialize<'de> for $name {
            fn deserialize<D: $crate::runtime::json::serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                struct ObjectVisitor;

                impl<'de> $crate::runtime::json::serde::de::Visitor<'de> for ObjectVisitor {
                    type Value = $name;

                    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                        f.write_str(concat!("a ", stringify!($name), " object"))
                    }

                    fn visit_map<M: $crate::runtime::json::serde::de::MapAccess<'de>>(self, mut map: M) -> Result<$name, M::Error> {
                        $(let mut $field = None;)*
                        $(let mut $extra = std::collections::BTreeMap::new();)?
                        while let Some(key) = map.next_key::<$crate::runtime::json::Key<'de>>()? {
                            match &*key.0 {
                                $($wire => $crate::runtime::json::read(&mut map, &mut $field),)*
                                _ => $crate::runtime::json::object!(@other map key $($extra)?),
                            }?;
                        }
                        Ok($name {
                            $($field: $crate::runtime::json::object!(@finish $kind $field $wire),)*
                            $($extra,)?
                        })
                    }
                }

                deserializer.deserialize_map(ObjectVisitor)
            }
        }
    };
    (@finish required $field:ident $wire:literal) => {
        $crate::runtime::json::required::<_, M::Error>($field, $wire)?
    };
    (@finish $kind:ident $field:ident $wire:literal) => {
        $field.unwrap_or_default()
    };
    (@other $map:ident $key:ident) => {
        $crate::runtime::json::skip(&mut $map)
    };
    (@other $map:ident $key:ident $extra:ident) => {
        $crate::runtime::json::keep(&mut $map, &mut $extra, $key)
    };
}

/// Implements `as_str`, `Display`, `Serialize` and `Deserialize` for an enum of strings,
/// each unit variant listed with its value; `..Other` names the variant that keeps a value
/// not listed.
#[doc(hidden)]
#[macro_export]
macro_rules! __runtime_json_enumeration {
    ($name:ident { $($variant:ident = $wire:literal,)* ..$other:ident }) => {
        impl $name {
            /// The value as it travels on the wire.
            pub fn as_str(&self) -> &str {
                match self {
                    $(Self::$variant => $wire,)*
                    Self::$other(value) => value,
                }
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl $crate::runtime::json::serde::Serialize for $name {
            fn serialize<S: $crate::runtime::json::serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.serialize_str(self.as_str())
            }
        }

        impl<'de> $crate::runtime::json::serde::Deserialize<'de> for $name {
            fn deserialize<D: $crate::runtime::json::serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                let value = <$crate::runtime::json::Key<'de> as $crate::runtime::json::serde::Deserialize<'de>>::deserialize(deserializer)?;
                Ok(match &*value.0 {
                    $($wire => Self::$variant,)*
                    _ => Self::$other(value.0.into_owned()),
                })
            }
        }
    };
}

// Exported at the crate root under private names (as `macro_export` requires), and here under
// their own.
#[doc(inline)]
pub use {__runtime_json_enumeration as enumeration, __runtime_json_object as object};

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use super::Nullable;

    #[derive(Debug, Default, PartialEq)]
    struct Thing {
        id: String,
        note: Option<String>,
        label: Option<String>,
        gone: Nullable<u8>,
        rest: BTreeMap<String, serde_json::Value>,
    }

    super::object!(Thing {
        id: required "id",
        note: optional "note",
        label: required_nullable "label",
        gone: nullable "gone",
        ..rest
    });

    #[derive(Debug, PartialEq)]
    enum Colour {
        Red,
        Other(String),
    }

    super::enumeration!(Colour { Red = "red", ..Other });

    #[test]
    fn an_object_round_trips_with_its_member_kinds() {
        let text = r#"{"id":"t1","gone":null,"label":null,"extra":[1]}"#;
        let thing: Thing = serde_json::from_str(text).unwrap();
        assert_eq!(thing.id, "t1");
        assert_eq!(thing.note, None);
        assert_eq!(thing.gone, Nullable::Null);
        assert_eq!(thing.rest["extra"], serde_json::json!([1]));
        assert_eq!(serde_json::to_string(&thing).unwrap(), r#"{"id":"t1","label":null,"gone":null,"extra":[1]}"#);
        let absent: Thing = serde_json::from_str(r#"{"id":"t2"}"#).unwrap();
        assert_eq!(absent.gone, Nullable::Absent);
        assert_eq!(serde_json::to_string(&absent).unwrap(), r#"{"id":"t2","label":null}"#);
        let missing = serde_json::from_str::<Thing>("{}").unwrap_err();
        assert!(missing.to_string().contains("missing field `id`"), "{missing}");
    }

    #[test]
    fn an_enumeration_keeps_values_it_does_not_list() {
        assert_eq!(serde_json::from_str::<Colour>("\"red\"").unwrap(), Colour::Red);
        let other: Colour = serde_json::from_str("\"teal\"").unwrap();
        assert_eq!(other, Colour::Other("teal".into()));
        assert_eq!(serde_json::to_string(&other).unwrap(), "\"teal\"");
        assert_eq!(Colour::Red.to_string(), "red");
    }
}
