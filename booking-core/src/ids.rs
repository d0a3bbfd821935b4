//! Identifiers. They are opaque strings chosen by the caller (the core never
//! generates ids or reads a random source), so they cross into Python and
//! JavaScript as plain strings.

use std::fmt;

use serde::{Deserialize, Serialize};

macro_rules! id_type {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        #[serde(transparent)]
        pub struct $name(String);

        impl $name {
            /// Wraps a string.
            ///
            /// ```
            #[doc = concat!("let id = booking_core::", stringify!($name), "::new(\"abc\");")]
            /// assert_eq!(id.as_str(), "abc");
            /// ```
            pub fn new(id: impl Into<String>) -> Self {
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
                $name(s.to_owned())
            }
        }

        impl From<String> for $name {
            fn from(s: String) -> Self {
                $name(s)
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
