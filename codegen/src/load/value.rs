//! Reading a parsed document into `serde_json::Value` without refusing numbers JSON's model cannot hold.
//!
//! `serde_json::Value` keeps integers as `i64`/`u64` and other numbers as finite `f64`. A YAML
//! parser hands over integers as wide as 128 bits (`maximum: 18446744073709552000`, i64's
//! extremes written past their range) and floats that overflow to infinity (`1e400`), and
//! `Value`'s own `Deserialize` refuses those, failing the whole file. Specs use such numbers
//! as bounds, defaults and examples, where the nearest `f64` keeps their meaning, so
//! [`Lenient`] takes that instead.

use std::fmt;

use serde::de::{Deserialize, Deserializer, MapAccess, SeqAccess, Visitor};
use serde_json::{Map, Number, Value};

/// A `Value` read leniently: integers beyond `i64`/`u64` become the nearest `f64`, and
/// infinities the largest finite `f64` of their sign.
pub(crate) struct Lenient(pub Value);

impl<'de> Deserialize<'de> for Lenient {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(LenientVisitor).map(Lenient)
    }
}

/// A finite `f64` as a JSON number: infinities are clamped, NaN (which YAML can spell
/// `.nan`) has no JSON form and becomes `null`.
fn float(f: f64) -> Value {
    let f = if f.is_infinite() { f64::MAX.copysign(f) } else { f };
    Number::from_f64(f).map_or(Value::Null, Value::Number)
}

struct LenientVisitor;

impl<'de> Visitor<'de> for LenientVisitor {
    type Value = Value;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any YAML or JSON value")
    }

    fn visit_bool<E>(self, v: bool) -> Result<Value, E> {
        Ok(Value::Bool(v))
    }

    fn visit_i64<E>(self, v: i64) -> Result<Value, E> {
        Ok(Value::from(v))
    }

    fn visit_u64<E>(self, v: u64) -> Result<Value, E> {
        Ok(Value::from(v))
    }

    fn visit_i128<E>(self, v: i128) -> Result<Value, E> {
        Ok(match (i64::try_from(v), u64::try_from(v)) {
            (Ok(i), _) => Value::from(i),
            (_, Ok(u)) => Value::from(u),
            // Nearest representable value; the precision lost is beyond any bound a spec means.
            #[allow(clippy::cast_precision_loss)]
            _ => float(v as f64),
        })
    }

    fn visit_u128<E>(self, v: u128) -> Result<Value, E> {
        Ok(match u64::try_from(v) {
            Ok(u) => Value::from(u),
            #[allow(clippy::cast_precision_loss)]
            Err(_) => float(v as f64),
        })
    }

    fn visit_f64<E>(self, v: f64) -> Result<Value, E> {
        Ok(float(v))
    }

    fn visit_str<E>(self, v: &str) -> Result<Value, E> {
        Ok(Value::String(v.to_owned()))
    }

    fn visit_string<E>(self, v: String) -> Result<Value, E> {
        Ok(Value::String(v))
    }

    fn visit_unit<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }

    fn visit_none<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }

    fn visit_some<D: Deserializer<'de>>(self, deserializer: D) -> Result<Value, D::Error> {
        Lenient::deserialize(deserializer).map(|l| l.0)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Value, A::Error> {
        let mut items = Vec::with_capacity(seq.size_hint().unwrap_or(0));
        while let Some(Lenient(item)) = seq.next_element()? {
            items.push(item);
        }
        Ok(Value::Array(items))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Value, A::Error> {
        let mut out = Map::new();
        while let Some((key, Lenient(value))) = map.next_entry::<String, Lenient>()? {
            out.insert(key, value);
        }
        Ok(Value::Object(out))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn yaml(text: &str) -> Value {
        serde_yaml::from_str::<Lenient>(text).expect("valid YAML").0
    }

    #[test]
    fn numbers_past_64_bits_become_the_nearest_float() {
        let v = yaml("a: 18446744073709552000\nb: -9223372036854775809\nc: 18446744073709551615\nd: .inf\ne: -.inf");
        assert_eq!(v["a"].as_f64(), Some(18_446_744_073_709_552_000.0));
        assert_eq!(v["b"].as_f64(), Some(-9_223_372_036_854_775_809.0));
        assert_eq!(v["c"].as_u64(), Some(u64::MAX));
        assert_eq!(v["d"].as_f64(), Some(f64::MAX));
        assert_eq!(v["e"].as_f64(), Some(f64::MIN));
    }

    #[test]
    fn everything_else_reads_as_serde_json_reads_it() {
        let text = "a: [1, -2, 2.5, true, null, x]\nb: {c: ~}";
        assert_eq!(yaml(text), serde_yaml::from_str::<Value>(text).expect("valid YAML"));
    }
}
