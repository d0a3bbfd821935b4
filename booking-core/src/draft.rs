//! Building one decision: events, ledger postings and payment steps.
//!
//! A [`Draft`] reads the booking as it was and tracks what this decision has
//! changed so far (status, payment status, escrow balance, votes), so one
//! command can chain steps (deliver → lead's vote → vote fails → dispute)
//! without cloning the booking. Money helpers post to the ledger and ask the
//! gateway for the matching step under one idempotency key (E5).

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

use crate::booking::{Booking, BookingStatus, Dispute, PaymentStatus, Payout};
use crate::error::LifecycleError;
use crate::escrow::{Account, LedgerEntry, LedgerError};
use crate::event::{Decision, Event, EventKind, PaymentEffect};
use crate::ids::{IdempotencyKey, UserId};
use crate::lifecycle::{Request, Resolution};
use crate::money::Money;
use crate::shares::platform_fee;
use crate::split::RevenueSplit;
use crate::vote::{tally, VoteOutcome};

pub(crate) struct Draft<'a> {
    b: &'a Booking,
    req: &'a Request,
    events: Vec<Event>,
    effects: Vec<PaymentEffect>,
    status: BookingStatus,
    payment: PaymentStatus,
    escrow: i64,
    refunded: i64,
    captured: i64,
    votes: Option<BTreeMap<UserId, bool>>,
    /// The team once this decision changed it (S10).
    team: Option<Arc<RevenueSplit>>,
}

impl<'a> Draft<'a> {
    pub(crate) fn new(b: &'a Booking, req: &'a Request) -> Draft<'a> {
        Draft {
            b,
            req,
            events: Vec::with_capacity(4),
            effects: Vec::new(),
            status: b.status,
            payment: b.payment_status,
            escrow: b.ledger.escrow().minor(),
            refunded: b.ledger.refunded().minor(),
            captured: b.ledger.captured().minor(),
            votes: None,
            team: None,
        }
    }

    /// The team as this decision leaves it.
    fn team(&self) -> Arc<RevenueSplit> {
        self.team.clone().unwrap_or_else(|| self.b.revenue_split.clone())
    }

    pub(crate) fn finish(self) -> Decision {
        Decision { events: self.events, effects: self.effects }
    }

    /// Appends an event; the command's notes go on its first event.
    pub(crate) fn emit(&mut self, kind: EventKind) {
        let notes = if self.events.is_empty() { self.req.notes.clone() } else { None };
        self.events.push(Event { at: self.req.at, actor: self.req.actor.clone(), notes, kind });
    }

    pub(crate) fn status(&mut self, to: BookingStatus) {
        if to != self.status {
            self.emit(EventKind::StatusChanged { from: self.status, to });
            self.status = to;
        }
    }

    pub(crate) fn payment(&mut self, to: PaymentStatus) {
        if to != self.payment {
            self.emit(EventKind::PaymentStatusChanged { from: self.payment, to });
            self.payment = to;
        }
    }

    /// `booking/<id>/v<version>/<step…>`, the idempotency key of a payment
    /// step (E5). The version the command was decided on is part of it: a
    /// retry of the same attempt reuses its keys (and moves no money twice),
    /// while a new attempt after a rollback (which advances the version)
    /// gets fresh ones, so a gateway's cached answer for a reversed step can
    /// never stand in for a new payment.
    fn key(&self, step: &[&str]) -> IdempotencyKey {
        // "v" and up to 20 digits, written on the stack.
        let mut buf = [0u8; 21];
        let mut at = buf.len();
        let mut n = self.b.version;
        loop {
            at -= 1;
            buf[at] = b'0' + (n % 10) as u8;
            n /= 10;
            if n == 0 {
                break;
            }
        }
        at -= 1;
        buf[at] = b'v';
        let version = std::str::from_utf8(&buf[at..]).unwrap_or("v");
        IdempotencyKey::joined(&["booking", self.b.id.as_str(), version], step)
    }

    fn post(&mut self, from: Account, to: Account, amount: Money, key: IdempotencyKey) -> Result<(), LedgerError> {
        if from == Account::Escrow {
            if self.escrow < amount.minor() {
                return Err(LedgerError::Overdraw { account: from, amount, balance: self.escrow });
            }
            self.escrow -= amount.minor();
        }
        if to == Account::Escrow {
            self.escrow = self.escrow.saturating_add(amount.minor());
        }
        self.emit(EventKind::Posted { entry: LedgerEntry { from, to, amount, key } });
        Ok(())
    }

    /// Captures the hold into escrow and confirms (E2).
    pub(crate) fn confirm(&mut self) {
        let key = self.key(&["capture"]);
        let amount = self.b.price;
        self.effects.push(PaymentEffect::Capture { key: key.clone(), amount });
        self.escrow = self.escrow.saturating_add(amount.minor());
        self.captured = self.captured.saturating_add(amount.minor());
        self.emit(EventKind::Posted { entry: LedgerEntry { from: Account::Client, to: Account::Escrow, amount, key } });
        self.payment(PaymentStatus::Held);
        self.status(BookingStatus::Confirmed);
    }

    /// Voids the hold (C1).
    pub(crate) fn void(&mut self) {
        self.effects.push(PaymentEffect::Void { key: self.key(&["void"]), amount: self.b.price });
        self.payment(PaymentStatus::Voided);
    }

    /// Refunds `amount` from escrow to the client.
    pub(crate) fn refund(&mut self, amount: Money) -> Result<(), LifecycleError> {
        if amount.is_zero() {
            return Ok(());
        }
        let key = self.key(&["refund"]);
        self.effects.push(PaymentEffect::Refund { key: key.clone(), amount });
        self.refunded += amount.minor();
        Ok(self.post(Account::Escrow, Account::Client, amount, key)?)
    }

    /// Releases `amount` from escrow: the platform fee first, the rest by
    /// the split (S3, S4, S6).
    pub(crate) fn release(&mut self, amount: Money) -> Result<(), LifecycleError> {
        if amount.is_zero() {
            return Ok(());
        }
        let split = self.team();
        let allocation = split.allocate(amount, self.b.policy.platform_fee_bps)?;
        let payouts = split
            .members()
            .iter()
            .zip(allocation.parts)
            .map(|(m, amount)| Payout { user_id: m.user_id.clone(), amount });
        self.pay_team(allocation.fee, payouts)
    }

    /// Takes `fee` for the platform and pays each member (autoSplit) or
    /// holds their shares in the team's pending balance (S9).
    fn pay_team(&mut self, fee: Money, payouts: impl Iterator<Item = Payout>) -> Result<(), LifecycleError> {
        if !fee.is_zero() {
            let key = self.key(&["fee"]);
            self.post(Account::Escrow, Account::Platform, fee, key)?;
        }
        if self.team().auto_split() {
            for p in payouts.filter(|p| !p.amount.is_zero()) {
                self.transfer(Account::Escrow, p)?;
            }
        } else {
            let payouts: Vec<Payout> = payouts.collect();
            let total = payouts.iter().try_fold(Money::zero(fee.currency()), |acc, p| acc.checked_add(p.amount))?;
            if !total.is_zero() {
                let key = self.key(&["hold"]);
                self.post(Account::Escrow, Account::TeamPending, total, key)?;
                self.emit(EventKind::PayoutsHeld { payouts });
            }
        }
        Ok(())
    }

    fn transfer(&mut self, from: Account, p: Payout) -> Result<(), LifecycleError> {
        let key = self.key(&["release", p.user_id.as_str()]);
        let account = self.team().member(&p.user_id).and_then(|m| m.payout_account.clone());
        self.effects.push(PaymentEffect::Transfer {
            key: key.clone(),
            amount: p.amount,
            user_id: p.user_id.clone(),
            account,
        });
        Ok(self.post(from, Account::Member(p.user_id), p.amount, key)?)
    }

    /// The payment status once escrow is settled.
    pub(crate) fn settle_payment(&mut self) {
        let to = match self.refunded {
            0 => PaymentStatus::Released,
            r if r == self.captured => PaymentStatus::Refunded,
            _ => PaymentStatus::PartiallyRefunded,
        };
        self.payment(to);
    }

    pub(crate) fn cast_vote(&mut self, user: UserId, approve: bool) {
        let votes = self.votes.get_or_insert_with(|| self.b.vote.votes.clone());
        votes.insert(user.clone(), approve);
        self.emit(EventKind::VoteCast { user_id: user, approve });
    }

    /// Tallies the vote (R4) and acts on a decided outcome: a pass after
    /// the client's approval releases at once (R3); a fail disputes (R5).
    pub(crate) fn settle_vote(&mut self, window_closed: bool) -> Result<(), LifecycleError> {
        let split = self.team();
        let members = split.user_ids();
        let votes = self.votes.as_ref().unwrap_or(&self.b.vote.votes);
        let outcome = tally(split.release_rule(), &members, &self.b.provider_id, votes, window_closed);
        match outcome {
            VoteOutcome::Pending => {}
            VoteOutcome::Passed => {
                self.emit(EventKind::VoteDecided { outcome });
                if self.status == BookingStatus::Approved && self.payment == PaymentStatus::Releasing {
                    self.release(Money::from_minor(self.escrow, self.b.price.currency()))?;
                    self.settle_payment();
                }
            }
            VoteOutcome::Failed => {
                self.emit(EventKind::VoteDecided { outcome });
                self.dispute(None, "the team's release vote failed".into());
            }
        }
        Ok(())
    }

    /// Opens a dispute: escrow is frozen until a mediator resolves (D1, E6).
    pub(crate) fn dispute(&mut self, raised_by: Option<UserId>, reason: String) {
        let dispute = Dispute { raised_by, reason, previous_status: self.status, at: self.req.at };
        self.emit(EventKind::DisputeRaised { dispute });
        self.status(BookingStatus::Disputed);
    }

    /// Settles a dispute (D2) after checking its amounts (D3).
    pub(crate) fn resolve(&mut self, resolution: &Resolution) -> Result<(), LifecycleError> {
        let escrow = self.b.ledger.escrow();
        self.emit(EventKind::DisputeResolved { resolution: resolution.clone() });
        match resolution {
            Resolution::ReleaseAll => self.release(escrow)?,
            Resolution::RefundAll => self.refund(escrow)?,
            Resolution::Partial { refund } => {
                self.refund(checked_refund(*refund, escrow)?)?;
                self.release(escrow.checked_sub(*refund)?)?;
            }
            Resolution::ResumeWork => {
                if self.b.vote != Default::default() {
                    self.emit(EventKind::VoteReset);
                }
                // Back to work: escrow stays held, no release is pending.
                self.payment(PaymentStatus::Held);
                self.status(BookingStatus::InProgress);
                return Ok(());
            }
            Resolution::Reallocate { refund, payouts } => {
                self.refund(checked_refund(*refund, escrow)?)?;
                let released = escrow.checked_sub(*refund)?;
                let fee = platform_fee(released, self.b.policy.platform_fee_bps);
                check_payouts(&self.b.revenue_split, payouts, released.checked_sub(fee)?)?;
                self.pay_team(fee, payouts.iter().cloned())?;
            }
        }
        self.settle_payment();
        let to = if self.refunded == self.captured { BookingStatus::Cancelled } else { BookingStatus::Approved };
        self.status(to);
        Ok(())
    }

    /// Pays the team's pending balance, exactly the shares held (S9).
    pub(crate) fn distribute(&mut self) -> Result<(), LifecycleError> {
        for p in self.b.pending_payouts.iter().filter(|p| !p.amount.is_zero()) {
            self.transfer(Account::TeamPending, p.clone())?;
        }
        self.emit(EventKind::PayoutsDistributed);
        Ok(())
    }

    /// S10: while pending the change applies at once and changed or added
    /// members accept again; after confirmation every member, old and new,
    /// must accept it first.
    pub(crate) fn propose_team(&mut self, split: &RevenueSplit) -> Result<(), LifecycleError> {
        let old = &self.b.revenue_split;
        if self.b.status == BookingStatus::Pending {
            // A new release rule or payout mode changes every member's deal.
            let same_terms = split.release_rule() == old.release_rule() && split.auto_split() == old.auto_split();
            let accepted_by: BTreeSet<UserId> = split
                .members()
                .iter()
                .filter(|m| {
                    m.user_id == self.b.provider_id
                        || (same_terms && self.b.accepted_by.contains(&m.user_id) && old.member(&m.user_id) == Some(*m))
                })
                .map(|m| m.user_id.clone())
                .collect();
            let everyone = accepted_by.len() == split.members().len();
            self.emit(EventKind::TeamChanged { split: split.clone(), accepted_by });
            if everyone {
                self.confirm();
            }
        } else if required(old, split).iter().all(|u| *u == self.b.provider_id) {
            self.change_team(split)?;
        } else {
            self.emit(EventKind::TeamChangeProposed { split: split.clone() });
        }
        Ok(())
    }

    /// Applies an accepted team change after confirmation; a release vote
    /// under way is counted again over the new team (R4).
    fn change_team(&mut self, split: &RevenueSplit) -> Result<(), LifecycleError> {
        let accepted_by = split.user_ids().into_iter().collect();
        self.emit(EventKind::TeamChanged { split: split.clone(), accepted_by });
        self.team = Some(Arc::new(split.clone()));
        if self.b.completed_at.is_some() && !self.b.vote.outcome.is_decided() && self.b.is_split() {
            self.settle_vote(false)?;
        }
        Ok(())
    }

    pub(crate) fn accept_team_change(&mut self, user: &UserId) -> Result<(), LifecycleError> {
        self.emit(EventKind::TeamChangeAccepted { user_id: user.clone() });
        let Some(change) = &self.b.team_change else { return Ok(()) };
        let all =
            required(&self.b.revenue_split, &change.split).iter().all(|u| u == user || change.accepted_by.contains(u));
        if all {
            self.change_team(&change.split)?;
        }
        Ok(())
    }
}

/// Everyone whose acceptance a team change needs: old and new members.
fn required(old: &RevenueSplit, new: &RevenueSplit) -> BTreeSet<UserId> {
    old.user_ids().into_iter().chain(new.user_ids()).collect()
}

fn checked_refund(refund: Money, escrow: Money) -> Result<Money, LifecycleError> {
    escrow.same_currency(refund)?;
    if refund.is_negative() || refund.minor() > escrow.minor() {
        return Err(LifecycleError::InvalidResolution {
            reason: format!("the refund {refund} must be between 0 and the {escrow} held in escrow"),
        });
    }
    Ok(refund)
}

fn check_payouts(split: &RevenueSplit, payouts: &[Payout], expected: Money) -> Result<(), LifecycleError> {
    let invalid = |reason: String| Err(LifecycleError::InvalidResolution { reason });
    let mut seen = BTreeSet::new();
    let mut sum = Money::zero(expected.currency());
    for p in payouts {
        if split.member(&p.user_id).is_none() {
            return invalid(format!("{} is not on the team", p.user_id));
        }
        if !seen.insert(&p.user_id) {
            return invalid(format!("{} is paid twice", p.user_id));
        }
        if p.amount.is_negative() {
            return invalid(format!("{}'s amount {} is negative", p.user_id, p.amount));
        }
        sum = sum.checked_add(p.amount)?;
    }
    if sum != expected {
        return invalid(format!(
            "the payouts sum to {sum}, but {expected} is left to release after the refund and fee"
        ));
    }
    Ok(())
}
