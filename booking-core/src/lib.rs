//! # booking-core
//!
//! The booking engine for creator marketplaces: exact money and revenue
//! splits, a guarded booking lifecycle, escrow as a double-entry ledger,
//! release voting for team bookings, cancellation and dispute money rules,
//! and timers driven by the caller's clock; around them, scheduling and
//! discovery, booking chat, files with permissions and expiring shares,
//! reviews, dashboards and monitoring metrics.
//!
//! The crate is a pure core: [`decide`] takes a booking and a [`Request`]
//! (who, what, when) and returns a [`Decision`] (events to append, payment
//! steps to perform with their idempotency keys) or a typed error;
//! [`Booking::apply`] folds events into state. Nothing here reads a clock, a
//! random source or does I/O.
//!
//! ```
//! use booking_core::*;
//! use chrono::{TimeDelta, TimeZone, Utc};
//!
//! let now = Utc.with_ymd_and_hms(2026, 6, 1, 9, 0, 0).unwrap();
//! let team = RevenueSplit::new(vec![
//!     SplitMember::new("creator-1", "lead", 60.into()),
//!     SplitMember::new("creator-2", "mix-engineer", 40.into()),
//! ])?;
//! let new = NewBooking::split("b-1", "client-123", team, Money::parse("1000.00 USD")?, now + TimeDelta::days(3), 120);
//! let (mut b, _hold) = Booking::create(new, now)?;
//! let as_user = |u: &str, c: Command| Request::new(Actor::user(u), c, now);
//! b.handle(as_user("creator-1", Command::Accept))?;
//! b.handle(as_user("creator-2", Command::Accept))?; // last acceptance captures
//! b.handle(as_user("creator-1", Command::Start))?;
//! // The bytes stay with you; the booking keeps the metadata (X3).
//! let mix = FileUpload::new("mix.wav", FileCategory::Final, 48_000_000, "audio/wav", "9f".repeat(32));
//! b.handle(as_user("creator-1", Command::UploadFile(mix)))?;
//! b.handle(as_user("creator-1", Command::Deliver))?; // the lead's vote passes lead-only
//! let payouts = b.handle(as_user("client-123", Command::Approve))?;
//! assert_eq!(payouts.len(), 2);
//! assert_eq!(b.ledger.paid_to(&"creator-1".into()).minor(), 60_000);
//! assert_eq!(b.ledger.paid_to(&"creator-2".into()).minor(), 40_000);
//! assert_eq!(b.payment_status, PaymentStatus::Released);
//! # Ok::<(), booking_core::Error>(())
//! ```
//!
//! ## Choices where the SPEC is silent
//!
//! - The platform fee is taken on every amount released to a team,
//!   including the part of a cancelled booking the team keeps (C2) and the
//!   released part of a dispute resolution.
//! - A release vote persists across revisions: it is the team's consent to
//!   split the money, not a review of the work. A mediator's `resume-work`
//!   starts it over.
//! - Closing (B5) is derived from the time, not stored: a booking closes by
//!   itself once settled and its review window is over.
//! - Commands dated before the booking's latest event are refused
//!   (`lifecycle.clock_went_back`): windows are measured on one timeline.
//! - Scheduling (SPEC K): two bookings of one member must be at least the
//!   larger of their two buffers apart; only the lead's working hours
//!   count (team members' own hours are not consulted); a provider who
//!   publishes none is available at all hours; a repeated wall-clock time
//!   means its first occurrence; any start inside hours may be asked for,
//!   while offered slots sit on the availability's grid. Discovery's
//!   "free at" leaves notice and advance to the booking's policy.
//! - Collaboration (SPEC X): chat messages are not booking events but live
//!   in their own store thread, ordered by time then arrival; the chat is
//!   read-only once the booking is closed (B5). File readers are roles
//!   (`client`, `provider`) plus the uploader; a share grant is personal,
//!   lasts until its expiry inclusive, and a user's new share replaces the
//!   old one; a mediator reads every file while the booking is disputed.
//!   Metrics count the bookings created in a range, judged on their whole
//!   history so far, so no rate exceeds 100 %.
//! - Percentages may have up to 8 decimals; JSON numbers with a fraction are
//!   refused for percentages and amounts alike, since they went through a
//!   float before any parser saw them.

#![deny(missing_docs)]
#![cfg_attr(not(test), deny(clippy::unwrap_used, clippy::expect_used, clippy::panic))]
#![deny(clippy::todo, clippy::unimplemented, clippy::unreachable)]

mod availability;
mod booking;
mod catalog;
mod chat;
mod command_fields;
mod currency;
mod discovery;
mod draft;
mod error;
mod escrow;
mod event;
mod files;
mod history;
mod ids;
mod kv;
mod lifecycle;
mod memory;
mod metrics;
mod money;
mod notify;
mod policy;
mod ports;
mod query;
mod quote;
mod review;
mod rfc3339;
mod schedule;
mod service;
mod shares;
mod split;
mod team;
#[cfg(feature = "testing")]
pub mod testing;
mod transitions;
mod vote;

pub use availability::{Availability, LocalWindow, ScheduleError};
pub use booking::{
    Actor, Booking, BookingKind, BookingStatus, Dispute, Party, PaymentStatus, Payout, ReleaseVote, Review, TeamChange,
};
pub use catalog::{
    CatalogError, OptionKind, Quote, QuoteLine, Selection, Service, ServiceOption, MAX_LABEL_CHARS, MAX_OPTIONS,
    MAX_SURCHARGE_BPS,
};
pub use chat::{
    check_reader, ChatError, ChatMessage, MessageCursor, MessagePage, MessageQuery, NewMessage, MAX_ATTACHMENTS,
    MAX_MESSAGE_CHARS,
};
pub use currency::Currency;
pub use discovery::{FreeAt, ServiceHit, ServiceQuery, ServiceSort};
pub use error::{from_json, Coded, Error, ErrorKind, LifecycleError};
pub use escrow::{Account, Ledger, LedgerEntry, LedgerError};
pub use event::{Decision, Event, EventKind, PaymentEffect};
pub use files::{
    BookingFile, FileCategory, FileError, FileRole, FileUpload, ShareGrant, MAX_SHARE_DAYS, MAX_SHARE_USERS,
};
pub use history::History;
pub use ids::{BookingId, FileId, IdempotencyKey, ServiceId, UserId};
pub use kv::{Kv, KvStore, MemoryKv, Versioned, Write};
pub use lifecycle::{
    allowed_commands, decide, decide_create, tick, Command, NewBooking, Request, Resolution, MAX_DURATION_MINUTES,
    MAX_PRICE_MINOR, MAX_TEXT_CHARS,
};
pub use money::{Money, MoneyError};
pub use policy::{Policy, PolicyError, RefundTier};
pub use shares::{platform_fee, MemberShare, Share, SplitWeights};
pub use split::{
    parse_percentage, Allocation, RevenueSplit, SplitError, SplitMember, LEAD_ROLE, MAX_MEMBERS,
    MAX_PERCENTAGE_DECIMALS,
};
pub use team::SplitTeam;
pub use transitions::{mermaid, transition, CommandKind, Transition, TRANSITIONS};
pub use vote::{tally, ReleaseRule, VoteOutcome};

#[cfg(feature = "tokio")]
pub use memory::TokioSleeper;
pub use memory::{test_cards, MemoryNotifier, MemoryStore, Movement, RecordingSleeper, SandboxGateway};
pub use metrics::{BookingFacts, Metrics, MetricsError, Rate, TimeRange};
pub use notify::{message_intent, notification_intents, Channel, NotificationIntent, NotificationKind, Subject};
pub use ports::{
    Appended, Commit, IdempotencyRecord, Notifier, Operation, PaymentCall, PaymentError, PaymentErrorKind,
    PaymentGateway, Sleeper, Store, StoreError,
};
pub use query::{BookingQuery, Page, SortBy, Viewer};
pub use quote::{refund_quote, RefundQuote};
pub use review::RatingSummary;
pub use schedule::{check_slot, free_slots, Occupancy, Slot, SlotRefusal};
pub use service::{
    Alternatives, BookingService, Outcome, RecoveryReport, RetryPolicy, ServiceError, SlotSearch, TickReport,
};
