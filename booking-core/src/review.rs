//! Ratings: a provider's summary of the stars clients gave them (SPEC X5,
//! K4's "best rated first"). Means are compared exactly, never through a
//! float.

use std::cmp::Ordering;

use rust_decimal::{Decimal, RoundingStrategy};
use serde::{Deserialize, Serialize};

/// How many reviews gave 1, 2, 3, 4 and 5 stars.
///
/// ```
/// use booking_core::RatingSummary;
/// let mut r = RatingSummary::default();
/// for stars in [5, 4, 4] {
///     r.add(stars);
/// }
/// assert_eq!(r.count(), 3);
/// assert_eq!(r.mean().unwrap().to_string(), "4.33");
/// assert!(r.at_least("4.3".parse().unwrap()));
/// ```
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct RatingSummary {
    /// `distribution[i]` reviews gave `i + 1` stars.
    pub distribution: [u32; 5],
}

impl RatingSummary {
    /// Counts one review; stars outside 1–5 are ignored (returns `false`).
    ///
    /// ```
    /// let mut r = booking_core::RatingSummary::default();
    /// assert!(r.add(5));
    /// assert!(!r.add(0));
    /// assert_eq!(r.count(), 1);
    /// ```
    pub fn add(&mut self, stars: u8) -> bool {
        match stars {
            1..=5 => {
                let slot = &mut self.distribution[usize::from(stars - 1)];
                *slot = slot.saturating_add(1);
                true
            }
            _ => false,
        }
    }

    /// How many reviews.
    ///
    /// ```
    /// assert_eq!(booking_core::RatingSummary::default().count(), 0);
    /// ```
    pub fn count(&self) -> u64 {
        self.distribution.iter().map(|n| u64::from(*n)).sum()
    }

    /// The sum of all stars given.
    ///
    /// ```
    /// let r = booking_core::RatingSummary { distribution: [0, 0, 1, 0, 1] };
    /// assert_eq!(r.stars(), 8);
    /// ```
    pub fn stars(&self) -> u64 {
        self.distribution.iter().zip(1u64..).map(|(n, s)| u64::from(*n) * s).sum()
    }

    /// The mean, rounded half up to two decimals; `None` before any review.
    ///
    /// ```
    /// let r = booking_core::RatingSummary { distribution: [0, 0, 0, 1, 1] };
    /// assert_eq!(r.mean().unwrap().to_string(), "4.50");
    /// ```
    pub fn mean(&self) -> Option<Decimal> {
        let count = self.count();
        if count == 0 {
            return None;
        }
        let mut mean = (Decimal::from(self.stars()) / Decimal::from(count))
            .round_dp_with_strategy(2, RoundingStrategy::MidpointAwayFromZero);
        mean.rescale(2);
        Some(mean)
    }

    /// `true` when the exact mean is at least `min` (never before any
    /// review, unless `min` is zero or less).
    ///
    /// ```
    /// let r = booking_core::RatingSummary { distribution: [0, 0, 0, 2, 1] }; // 4.333…
    /// assert!(r.at_least("4.33".parse().unwrap()));
    /// assert!(!r.at_least("4.34".parse().unwrap()));
    /// ```
    pub fn at_least(&self, min: Decimal) -> bool {
        if min <= Decimal::ZERO {
            return true;
        }
        // stars / count >= min  ⇔  stars >= min × count, exactly.
        match Decimal::from(self.count()).checked_mul(min) {
            Some(needed) => self.count() > 0 && Decimal::from(self.stars()) >= needed,
            None => false,
        }
    }

    /// Orders by exact mean, then by count (more reviews first among equal
    /// means); providers without reviews come last.
    ///
    /// ```
    /// use booking_core::RatingSummary;
    /// use std::cmp::Ordering;
    /// let a = RatingSummary { distribution: [0, 0, 0, 0, 1] };
    /// let b = RatingSummary { distribution: [0, 0, 0, 1, 9] };
    /// assert_eq!(a.cmp_best_first(&b), Ordering::Less); // 5.0 before 4.9
    /// assert_eq!(RatingSummary::default().cmp_best_first(&b), Ordering::Greater);
    /// ```
    pub fn cmp_best_first(&self, other: &RatingSummary) -> Ordering {
        let (a, b) = (self.count(), other.count());
        match (a, b) {
            (0, 0) => return Ordering::Equal,
            (0, _) => return Ordering::Greater,
            (_, 0) => return Ordering::Less,
            _ => {}
        }
        // Higher mean first: compare other.stars / b with self.stars / a.
        let lhs = u128::from(other.stars()) * u128::from(a);
        let rhs = u128::from(self.stars()) * u128::from(b);
        lhs.cmp(&rhs).then(b.cmp(&a))
    }
}
