//! Hot paths of the pure core: allocation among 2, 3, 10 and 100 members,
//! and full lifecycles through decide/evolve (solo, and a 3-member split
//! with a revision and a release vote). Run: `cargo bench --bench core`.

use std::hint::black_box;

use booking_core::*;
use chrono::{DateTime, Utc};
use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion};
use rust_decimal::Decimal;

fn split(n: usize) -> RevenueSplit {
    // The peer benchmark's cases: 60/40, 33.33/33.33/33.34, then equal shares.
    let pcts: Vec<Decimal> = match n {
        2 => vec![60.into(), 40.into()],
        3 => vec![Decimal::new(3333, 2), Decimal::new(3333, 2), Decimal::new(3334, 2)],
        _ => vec![Decimal::from(100) / Decimal::from(n as u64); n],
    };
    let members = pcts
        .into_iter()
        .enumerate()
        .map(|(i, p)| SplitMember::new(format!("u{i}"), if i == 0 { "lead" } else { "member" }, p))
        .collect();
    RevenueSplit::new(members).unwrap()
}

fn allocation(c: &mut Criterion) {
    let mut group = c.benchmark_group("allocate");
    for n in [2, 3, 10, 100] {
        let s = split(n);
        let total = Money::from_minor(99_999, Currency::USD);
        group.bench_with_input(BenchmarkId::new("members", n), &s, |b, s| {
            b.iter(|| s.allocate(black_box(total), black_box(0)).unwrap())
        });
    }
    let s = split(3);
    group.bench_function("members/3 with 5% fee", |b| {
        b.iter(|| s.allocate(black_box(Money::from_minor(10_000, Currency::USD)), black_box(500)).unwrap())
    });
    group.finish();
}

/// A fixed start plus `hours`, without calendar arithmetic in the loop.
fn t(hours: i64) -> DateTime<Utc> {
    const START: i64 = 1_780_304_400; // 2026-06-01 09:00 UTC
    DateTime::from_timestamp(START + hours * 3_600, 0).unwrap_or_default()
}

fn step(b: &mut Booking, who: &str, command: Command, hours: i64) {
    let decision = decide(b, &Request::new(Actor::user(who), command, t(hours))).unwrap();
    b.apply_all(decision.events).unwrap();
}

fn final_file(id: &'static str) -> Command {
    Command::UploadFile(FileUpload::new(id, FileCategory::Final, 48_000_000, "audio/wav", "9f".repeat(32)))
}

/// create → confirm → start → upload → deliver → approve (release).
fn solo_lifecycle(new: &NewBooking) -> Booking {
    let (mut b, _) = Booking::create(new.clone(), t(0)).unwrap();
    step(&mut b, "lead", Command::Confirm, 1);
    step(&mut b, "lead", Command::Start, 72);
    step(&mut b, "lead", final_file("f1"), 73);
    step(&mut b, "lead", Command::Deliver, 74);
    step(&mut b, "client", Command::Approve, 75);
    b
}

/// create → accept ×3 → start → upload → deliver → revision → upload →
/// deliver → approve → vote → release.
fn split_lifecycle(new: &NewBooking) -> Booking {
    let (mut b, _) = Booking::create(new.clone(), t(0)).unwrap();
    for m in ["lead", "m1", "m2"] {
        step(&mut b, m, Command::Accept, 1);
    }
    step(&mut b, "lead", Command::Start, 72);
    step(&mut b, "lead", final_file("f1"), 73);
    step(&mut b, "lead", Command::Deliver, 74);
    step(&mut b, "client", Command::RequestRevision { feedback: "Please adjust the mix levels".into() }, 75);
    step(&mut b, "lead", final_file("f2"), 76);
    step(&mut b, "lead", Command::Deliver, 77);
    step(&mut b, "client", Command::Approve, 78);
    step(&mut b, "m1", Command::Vote { approve: true }, 79);
    b
}

fn lifecycles(c: &mut Criterion) {
    let price = Money::from_minor(100_000, Currency::USD);
    let policy = Policy::standard().with_fee_bps(500);
    let solo = NewBooking::solo("b", "client", "lead", price, t(72), 120).with_policy(policy.clone());
    let team = RevenueSplit::new(vec![
        SplitMember::new("lead", "lead", 50.into()),
        SplitMember::new("m1", "collaborator", 30.into()),
        SplitMember::new("m2", "mix-engineer", 20.into()),
    ])
    .unwrap()
    .with_release_rule(ReleaseRule::Majority);
    let split = NewBooking::split("b", "client", team, price, t(72), 120).with_policy(policy);
    assert_eq!(solo_lifecycle(&solo).payment_status, PaymentStatus::Released);
    assert_eq!(split_lifecycle(&split).payment_status, PaymentStatus::Released);

    let mut group = c.benchmark_group("lifecycle");
    group.bench_function("solo (6 commands)", |b| b.iter(|| solo_lifecycle(black_box(&solo))));
    group.bench_function("split 3 members (13 commands)", |b| b.iter(|| split_lifecycle(black_box(&split))));
    group.finish();
}

criterion_group!(benches, allocation, lifecycles);
criterion_main!(benches);
