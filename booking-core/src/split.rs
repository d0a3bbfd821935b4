//! Revenue splits: validation and exact allocation (SPEC S1–S8).
//!
//! A [`RevenueSplit`] can only be built valid: one lead, unique users,
//! percentages `>= 0` with at most [`MAX_PERCENTAGE_DECIMALS`] decimals that
//! sum to exactly 100. It keeps its members and their [`SplitWeights`]
//! (`shares.rs`): each percentage scaled once to an integer weight, so
//! allocating is integer arithmetic with no decimal maths on the hot path.

use std::fmt;

use rust_decimal::Decimal;
use serde::{de, Deserialize, Deserializer, Serialize, Serializer};

use crate::ids::UserId;
use crate::money::{Money, MoneyError};
use crate::shares::{MemberShare, Share, SplitWeights};
use crate::vote::ReleaseRule;

/// Most decimal places a percentage may have (`33.333333` is fine).
pub const MAX_PERCENTAGE_DECIMALS: u32 = 8;
/// Most members in one split.
pub const MAX_MEMBERS: usize = 100;
/// The role that marks the team's lead (the booking's provider).
pub const LEAD_ROLE: &str = "lead";

/// Why a split is invalid or an allocation cannot be made. Member-specific
/// variants carry the member's position, so a UI can point at the row.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum SplitError {
    /// Fewer than 1 or more than 100 members.
    #[error("a split needs 1 to {MAX_MEMBERS} members, got {count}")]
    MemberCount {
        /// How many were given.
        count: usize,
    },
    /// A member without a user id or a role.
    #[error("member {index} needs a non-empty userId and role")]
    InvalidMember {
        /// Position of the member.
        index: usize,
    },
    /// The same user appears twice.
    #[error("user {user_id} appears more than once (members {first} and {index})")]
    DuplicateUser {
        /// The user.
        user_id: UserId,
        /// First position.
        first: usize,
        /// Repeated position.
        index: usize,
    },
    /// Not exactly one member has role `lead`.
    #[error("exactly one member must have role \"lead\", found {count}")]
    LeadCount {
        /// How many leads.
        count: usize,
    },
    /// A negative percentage.
    #[error("member {index} ({user_id}) has a negative percentage {percentage}")]
    NegativePercentage {
        /// Position of the member.
        index: usize,
        /// The user.
        user_id: UserId,
        /// The percentage.
        percentage: Decimal,
    },
    /// A percentage with more than [`MAX_PERCENTAGE_DECIMALS`] decimals.
    #[error("member {index} ({user_id}) has percentage {percentage} with more than {MAX_PERCENTAGE_DECIMALS} decimal places")]
    PercentagePrecision {
        /// Position of the member.
        index: usize,
        /// The user.
        user_id: UserId,
        /// The percentage.
        percentage: Decimal,
    },
    /// The percentages do not add up to exactly 100.
    #[error("percentages sum to {sum}, not 100")]
    SumNot100 {
        /// The actual sum.
        sum: Decimal,
    },
    /// A team's percentages, one per member, in another number
    /// ([`SplitTeam::weights`](crate::SplitTeam::weights)).
    #[error("the team has {members} members but {shares} percentages were given, one per member is needed")]
    ShareCount {
        /// The team's members.
        members: usize,
        /// The percentages given.
        shares: usize,
    },
    /// A platform fee outside 0..=10 000 basis points.
    #[error("platform fee of {bps} basis points is outside 0..=10000")]
    FeeOutOfRange {
        /// The fee given.
        bps: u32,
    },
    /// A payout unit that is not a positive number of minor units.
    #[error("payout unit must be a positive number of minor units, got {unit}")]
    InvalidUnit {
        /// The unit given.
        unit: i64,
    },
    /// An amount problem (overflow).
    #[error(transparent)]
    Money(#[from] MoneyError),
}

impl SplitError {
    /// The stable machine code, e.g. `"split.sum_not_100"`.
    ///
    /// ```
    /// # use booking_core::*;
    /// let err = RevenueSplit::new(vec![SplitMember::new("a", "lead", "99.99".parse().unwrap())]).unwrap_err();
    /// assert_eq!(err.code(), "split.sum_not_100");
    /// assert_eq!(err.to_string(), "percentages sum to 99.99, not 100");
    /// ```
    pub fn code(&self) -> &'static str {
        match self {
            SplitError::MemberCount { .. } => "split.member_count",
            SplitError::InvalidMember { .. } => "split.invalid_member",
            SplitError::DuplicateUser { .. } => "split.duplicate_user",
            SplitError::LeadCount { .. } => "split.lead_count",
            SplitError::NegativePercentage { .. } => "split.negative_percentage",
            SplitError::PercentagePrecision { .. } => "split.percentage_precision",
            SplitError::SumNot100 { .. } => "split.sum_not_100",
            SplitError::ShareCount { .. } => "split.share_count",
            SplitError::FeeOutOfRange { .. } => "split.fee_out_of_range",
            SplitError::InvalidUnit { .. } => "split.invalid_unit",
            SplitError::Money(e) => e.code(),
        }
    }

    /// The position of the member the error is about, if it is about one.
    ///
    /// ```
    /// # use booking_core::*;
    /// let err = RevenueSplit::new(vec![
    ///     SplitMember::new("a", "lead", 100.into()),
    ///     SplitMember::new("a", "mixer", 0.into()),
    /// ]).unwrap_err();
    /// assert_eq!(err.member_index(), Some(1));
    /// ```
    pub fn member_index(&self) -> Option<usize> {
        match self {
            SplitError::InvalidMember { index }
            | SplitError::DuplicateUser { index, .. }
            | SplitError::NegativePercentage { index, .. }
            | SplitError::PercentagePrecision { index, .. } => Some(*index),
            _ => None,
        }
    }
}

/// One member of a split (S1).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SplitMember {
    /// The member.
    pub user_id: UserId,
    /// `"lead"` for the provider; any other label for the rest.
    pub role: String,
    /// Share of the distributable amount, exact (`"33.33"` or `60`).
    #[serde(serialize_with = "ser_percentage", deserialize_with = "de_percentage")]
    pub percentage: Decimal,
    /// Where the payment gateway sends this member's money (for example a
    /// Stripe connected account id). Opaque to the core.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub payout_account: Option<String>,
}

impl SplitMember {
    /// A member without a payout account.
    ///
    /// ```
    /// let m = booking_core::SplitMember::new("creator-1", "lead", 60.into());
    /// assert!(m.is_lead());
    /// ```
    pub fn new(user_id: impl Into<UserId>, role: impl Into<String>, percentage: Decimal) -> Self {
        SplitMember { user_id: user_id.into(), role: role.into(), percentage, payout_account: None }
    }

    /// Sets the payout account.
    ///
    /// ```
    /// let m = booking_core::SplitMember::new("c", "lead", 100.into()).with_payout_account("acct_1");
    /// assert_eq!(m.payout_account.as_deref(), Some("acct_1"));
    /// ```
    pub fn with_payout_account(mut self, account: impl Into<String>) -> Self {
        self.payout_account = Some(account.into());
        self
    }

    /// `true` when the role is `lead`.
    ///
    /// ```
    /// assert!(!booking_core::SplitMember::new("c", "mixer", 1.into()).is_lead());
    /// ```
    pub fn is_lead(&self) -> bool {
        self.role == LEAD_ROLE
    }
}

/// A validated team split: members plus the seed's `autoSplit` and
/// `escrowReleaseRule` (JSON: `{"splits": [...], "autoSplit": true,
/// "escrowReleaseRule": "majority"}`).
///
/// ```
/// use booking_core::{Currency, Money, RevenueSplit, SplitMember};
/// let split = RevenueSplit::new(vec![
///     SplitMember::new("creator-1", "lead", 60.into()),
///     SplitMember::new("creator-2", "mix-engineer", 40.into()),
/// ])?;
/// let alloc = split.allocate(Money::from_minor(100_000, Currency::USD), 0)?;
/// assert_eq!(alloc.parts[0].minor(), 60_000);
/// assert_eq!(alloc.parts[1].minor(), 40_000);
/// # Ok::<(), booking_core::SplitError>(())
/// ```
#[derive(Clone, PartialEq, Eq)]
pub struct RevenueSplit {
    members: Vec<SplitMember>,
    auto_split: bool,
    release_rule: ReleaseRule,
    weights: SplitWeights,
}

/// What an allocation produced: the platform fee, one part per member (in
/// member order), and whatever could not be paid in whole payout units (S8).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Allocation {
    /// The platform's fee, taken first (S3).
    pub fee: Money,
    /// Each member's part, aligned with [`RevenueSplit::members`].
    pub parts: Vec<Money>,
    /// The part of the distributable amount smaller than one payout unit;
    /// always zero for an allocation in minor units.
    pub unallocated: Money,
}

impl RevenueSplit {
    /// Validates members (S1, S2) with `autoSplit: true` and the `lead-only`
    /// release rule; see [`RevenueSplit::with_auto_split`] and
    /// [`RevenueSplit::with_release_rule`].
    ///
    /// ```
    /// # use booking_core::*;
    /// let bad = RevenueSplit::new(vec![
    ///     SplitMember::new("a", "lead", "33.33".parse().unwrap()),
    ///     SplitMember::new("b", "collaborator", "33.33".parse().unwrap()),
    ///     SplitMember::new("c", "collaborator", "33.33".parse().unwrap()),
    /// ]);
    /// assert_eq!(bad.unwrap_err().to_string(), "percentages sum to 99.99, not 100");
    /// ```
    pub fn new(members: Vec<SplitMember>) -> Result<RevenueSplit, SplitError> {
        let weights = {
            let shares: Vec<MemberShare> = members
                .iter()
                .map(|m| MemberShare { user_id: m.user_id.as_str(), role: &m.role, share: Share::from(m.percentage) })
                .collect();
            SplitWeights::new(&shares)?
        };
        Ok(RevenueSplit { members, auto_split: true, release_rule: ReleaseRule::LeadOnly, weights })
    }

    /// A one-member split for a solo booking: the provider gets 100 %.
    ///
    /// ```
    /// # use booking_core::*;
    /// let s = RevenueSplit::solo("provider-1");
    /// assert_eq!(s.lead().user_id.as_str(), "provider-1");
    /// ```
    pub fn solo(provider: impl Into<UserId>) -> RevenueSplit {
        let member = SplitMember::new(provider, LEAD_ROLE, Decimal::ONE_HUNDRED);
        RevenueSplit {
            members: vec![member],
            auto_split: true,
            release_rule: ReleaseRule::LeadOnly,
            weights: SplitWeights::solo(),
        }
    }

    /// Equal shares for a team: the first user leads, the others are
    /// `"member"`s; each share is `100 / n` cut to two decimals and the lead
    /// takes what the cut leaves over, so the shares sum to exactly 100.
    ///
    /// ```
    /// # use booking_core::*;
    /// let s = RevenueSplit::equal(["lead", "m1", "m2"])?;
    /// let shares: Vec<String> = s.members().iter().map(|m| m.percentage.to_string()).collect();
    /// assert_eq!(shares, ["33.34", "33.33", "33.33"]);
    /// # Ok::<(), SplitError>(())
    /// ```
    pub fn equal<U: Into<UserId>>(users: impl IntoIterator<Item = U>) -> Result<RevenueSplit, SplitError> {
        let users: Vec<UserId> = users.into_iter().map(Into::into).collect();
        let n = Decimal::from(users.len().max(1));
        let share = (Decimal::ONE_HUNDRED / n).trunc_with_scale(2);
        let lead_share = Decimal::ONE_HUNDRED - share * (n - Decimal::ONE);
        let members =
            users
                .into_iter()
                .enumerate()
                .map(|(i, u)| {
                    if i == 0 {
                        SplitMember::new(u, LEAD_ROLE, lead_share)
                    } else {
                        SplitMember::new(u, "member", share)
                    }
                })
                .collect();
        RevenueSplit::new(members)
    }

    /// Sets `autoSplit` (S9).
    ///
    /// ```
    /// # use booking_core::*;
    /// assert!(!RevenueSplit::solo("p").with_auto_split(false).auto_split());
    /// ```
    pub fn with_auto_split(mut self, auto_split: bool) -> Self {
        self.auto_split = auto_split;
        self
    }

    /// Sets the `escrowReleaseRule` (R1).
    ///
    /// ```
    /// # use booking_core::*;
    /// let s = RevenueSplit::solo("p").with_release_rule(ReleaseRule::Majority);
    /// assert_eq!(s.release_rule(), ReleaseRule::Majority);
    /// ```
    pub fn with_release_rule(mut self, rule: ReleaseRule) -> Self {
        self.release_rule = rule;
        self
    }

    /// The members, in the order given.
    ///
    /// ```
    /// # use booking_core::*;
    /// assert_eq!(RevenueSplit::solo("p").members().len(), 1);
    /// ```
    pub fn members(&self) -> &[SplitMember] {
        &self.members
    }

    /// The lead (the booking's provider).
    ///
    /// ```
    /// # use booking_core::*;
    /// assert!(RevenueSplit::solo("p").lead().is_lead());
    /// ```
    pub fn lead(&self) -> &SplitMember {
        &self.members[self.weights.lead()]
    }

    /// `autoSplit`: pay members at release (`true`) or keep the money in
    /// the team's pending balance until the lead distributes (`false`).
    ///
    /// ```
    /// # use booking_core::*;
    /// assert!(RevenueSplit::solo("p").auto_split());
    /// ```
    pub fn auto_split(&self) -> bool {
        self.auto_split
    }

    /// The release rule.
    ///
    /// ```
    /// # use booking_core::*;
    /// assert_eq!(RevenueSplit::solo("p").release_rule(), ReleaseRule::LeadOnly);
    /// ```
    pub fn release_rule(&self) -> ReleaseRule {
        self.release_rule
    }

    /// The member with this user id.
    ///
    /// ```
    /// # use booking_core::*;
    /// assert!(RevenueSplit::solo("p").member(&"p".into()).is_some());
    /// ```
    pub fn member(&self, user: &UserId) -> Option<&SplitMember> {
        self.members.iter().find(|m| &m.user_id == user)
    }

    /// The user ids of the team, lead included.
    ///
    /// ```
    /// # use booking_core::*;
    /// assert_eq!(RevenueSplit::solo("p").user_ids(), vec![UserId::from("p")]);
    /// ```
    pub fn user_ids(&self) -> Vec<UserId> {
        self.members.iter().map(|m| m.user_id.clone()).collect()
    }

    /// Takes the platform fee of `fee_bps` basis points (S3), then allocates
    /// the rest by largest remainder (S4). Negative totals (reversals)
    /// allocate the absolute value and negate (S6).
    ///
    /// ```
    /// # use booking_core::*;
    /// let s = RevenueSplit::new(vec![
    ///     SplitMember::new("a", "lead", "33.33".parse().unwrap()),
    ///     SplitMember::new("b", "x", "33.33".parse().unwrap()),
    ///     SplitMember::new("c", "x", "33.34".parse().unwrap()),
    /// ])?;
    /// let a = s.allocate(Money::from_minor(10_000, Currency::USD), 500)?;
    /// assert_eq!(a.fee.minor(), 500);
    /// let parts: Vec<i64> = a.parts.iter().map(|m| m.minor()).collect();
    /// assert_eq!(parts, [3167, 3166, 3167]);
    /// # Ok::<(), booking_core::SplitError>(())
    /// ```
    pub fn allocate(&self, total: Money, fee_bps: u32) -> Result<Allocation, SplitError> {
        self.allocate_in_units(total, fee_bps, 1)
    }

    /// Like [`RevenueSplit::allocate`], but pays in whole `unit`s of minor
    /// units (S8), for a gateway that moves HUF only in whole hundreds or KWD
    /// in tens. The rule is applied to `D / unit`; what is left over is
    /// reported in [`Allocation::unallocated`], never dropped.
    ///
    /// ```
    /// # use booking_core::*;
    /// let s = RevenueSplit::new(vec![
    ///     SplitMember::new("a", "lead", 50.into()),
    ///     SplitMember::new("b", "x", 50.into()),
    /// ])?;
    /// let a = s.allocate_in_units(Money::from_minor(1_050, Currency::USD), 0, 100)?;
    /// assert_eq!((a.parts[0].minor(), a.parts[1].minor()), (500, 500));
    /// assert_eq!(a.unallocated.minor(), 50);
    /// # Ok::<(), booking_core::SplitError>(())
    /// ```
    pub fn allocate_in_units(&self, total: Money, fee_bps: u32, unit: i64) -> Result<Allocation, SplitError> {
        self.weights.allocate_in_units(total, fee_bps, unit)
    }
}

/// JSON shape of a split, validated on the way in.
#[derive(Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
struct SplitRepr {
    splits: Vec<SplitMember>,
    #[serde(default = "yes")]
    auto_split: bool,
    #[serde(default)]
    escrow_release_rule: ReleaseRule,
}

fn yes() -> bool {
    true
}

impl Serialize for RevenueSplit {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        SplitRepr { splits: self.members.clone(), auto_split: self.auto_split, escrow_release_rule: self.release_rule }
            .serialize(s)
    }
}

impl<'de> Deserialize<'de> for RevenueSplit {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let repr = SplitRepr::deserialize(d)?;
        Ok(RevenueSplit::new(repr.splits)
            .map_err(de::Error::custom)?
            .with_auto_split(repr.auto_split)
            .with_release_rule(repr.escrow_release_rule))
    }
}

impl fmt::Debug for RevenueSplit {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RevenueSplit")
            .field("members", &self.members)
            .field("auto_split", &self.auto_split)
            .field("release_rule", &self.release_rule)
            .finish()
    }
}

fn ser_percentage<S: Serializer>(p: &Decimal, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(&p.normalize().to_string())
}

/// Percentages arrive as decimal strings (`"33.33"`) or JSON integers
/// (`60`). A JSON number with a fraction is refused: it has already been
/// through a float by the time it reaches any parser.
/// Reads a percentage written as a plain decimal (`"33.33"`, `"60"`):
/// digits, a point and a sign only, exactly; no exponent, no float. The
/// range and precision rules come later, in [`RevenueSplit::new`].
///
/// ```
/// assert_eq!(booking_core::parse_percentage("33.33").unwrap().to_string(), "33.33");
/// assert!(booking_core::parse_percentage("1E-8").is_none());
/// ```
pub fn parse_percentage(text: &str) -> Option<Decimal> {
    let plain = !text.is_empty() && text.bytes().all(|b| b.is_ascii_digit() || b == b'.' || b == b'-');
    plain.then(|| Decimal::from_str_exact(text).ok()).flatten()
}

fn de_percentage<'de, D: Deserializer<'de>>(d: D) -> Result<Decimal, D::Error> {
    struct V;
    impl de::Visitor<'_> for V {
        type Value = Decimal;
        fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
            f.write_str("a percentage as a decimal string like \"33.33\" or an integer")
        }
        fn visit_str<E: de::Error>(self, v: &str) -> Result<Decimal, E> {
            parse_percentage(v).ok_or_else(|| E::custom(format!("percentage {v:?} is not a decimal number")))
        }
        fn visit_u64<E: de::Error>(self, v: u64) -> Result<Decimal, E> {
            Ok(Decimal::from(v))
        }
        fn visit_i64<E: de::Error>(self, v: i64) -> Result<Decimal, E> {
            Ok(Decimal::from(v))
        }
        fn visit_f64<E: de::Error>(self, v: f64) -> Result<Decimal, E> {
            Err(E::custom(format!(
                "percentage {v} is a floating-point number; write it as a string such as \"{v}\" so it stays exact"
            )))
        }
    }
    d.deserialize_any(V)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Currency;

    fn split(members: &[(&str, &str, &str)]) -> Result<RevenueSplit, SplitError> {
        RevenueSplit::new(members.iter().map(|(u, r, p)| SplitMember::new(*u, *r, p.parse().unwrap())).collect())
    }

    fn parts(s: &RevenueSplit, total: i64, fee_bps: u32) -> (i64, Vec<i64>) {
        let a = s.allocate(Money::from_minor(total, Currency::USD), fee_bps).unwrap();
        (a.fee.minor(), a.parts.iter().map(Money::minor).collect())
    }

    #[test]
    fn s1_exactly_one_lead_and_any_other_role_label() {
        let ok = split(&[("a", "lead", "50"), ("b", "mix-engineer", "25"), ("c", "specialist", "25")]).unwrap();
        assert_eq!(ok.lead().user_id.as_str(), "a");
        let none = split(&[("a", "collaborator", "50"), ("b", "collaborator", "50")]).unwrap_err();
        assert_eq!(
            (none.code(), none.to_string().as_str()),
            ("split.lead_count", "exactly one member must have role \"lead\", found 0")
        );
        assert_eq!(split(&[("a", "lead", "50"), ("b", "lead", "50")]).unwrap_err().code(), "split.lead_count");
        assert_eq!(split(&[("a", "", "100")]).unwrap_err().code(), "split.invalid_member");
    }

    #[test]
    fn s2_percentages_are_exact_and_sum_to_100() {
        split(&[("a", "lead", "33.33"), ("b", "x", "33.33"), ("c", "x", "33.34")]).unwrap();
        let err = split(&[("a", "lead", "33.33"), ("b", "x", "33.33"), ("c", "x", "33.33")]).unwrap_err();
        assert_eq!(err.to_string(), "percentages sum to 99.99, not 100");
        let dup = split(&[("a", "lead", "50"), ("a", "x", "50")]).unwrap_err();
        assert_eq!(dup.code(), "split.duplicate_user");
        assert_eq!(dup.member_index(), Some(1));
        assert_eq!(split(&[("a", "lead", "101"), ("b", "x", "-1")]).unwrap_err().code(), "split.sum_not_100");
        assert_eq!(split(&[("a", "lead", "110"), ("b", "x", "-10")]).unwrap_err().code(), "split.sum_not_100");
        assert_eq!(split(&[("b", "x", "-10"), ("a", "lead", "110")]).unwrap_err().code(), "split.negative_percentage");
        assert_eq!(
            split(&[("a", "lead", "99.999999999"), ("b", "x", "0.000000001")]).unwrap_err().code(),
            "split.percentage_precision"
        );
        assert_eq!(RevenueSplit::new(vec![]).unwrap_err().code(), "split.member_count");
        let many: Vec<SplitMember> = (0..101).map(|i| SplitMember::new(format!("u{i}"), "x", Decimal::ZERO)).collect();
        assert_eq!(RevenueSplit::new(many).unwrap_err().code(), "split.member_count");
        let hundred: Vec<SplitMember> = (0..100)
            .map(|i| SplitMember::new(format!("u{i}"), if i == 0 { "lead" } else { "x" }, Decimal::ONE))
            .collect();
        assert_eq!(RevenueSplit::new(hundred).unwrap().members().len(), 100);
        // Teams past the small size find duplicates through a map: same answer.
        let mut big: Vec<SplitMember> = (0..40)
            .map(|i| SplitMember::new(format!("u{i}"), if i == 0 { "lead" } else { "x" }, "2.5".parse().unwrap()))
            .collect();
        big[30].user_id = "u3".into();
        let err = RevenueSplit::new(big).unwrap_err();
        assert_eq!(err, SplitError::DuplicateUser { user_id: "u3".into(), first: 3, index: 30 });
    }

    #[test]
    fn s2_json_percentages_are_strings_or_integers_never_floats() {
        let ok: RevenueSplit = serde_json::from_str(
            r#"{"splits":[{"userId":"a","role":"lead","percentage":60},{"userId":"b","role":"x","percentage":"40"}]}"#,
        )
        .unwrap();
        assert_eq!(ok.members()[0].percentage, Decimal::from(60));
        let float = serde_json::from_str::<RevenueSplit>(
            r#"{"splits":[{"userId":"a","role":"lead","percentage":33.5},{"userId":"b","role":"x","percentage":"66.5"}]}"#,
        )
        .unwrap_err();
        assert!(float.to_string().contains("floating-point"), "{float}");
    }

    #[test]
    fn s3_the_platform_fee_is_taken_first_and_rounds_half_up() {
        let solo = RevenueSplit::solo("p");
        assert_eq!(parts(&solo, 1_999, 2_000), (400, vec![1_599]));
        assert_eq!(parts(&solo, 10, 500), (1, vec![9]), "0.5 rounds up");
        assert_eq!(parts(&solo, 9, 500), (0, vec![9]), "0.45 rounds down");
        assert_eq!(parts(&solo, 100, 10_000), (100, vec![0]));
        assert_eq!(
            solo.allocate(Money::from_minor(1, Currency::USD), 10_001).unwrap_err().code(),
            "split.fee_out_of_range"
        );
    }

    #[test]
    fn s4_leftover_units_go_by_remainder_then_percentage_then_lead_then_order() {
        // Equal remainders, larger percentage first: 1 at 60/40 → the 60 % member.
        let s = split(&[("a", "x", "40"), ("b", "lead", "60")]).unwrap();
        assert_eq!(parts(&s, 1, 0).1, vec![0, 1]);
        // Equal percentages: the lead wins the odd unit even when listed last.
        let s = split(&[("a", "x", "50"), ("b", "lead", "50")]).unwrap();
        assert_eq!(parts(&s, 1_001, 0).1, vec![500, 501]);
        // Equal percentages, neither is lead: list order.
        let s = split(&[("l", "lead", "20"), ("a", "x", "40"), ("b", "x", "40")]).unwrap();
        assert_eq!(parts(&s, 1, 0).1, vec![0, 1, 0]);
        // The largest fractional part wins over a larger percentage.
        let s = split(&[("a", "lead", "45"), ("b", "x", "35"), ("c", "x", "20")]).unwrap();
        assert_eq!(parts(&s, 9, 0).1, vec![4, 3, 2]);
    }

    #[test]
    fn s7_known_answers() {
        let s = |m: &[(&str, &str, &str)]| split(m).unwrap();
        assert_eq!(parts(&s(&[("a", "lead", "60"), ("b", "x", "40")]), 100_000, 0).1, vec![60_000, 40_000]);
        let thirds = s(&[("a", "lead", "33.33"), ("b", "x", "33.33"), ("c", "x", "33.34")]);
        assert_eq!(parts(&thirds, 100, 0).1, vec![33, 33, 34]);
        assert_eq!(parts(&thirds, 10_000, 500), (500, vec![3_167, 3_166, 3_167]));
        assert_eq!(parts(&s(&[("a", "lead", "50"), ("b", "x", "50")]), 1_001, 0).1, vec![501, 500]);
        let six = s(&[
            ("a", "lead", "16.66"),
            ("b", "x", "16.66"),
            ("c", "x", "16.66"),
            ("d", "x", "16.66"),
            ("e", "x", "16.68"),
            ("f", "x", "16.68"),
        ]);
        assert_eq!(parts(&six, 100, 0).1.iter().sum::<i64>(), 100);
        assert_eq!(parts(&RevenueSplit::solo("p"), 1_999, 2_000), (400, vec![1_599]));
        assert_eq!(parts(&s(&[("a", "lead", "45"), ("b", "x", "35"), ("c", "x", "20")]), 9, 0).1, vec![4, 3, 2]);
        assert_eq!(parts(&s(&[("z", "x", "0"), ("a", "lead", "50"), ("b", "x", "50")]), 1_001, 0).1, vec![0, 501, 500]);
        assert_eq!(parts(&s(&[("a", "lead", "50"), ("b", "x", "50")]), -1_003, 0).1, vec![-502, -501]);
    }

    #[test]
    fn s8_coarse_units_report_the_rest() {
        let s = split(&[("a", "lead", "50"), ("b", "x", "50")]).unwrap();
        let a = s.allocate_in_units(Money::from_minor(1_050, Currency::USD), 0, 100).unwrap();
        assert_eq!((a.parts[0].minor(), a.parts[1].minor(), a.unallocated.minor()), (500, 500, 50));
        assert_eq!(
            s.allocate_in_units(Money::from_minor(1, Currency::USD), 0, 0).unwrap_err().code(),
            "split.invalid_unit"
        );
    }
}
