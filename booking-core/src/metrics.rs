//! Monitoring (SPEC X7): success rate, payment completion rate, average
//! time to approval and satisfaction, computed from the event history.
//!
//! The metrics follow a cohort: the bookings created in the range
//! `[from, to)`, judged on their whole history so far ("of June's bookings,
//! how many were approved by now"). So each rate's part is a subset of its
//! whole (never above 100 %), a booking counts once however long it runs,
//! and a store can add bookings up one by one or merge per-shard results.
//! Rates are exact fractions; nothing is a float.
//!
//! - success rate: approved (at least once) / created;
//! - payment completion rate: released in full / captured into escrow;
//! - average time to approval: over the approved ones, creation to first
//!   approval, rounded half up to the second;
//! - satisfaction: the clients' reviews of these bookings, their mean and
//!   the share of 4 and 5 stars.

use chrono::{DateTime, TimeDelta, Utc};
use rust_decimal::{Decimal, RoundingStrategy};
use serde::{Deserialize, Serialize};

use crate::booking::{Booking, BookingStatus, PaymentStatus};
use crate::event::{Event, EventKind};
use crate::review::RatingSummary;

/// A half-open time range `[from, to)`.
///
/// ```
/// use booking_core::TimeRange;
/// use chrono::{TimeZone, Utc};
/// let r = TimeRange::new(Utc.with_ymd_and_hms(2026, 6, 1, 0, 0, 0).unwrap(), Utc.with_ymd_and_hms(2026, 7, 1, 0, 0, 0).unwrap())?;
/// assert!(r.contains(Utc.with_ymd_and_hms(2026, 6, 30, 23, 59, 59).unwrap()));
/// assert!(!r.contains(Utc.with_ymd_and_hms(2026, 7, 1, 0, 0, 0).unwrap()));
/// # Ok::<(), booking_core::MetricsError>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "RawRange")]
pub struct TimeRange {
    /// Start, inclusive.
    pub from: DateTime<Utc>,
    /// End, exclusive.
    pub to: DateTime<Utc>,
}

impl TimeRange {
    /// `[from, to)`; `from` must be before `to`.
    ///
    /// ```
    /// use chrono::{TimeZone, Utc};
    /// let t = Utc.with_ymd_and_hms(2026, 6, 1, 0, 0, 0).unwrap();
    /// assert_eq!(booking_core::TimeRange::new(t, t).unwrap_err().code(), "metrics.invalid_range");
    /// ```
    pub fn new(from: DateTime<Utc>, to: DateTime<Utc>) -> Result<TimeRange, MetricsError> {
        if from < to {
            Ok(TimeRange { from, to })
        } else {
            Err(MetricsError::InvalidRange { from, to })
        }
    }

    /// `true` when `at` is in the range.
    ///
    /// ```
    /// # use chrono::{TimeZone, Utc};
    /// # let t = Utc.with_ymd_and_hms(2026, 6, 1, 0, 0, 0).unwrap();
    /// let r = booking_core::TimeRange::new(t, t + chrono::TimeDelta::days(1))?;
    /// assert!(r.contains(t));
    /// # Ok::<(), booking_core::MetricsError>(())
    /// ```
    pub fn contains(&self, at: DateTime<Utc>) -> bool {
        self.from <= at && at < self.to
    }
}

#[derive(Deserialize)]
struct RawRange {
    from: DateTime<Utc>,
    to: DateTime<Utc>,
}

impl TryFrom<RawRange> for TimeRange {
    type Error = MetricsError;

    fn try_from(raw: RawRange) -> Result<Self, Self::Error> {
        TimeRange::new(raw.from, raw.to)
    }
}

/// An exact rate: `part` of `whole`.
///
/// ```
/// let r = booking_core::Rate { part: 2, whole: 3 };
/// assert_eq!(r.percent().unwrap().to_string(), "66.67");
/// assert_eq!(r.basis_points(), Some(6667));
/// assert_eq!(booking_core::Rate::default().percent(), None);
/// ```
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Rate {
    /// How many did.
    pub part: u64,
    /// Out of how many.
    pub whole: u64,
}

impl Rate {
    /// The rate in percent, rounded half up to two decimals; `None` when
    /// the whole is zero.
    ///
    /// ```
    /// assert_eq!(booking_core::Rate { part: 1, whole: 8 }.percent().unwrap().to_string(), "12.50");
    /// ```
    pub fn percent(&self) -> Option<Decimal> {
        if self.whole == 0 {
            return None;
        }
        let mut p = (Decimal::from(self.part) * Decimal::ONE_HUNDRED / Decimal::from(self.whole))
            .round_dp_with_strategy(2, RoundingStrategy::MidpointAwayFromZero);
        p.rescale(2);
        Some(p)
    }

    /// The rate in basis points (1/100 of a percent), rounded half up;
    /// `None` when the whole is zero.
    ///
    /// ```
    /// assert_eq!(booking_core::Rate { part: 1, whole: 1 }.basis_points(), Some(10_000));
    /// ```
    pub fn basis_points(&self) -> Option<u64> {
        if self.whole == 0 {
            return None;
        }
        let (part, whole) = (u128::from(self.part), u128::from(self.whole));
        u64::try_from((part * 20_000 + whole) / (2 * whole)).ok()
    }
}

/// The monitoring numbers (X7) for the cohort of bookings created in a
/// range, judged on their whole history so far: approved / created,
/// released in full / captured, the mean time from creation to first
/// approval, and the clients' reviews.
///
/// ```
/// use booking_core::*;
/// use chrono::{TimeDelta, TimeZone, Utc};
/// let now = Utc.with_ymd_and_hms(2026, 6, 1, 9, 0, 0).unwrap();
/// let (b, _) = Booking::create(NewBooking::solo("b", "c", "p", Money::parse("1 USD")?, now + TimeDelta::days(3), 90), now)?;
/// let m = Metrics::of(TimeRange::new(now, now + TimeDelta::days(30))?, [&b]);
/// assert_eq!(m.success_rate(), Rate { part: 0, whole: 1 });
/// assert_eq!(m.average_time_to_approval(), None);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Metrics {
    /// The range.
    pub range: TimeRange,
    /// Bookings created in the range.
    pub created: u64,
    /// Of those, approved.
    pub approved: u64,
    /// Of those, captured into escrow.
    pub captured: u64,
    /// Of those captured, released in full.
    pub released: u64,
    /// The sum of the approved ones' creation-to-approval times, in seconds.
    pub approval_seconds: i128,
    /// The clients' reviews of the bookings created in the range.
    pub satisfaction: RatingSummary,
}

impl Metrics {
    /// Nothing counted yet.
    ///
    /// ```
    /// # use chrono::{TimeZone, Utc};
    /// # let t = Utc.with_ymd_and_hms(2026, 6, 1, 0, 0, 0).unwrap();
    /// let m = booking_core::Metrics::new(booking_core::TimeRange::new(t, t + chrono::TimeDelta::days(1))?);
    /// assert_eq!(m.created, 0);
    /// # Ok::<(), booking_core::MetricsError>(())
    /// ```
    pub fn new(range: TimeRange) -> Metrics {
        Metrics {
            range,
            created: 0,
            approved: 0,
            captured: 0,
            released: 0,
            approval_seconds: 0,
            satisfaction: RatingSummary::default(),
        }
    }

    /// The metrics of `bookings` (those created outside the range are
    /// skipped).
    ///
    /// ```
    /// # use chrono::{TimeZone, Utc};
    /// # let t = Utc.with_ymd_and_hms(2026, 6, 1, 0, 0, 0).unwrap();
    /// let range = booking_core::TimeRange::new(t, t + chrono::TimeDelta::days(1))?;
    /// assert_eq!(booking_core::Metrics::of(range, []).created, 0);
    /// # Ok::<(), booking_core::MetricsError>(())
    /// ```
    pub fn of<'a>(range: TimeRange, bookings: impl IntoIterator<Item = &'a Booking>) -> Metrics {
        let mut m = Metrics::new(range);
        for b in bookings {
            m.add(b);
        }
        m
    }

    /// Counts one booking, if it was created in the range, from its
    /// whole history.
    ///
    /// ```
    /// # use booking_core::*;
    /// # use chrono::{TimeDelta, TimeZone, Utc};
    /// # let now = Utc.with_ymd_and_hms(2026, 6, 1, 9, 0, 0).unwrap();
    /// let (b, _) = Booking::create(NewBooking::solo("b", "c", "p", Money::parse("1 USD")?, now + TimeDelta::days(3), 90), now)?;
    /// let mut m = Metrics::new(TimeRange::new(now + TimeDelta::days(1), now + TimeDelta::days(2))?);
    /// m.add(&b);
    /// assert_eq!(m.created, 0);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn add(&mut self, booking: &Booking) {
        self.add_facts(&BookingFacts::of(booking));
    }

    /// Counts one booking's facts, if it was created in the range.
    ///
    /// ```
    /// # use booking_core::*;
    /// # use chrono::{TimeDelta, TimeZone, Utc};
    /// # let now = Utc.with_ymd_and_hms(2026, 6, 1, 9, 0, 0).unwrap();
    /// let (b, _) = Booking::create(NewBooking::solo("b", "c", "p", Money::parse("1 USD")?, now + TimeDelta::days(3), 90), now)?;
    /// let mut m = Metrics::new(TimeRange::new(now, now + TimeDelta::days(1))?);
    /// m.add_facts(&BookingFacts::of(&b));
    /// assert_eq!(m.created, 1);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn add_facts(&mut self, facts: &BookingFacts) {
        if !self.range.contains(facts.created_at) {
            return;
        }
        self.created += 1;
        if let Some(at) = facts.approved_at {
            self.approved += 1;
            self.approval_seconds += i128::from((at - facts.created_at).num_seconds());
        }
        if facts.captured {
            self.captured += 1;
            self.released += u64::from(facts.released);
        }
        if let Some(stars) = facts.client_rating {
            self.satisfaction.add(stars);
        }
    }

    /// Adds another count over the same range (a shard's).
    ///
    /// ```
    /// # use chrono::{TimeZone, Utc};
    /// # let t = Utc.with_ymd_and_hms(2026, 6, 1, 0, 0, 0).unwrap();
    /// # let range = booking_core::TimeRange::new(t, t + chrono::TimeDelta::days(1))?;
    /// let mut a = booking_core::Metrics::new(range);
    /// a.created = 2;
    /// a.merge(&a.clone());
    /// assert_eq!(a.created, 4);
    /// # Ok::<(), booking_core::MetricsError>(())
    /// ```
    pub fn merge(&mut self, other: &Metrics) {
        self.created += other.created;
        self.approved += other.approved;
        self.captured += other.captured;
        self.released += other.released;
        self.approval_seconds += other.approval_seconds;
        for (mine, theirs) in self.satisfaction.distribution.iter_mut().zip(other.satisfaction.distribution) {
            *mine = mine.saturating_add(theirs);
        }
    }

    /// Approved / created.
    ///
    /// ```
    /// # use chrono::{TimeZone, Utc};
    /// # let t = Utc.with_ymd_and_hms(2026, 6, 1, 0, 0, 0).unwrap();
    /// # let range = booking_core::TimeRange::new(t, t + chrono::TimeDelta::days(1))?;
    /// assert_eq!(booking_core::Metrics::new(range).success_rate().percent(), None);
    /// # Ok::<(), booking_core::MetricsError>(())
    /// ```
    pub fn success_rate(&self) -> Rate {
        Rate { part: self.approved, whole: self.created }
    }

    /// Released / captured.
    ///
    /// ```
    /// # use chrono::{TimeZone, Utc};
    /// # let t = Utc.with_ymd_and_hms(2026, 6, 1, 0, 0, 0).unwrap();
    /// # let range = booking_core::TimeRange::new(t, t + chrono::TimeDelta::days(1))?;
    /// assert_eq!(booking_core::Metrics::new(range).payment_completion_rate().whole, 0);
    /// # Ok::<(), booking_core::MetricsError>(())
    /// ```
    pub fn payment_completion_rate(&self) -> Rate {
        Rate { part: self.released, whole: self.captured }
    }

    /// The mean time from creation to approval, rounded half up to the
    /// second; `None` before any approval.
    ///
    /// ```
    /// # use chrono::{TimeZone, Utc};
    /// # let t = Utc.with_ymd_and_hms(2026, 6, 1, 0, 0, 0).unwrap();
    /// # let range = booking_core::TimeRange::new(t, t + chrono::TimeDelta::days(1))?;
    /// let mut m = booking_core::Metrics::new(range);
    /// (m.approved, m.approval_seconds) = (2, 3);
    /// assert_eq!(m.average_time_to_approval(), Some(chrono::TimeDelta::seconds(2)));
    /// # Ok::<(), booking_core::MetricsError>(())
    /// ```
    pub fn average_time_to_approval(&self) -> Option<TimeDelta> {
        if self.approved == 0 {
            return None;
        }
        let n = i128::from(self.approved);
        let mean = (2 * self.approval_seconds + n).div_euclid(2 * n);
        i64::try_from(mean).ok().and_then(TimeDelta::try_seconds)
    }

    /// The share of reviews with 4 or 5 stars.
    ///
    /// ```
    /// # use chrono::{TimeZone, Utc};
    /// # let t = Utc.with_ymd_and_hms(2026, 6, 1, 0, 0, 0).unwrap();
    /// # let range = booking_core::TimeRange::new(t, t + chrono::TimeDelta::days(1))?;
    /// let mut m = booking_core::Metrics::new(range);
    /// m.satisfaction.distribution = [1, 0, 0, 1, 2];
    /// assert_eq!(m.satisfied_share().percent().unwrap().to_string(), "75.00");
    /// # Ok::<(), booking_core::MetricsError>(())
    /// ```
    pub fn satisfied_share(&self) -> Rate {
        let d = self.satisfaction.distribution;
        Rate { part: u64::from(d[3]) + u64::from(d[4]), whole: self.satisfaction.count() }
    }
}

/// What the metrics need to know about one booking, folded from its
/// events. A store can keep these up to date on each commit
/// ([`BookingFacts::record`]) instead of reading whole histories.
///
/// ```
/// # use booking_core::*;
/// # use chrono::{TimeDelta, TimeZone, Utc};
/// # let now = Utc.with_ymd_and_hms(2026, 6, 1, 9, 0, 0).unwrap();
/// let (b, _) = Booking::create(NewBooking::solo("b", "c", "p", Money::parse("1 USD")?, now + TimeDelta::days(3), 90), now)?;
/// let facts = BookingFacts::of(&b);
/// assert_eq!((facts.created_at, facts.approved_at, facts.captured), (now, None, false));
/// # Ok::<(), booking_core::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct BookingFacts {
    /// When the booking was created.
    pub created_at: DateTime<Utc>,
    /// Its first approval.
    pub approved_at: Option<DateTime<Utc>>,
    /// Captured into escrow at some point.
    pub captured: bool,
    /// Released in full at some point.
    pub released: bool,
    /// The client's review, if any.
    pub client_rating: Option<u8>,
}

impl BookingFacts {
    /// The facts of a booking, from its history.
    ///
    /// ```
    /// # use booking_core::*;
    /// # use chrono::{TimeDelta, TimeZone, Utc};
    /// # let now = Utc.with_ymd_and_hms(2026, 6, 1, 9, 0, 0).unwrap();
    /// let (b, _) = Booking::create(NewBooking::solo("b", "c", "p", Money::parse("1 USD")?, now + TimeDelta::days(3), 90), now)?;
    /// assert_eq!(BookingFacts::of(&b).client_rating, None);
    /// # Ok::<(), booking_core::Error>(())
    /// ```
    pub fn of(booking: &Booking) -> BookingFacts {
        let mut facts = BookingFacts::new(booking.created_at);
        for e in booking.history.iter() {
            facts.record(booking, e);
        }
        facts
    }

    /// A booking created at `created_at` that has done nothing yet.
    ///
    /// ```
    /// # use chrono::{TimeZone, Utc};
    /// let at = Utc.with_ymd_and_hms(2026, 6, 1, 9, 0, 0).unwrap();
    /// assert!(!booking_core::BookingFacts::new(at).released);
    /// ```
    pub fn new(created_at: DateTime<Utc>) -> BookingFacts {
        BookingFacts { created_at, approved_at: None, captured: false, released: false, client_rating: None }
    }

    /// Takes one more event of `booking` into account.
    ///
    /// ```
    /// # use booking_core::*;
    /// # use chrono::{TimeDelta, TimeZone, Utc};
    /// # let now = Utc.with_ymd_and_hms(2026, 6, 1, 9, 0, 0).unwrap();
    /// let (mut b, _) = Booking::create(NewBooking::solo("b", "c", "p", Money::parse("1 USD")?, now + TimeDelta::days(3), 90), now)?;
    /// let mut facts = BookingFacts::of(&b);
    /// let d = decide(&b, &Request::new(Actor::user("p"), Command::Confirm, now))?;
    /// b.apply_all(d.events.clone())?;
    /// for e in &d.events {
    ///     facts.record(&b, e);
    /// }
    /// assert!(facts.captured);
    /// assert_eq!(facts, BookingFacts::of(&b));
    /// # Ok::<(), booking_core::Error>(())
    /// ```
    pub fn record(&mut self, booking: &Booking, event: &Event) {
        match &event.kind {
            EventKind::StatusChanged { to: BookingStatus::Approved, .. } if self.approved_at.is_none() => {
                self.approved_at = Some(event.at);
            }
            EventKind::PaymentStatusChanged { to: PaymentStatus::Held, .. } => self.captured = true,
            EventKind::PaymentStatusChanged { to: PaymentStatus::Released, .. } => self.released = true,
            EventKind::ReviewSubmitted { review } if review.author == booking.client_id => {
                self.client_rating = Some(review.rating);
            }
            _ => {}
        }
    }
}

/// Why a metrics request was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum MetricsError {
    /// `from` is not before `to`.
    #[error("a time range needs from ({from}) before to ({to})")]
    InvalidRange {
        /// Start.
        from: DateTime<Utc>,
        /// End.
        to: DateTime<Utc>,
    },
}

impl MetricsError {
    /// The stable machine code.
    ///
    /// ```
    /// # use chrono::{TimeZone, Utc};
    /// # let t = Utc.with_ymd_and_hms(2026, 6, 1, 0, 0, 0).unwrap();
    /// assert_eq!(booking_core::MetricsError::InvalidRange { from: t, to: t }.code(), "metrics.invalid_range");
    /// ```
    pub fn code(&self) -> &'static str {
        match self {
            MetricsError::InvalidRange { .. } => "metrics.invalid_range",
        }
    }
}
