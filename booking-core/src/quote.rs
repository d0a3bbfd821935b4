//! What a cancellation would do now, without doing it: the figures a
//! booking page shows next to its cancel button (C1–C5).

use chrono::{DateTime, Utc};
use serde::Serialize;

use crate::booking::{Actor, Booking};
use crate::error::LifecycleError;
use crate::event::PaymentEffect;
use crate::lifecycle::{decide, Command, Request};
use crate::money::Money;

/// The money side of cancelling a booking at a given moment.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct RefundQuote {
    /// What goes back to the client from escrow (C2, C3, C5).
    pub refund: Money,
    /// What the team and the platform keep.
    pub kept: Money,
    /// `true` when nothing was captured yet: the card hold is released and
    /// the client is never charged (C1).
    pub voided: bool,
}

/// What `actor` cancelling `booking` at `at` would refund, decided by the
/// same rules as the cancel itself ([`decide`]), so the quote and the
/// cancel never disagree. Refused exactly as the cancel would be.
///
/// ```
/// # use booking_core::*;
/// # use chrono::{TimeDelta, TimeZone, Utc};
/// let now = Utc.with_ymd_and_hms(2026, 6, 1, 9, 0, 0).unwrap();
/// let new = NewBooking::solo("b", "c", "p", Money::parse("100.00 USD")?, now + TimeDelta::hours(36), 60);
/// let (mut b, _) = Booking::create(new, now)?;
/// assert!(refund_quote(&b, &Actor::user("c"), now)?.voided); // C1: pending
/// b.handle(Request::new(Actor::user("p"), Command::Confirm, now))?;
/// let quote = refund_quote(&b, &Actor::user("c"), now)?; // 36 h before: 50 % (C2)
/// assert_eq!((quote.refund.minor(), quote.kept.minor()), (5_000, 5_000));
/// assert_eq!(refund_quote(&b, &Actor::user("p"), now)?.refund.minor(), 10_000); // C3
/// # Ok::<(), booking_core::Error>(())
/// ```
pub fn refund_quote(booking: &Booking, actor: &Actor, at: DateTime<Utc>) -> Result<RefundQuote, LifecycleError> {
    let decision = decide(booking, &Request::new(actor.clone(), Command::Cancel { reason: None }, at))?;
    let zero = Money::zero(booking.price.currency());
    let mut refund = zero;
    let mut voided = false;
    for effect in &decision.effects {
        match effect {
            PaymentEffect::Refund { amount, .. } => refund = refund.checked_add(*amount)?,
            PaymentEffect::Void { .. } => voided = true,
            _ => {}
        }
    }
    let kept = if voided { zero } else { booking.ledger.escrow().checked_sub(refund)? };
    Ok(RefundQuote { refund, kept, voided })
}
