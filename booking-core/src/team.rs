//! A split's rules in two stages (S1, S2): what a team's ids and roles say
//! is read once ([`SplitTeam`]), and each set of percentages is then
//! checked against it. A team lead's slider changes percentages, not the
//! team, so a preview checks only what moved; [`SplitWeights::new`] runs
//! both stages, so the two ways cannot drift apart.

use rust_decimal::Decimal;

use crate::shares::{Share, SplitWeights, FINEST};
use crate::split::{SplitError, LEAD_ROLE, MAX_MEMBERS, MAX_PERCENTAGE_DECIMALS};
use crate::UserId;

/// What a team's ids and roles say, before any percentage: its size, its
/// lead, and its first problem in member order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Roster {
    len: usize,
    lead: usize,
    leads: usize,
    /// The first problem with the count, an id or a role. The
    /// percentages of the members before it (its member index; none for
    /// the count) are checked first.
    problem: Option<SplitError>,
}

impl Roster {
    /// Reads `len` members' ids and roles by position.
    pub(crate) fn new<'a>(len: usize, id: impl Fn(usize) -> &'a str, role: impl Fn(usize) -> &'a str) -> Roster {
        let mut roster = Roster { len, lead: 0, leads: 0, problem: None };
        if len == 0 || len > MAX_MEMBERS {
            roster.problem = Some(SplitError::MemberCount { count: len });
            return roster;
        }
        let duplicate = first_duplicate(len, &id);
        for index in 0..len {
            if blank(id(index)) || blank(role(index)) {
                roster.problem = Some(SplitError::InvalidMember { index });
                break;
            }
            if let Some((first, _)) = duplicate.filter(|&(_, at)| at == index) {
                let user_id = id(index).into();
                roster.problem = Some(SplitError::DuplicateUser { user_id, first, index });
                break;
            }
            if role(index) == LEAD_ROLE {
                if roster.leads == 0 {
                    roster.lead = index;
                }
                roster.leads += 1;
            }
        }
        roster
    }

    /// Checks each member's share (from `share`, by position) with the
    /// roster, in member order, and returns the first problem: the count;
    /// then, for each member, a non-blank user id and role, no earlier
    /// member with the same user, a percentage `>= 0` with at most
    /// [`MAX_PERCENTAGE_DECIMALS`] decimals and not over 100; then a sum of
    /// exactly 100 and exactly one `lead`.
    pub(crate) fn weights<'a>(
        &self,
        share: impl Fn(usize) -> Share,
        id: impl Fn(usize) -> &'a str,
    ) -> Result<SplitWeights, SplitError> {
        let checked = self.problem.as_ref().map_or(self.len, |p| p.member_index().unwrap_or(0));
        let hundred = 100 * FINEST;
        let (mut sum, mut scale) = (0_u64, 0);
        for index in 0..checked {
            match share(index).fixed() {
                Some((units, s)) if units <= hundred => {
                    sum += units;
                    scale = scale.max(s);
                }
                _ => return Err(refused(index, self.len, &share, &id)),
            }
        }
        if let Some(problem) = &self.problem {
            return Err(problem.clone());
        }
        if sum != hundred {
            // At most MAX_MEMBERS × 100 × FINEST: fits in an i64.
            let sum = Decimal::new(sum as i64, MAX_PERCENTAGE_DECIMALS).normalize();
            return Err(SplitError::SumNot100 { sum });
        }
        if self.leads != 1 {
            return Err(SplitError::LeadCount { count: self.leads });
        }
        Ok(SplitWeights::at_scale((0..self.len).map(|i| share(i).units_at(scale)).collect(), scale, self.lead))
    }
}

/// A team without its percentages: each member's user id and role, read
/// once and checked when percentages come ([`SplitTeam::weights`]) with
/// the same rules, problems and order as [`SplitWeights::new`]. For a
/// slider that previews one team's split on every move.
///
/// ```
/// use booking_core::{Currency, Money, Share, SplitTeam};
/// let team = SplitTeam::new([("a", "lead"), ("b", "mix")]);
/// let shares = |a, b| [Share::parse(a).unwrap(), Share::parse(b).unwrap()];
/// let weights = team.weights(&shares("60", "40"))?;
/// let alloc = weights.allocate_in_units(Money::from_minor(1_000, Currency::USD), 0, 1)?;
/// assert_eq!((alloc.parts[0].minor(), alloc.parts[1].minor()), (600, 400));
/// let err = team.weights(&shares("60", "30")).unwrap_err();
/// assert_eq!(err.to_string(), "percentages sum to 90, not 100");
/// # Ok::<(), booking_core::SplitError>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SplitTeam {
    user_ids: Vec<UserId>,
    roster: Roster,
}

impl SplitTeam {
    /// Reads `(user_id, role)` pairs in member order. Never fails: a
    /// team's problems (a count outside 1 to [`MAX_MEMBERS`], a blank id
    /// or role, a repeated user) are reported by [`SplitTeam::weights`],
    /// after the problems of the members before them.
    ///
    /// ```
    /// use booking_core::{Share, SplitTeam};
    /// let team = SplitTeam::new([("a", "lead"), ("a", "mix")]);
    /// let fifty = Share::parse("50").unwrap();
    /// assert_eq!(team.weights(&[fifty, fifty]).unwrap_err().code(), "split.duplicate_user");
    /// ```
    pub fn new<'a>(members: impl IntoIterator<Item = (&'a str, &'a str)>) -> SplitTeam {
        let members: Vec<(&str, &str)> = members.into_iter().collect();
        let roster = Roster::new(members.len(), |i| members[i].0, |i| members[i].1);
        SplitTeam { user_ids: members.iter().map(|m| UserId::from(m.0)).collect(), roster }
    }

    /// How many members the team has.
    ///
    /// ```
    /// assert_eq!(booking_core::SplitTeam::new([("a", "lead")]).len(), 1);
    /// ```
    pub fn len(&self) -> usize {
        self.roster.len
    }

    /// Whether the team has no members (which [`SplitTeam::weights`]
    /// refuses).
    ///
    /// ```
    /// assert!(booking_core::SplitTeam::new([]).is_empty());
    /// ```
    pub fn is_empty(&self) -> bool {
        self.roster.len == 0
    }

    /// The team's weights with `shares`, one per member in member order,
    /// or the first problem in the order [`SplitWeights::new`] documents.
    /// A count of shares that is not the team's is
    /// [`SplitError::ShareCount`], after a count of members outside 1 to
    /// [`MAX_MEMBERS`].
    ///
    /// ```
    /// use booking_core::{Share, SplitTeam};
    /// let team = SplitTeam::new([("a", "lead"), ("b", "mix")]);
    /// let err = team.weights(&[Share::parse("100").unwrap()]).unwrap_err();
    /// assert_eq!(err.code(), "split.share_count");
    /// ```
    pub fn weights(&self, shares: &[Share]) -> Result<SplitWeights, SplitError> {
        if let Some(problem @ SplitError::MemberCount { .. }) = &self.roster.problem {
            return Err(problem.clone());
        }
        if shares.len() != self.len() {
            return Err(SplitError::ShareCount { members: self.len(), shares: shares.len() });
        }
        self.roster.weights(|i| shares[i], |i| self.user_ids[i].as_str())
    }
}

/// The first member (in order) whose user appeared earlier, with the
/// earlier position: `(first, index)`. One pass over a small open-addressed
/// table on the stack (FNV-1a hashes, linear probing): no allocation and
/// no rescanning, whatever the team's size.
fn first_duplicate<'a>(len: usize, id: impl Fn(usize) -> &'a str) -> Option<(usize, usize)> {
    // Slot values are positions + 1 (0 is empty); MAX_MEMBERS < 255 keeps
    // them in a byte and the table at most 40 % full.
    const SLOTS: usize = 256;
    let mut table = [0_u8; SLOTS];
    for index in 0..len.min(MAX_MEMBERS) {
        let user = id(index);
        let mut hash = 0x811c_9dc5_u32;
        for &b in user.as_bytes() {
            hash = (hash ^ u32::from(b)).wrapping_mul(0x0100_0193);
        }
        let mut slot = hash as usize % SLOTS;
        loop {
            match usize::from(table[slot]) {
                0 => {
                    table[slot] = (index + 1) as u8;
                    break;
                }
                taken if id(taken - 1) == user => return Some((taken - 1, index)),
                _ => slot = (slot + 1) % SLOTS,
            }
        }
    }
    None
}

/// Empty or only whitespace (Unicode's, as `str::trim`). Text that starts
/// with a visible ASCII character, as ids and roles do, is decided by its
/// first byte.
fn blank(text: &str) -> bool {
    match text.as_bytes().first() {
        Some(&b) if b.is_ascii_graphic() => false,
        _ => text.trim().is_empty(),
    }
}

/// Why member `index`'s share is refused: negative, too precise, or (as
/// the whole sum of the `len` shares then is) over 100. Not generic: one
/// copy serves every way of reading members.
#[cold]
fn refused<'a>(index: usize, len: usize, share: &dyn Fn(usize) -> Share, id: &dyn Fn(usize) -> &'a str) -> SplitError {
    let d = share(index).decimal();
    if d.is_sign_negative() && !d.is_zero() {
        return SplitError::NegativePercentage { index, user_id: id(index).into(), percentage: d };
    }
    let p = d.normalize();
    if p.scale() > MAX_PERCENTAGE_DECIMALS {
        return SplitError::PercentagePrecision { index, user_id: id(index).into(), percentage: d };
    }
    // Over 100: so is the sum, whatever follows. Added with overflow
    // checks, since a JSON document can hold percentages near Decimal::MAX.
    let sum = (0..len).try_fold(Decimal::ZERO, |acc, i| acc.checked_add(share(i).decimal()));
    SplitError::SumNot100 { sum: sum.unwrap_or(p).normalize() }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::MemberShare;

    fn shares(text: &[&str]) -> Vec<Share> {
        text.iter().map(|t| Share::parse(t).unwrap()).collect()
    }

    /// The team's answer and `SplitWeights::new`'s for the same members.
    fn both(
        members: &[(&str, &str)],
        pct: &[&str],
    ) -> (Result<SplitWeights, SplitError>, Result<SplitWeights, SplitError>) {
        let shares = shares(pct);
        let whole: Vec<MemberShare> = members
            .iter()
            .zip(&shares)
            .map(|(&(user_id, role), &share)| MemberShare { user_id, role, share })
            .collect();
        (SplitTeam::new(members.iter().copied()).weights(&shares), SplitWeights::new(&whole))
    }

    #[test]
    fn s2_percentages_before_the_teams_problem_come_first() {
        let team = [("a", "lead"), ("b", "mix"), ("a", "x")];
        let (got, want) = both(&team, &["-1", "50", "51"]);
        assert_eq!(got.as_ref().unwrap_err().code(), "split.negative_percentage");
        assert_eq!(got, want);
        let (got, want) = both(&team, &["49", "1.123456789", "50"]);
        assert_eq!(got.as_ref().unwrap_err().code(), "split.percentage_precision");
        assert_eq!(got, want);
        // The repeated user's own percentage is not read.
        let (got, want) = both(&team, &["49", "51", "-5"]);
        assert_eq!(got.as_ref().unwrap_err().code(), "split.duplicate_user");
        assert_eq!(got, want);
    }

    #[test]
    fn s1_a_blank_member_comes_before_the_sum_and_the_lead_count_after_it() {
        let (got, want) = both(&[("a", "lead"), (" ", "mix")], &["10", "10"]);
        assert_eq!(got.as_ref().unwrap_err(), &SplitError::InvalidMember { index: 1 });
        assert_eq!(got, want);
        let (got, want) = both(&[("a", "mix"), ("b", "mix")], &["10", "10"]);
        assert_eq!(got.as_ref().unwrap_err().code(), "split.sum_not_100");
        assert_eq!(got, want);
        let (got, want) = both(&[("a", "lead"), ("b", "lead")], &["50", "50"]);
        assert_eq!(got.as_ref().unwrap_err(), &SplitError::LeadCount { count: 2 });
        assert_eq!(got, want);
        let (got, want) = both(&[("a", "mix"), ("b", "lead")], &["50", "50"]);
        assert_eq!(got.as_ref().map(SplitWeights::lead), Ok(1));
        assert_eq!(got, want);
    }

    #[test]
    fn s2_the_member_count_comes_before_the_count_of_shares() {
        assert_eq!(SplitTeam::new([]).weights(&shares(&["100"])), Err(SplitError::MemberCount { count: 0 }));
        let team = SplitTeam::new([("a", "lead"), (" ", "mix")]);
        assert_eq!(team.weights(&shares(&["100"])), Err(SplitError::ShareCount { members: 2, shares: 1 }));
        let ids: Vec<String> = (0..=MAX_MEMBERS).map(|i| format!("u{i}")).collect();
        let many = SplitTeam::new(ids.iter().map(|id| (id.as_str(), "x")));
        assert_eq!(many.len(), MAX_MEMBERS + 1);
        assert_eq!(many.weights(&shares(&["100"])), Err(SplitError::MemberCount { count: MAX_MEMBERS + 1 }));
    }
}
