//! The service: runs the pure core against a [`Store`], a
//! [`PaymentGateway`] and a [`Notifier`] (SPEC O1–O6).
//!
//! A command goes load → [`decide`] → pay → commit → notify:
//!
//! - **Pay.** If the decision moves money, the service first opens an
//!   [`Operation`] in the store (a lease: nobody else may change the
//!   booking while its payments are in flight), then performs each step
//!   with its idempotency key, retrying retryable failures with exponential
//!   backoff and full jitter (O2). A permanent failure reverses the steps
//!   already taken, closes the operation and fails the command: the booking
//!   is unchanged and the parties are told of the rollback.
//! - **Commit.** The new state, its events, the operation's closing and the
//!   idempotency record are one atomic write. A stale version means someone
//!   else won: reload and decide again, a bounded number of times (O4).
//! - **Recover.** A crash between a payment call and the commit leaves the
//!   operation open; [`BookingService::recover`] finishes it by redoing its
//!   steps (the gateway answers a repeated key without moving money) and
//!   committing, or rolls it back (O5).

use std::sync::{Arc, Mutex};
use std::time::Duration;

use chrono::{DateTime, Utc};
use serde::Serialize;

use crate::booking::{Actor, Booking, BookingStatus};
use crate::catalog::CatalogError;
use crate::chat::ChatError;
use crate::error::LifecycleError;
use crate::event::{Decision, Event, EventKind, PaymentEffect};
use crate::files::FileError;
use crate::ids::{BookingId, ServiceId, UserId};
use crate::lifecycle::{decide, decide_create, tick, Command, NewBooking, Request};
use crate::money::Money;
use crate::notify::notification_intents;
use crate::ports::{
    perform, Commit, IdempotencyRecord, Notifier, Operation, PaymentError, PaymentGateway, Sleeper, Store, StoreError,
};
use crate::query::{BookingQuery, Page, SortBy};
use crate::schedule::{Occupancy, SlotRefusal};
use crate::split::RevenueSplit;

mod collab;
mod market;
pub use market::{Alternatives, SlotSearch};

/// Retries for payment calls and store writes that fail transiently (O2):
/// attempt `n` (from 0) waits a uniformly random time in
/// `[0, min(cap, base × factor^n)]` (full jitter).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RetryPolicy {
    /// Attempts in all, the first included (default 5).
    pub max_attempts: u32,
    /// First backoff ceiling (default 200 ms).
    pub base: Duration,
    /// Growth per attempt (default 2).
    pub factor: u32,
    /// Largest ceiling (default 10 s).
    pub cap: Duration,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        RetryPolicy { max_attempts: 5, base: Duration::from_millis(200), factor: 2, cap: Duration::from_secs(10) }
    }
}

impl RetryPolicy {
    /// The backoff ceiling before retry `attempt` (0-based).
    ///
    /// ```
    /// use std::time::Duration;
    /// let p = booking_core::RetryPolicy::default();
    /// assert_eq!(p.ceiling(0), Duration::from_millis(200));
    /// assert_eq!(p.ceiling(3), Duration::from_millis(1600));
    /// assert_eq!(p.ceiling(20), Duration::from_secs(10));
    /// ```
    pub fn ceiling(&self, attempt: u32) -> Duration {
        let growth = self.factor.checked_pow(attempt).unwrap_or(u32::MAX);
        self.base.checked_mul(growth).unwrap_or(self.cap).min(self.cap)
    }
}

/// Why a service call failed. Every variant has a stable code.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ServiceError {
    /// The core refused the command; nothing changed.
    #[error(transparent)]
    Lifecycle(#[from] LifecycleError),
    /// No booking with this id.
    #[error("booking {id} not found")]
    NotFound {
        /// The booking.
        id: BookingId,
    },
    /// A payment step failed for good (declined, or still failing after
    /// every retry). The booking is unchanged; steps already taken were
    /// reversed if `rolled_back`, else `recover()` will finish reversing.
    #[error("payment step {step} failed: {error}")]
    Payment {
        /// The step's idempotency key.
        step: String,
        /// The gateway's answer.
        error: PaymentError,
        /// Whether every earlier step was reversed.
        rolled_back: bool,
    },
    /// The store failed.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// Others kept changing the booking; gave up after this many tries.
    #[error("booking {id} kept changing underneath; gave up after {attempts} attempts")]
    Contention {
        /// The booking.
        id: BookingId,
        /// Attempts made.
        attempts: u32,
    },
    /// The idempotency key was used before with a different command (O3).
    #[error("idempotency key {key:?} was already used for a different command")]
    IdempotencyMismatch {
        /// The key.
        key: String,
    },
    /// The slot cannot be booked (SPEC K3); alternatives are offered (K4).
    #[error("{refusal} ({} other times and {} other providers suggested)", alternatives.slots.len(), alternatives.providers.len())]
    Unavailable {
        /// Why.
        refusal: SlotRefusal,
        /// Free times nearby and other providers free at the time asked.
        alternatives: Box<Alternatives>,
    },
    /// No catalog service with this id.
    #[error("service {id} not found in the catalog")]
    ServiceNotFound {
        /// The service.
        id: ServiceId,
    },
    /// A catalog entry or a quote is invalid.
    #[error(transparent)]
    Catalog(#[from] CatalogError),
    /// A chat message or page was refused (X1, X2).
    #[error(transparent)]
    Chat(#[from] ChatError),
    /// A file may not be read (X3).
    #[error(transparent)]
    File(#[from] FileError),
}

impl ServiceError {
    /// The stable machine code: the core's codes, `"payment.declined"`
    /// (a permanent failure), `"payment.unavailable"` (retries exhausted),
    /// `"store.*"`, `"service.not_found"`, `"service.contention"`,
    /// `"idempotency.mismatch"`, `"schedule.*"` (the refusal's code),
    /// `"catalog.*"`, `"chat.*"`, `"file.*"`.
    ///
    /// ```
    /// use booking_core::ServiceError;
    /// assert_eq!(ServiceError::NotFound { id: "b".into() }.code(), "service.not_found");
    /// ```
    pub fn code(&self) -> &'static str {
        match self {
            ServiceError::Lifecycle(e) => e.code(),
            ServiceError::NotFound { .. } => "service.not_found",
            ServiceError::Payment { error, .. } if error.is_retryable() => "payment.unavailable",
            ServiceError::Payment { .. } => "payment.declined",
            ServiceError::Store(e) => e.code(),
            ServiceError::Contention { .. } => "service.contention",
            ServiceError::IdempotencyMismatch { .. } => "idempotency.mismatch",
            ServiceError::Unavailable { refusal, .. } => refusal.code(),
            ServiceError::ServiceNotFound { .. } => "catalog.not_found",
            ServiceError::Catalog(e) => e.code(),
            ServiceError::Chat(e) => e.code(),
            ServiceError::File(e) => e.code(),
        }
    }
}

/// What a command did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Outcome {
    /// The booking after the command (the current state, for a replay),
    /// shared with the store.
    pub booking: Arc<Booking>,
    /// The events it appended.
    pub events: Vec<Event>,
    /// The payment steps it performed.
    pub effects: Vec<PaymentEffect>,
    /// `true` when this was an idempotent replay: nothing happened again.
    pub replayed: bool,
}

/// What [`BookingService::recover`] did.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct RecoveryReport {
    /// Operations whose commit had landed; only closed.
    pub already_committed: usize,
    /// Operations completed: steps redone idempotently, then committed.
    pub completed: usize,
    /// Operations rolled back.
    pub rolled_back: usize,
    /// Operations left open (a step could not be redone or undone yet).
    pub still_open: usize,
}

/// What [`BookingService::tick`] did.
#[derive(Debug, Default)]
pub struct TickReport {
    /// The timer commands that ran.
    pub outcomes: Vec<Outcome>,
    /// Timer commands that failed (a payment step, say), by booking.
    pub failures: Vec<(BookingId, ServiceError)>,
}

/// The booking service: the seed's `createSplitBooking`,
/// `updateBookingStatus`, `requestRevision`, `releaseFunds`,
/// `distributeSplitPayment`, `getProviderBookings` and `getClientBookings`,
/// and a general [`BookingService::execute`] for every command.
///
/// ```
/// use booking_core::*;
/// use chrono::{TimeDelta, TimeZone, Utc};
/// # tokio::runtime::Builder::new_current_thread().enable_time().build().unwrap().block_on(async {
/// let service = BookingService::in_memory();
/// let now = Utc.with_ymd_and_hms(2026, 6, 1, 9, 0, 0).unwrap();
/// let new = NewBooking::solo("b-1", "client", "lead", Money::parse("80.00 USD")?, now + TimeDelta::days(3), 60);
/// service.create(new, now, None).await?;
/// let out = service.execute(&"b-1".into(), Request::new(Actor::user("lead"), Command::Confirm, now), None).await?;
/// assert_eq!(out.booking.status, BookingStatus::Confirmed);
/// assert_eq!(service.gateway().held_for(&"b-1".into()), 8_000);
/// # Ok::<(), ServiceError>(()) }).unwrap();
/// ```
pub struct BookingService<S, G, N> {
    store: S,
    gateway: G,
    notifier: N,
    sleeper: Arc<dyn Sleeper>,
    retry: RetryPolicy,
    max_conflicts: u32,
    lease: chrono::TimeDelta,
    rng: Mutex<u64>,
}

/// What recovery did with one operation.
enum Recovered {
    AlreadyCommitted,
    Completed,
    RolledBack,
    StillOpen,
}

#[cfg(feature = "tokio")]
impl BookingService<crate::MemoryStore, crate::SandboxGateway, crate::MemoryNotifier> {
    /// The embedded default: in-memory store, sandbox payments, a recording
    /// notifier, real (tokio) sleeps between retries.
    ///
    /// ```
    /// let service = booking_core::BookingService::in_memory();
    /// assert!(service.notifier().sent().is_empty());
    /// ```
    pub fn in_memory() -> Self {
        BookingService::new(
            crate::MemoryStore::new(),
            crate::SandboxGateway::new(),
            crate::MemoryNotifier::new(),
            crate::TokioSleeper,
        )
    }
}

impl<S: Store, G: PaymentGateway, N: Notifier> BookingService<S, G, N> {
    /// A service over these parts, with the default retry policy.
    ///
    /// ```
    /// use booking_core::*;
    /// let s = BookingService::new(MemoryStore::new(), SandboxGateway::new(), MemoryNotifier::new(), RecordingSleeper::new());
    /// assert_eq!(s.retry_policy().max_attempts, 5);
    /// ```
    pub fn new(store: S, gateway: G, notifier: N, sleeper: impl Sleeper + 'static) -> Self {
        BookingService {
            store,
            gateway,
            notifier,
            sleeper: Arc::new(sleeper),
            retry: RetryPolicy::default(),
            max_conflicts: 8,
            lease: chrono::TimeDelta::minutes(5),
            rng: Mutex::new(0x9E37_79B9_7F4A_7C15),
        }
    }

    /// Sets the retry policy.
    ///
    /// ```
    /// use booking_core::*;
    /// let p = RetryPolicy { max_attempts: 2, ..RetryPolicy::default() };
    /// let s = BookingService::in_memory().with_retry(p);
    /// assert_eq!(s.retry_policy().max_attempts, 2);
    /// ```
    pub fn with_retry(mut self, retry: RetryPolicy) -> Self {
        self.retry = RetryPolicy { max_attempts: retry.max_attempts.max(1), ..retry };
        self
    }

    /// How long an operation may be in flight before [`recover`] treats
    /// it as abandoned by a crash (default 5 minutes, measured on the
    /// callers' clock: the `now` of the command that opened it).
    ///
    /// [`recover`]: BookingService::recover
    ///
    /// ```
    /// let _ = booking_core::BookingService::in_memory().with_lease(chrono::TimeDelta::minutes(1));
    /// ```
    pub fn with_lease(mut self, lease: chrono::TimeDelta) -> Self {
        self.lease = lease;
        self
    }

    /// Seeds the jitter (the default seed is fixed, so runs repeat).
    ///
    /// ```
    /// let _ = booking_core::BookingService::in_memory().with_seed(7);
    /// ```
    pub fn with_seed(self, seed: u64) -> Self {
        if let Ok(mut rng) = self.rng.lock() {
            *rng = seed | 1;
        }
        self
    }

    /// The retry policy.
    pub fn retry_policy(&self) -> RetryPolicy {
        self.retry
    }

    /// The store.
    pub fn store(&self) -> &S {
        &self.store
    }

    /// The payment gateway.
    pub fn gateway(&self) -> &G {
        &self.gateway
    }

    /// The notifier.
    pub fn notifier(&self) -> &N {
        &self.notifier
    }

    /// Creates a booking and authorizes its hold (E2). With an
    /// idempotency key, a repeat returns the first result (O3).
    ///
    /// ```
    /// use booking_core::*;
    /// use chrono::{TimeDelta, TimeZone, Utc};
    /// # tokio::runtime::Builder::new_current_thread().enable_time().build().unwrap().block_on(async {
    /// let service = BookingService::in_memory();
    /// let now = Utc.with_ymd_and_hms(2026, 6, 1, 9, 0, 0).unwrap();
    /// let new = NewBooking::solo("b-1", "client", "lead", Money::parse("80.00 USD")?, now + TimeDelta::days(3), 60);
    /// let first = service.create(new.clone(), now, Some("req-1")).await?;
    /// let again = service.create(new, now, Some("req-1")).await?;
    /// assert!(!first.replayed && again.replayed);
    /// # Ok::<(), ServiceError>(()) }).unwrap();
    /// ```
    pub async fn create(
        &self,
        new: NewBooking,
        now: DateTime<Utc>,
        idempotency_key: Option<&str>,
    ) -> Result<Outcome, ServiceError> {
        let id = new.id.clone();
        let fingerprint = idempotency_key.map(|_| fingerprint(&("create", &new))).unwrap_or_default();
        if let Some(replay) = self.replay(idempotency_key, &fingerprint, &id).await? {
            return Ok(replay);
        }
        let decision = decide_create(new.clone(), now)?;
        self.check_slot(&new, now).await?;
        let record = self.record(idempotency_key, fingerprint.clone(), &id, &decision, now);
        match self.run(&id, None, decision, now, record).await {
            // A racing request with the same key may have created it first.
            Err(e @ ServiceError::Store(StoreError::Duplicate { .. } | StoreError::Conflict { .. })) => {
                self.replay(idempotency_key, &fingerprint, &id).await?.ok_or(e)
            }
            // A racing request for an overlapping slot won (K5).
            Err(ServiceError::Store(StoreError::SlotTaken { member, other, .. })) => {
                Err(self.unavailable(&new, SlotRefusal::Overlaps { member, booking_id: other }, now).await)
            }
            other => other,
        }
    }

    /// Runs one command on a booking. Conflicts with concurrent writers are
    /// retried by reloading and deciding again (O4).
    pub async fn execute(
        &self,
        id: &BookingId,
        request: Request,
        idempotency_key: Option<&str>,
    ) -> Result<Outcome, ServiceError> {
        let fingerprint =
            idempotency_key.map(|_| fingerprint(&(id, &request.actor, &request.command))).unwrap_or_default();
        for attempt in 0..self.max_conflicts {
            if attempt > 0 {
                // Someone else is writing (or paying) on this booking: give
                // them time before deciding again.
                self.sleeper.sleep(self.jitter(attempt - 1)).await;
            }
            if let Some(replay) = self.replay(idempotency_key, &fingerprint, id).await? {
                return Ok(replay);
            }
            let before = self.load(id).await?;
            let decision = decide(&before, &request)?;
            let record = self.record(idempotency_key, fingerprint.clone(), id, &decision, request.at);
            match self.run(id, Some(before), decision, request.at, record).await {
                Err(ServiceError::Store(StoreError::Conflict { .. })) => continue,
                other => return other,
            }
        }
        Err(ServiceError::Contention { id: id.clone(), attempts: self.max_conflicts })
    }

    /// The booking.
    pub async fn get(&self, id: &BookingId) -> Result<Booking, ServiceError> {
        self.load(id).await
    }

    /// Runs every timer that is due at `now` on every open booking (SPEC T).
    ///
    /// ```
    /// use booking_core::*;
    /// use chrono::{TimeDelta, TimeZone, Utc};
    /// # tokio::runtime::Builder::new_current_thread().enable_time().build().unwrap().block_on(async {
    /// let service = BookingService::in_memory();
    /// let now = Utc.with_ymd_and_hms(2026, 6, 1, 9, 0, 0).unwrap();
    /// let new = NewBooking::solo("b-1", "client", "lead", Money::parse("80.00 USD")?, now + TimeDelta::days(3), 60);
    /// service.create(new, now, None).await?;
    /// let report = service.tick(now + TimeDelta::hours(48)).await?; // T1: nobody answered
    /// assert_eq!(report.outcomes[0].booking.status, BookingStatus::Cancelled);
    /// # Ok::<(), ServiceError>(()) }).unwrap();
    /// ```
    pub async fn tick(&self, now: DateTime<Utc>) -> Result<TickReport, ServiceError> {
        let mut report = TickReport::default();
        for id in self.retry_store(|| self.store.open_bookings()).await? {
            let booking = match self.retry_store(|| self.store.load(&id)).await {
                Ok(Some(b)) => b,
                Ok(None) => continue,
                Err(e) => {
                    // One unreadable booking must not stop every other timer.
                    report.failures.push((id.clone(), e.into()));
                    continue;
                }
            };
            for request in tick(&booking, now) {
                match self.execute(&id, request, None).await {
                    Ok(outcome) => report.outcomes.push(outcome),
                    // Someone acted first: the timer is no longer due.
                    Err(ServiceError::Lifecycle(_)) => {}
                    Err(e) => report.failures.push((id.clone(), e)),
                }
            }
        }
        Ok(report)
    }

    /// Finishes every operation a crash left open (O5): one whose commit
    /// landed is closed; one whose booking has not moved is completed (its
    /// steps redone by key, which moves no money twice, then committed) or,
    /// if a step fails for good, rolled back; one whose booking moved on is
    /// rolled back. Parties are told of every rollback.
    ///
    /// ```
    /// use booking_core::*;
    /// use chrono::{TimeDelta, TimeZone, Utc};
    /// # tokio::runtime::Builder::new_current_thread().enable_time().build().unwrap().block_on(async {
    /// let service = BookingService::in_memory();
    /// let now = Utc.with_ymd_and_hms(2026, 6, 1, 9, 0, 0).unwrap();
    /// let new = NewBooking::solo("b-1", "client", "lead", Money::parse("80.00 USD")?, now + TimeDelta::days(3), 60);
    /// service.create(new, now, None).await?;
    /// assert_eq!(service.recover(now + TimeDelta::hours(1)).await?, RecoveryReport::default()); // nothing in flight
    /// # Ok::<(), ServiceError>(()) }).unwrap();
    /// ```
    pub async fn recover(&self, now: DateTime<Utc>) -> Result<RecoveryReport, ServiceError> {
        let mut report = RecoveryReport::default();
        for op in self.retry_store(|| self.store.open_operations()).await? {
            if now < crate::booking::later(op.started_at, self.lease) {
                continue; // may still be in flight
            }
            match self.recover_one(&op).await {
                Ok(Recovered::AlreadyCommitted) => report.already_committed += 1,
                Ok(Recovered::Completed) => report.completed += 1,
                Ok(Recovered::RolledBack) => report.rolled_back += 1,
                Ok(Recovered::StillOpen) | Err(_) => report.still_open += 1,
            }
        }
        Ok(report)
    }

    async fn recover_one(&self, op: &Operation) -> Result<Recovered, ServiceError> {
        let current = self.retry_store(|| self.store.load(&op.booking_id)).await?;
        let start = usize::try_from(op.expected_version).unwrap_or(usize::MAX);
        let landed = current.as_ref().is_some_and(|b| {
            b.history.len() >= start.saturating_add(op.events.len())
                && b.history.since(start).zip(&op.events).all(|(a, b)| a == b)
        });
        if landed {
            self.retry_store(|| self.store.abandon(&op.id)).await?;
            return Ok(Recovered::AlreadyCommitted);
        }
        let fresh = current.as_ref().map_or(op.expected_version == 0, |b| b.version == op.expected_version);
        if !fresh {
            // The booking moved on without this operation (its lease was
            // broken): undo whatever of it happened.
            if !self.undo(&op.booking_id, &op.effects).await {
                return Ok(Recovered::StillOpen);
            }
            self.retry_store(|| self.store.abandon(&op.id)).await?;
            return Ok(Recovered::RolledBack);
        }
        if op.compensating {
            return self.roll_back(op, current, None).await;
        }
        match self.pay(&op.booking_id, &op.effects).await {
            Ok(()) => {
                let after = Arc::new(match current {
                    Some(mut b) => b.apply_all(op.events.clone()).map(|_| b),
                    None => Booking::replay(op.events.clone()),
                }?);
                let commit = Commit {
                    booking: &after,
                    expected_version: op.expected_version,
                    events: &op.events,
                    operation: Some(&op.id),
                    idempotency: op.idempotency.as_ref(),
                };
                self.retry_store(|| self.store.commit(commit)).await?;
                self.notifier.notify(notification_intents(&after, &op.events)).await;
                Ok(Recovered::Completed)
            }
            Err(failure) => self.roll_back(op, current, Some(failure)).await,
        }
    }

    /// Bookings for a dashboard query.
    ///
    /// ```
    /// use booking_core::*;
    /// use chrono::{TimeDelta, TimeZone, Utc};
    /// # tokio::runtime::Builder::new_current_thread().enable_time().build().unwrap().block_on(async {
    /// let service = BookingService::in_memory();
    /// let now = Utc.with_ymd_and_hms(2026, 6, 1, 9, 0, 0).unwrap();
    /// let new = NewBooking::solo("b-1", "client", "lead", Money::parse("80.00 USD")?, now + TimeDelta::days(3), 60);
    /// service.create(new, now, None).await?;
    /// let page = service.query(&BookingQuery::client("client")).await?;
    /// assert_eq!(page.total, 1);
    /// # Ok::<(), ServiceError>(()) }).unwrap();
    /// ```
    pub async fn query(&self, query: &BookingQuery) -> Result<Page<Booking>, ServiceError> {
        Ok(self.retry_store(|| self.store.query(query)).await?)
    }

    /// The seed's `createSplitBooking`: a team booking whose provider is
    /// the split's lead.
    #[allow(clippy::too_many_arguments)]
    pub async fn create_split_booking(
        &self,
        id: impl Into<BookingId>,
        client: impl Into<UserId>,
        team: RevenueSplit,
        price: Money,
        scheduled_date: DateTime<Utc>,
        estimated_duration_minutes: u32,
        now: DateTime<Utc>,
    ) -> Result<Outcome, ServiceError> {
        let new = NewBooking::split(id, client, team, price, scheduled_date, estimated_duration_minutes);
        self.create(new, now, None).await
    }

    /// The seed's `updateBookingStatus(id, status, {updatedBy, notes})` (B4).
    pub async fn update_booking_status(
        &self,
        id: &BookingId,
        status: BookingStatus,
        updated_by: Actor,
        notes: Option<String>,
        now: DateTime<Utc>,
    ) -> Result<Outcome, ServiceError> {
        let booking = self.load(id).await?;
        let request = Request::status_update(&booking, status, updated_by, now, notes)?;
        self.execute(id, request, None).await
    }

    /// The seed's `requestRevision(id, {feedback})`.
    pub async fn request_revision(
        &self,
        id: &BookingId,
        client: impl Into<UserId>,
        feedback: impl Into<String>,
        now: DateTime<Utc>,
    ) -> Result<Outcome, ServiceError> {
        let command = Command::RequestRevision { feedback: feedback.into() };
        self.execute(id, Request::new(Actor::User(client.into()), command, now), None).await
    }

    /// The seed's `releaseFunds(id, {approved: true, approvedBy})`: the
    /// client's approval, which releases escrow (after the team's vote on a
    /// split booking).
    pub async fn release_funds(
        &self,
        id: &BookingId,
        approved_by: impl Into<UserId>,
        now: DateTime<Utc>,
    ) -> Result<Outcome, ServiceError> {
        self.execute(id, Request::new(Actor::User(approved_by.into()), Command::Approve, now), None).await
    }

    /// The seed's `distributeSplitPayment(id)`: the lead pays out the team's
    /// pending balance (`autoSplit: false`).
    pub async fn distribute_split_payment(
        &self,
        id: &BookingId,
        lead: impl Into<UserId>,
        now: DateTime<Utc>,
    ) -> Result<Outcome, ServiceError> {
        self.execute(id, Request::new(Actor::User(lead.into()), Command::Distribute, now), None).await
    }

    /// The seed's `getProviderBookings(user, {status, sortBy})`.
    pub async fn get_provider_bookings(
        &self,
        user: impl Into<UserId>,
        statuses: &[BookingStatus],
        sort_by: SortBy,
    ) -> Result<Page<Booking>, ServiceError> {
        self.query(&BookingQuery::provider(user).with_statuses(statuses).sorted_by(sort_by)).await
    }

    /// The seed's `getClientBookings(user, {includeCompleted, sortBy})`.
    pub async fn get_client_bookings(
        &self,
        user: impl Into<UserId>,
        include_completed: bool,
        sort_by: SortBy,
    ) -> Result<Page<Booking>, ServiceError> {
        self.query(&BookingQuery::client(user).including_completed(include_completed).sorted_by(sort_by)).await
    }

    async fn load(&self, id: &BookingId) -> Result<Booking, ServiceError> {
        self.retry_store(|| self.store.load(id)).await?.ok_or_else(|| ServiceError::NotFound { id: id.clone() })
    }

    async fn replay(
        &self,
        key: Option<&str>,
        fingerprint: &str,
        id: &BookingId,
    ) -> Result<Option<Outcome>, ServiceError> {
        let Some(key) = key else { return Ok(None) };
        let Some(record) = self.retry_store(|| self.store.idempotency(key)).await? else { return Ok(None) };
        if record.fingerprint != fingerprint || &record.booking_id != id {
            return Err(ServiceError::IdempotencyMismatch { key: key.to_owned() });
        }
        let booking = Arc::new(self.load(id).await?);
        Ok(Some(Outcome { booking, events: record.events, effects: record.effects, replayed: true }))
    }

    fn record(
        &self,
        key: Option<&str>,
        fingerprint: String,
        id: &BookingId,
        decision: &Decision,
        now: DateTime<Utc>,
    ) -> Option<IdempotencyRecord> {
        key.map(|key| IdempotencyRecord {
            key: key.to_owned(),
            fingerprint,
            booking_id: id.clone(),
            events: decision.events.clone(),
            effects: decision.effects.clone(),
            recorded_at: now,
        })
    }

    /// Pays (if needed) and commits one decision.
    async fn run(
        &self,
        id: &BookingId,
        before: Option<Booking>,
        decision: Decision,
        now: DateTime<Utc>,
        record: Option<IdempotencyRecord>,
    ) -> Result<Outcome, ServiceError> {
        let expected_version = before.as_ref().map_or(0, |b| b.version);
        let moves_money = !decision.effects.is_empty();
        // Kept only when money moves: a rollback records the failure on it.
        let unchanged = if moves_money { before.clone() } else { None };
        let after = Arc::new(match before {
            Some(mut b) => {
                b.apply_all(decision.events.clone())?;
                b
            }
            None => Booking::replay(decision.events.clone())?,
        });
        let op_id =
            if moves_money { format!("{id}@{expected_version}#{:016x}", self.next_random()) } else { String::new() };
        if moves_money {
            let op = Operation {
                id: op_id.clone(),
                booking_id: id.clone(),
                expected_version,
                events: decision.events.clone(),
                effects: decision.effects.clone(),
                idempotency: record.clone(),
                started_at: now,
                compensating: false,
                // A create (or a new team) claims its slot before any money
                // moves (K5).
                claim: Occupancy::of(&after).filter(|o| unchanged.as_ref().and_then(Occupancy::of).as_ref() != Some(o)),
            };
            self.retry_store(|| self.store.begin(&op)).await?;
            if let Err(failure) = self.pay(id, &decision.effects).await {
                let rolled_back = self.roll_back(&op, unchanged, Some(failure.clone())).await;
                let (step, error) = failure;
                return Err(ServiceError::Payment {
                    step,
                    error,
                    rolled_back: matches!(rolled_back, Ok(Recovered::RolledBack)),
                });
            }
        }
        let commit = Commit {
            booking: &after,
            expected_version,
            events: &decision.events,
            operation: moves_money.then_some(op_id.as_str()),
            idempotency: record.as_ref(),
        };
        self.retry_store(|| self.store.commit(commit)).await?;
        self.notifier.notify(notification_intents(&after, &decision.events)).await;
        Ok(Outcome { booking: after, events: decision.events, effects: decision.effects, replayed: false })
    }

    /// Rolls an operation back: marks it compensating (so a crash from here
    /// on is finished by reversing, never by redoing), reverses every step
    /// (a step that never happened needs nothing), and commits the failure
    /// on the booking, closing the operation. The booking's status and
    /// money stay as they were; its version moves on, so a new attempt gets
    /// new idempotency keys. A create that fails leaves its booking
    /// recorded as cancelled with a failed payment, so its id is not reused.
    async fn roll_back(
        &self,
        op: &Operation,
        before: Option<Booking>,
        failure: Option<(String, PaymentError)>,
    ) -> Result<Recovered, ServiceError> {
        if !op.compensating {
            self.retry_store(|| self.store.mark_compensating(&op.id)).await?;
        }
        if !self.undo(&op.booking_id, &op.effects).await {
            return Ok(Recovered::StillOpen);
        }
        let (step, code, message) = match failure {
            Some((step, e)) => (step, e.code, e.message),
            None => (
                String::new(),
                "rolled_back".to_owned(),
                "a crash interrupted the rollback; it was finished".to_owned(),
            ),
        };
        let event = |kind| Event { at: op.started_at, actor: Actor::System, notes: None, kind };
        let failed = event(EventKind::PaymentFailed { step, code, message });
        let (booking, events) = match before {
            Some(mut b) => {
                b.apply_all([failed.clone()])?;
                (b, vec![failed])
            }
            None => {
                // A create: record the booking as cancelled, its payment failed.
                let created = Booking::replay(op.events.clone())?;
                let mut events = op.events.clone();
                events.push(failed);
                events.push(event(EventKind::StatusChanged { from: created.status, to: BookingStatus::Cancelled }));
                events.push(event(EventKind::PaymentStatusChanged {
                    from: created.payment_status,
                    to: crate::PaymentStatus::Failed,
                }));
                (Booking::replay(events.clone())?, events)
            }
        };
        let booking = Arc::new(booking);
        let commit = Commit {
            booking: &booking,
            expected_version: op.expected_version,
            events: &events,
            operation: Some(&op.id),
            idempotency: None,
        };
        self.retry_store(|| self.store.commit(commit)).await?;
        self.notifier.notify(notification_intents(&booking, &events)).await;
        Ok(Recovered::RolledBack)
    }

    /// Performs the steps in order, each retried as the policy says; the
    /// first that fails for good is returned with its key.
    async fn pay(&self, id: &BookingId, effects: &[PaymentEffect]) -> Result<(), (String, PaymentError)> {
        for effect in effects {
            self.retry_payment(|| perform(&self.gateway, id, effect))
                .await
                .map_err(|e| (effect.key().to_owned(), e))?;
        }
        Ok(())
    }

    /// Reverses `effects`, last first; `true` if every one is undone.
    async fn undo(&self, id: &BookingId, effects: &[PaymentEffect]) -> bool {
        let mut all = true;
        for effect in effects.iter().rev() {
            if self.retry_payment(|| self.gateway.reverse(id, effect)).await.is_err() {
                all = false;
            }
        }
        all
    }

    fn next_random(&self) -> u64 {
        let Ok(mut state) = self.rng.lock() else { return 0 };
        *state ^= *state << 13;
        *state ^= *state >> 7;
        *state ^= *state << 17;
        *state
    }

    fn jitter(&self, attempt: u32) -> Duration {
        let ceiling = self.retry.ceiling(attempt);
        let nanos = u64::try_from(ceiling.as_nanos()).unwrap_or(u64::MAX);
        let random = self.next_random();
        Duration::from_nanos(nanos.checked_add(1).map_or(random, |n| random % n))
    }

    async fn retry_payment<F, Fut>(&self, call: F) -> Result<(), PaymentError>
    where
        F: FnMut() -> Fut,
        Fut: std::future::Future<Output = Result<(), PaymentError>>,
    {
        self.retry(call, PaymentError::is_retryable).await
    }

    async fn retry_store<T, F, Fut>(&self, call: F) -> Result<T, StoreError>
    where
        F: FnMut() -> Fut,
        Fut: std::future::Future<Output = Result<T, StoreError>>,
    {
        self.retry(call, |e| matches!(e, StoreError::Unavailable { .. })).await
    }

    /// Calls until success, a failure `retryable` rejects, or the policy's
    /// attempts run out, sleeping a jittered backoff between attempts (O2).
    async fn retry<T, E, F, Fut>(&self, mut call: F, retryable: impl Fn(&E) -> bool) -> Result<T, E>
    where
        F: FnMut() -> Fut,
        Fut: std::future::Future<Output = Result<T, E>>,
    {
        let mut attempt = 0;
        loop {
            match call().await {
                Err(e) if retryable(&e) && attempt + 1 < self.retry.max_attempts => {
                    self.sleeper.sleep(self.jitter(attempt)).await;
                    attempt += 1;
                }
                other => return other,
            }
        }
    }
}

impl From<crate::MoneyError> for ServiceError {
    fn from(e: crate::MoneyError) -> Self {
        ServiceError::Lifecycle(LifecycleError::Money(e))
    }
}

fn fingerprint(value: &impl Serialize) -> String {
    serde_json::to_string(value).unwrap_or_default()
}
