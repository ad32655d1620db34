//! JSON for the models: `object!` and `enumeration!` implement serde for generated types.
//!
//! They write what `#[derive(Serialize, Deserialize)]` would, minus what JSON never uses
//! (the sequence form of a struct, a field enum with its visitors): a large API compiles in
//! about half the time. The wire behaviour is serde's: unknown members are ignored, a
//! missing required member is an error, `null` and absent are told apart by the field type.

use std::borrow::Cow;
use std::fmt;

use serde::de::{Deserialize, Deserializer, Visitor};

/// A member name or enum value as it arrives, borrowed from the input when it can be.
pub(crate) struct Key<'de>(pub(crate) Cow<'de, str>);

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

/// Implements `Serialize` and `Deserialize` for a struct as a JSON object.
///
/// Each field is listed with how it travels and its member name:
/// - `required`: always sent; an object without it does not decode.
/// - `required_nullable` (an `Option`): always sent, `None` as `null`.
/// - `optional` (an `Option`): `None` is not sent; absent or `null` decode as `None`.
/// - `nullable` (a [`Nullable`](crate::Nullable)): absent, `null` and a value all round-trip.
///
/// `..name` after the fields names a map that takes every member not listed.
#[allow(unused_macros)] // An API with enums but no structs leaves it unused.
macro_rules! object {
    ($name:ident { $($field:ident: $kind:ident $wire:literal,)* $(..$extra:ident)? }) => {
        impl serde::Serialize for $name {
            fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                use serde::ser::SerializeMap as _;
                #[allow(unused_mut)] // An object without members writes none.
                let mut map = serializer.serialize_map(None)?;
                $($crate::json::object!(@write $kind map $wire self.$field);)*
                $(
                    for (key, value) in &self.$extra {
                        map.serialize_entry(key, value)?;
                    }
                )?
                map.end()
            }
        }

        impl<'de> serde::Deserialize<'de> for $name {
            fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                struct ObjectVisitor;

                impl<'de> serde::de::Visitor<'de> for ObjectVisitor {
                    type Value = $name;

                    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                        f.write_str(concat!("a ", stringify!($name), " object"))
                    }

                    fn visit_map<M: serde::de::MapAccess<'de>>(self, mut map: M) -> Result<$name, M::Error> {
                        $(let mut $field = None;)*
                        $(let mut $extra = std::collections::BTreeMap::new();)?
                        while let Some(key) = map.next_key::<$crate::json::Key<'de>>()? {
                            match &*key.0 {
                                $($wire => $field = Some(map.next_value()?),)*
                                _ => $crate::json::object!(@other map key $($extra)?),
                            }
                        }
                        Ok($name {
                            $($field: $crate::json::object!(@finish $kind $field $wire),)*
                            $($extra,)?
                        })
                    }
                }

                deserializer.deserialize_map(ObjectVisitor)
            }
        }
    };
    (@write optional $map:ident $wire:literal $value:expr) => {
        if let Some(value) = &$value {
            $map.serialize_entry($wire, value)?;
        }
    };
    (@write nullable $map:ident $wire:literal $value:expr) => {
        if !$value.is_absent() {
            $map.serialize_entry($wire, &$value)?;
        }
    };
    (@write $kind:ident $map:ident $wire:literal $value:expr) => {
        $map.serialize_entry($wire, &$value)?
    };
    (@finish required $field:ident $wire:literal) => {
        match $field {
            Some(value) => value,
            None => return Err(serde::de::Error::missing_field($wire)),
        }
    };
    (@finish $kind:ident $field:ident $wire:literal) => {
        $field.unwrap_or_default()
    };
    (@other $map:ident $key:ident) => {{
        $map.next_value::<serde::de::IgnoredAny>()?;
    }};
    (@other $map:ident $key:ident $extra:ident) => {{
        $extra.insert($key.0.into_owned(), $map.next_value()?);
    }};
}

/// Implements `as_str`, `Display`, `Serialize` and `Deserialize` for an enum of strings,
/// each unit variant listed with its value; `..Other` names the variant that keeps a value
/// not listed.
#[allow(unused_macros)] // An API with structs but no enums leaves it unused.
macro_rules! enumeration {
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

        impl serde::Serialize for $name {
            fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.serialize_str(self.as_str())
            }
        }

        impl<'de> serde::Deserialize<'de> for $name {
            fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                let value = <$crate::json::Key<'de> as serde::Deserialize<'de>>::deserialize(deserializer)?;
                Ok(match &*value.0 {
                    $($wire => Self::$variant,)*
                    _ => Self::$other(value.0.into_owned()),
                })
            }
        }
    };
}

#[allow(unused_imports)] // Likewise.
pub(crate) use {enumeration, object};
