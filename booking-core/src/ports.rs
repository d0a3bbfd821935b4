//! The traits the service runs the core against (SPEC O1): where bookings
//! are stored, how money moves, how people are told, and how to wait.
//!
//! The in-memory store and the sandbox gateway in [`crate::memory`] are the
//! embedded default; a real application implements these traits over its
//! database and its payment provider.

use std::sync::Arc;
use std::time::Duration;

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::availability::Availability;
use crate::booking::Booking;
use crate::catalog::Service;
use crate::chat::{ChatMessage, MessagePage, MessageQuery};
use crate::discovery::{ServiceHit, ServiceQuery};
use crate::event::{Event, PaymentEffect};
use crate::ids::{BookingId, IdempotencyKey, ServiceId, UserId};
use crate::metrics::{Metrics, TimeRange};
use crate::money::Money;
use crate::notify::NotificationIntent;
use crate::query::{BookingQuery, Page};
use crate::review::RatingSummary;
use crate::schedule::Occupancy;

/// A store failure. `Unavailable` is transient (the service retries it);
/// the rest are answers.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum StoreError {
    /// Someone else changed the booking first, or holds it for a payment in
    /// flight (O4): reload and decide again.
    #[error("booking {id} changed underneath: expected version {expected}, found {found}")]
    Conflict {
        /// The booking.
        id: BookingId,
        /// The version the writer read.
        expected: u64,
        /// The version (or open operation) found.
        found: u64,
    },
    /// A booking with this id exists already.
    #[error("booking {id} already exists")]
    Duplicate {
        /// The booking.
        id: BookingId,
    },
    /// The store cannot be reached now; try again.
    #[error("store unavailable: {message}")]
    Unavailable {
        /// What happened.
        message: String,
    },
    /// Writing the booking would double-book one of its members (SPEC K5):
    /// another active booking (or a create in flight) holds time too close
    /// to this one.
    #[error("booking {id} cannot take its slot: {member} is busy with booking {other}")]
    SlotTaken {
        /// The booking being written.
        id: BookingId,
        /// The member who is busy.
        member: UserId,
        /// The booking holding the time.
        other: BookingId,
    },
    /// The store returned something that is not a valid booking.
    #[error("store returned corrupt data: {message}")]
    Corrupt {
        /// What is wrong.
        message: String,
    },
}

impl StoreError {
    /// The stable machine code, e.g. `"store.conflict"`.
    ///
    /// ```
    /// use booking_core::StoreError;
    /// assert_eq!(StoreError::Unavailable { message: "down".into() }.code(), "store.unavailable");
    /// ```
    pub fn code(&self) -> &'static str {
        match self {
            StoreError::Conflict { .. } => "store.conflict",
            StoreError::Duplicate { .. } => "store.duplicate",
            StoreError::Unavailable { .. } => "store.unavailable",
            StoreError::SlotTaken { .. } => "store.slot_taken",
            StoreError::Corrupt { .. } => "store.corrupt",
        }
    }
}

/// What a command's idempotency key remembers (O3): the command it was
/// used with and the result it had.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct IdempotencyRecord {
    /// The caller's key.
    pub key: String,
    /// The command it was used with (booking, actor and command, as JSON).
    pub fingerprint: String,
    /// The booking.
    pub booking_id: BookingId,
    /// The events the command appended.
    pub events: Vec<Event>,
    /// The payment steps it performed.
    pub effects: Vec<PaymentEffect>,
    /// When it was recorded; stores keep records at least 24 hours.
    pub recorded_at: DateTime<Utc>,
}

/// A command whose payment steps are in flight (O5). The service records it
/// before the first payment call and closes it when it commits or rolls
/// back; while it is open, nobody else may change the booking. After a
/// crash, [`recover`](crate::BookingService::recover) finishes it. Ids are
/// unique per attempt (`<booking>@<version>#<nonce>`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Operation {
    /// `<booking>@<expected version>`.
    pub id: String,
    /// The booking.
    pub booking_id: BookingId,
    /// The booking's version when the command was decided (0 for create).
    pub expected_version: u64,
    /// The events to commit.
    pub events: Vec<Event>,
    /// The payment steps, in order.
    pub effects: Vec<PaymentEffect>,
    /// The command's idempotency record, committed with it.
    pub idempotency: Option<IdempotencyRecord>,
    /// When it started.
    pub started_at: DateTime<Utc>,
    /// Set once a step failed for good and the steps taken are being
    /// reversed: recovery then finishes the reversal instead of redoing
    /// the steps (a gateway may answer a reversed step's key with its
    /// first, successful answer).
    #[serde(default)]
    pub compensating: bool,
    /// For a create (or any command that changes who or when a booking
    /// holds): the time the booking will hold. The store claims it when the
    /// operation begins, so two creates racing for one slot never both move
    /// money (SPEC K5).
    #[serde(default)]
    pub claim: Option<Occupancy>,
}

/// An atomic write: the booking's new state and events, the operation it
/// closes, and the idempotency record it leaves.
#[derive(Debug, Clone, Copy)]
pub struct Commit<'a> {
    /// The booking after the command, shared so a store can keep it without
    /// copying.
    pub booking: &'a Arc<Booking>,
    /// The version the command was decided on (0 to insert a new booking).
    pub expected_version: u64,
    /// The events appended.
    pub events: &'a [Event],
    /// The operation this commit closes, if the command moved money.
    pub operation: Option<&'a str>,
    /// The idempotency record to keep, if the command had a key.
    pub idempotency: Option<&'a IdempotencyRecord>,
}

/// Where bookings live. Every method is one atomic step; the conformance
/// suite (`booking_core::testing`, feature `testing`) checks an
/// implementation against these rules, concurrent writers included.
#[async_trait]
pub trait Store: Send + Sync {
    /// The booking with its version, or `None`.
    async fn load(&self, id: &BookingId) -> Result<Option<Booking>, StoreError>;

    /// Writes a commit atomically. Fails with [`StoreError::Conflict`] when
    /// the stored version is not `expected_version`, when another operation
    /// is open on the booking, when the commit names an operation that is
    /// not open, or when its idempotency key is already recorded; with
    /// [`StoreError::Duplicate`] when inserting an id that exists; with
    /// [`StoreError::SlotTaken`] when the booking's [`Occupancy`] is new or
    /// changed (a create, a new team) and clashes with another active
    /// booking, or an open operation's claim, of one of its members. On
    /// success the operation (if any) is closed, and the booking holds its
    /// occupancy (none once it is no longer active).
    async fn commit(&self, commit: Commit<'_>) -> Result<(), StoreError>;

    /// Opens an operation: fails with `Conflict` if the booking is not at
    /// `expected_version` or already has an open operation (for a new
    /// booking, `Duplicate` if the id exists), and with `SlotTaken` if its
    /// [`claim`](Operation::claim) clashes as a commit's occupancy would.
    /// The claim holds until the operation commits or is abandoned.
    async fn begin(&self, operation: &Operation) -> Result<(), StoreError>;

    /// Closes an operation without committing.
    async fn abandon(&self, operation_id: &str) -> Result<(), StoreError>;

    /// Marks an open operation as rolling back (see
    /// [`Operation::compensating`]); `Conflict` if it is not open.
    async fn mark_compensating(&self, operation_id: &str) -> Result<(), StoreError>;

    /// Every open operation.
    async fn open_operations(&self) -> Result<Vec<Operation>, StoreError>;

    /// The record for a command's idempotency key.
    async fn idempotency(&self, key: &str) -> Result<Option<IdempotencyRecord>, StoreError>;

    /// Bookings matching a dashboard query, filtered, sorted and paged as
    /// [`BookingQuery`] says.
    async fn query(&self, query: &BookingQuery) -> Result<Page<Booking>, StoreError>;

    /// Ids of bookings that may have timers due (not closed): the service's
    /// `tick_all` walks them.
    async fn open_bookings(&self) -> Result<Vec<BookingId>, StoreError>;

    /// The occupancy of every active booking (and open create claim) of
    /// any of `members` whose buffered span `[start - buffer, end + buffer)`
    /// meets `[from, to)`, each booking once (SPEC K1).
    async fn busy(
        &self,
        members: &[UserId],
        from: DateTime<Utc>,
        to: DateTime<Utc>,
    ) -> Result<Vec<Occupancy>, StoreError>;

    /// Adds or replaces a service in the catalog (the caller validated it).
    async fn put_service(&self, service: &Service) -> Result<(), StoreError>;

    /// A service of the catalog.
    async fn service(&self, id: &ServiceId) -> Result<Option<Service>, StoreError>;

    /// Services matching a discovery query, as [`ServiceQuery::apply`]
    /// orders and pages them, "free at" included ([`crate::FreeAt::fits`]
    /// over the lead's availability and the members' busy time).
    async fn search_services(&self, query: &ServiceQuery) -> Result<Page<ServiceHit>, StoreError>;

    /// Sets a provider's working hours.
    async fn put_availability(&self, user: &UserId, availability: &Availability) -> Result<(), StoreError>;

    /// A provider's working hours, if published.
    async fn availability(&self, user: &UserId) -> Result<Option<Availability>, StoreError>;

    /// A provider's rating: every client review of a booking they led,
    /// counted when its commit is written.
    async fn rating(&self, user: &UserId) -> Result<RatingSummary, StoreError>;

    /// Appends a checked message to its booking's thread (X1), giving it
    /// the thread's next `seq` (from 1). If the thread already holds a
    /// message with the same idempotency key, stores nothing and returns
    /// that message, marked as a replay.
    async fn append_message(&self, message: ChatMessage) -> Result<Appended, StoreError>;

    /// A page of a booking's thread (X2): messages strictly older than the
    /// query's cursor in `(sent_at, seq)` order, newest first, as
    /// [`MessagePage::of`] cuts them.
    async fn messages(&self, booking: &BookingId, query: &MessageQuery) -> Result<MessagePage, StoreError>;

    /// The monitoring numbers (X7) over the bookings created in `range`,
    /// as [`Metrics::of`] counts them.
    async fn metrics(&self, range: &TimeRange) -> Result<Metrics, StoreError>;
}

/// A boxed store is a store, so one service type can run on a store
/// chosen at run time (`BookingService<Box<dyn Store>, _, _>`).
#[async_trait]
impl<S: Store + ?Sized> Store for Box<S> {
    async fn load(&self, id: &BookingId) -> Result<Option<Booking>, StoreError> {
        (**self).load(id).await
    }
    async fn commit(&self, commit: Commit<'_>) -> Result<(), StoreError> {
        (**self).commit(commit).await
    }
    async fn begin(&self, operation: &Operation) -> Result<(), StoreError> {
        (**self).begin(operation).await
    }
    async fn abandon(&self, operation_id: &str) -> Result<(), StoreError> {
        (**self).abandon(operation_id).await
    }
    async fn mark_compensating(&self, operation_id: &str) -> Result<(), StoreError> {
        (**self).mark_compensating(operation_id).await
    }
    async fn open_operations(&self) -> Result<Vec<Operation>, StoreError> {
        (**self).open_operations().await
    }
    async fn idempotency(&self, key: &str) -> Result<Option<IdempotencyRecord>, StoreError> {
        (**self).idempotency(key).await
    }
    async fn query(&self, query: &BookingQuery) -> Result<Page<Booking>, StoreError> {
        (**self).query(query).await
    }
    async fn open_bookings(&self) -> Result<Vec<BookingId>, StoreError> {
        (**self).open_bookings().await
    }
    async fn busy(
        &self,
        members: &[UserId],
        from: DateTime<Utc>,
        to: DateTime<Utc>,
    ) -> Result<Vec<Occupancy>, StoreError> {
        (**self).busy(members, from, to).await
    }
    async fn put_service(&self, service: &Service) -> Result<(), StoreError> {
        (**self).put_service(service).await
    }
    async fn service(&self, id: &ServiceId) -> Result<Option<Service>, StoreError> {
        (**self).service(id).await
    }
    async fn search_services(&self, query: &ServiceQuery) -> Result<Page<ServiceHit>, StoreError> {
        (**self).search_services(query).await
    }
    async fn put_availability(&self, user: &UserId, availability: &Availability) -> Result<(), StoreError> {
        (**self).put_availability(user, availability).await
    }
    async fn availability(&self, user: &UserId) -> Result<Option<Availability>, StoreError> {
        (**self).availability(user).await
    }
    async fn rating(&self, user: &UserId) -> Result<RatingSummary, StoreError> {
        (**self).rating(user).await
    }
    async fn append_message(&self, message: ChatMessage) -> Result<Appended, StoreError> {
        (**self).append_message(message).await
    }
    async fn messages(&self, booking: &BookingId, query: &MessageQuery) -> Result<MessagePage, StoreError> {
        (**self).messages(booking, query).await
    }
    async fn metrics(&self, range: &TimeRange) -> Result<Metrics, StoreError> {
        (**self).metrics(range).await
    }
}

/// What [`Store::append_message`] did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Appended {
    /// The stored message.
    pub message: ChatMessage,
    /// `true` when the key was used before and nothing was stored.
    pub replayed: bool,
}

/// Whether a payment failure is worth retrying (O2).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum PaymentErrorKind {
    /// Network, rate limit, timeout: retried with backoff.
    Retryable,
    /// Card declined, insufficient funds, expired hold: fails the command.
    Permanent,
}

/// A payment failure, classified.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error, Serialize, Deserialize)]
#[error("{code}: {message}")]
pub struct PaymentError {
    /// Retryable or permanent.
    pub kind: PaymentErrorKind,
    /// The provider's code, e.g. `"card_declined"`, `"rate_limited"`.
    pub code: String,
    /// A message a person can act on.
    pub message: String,
}

impl PaymentError {
    /// A transient failure.
    ///
    /// ```
    /// let e = booking_core::PaymentError::retryable("timeout", "the gateway did not answer");
    /// assert!(e.is_retryable());
    /// ```
    pub fn retryable(code: impl Into<String>, message: impl Into<String>) -> Self {
        PaymentError { kind: PaymentErrorKind::Retryable, code: code.into(), message: message.into() }
    }

    /// A final failure.
    ///
    /// ```
    /// let e = booking_core::PaymentError::permanent("card_declined", "the card was declined");
    /// assert!(!e.is_retryable());
    /// ```
    pub fn permanent(code: impl Into<String>, message: impl Into<String>) -> Self {
        PaymentError { kind: PaymentErrorKind::Permanent, code: code.into(), message: message.into() }
    }

    /// `true` for a retryable failure.
    ///
    /// ```
    /// assert!(booking_core::PaymentError::retryable("network", "reset").is_retryable());
    /// ```
    pub fn is_retryable(&self) -> bool {
        self.kind == PaymentErrorKind::Retryable
    }
}

/// One payment call: which booking, which step (its idempotency key), how
/// much.
#[derive(Debug, Clone, Copy)]
pub struct PaymentCall<'a> {
    /// The booking.
    pub booking_id: &'a BookingId,
    /// The step's idempotency key: a retry with it never moves money twice.
    pub key: &'a IdempotencyKey,
    /// The amount.
    pub amount: Money,
}

/// A payment provider (E5, O2). Every call carries the step's idempotency
/// key: calling again with a key already processed returns the first answer
/// and moves no money.
#[async_trait]
pub trait PaymentGateway: Send + Sync {
    /// Places a hold on the client's payment method.
    async fn authorize(&self, call: PaymentCall<'_>, payment_method: Option<&str>) -> Result<(), PaymentError>;
    /// Captures the booking's hold into the platform's escrow.
    async fn capture(&self, call: PaymentCall<'_>) -> Result<(), PaymentError>;
    /// Releases the booking's hold.
    async fn void(&self, call: PaymentCall<'_>) -> Result<(), PaymentError>;
    /// Pays a team member's connected account from escrow.
    async fn transfer(&self, call: PaymentCall<'_>, user: &UserId, account: Option<&str>) -> Result<(), PaymentError>;
    /// Refunds the client from escrow.
    async fn refund(&self, call: PaymentCall<'_>) -> Result<(), PaymentError>;
    /// Undoes the step with this key if it happened (void a hold, refund a
    /// capture, reverse a transfer); a step that never happened needs no
    /// undoing and succeeds. Used to roll back (O5).
    async fn reverse(&self, booking_id: &BookingId, step: &PaymentEffect) -> Result<(), PaymentError>;
}

/// `impl PaymentGateway` for a pointer to one, forwarding every call.
macro_rules! forward_gateway {
    ($($doc:literal)* $ptr:ident) => {
        $(#[doc = $doc])*
        #[async_trait]
        impl<G: PaymentGateway + ?Sized> PaymentGateway for $ptr<G> {
            async fn authorize(&self, call: PaymentCall<'_>, method: Option<&str>) -> Result<(), PaymentError> {
                (**self).authorize(call, method).await
            }
            async fn capture(&self, call: PaymentCall<'_>) -> Result<(), PaymentError> {
                (**self).capture(call).await
            }
            async fn void(&self, call: PaymentCall<'_>) -> Result<(), PaymentError> {
                (**self).void(call).await
            }
            async fn transfer(&self, call: PaymentCall<'_>, user: &UserId, account: Option<&str>) -> Result<(), PaymentError> {
                (**self).transfer(call, user, account).await
            }
            async fn refund(&self, call: PaymentCall<'_>) -> Result<(), PaymentError> {
                (**self).refund(call).await
            }
            async fn reverse(&self, booking_id: &BookingId, step: &PaymentEffect) -> Result<(), PaymentError> {
                (**self).reverse(booking_id, step).await
            }
        }
    };
}

forward_gateway!("A boxed gateway is a gateway, so one service type can use a gateway chosen at run time." Box);
forward_gateway!("A shared gateway is a gateway (the caller keeps a handle, say to read the sandbox's balances)." Arc);

/// Performs one payment step through a gateway.
pub(crate) async fn perform<G: PaymentGateway + ?Sized>(
    gateway: &G,
    booking_id: &BookingId,
    effect: &PaymentEffect,
) -> Result<(), PaymentError> {
    let call = |key, amount| PaymentCall { booking_id, key, amount };
    match effect {
        PaymentEffect::Authorize { key, amount, payment_method } => {
            gateway.authorize(call(key, *amount), payment_method.as_deref()).await
        }
        PaymentEffect::Capture { key, amount } => gateway.capture(call(key, *amount)).await,
        PaymentEffect::Void { key, amount } => gateway.void(call(key, *amount)).await,
        PaymentEffect::Transfer { key, amount, user_id, account } => {
            gateway.transfer(call(key, *amount), user_id, account.as_deref()).await
        }
        PaymentEffect::Refund { key, amount } => gateway.refund(call(key, *amount)).await,
    }
}

/// Receives notification intents (SPEC X4). Delivery is the notifier's
/// business: a failure to notify never fails a command.
#[async_trait]
pub trait Notifier: Send + Sync {
    /// Delivers (or queues) the intents.
    async fn notify(&self, intents: Vec<NotificationIntent>);
}

/// Waits between retries. Injected so tests never sleep.
#[async_trait]
pub trait Sleeper: Send + Sync {
    /// Waits for `delay`.
    async fn sleep(&self, delay: Duration);
}
