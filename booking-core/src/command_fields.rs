//! Reading a command whose `type` is already known.
//!
//! A command's JSON shape is internally tagged (`{"type": "upload-file",
//! ...}`), and serde reads such a shape by copying every entry into a
//! buffer first, since the tag may come last. A caller that can look the
//! tag up directly (a Python `dict`, a JS object) skips that copy with
//! [`Command::from_fields`]: the variant's fields are read straight from
//! the object.

use serde::de::{self, DeserializeSeed, Deserializer, EnumAccess, IntoDeserializer, VariantAccess, Visitor};
use serde::Deserialize;

use crate::lifecycle::CommandByType;
use crate::Command;

impl Command {
    /// Reads the command of type `kind` (`"upload-file"`) from `fields`,
    /// the rest of its JSON object; a `type` entry among them is ignored.
    /// The result and the errors are those of reading the whole object
    /// with serde, without serde's copy of every entry.
    ///
    /// ```
    /// use booking_core::Command;
    /// let fields = serde_json::json!({"feedback": "more bass"});
    /// let c = Command::from_fields("request-revision", &fields)?;
    /// assert_eq!(c, Command::RequestRevision { feedback: "more bass".into() });
    /// let err = Command::from_fields("request-revision", &serde_json::json!({})).unwrap_err();
    /// assert_eq!(err.to_string(), "missing field `feedback`");
    /// # Ok::<(), serde_json::Error>(())
    /// ```
    pub fn from_fields<'de, D: Deserializer<'de>>(kind: &str, fields: D) -> Result<Command, D::Error> {
        CommandByType::deserialize(de::value::EnumAccessDeserializer::new(Tagged { kind, fields }))
    }
}

/// A command as an externally tagged enum's access: its type, then its
/// fields.
struct Tagged<'a, D> {
    kind: &'a str,
    fields: D,
}

impl<'de, D: Deserializer<'de>> EnumAccess<'de> for Tagged<'_, D> {
    type Error = D::Error;
    type Variant = Fields<D>;

    fn variant_seed<T: DeserializeSeed<'de>>(self, seed: T) -> Result<(T::Value, Fields<D>), D::Error> {
        let kind: de::value::StrDeserializer<'_, D::Error> = self.kind.into_deserializer();
        Ok((seed.deserialize(kind)?, Fields(self.fields)))
    }
}

/// The variant's fields: the object itself.
struct Fields<D>(D);

impl<'de, D: Deserializer<'de>> VariantAccess<'de> for Fields<D> {
    type Error = D::Error;

    /// A variant with no fields takes any others, as the tagged shape does.
    fn unit_variant(self) -> Result<(), D::Error> {
        de::IgnoredAny::deserialize(self.0).map(|_| ())
    }

    fn newtype_variant_seed<T: DeserializeSeed<'de>>(self, seed: T) -> Result<T::Value, D::Error> {
        seed.deserialize(self.0)
    }

    fn tuple_variant<V: Visitor<'de>>(self, len: usize, visitor: V) -> Result<V::Value, D::Error> {
        self.0.deserialize_tuple(len, visitor)
    }

    fn struct_variant<V: Visitor<'de>>(
        self,
        fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, D::Error> {
        self.0.deserialize_struct("", fields, visitor)
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    use serde_json::{json, Value};

    use crate::{Command, TRANSITIONS};

    /// `v` read whole by serde and by `from_fields`, as results with the
    /// error text.
    fn both(v: &Value) -> (Result<Command, String>, Result<Command, String>) {
        let kind = v["type"].as_str().unwrap_or_default();
        (
            serde_json::from_value::<Command>(v.clone()).map_err(|e| e.to_string()),
            Command::from_fields(kind, v).map_err(|e| e.to_string()),
        )
    }

    #[test]
    fn from_fields_reads_every_variant_as_serde_does() {
        let split = json!({"splits": [{"userId": "a", "role": "lead", "percentage": "100"}]});
        let file = json!({"type": "upload-file", "fileId": "f", "category": "final", "sizeBytes": 1,
            "contentType": "audio/wav", "sha256": "ab".repeat(32)});
        let samples = [
            json!({"type": "accept"}),
            json!({"type": "confirm", "ignored": 1}),
            json!({"type": "decline"}),
            json!({"type": "decline", "reason": "busy"}),
            json!({"type": "start"}),
            json!({"type": "deliver"}),
            json!({"type": "request-revision", "feedback": "more bass"}),
            json!({"type": "approve"}),
            json!({"type": "cancel", "reason": null}),
            json!({"type": "dispute", "reason": "late"}),
            json!({"type": "resolve", "resolution": {"outcome": "partial", "refund": {"amount": "1.00", "currency": "USD"}}}),
            json!({"type": "vote", "approve": false}),
            json!({"type": "close-vote"}),
            json!({"type": "distribute"}),
            json!({"type": "propose-team", "split": split}),
            json!({"type": "accept-team-change"}),
            file,
            json!({"type": "share-file", "fileId": "f", "with": ["c"], "expiresAt": "2026-06-01T09:00:00Z"}),
            json!({"type": "share-file", "fileId": "f", "with": []}),
            json!({"type": "review", "rating": 5}),
        ];
        let mut kinds = BTreeSet::new();
        for v in &samples {
            let (whole, by_type) = both(v);
            let command = whole.unwrap_or_else(|e| panic!("{v}: {e}"));
            assert_eq!(by_type.as_ref(), Ok(&command), "{v}");
            let back = serde_json::to_value(&command).unwrap();
            assert_eq!(Command::from_fields(v["type"].as_str().unwrap(), &back).ok(), Some(command.clone()));
            kinds.insert(command.kind());
        }
        let all: BTreeSet<_> = TRANSITIONS.iter().map(|t| t.command).filter(|k| k.as_str() != "create").collect();
        assert_eq!(kinds, all, "a sample for every command");
    }

    #[test]
    fn from_fields_refuses_what_serde_refuses_with_the_same_words() {
        for v in [
            json!({"type": "request-revision"}),
            json!({"type": "request-revision", "feedback": 3}),
            json!({"type": "vote", "approve": "yes"}),
            json!({"type": "upload-file", "fileId": "f"}),
            json!({"type": "resolve", "resolution": {"outcome": "half"}}),
            json!({"type": "review", "rating": 300}),
            json!({"type": "teleport"}),
            json!({"type": "start", "at": {"deep": [1, 2]}}),
        ] {
            let (whole, by_type) = both(&v);
            assert_eq!(by_type, whole, "{v}");
        }
        assert!(both(&json!({"type": "teleport"})).1.unwrap_err().starts_with("unknown variant `teleport`"));
    }
}
