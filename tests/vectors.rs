//! Runs every shared test vector (SPEC §V) through the public Rust API. The
//! Python and JavaScript suites read the same files.

use std::collections::BTreeMap;

use booking_core::*;
use booking_suite::{amount, cases, money};
use chrono::{DateTime, TimeDelta, Utc};
use rust_decimal::Decimal;
use serde_json::Value;

fn name(case: &Value) -> String {
    case["name"].as_str().unwrap_or("?").to_owned()
}

/// Builds the split member by member so validation errors surface as
/// `SplitError` codes, exactly as a caller building one would see them.
fn members(v: &Value) -> Result<RevenueSplit, SplitError> {
    let members = v
        .as_array()
        .unwrap()
        .iter()
        .map(|m| {
            let p: Decimal = m["percentage"].as_str().unwrap().parse().unwrap();
            SplitMember::new(m["userId"].as_str().unwrap(), m["role"].as_str().unwrap(), p)
        })
        .collect();
    RevenueSplit::new(members)
}

#[test]
fn v_splits() {
    let cases = cases("splits");
    assert!(cases.len() >= 40, "at least 40 split vectors");
    assert!(cases.iter().filter(|c| name(c).starts_with("S7 ")).count() >= 9, "every S7 answer is a vector");
    for case in &cases {
        let total = money(&case["total"]);
        let fee_bps = case["feeBps"].as_u64().unwrap() as u32;
        let unit = case["unit"].as_i64().unwrap();
        let result = members(&case["splits"]).and_then(|s| s.allocate_in_units(total, fee_bps, unit));
        match (&case["expected"], &case["error"]) {
            (Value::Object(exp), _) => {
                let a = result.unwrap_or_else(|e| panic!("{}: {e}", name(case)));
                let c = total.currency();
                assert_eq!(a.fee, amount(&exp["fee"], c), "{}: fee", name(case));
                let parts: Vec<Money> = exp["parts"].as_array().unwrap().iter().map(|p| amount(p, c)).collect();
                assert_eq!(a.parts, parts, "{}", name(case));
                assert_eq!(a.unallocated, amount(&exp["unallocated"], c), "{}: unallocated", name(case));
            }
            (_, Value::String(code)) => {
                let err = result.err().unwrap_or_else(|| panic!("{}: expected {code}", name(case)));
                assert_eq!(err.code(), code, "{}: {err}", name(case));
            }
            _ => panic!("{}: no expectation", name(case)),
        }
    }
}

#[test]
fn v_splits_through_json_too() {
    // The same members read as JSON (the shape bindings send) agree.
    for case in cases("splits").iter().filter(|c| c["expected"].is_object()) {
        let split = booking_suite::split(&case["splits"]).unwrap_or_else(|e| panic!("{}: {e}", name(case)));
        let direct = members(&case["splits"]).unwrap();
        assert_eq!(split, direct, "{}", name(case));
    }
}

#[test]
fn v_refunds_through_the_lifecycle() {
    let cases = cases("refunds");
    assert!(cases.len() >= 20);
    let created = DateTime::parse_from_rfc3339("2026-01-01T00:00:00Z").unwrap().with_timezone(&Utc);
    let scheduled = created + TimeDelta::days(90);
    for case in &cases {
        let price = money(&case["price"]);
        let policy = Policy::preset(case["policy"].as_str().unwrap()).unwrap();
        let new = NewBooking::solo("r", "client", "lead", price, scheduled, 60).with_policy(policy);
        let (mut b, _) = Booking::create(new, created).unwrap();
        b.handle(Request::new(Actor::user("lead"), Command::Confirm, created)).unwrap();
        let at = scheduled - TimeDelta::seconds(case["secondsBefore"].as_i64().unwrap());
        let who = if case["cancelledBy"] == "lead" { "lead" } else { "client" };
        b.handle(Request::new(Actor::user(who), Command::Cancel { reason: None }, at))
            .unwrap_or_else(|e| panic!("{}: {e}", name(case)));
        let c = price.currency();
        assert_eq!(b.ledger.refunded(), amount(&case["expected"]["refund"], c), "{}", name(case));
        let kept = b.ledger.paid_to(&"lead".into()).checked_add(b.ledger.fees()).unwrap();
        assert_eq!(kept, amount(&case["expected"]["kept"], c), "{}", name(case));
        assert!(b.ledger.escrow().is_zero() && b.ledger.check().is_ok(), "{}", name(case));
    }
}

#[test]
fn v_votes() {
    let cases = cases("votes");
    assert!(cases.len() >= 20);
    for case in &cases {
        let rule: ReleaseRule = serde_json::from_value(case["escrowReleaseRule"].clone()).unwrap();
        let members: Vec<UserId> = serde_json::from_value(case["members"].clone()).unwrap();
        let lead: UserId = serde_json::from_value(case["lead"].clone()).unwrap();
        let votes: BTreeMap<UserId, bool> = serde_json::from_value(case["votes"].clone()).unwrap();
        let closed = case["windowClosed"].as_bool().unwrap();
        let expected: VoteOutcome = serde_json::from_value(case["expected"].clone()).unwrap();
        assert_eq!(tally(rule, &members, &lead, &votes, closed), expected, "{}", name(case));
    }
}

fn actor(name: &str) -> Actor {
    match name {
        "system" => Actor::System,
        "mediator" => Actor::Mediator("mediator".into()),
        user => Actor::user(user),
    }
}

fn new_booking(spec: &Value, start: DateTime<Utc>) -> NewBooking {
    let price = money(&spec["price"]);
    let scheduled = start + TimeDelta::hours(spec["scheduledInHours"].as_i64().unwrap());
    let minutes = spec["durationMinutes"].as_u64().unwrap() as u32;
    let policy = Policy::preset(spec["policy"].as_str().unwrap())
        .unwrap()
        .with_fee_bps(spec["feeBps"].as_u64().unwrap_or(0) as u32);
    let mut new = match spec.get("split") {
        Some(split) => {
            let split = booking_suite::split(split).unwrap();
            NewBooking::split("b", "client", split, price, scheduled, minutes)
        }
        None => NewBooking::solo("b", "client", "lead", price, scheduled, minutes),
    }
    .with_policy(policy);
    if let Some(n) = spec.get("includedRevisions").and_then(Value::as_u64) {
        new = new.with_revisions(n as u32);
    }
    new
}

fn check_expectations(b: &Booking, exp: &Value, effects: &[PaymentEffect], label: &str) {
    let c = b.price.currency();
    let text = |k: &str| exp.get(k).and_then(Value::as_str);
    if let Some(s) = text("status") {
        assert_eq!(b.status.as_str(), s, "{label}: status");
    }
    if let Some(s) = text("paymentStatus") {
        assert_eq!(b.payment_status.to_string(), s, "{label}: paymentStatus");
    }
    for (key, actual) in [
        ("escrow", b.ledger.escrow()),
        ("refunded", b.ledger.refunded()),
        ("fees", b.ledger.fees()),
        ("teamPending", b.team_pending()),
    ] {
        if let Some(v) = exp.get(key) {
            assert_eq!(actual, amount(v, c), "{label}: {key}");
        }
    }
    if let Some(paid) = exp.get("paid").and_then(Value::as_object) {
        for (user, v) in paid {
            assert_eq!(b.ledger.paid_to(&user.as_str().into()), amount(v, c), "{label}: paid to {user}");
        }
    }
    if let Some(keys) = exp.get("effects").and_then(Value::as_array) {
        // Vectors list keys without the version segment (`booking/b/capture`
        // for `booking/b/v4/capture`): versions count events, which other
        // implementations need not match.
        let unversioned = |k: &str| {
            let numbered = |p: &str| p.len() > 1 && p.starts_with('v') && p[1..].bytes().all(|b| b.is_ascii_digit());
            k.split('/').filter(|p| !numbered(p)).collect::<Vec<_>>().join("/")
        };
        let got: Vec<String> = effects.iter().map(|e| unversioned(e.key())).collect();
        let want: Vec<&str> = keys.iter().filter_map(Value::as_str).collect();
        assert_eq!(got, want, "{label}: effects");
    }
    b.ledger.check().unwrap_or_else(|e| panic!("{label}: {e}"));
}

#[test]
fn v_transitions() {
    let doc: Value =
        serde_json::from_str(&std::fs::read_to_string(booking_suite::vectors_dir().join("transitions.json")).unwrap())
            .unwrap();
    let start = DateTime::parse_from_rfc3339(doc["start"].as_str().unwrap()).unwrap().with_timezone(&Utc);
    let cases = doc["cases"].as_array().unwrap();
    assert!(cases.len() >= 20);
    for case in cases {
        let (mut b, _) = Booking::create(new_booking(&case["booking"], start), start).unwrap();
        for (i, step) in case["steps"].as_array().unwrap().iter().enumerate() {
            let label = format!("{} / step {}", name(case), i + 1);
            let who = actor(step["actor"].as_str().unwrap());
            let at = start + TimeDelta::hours(step["at"].as_i64().unwrap());
            let command: Command = serde_json::from_value(step["command"].clone())
                .unwrap_or_else(|e| panic!("{label}: bad command {}: {e}", step["command"]));
            let exp = &step["expect"];
            if let Some(allowed) = exp.get("allowed").and_then(Value::as_array) {
                let got: Vec<&str> = allowed_commands(&b, &who, at).iter().map(|k| k.as_str()).collect();
                let want: Vec<&str> = allowed.iter().filter_map(Value::as_str).collect();
                assert_eq!(got, want, "{label}: allowed");
            }
            let before = b.clone();
            match (b.handle(Request::new(who, command, at)), exp.get("error").and_then(Value::as_str)) {
                (Ok(effects), None) => check_expectations(&b, exp, &effects, &label),
                (Err(e), Some(code)) => {
                    assert_eq!(e.code(), code, "{label}: {e}");
                    assert_eq!(b, before, "{label}: a refusal changed the booking");
                    check_expectations(&b, exp, &[], &label);
                }
                (Ok(_), Some(code)) => panic!("{label}: expected {code}, got success"),
                (Err(e), None) => panic!("{label}: {e}"),
            }
        }
    }
}
