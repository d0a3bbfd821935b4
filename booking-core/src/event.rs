//! Events, payment effects, and folding events into a booking (evolve).
//!
//! [`decide`](crate::decide) answers a command with a [`Decision`]: the
//! events to append and the payment steps to perform, each with its
//! idempotency key (E5). Ledger postings are events too
//! ([`EventKind::Posted`]), carrying the key of the payment step that moves
//! the money, so the ledger is fed by the same history everything else is.

use std::collections::BTreeSet;
use std::sync::Arc;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::booking::{
    Booking, BookingKind, BookingStatus, Dispute, PaymentStatus, Payout, ReleaseVote, Review, TeamChange,
};
use crate::error::LifecycleError;
use crate::escrow::{Ledger, LedgerEntry};
use crate::files::{BookingFile, ShareGrant};
use crate::history::History;
use crate::ids::{FileId, IdempotencyKey, UserId};
use crate::lifecycle::{NewBooking, Resolution};
use crate::money::Money;
use crate::split::RevenueSplit;
use crate::vote::VoteOutcome;
use crate::Actor;

/// Something that happened to a booking: who, what, when, and notes (B4).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Event {
    /// When.
    #[serde(deserialize_with = "crate::rfc3339::utc")]
    pub at: DateTime<Utc>,
    /// Who.
    pub actor: Actor,
    /// Free-text notes given with the command.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub notes: Option<String>,
    /// What.
    pub kind: EventKind,
}

/// What happened.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "kebab-case", rename_all_fields = "camelCase")]
#[non_exhaustive]
pub enum EventKind {
    /// The booking was created.
    Created {
        /// What was asked for (shared: cloning a history stays cheap).
        booking: Arc<NewBooking>,
    },
    /// The status changed.
    StatusChanged {
        /// Before.
        from: BookingStatus,
        /// After.
        to: BookingStatus,
    },
    /// The payment status changed.
    PaymentStatusChanged {
        /// Before.
        from: PaymentStatus,
        /// After.
        to: PaymentStatus,
    },
    /// A team member accepted the booking.
    MemberAccepted {
        /// The member.
        user_id: UserId,
    },
    /// The lead delivered.
    Delivered,
    /// The client asked for a revision.
    RevisionRequested {
        /// What to change.
        feedback: String,
    },
    /// The client (or the system) approved.
    Approved,
    /// The booking was cancelled or declined.
    Cancelled {
        /// Why, if given.
        reason: Option<String>,
    },
    /// A dispute was raised.
    DisputeRaised {
        /// The dispute.
        dispute: Dispute,
    },
    /// A mediator resolved the dispute.
    DisputeResolved {
        /// How.
        resolution: Resolution,
    },
    /// A release vote was cast or changed.
    VoteCast {
        /// The voter.
        user_id: UserId,
        /// `true` approves.
        approve: bool,
    },
    /// The release vote window opened at client approval.
    VoteWindowOpened {
        /// When it ends.
        ends_at: DateTime<Utc>,
    },
    /// The release vote was decided.
    VoteDecided {
        /// Passed or failed.
        outcome: VoteOutcome,
    },
    /// The release vote started over (work resumed after a dispute).
    VoteReset,
    /// The lead proposed a new team after confirmation.
    TeamChangeProposed {
        /// The proposed team.
        split: RevenueSplit,
    },
    /// Someone accepted the proposed team.
    TeamChangeAccepted {
        /// Who.
        user_id: UserId,
    },
    /// The team changed.
    TeamChanged {
        /// The new team.
        split: RevenueSplit,
        /// Who has accepted the booking under the new team.
        accepted_by: BTreeSet<UserId>,
    },
    /// A file was recorded.
    FileUploaded {
        /// The file, shared with the booking's list of files.
        file: Arc<BookingFile>,
    },
    /// A file was shared with named users until an expiry.
    FileShared {
        /// The file.
        file_id: FileId,
        /// Who may read it, sorted, once each.
        with: Vec<UserId>,
        /// Until when (inclusive).
        expires_at: DateTime<Utc>,
    },
    /// A review was submitted.
    ReviewSubmitted {
        /// The review.
        review: Review,
    },
    /// Money moved in the ledger.
    Posted {
        /// The entry.
        entry: LedgerEntry,
    },
    /// Shares were put in the team's pending balance (`autoSplit: false`).
    PayoutsHeld {
        /// Each member's share.
        payouts: Vec<Payout>,
    },
    /// The lead distributed the pending balance.
    PayoutsDistributed,
    /// A payment step failed for good; the steps taken before it were
    /// reversed and the command did not happen (O2, O5).
    PaymentFailed {
        /// The failed step's idempotency key.
        step: String,
        /// The gateway's code, e.g. `"card_declined"`.
        code: String,
        /// The gateway's message.
        message: String,
    },
}

/// A payment step for the gateway, with its idempotency key (E5).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "kebab-case", rename_all_fields = "camelCase")]
pub enum PaymentEffect {
    /// Place a hold on the client's card (E2).
    Authorize {
        /// Idempotency key.
        key: IdempotencyKey,
        /// Amount.
        amount: Money,
        /// The client's payment method, as the gateway knows it.
        #[serde(default)]
        payment_method: Option<String>,
    },
    /// Capture the hold into escrow.
    Capture {
        /// Idempotency key.
        key: IdempotencyKey,
        /// Amount.
        amount: Money,
    },
    /// Release the hold; nothing is charged.
    Void {
        /// Idempotency key.
        key: IdempotencyKey,
        /// Amount of the hold.
        amount: Money,
    },
    /// Pay a team member.
    Transfer {
        /// Idempotency key.
        key: IdempotencyKey,
        /// Amount.
        amount: Money,
        /// The member.
        user_id: UserId,
        /// The member's payout account, if the split names one.
        account: Option<String>,
    },
    /// Refund the client from escrow.
    Refund {
        /// Idempotency key.
        key: IdempotencyKey,
        /// Amount.
        amount: Money,
    },
}

impl PaymentEffect {
    /// The idempotency key: `booking/<id>/<step>`.
    ///
    /// ```
    /// # use booking_core::*;
    /// let e = PaymentEffect::Refund { key: "booking/b/refund".into(), amount: Money::parse("1 USD")? };
    /// assert_eq!(e.key(), "booking/b/refund");
    /// # Ok::<(), booking_core::Error>(())
    /// ```
    pub fn key(&self) -> &str {
        match self {
            PaymentEffect::Authorize { key, .. }
            | PaymentEffect::Capture { key, .. }
            | PaymentEffect::Void { key, .. }
            | PaymentEffect::Transfer { key, .. }
            | PaymentEffect::Refund { key, .. } => key.as_str(),
        }
    }

    /// The amount the step moves or holds.
    ///
    /// ```
    /// # use booking_core::*;
    /// let e = PaymentEffect::Capture { key: "k".into(), amount: Money::parse("2 USD")? };
    /// assert_eq!(e.amount().minor(), 200);
    /// # Ok::<(), booking_core::Error>(())
    /// ```
    pub fn amount(&self) -> Money {
        match self {
            PaymentEffect::Authorize { amount, .. }
            | PaymentEffect::Capture { amount, .. }
            | PaymentEffect::Void { amount, .. }
            | PaymentEffect::Transfer { amount, .. }
            | PaymentEffect::Refund { amount, .. } => *amount,
        }
    }
}

/// The answer to a command: events to append and payment steps to perform.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Decision {
    /// Events, in order.
    pub events: Vec<Event>,
    /// Payment steps, in order.
    pub effects: Vec<PaymentEffect>,
}

impl Booking {
    /// The state right after a [`EventKind::Created`] event.
    pub(crate) fn from_new(new: &NewBooking, at: DateTime<Utc>) -> Booking {
        let (kind, revenue_split) = match &new.revenue_split {
            Some(split) => (BookingKind::Split, Arc::new(split.clone())),
            None => (BookingKind::Solo, Arc::new(RevenueSplit::solo(new.provider_id.clone()))),
        };
        Booking {
            id: new.id.clone(),
            client_id: new.client_id.clone(),
            provider_id: new.provider_id.clone(),
            service_id: new.service_id.clone(),
            title: new.title.as_str().into(),
            description: new.description.as_str().into(),
            price: new.price,
            scheduled_date: new.scheduled_date,
            estimated_duration_minutes: new.estimated_duration_minutes,
            status: BookingStatus::Pending,
            payment_status: PaymentStatus::Unpaid,
            kind,
            revenue_split,
            chat_thread_id: new
                .chat_thread_id
                .as_deref()
                .map_or_else(|| ["booking/", new.id.as_str(), "/chat"].concat().into(), Arc::from),
            created_at: at,
            updated_at: at,
            completed_at: None,
            approved_at: None,
            revision_requested_at: None,
            revisions_remaining: new.included_revisions.unwrap_or(new.policy.included_revisions),
            policy: new.policy.clone(),
            accepted_by: BTreeSet::new(),
            team_change: None,
            vote: ReleaseVote::default(),
            ledger: Ledger::new(new.price.currency()),
            pending_payouts: Vec::new(),
            files: Vec::new(),
            reviews: Vec::new(),
            dispute: None,
            history: History::default(),
            version: 0,
        }
    }

    /// Rebuilds a booking from its full history (the first event must be
    /// `created`). A history that breaks a rule is an error, not a panic.
    ///
    /// ```
    /// # use booking_core::*;
    /// # use chrono::{TimeDelta, TimeZone, Utc};
    /// # let now = Utc.with_ymd_and_hms(2026, 6, 1, 9, 0, 0).unwrap();
    /// # let new = NewBooking::solo("b", "c", "p", Money::parse("1 USD")?, now + TimeDelta::days(3), 90);
    /// let (b, _) = Booking::create(new, now)?;
    /// assert_eq!(Booking::replay(b.history.to_vec())?, b);
    /// # Ok::<(), booking_core::Error>(())
    /// ```
    pub fn replay(events: impl IntoIterator<Item = Event>) -> Result<Booking, LifecycleError> {
        // A `Vec` passed here becomes the history as it is, not copied.
        let events: Vec<Event> = events.into_iter().collect();
        let first = events.first().ok_or_else(|| corrupt("an empty history"))?;
        let EventKind::Created { booking: new } = &first.kind else {
            return Err(corrupt("a history that does not start with `created`"));
        };
        let mut booking = Booking::from_new(new.as_ref(), first.at);
        booking.stamp(first);
        booking.fold(&events[1..]).1?;
        booking.history.append(events);
        booking.check_consistency().map_err(|reason| LifecycleError::Corrupt { reason })?;
        Ok(booking)
    }

    /// Applies the events of a decision, in order.
    ///
    /// The events join the history as they are: after a clone, whose
    /// history is shared, the decision's own `Vec` becomes the new chunk,
    /// with no copy. An event the state refuses is an error; the events
    /// before it stay applied, as with [`Booking::apply`] one by one.
    ///
    /// ```
    /// # use booking_core::*;
    /// # use chrono::{TimeDelta, TimeZone, Utc};
    /// # let now = Utc.with_ymd_and_hms(2026, 6, 1, 9, 0, 0).unwrap();
    /// # let new = NewBooking::solo("b", "c", "p", Money::parse("1 USD")?, now + TimeDelta::days(3), 90);
    /// let (mut b, _) = Booking::create(new, now)?;
    /// let d = decide(&b, &Request::new(Actor::user("p"), Command::Confirm, now))?;
    /// b.apply_all(d.events)?;
    /// assert_eq!(b.status, BookingStatus::Confirmed);
    /// # Ok::<(), booking_core::Error>(())
    /// ```
    pub fn apply_all(&mut self, events: impl IntoIterator<Item = Event>) -> Result<(), LifecycleError> {
        // A `Vec` passed here is reused as it is, not copied.
        let mut events: Vec<Event> = events.into_iter().collect();
        let (applied, result) = self.fold(&events);
        events.truncate(applied);
        self.history.append(events);
        result
    }

    /// Folds `events` into the state, in order, without recording them:
    /// how many it applied, and the refusal that stopped it, if any.
    fn fold(&mut self, events: &[Event]) -> (usize, Result<(), LifecycleError>) {
        for (applied, event) in events.iter().enumerate() {
            if let Err(e) = self.evolve(event) {
                return (applied, Err(e));
            }
            self.stamp(event);
        }
        (events.len(), Ok(()))
    }

    /// Folds one event into the state (evolve).
    ///
    /// ```
    /// # use booking_core::*;
    /// # use chrono::{TimeDelta, TimeZone, Utc};
    /// # let now = Utc.with_ymd_and_hms(2026, 6, 1, 9, 0, 0).unwrap();
    /// # let new = NewBooking::solo("b", "c", "p", Money::parse("1 USD")?, now + TimeDelta::days(3), 90);
    /// let (mut b, _) = Booking::create(new, now)?;
    /// let first = b.history[0].clone();
    /// assert_eq!(b.apply(first).unwrap_err().code(), "booking.corrupt");
    /// # Ok::<(), booking_core::Error>(())
    /// ```
    pub fn apply(&mut self, event: Event) -> Result<(), LifecycleError> {
        self.evolve(&event)?;
        self.stamp(&event);
        self.history.push(event);
        Ok(())
    }

    /// The state change `event` makes, without recording it.
    fn evolve(&mut self, event: &Event) -> Result<(), LifecycleError> {
        let at = event.at;
        match &event.kind {
            EventKind::Created { .. } => return Err(corrupt("a second `created` event")),
            EventKind::StatusChanged { from, to } => {
                if *from != self.status {
                    return Err(corrupt("a status change from a status the booking is not in"));
                }
                self.status = *to;
                if *to == BookingStatus::Approved {
                    // The latest approval starts the review window (T4).
                    self.approved_at = Some(at);
                }
            }
            EventKind::PaymentStatusChanged { to, .. } => self.payment_status = *to,
            EventKind::MemberAccepted { user_id } => {
                self.accepted_by.insert(user_id.clone());
            }
            EventKind::Delivered => self.completed_at = Some(at),
            EventKind::RevisionRequested { .. } => {
                self.revisions_remaining = self.revisions_remaining.saturating_sub(1);
                self.revision_requested_at = Some(at);
            }
            EventKind::Approved | EventKind::Cancelled { .. } | EventKind::DisputeResolved { .. } => {}
            EventKind::DisputeRaised { dispute } => self.dispute = Some(dispute.clone()),
            EventKind::VoteCast { user_id, approve } => {
                self.vote.votes.insert(user_id.clone(), *approve);
            }
            EventKind::VoteWindowOpened { ends_at } => self.vote.window_ends_at = Some(*ends_at),
            EventKind::VoteDecided { outcome } => self.vote.outcome = *outcome,
            EventKind::VoteReset => self.vote = ReleaseVote::default(),
            EventKind::TeamChangeProposed { split } => {
                let accepted_by = BTreeSet::from([self.provider_id.clone()]);
                self.team_change = Some(TeamChange { split: split.clone(), accepted_by });
            }
            EventKind::TeamChangeAccepted { user_id } => {
                if let Some(change) = &mut self.team_change {
                    change.accepted_by.insert(user_id.clone());
                }
            }
            EventKind::TeamChanged { split, accepted_by } => {
                self.revenue_split = Arc::new(split.clone());
                self.accepted_by = accepted_by.clone();
                self.team_change = None;
            }
            EventKind::FileUploaded { file } => self.files.push(file.clone()),
            EventKind::FileShared { file_id, with, expires_at } => {
                let by = event.actor.user_id().cloned().ok_or_else(|| corrupt("a share by no user"))?;
                let file = self.files.iter_mut().find(|f| &f.file_id == file_id);
                let file = file.ok_or_else(|| corrupt(&format!("a share of unknown file {file_id}")))?;
                let file = Arc::make_mut(file);
                for user in with {
                    file.grant(ShareGrant {
                        user_id: user.clone(),
                        granted_by: by.clone(),
                        granted_at: event.at,
                        expires_at: *expires_at,
                    });
                }
            }
            EventKind::ReviewSubmitted { review } => self.reviews.push(review.clone()),
            EventKind::Posted { entry } => {
                self.ledger.post(entry.clone()).map_err(|e| corrupt(&format!("a ledger entry it refuses: {e}")))?
            }
            EventKind::PayoutsHeld { payouts } => self.pending_payouts.extend(payouts.iter().cloned()),
            EventKind::PayoutsDistributed => self.pending_payouts.clear(),
            EventKind::PaymentFailed { .. } => {}
        }
        Ok(())
    }

    /// The version and time an applied event gives the booking.
    fn stamp(&mut self, event: &Event) {
        self.updated_at = event.at;
        self.version += 1;
    }
}

fn corrupt(what: &str) -> LifecycleError {
    LifecycleError::Corrupt { reason: format!("the history holds {what}") }
}

impl std::fmt::Display for EventKind {
    /// One line a person can read in a timeline.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            EventKind::Created { booking } => write!(f, "booked \"{}\" for {}", booking.title, booking.price),
            EventKind::StatusChanged { from, to } => write!(f, "status {from} → {to}"),
            EventKind::PaymentStatusChanged { from, to } => write!(f, "payment {from} → {to}"),
            EventKind::MemberAccepted { user_id } => write!(f, "{user_id} accepted"),
            EventKind::Delivered => f.write_str("delivered"),
            EventKind::RevisionRequested { feedback } => write!(f, "revision requested: {feedback}"),
            EventKind::Approved => f.write_str("approved"),
            EventKind::Cancelled { reason: Some(r) } => write!(f, "cancelled: {r}"),
            EventKind::Cancelled { reason: None } => f.write_str("cancelled"),
            EventKind::DisputeRaised { dispute } => write!(f, "dispute raised: {}", dispute.reason),
            EventKind::DisputeResolved { resolution } => write!(f, "dispute resolved: {resolution:?}"),
            EventKind::VoteCast { user_id, approve } => {
                write!(f, "{user_id} voted to {} the release", if *approve { "approve" } else { "reject" })
            }
            EventKind::VoteWindowOpened { ends_at } => write!(f, "release vote open until {ends_at}"),
            EventKind::VoteDecided { outcome } => write!(f, "release vote {outcome:?}"),
            EventKind::VoteReset => f.write_str("release vote reset"),
            EventKind::TeamChangeProposed { .. } => f.write_str("team change proposed"),
            EventKind::TeamChangeAccepted { user_id } => write!(f, "{user_id} accepted the team change"),
            EventKind::TeamChanged { split, .. } => write!(f, "team is now {} members", split.members().len()),
            EventKind::FileUploaded { file } => write!(f, "file {} ({:?})", file.file_id, file.category),
            EventKind::FileShared { file_id, with, expires_at } => {
                write!(f, "file {file_id} shared with {} until {expires_at}", with.len())
            }
            EventKind::ReviewSubmitted { review } => write!(f, "{} rated {}★", review.author, review.rating),
            EventKind::Posted { entry } => write!(f, "{} {} → {}", entry.amount, entry.from, entry.to),
            EventKind::PayoutsHeld { payouts } => write!(f, "{} shares held for distribution", payouts.len()),
            EventKind::PayoutsDistributed => f.write_str("pending shares distributed"),
            EventKind::PaymentFailed { step, code, .. } => {
                write!(f, "payment step {step} failed ({code}); the steps before it were reversed")
            }
        }
    }
}

impl std::fmt::Display for Event {
    /// `2026-06-01 09:00 UTC  client-123  status pending → confirmed  (notes)`
    ///
    /// ```
    /// # use booking_core::*;
    /// # use chrono::{TimeDelta, TimeZone, Utc};
    /// # let now = Utc.with_ymd_and_hms(2026, 6, 1, 9, 0, 0).unwrap();
    /// let (b, _) = Booking::create(NewBooking::solo("b", "c", "p", Money::parse("1 USD")?, now + TimeDelta::days(3), 90), now)?;
    /// assert_eq!(b.history[1].to_string(), "2026-06-01 09:00 UTC  c  payment unpaid → authorized");
    /// # Ok::<(), booking_core::Error>(())
    /// ```
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}  {}  {}", self.at.format("%Y-%m-%d %H:%M UTC"), self.actor, self.kind)?;
        if let Some(notes) = &self.notes {
            write!(f, "  ({notes})")?;
        }
        Ok(())
    }
}
