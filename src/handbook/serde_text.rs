//! Serde helpers for the text fields of what the handbook cache holds (`deserialize_with`):
//! text is checked as UTF-8 with SIMD (`simdutf8`) rather than a byte at a time, which showed
//! in the time a start takes (docs/performance.md). Text borrowed from a format read by people must be
//! free of escapes; owned text from one is read the usual way.

use std::borrow::Cow;

use serde::de::{self, Deserialize, Deserializer, Visitor};

/// Text borrowed from the bytes being read.
struct Borrowed<'de>(&'de str);

impl<'de> Deserialize<'de> for Borrowed<'de> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Borrowed<'de>, D::Error> {
        struct Checked;
        impl<'de> Visitor<'de> for Checked {
            type Value = Borrowed<'de>;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("UTF-8 text")
            }
            fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<Self::Value, E> {
                Ok(Borrowed(v))
            }
            fn visit_borrowed_bytes<E: de::Error>(self, v: &'de [u8]) -> Result<Self::Value, E> {
                simdutf8::basic::from_utf8(v)
                    .map(Borrowed)
                    .map_err(|_| E::invalid_value(de::Unexpected::Bytes(v), &self))
            }
        }
        if d.is_human_readable() {
            d.deserialize_str(Checked)
        } else {
            // Binary formats write text as its length and bytes, as they write bytes.
            d.deserialize_bytes(Checked)
        }
    }
}

pub fn borrowed<'de, D: Deserializer<'de>>(d: D) -> Result<&'de str, D::Error> {
    Borrowed::deserialize(d).map(|Borrowed(s)| s)
}

pub fn borrowed_maybe<'de, D: Deserializer<'de>>(d: D) -> Result<Option<&'de str>, D::Error> {
    Ok(Option::<Borrowed<'de>>::deserialize(d)?.map(|Borrowed(s)| s))
}

pub fn cow<'de, D: Deserializer<'de>>(d: D) -> Result<Cow<'de, str>, D::Error> {
    borrowed(d).map(Cow::Borrowed)
}

pub fn one<'de, D: Deserializer<'de>>(d: D) -> Result<String, D::Error> {
    if d.is_human_readable() {
        return String::deserialize(d);
    }
    borrowed(d).map(str::to_owned)
}

pub fn maybe<'de, D: Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
    if d.is_human_readable() {
        return Option::<String>::deserialize(d);
    }
    Ok(borrowed_maybe(d)?.map(str::to_owned))
}

pub fn list<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<String>, D::Error> {
    if d.is_human_readable() {
        return Vec::<String>::deserialize(d);
    }
    Ok(Vec::<Borrowed<'de>>::deserialize(d)?
        .into_iter()
        .map(|Borrowed(s)| s.to_owned())
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(serde::Deserialize)]
    struct Kept<'a> {
        #[serde(borrow, deserialize_with = "borrowed")]
        name: &'a str,
        #[serde(deserialize_with = "list")]
        keys: Vec<String>,
    }

    #[test]
    fn text_is_borrowed_when_valid_and_refused_when_not_utf8() {
        let bytes = postcard::to_stdvec(&("Škofja Loka", vec!["kranj", "žalec"])).unwrap();
        let kept: Kept<'_> = postcard::from_bytes(&bytes).unwrap();
        assert_eq!(
            (kept.name, kept.keys.as_slice()),
            (
                "Škofja Loka",
                &["kranj".to_string(), "žalec".to_string()][..]
            )
        );
        // Postcard writes text as its length and bytes: the second is not UTF-8.
        let bad = postcard::to_stdvec(&(vec![0x61u8, 0xC4, 0x28], vec!["kranj"])).unwrap();
        assert!(postcard::from_bytes::<Kept<'_>>(&bad).is_err());
    }

    #[test]
    fn owned_text_from_json_may_have_escapes() {
        #[derive(serde::Deserialize)]
        struct Owned(#[serde(deserialize_with = "one")] String);
        let back: Owned = serde_json::from_str(r#""a \"quoted\" word""#).unwrap();
        assert_eq!(back.0, "a \"quoted\" word");
    }
}
