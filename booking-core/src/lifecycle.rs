//! The lifecycle as pure functions (SPEC B, C, D, R, T).
//!
//! `decide(booking, request) -> Decision | LifecycleError` never reads a
//! clock or does I/O: the time is in the [`Request`]. Checks run in a fixed
//! order, so errors are predictable: outsider → closed → clock →
//! transition table (invalid transition, then forbidden) → guards that need
//! no payload ([`allowed_commands`] uses the same ones) → the command's own
//! payload checks. A refused command changes nothing.

use std::sync::Arc;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::booking::{later, Actor, Booking, BookingKind, BookingStatus, Party, Payout, Review};
use crate::draft::Draft;
use crate::error::{Error, LifecycleError};
use crate::event::{EventKind, PaymentEffect};
use crate::files::{share_expiry, FileCategory, FileError, FileUpload};
use crate::ids::{BookingId, FileId, IdempotencyKey, ServiceId, UserId};
use crate::money::Money;
use crate::policy::Policy;
use crate::split::RevenueSplit;
use crate::transitions::{transition, CommandKind, TRANSITIONS};
use crate::vote::VoteOutcome;
use crate::Decision;

/// Longest free text (feedback, reasons, notes, reviews), in characters.
pub const MAX_TEXT_CHARS: usize = 10_000;
/// Largest price in minor units: a booking's ledger moves at most four
/// times its price (capture, release, refund, distribution), and every sum
/// must fit in `i64`.
pub const MAX_PRICE_MINOR: i64 = i64::MAX / 4;
/// Longest estimated duration: 30 days, in minutes.
pub const MAX_DURATION_MINUTES: u32 = 30 * 24 * 60;

/// What a client asks for when creating a booking. In JSON, `serviceId`,
/// `title`, `description` may be left out (empty) and `policy` too (the
/// standard policy).
///
/// ```
/// use booking_core::*;
/// use chrono::{TimeDelta, TimeZone, Utc};
/// let now = Utc.with_ymd_and_hms(2026, 6, 1, 9, 0, 0).unwrap();
/// let team = RevenueSplit::new(vec![
///     SplitMember::new("creator-1", "lead", 60.into()),
///     SplitMember::new("creator-2", "mix-engineer", 40.into()),
/// ])?;
/// let new = NewBooking::split("b-7", "client-123", team, Money::parse("1000.00 USD")?, now + TimeDelta::days(5), 180)
///     .with_details("service-456", "Mix and master", "Two songs");
/// let (b, _) = Booking::create(new, now)?;
/// assert_eq!(b.provider_id.as_str(), "creator-1");
/// # Ok::<(), booking_core::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct NewBooking {
    /// Id for the new booking.
    pub id: BookingId,
    /// The client.
    pub client_id: UserId,
    /// The provider; for a split booking, the split's lead.
    pub provider_id: UserId,
    /// The service.
    #[serde(default)]
    pub service_id: ServiceId,
    /// Title.
    #[serde(default)]
    pub title: String,
    /// Description.
    #[serde(default)]
    pub description: String,
    /// Price.
    pub price: Money,
    /// Start.
    #[serde(deserialize_with = "crate::rfc3339::utc")]
    pub scheduled_date: DateTime<Utc>,
    /// Estimated duration in minutes.
    pub estimated_duration_minutes: u32,
    /// The team, for a split booking.
    #[serde(default)]
    pub revenue_split: Option<RevenueSplit>,
    /// The policy to book under (B7). A platform usually shares one policy
    /// among all its bookings, hence the `Arc`.
    #[serde(default = "standard_policy", deserialize_with = "crate::policy::deserialize_valid")]
    pub policy: Arc<Policy>,
    /// Chat thread id; `booking/<id>/chat` if not given.
    #[serde(default)]
    pub chat_thread_id: Option<String>,
    /// Revisions included by the service; the policy's default if not given.
    #[serde(default)]
    pub included_revisions: Option<u32>,
    /// The client's payment method (a card or payment-method id the gateway
    /// understands), passed to the gateway with the hold.
    #[serde(default)]
    pub payment_method: Option<String>,
}

/// The standard policy, built once and shared by every booking that
/// leaves `policy` out of its JSON.
fn standard_policy() -> Arc<Policy> {
    static STANDARD: std::sync::OnceLock<Arc<Policy>> = std::sync::OnceLock::new();
    STANDARD.get_or_init(|| Arc::new(Policy::standard())).clone()
}

impl NewBooking {
    /// A solo booking under the *standard* policy.
    ///
    /// ```
    /// # use booking_core::*;
    /// # use chrono::{TimeZone, Utc};
    /// let at = Utc.with_ymd_and_hms(2026, 7, 1, 10, 0, 0).unwrap();
    /// let n = NewBooking::solo("b", "client", "provider", Money::parse("50 EUR")?, at, 60);
    /// assert!(n.revenue_split.is_none());
    /// # Ok::<(), booking_core::Error>(())
    /// ```
    pub fn solo(
        id: impl Into<BookingId>,
        client: impl Into<UserId>,
        provider: impl Into<UserId>,
        price: Money,
        scheduled_date: DateTime<Utc>,
        estimated_duration_minutes: u32,
    ) -> NewBooking {
        NewBooking {
            id: id.into(),
            client_id: client.into(),
            provider_id: provider.into(),
            service_id: ServiceId::from(""),
            title: String::new(),
            description: String::new(),
            price,
            scheduled_date,
            estimated_duration_minutes,
            revenue_split: None,
            policy: Arc::new(Policy::standard()),
            chat_thread_id: None,
            included_revisions: None,
            payment_method: None,
        }
    }

    /// A split booking; the provider is the split's lead.
    ///
    /// ```
    /// # use booking_core::*;
    /// # use chrono::{TimeZone, Utc};
    /// let at = Utc.with_ymd_and_hms(2026, 7, 1, 10, 0, 0).unwrap();
    /// let n = NewBooking::split("b", "client", RevenueSplit::solo("p"), Money::parse("50 EUR")?, at, 60);
    /// assert_eq!(n.provider_id.as_str(), "p");
    /// # Ok::<(), booking_core::Error>(())
    /// ```
    pub fn split(
        id: impl Into<BookingId>,
        client: impl Into<UserId>,
        team: RevenueSplit,
        price: Money,
        scheduled_date: DateTime<Utc>,
        estimated_duration_minutes: u32,
    ) -> NewBooking {
        let provider = team.lead().user_id.clone();
        let mut new = NewBooking::solo(id, client, provider, price, scheduled_date, estimated_duration_minutes);
        new.revenue_split = Some(team);
        new
    }

    /// Sets the service, title and description.
    ///
    /// ```
    /// # use booking_core::*;
    /// # use chrono::{TimeZone, Utc};
    /// # let at = Utc.with_ymd_and_hms(2026, 7, 1, 10, 0, 0).unwrap();
    /// let n = NewBooking::solo("b", "c", "p", Money::parse("5 USD")?, at, 60).with_details("svc", "Mix", "");
    /// assert_eq!(n.title, "Mix");
    /// # Ok::<(), booking_core::Error>(())
    /// ```
    pub fn with_details(
        mut self,
        service: impl Into<ServiceId>,
        title: impl Into<String>,
        description: impl Into<String>,
    ) -> Self {
        self.service_id = service.into();
        self.title = title.into();
        self.description = description.into();
        self
    }

    /// Sets the policy.
    ///
    /// ```
    /// # use booking_core::*;
    /// # use chrono::{TimeZone, Utc};
    /// # let at = Utc.with_ymd_and_hms(2026, 7, 1, 10, 0, 0).unwrap();
    /// let n = NewBooking::solo("b", "c", "p", Money::parse("5 USD")?, at, 60).with_policy(Policy::verified());
    /// assert_eq!(n.policy.name, "verified");
    /// # Ok::<(), booking_core::Error>(())
    /// ```
    pub fn with_policy(mut self, policy: impl Into<Arc<Policy>>) -> Self {
        self.policy = policy.into();
        self
    }

    /// Sets the client's payment method.
    ///
    /// ```
    /// # use booking_core::*;
    /// # use chrono::{TimeZone, Utc};
    /// # let at = Utc.with_ymd_and_hms(2026, 7, 1, 10, 0, 0).unwrap();
    /// let n = NewBooking::solo("b", "c", "p", Money::parse("5 USD")?, at, 60).with_payment_method("pm_card_visa");
    /// assert_eq!(n.payment_method.as_deref(), Some("pm_card_visa"));
    /// # Ok::<(), booking_core::Error>(())
    /// ```
    pub fn with_payment_method(mut self, method: impl Into<String>) -> Self {
        self.payment_method = Some(method.into());
        self
    }

    /// Sets the revisions the service includes.
    ///
    /// ```
    /// # use booking_core::*;
    /// # use chrono::{TimeZone, Utc};
    /// # let at = Utc.with_ymd_and_hms(2026, 7, 1, 10, 0, 0).unwrap();
    /// let n = NewBooking::solo("b", "c", "p", Money::parse("5 USD")?, at, 60).with_revisions(0);
    /// assert_eq!(n.included_revisions, Some(0));
    /// # Ok::<(), booking_core::Error>(())
    /// ```
    pub fn with_revisions(mut self, revisions: u32) -> Self {
        self.included_revisions = Some(revisions);
        self
    }

    fn validate(&self, now: DateTime<Utc>) -> Result<(), LifecycleError> {
        let invalid = |reason: &str| Err(LifecycleError::InvalidBooking { reason: reason.to_owned() });
        if self.id.as_str().trim().is_empty() || self.client_id.as_str().trim().is_empty() {
            return invalid("a booking needs an id and a client");
        }
        self.price.non_negative("price")?;
        if self.price.is_zero() {
            return invalid("the price must be more than zero");
        }
        if self.price.minor() > MAX_PRICE_MINOR {
            return invalid("the price is too large: at most i64::MAX / 4 minor units, so every ledger sum fits");
        }
        if self.estimated_duration_minutes == 0 || self.estimated_duration_minutes > MAX_DURATION_MINUTES {
            return invalid("the estimated duration must be 1 minute to 30 days");
        }
        if self.scheduled_date <= now {
            return invalid("the scheduled date must be in the future");
        }
        check_text("title", &self.title, false)?;
        check_text("description", &self.description, false)?;
        self.policy.check()?;
        match &self.revenue_split {
            Some(team) => check_team(team, &self.provider_id, &self.client_id),
            None if self.client_id == self.provider_id => Err(LifecycleError::InvalidTeam {
                reason: format!("the client {} cannot be the provider", self.client_id),
            }),
            None => Ok(()),
        }
    }
}

/// A reason a mediator settles a dispute (D2).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "outcome", rename_all = "kebab-case", rename_all_fields = "camelCase")]
pub enum Resolution {
    /// Release all of escrow to the team (→ approved).
    ReleaseAll,
    /// Refund all of escrow to the client (→ cancelled).
    RefundAll,
    /// Refund `refund` to the client and release the rest by the split
    /// (→ approved).
    Partial {
        /// What the client gets back.
        refund: Money,
    },
    /// Send the booking back to work (→ in-progress); escrow stays.
    ResumeWork,
    /// Refund `refund`, take the platform fee on the rest, and pay these
    /// exact amounts, which must sum to what is left (→ approved).
    Reallocate {
        /// What the client gets back (may be zero).
        refund: Money,
        /// Each member's amount.
        payouts: Vec<Payout>,
    },
}

/// Declares [`Command`] and, from the same variants, `CommandByType`: the
/// variants externally tagged (a remote derive that builds `Command`s),
/// which [`Command::from_fields`] reads once the tag is known
/// (`command_fields.rs`).
macro_rules! commands {
    ($(#[$doc:meta])* pub enum Command { $($variants:tt)* }) => {
        $(#[$doc])*
        #[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
        #[serde(tag = "type", rename_all = "kebab-case", rename_all_fields = "camelCase")]
        pub enum Command { $($variants)* }

        #[derive(Deserialize)]
        #[serde(remote = "Command", rename_all = "kebab-case", rename_all_fields = "camelCase")]
        pub(crate) enum CommandByType { $($variants)* }
    };
}

commands! {
/// A command. `create` is [`Booking::create`]; everything else goes through
/// [`decide`]. JSON: `{"type": "request-revision", "feedback": "..."}`.
pub enum Command {
    /// A team member accepts a split booking; the last one confirms it.
    Accept,
    /// The lead confirms a solo booking; the hold is captured.
    Confirm,
    /// The lead or a member declines a pending booking; the hold is voided.
    Decline {
        /// Why, if said.
        #[serde(default)]
        reason: Option<String>,
    },
    /// The lead starts work.
    Start,
    /// The lead delivers (needs a `final` file, B2).
    Deliver,
    /// The client asks for changes.
    RequestRevision {
        /// What to change.
        feedback: String,
    },
    /// The client approves; escrow is released (after the team's vote on a
    /// split booking).
    Approve,
    /// The client or the lead cancels (C1–C3).
    Cancel {
        /// Why, if said.
        #[serde(default)]
        reason: Option<String>,
    },
    /// Raise a dispute; escrow is frozen.
    Dispute {
        /// Why.
        reason: String,
    },
    /// A mediator settles the dispute.
    Resolve {
        /// How.
        resolution: Resolution,
    },
    /// Vote on the release.
    Vote {
        /// `true` approves.
        approve: bool,
    },
    /// The system closes the vote window (missing votes approve).
    CloseVote,
    /// The lead pays out the team's pending balance.
    Distribute,
    /// The lead proposes a new team.
    ProposeTeam {
        /// The new team.
        split: RevenueSplit,
    },
    /// Accept the proposed team.
    AcceptTeamChange,
    /// Record a file the caller stored (X3).
    UploadFile(FileUpload),
    /// Let named users read a file until an expiry (X3): at most 30 days
    /// ahead, 30 days when not given. A user's new share replaces their
    /// earlier one.
    ShareFile {
        /// The file.
        file_id: FileId,
        /// Who may read it.
        with: Vec<UserId>,
        /// Until when (inclusive).
        #[serde(default)]
        expires_at: Option<DateTime<Utc>>,
    },
    /// Write a review.
    Review {
        /// 1–5.
        rating: u8,
        /// Text.
        #[serde(default)]
        text: String,
    },
}
}

impl Command {
    /// The command's kind, for the transition table.
    ///
    /// ```
    /// use booking_core::{Command, CommandKind};
    /// assert_eq!(Command::Approve.kind(), CommandKind::Approve);
    /// ```
    pub fn kind(&self) -> CommandKind {
        match self {
            Command::Accept => CommandKind::Accept,
            Command::Confirm => CommandKind::Confirm,
            Command::Decline { .. } => CommandKind::Decline,
            Command::Start => CommandKind::Start,
            Command::Deliver => CommandKind::Deliver,
            Command::RequestRevision { .. } => CommandKind::RequestRevision,
            Command::Approve => CommandKind::Approve,
            Command::Cancel { .. } => CommandKind::Cancel,
            Command::Dispute { .. } => CommandKind::Dispute,
            Command::Resolve { .. } => CommandKind::Resolve,
            Command::Vote { .. } => CommandKind::Vote,
            Command::CloseVote => CommandKind::CloseVote,
            Command::Distribute => CommandKind::Distribute,
            Command::ProposeTeam { .. } => CommandKind::ProposeTeam,
            Command::AcceptTeamChange => CommandKind::AcceptTeamChange,
            Command::UploadFile(_) => CommandKind::UploadFile,
            Command::ShareFile { .. } => CommandKind::ShareFile,
            Command::Review { .. } => CommandKind::Review,
        }
    }
}

/// A command from an actor at a time, with optional notes (B4).
///
/// ```
/// use booking_core::{Actor, Command, Request};
/// use chrono::{TimeZone, Utc};
/// let at = Utc.with_ymd_and_hms(2026, 6, 4, 10, 0, 0).unwrap();
/// let r = Request::new(Actor::user("provider-1"), Command::Start, at).with_notes("Started working on the project");
/// assert_eq!(r.notes.as_deref(), Some("Started working on the project"));
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Request {
    /// Who.
    pub actor: Actor,
    /// What.
    pub command: Command,
    /// When (the caller's clock).
    pub at: DateTime<Utc>,
    /// Free-text notes recorded in the event.
    #[serde(default)]
    pub notes: Option<String>,
}

impl Request {
    /// A request without notes.
    ///
    /// ```
    /// # use booking_core::*;
    /// # use chrono::{TimeZone, Utc};
    /// let r = Request::new(Actor::System, Command::CloseVote, Utc.with_ymd_and_hms(2026, 1, 1, 0, 0, 0).unwrap());
    /// assert!(r.notes.is_none());
    /// ```
    pub fn new(actor: Actor, command: Command, at: DateTime<Utc>) -> Request {
        Request { actor, command, at, notes: None }
    }

    /// Adds notes.
    ///
    /// ```
    /// # use booking_core::*;
    /// # use chrono::{TimeZone, Utc};
    /// let r = Request::new(Actor::System, Command::CloseVote, Utc.with_ymd_and_hms(2026, 1, 1, 0, 0, 0).unwrap()).with_notes("n");
    /// assert_eq!(r.notes.as_deref(), Some("n"));
    /// ```
    pub fn with_notes(mut self, notes: impl Into<String>) -> Request {
        self.notes = Some(notes.into());
        self
    }

    /// The seed's `updateBookingStatus(id, status, {updatedBy, notes})`
    /// (B4): the command that moves `booking` to `to` for `actor`. Statuses
    /// that need more than a status (a revision needs feedback, a dispute a
    /// reason, approval of a team's work goes through votes) say which call
    /// to use instead.
    ///
    /// ```
    /// # use booking_core::*;
    /// # use chrono::{TimeDelta, TimeZone, Utc};
    /// # let now = Utc.with_ymd_and_hms(2026, 6, 1, 9, 0, 0).unwrap();
    /// # let new = NewBooking::solo("b", "c", "p", Money::parse("1 USD")?, now + TimeDelta::days(3), 90);
    /// let (b, _) = Booking::create(new, now)?;
    /// let r = Request::status_update(&b, BookingStatus::Confirmed, Actor::user("p"), now, Some("On it".into()))?;
    /// assert_eq!(r.command, Command::Confirm);
    /// # Ok::<(), booking_core::Error>(())
    /// ```
    pub fn status_update(
        booking: &Booking,
        to: BookingStatus,
        actor: Actor,
        at: DateTime<Utc>,
        notes: Option<String>,
    ) -> Result<Request, LifecycleError> {
        let party = booking.party(&actor);
        let command = match to {
            BookingStatus::Confirmed if booking.is_split() => Command::Accept,
            BookingStatus::Confirmed => Command::Confirm,
            BookingStatus::InProgress => Command::Start,
            BookingStatus::Completed => Command::Deliver,
            BookingStatus::Approved => Command::Approve,
            BookingStatus::Cancelled if booking.status == BookingStatus::Pending && party == Some(Party::Member) => {
                Command::Decline { reason: notes.clone() }
            }
            BookingStatus::Cancelled => Command::Cancel { reason: notes.clone() },
            BookingStatus::Revision => {
                return Err(LifecycleError::InvalidText {
                    field: "feedback",
                    problem: "is required: use the request-revision command with the client's feedback",
                })
            }
            BookingStatus::Disputed => {
                return Err(LifecycleError::InvalidText {
                    field: "reason",
                    problem: "is required: use the dispute command with a reason",
                })
            }
            BookingStatus::Pending => {
                return Err(LifecycleError::InvalidTransition { command: CommandKind::Create, status: booking.status })
            }
        };
        Ok(Request { actor, command, at, notes })
    }
}

impl Booking {
    /// Creates a booking: validates the request and returns the new
    /// booking with the hold to authorize (E2).
    ///
    /// ```
    /// # use booking_core::*;
    /// # use chrono::{TimeDelta, TimeZone, Utc};
    /// let now = Utc.with_ymd_and_hms(2026, 6, 1, 9, 0, 0).unwrap();
    /// let late = NewBooking::solo("b", "c", "p", Money::parse("1 USD")?, now - TimeDelta::hours(1), 60);
    /// assert_eq!(Booking::create(late, now).unwrap_err().code(), "lifecycle.invalid_booking");
    /// # Ok::<(), booking_core::Error>(())
    /// ```
    pub fn create(new: NewBooking, now: DateTime<Utc>) -> Result<(Booking, Vec<PaymentEffect>), Error> {
        let decision = decide_create(new, now)?;
        let booking = Booking::replay(decision.events)?;
        Ok((booking, decision.effects))
    }

    /// Decides `request` and applies its events, assuming every payment
    /// step succeeds (the pure-core way to play a booking; a service that
    /// talks to a real gateway decides, pays, then applies). Returns the
    /// payment steps.
    ///
    /// ```
    /// # use booking_core::*;
    /// # use chrono::{TimeDelta, TimeZone, Utc};
    /// # let now = Utc.with_ymd_and_hms(2026, 6, 1, 9, 0, 0).unwrap();
    /// # let new = NewBooking::solo("b", "c", "p", Money::parse("1 USD")?, now + TimeDelta::days(3), 90);
    /// let (mut b, _) = Booking::create(new, now)?;
    /// let steps = b.handle(Request::new(Actor::user("p"), Command::Confirm, now))?;
    /// assert_eq!(steps[0].key(), "booking/b/v2/capture");
    /// let err = b.handle(Request::new(Actor::user("c"), Command::Start, now)).unwrap_err();
    /// assert_eq!(err.code(), "lifecycle.forbidden");
    /// # Ok::<(), booking_core::Error>(())
    /// ```
    pub fn handle(&mut self, request: Request) -> Result<Vec<PaymentEffect>, LifecycleError> {
        let decision = decide(self, &request)?;
        // Applied to a copy and swapped in, so a refused event leaves the
        // booking exactly as it was.
        let mut next = self.clone();
        next.apply_all(decision.events)?;
        *self = next;
        Ok(decision.effects)
    }
}

/// Decides a `create`: validation, the `created` event and the hold.
///
/// ```
/// # use booking_core::*;
/// # use chrono::{TimeDelta, TimeZone, Utc};
/// # let now = Utc.with_ymd_and_hms(2026, 6, 1, 9, 0, 0).unwrap();
/// let d = decide_create(NewBooking::solo("b", "c", "p", Money::parse("1 USD")?, now + TimeDelta::days(3), 90), now)?;
/// assert!(matches!(d.effects[0], PaymentEffect::Authorize { .. }));
/// # Ok::<(), booking_core::Error>(())
/// ```
pub fn decide_create(new: NewBooking, now: DateTime<Utc>) -> Result<Decision, LifecycleError> {
    new.validate(now)?;
    let actor = Actor::User(new.client_id.clone());
    let key = IdempotencyKey::joined(&["booking", new.id.as_str(), "v0"], &["authorize"]);
    let effect = PaymentEffect::Authorize { key, amount: new.price, payment_method: new.payment_method.clone() };
    let event = |kind| crate::Event { at: now, actor: actor.clone(), notes: None, kind };
    let events = vec![
        event(EventKind::Created { booking: Arc::new(new) }),
        event(EventKind::PaymentStatusChanged {
            from: crate::PaymentStatus::Unpaid,
            to: crate::PaymentStatus::Authorized,
        }),
    ];
    Ok(Decision { events, effects: vec![effect] })
}

/// Decides a command: the events and payment steps it leads to, or why it
/// is refused.
///
/// ```
/// use booking_core::*;
/// use chrono::{TimeDelta, TimeZone, Utc};
/// let now = Utc.with_ymd_and_hms(2026, 6, 1, 9, 0, 0).unwrap();
/// let (b, _) = Booking::create(NewBooking::solo("b", "c", "p", Money::parse("80 USD")?, now + TimeDelta::days(3), 60), now)?;
/// let d = decide(&b, &Request::new(Actor::user("p"), Command::Confirm, now))?;
/// assert_eq!(d.effects, vec![PaymentEffect::Capture { key: "booking/b/v2/capture".into(), amount: Money::parse("80 USD")? }]);
/// let wrong = decide(&b, &Request::new(Actor::user("p"), Command::Start, now)).unwrap_err();
/// assert_eq!(wrong.code(), "lifecycle.invalid_transition");
/// # Ok::<(), booking_core::Error>(())
/// ```
pub fn decide(booking: &Booking, request: &Request) -> Result<Decision, LifecycleError> {
    let kind = request.command.kind();
    let party = booking.party(&request.actor).ok_or_else(|| LifecycleError::Forbidden {
        command: kind,
        reason: format!("{} takes no part in booking {}", request.actor, booking.id),
    })?;
    if booking.is_closed(request.at) {
        return Err(LifecycleError::Closed { booking: booking.id.clone() });
    }
    if request.at < booking.updated_at {
        return Err(LifecycleError::ClockWentBack { at: request.at, last: booking.updated_at });
    }
    check_row(booking, kind, party)?;
    check_guards(booking, kind, &request.actor, party, request.at)?;
    if let Some(notes) = &request.notes {
        check_text("notes", notes, false)?;
    }
    let mut d = Draft::new(booking, request);
    let user = request.actor.user_id();
    match (&request.command, user) {
        (Command::Accept, Some(user)) => {
            d.emit(EventKind::MemberAccepted { user_id: user.clone() });
            let all = booking
                .revenue_split
                .members()
                .iter()
                .all(|m| &m.user_id == user || booking.accepted_by.contains(&m.user_id));
            if all {
                d.confirm();
            }
        }
        (Command::Confirm, _) => d.confirm(),
        (Command::Decline { reason } | Command::Cancel { reason }, _) => {
            if let Some(reason) = reason {
                check_text("reason", reason, false)?;
            }
            d.emit(EventKind::Cancelled { reason: reason.clone() });
            if booking.status == BookingStatus::Pending {
                d.void(); // C1
            } else {
                let captured = booking.ledger.escrow();
                let refund = match party {
                    Party::Client => booking.policy.cancellation_refund(captured, request.at, booking.scheduled_date),
                    _ => captured, // C3
                };
                // The team is paid before the client is refunded: a refund
                // cannot be taken back, so it goes last, where a failure of
                // any earlier step can still be rolled back (O5).
                d.release(captured.checked_sub(refund)?)?;
                d.refund(refund)?;
                d.settle_payment();
            }
            d.status(BookingStatus::Cancelled);
        }
        (Command::Start, _) => d.status(BookingStatus::InProgress),
        (Command::Deliver, _) => {
            d.emit(EventKind::Delivered);
            d.status(BookingStatus::Completed);
            if booking.is_split() && !booking.vote.outcome.is_decided() {
                d.cast_vote(booking.provider_id.clone(), true); // R2
                d.settle_vote(false)?;
            }
        }
        (Command::RequestRevision { feedback }, _) => {
            check_text("feedback", feedback, true)?;
            d.emit(EventKind::RevisionRequested { feedback: feedback.clone() });
            d.status(BookingStatus::Revision);
        }
        (Command::Approve, _) => {
            d.emit(EventKind::Approved);
            d.status(BookingStatus::Approved);
            if booking.is_split() && booking.vote.outcome == VoteOutcome::Pending {
                d.payment(crate::PaymentStatus::Releasing); // R3
                d.emit(EventKind::VoteWindowOpened { ends_at: later(request.at, booking.policy.vote_window) });
            } else {
                d.release(booking.ledger.escrow())?;
                d.settle_payment();
            }
        }
        (Command::Vote { approve }, Some(user)) => {
            d.cast_vote(user.clone(), *approve);
            d.settle_vote(false)?;
        }
        (Command::CloseVote, _) => d.settle_vote(true)?,
        (Command::Dispute { reason }, _) => {
            check_text("reason", reason, true)?;
            d.dispute(user.cloned(), reason.clone());
        }
        (Command::Resolve { resolution }, _) => d.resolve(resolution)?,
        (Command::Distribute, _) => d.distribute()?,
        (Command::ProposeTeam { split }, _) => {
            check_team(split, &booking.provider_id, &booking.client_id)?;
            d.propose_team(split)?;
        }
        (Command::AcceptTeamChange, Some(user)) => d.accept_team_change(user)?,
        (Command::UploadFile(upload), Some(user)) => {
            upload.check_on(booking, party)?;
            d.emit(EventKind::FileUploaded { file: Arc::new(upload.record(user.clone(), request.at)) });
        }
        (Command::ShareFile { file_id, with, expires_at }, _) => {
            booking.file_access(&request.actor, file_id, request.at)?;
            let expires_at = share_expiry(file_id, *expires_at, with, request.at)?;
            let mut with = with.clone();
            with.sort();
            with.dedup();
            d.emit(EventKind::FileShared { file_id: file_id.clone(), with, expires_at });
        }
        (Command::Review { rating, text }, Some(user)) => {
            if !(1..=5).contains(rating) {
                return Err(LifecycleError::InvalidRating { rating: *rating });
            }
            check_text("review", text, false)?;
            let review = Review { author: user.clone(), rating: *rating, text: text.clone(), at: request.at };
            d.emit(EventKind::ReviewSubmitted { review });
        }
        (_, None) => {
            return Err(LifecycleError::Forbidden { command: kind, reason: format!("{kind} needs a user") });
        }
    }
    Ok(d.finish())
}

/// What `actor` may do on `booking` at `now` (B6): the commands the table
/// allows from its status for the actor's part, minus those whose
/// payload-free guards fail (no revisions left, no final file, nothing to
/// distribute, …). A UI shows these as buttons.
///
/// ```
/// # use booking_core::*;
/// # use chrono::{TimeDelta, TimeZone, Utc};
/// # let now = Utc.with_ymd_and_hms(2026, 6, 1, 9, 0, 0).unwrap();
/// # let new = NewBooking::solo("b", "c", "p", Money::parse("1 USD")?, now + TimeDelta::days(3), 90);
/// let (b, _) = Booking::create(new, now)?;
/// assert_eq!(allowed_commands(&b, &Actor::user("c"), now), vec![CommandKind::Cancel, CommandKind::UploadFile]);
/// assert!(allowed_commands(&b, &Actor::user("p"), now).contains(&CommandKind::Confirm));
/// # Ok::<(), booking_core::Error>(())
/// ```
pub fn allowed_commands(booking: &Booking, actor: &Actor, now: DateTime<Utc>) -> Vec<CommandKind> {
    let Some(party) = booking.party(actor) else { return Vec::new() };
    if booking.is_closed(now) || now < booking.updated_at {
        return Vec::new();
    }
    TRANSITIONS
        .iter()
        .filter(|t| t.command != CommandKind::Create)
        .filter(|t| t.from.contains(&booking.status) && t.who.contains(&party))
        .filter(|t| check_guards(booking, t.command, actor, party, now).is_ok())
        .map(|t| t.command)
        .collect()
}

/// The timer commands due on `booking` at `now` (SPEC T): a pending booking
/// past the provider's response window is declined (T1), a completed one
/// past the review period and its hold date is approved (T2), a release vote
/// past its window is closed (T3). The review window (T4) needs no command:
/// reviews are refused once it is over and the booking closes (B5).
///
/// ```
/// # use booking_core::*;
/// # use chrono::{TimeDelta, TimeZone, Utc};
/// let now = Utc.with_ymd_and_hms(2026, 6, 1, 9, 0, 0).unwrap();
/// let (b, _) = Booking::create(NewBooking::solo("b", "c", "p", Money::parse("1 USD")?, now + TimeDelta::days(5), 90), now)?;
/// assert!(tick(&b, now + TimeDelta::hours(47)).is_empty());
/// let due = tick(&b, now + TimeDelta::hours(48));
/// assert_eq!(due[0].command.kind(), CommandKind::Decline);
/// # Ok::<(), booking_core::Error>(())
/// ```
pub fn tick(booking: &Booking, now: DateTime<Utc>) -> Vec<Request> {
    allowed_commands(booking, &Actor::System, now)
        .into_iter()
        .filter_map(|kind| {
            let command = match kind {
                CommandKind::Decline => {
                    Command::Decline { reason: Some("the provider did not respond in time".into()) }
                }
                CommandKind::Approve => Command::Approve,
                CommandKind::CloseVote => Command::CloseVote,
                _ => return None,
            };
            Some(Request::new(Actor::System, command, now))
        })
        .collect()
}

fn check_row(booking: &Booking, kind: CommandKind, party: Party) -> Result<(), LifecycleError> {
    let row = transition(kind);
    if !row.from.contains(&booking.status) {
        return Err(LifecycleError::InvalidTransition { command: kind, status: booking.status });
    }
    if !row.who.contains(&party) {
        let who: Vec<&str> = row.who.iter().map(|p| p.as_str()).collect();
        return Err(LifecycleError::Forbidden {
            command: kind,
            reason: format!("only the {} may {kind}, not the {}", who.join(" or "), party.as_str()),
        });
    }
    Ok(())
}

/// Guards that need only the booking, the actor and the time; shared by
/// [`decide`] and [`allowed_commands`].
fn check_guards(
    b: &Booking,
    kind: CommandKind,
    actor: &Actor,
    party: Party,
    now: DateTime<Utc>,
) -> Result<(), LifecycleError> {
    let not_due = |reason: String| Err(LifecycleError::NotDue { command: kind, reason });
    let user = actor.user_id();
    match kind {
        CommandKind::Accept | CommandKind::ProposeTeam if !b.is_split() => Err(LifecycleError::WrongKind {
            command: kind,
            kind: BookingKind::Solo,
            hint: "a solo booking is confirmed by its provider with `confirm`",
        }),
        CommandKind::Accept if user.is_some_and(|u| b.accepted_by.contains(u)) => {
            Err(LifecycleError::AlreadyDone { command: kind, reason: format!("{actor} has already accepted") })
        }
        CommandKind::Accept | CommandKind::Confirm if now >= later(b.created_at, b.policy.provider_response_window) => {
            Err(LifecycleError::Expired { deadline: later(b.created_at, b.policy.provider_response_window) })
        }
        CommandKind::Confirm if b.is_split() => Err(LifecycleError::WrongKind {
            command: kind,
            kind: BookingKind::Split,
            hint: "every team member accepts a split booking with `accept`",
        }),
        CommandKind::Decline
            if party == Party::System && now < later(b.created_at, b.policy.provider_response_window) =>
        {
            not_due(format!(
                "the provider has until {} to answer",
                later(b.created_at, b.policy.provider_response_window)
            ))
        }
        CommandKind::Deliver if !final_file_since_revision(b) => Err(LifecycleError::MissingFinalFile),
        CommandKind::ShareFile if !b.files.iter().any(|f| b.file_access(actor, &f.file_id, now).is_ok()) => {
            Err(FileError::NothingToShare { actor: actor.to_string() }.into())
        }
        CommandKind::RequestRevision if b.revisions_remaining == 0 => {
            Err(LifecycleError::NoRevisionsLeft { included: b.policy.included_revisions.max(b.revisions_remaining) })
        }
        CommandKind::Approve if party == Party::System => {
            let review_ends = b.completed_at.map_or(now, |at| later(at, b.policy.auto_approve_after));
            if now < review_ends || now < b.hold_until() {
                not_due(format!("the client may review until {}", review_ends.max(b.hold_until())))
            } else {
                Ok(())
            }
        }
        CommandKind::Dispute if b.ledger.escrow().is_zero() => Err(LifecycleError::NothingInEscrow),
        CommandKind::Vote => check_vote_open(b, user),
        CommandKind::CloseVote => match b.vote.window_ends_at {
            Some(end) if b.payment_status == crate::PaymentStatus::Releasing && now >= end => Ok(()),
            Some(end) => not_due(format!("the vote window ends at {end}")),
            None => not_due("no vote window is open".into()),
        },
        CommandKind::Distribute if b.team_pending().is_zero() => Err(LifecycleError::NothingToDistribute),
        CommandKind::AcceptTeamChange => match (&b.team_change, user) {
            (Some(change), Some(u)) if change.accepted_by.contains(u) => Err(LifecycleError::AlreadyDone {
                command: kind,
                reason: format!("{actor} has already accepted the team change"),
            }),
            (Some(_), Some(_)) => Ok(()),
            _ => Err(LifecycleError::AlreadyDone { command: kind, reason: "no team change is waiting".into() }),
        },
        CommandKind::Review => {
            let window = b.policy.review_window;
            if b.approved_at.is_some_and(|at| now >= later(at, window)) {
                Err(LifecycleError::ReviewWindowClosed { days: window.num_days() })
            } else if user.is_some_and(|u| b.reviews.iter().any(|r| &r.author == u)) {
                Err(LifecycleError::AlreadyDone { command: kind, reason: format!("{actor} has already reviewed") })
            } else {
                Ok(())
            }
        }
        _ => Ok(()),
    }
}

fn check_vote_open(b: &Booking, user: Option<&UserId>) -> Result<(), LifecycleError> {
    let closed = |reason| Err(LifecycleError::VoteNotOpen { reason });
    if !b.is_split() {
        return closed("a solo booking needs no vote (R7)");
    }
    if b.completed_at.is_none() {
        return closed("voting opens at the first delivery");
    }
    if b.vote.outcome.is_decided() {
        return closed("the vote is already decided");
    }
    if b.ledger.escrow().is_zero() {
        return closed("nothing is left in escrow to release");
    }
    if user.is_none_or(|u| b.revenue_split.member(u).is_none()) {
        return closed("only team members vote");
    }
    Ok(())
}

/// B2: a `final` file recorded since the latest revision request.
fn final_file_since_revision(b: &Booking) -> bool {
    for e in b.history.newest_first() {
        match &e.kind {
            EventKind::RevisionRequested { .. } => return false,
            EventKind::FileUploaded { file } if file.category == FileCategory::Final => return true,
            _ => {}
        }
    }
    false
}

fn check_text(field: &'static str, text: &str, required: bool) -> Result<(), LifecycleError> {
    if required && text.trim().is_empty() {
        return Err(LifecycleError::InvalidText { field, problem: "must not be empty" });
    }
    if text.chars().count() > MAX_TEXT_CHARS {
        return Err(LifecycleError::InvalidText { field, problem: "is longer than 10000 characters" });
    }
    Ok(())
}

fn check_team(team: &RevenueSplit, provider: &UserId, client: &UserId) -> Result<(), LifecycleError> {
    if &team.lead().user_id != provider {
        return Err(LifecycleError::InvalidTeam {
            reason: format!("the lead must be the provider {provider}, not {}", team.lead().user_id),
        });
    }
    if team.member(client).is_some() {
        return Err(LifecycleError::InvalidTeam { reason: format!("the client {client} cannot be on the team") });
    }
    Ok(())
}
