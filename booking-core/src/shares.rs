//! The arithmetic half of a split (SPEC S1–S8): members read as borrowed
//! `(userId, role, share)`, checked by the split rules, turned into integer
//! weights once, and allocated by largest remainder with integer
//! arithmetic only.
//!
//! [`RevenueSplit`](crate::RevenueSplit) keeps one [`SplitWeights`] next to
//! its members. A binding that previews a split builds one straight from
//! text ([`Share::parse`], [`SplitWeights::new`], or for a slider's team
//! [`SplitTeam::weights`](crate::SplitTeam::weights)): same rules, same
//! errors, no member records, no decimal arithmetic.

use std::cmp::Ordering;

use rust_decimal::Decimal;

use crate::money::{digits_value, mul_div_round_half_up, plain_decimal, product, Money, MoneyError};
use crate::split::{parse_percentage, Allocation, SplitError, MAX_PERCENTAGE_DECIMALS};
use crate::team::Roster;

/// Members up to this many rank their remainders on the stack.
const SMALL: usize = 16;

/// `10^i` up to [`FINEST`], without `pow`'s loop at run time.
const POW10: [u64; MAX_PERCENTAGE_DECIMALS as usize + 1] = {
    let mut table = [1; MAX_PERCENTAGE_DECIMALS as usize + 1];
    let mut i = 1;
    while i < table.len() {
        table[i] = table[i - 1] * 10;
        i += 1;
    }
    table
};

/// `10^MAX_PERCENTAGE_DECIMALS`: a share's units at the finest scale.
pub(crate) const FINEST: u64 = POW10[MAX_PERCENTAGE_DECIMALS as usize];

/// Shares above this stay decimals (they fail S2 anyway); below it, a
/// share's units at the finest scale, summed over [`MAX_MEMBERS`], fit in 64
/// bits.
const MAX_FIXED: u64 = 1_000;

/// One member's percentage as the split rules read it (S2): exact, and
/// normalized the way `Decimal::normalize` would.
///
/// ```
/// use booking_core::Share;
/// assert_eq!(Share::parse("33.330").unwrap().decimal().to_string(), "33.33");
/// assert_eq!(Share::parse("33.33"), Share::parse("33.330"));
/// assert!(Share::parse("1e2").is_none());
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Share(Repr);

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Repr {
    /// `units / 10^scale`, with no trailing zeros, `>= 0`, at most
    /// [`MAX_PERCENTAGE_DECIMALS`] decimals and at most [`MAX_FIXED`].
    Fixed { units: u64, scale: u32 },
    /// Anything else, exactly as given: a value the rules refuse.
    Decimal(Decimal),
}

impl Share {
    /// Reads a percentage written as a plain decimal, as
    /// [`parse_percentage`] does, without decimal arithmetic for the usual
    /// shapes (`"60"`, `"33.33"`).
    ///
    /// ```
    /// use booking_core::Share;
    /// assert_eq!(Share::parse("60"), Some(Share::from(rust_decimal::Decimal::from(60))));
    /// assert!(Share::parse("").is_none());
    /// ```
    pub fn parse(text: &str) -> Option<Share> {
        Share::plain(text.as_bytes()).or_else(|| parse_percentage(text).map(Share::from))
    }

    /// `ddd` or `ddd.dddddddd`: up to three integer digits and up to
    /// [`MAX_PERCENTAGE_DECIMALS`] decimals. Other text takes the decimal
    /// route.
    fn plain(text: &[u8]) -> Option<Share> {
        let (int, mut frac) = plain_decimal(text)?;
        if int.len() > 3 || frac.len() > MAX_PERCENTAGE_DECIMALS as usize {
            return None;
        }
        // Trailing zeros go from the text, not by dividing the value.
        while let [rest @ .., b'0'] = frac {
            frac = rest;
        }
        // At most 11 digits: fits in a u64.
        let units = digits_value(int, frac)?;
        Some(Share(Repr::Fixed { units, scale: frac.len() as u32 }))
    }

    /// The share as a decimal.
    ///
    /// ```
    /// assert_eq!(booking_core::Share::parse("7.50").unwrap().decimal().to_string(), "7.5");
    /// ```
    pub fn decimal(self) -> Decimal {
        match self.0 {
            // units <= MAX_FIXED × 10^8 fits in an i64.
            Repr::Fixed { units, scale } => Decimal::new(units as i64, scale),
            Repr::Decimal(d) => d,
        }
    }

    /// Units at the finest scale and the scale the share needs, for a
    /// share that may pass the rules.
    pub(crate) fn fixed(self) -> Option<(u64, u32)> {
        match self.0 {
            Repr::Fixed { units, scale } => Some((units * POW10[(MAX_PERCENTAGE_DECIMALS - scale) as usize], scale)),
            Repr::Decimal(_) => None,
        }
    }

    /// Units at `scale`, no finer than the share needs: a multiplication,
    /// where reducing the finest units would be a division.
    pub(crate) fn units_at(self, scale: u32) -> u64 {
        match self.0 {
            Repr::Fixed { units, scale: own } => units * POW10[scale.saturating_sub(own) as usize],
            Repr::Decimal(_) => 0,
        }
    }
}

impl From<Decimal> for Share {
    /// ```
    /// use booking_core::Share;
    /// use rust_decimal::Decimal;
    /// assert_eq!(Share::from(Decimal::new(3330, 2)), Share::parse("33.3").unwrap());
    /// ```
    fn from(d: Decimal) -> Share {
        let p = d.normalize();
        let negative = d.is_sign_negative() && !d.is_zero();
        let fixed = (!negative && p.scale() <= MAX_PERCENTAGE_DECIMALS)
            .then(|| u64::try_from(p.mantissa().unsigned_abs()).ok())
            .flatten()
            .filter(|&units| units <= MAX_FIXED * 10_u64.pow(p.scale()));
        match fixed {
            Some(units) => Share(Repr::Fixed { units, scale: p.scale() }),
            None => Share(Repr::Decimal(d)),
        }
    }
}

/// A member as the split rules read it, borrowed from wherever it lives.
///
/// ```
/// use booking_core::{MemberShare, Share};
/// let m = MemberShare { user_id: "creator-1", role: "lead", share: Share::parse("100").unwrap() };
/// assert_eq!(m.role, "lead");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MemberShare<'a> {
    /// The member's user id.
    pub user_id: &'a str,
    /// `"lead"` for the provider; any other label for the rest.
    pub role: &'a str,
    /// The member's percentage.
    pub share: Share,
}

/// A team's validated integer weights and its lead: all an allocation
/// needs (S3–S8).
///
/// ```
/// use booking_core::{Currency, MemberShare, Money, Share, SplitWeights};
/// let member = |user_id, role, pct| MemberShare { user_id, role, share: Share::parse(pct).unwrap() };
/// let weights = SplitWeights::new(&[member("a", "lead", "33.34"), member("b", "mix", "33.33"), member("c", "x", "33.33")])?;
/// let alloc = weights.allocate_in_units(Money::from_minor(100, Currency::USD), 0, 1)?;
/// assert_eq!(alloc.parts.iter().map(|m| m.minor()).collect::<Vec<_>>(), [34, 33, 33]);
/// # Ok::<(), booking_core::SplitError>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SplitWeights {
    /// `percentage × 10^scale`, one per member.
    weights: Vec<u64>,
    /// `100 × 10^scale`: the sum of the weights.
    total_weight: u64,
    /// The largest weight, to pick 64-bit arithmetic when it cannot overflow.
    max_weight: u64,
    lead: usize,
}

impl SplitWeights {
    /// Checks members by the split rules (S1, S2), in member order, and
    /// returns the first problem: 1 to [`MAX_MEMBERS`](crate::MAX_MEMBERS) members; then, for
    /// each member, a non-blank user id and role, no earlier member with
    /// the same user, a percentage `>= 0` with at most
    /// [`MAX_PERCENTAGE_DECIMALS`] decimals and not over 100; then a sum of
    /// exactly 100 and exactly one `lead`.
    ///
    /// ```
    /// use booking_core::{MemberShare, Share, SplitWeights};
    /// let member = |user_id, role, pct| MemberShare { user_id, role, share: Share::parse(pct).unwrap() };
    /// let err = SplitWeights::new(&[member("a", "lead", "33.33"), member("b", "x", "33.33")]).unwrap_err();
    /// assert_eq!(err.to_string(), "percentages sum to 66.66, not 100");
    /// ```
    pub fn new(members: &[MemberShare<'_>]) -> Result<SplitWeights, SplitError> {
        let roster = Roster::new(members.len(), |i| members[i].user_id, |i| members[i].role);
        roster.weights(|i| members[i].share, |i| members[i].user_id)
    }

    /// Weights already at `scale` (each `percentage × 10^scale`, summing
    /// to `100 × 10^scale`) and the lead's position.
    pub(crate) fn at_scale(weights: Vec<u64>, scale: u32, lead: usize) -> SplitWeights {
        let max_weight = weights.iter().copied().max().unwrap_or(0);
        SplitWeights { weights, total_weight: 100 * POW10[scale as usize], max_weight, lead }
    }

    /// One member with 100 %.
    pub(crate) fn solo() -> SplitWeights {
        SplitWeights { weights: vec![100], total_weight: 100, max_weight: 100, lead: 0 }
    }

    /// The lead's position.
    ///
    /// ```
    /// use booking_core::{MemberShare, Share, SplitWeights};
    /// let member = |user_id, role, pct| MemberShare { user_id, role, share: Share::parse(pct).unwrap() };
    /// let w = SplitWeights::new(&[member("a", "mix", "50"), member("b", "lead", "50")])?;
    /// assert_eq!(w.lead(), 1);
    /// # Ok::<(), booking_core::SplitError>(())
    /// ```
    pub fn lead(&self) -> usize {
        self.lead
    }

    /// Takes the platform fee of `fee_bps` basis points (S3), then
    /// allocates the rest by largest remainder (S4) in whole `unit`s of
    /// minor units (S8), reporting what is not a whole unit in
    /// [`Allocation::unallocated`]. Negative totals (reversals) allocate the
    /// absolute value and negate (S6).
    ///
    /// ```
    /// use booking_core::{Currency, MemberShare, Money, Share, SplitWeights};
    /// let member = |user_id, role, pct| MemberShare { user_id, role, share: Share::parse(pct).unwrap() };
    /// let w = SplitWeights::new(&[member("a", "lead", "50"), member("b", "x", "50")])?;
    /// let a = w.allocate_in_units(Money::from_minor(-1_003, Currency::USD), 0, 1)?;
    /// assert_eq!((a.parts[0].minor(), a.parts[1].minor()), (-502, -501));
    /// # Ok::<(), booking_core::SplitError>(())
    /// ```
    pub fn allocate_in_units(&self, total: Money, fee_bps: u32, unit: i64) -> Result<Allocation, SplitError> {
        if fee_bps > 10_000 {
            return Err(SplitError::FeeOutOfRange { bps: fee_bps });
        }
        if unit <= 0 {
            return Err(SplitError::InvalidUnit { unit });
        }
        let currency = total.currency();
        let fee = platform_fee(total, fee_bps);
        let distributable = i128::from(total.minor()) - i128::from(fee.minor());
        let sign = distributable.signum();
        let unit = i128::from(unit);
        // No 128-bit multiplication or division for the usual unit of one
        // (they are library calls on 32-bit targets such as wasm); `%`
        // keeps the sign of the amount.
        let (units, leftover) = if unit == 1 {
            (distributable.unsigned_abs(), 0)
        } else {
            (distributable.unsigned_abs() / unit.unsigned_abs(), distributable % unit)
        };
        let step = if sign < 0 { -unit } else { unit };
        let n = self.weights.len();
        let mut parts = Vec::with_capacity(n);
        let mut scratch = [(0u64, 0usize); SMALL];
        let mut heap = Vec::new();
        let ranks = if n <= SMALL {
            &mut scratch[..n]
        } else {
            heap.resize(n, (0, 0));
            &mut heap[..]
        };
        // |floor × unit| <= |D| <= 2^63, so this fits; the flag is defensive.
        let mut overflow = false;
        let extra = self.largest_remainder(units, ranks, |floor| {
            // The usual step of one cent needs no 128-bit multiplication
            // (a library call on 32-bit targets such as wasm).
            let minor = if step == 1 { i64::try_from(floor) } else { i64::try_from(floor as i128 * step) };
            let minor = minor.unwrap_or_else(|_| {
                overflow = true;
                0
            });
            parts.push(Money::from_minor(minor, currency));
        });
        if overflow {
            return Err(MoneyError::Overflow.into());
        }
        let (lead, weights) = (self.lead, &self.weights);
        if extra > 0 {
            let rank = |a: &(u64, usize), b: &(u64, usize)| -> Ordering {
                b.0.cmp(&a.0)
                    .then(weights[b.1].cmp(&weights[a.1]))
                    .then((b.1 == lead).cmp(&(a.1 == lead)))
                    .then(a.1.cmp(&b.1))
            };
            if extra < ranks.len() {
                ranks.select_nth_unstable_by(extra, rank);
            }
            for &(_, i) in ranks.iter().take(extra) {
                parts[i] = to_money(i128::from(parts[i].minor()) + step, currency)?;
            }
        }
        Ok(Allocation { fee, parts, unallocated: to_money(leftover, currency)? })
    }

    /// Largest remainder over the weights (S4), first pass: hands each
    /// member's floor to `floor` in order, fills `ranks` with each member's
    /// remainder (as a fraction of the total weight) and returns how many
    /// units are left for the members with the largest remainders. Ties
    /// are ranked by the caller: larger weight, then the lead, then list
    /// order.
    ///
    /// Amounts whose products fit in 64 bits (any realistic price) use
    /// hardware division; larger ones fall back to 128 bits.
    fn largest_remainder(&self, amount: u128, ranks: &mut [(u64, usize)], mut floor: impl FnMut(u128)) -> usize {
        let mut given: u128 = 0;
        let fast = u64::try_from(amount).ok().and_then(|a| product(a, self.max_weight)).is_some();
        for (i, &w) in self.weights.iter().enumerate() {
            let (f, r) = if fast {
                let exact = amount as u64 * w;
                let f = exact / self.total_weight;
                (u128::from(f), exact - f * self.total_weight)
            } else {
                let exact = amount * u128::from(w);
                let total = u128::from(self.total_weight);
                // The remainder is below `total_weight`, so it fits in 64 bits.
                (exact / total, (exact % total) as u64)
            };
            given += f;
            ranks[i] = (r, i);
            floor(f);
        }
        // Each remainder is below one unit, so fewer than `weights.len()` are left.
        (amount - given) as usize
    }
}

/// The platform fee on `total`: `round_half_up(total × bps / 10 000)`,
/// mirrored for negative totals (S3).
///
/// ```
/// # use booking_core::*;
/// assert_eq!(platform_fee(Money::from_minor(1_999, Currency::USD), 2_000).minor(), 400);
/// ```
pub fn platform_fee(total: Money, fee_bps: u32) -> Money {
    let fee = mul_div_round_half_up(total.minor(), i64::from(fee_bps), 10_000);
    // |fee| <= |total| because bps <= 10 000, so this always fits.
    Money::from_minor(i64::try_from(fee).unwrap_or(total.minor()), total.currency())
}

fn to_money(minor: i128, currency: crate::Currency) -> Result<Money, SplitError> {
    let minor = i64::try_from(minor).map_err(|_| MoneyError::Overflow)?;
    Ok(Money::from_minor(minor, currency))
}
