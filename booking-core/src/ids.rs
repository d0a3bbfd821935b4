//! Identifiers. They are opaque strings chosen by the caller (the core never
//! generates ids or reads a random source), so they cross into Python and
//! JavaScript as plain strings. They are shared (`Arc<str>`): every event
//! names its actor, and cloning an id must not allocate.

use std::fmt;
use std::sync::Arc;

use serde::{Deserialize, Serialize};

/// A string read straight into an `Arc<str>`: one allocation, where
/// serde's own `Arc<str>` reads a `String`, boxes it, then copies it. For
/// ids and the booking's other shared text.
pub(crate) fn shared_str<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Arc<str>, D::Error> {
    struct Text;
    impl serde::de::Visitor<'_> for Text {
        type Value = Arc<str>;
        fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
            f.write_str("a string")
        }
        fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<Arc<str>, E> {
            Ok(Arc::from(v))
        }
    }
    d.deserialize_str(Text)
}

macro_rules! id_type {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Clone, Default, Eq, PartialOrd, Ord, Serialize, Deserialize)]
        #[serde(transparent)]
        pub struct $name(#[serde(deserialize_with = "crate::ids::shared_str")] Arc<str>);

        impl $name {
            /// Wraps a string.
            ///
            /// ```
            #[doc = concat!("let id = booking_core::", stringify!($name), "::new(\"abc\");")]
            /// assert_eq!(id.as_str(), "abc");
            /// ```
            pub fn new(id: impl Into<Arc<str>>) -> Self {
                $name(id.into())
            }

            /// The id as text.
            ///
            /// ```
            #[doc = concat!("assert_eq!(booking_core::", stringify!($name), "::from(\"x\").as_str(), \"x\");")]
            /// ```
            pub fn as_str(&self) -> &str {
                &self.0
            }
        }

        impl PartialEq for $name {
            fn eq(&self, other: &Self) -> bool {
                // Clones of one id share their text: skip comparing it.
                Arc::ptr_eq(&self.0, &other.0) || self.0 == other.0
            }
        }

        impl std::hash::Hash for $name {
            fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
                // Equal ids have equal text, so hashing the text agrees with `eq`.
                self.0.hash(state)
            }
        }

        impl PartialEq<&str> for $name {
            fn eq(&self, other: &&str) -> bool {
                &*self.0 == *other
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }

        impl fmt::Debug for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                write!(f, "{:?}", self.0)
            }
        }

        impl From<&str> for $name {
            fn from(s: &str) -> Self {
                $name(Arc::from(s))
            }
        }

        impl From<String> for $name {
            fn from(s: String) -> Self {
                $name(Arc::from(s))
            }
        }
    };
}

id_type!(
    /// A user: a client, a provider, a team member or a mediator.
    UserId
);
id_type!(
    /// A booking.
    BookingId
);
id_type!(
    /// A service in the provider's catalog.
    ServiceId
);
id_type!(
    /// A file attached to a booking (its bytes are stored by the caller).
    FileId
);
id_type!(
    /// The idempotency key of one payment step (E5): `booking/<id>/<step>`,
    /// for example `booking/b-1/release/creator-2`. Retrying a step with its
    /// key never moves money twice.
    IdempotencyKey
);

impl IdempotencyKey {
    /// Joins `head` and `tail` with `/` into one key, building short keys
    /// on the stack so a key costs one allocation. Ids containing `/` or
    /// `%` are percent-encoded, so ids with slashes cannot make two steps
    /// share a key; the first `tail` segment is always a step name.
    pub(crate) fn joined(head: &[&str], tail: &[&str]) -> IdempotencyKey {
        if head.iter().chain(tail).any(|p| p.contains(['/', '%'])) {
            let escape = |p: &str| p.replace('%', "%25").replace('/', "%2F");
            let ids = head.iter().chain(tail.iter().skip(1)).map(|p| escape(p));
            let mut all: Vec<String> = ids.collect();
            if let Some(step) = tail.first() {
                all.insert(head.len(), (*step).to_owned());
            }
            return IdempotencyKey::from(all.join("/"));
        }
        let mut buf = [0u8; 192];
        let mut len = 0;
        for (i, part) in head.iter().chain(tail).enumerate() {
            let sep = usize::from(i > 0);
            let Some(slot) = buf.get_mut(len..len + sep + part.len()) else {
                let all: Vec<&str> = head.iter().chain(tail).copied().collect();
                return IdempotencyKey::from(all.join("/"));
            };
            if sep == 1 {
                slot[0] = b'/';
            }
            slot[sep..].copy_from_slice(part.as_bytes());
            len += sep + part.len();
        }
        // Only whole `&str`s and ASCII `/` were copied, so this is UTF-8.
        IdempotencyKey::from(std::str::from_utf8(&buf[..len]).unwrap_or_default())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_read_from_json_strings_only() {
        let id: UserId = serde_json::from_str(r#""creator-1""#).unwrap();
        assert_eq!(id.as_str(), "creator-1");
        let owned: UserId = serde_json::from_value(serde_json::json!("a\u{e9}")).unwrap();
        assert_eq!(owned.as_str(), "a\u{e9}");
        let err = serde_json::from_str::<BookingId>("3").unwrap_err().to_string();
        assert_eq!(err, "invalid type: integer `3`, expected a string at line 1 column 1");
    }

    #[test]
    fn e5_keys_join_booking_and_step() {
        assert_eq!(IdempotencyKey::joined(&["booking", "b-1"], &["release", "u"]), "booking/b-1/release/u");
        assert_ne!(
            IdempotencyKey::joined(&["booking", "1/release"], &["capture"]),
            IdempotencyKey::joined(&["booking", "1"], &["release", "capture"])
        );
        assert_eq!(IdempotencyKey::joined(&["booking", "a/b"], &["release", "u%1"]), "booking/a%2Fb/release/u%251");
        let long = "x".repeat(300);
        let key = IdempotencyKey::joined(&["booking", &long], &["capture"]);
        assert_eq!(key.as_str(), format!("booking/{long}/capture"));
    }
}
