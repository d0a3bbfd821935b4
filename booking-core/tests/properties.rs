//! Property tests for the SPEC's invariants: S5 and S8 (allocation), R4
//! (votes decide exactly when certain), E1/E4 (random command sequences keep
//! the ledger balanced), and "a refused command changes nothing".

mod common;

use std::collections::BTreeMap;

use booking_core::*;
use chrono::TimeDelta;
use common::*;
use proptest::prelude::*;
use rust_decimal::prelude::ToPrimitive;
use rust_decimal::Decimal;

/// Percentages with `scale` decimals that sum to exactly 100: cut points
/// over 0..=100·10^scale.
fn percentages(max_members: usize) -> impl Strategy<Value = Vec<Decimal>> {
    (1..=max_members, 0u32..=4).prop_flat_map(|(n, scale)| {
        let total = 100 * 10i64.pow(scale);
        prop::collection::vec(0..=total, n - 1).prop_map(move |mut cuts| {
            cuts.sort_unstable();
            let mut prev = 0;
            let mut out = Vec::with_capacity(n);
            for c in cuts.into_iter().chain([total]) {
                out.push(Decimal::new(c - prev, scale));
                prev = c;
            }
            out
        })
    })
}

fn split_of(pcts: &[Decimal], lead: usize) -> RevenueSplit {
    let members = pcts
        .iter()
        .enumerate()
        .map(|(i, p)| SplitMember::new(format!("u{i}"), if i == lead { "lead" } else { "member" }, *p))
        .collect();
    RevenueSplit::new(members).unwrap()
}

fn amount() -> impl Strategy<Value = i64> {
    prop_oneof![0i64..1_000, 0i64..10_000_000, 0i64..=i64::MAX / 2, Just(i64::MAX)]
}

/// What a team change may set off besides its own row (see `Transition`):
/// the last acceptance's confirm, or a failed re-count's dispute.
fn team_follow_on(kind: CommandKind, from: BookingStatus, to: BookingStatus) -> bool {
    let team_change = matches!(kind, CommandKind::ProposeTeam | CommandKind::AcceptTeamChange);
    let confirms = kind == CommandKind::ProposeTeam && from == BookingStatus::Pending && to == BookingStatus::Confirmed;
    let disputes = to == BookingStatus::Disputed && transition(CommandKind::Vote).from.contains(&from);
    team_change && (confirms || disputes)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2_000))]

    #[test]
    fn s5_parts_are_exact_floor_or_ceil_monotone_and_zero_gets_zero(
        pcts in percentages(12),
        lead_seed in any::<usize>(),
        total in amount(),
        fee_bps in prop_oneof![Just(0u32), 0u32..=10_000],
    ) {
        let split = split_of(&pcts, lead_seed % pcts.len());
        let total = Money::from_minor(total, Currency::USD);
        let a = split.allocate(total, fee_bps).unwrap();
        let d = i128::from(total.minor()) - i128::from(a.fee.minor());
        let sum: i128 = a.parts.iter().map(|p| i128::from(p.minor())).sum();
        prop_assert_eq!(sum, d, "parts sum to D");
        prop_assert!(a.unallocated.is_zero());
        for (i, p) in pcts.iter().enumerate() {
            // exact share e = D × p / 100, compared as integers at the percentage's scale
            let scaled = p.mantissa();
            let denom = 100 * 10i128.pow(p.scale());
            let floor = d * scaled / denom;
            let part = i128::from(a.parts[i].minor());
            prop_assert!(part == floor || part == floor + 1, "part {part} vs floor {floor}");
            if p.is_zero() { prop_assert_eq!(part, 0); }
            for (j, q) in pcts.iter().enumerate() {
                let other = i128::from(a.parts[j].minor());
                if p > q { prop_assert!(part >= other, "larger percentage got less"); }
                if p == q { prop_assert!((part - other).abs() <= 1); }
            }
        }
    }

    #[test]
    fn s6_reversals_mirror_the_payment(pcts in percentages(8), total in 0i64..1_000_000_000, fee in 0u32..=10_000) {
        let split = split_of(&pcts, 0);
        let pay = split.allocate(Money::from_minor(total, Currency::EUR), fee).unwrap();
        let rev = split.allocate(Money::from_minor(-total, Currency::EUR), fee).unwrap();
        prop_assert_eq!(rev.fee.minor(), -pay.fee.minor());
        for (p, r) in pay.parts.iter().zip(&rev.parts) {
            prop_assert_eq!(r.minor(), -p.minor());
        }
    }

    #[test]
    fn s8_coarse_units_report_every_leftover(pcts in percentages(6), total in -1_000_000i64..1_000_000, unit in 1i64..1_000) {
        let split = split_of(&pcts, 0);
        let a = split.allocate_in_units(Money::from_minor(total, Currency::from_code("HUF").unwrap()), 0, unit).unwrap();
        let sum: i64 = a.parts.iter().map(|p| p.minor()).sum::<i64>() + a.unallocated.minor();
        prop_assert_eq!(sum, total);
        prop_assert!(a.parts.iter().all(|p| p.minor() % unit == 0));
        prop_assert!(a.unallocated.minor().abs() < unit);
    }

    #[test]
    fn r4_a_vote_is_decided_exactly_when_every_completion_agrees(
        n in 1usize..=7,
        rule in prop_oneof![Just(ReleaseRule::LeadOnly), Just(ReleaseRule::Unanimous), Just(ReleaseRule::Majority)],
        cast in prop::collection::vec(prop::option::of(any::<bool>()), 7),
    ) {
        let members: Vec<UserId> = (0..n).map(|i| UserId::new(format!("m{i}"))).collect();
        let votes: BTreeMap<UserId, bool> =
            members.iter().zip(&cast).filter_map(|(m, v)| v.map(|v| (m.clone(), v))).collect();
        let missing: Vec<&UserId> = members.iter().filter(|m| !votes.contains_key(*m)).collect();
        let mut results = std::collections::BTreeSet::new();
        for mask in 0u32..(1 << missing.len()) {
            let mut full = votes.clone();
            for (i, m) in missing.iter().enumerate() {
                full.insert((*m).clone(), mask & (1 << i) != 0);
            }
            let out = tally(rule, &members, &members[0], &full, false);
            prop_assert!(out.is_decided(), "a full ballot always decides");
            results.insert(format!("{out:?}"));
        }
        let now = tally(rule, &members, &members[0], &votes, false);
        if results.len() == 1 {
            prop_assert_eq!(format!("{now:?}"), results.into_iter().next().unwrap());
        } else {
            prop_assert_eq!(now, VoteOutcome::Pending);
        }
        prop_assert!(tally(rule, &members, &members[0], &votes, true).is_decided(), "R6");
    }
}

/// One random step: an actor, a command, and how far the clock moves.
#[derive(Debug, Clone)]
struct Step {
    actor: usize,
    command: usize,
    flag: bool,
    amount: u16,
    advance_minutes: u32,
}

fn steps() -> impl Strategy<Value = Vec<Step>> {
    prop::collection::vec(
        (
            0usize..8,
            0usize..18,
            any::<bool>(),
            any::<u16>(),
            prop_oneof![4 => 0u32..120, 2 => 0u32..3_000, 1 => 0u32..20_000],
        )
            .prop_map(|(actor, command, flag, amount, advance_minutes)| Step {
                actor,
                command,
                flag,
                amount,
                advance_minutes,
            }),
        1..80,
    )
}

fn actor_for(b: &Booking, i: usize) -> Actor {
    let team = b.team_members();
    match i {
        0 => user("client"),
        1 => Actor::System,
        2 => mediator(),
        3 => user("stranger"),
        4 => user("m3"),
        _ => Actor::User(team[i % team.len()].clone()),
    }
}

/// Mostly an (actor, command) pair that is allowed now, weighted so that
/// sequences go deep (cancelling and disputing are rare), else any actor
/// and any command (so refusals are exercised too).
fn pick(b: &Booking, now: chrono::DateTime<chrono::Utc>, s: &Step) -> (Actor, Command) {
    let mut choices = Vec::new();
    if s.amount % 5 != 0 {
        for i in 0..8 {
            let actor = actor_for(b, i);
            for kind in allowed_commands(b, &actor, now) {
                let weight = match kind {
                    CommandKind::Decline | CommandKind::Cancel | CommandKind::Dispute => 1,
                    _ => 8,
                };
                let index = KINDS.iter().position(|k| *k == kind).unwrap_or(0);
                choices.extend(std::iter::repeat_n((i, index), weight));
            }
        }
    }
    let (actor, command) = if choices.is_empty() {
        (s.actor, s.command)
    } else {
        choices[(usize::from(s.amount) * 7919 + s.actor) % choices.len()]
    };
    (actor_for(b, actor), build(b, &Step { command, ..s.clone() }))
}

const KINDS: [CommandKind; 17] = [
    CommandKind::Accept,
    CommandKind::Confirm,
    CommandKind::Decline,
    CommandKind::Start,
    CommandKind::Deliver,
    CommandKind::RequestRevision,
    CommandKind::Approve,
    CommandKind::Cancel,
    CommandKind::Dispute,
    CommandKind::Resolve,
    CommandKind::Vote,
    CommandKind::CloseVote,
    CommandKind::Distribute,
    CommandKind::UploadFile,
    CommandKind::Review,
    CommandKind::ProposeTeam,
    CommandKind::AcceptTeamChange,
];

fn build(b: &Booking, s: &Step) -> Command {
    let escrow = b.ledger.escrow().minor();
    let part = |x: u16| Money::from_minor(escrow * i64::from(x) / i64::from(u16::MAX), b.price.currency());
    match s.command {
        0 => Command::Accept,
        1 => Command::Confirm,
        2 => Command::Decline { reason: None },
        3 => Command::Start,
        4 => Command::Deliver,
        5 => Command::RequestRevision { feedback: if s.flag { "again".into() } else { String::new() } },
        6 => Command::Approve,
        7 => Command::Cancel { reason: None },
        8 => Command::Dispute { reason: "disagree".into() },
        9 => {
            let resolution = match s.amount % 5 {
                0 => Resolution::ReleaseAll,
                1 => Resolution::RefundAll,
                2 => Resolution::Partial { refund: part(s.amount) },
                3 => Resolution::ResumeWork,
                _ => {
                    let refund = part(s.amount);
                    let left = Money::from_minor(escrow - refund.minor(), b.price.currency());
                    let fee = platform_fee(left, b.policy.platform_fee_bps);
                    let mut payouts: Vec<Payout> = b
                        .team_members()
                        .into_iter()
                        .map(|u| Payout { user_id: u, amount: Money::zero(b.price.currency()) })
                        .collect();
                    payouts[0].amount = left.checked_sub(fee).unwrap();
                    Resolution::Reallocate { refund, payouts }
                }
            };
            Command::Resolve { resolution }
        }
        10 => Command::Vote { approve: s.flag },
        11 => Command::CloseVote,
        12 => Command::Distribute,
        13 => testing::upload(
            format!("f{}", b.version),
            if s.flag { FileCategory::Final } else { FileCategory::Reference },
        ),
        14 => Command::Review { rating: (s.amount % 7) as u8, text: String::new() },
        15 => {
            let members = vec![
                SplitMember::new(b.provider_id.clone(), "lead", 70.into()),
                SplitMember::new("m3", "specialist", 30.into()),
            ];
            Command::ProposeTeam { split: RevenueSplit::new(members).unwrap() }
        }
        16 => Command::AcceptTeamChange,
        _ => Command::Deliver,
    }
}

fn booking_for(kind: u8, fee_bps: u32, price: i64, auto_split: bool) -> Booking {
    let policy = Policy::standard().with_fee_bps(fee_bps);
    let price = Money::from_minor(price, Currency::USD);
    let at = t0() + TimeDelta::hours(72);
    let new = match kind % 4 {
        0 => NewBooking::solo("p", "client", "lead", price, at, 120),
        k => {
            let rule = [ReleaseRule::LeadOnly, ReleaseRule::Unanimous, ReleaseRule::Majority][usize::from(k - 1)];
            NewBooking::split("p", "client", team(rule, auto_split), price, at, 120)
        }
    }
    .with_policy(policy);
    Booking::create(new, t0()).unwrap().0
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(1_500))]

    #[test]
    fn e1_e4_random_command_sequences_keep_the_ledger_balanced_and_refusals_change_nothing(
        kind in any::<u8>(),
        fee_bps in prop_oneof![Just(0u32), 0u32..=2_000],
        price in 1i64..10_000_000,
        auto_split in any::<bool>(),
        steps in steps(),
    ) {
        let mut b = booking_for(kind, fee_bps, price, auto_split);
        let mut now = t0();
        for s in &steps {
            now += TimeDelta::minutes(i64::from(s.advance_minutes));
            let (actor, command) = pick(&b, now, s);
            let before = b.clone();
            let allowed = allowed_commands(&b, &actor, now);
            match b.handle(Request::new(actor.clone(), command.clone(), now)) {
                Ok(effects) => {
                    prop_assert!(allowed.contains(&command.kind()), "decide accepted {:?} that allowed_commands hid", command.kind());
                    let row = transition(command.kind());
                    prop_assert!(b.status == before.status || row.to.contains(&b.status) || team_follow_on(command.kind(), before.status, b.status),
                        "{:?} moved {} to {}, not in the table", command.kind(), before.status, b.status);
                    for e in &effects {
                        if !matches!(e, PaymentEffect::Void { .. }) {
                            let posted = b.ledger.entries().iter().any(|p| p.key == e.key() && p.amount == e.amount());
                            prop_assert!(posted, "effect {} has no matching ledger entry", e.key());
                        }
                    }
                }
                Err(_) => prop_assert_eq!(&b, &before, "a refused command changed the booking"),
            }
            prop_assert!(b.ledger.check().is_ok(), "{:?}", b.ledger.check());
            prop_assert!(b.ledger.escrow().minor() >= 0);
            let working = matches!(b.status, BookingStatus::Confirmed | BookingStatus::InProgress | BookingStatus::Revision | BookingStatus::Completed | BookingStatus::Disputed);
            if working || b.payment_status == PaymentStatus::Releasing {
                prop_assert_eq!(b.ledger.escrow(), b.price, "money left escrow before the booking ended");
            }
        }
        let l = &b.ledger;
        let settled = l.escrow().is_zero() && b.team_pending().is_zero();
        if matches!(b.status, BookingStatus::Approved | BookingStatus::Cancelled) && settled {
            prop_assert_eq!(l.released().minor() + l.refunded().minor() + l.fees().minor(), l.captured().minor());
        }
        let paid: i64 = b.team_members().iter().map(|u| l.paid_to(u).minor()).sum::<i64>()
            + l.paid_to(&"m3".into()).minor() * i64::from(!b.team_members().contains(&"m3".into()));
        prop_assert!(paid <= l.released().minor());
        prop_assert_eq!(Booking::replay(b.history.to_vec()).unwrap(), b);
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(5_000))]

    /// M4: an amount's text is its exact decimal value with the currency's
    /// decimals, for any minor count (i64::MIN included), and parses back.
    #[test]
    fn m4_amount_text_is_exact_and_parses_back(minor in any::<i64>(), pick in any::<prop::sample::Index>()) {
        let currencies: Vec<Currency> = Currency::all().collect();
        let money = Money::from_minor(minor, *pick.get(&currencies));
        let text = money.amount_string();
        prop_assert_eq!(&text, &money.to_decimal().to_string());
        prop_assert_eq!(Money::parse(&money.to_string()).unwrap(), money);
    }

    /// M1: amount text reads as exactly the decimal it names, in minor
    /// units, and is refused where the decimal is finer than the currency
    /// or too large for 64 bits; checked against rust_decimal's reading.
    #[test]
    fn m1_amount_text_reads_as_the_decimal_it_names(
        text in "-?[0-9]{1,21}(\\.[0-9]{1,5})?",
        pick in any::<prop::sample::Index>(),
    ) {
        let currencies: Vec<Currency> = Currency::all().collect();
        let currency = *pick.get(&currencies);
        let value = Decimal::from_str_exact(&text).unwrap().normalize();
        let want = if value.scale() > currency.exponent() {
            Err("money.too_many_decimals")
        } else {
            (value * Decimal::from(10_i64.pow(currency.exponent()))).to_i64().ok_or("money.overflow")
        };
        let got = Money::from_decimal_str(&text, currency).map(|m| m.minor()).map_err(|e| e.code());
        prop_assert_eq!(got, want);
    }
}
