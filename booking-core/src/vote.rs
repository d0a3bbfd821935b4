//! Release voting on split bookings (SPEC R1–R8).
//!
//! The tally is a pure function of the rule, the team and the votes cast. It
//! decides as early as the outcome is certain (R4): when every way of filling
//! in the missing votes gives the same result. When the vote window has ended,
//! missing votes count as approvals (R6).

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::ids::UserId;

/// Who must consent before escrow is released to a team (R1).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, Default)]
#[serde(rename_all = "kebab-case")]
pub enum ReleaseRule {
    /// The lead's vote decides.
    #[default]
    LeadOnly,
    /// Every member must approve.
    Unanimous,
    /// Strictly more than half of the members, by head count; a tie fails.
    Majority,
}

/// Where a release vote stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, Default)]
#[serde(rename_all = "kebab-case")]
pub enum VoteOutcome {
    /// Not yet certain.
    #[default]
    Pending,
    /// The team consents to the release.
    Passed,
    /// The team refuses; the booking goes to a mediator (R5).
    Failed,
}

impl VoteOutcome {
    /// `true` once passed or failed.
    ///
    /// ```
    /// assert!(booking_core::VoteOutcome::Passed.is_decided());
    /// ```
    pub fn is_decided(self) -> bool {
        self != VoteOutcome::Pending
    }
}

/// Tallies a release vote.
///
/// `members` is the whole team (lead included), `votes` maps a member to
/// `true` (approve) or `false` (reject); votes of non-members are ignored
/// (the lifecycle refuses them before they get here). With `window_closed`,
/// missing votes count as approvals.
///
/// ```
/// use std::collections::BTreeMap;
/// use booking_core::{tally, ReleaseRule, UserId, VoteOutcome};
/// let team = [UserId::from("lead"), UserId::from("a"), UserId::from("b")];
/// let mut votes = BTreeMap::new();
/// votes.insert(UserId::from("lead"), true);
/// assert_eq!(tally(ReleaseRule::Majority, &team, &team[0], &votes, false), VoteOutcome::Pending);
/// votes.insert(UserId::from("a"), true);
/// assert_eq!(tally(ReleaseRule::Majority, &team, &team[0], &votes, false), VoteOutcome::Passed);
/// ```
pub fn tally(
    rule: ReleaseRule,
    members: &[UserId],
    lead: &UserId,
    votes: &BTreeMap<UserId, bool>,
    window_closed: bool,
) -> VoteOutcome {
    let n = members.len();
    let approve = members.iter().filter(|m| votes.get(*m) == Some(&true)).count();
    let reject = members.iter().filter(|m| votes.get(*m) == Some(&false)).count();
    let missing = n - approve - reject;
    let decide = |pass: bool| if pass { VoteOutcome::Passed } else { VoteOutcome::Failed };
    match rule {
        ReleaseRule::LeadOnly => match votes.get(lead) {
            Some(v) => decide(*v),
            None if window_closed => VoteOutcome::Passed,
            None => VoteOutcome::Pending,
        },
        ReleaseRule::Unanimous => {
            if reject > 0 {
                VoteOutcome::Failed
            } else if missing == 0 || window_closed {
                VoteOutcome::Passed
            } else {
                VoteOutcome::Pending
            }
        }
        ReleaseRule::Majority => {
            let best = approve + missing;
            if 2 * approve > n || (window_closed && 2 * best > n) {
                VoteOutcome::Passed
            } else if 2 * best <= n {
                VoteOutcome::Failed
            } else {
                VoteOutcome::Pending
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn team(n: usize) -> Vec<UserId> {
        (0..n).map(|i| UserId::new(format!("m{i}"))).collect()
    }

    fn votes(pairs: &[(usize, bool)]) -> BTreeMap<UserId, bool> {
        pairs.iter().map(|(i, v)| (UserId::new(format!("m{i}")), *v)).collect()
    }

    #[test]
    fn r1_lead_only_follows_the_lead() {
        let t = team(3);
        assert_eq!(
            tally(ReleaseRule::LeadOnly, &t, &t[0], &votes(&[(1, false), (2, false)]), false),
            VoteOutcome::Pending
        );
        assert_eq!(
            tally(ReleaseRule::LeadOnly, &t, &t[0], &votes(&[(0, true), (1, false)]), false),
            VoteOutcome::Passed
        );
        assert_eq!(tally(ReleaseRule::LeadOnly, &t, &t[0], &votes(&[(0, false)]), false), VoteOutcome::Failed);
    }

    #[test]
    fn r1_majority_is_strict_and_a_tie_fails() {
        let t = team(4);
        let two = votes(&[(0, true), (1, true), (2, false), (3, false)]);
        assert_eq!(tally(ReleaseRule::Majority, &t, &t[0], &two, false), VoteOutcome::Failed);
        let three = votes(&[(0, true), (1, true), (2, true)]);
        assert_eq!(tally(ReleaseRule::Majority, &t, &t[0], &three, false), VoteOutcome::Passed);
    }

    #[test]
    fn r4_unanimous_fails_at_the_first_reject() {
        let t = team(5);
        assert_eq!(tally(ReleaseRule::Unanimous, &t, &t[0], &votes(&[(3, false)]), false), VoteOutcome::Failed);
        assert_eq!(
            tally(ReleaseRule::Unanimous, &t, &t[0], &votes(&[(0, true), (1, true)]), false),
            VoteOutcome::Pending
        );
    }

    #[test]
    fn r6_missing_votes_count_as_approve_when_the_window_ends() {
        let t = team(3);
        let v = votes(&[(0, true)]);
        for rule in [ReleaseRule::LeadOnly, ReleaseRule::Unanimous, ReleaseRule::Majority] {
            assert_eq!(tally(rule, &t, &t[0], &v, true), VoteOutcome::Passed, "{rule:?}");
        }
        let t4 = team(4);
        let v = votes(&[(0, true), (1, false), (2, false)]);
        assert_eq!(tally(ReleaseRule::Majority, &t4, &t4[0], &v, true), VoteOutcome::Failed);
    }

    #[test]
    fn r8_votes_of_non_members_do_not_count() {
        let t = team(2);
        let mut v = votes(&[(0, true)]);
        v.insert(UserId::from("outsider"), true);
        assert_eq!(tally(ReleaseRule::Unanimous, &t, &t[0], &v, false), VoteOutcome::Pending);
    }
}
