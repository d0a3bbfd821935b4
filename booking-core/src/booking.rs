//! The booking entity, its statuses and the actors that act on it (SPEC B).
//!
//! A [`Booking`] is state: it changes only by folding [`Event`]s into it
//! ([`Booking::apply`]), and events come only from
//! [`decide`](crate::decide). Its fields are public to read; changing them by
//! hand voids the guarantees the lifecycle gives.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;
use std::sync::Arc;

use chrono::{DateTime, TimeDelta, Utc};
use serde::{Deserialize, Serialize};

use crate::escrow::{Account, Ledger};
use crate::files::BookingFile;
use crate::history::History;
use crate::ids::{BookingId, ServiceId, UserId};
use crate::money::Money;
use crate::policy::Policy;
use crate::split::RevenueSplit;
use crate::vote::VoteOutcome;

/// `at + by`, saturating at the end of time instead of panicking: a policy
/// or a booking read from JSON may carry absurd values.
pub(crate) fn later(at: DateTime<Utc>, by: TimeDelta) -> DateTime<Utc> {
    at.checked_add_signed(by).unwrap_or(DateTime::<Utc>::MAX_UTC)
}

/// Where a booking is in its lifecycle (the seed's statuses).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum BookingStatus {
    /// Awaiting the provider's (and the team's) confirmation.
    Pending,
    /// Accepted; the payment is held in escrow.
    Confirmed,
    /// Work has started.
    InProgress,
    /// The client asked for changes.
    Revision,
    /// Work delivered, awaiting the client's approval.
    Completed,
    /// The client approved; payment released (or releasing on a team vote).
    Approved,
    /// Cancelled or declined.
    Cancelled,
    /// A dispute is open; escrow is frozen.
    Disputed,
}

impl BookingStatus {
    /// Every status, in lifecycle order.
    pub const ALL: [BookingStatus; 8] = [
        BookingStatus::Pending,
        BookingStatus::Confirmed,
        BookingStatus::InProgress,
        BookingStatus::Revision,
        BookingStatus::Completed,
        BookingStatus::Approved,
        BookingStatus::Cancelled,
        BookingStatus::Disputed,
    ];

    /// The seed's spelling: `"in-progress"`.
    ///
    /// ```
    /// assert_eq!(booking_core::BookingStatus::InProgress.as_str(), "in-progress");
    /// ```
    pub fn as_str(self) -> &'static str {
        match self {
            BookingStatus::Pending => "pending",
            BookingStatus::Confirmed => "confirmed",
            BookingStatus::InProgress => "in-progress",
            BookingStatus::Revision => "revision",
            BookingStatus::Completed => "completed",
            BookingStatus::Approved => "approved",
            BookingStatus::Cancelled => "cancelled",
            BookingStatus::Disputed => "disputed",
        }
    }

    /// Parses the seed's spelling.
    ///
    /// ```
    /// use booking_core::BookingStatus;
    /// assert_eq!(BookingStatus::parse("revision"), Some(BookingStatus::Revision));
    /// ```
    pub fn parse(s: &str) -> Option<BookingStatus> {
        BookingStatus::ALL.into_iter().find(|st| st.as_str() == s)
    }

    /// `true` for the statuses that will occupy a calendar (what scheduling,
    /// SPEC K3, counts as active): pending,
    /// confirmed, in-progress and revision.
    ///
    /// ```
    /// assert!(booking_core::BookingStatus::Pending.is_active());
    /// ```
    pub fn is_active(self) -> bool {
        matches!(
            self,
            BookingStatus::Pending | BookingStatus::Confirmed | BookingStatus::InProgress | BookingStatus::Revision
        )
    }
}

impl fmt::Display for BookingStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Where the booking's money is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum PaymentStatus {
    /// Nothing yet.
    Unpaid,
    /// A card hold for the price exists.
    Authorized,
    /// Captured into escrow.
    Held,
    /// The client approved; waiting for the team's release vote.
    Releasing,
    /// Escrow paid out to the team (and the platform's fee).
    Released,
    /// Part refunded to the client, the rest kept by the team.
    PartiallyRefunded,
    /// Everything refunded to the client.
    Refunded,
    /// The hold was voided; nothing was charged.
    Voided,
    /// A payment step failed permanently.
    Failed,
}

impl fmt::Display for PaymentStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let s = serde_json::to_value(self).ok().and_then(|v| v.as_str().map(str::to_owned));
        f.write_str(s.as_deref().unwrap_or("?"))
    }
}

/// Who sends a command.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(tag = "kind", content = "userId", rename_all = "kebab-case")]
pub enum Actor {
    /// A user: the client, the lead or a team member, as the booking says.
    User(UserId),
    /// A platform mediator.
    Mediator(UserId),
    /// The system's timers (§T).
    System,
}

impl Actor {
    /// A user actor.
    ///
    /// ```
    /// let a = booking_core::Actor::user("client-1");
    /// assert_eq!(a.user_id().map(|u| u.as_str()), Some("client-1"));
    /// ```
    pub fn user(id: impl Into<UserId>) -> Actor {
        Actor::User(id.into())
    }

    /// The user behind the actor, if any.
    ///
    /// ```
    /// assert!(booking_core::Actor::System.user_id().is_none());
    /// ```
    pub fn user_id(&self) -> Option<&UserId> {
        match self {
            Actor::User(u) | Actor::Mediator(u) => Some(u),
            Actor::System => None,
        }
    }
}

impl fmt::Display for Actor {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Actor::User(u) => write!(f, "{u}"),
            Actor::Mediator(u) => write!(f, "mediator {u}"),
            Actor::System => f.write_str("system"),
        }
    }
}

/// The part an actor plays on one booking.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Party {
    /// The client who booked.
    Client,
    /// The team's lead, who is the provider.
    Lead,
    /// A team member other than the lead.
    Member,
    /// Someone a pending team change would add (S10).
    Invitee,
    /// A platform mediator.
    Mediator,
    /// The system's timers.
    System,
}

impl Party {
    /// The lowercase name used in the transition table and diagrams.
    ///
    /// ```
    /// assert_eq!(booking_core::Party::Lead.as_str(), "lead");
    /// ```
    pub fn as_str(self) -> &'static str {
        match self {
            Party::Client => "client",
            Party::Lead => "lead",
            Party::Member => "member",
            Party::Invitee => "invitee",
            Party::Mediator => "mediator",
            Party::System => "system",
        }
    }
}

/// Solo (one provider) or split (a team with a revenue split).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum BookingKind {
    /// One provider; `confirm` captures.
    Solo,
    /// A team; every member accepts, then the hold is captured.
    Split,
}

/// A review (X5): the client rates the booking, the lead rates the client.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Review {
    /// Who wrote it.
    pub author: UserId,
    /// 1 to 5 stars.
    pub rating: u8,
    /// The text.
    pub text: String,
    /// When.
    pub at: DateTime<Utc>,
}

/// An open or past dispute (D1).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Dispute {
    /// Who raised it (`None` when a failed release vote raised it, R5).
    pub raised_by: Option<UserId>,
    /// Why.
    pub reason: String,
    /// The status the booking was in.
    pub previous_status: BookingStatus,
    /// When.
    pub at: DateTime<Utc>,
}

/// A member's share waiting in the team's pending balance (`autoSplit:
/// false`) until the lead distributes it (S9).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Payout {
    /// The member.
    pub user_id: UserId,
    /// The amount.
    pub amount: Money,
}

/// The state of a split booking's release vote (R1–R8).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ReleaseVote {
    /// Each voter's current vote: `true` approves.
    pub votes: BTreeMap<UserId, bool>,
    /// The outcome once decided.
    pub outcome: VoteOutcome,
    /// When missing votes start to count as approvals (R6).
    pub window_ends_at: Option<DateTime<Utc>>,
}

/// A team change waiting for acceptance after confirmation (S10).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TeamChange {
    /// The proposed team.
    pub split: RevenueSplit,
    /// Who has accepted it so far.
    pub accepted_by: BTreeSet<UserId>,
}

/// A booking (the seed's `Booking` entity plus what the lifecycle tracks).
///
/// ```
/// use booking_core::*;
/// use chrono::{TimeDelta, TimeZone, Utc};
/// let now = Utc.with_ymd_and_hms(2026, 6, 1, 9, 0, 0).unwrap();
/// let new = NewBooking::solo("b-1", "client-1", "provider-1", Money::parse("150.00 USD")?, now + TimeDelta::days(3), 120);
/// let (booking, effects) = Booking::create(new, now)?;
/// assert_eq!(booking.status, BookingStatus::Pending);
/// assert_eq!(booking.payment_status, PaymentStatus::Authorized);
/// assert_eq!(effects[0].key(), "booking/b-1/v0/authorize");
/// # Ok::<(), booking_core::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct Booking {
    /// The booking.
    pub id: BookingId,
    /// The client.
    pub client_id: UserId,
    /// The provider (the team's lead).
    pub provider_id: UserId,
    /// The service booked.
    pub service_id: ServiceId,
    /// Title.
    #[serde(deserialize_with = "crate::ids::shared_str")]
    pub title: Arc<str>,
    /// Description.
    #[serde(deserialize_with = "crate::ids::shared_str")]
    pub description: Arc<str>,
    /// Price, with its currency.
    pub price: Money,
    /// Start of the session.
    pub scheduled_date: DateTime<Utc>,
    /// Estimated duration in minutes.
    pub estimated_duration_minutes: u32,
    /// Lifecycle status.
    pub status: BookingStatus,
    /// Payment status.
    pub payment_status: PaymentStatus,
    /// Solo or split.
    pub kind: BookingKind,
    /// The team and its split; a solo booking has its provider at 100 %.
    /// Shared, as it rarely changes and every clone of the booking needs it.
    pub revenue_split: Arc<RevenueSplit>,
    /// The booking's chat thread.
    #[serde(deserialize_with = "crate::ids::shared_str")]
    pub chat_thread_id: Arc<str>,
    /// Creation time.
    pub created_at: DateTime<Utc>,
    /// Time of the latest event.
    pub updated_at: DateTime<Utc>,
    /// Time of the latest delivery.
    pub completed_at: Option<DateTime<Utc>>,
    /// Time of the client's (or the system's) approval.
    pub approved_at: Option<DateTime<Utc>>,
    /// Time of the latest revision request.
    pub revision_requested_at: Option<DateTime<Utc>>,
    /// The policy the booking was created under (B7), shared with the
    /// request it came from.
    #[serde(deserialize_with = "crate::policy::deserialize_valid")]
    pub policy: Arc<Policy>,
    /// Revisions left (B3).
    pub revisions_remaining: u32,
    /// Team members who accepted (split bookings).
    pub accepted_by: BTreeSet<UserId>,
    /// A team change waiting for acceptance.
    pub team_change: Option<TeamChange>,
    /// The release vote.
    pub vote: ReleaseVote,
    /// The escrow ledger.
    pub ledger: Ledger,
    /// Shares waiting for `distribute`.
    pub pending_payouts: Vec<Payout>,
    /// Files recorded on the booking.
    pub files: Vec<Arc<BookingFile>>,
    /// Reviews.
    pub reviews: Vec<Review>,
    /// The open or last dispute.
    pub dispute: Option<Dispute>,
    /// Every event, oldest first. Cloning a booking shares it rather than
    /// copying it.
    pub history: History,
    /// The number of events applied; stores use it for optimistic locking.
    pub version: u64,
}

impl Booking {
    /// `scheduledDate + estimatedDuration`: before it, no timer releases
    /// funds (E3).
    ///
    /// ```
    /// # use booking_core::*;
    /// # use chrono::{TimeDelta, TimeZone, Utc};
    /// # let now = Utc.with_ymd_and_hms(2026, 6, 1, 9, 0, 0).unwrap();
    /// # let new = NewBooking::solo("b", "c", "p", Money::parse("1 USD")?, now + TimeDelta::days(3), 90);
    /// let (b, _) = Booking::create(new, now)?;
    /// assert_eq!(b.hold_until(), b.scheduled_date + TimeDelta::minutes(90));
    /// # Ok::<(), booking_core::Error>(())
    /// ```
    pub fn hold_until(&self) -> DateTime<Utc> {
        later(self.scheduled_date, TimeDelta::minutes(i64::from(self.estimated_duration_minutes)))
    }

    /// `true` for a team booking.
    ///
    /// ```
    /// # use booking_core::*;
    /// # use chrono::{TimeDelta, TimeZone, Utc};
    /// # let now = Utc.with_ymd_and_hms(2026, 6, 1, 9, 0, 0).unwrap();
    /// # let new = NewBooking::solo("b", "c", "p", Money::parse("1 USD")?, now + TimeDelta::days(3), 90);
    /// let (b, _) = Booking::create(new, now)?;
    /// assert!(!b.is_split());
    /// # Ok::<(), booking_core::Error>(())
    /// ```
    pub fn is_split(&self) -> bool {
        self.kind == BookingKind::Split
    }

    /// The user ids of the team (the provider alone for a solo booking).
    ///
    /// ```
    /// # use booking_core::*;
    /// # use chrono::{TimeDelta, TimeZone, Utc};
    /// # let now = Utc.with_ymd_and_hms(2026, 6, 1, 9, 0, 0).unwrap();
    /// # let new = NewBooking::solo("b", "c", "p", Money::parse("1 USD")?, now + TimeDelta::days(3), 90);
    /// let (b, _) = Booking::create(new, now)?;
    /// assert_eq!(b.team_members(), vec![UserId::from("p")]);
    /// # Ok::<(), booking_core::Error>(())
    /// ```
    pub fn team_members(&self) -> Vec<UserId> {
        self.revenue_split.user_ids()
    }

    /// The part `actor` plays on this booking, or `None` for an outsider.
    ///
    /// ```
    /// # use booking_core::*;
    /// # use chrono::{TimeDelta, TimeZone, Utc};
    /// # let now = Utc.with_ymd_and_hms(2026, 6, 1, 9, 0, 0).unwrap();
    /// # let new = NewBooking::solo("b", "c", "p", Money::parse("1 USD")?, now + TimeDelta::days(3), 90);
    /// let (b, _) = Booking::create(new, now)?;
    /// assert_eq!(b.party(&Actor::user("c")), Some(Party::Client));
    /// assert_eq!(b.party(&Actor::user("p")), Some(Party::Lead));
    /// assert_eq!(b.party(&Actor::user("x")), None);
    /// # Ok::<(), booking_core::Error>(())
    /// ```
    pub fn party(&self, actor: &Actor) -> Option<Party> {
        match actor {
            Actor::System => Some(Party::System),
            Actor::Mediator(_) => Some(Party::Mediator),
            Actor::User(u) if *u == self.client_id => Some(Party::Client),
            Actor::User(u) if *u == self.provider_id => Some(Party::Lead),
            Actor::User(u) if self.revenue_split.member(u).is_some() => Some(Party::Member),
            Actor::User(u) => self.team_change.as_ref().and_then(|c| c.split.member(u)).map(|_| Party::Invitee),
        }
    }

    /// `true` when `user` may read this booking and its chat: the client, a
    /// team member, or (while disputed) a mediator.
    ///
    /// ```
    /// # use booking_core::*;
    /// # use chrono::{TimeDelta, TimeZone, Utc};
    /// # let now = Utc.with_ymd_and_hms(2026, 6, 1, 9, 0, 0).unwrap();
    /// # let new = NewBooking::solo("b", "c", "p", Money::parse("1 USD")?, now + TimeDelta::days(3), 90);
    /// let (b, _) = Booking::create(new, now)?;
    /// assert!(b.is_participant(&Actor::user("c")));
    /// assert!(!b.is_participant(&Actor::Mediator("m".into())));
    /// # Ok::<(), booking_core::Error>(())
    /// ```
    pub fn is_participant(&self, actor: &Actor) -> bool {
        match self.party(actor) {
            Some(Party::Client | Party::Lead | Party::Member) => true,
            Some(Party::Mediator) => self.status == BookingStatus::Disputed,
            _ => false,
        }
    }

    /// What the team's pending balance holds (`autoSplit: false`).
    ///
    /// ```
    /// # use booking_core::*;
    /// # use chrono::{TimeDelta, TimeZone, Utc};
    /// # let now = Utc.with_ymd_and_hms(2026, 6, 1, 9, 0, 0).unwrap();
    /// # let new = NewBooking::solo("b", "c", "p", Money::parse("1 USD")?, now + TimeDelta::days(3), 90);
    /// let (b, _) = Booking::create(new, now)?;
    /// assert!(b.team_pending().is_zero());
    /// # Ok::<(), booking_core::Error>(())
    /// ```
    pub fn team_pending(&self) -> Money {
        Money::from_minor(self.ledger.balance(&Account::TeamPending), self.price.currency())
    }

    /// When the booking closes (B5), if it has closed by `now`: approved or
    /// cancelled with escrow and the team's pending balance empty, and, for
    /// an approved booking, both reviews in or the review window over.
    /// Closed bookings accept no commands.
    ///
    /// ```
    /// # use booking_core::*;
    /// # use chrono::{TimeDelta, TimeZone, Utc};
    /// # let now = Utc.with_ymd_and_hms(2026, 6, 1, 9, 0, 0).unwrap();
    /// # let new = NewBooking::solo("b", "c", "p", Money::parse("1 USD")?, now + TimeDelta::days(3), 90);
    /// let (b, _) = Booking::create(new, now)?;
    /// assert!(!b.is_closed(now));
    /// # Ok::<(), booking_core::Error>(())
    /// ```
    pub fn is_closed(&self, now: DateTime<Utc>) -> bool {
        let settled = self.ledger.escrow().is_zero() && self.team_pending().is_zero();
        match self.status {
            BookingStatus::Cancelled => settled,
            BookingStatus::Approved if settled => {
                self.reviews.len() >= 2
                    || self.approved_at.is_some_and(|at| now >= later(at, self.policy.review_window))
            }
            _ => false,
        }
    }

    /// Serializes to JSON (the seed's camelCase field names).
    ///
    /// ```
    /// # use booking_core::*;
    /// # use chrono::{TimeDelta, TimeZone, Utc};
    /// # let now = Utc.with_ymd_and_hms(2026, 6, 1, 9, 0, 0).unwrap();
    /// # let new = NewBooking::solo("b", "c", "p", Money::parse("1 USD")?, now + TimeDelta::days(3), 90);
    /// let (b, _) = Booking::create(new, now)?;
    /// let json = b.to_json()?;
    /// assert!(json.contains("\"clientId\":\"c\""));
    /// assert_eq!(Booking::from_json(&json)?, b);
    /// # Ok::<(), booking_core::Error>(())
    /// ```
    pub fn to_json(&self) -> Result<String, crate::Error> {
        serde_json::to_string(self).map_err(crate::Error::from)
    }

    /// Reads a booking from JSON, checking every part (money, split,
    /// policy, ledger) and how they fit together. Bad input is a
    /// [`crate::Error`] with code `"json.invalid"` or `"booking.corrupt"`.
    ///
    /// ```
    /// # use booking_core::*;
    /// assert_eq!(Booking::from_json("{").unwrap_err().code(), "json.invalid");
    /// ```
    pub fn from_json(json: &str) -> Result<Booking, crate::Error> {
        let booking: Booking = serde_json::from_str(json)?;
        booking.check_consistency().map_err(|reason| crate::Error::Corrupt { reason })?;
        Ok(booking)
    }

    /// Checks what the parts cannot check alone: the lead is the provider,
    /// the client is not on the team, the ledger is in the price's currency
    /// and keeps its invariants.
    pub(crate) fn check_consistency(&self) -> Result<(), String> {
        if self.revenue_split.lead().user_id != self.provider_id {
            return Err("the split's lead is not the provider".into());
        }
        if self.revenue_split.member(&self.client_id).is_some() {
            return Err("the client is a member of the team".into());
        }
        if self.ledger.currency() != self.price.currency() {
            return Err("the ledger's currency differs from the price's".into());
        }
        if self.price.minor() <= 0 || self.price.minor() > crate::lifecycle::MAX_PRICE_MINOR {
            return Err("the price is not positive or is too large".into());
        }
        if self.ledger.captured().minor() > self.price.minor() {
            return Err("the ledger captured more than the price".into());
        }
        if self.status == BookingStatus::Pending && !self.ledger.entries().is_empty() {
            return Err("a pending booking has ledger entries".into());
        }
        let pending: i64 = self.pending_payouts.iter().map(|p| p.amount.minor()).sum();
        if pending != self.team_pending().minor() {
            return Err("the shares held for distribution do not match the team's pending balance".into());
        }
        self.ledger.check()
    }
}

impl Booking {
    /// `true` when a timer may come due (SPEC T): pending, completed, or
    /// approved with the release vote open. Stores use it to list the
    /// bookings a periodic `tick` should look at.
    ///
    /// ```
    /// # use booking_core::*;
    /// # use chrono::{TimeDelta, TimeZone, Utc};
    /// # let now = Utc.with_ymd_and_hms(2026, 6, 1, 9, 0, 0).unwrap();
    /// let (b, _) = Booking::create(NewBooking::solo("b", "c", "p", Money::parse("1 USD")?, now + TimeDelta::days(3), 90), now)?;
    /// assert!(b.may_have_timers());
    /// # Ok::<(), booking_core::Error>(())
    /// ```
    pub fn may_have_timers(&self) -> bool {
        matches!(self.status, BookingStatus::Pending | BookingStatus::Completed)
            || (self.status == BookingStatus::Approved && self.payment_status == PaymentStatus::Releasing)
    }
}
