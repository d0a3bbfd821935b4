//! Policies: fees, refund tiers, windows and limits as data (SPEC P, C2, T).
//!
//! A booking keeps the policy it was created under (B7), so every policy
//! carries a name and a version. Policies are validated when built: a
//! response window longer than the card authorization's validity would let a
//! hold lapse before the provider answers, so it is refused.

use std::sync::Arc;

use chrono::{DateTime, TimeDelta, Utc};
use serde::{Deserialize, Deserializer, Serialize};

use crate::money::{mul_div_round_half_up, Money};

/// Why a policy is invalid.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum PolicyError {
    /// The provider response window is longer than a card authorization lasts.
    #[error("provider response window ({response_hours} h) must not exceed the authorization validity ({authorization_hours} h): the hold would lapse first")]
    ResponseWindowTooLong {
        /// Response window in hours.
        response_hours: i64,
        /// Authorization validity in hours.
        authorization_hours: i64,
    },
    /// Refund tiers must be strictly descending in hours and in refund.
    #[error("refund tiers must be listed from the earliest cancellation down, with strictly fewer hours and no larger refund each step")]
    TiersNotDescending,
    /// A refund or fee above 100 %.
    #[error("{what} of {bps} basis points is above 10000 (100 %)")]
    OverHundredPercent {
        /// Which value.
        what: &'static str,
        /// The value.
        bps: u32,
    },
    /// A window or duration that is not positive.
    #[error("{what} must be positive")]
    NonPositive {
        /// Which duration.
        what: &'static str,
    },
    /// No name.
    #[error("a policy needs a non-empty name")]
    EmptyName,
}

impl PolicyError {
    /// The stable machine code, e.g. `"policy.response_window_too_long"`.
    ///
    /// ```
    /// use booking_core::Policy;
    /// let mut p = Policy::standard();
    /// p.provider_response_window = chrono::TimeDelta::days(8);
    /// assert_eq!(p.validate().unwrap_err().code(), "policy.response_window_too_long");
    /// ```
    pub fn code(&self) -> &'static str {
        match self {
            PolicyError::ResponseWindowTooLong { .. } => "policy.response_window_too_long",
            PolicyError::TiersNotDescending => "policy.tiers_not_descending",
            PolicyError::OverHundredPercent { .. } => "policy.over_100_percent",
            PolicyError::NonPositive { .. } => "policy.non_positive",
            PolicyError::EmptyName => "policy.empty_name",
        }
    }
}

/// One cancellation tier: cancelling at least `min_hours_before` the
/// scheduled date refunds `refund_bps` basis points of what was captured.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RefundTier {
    /// Hours before `scheduledDate`, inclusive.
    pub min_hours_before: u32,
    /// Refund in basis points (10 000 = 100 %).
    pub refund_bps: u32,
}

/// A platform policy. Durations serialize as whole seconds.
///
/// ```
/// use booking_core::Policy;
/// let p = Policy::verified();
/// assert_eq!(p.refund_tiers[0].min_hours_before, 72);
/// assert_eq!(p.auto_approve_after, chrono::TimeDelta::days(3));
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct Policy {
    /// Preset or custom name.
    pub name: String,
    /// Version of this policy; bookings record it (B7).
    pub version: u32,
    /// Platform fee in basis points of every released amount (S3).
    pub platform_fee_bps: u32,
    /// Refund tiers for a client cancelling a confirmed booking (C2),
    /// earliest first. Later than the last tier refunds nothing.
    pub refund_tiers: Vec<RefundTier>,
    /// How long a provider has to answer a pending booking (T1).
    #[serde(with = "secs")]
    pub provider_response_window: TimeDelta,
    /// How long a card authorization holds (E2).
    #[serde(with = "secs")]
    pub authorization_validity: TimeDelta,
    /// Review period after the latest delivery before the system approves (T2).
    #[serde(with = "secs")]
    pub auto_approve_after: TimeDelta,
    /// Release vote window after client approval (R6, T3).
    #[serde(with = "secs")]
    pub vote_window: TimeDelta,
    /// How long after approval reviews are accepted (T4).
    #[serde(with = "secs")]
    pub review_window: TimeDelta,
    /// Revisions included when the service does not say (B3).
    pub included_revisions: u32,
    /// The gap a booking needs from its members' other bookings on each
    /// side (SPEC K1); the service checks it on create, the store when it
    /// claims the slot.
    #[serde(with = "secs")]
    pub buffer: TimeDelta,
    /// Minimum notice before the scheduled date (SPEC K3), checked by the
    /// service on create.
    #[serde(with = "secs")]
    pub min_notice: TimeDelta,
    /// Maximum advance booking (SPEC K3), checked by the service on create.
    #[serde(with = "secs")]
    pub max_advance: TimeDelta,
}

fn tiers(pairs: &[(u32, u32)]) -> Vec<RefundTier> {
    pairs.iter().map(|&(h, pct)| RefundTier { min_hours_before: h, refund_bps: pct * 100 }).collect()
}

impl Default for Policy {
    fn default() -> Self {
        Policy::standard()
    }
}

impl Policy {
    /// *standard*: ≥ 48 h 100 %, ≥ 24 h 50 %, else 0 %; 7-day auto-approve;
    /// 48 h response window; 7-day authorization; 7-day vote window; 14-day
    /// review window; 2 revisions; no platform fee.
    ///
    /// ```
    /// assert_eq!(booking_core::Policy::standard().refund_tiers.len(), 2);
    /// ```
    pub fn standard() -> Policy {
        Policy {
            name: "standard".into(),
            version: 1,
            platform_fee_bps: 0,
            refund_tiers: tiers(&[(48, 100), (24, 50)]),
            provider_response_window: TimeDelta::hours(48),
            authorization_validity: TimeDelta::days(7),
            auto_approve_after: TimeDelta::days(7),
            vote_window: TimeDelta::days(7),
            review_window: TimeDelta::days(14),
            included_revisions: 2,
            buffer: TimeDelta::minutes(30),
            min_notice: TimeDelta::hours(24),
            max_advance: TimeDelta::days(90),
        }
    }

    /// *verified*: ≥ 72 h 100 %, ≥ 48 h 75 %, ≥ 24 h 25 %; 3-day auto-approve.
    ///
    /// ```
    /// assert_eq!(booking_core::Policy::verified().name, "verified");
    /// ```
    pub fn verified() -> Policy {
        Policy {
            name: "verified".into(),
            refund_tiers: tiers(&[(72, 100), (48, 75), (24, 25)]),
            auto_approve_after: TimeDelta::days(3),
            ..Policy::standard()
        }
    }

    /// *signature*: ≥ 168 h 100 %, ≥ 72 h 75 %, ≥ 48 h 50 %, ≥ 24 h 10 %.
    ///
    /// ```
    /// assert_eq!(booking_core::Policy::signature().refund_tiers.len(), 4);
    /// ```
    pub fn signature() -> Policy {
        Policy {
            name: "signature".into(),
            refund_tiers: tiers(&[(168, 100), (72, 75), (48, 50), (24, 10)]),
            ..Policy::standard()
        }
    }

    /// A preset by name: `"standard"`, `"verified"` or `"signature"`.
    ///
    /// ```
    /// assert!(booking_core::Policy::preset("signature").is_some());
    /// assert!(booking_core::Policy::preset("gold").is_none());
    /// ```
    pub fn preset(name: &str) -> Option<Policy> {
        match name {
            "standard" => Some(Policy::standard()),
            "verified" => Some(Policy::verified()),
            "signature" => Some(Policy::signature()),
            _ => None,
        }
    }

    /// Sets the platform fee in basis points.
    ///
    /// ```
    /// assert_eq!(booking_core::Policy::standard().with_fee_bps(500).platform_fee_bps, 500);
    /// ```
    pub fn with_fee_bps(mut self, bps: u32) -> Policy {
        self.platform_fee_bps = bps;
        self
    }

    /// Sets the gap a booking needs from its members' other bookings on
    /// each side (SPEC K1).
    ///
    /// ```
    /// use chrono::TimeDelta;
    /// assert_eq!(booking_core::Policy::standard().with_buffer(TimeDelta::zero()).buffer, TimeDelta::zero());
    /// ```
    pub fn with_buffer(mut self, buffer: TimeDelta) -> Policy {
        self.buffer = buffer;
        self
    }

    /// Checks the policy and returns it (P).
    ///
    /// ```
    /// let p = booking_core::Policy::signature().validate()?;
    /// # Ok::<(), booking_core::PolicyError>(())
    /// ```
    pub fn validate(self) -> Result<Policy, PolicyError> {
        self.check()?;
        Ok(self)
    }

    /// Checks the policy without taking it (see [`Policy::validate`]).
    ///
    /// ```
    /// assert!(booking_core::Policy::standard().with_fee_bps(20_000).check().is_err());
    /// ```
    pub fn check(&self) -> Result<(), PolicyError> {
        if self.name.trim().is_empty() {
            return Err(PolicyError::EmptyName);
        }
        if self.platform_fee_bps > 10_000 {
            return Err(PolicyError::OverHundredPercent { what: "platform fee", bps: self.platform_fee_bps });
        }
        for (what, d) in [
            ("provider response window", self.provider_response_window),
            ("authorization validity", self.authorization_validity),
            ("auto-approve period", self.auto_approve_after),
            ("vote window", self.vote_window),
            ("review window", self.review_window),
            ("maximum advance", self.max_advance),
        ] {
            if d <= TimeDelta::zero() {
                return Err(PolicyError::NonPositive { what });
            }
        }
        if self.buffer < TimeDelta::zero() || self.min_notice < TimeDelta::zero() {
            return Err(PolicyError::NonPositive { what: "buffer and minimum notice" });
        }
        if self.provider_response_window > self.authorization_validity {
            return Err(PolicyError::ResponseWindowTooLong {
                response_hours: self.provider_response_window.num_hours(),
                authorization_hours: self.authorization_validity.num_hours(),
            });
        }
        if let Some(t) = self.refund_tiers.iter().find(|t| t.refund_bps > 10_000) {
            return Err(PolicyError::OverHundredPercent { what: "refund", bps: t.refund_bps });
        }
        let descending = self
            .refund_tiers
            .windows(2)
            .all(|w| w[0].min_hours_before > w[1].min_hours_before && w[0].refund_bps >= w[1].refund_bps);
        if !descending {
            return Err(PolicyError::TiersNotDescending);
        }
        Ok(())
    }

    /// The refund share, in basis points, for cancelling at `now` a booking
    /// scheduled at `scheduled` (C2; boundaries inclusive).
    ///
    /// ```
    /// use chrono::{TimeDelta, TimeZone, Utc};
    /// let p = booking_core::Policy::standard();
    /// let at = Utc.with_ymd_and_hms(2026, 6, 3, 12, 0, 0).unwrap();
    /// assert_eq!(p.refund_bps(at, at + TimeDelta::hours(48)), 10_000);
    /// assert_eq!(p.refund_bps(at, at + TimeDelta::hours(47)), 5_000);
    /// assert_eq!(p.refund_bps(at, at + TimeDelta::hours(23)), 0);
    /// ```
    pub fn refund_bps(&self, now: DateTime<Utc>, scheduled: DateTime<Utc>) -> u32 {
        let before = scheduled - now;
        self.refund_tiers
            .iter()
            .find(|t| before >= TimeDelta::hours(i64::from(t.min_hours_before)))
            .map_or(0, |t| t.refund_bps)
    }

    /// The refund for a client cancelling a confirmed booking at `now`:
    /// `round_half_up(captured × share)` (C2, C5). The rest is kept.
    ///
    /// ```
    /// use chrono::{TimeDelta, TimeZone, Utc};
    /// use booking_core::{Currency, Money, Policy};
    /// let at = Utc.with_ymd_and_hms(2026, 6, 3, 12, 0, 0).unwrap();
    /// let refund = Policy::verified().cancellation_refund(Money::from_minor(999, Currency::USD), at, at + TimeDelta::hours(50));
    /// assert_eq!(refund.minor(), 749); // 75 % of 9.99 = 7.4925, half up
    /// ```
    pub fn cancellation_refund(&self, captured: Money, now: DateTime<Utc>, scheduled: DateTime<Utc>) -> Money {
        let minor = mul_div_round_half_up(captured.minor(), i64::from(self.refund_bps(now, scheduled)), 10_000);
        // |refund| <= |captured| since bps <= 10 000.
        Money::from_minor(i64::try_from(minor).unwrap_or(captured.minor()), captured.currency())
    }
}

/// Policies read from JSON are validated like built ones.
pub(crate) fn deserialize_valid<'de, D: Deserializer<'de>>(d: D) -> Result<Arc<Policy>, D::Error> {
    let policy = Policy::deserialize(d)?;
    policy.check().map_err(serde::de::Error::custom)?;
    Ok(Arc::new(policy))
}

pub(crate) mod secs {
    use chrono::TimeDelta;
    use serde::{Deserialize, Deserializer, Serializer};

    pub fn serialize<S: Serializer>(d: &TimeDelta, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_i64(d.num_seconds())
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<TimeDelta, D::Error> {
        let secs = i64::deserialize(d)?;
        TimeDelta::try_seconds(secs).ok_or_else(|| serde::de::Error::custom("duration out of range"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn p_presets_validate_and_round_trip_through_json() {
        for p in [Policy::standard(), Policy::verified(), Policy::signature()] {
            let p = p.validate().unwrap();
            let json = serde_json::to_string(&p).unwrap();
            let back: Policy = serde_json::from_str(&json).unwrap();
            assert_eq!(back, p);
        }
    }

    #[test]
    fn p_response_window_longer_than_authorization_is_refused() {
        let mut p = Policy::standard();
        p.provider_response_window = TimeDelta::days(8);
        let err = p.validate().unwrap_err();
        assert_eq!(err.code(), "policy.response_window_too_long");
        assert!(err.to_string().contains("192 h"), "{err}");
    }

    #[test]
    fn p_bad_tiers_and_fees_are_refused() {
        let mut p = Policy::standard();
        p.refund_tiers = tiers(&[(24, 50), (48, 100)]);
        assert_eq!(p.validate().unwrap_err().code(), "policy.tiers_not_descending");
        assert_eq!(Policy::standard().with_fee_bps(10_001).validate().unwrap_err().code(), "policy.over_100_percent");
        let mut p = Policy::standard();
        p.vote_window = TimeDelta::zero();
        assert_eq!(p.validate().unwrap_err().code(), "policy.non_positive");
    }

    #[test]
    fn c2_signature_tiers_with_inclusive_boundaries() {
        let p = Policy::signature();
        let at = DateTime::<Utc>::UNIX_EPOCH;
        let cases =
            [(200, 10_000), (168, 10_000), (167, 7_500), (72, 7_500), (48, 5_000), (24, 1_000), (23, 0), (-5, 0)];
        for (hours, bps) in cases {
            assert_eq!(p.refund_bps(at, at + TimeDelta::hours(hours)), bps, "{hours} h");
        }
    }
}
