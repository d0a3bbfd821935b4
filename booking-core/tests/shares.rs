//! The split rules read from text (`Share`, `SplitWeights`, and a
//! `SplitTeam` read before its percentages) agree with the decimal reading
//! (S1, S2): the same shares, the same first problem with
//! the same message, the same allocation.

use booking_core::*;
use proptest::prelude::*;
use rust_decimal::Decimal;

/// S1/S2 as plain decimal arithmetic, in the order `SplitWeights::new`
/// documents: the reference the integer version must agree with.
fn reference(members: &[(String, String, Decimal)]) -> Result<(), String> {
    let err = |e: SplitError| Err(e.to_string());
    if members.is_empty() || members.len() > MAX_MEMBERS {
        return err(SplitError::MemberCount { count: members.len() });
    }
    let mut sum = Decimal::ZERO;
    for (index, (user, role, pct)) in members.iter().enumerate() {
        if user.trim().is_empty() || role.trim().is_empty() {
            return err(SplitError::InvalidMember { index });
        }
        if let Some(first) = members[..index].iter().position(|m| &m.0 == user) {
            return err(SplitError::DuplicateUser { user_id: user.as_str().into(), first, index });
        }
        if pct.is_sign_negative() && !pct.is_zero() {
            return err(SplitError::NegativePercentage { index, user_id: user.as_str().into(), percentage: *pct });
        }
        let p = pct.normalize();
        if p.scale() > MAX_PERCENTAGE_DECIMALS {
            return err(SplitError::PercentagePrecision { index, user_id: user.as_str().into(), percentage: *pct });
        }
        if p > Decimal::ONE_HUNDRED {
            let all = members.iter().try_fold(Decimal::ZERO, |acc, m| acc.checked_add(m.2));
            return err(SplitError::SumNot100 { sum: all.unwrap_or(p).normalize() });
        }
        sum += p;
    }
    if sum != Decimal::ONE_HUNDRED {
        return err(SplitError::SumNot100 { sum: sum.normalize() });
    }
    let leads = members.iter().filter(|m| m.1 == LEAD_ROLE).count();
    if leads != 1 {
        return err(SplitError::LeadCount { count: leads });
    }
    Ok(())
}

/// Percentage text: mostly plausible shapes, some junk.
fn percentage_text() -> impl Strategy<Value = String> {
    prop_oneof![
        (0u32..=100, 0u32..100).prop_map(|(i, f)| format!("{i}.{f:02}")),
        (0u32..=100).prop_map(|i| i.to_string()),
        "-?[0-9]{0,4}(\\.[0-9]{0,11})?",
        "[0-9.\\-]{0,8}",
        "[0-9]{20,30}(\\.[0-9]{0,3})?",
    ]
}

fn member() -> impl Strategy<Value = (String, String, String)> {
    (
        // Blank ids and roles in ASCII and Unicode whitespace, and ids that
        // only start with it, against the reference's `trim`.
        prop_oneof![
            Just("a"),
            Just("b"),
            Just("c"),
            Just("d"),
            Just(" "),
            Just("e"),
            Just("f"),
            Just("\u{3000}"),
            Just("\tg"),
            Just("\u{a0}h"),
        ],
        prop_oneof![3 => Just("lead"), 6 => Just("mix"), 1 => Just(""), 1 => Just("Lead"), 1 => Just("\u{2003}")],
        percentage_text(),
    )
        .prop_map(|(u, r, p)| (u.to_owned(), r.to_owned(), p))
}

/// A team that sums to 100 with one lead, for the large-team path.
fn valid_team(n: usize) -> Vec<(String, String, String)> {
    (0..n)
        .map(|i| {
            let pct = if i == 0 { 100 - (n as u32 - 1) } else { 1 };
            (format!("u{i}"), if i == 0 { "lead" } else { "x" }.to_owned(), pct.to_string())
        })
        .collect()
}

fn check_text(members: &[(String, String, String)]) -> Option<Result<Vec<i64>, String>> {
    let shares: Option<Vec<MemberShare>> = members
        .iter()
        .map(|(u, r, p)| Share::parse(p).map(|share| MemberShare { user_id: u, role: r, share }))
        .collect();
    let alloc = |w: SplitWeights| w.allocate_in_units(Money::from_minor(99_999, Currency::USD), 250, 1);
    Some(
        SplitWeights::new(&shares?)
            .and_then(alloc)
            .map(|a| a.parts.iter().map(|m| m.minor()).collect())
            .map_err(|e| e.to_string()),
    )
}

/// As `check_text`, through a `SplitTeam` read before its percentages.
fn check_team(members: &[(String, String, String)]) -> Option<Result<Vec<i64>, String>> {
    let shares: Option<Vec<Share>> = members.iter().map(|(_, _, p)| Share::parse(p)).collect();
    let team = SplitTeam::new(members.iter().map(|(u, r, _)| (u.as_str(), r.as_str())));
    let alloc = |w: SplitWeights| w.allocate_in_units(Money::from_minor(99_999, Currency::USD), 250, 1);
    Some(
        team.weights(&shares?)
            .and_then(alloc)
            .map(|a| a.parts.iter().map(|m| m.minor()).collect())
            .map_err(|e| e.to_string()),
    )
}

fn check_decimal(members: &[(String, String, String)]) -> Option<Result<Vec<i64>, String>> {
    let parsed: Option<Vec<SplitMember>> = members
        .iter()
        .map(|(u, r, p)| parse_percentage(p).map(|d| SplitMember::new(u.as_str(), r.as_str(), d)))
        .collect();
    let alloc = |s: RevenueSplit| s.allocate_in_units(Money::from_minor(99_999, Currency::USD), 250, 1);
    Some(
        RevenueSplit::new(parsed?)
            .and_then(alloc)
            .map(|a| a.parts.iter().map(|m| m.minor()).collect())
            .map_err(|e| e.to_string()),
    )
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(5_000))]

    #[test]
    fn s2_share_text_reads_as_the_decimal_it_names(text in percentage_text()) {
        let fast = Share::parse(&text).map(|s| s.decimal().normalize());
        let slow = parse_percentage(&text).map(|d| Share::from(d).decimal().normalize());
        prop_assert_eq!(fast, slow);
        prop_assert_eq!(fast, parse_percentage(&text).map(|d| d.normalize()));
    }

    #[test]
    fn s1_s2_text_and_decimal_members_meet_the_same_first_problem(members in prop::collection::vec(member(), 0..6)) {
        let text = check_text(&members);
        prop_assert_eq!(&text, &check_decimal(&members));
        prop_assert_eq!(&text, &check_team(&members));
        if let Some(result) = text {
            let decimals: Vec<_> = members
                .iter()
                .map(|(u, r, p)| (u.clone(), r.clone(), parse_percentage(p).unwrap()))
                .collect();
            prop_assert_eq!(result.map(|_| ()), reference(&decimals));
        }
    }
}

#[test]
fn s2_large_teams_report_the_first_repeat_in_member_order() {
    let mut team = valid_team(40);
    team[30].0 = "u7".into();
    team[25].0 = "u12".into();
    team[33].0 = "u12".into();
    let want = "user u12 appears more than once (members 12 and 25)";
    assert_eq!(check_text(&team), Some(Err(want.to_owned())));
    assert_eq!(check_decimal(&team), Some(Err(want.to_owned())));
    assert_eq!(check_team(&team), Some(Err(want.to_owned())));
    assert_eq!(check_text(&valid_team(100)).unwrap().unwrap().len(), 100);
    assert_eq!(check_text(&valid_team(101)), Some(Err("a split needs 1 to 100 members, got 101".to_owned())));
}

#[test]
fn s2_shares_over_100_report_the_whole_sum() {
    let team = [("a", "lead", "150"), ("b", "x", "-1"), ("c", "x", "1e3")];
    let team: Vec<_> = team.iter().map(|(u, r, p)| (u.to_string(), r.to_string(), p.to_string())).collect();
    // "1e3" is not a percentage at all; the first two are read.
    assert_eq!(check_text(&team), None);
    assert_eq!(check_text(&team[..2]), Some(Err("percentages sum to 149, not 100".to_owned())));
    let huge = [("a".to_owned(), "lead".to_owned(), "79228162514264337593543950335".to_owned())];
    assert_eq!(check_text(&huge), Some(Err("percentages sum to 79228162514264337593543950335, not 100".to_owned())));
}
