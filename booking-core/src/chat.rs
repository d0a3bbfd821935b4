//! Booking chat (SPEC X1, X2): one thread per booking, the participant
//! rules, message limits, attachments and a newest-first history with a
//! stable cursor.
//!
//! Messages are not booking events: a thread can hold hundreds of thousands
//! of them and writing one must not contend with payments on the booking.
//! The store keeps them per booking in `(sent_at, seq)` order, where `seq`
//! is the thread's arrival counter, so messages that share a timestamp
//! still have one order and a cursor never skips or repeats one.

use std::fmt;
use std::str::FromStr;

use chrono::{DateTime, SecondsFormat, Utc};
use serde::{Deserialize, Serialize};

use crate::booking::{Actor, Booking};
use crate::ids::{BookingId, FileId};

/// Longest message, in characters (X1).
pub const MAX_MESSAGE_CHARS: usize = 10_000;
/// Most attachments on one message.
pub const MAX_ATTACHMENTS: usize = 20;
/// Longest idempotency key on a message.
const MAX_KEY_CHARS: usize = 255;

/// What a participant sends: the seed's `sendBookingMessage` options.
///
/// ```
/// let m = booking_core::NewMessage::text("Project files uploaded").with_attachments(&["stems.zip"]);
/// assert_eq!(m.attachments.len(), 1);
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct NewMessage {
    /// The text, 1 to 10 000 characters (not only whitespace).
    pub content: String,
    /// Files of this booking the sender may read.
    #[serde(default)]
    pub attachments: Vec<FileId>,
    /// A retry with the same key returns the first message instead of
    /// sending it twice.
    #[serde(default)]
    pub idempotency_key: Option<String>,
}

impl NewMessage {
    /// A message with text only.
    ///
    /// ```
    /// assert!(booking_core::NewMessage::text("hi").attachments.is_empty());
    /// ```
    pub fn text(content: impl Into<String>) -> NewMessage {
        NewMessage { content: content.into(), attachments: Vec::new(), idempotency_key: None }
    }

    /// Attaches files.
    ///
    /// ```
    /// let m = booking_core::NewMessage::text("see").with_attachments(&["a", "b"]);
    /// assert_eq!(m.attachments[1].as_str(), "b");
    /// ```
    pub fn with_attachments(mut self, files: &[&str]) -> NewMessage {
        self.attachments = files.iter().map(|f| FileId::from(*f)).collect();
        self
    }

    /// Sets the idempotency key.
    ///
    /// ```
    /// let m = booking_core::NewMessage::text("hi").with_key("msg-1");
    /// assert_eq!(m.idempotency_key.as_deref(), Some("msg-1"));
    /// ```
    pub fn with_key(mut self, key: impl Into<String>) -> NewMessage {
        self.idempotency_key = Some(key.into());
        self
    }

    /// Checks the message against the booking (X1): `actor` takes part,
    /// the booking is not closed, the text and attachments are valid. The
    /// message to store, with `seq` left for the store to assign.
    ///
    /// ```
    /// # use booking_core::*;
    /// # use chrono::{TimeDelta, TimeZone, Utc};
    /// # let now = Utc.with_ymd_and_hms(2026, 6, 1, 9, 0, 0).unwrap();
    /// # let new = NewBooking::solo("b", "c", "p", Money::parse("1 USD")?, now + TimeDelta::days(3), 90);
    /// let (b, _) = Booking::create(new, now)?;
    /// assert!(NewMessage::text("hello").check(&b, &Actor::user("c"), now).is_ok());
    /// let outsider = NewMessage::text("hello").check(&b, &Actor::user("x"), now).unwrap_err();
    /// assert_eq!(outsider.code(), "chat.not_participant");
    /// # Ok::<(), booking_core::Error>(())
    /// ```
    pub fn check(&self, booking: &Booking, actor: &Actor, at: DateTime<Utc>) -> Result<ChatMessage, ChatError> {
        check_reader(booking, actor)?;
        if booking.is_closed(at) {
            return Err(ChatError::Closed { booking: booking.id.clone() });
        }
        if self.content.trim().is_empty() {
            return Err(ChatError::Empty);
        }
        let chars = self.content.chars().count();
        if chars > MAX_MESSAGE_CHARS {
            return Err(ChatError::TooLong { chars });
        }
        if self.attachments.len() > MAX_ATTACHMENTS {
            return Err(ChatError::TooManyAttachments { count: self.attachments.len() });
        }
        let mut attachments: Vec<FileId> = Vec::with_capacity(self.attachments.len());
        for file in &self.attachments {
            booking
                .file_access(actor, file, at)
                .map_err(|e| ChatError::Attachment { file: file.clone(), reason: e.to_string() })?;
            if !attachments.contains(file) {
                attachments.push(file.clone());
            }
        }
        if let Some(key) = &self.idempotency_key {
            if key.trim().is_empty() || key.chars().count() > MAX_KEY_CHARS {
                return Err(ChatError::InvalidKey);
            }
        }
        Ok(ChatMessage {
            booking_id: booking.id.clone(),
            seq: 0,
            sender: actor.clone(),
            content: self.content.clone(),
            attachments,
            sent_at: at,
            idempotency_key: self.idempotency_key.clone(),
        })
    }
}

/// Fails unless `actor` may read and write the booking's chat: the client,
/// a team member, or a mediator while the booking is disputed (X1).
///
/// ```
/// # use booking_core::*;
/// # use chrono::{TimeDelta, TimeZone, Utc};
/// # let now = Utc.with_ymd_and_hms(2026, 6, 1, 9, 0, 0).unwrap();
/// # let new = NewBooking::solo("b", "c", "p", Money::parse("1 USD")?, now + TimeDelta::days(3), 90);
/// let (b, _) = Booking::create(new, now)?;
/// assert!(check_reader(&b, &Actor::user("p")).is_ok());
/// assert!(check_reader(&b, &Actor::Mediator("m".into())).is_err());
/// # Ok::<(), booking_core::Error>(())
/// ```
pub fn check_reader(booking: &Booking, actor: &Actor) -> Result<(), ChatError> {
    if booking.is_participant(actor) {
        Ok(())
    } else {
        Err(ChatError::NotParticipant { actor: actor.to_string(), booking: booking.id.clone() })
    }
}

/// A message in a booking's thread.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ChatMessage {
    /// The booking (its thread).
    pub booking_id: BookingId,
    /// The thread's arrival counter, from 1; assigned by the store.
    pub seq: u64,
    /// Who sent it.
    pub sender: Actor,
    /// The text.
    pub content: String,
    /// Attached files of the booking.
    pub attachments: Vec<FileId>,
    /// When it was sent.
    pub sent_at: DateTime<Utc>,
    /// The sender's idempotency key, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub idempotency_key: Option<String>,
}

impl ChatMessage {
    /// This message's place in the thread: pass it as `before` to read
    /// older ones.
    ///
    /// ```
    /// # use booking_core::*;
    /// # use chrono::{TimeZone, Utc};
    /// # let at = Utc.with_ymd_and_hms(2026, 6, 1, 9, 0, 0).unwrap();
    /// let m = ChatMessage { booking_id: "b".into(), seq: 7, sender: Actor::user("c"), content: "hi".into(),
    ///     attachments: vec![], sent_at: at, idempotency_key: None };
    /// assert_eq!(m.cursor().to_string(), "7@2026-06-01T09:00:00Z");
    /// ```
    pub fn cursor(&self) -> MessageCursor {
        MessageCursor { at: self.sent_at, seq: self.seq }
    }
}

/// A position in a thread, ordered by time then arrival. As text:
/// `<seq>@<RFC 3339 time>`.
///
/// ```
/// use booking_core::MessageCursor;
/// let c: MessageCursor = "12@2026-06-01T09:00:00.250Z".parse()?;
/// assert_eq!(c.seq, 12);
/// assert_eq!(c.to_string().parse::<MessageCursor>()?, c);
/// # Ok::<(), booking_core::ChatError>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct MessageCursor {
    /// The message's time.
    pub at: DateTime<Utc>,
    /// Its arrival number.
    pub seq: u64,
}

impl MessageCursor {
    /// Before every message sent at or after `at`: the seed's
    /// `beforeTimestamp`.
    ///
    /// ```
    /// # use chrono::{TimeZone, Utc};
    /// let at = Utc.with_ymd_and_hms(2026, 6, 1, 9, 0, 0).unwrap();
    /// assert_eq!(booking_core::MessageCursor::before_time(at).seq, 0);
    /// ```
    pub fn before_time(at: DateTime<Utc>) -> MessageCursor {
        MessageCursor { at, seq: 0 }
    }
}

impl fmt::Display for MessageCursor {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}@{}", self.seq, self.at.to_rfc3339_opts(SecondsFormat::AutoSi, true))
    }
}

impl FromStr for MessageCursor {
    type Err = ChatError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let bad = || ChatError::InvalidCursor { cursor: s.chars().take(80).collect() };
        let (seq, at) = s.split_once('@').ok_or_else(bad)?;
        let seq = seq.parse().map_err(|_| bad())?;
        let at = DateTime::parse_from_rfc3339(at).map_err(|_| bad())?.with_timezone(&Utc);
        Ok(MessageCursor { at, seq })
    }
}

impl Serialize for MessageCursor {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for MessageCursor {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let s = String::deserialize(deserializer)?;
        s.parse().map_err(serde::de::Error::custom)
    }
}

/// Which page of history (X2): the seed's `getBookingMessages` options.
///
/// ```
/// let q = booking_core::MessageQuery::latest(20);
/// assert!(q.before.is_none() && q.limit == 20);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct MessageQuery {
    /// Only messages strictly older than this; the newest when `None`.
    #[serde(default)]
    pub before: Option<MessageCursor>,
    /// Page size, 1 to 100 (default 50).
    #[serde(default = "fifty")]
    pub limit: usize,
}

fn fifty() -> usize {
    50
}

impl Default for MessageQuery {
    fn default() -> Self {
        MessageQuery { before: None, limit: 50 }
    }
}

impl MessageQuery {
    /// The newest `limit` messages.
    ///
    /// ```
    /// assert_eq!(booking_core::MessageQuery::latest(5).limit, 5);
    /// ```
    pub fn latest(limit: usize) -> MessageQuery {
        MessageQuery { before: None, limit }
    }

    /// The `limit` messages just older than `cursor`.
    ///
    /// ```
    /// # use chrono::{TimeZone, Utc};
    /// # let at = Utc.with_ymd_and_hms(2026, 6, 1, 9, 0, 0).unwrap();
    /// use booking_core::{MessageCursor, MessageQuery};
    /// let q = MessageQuery::before(MessageCursor::before_time(at), 50);
    /// assert_eq!(q.before.unwrap().at, at);
    /// ```
    pub fn before(cursor: MessageCursor, limit: usize) -> MessageQuery {
        MessageQuery { before: Some(cursor), limit }
    }

    /// Fails unless the limit is 1 to 100.
    ///
    /// ```
    /// assert_eq!(booking_core::MessageQuery::latest(0).check().unwrap_err().code(), "chat.invalid_limit");
    /// ```
    pub fn check(&self) -> Result<(), ChatError> {
        if (1..=100).contains(&self.limit) {
            Ok(())
        } else {
            Err(ChatError::InvalidLimit { limit: self.limit })
        }
    }
}

/// One page of a thread, newest first.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct MessagePage {
    /// The messages, newest first.
    pub messages: Vec<ChatMessage>,
    /// Pass as `before` for the next (older) page; `None` on the last page.
    pub next: Option<MessageCursor>,
}

impl MessagePage {
    /// The page of `query` over `newest_first`, messages already in
    /// newest-first order and strictly older than the query's cursor (the
    /// reference answer for a store).
    ///
    /// ```
    /// let page = booking_core::MessagePage::of(Vec::new(), 50);
    /// assert!(page.messages.is_empty() && page.next.is_none());
    /// ```
    pub fn of(newest_first: impl IntoIterator<Item = ChatMessage>, limit: usize) -> MessagePage {
        let mut messages: Vec<ChatMessage> = newest_first.into_iter().take(limit.saturating_add(1)).collect();
        let more = messages.len() > limit;
        messages.truncate(limit);
        let next = if more { messages.last().map(ChatMessage::cursor) } else { None };
        MessagePage { messages, next }
    }
}

/// Why a chat call was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ChatError {
    /// The actor takes no part in the booking (X1).
    #[error("{actor} takes no part in booking {booking} and may not read or write its chat")]
    NotParticipant {
        /// Who asked.
        actor: String,
        /// The booking.
        booking: BookingId,
    },
    /// The booking is closed: its chat is read-only.
    #[error("booking {booking} is closed; its chat is read-only")]
    Closed {
        /// The booking.
        booking: BookingId,
    },
    /// Nothing but whitespace.
    #[error("a message needs some text")]
    Empty,
    /// Over 10 000 characters.
    #[error("a message is at most {MAX_MESSAGE_CHARS} characters; this one has {chars}")]
    TooLong {
        /// Its length.
        chars: usize,
    },
    /// Too many attachments.
    #[error("a message carries at most {MAX_ATTACHMENTS} attachments; this one has {count}")]
    TooManyAttachments {
        /// How many.
        count: usize,
    },
    /// An attachment is not a file of this booking the sender may read.
    #[error("cannot attach {file}: {reason}")]
    Attachment {
        /// The file.
        file: FileId,
        /// Why.
        reason: String,
    },
    /// The page size is outside 1–100 (X2).
    #[error("a page holds 1 to 100 messages, not {limit}")]
    InvalidLimit {
        /// What was asked.
        limit: usize,
    },
    /// The cursor is not `<seq>@<RFC 3339 time>`.
    #[error("{cursor:?} is not a message cursor (expected <seq>@<RFC 3339 time>)")]
    InvalidCursor {
        /// What was given (its first 80 characters).
        cursor: String,
    },
    /// The idempotency key is empty or over 255 characters.
    #[error("a message's idempotency key is 1 to 255 characters")]
    InvalidKey,
}

impl ChatError {
    /// The stable machine code, e.g. `"chat.not_participant"`.
    ///
    /// ```
    /// assert_eq!(booking_core::ChatError::Empty.code(), "chat.empty");
    /// ```
    pub fn code(&self) -> &'static str {
        match self {
            ChatError::NotParticipant { .. } => "chat.not_participant",
            ChatError::Closed { .. } => "chat.closed",
            ChatError::Empty => "chat.empty",
            ChatError::TooLong { .. } => "chat.too_long",
            ChatError::TooManyAttachments { .. } => "chat.too_many_attachments",
            ChatError::Attachment { .. } => "chat.attachment",
            ChatError::InvalidLimit { .. } => "chat.invalid_limit",
            ChatError::InvalidCursor { .. } => "chat.invalid_cursor",
            ChatError::InvalidKey => "chat.invalid_key",
        }
    }
}
