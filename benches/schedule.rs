//! Scheduling hot paths (SPEC K): the free-slot search for one provider
//! with 1 000 bookings over 90 days (pure, and through the service with the
//! in-memory store), and alternatives across 10 000 providers of one
//! category (discovery with "free at", through the store).
//! Run: `cargo bench --bench schedule`.

use std::hint::black_box;

use booking_core::*;
use chrono::{DateTime, TimeDelta, Utc, Weekday};
use criterion::{criterion_group, criterion_main, Criterion};

fn t(minutes: i64) -> DateTime<Utc> {
    DateTime::from_timestamp(1_780_304_400 + minutes * 60, 0).unwrap_or_default()
}

const WEEK: [Weekday; 7] =
    [Weekday::Mon, Weekday::Tue, Weekday::Wed, Weekday::Thu, Weekday::Fri, Weekday::Sat, Weekday::Sun];

fn hours() -> Availability {
    Availability::new("Europe/Berlin").unwrap().with_hours(&WEEK, &["08:00-23:00"]).unwrap()
}

/// 1 000 bookings of one provider over 90 days: twelve 60-minute sessions
/// with 15-minute buffers fit a 08:00-23:00 day; a deterministic scatter
/// leaves about one in sixteen free.
fn thousand_bookings() -> Vec<NewBooking> {
    let mut policy = Policy::standard().with_buffer(TimeDelta::minutes(15));
    policy.max_advance = TimeDelta::days(120);
    let mut out = Vec::with_capacity(1_000);
    let mut n: u64 = 0;
    for day in 2..95 {
        for slot in 0..12 {
            n = n.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            if (n >> 60) != 0 && out.len() < 1_000 {
                // 08:00 CEST is 06:00 UTC (no DST change from June to August).
                let at = t(24 * 60 * day - 3 * 60 + slot * 75);
                let price = Money::parse("50 USD").unwrap();
                out.push(
                    NewBooking::solo(format!("b{}", out.len()), "client", "p", price, at, 60)
                        .with_policy(policy.clone()),
                );
            }
        }
    }
    out
}

fn free_slots_bench(c: &mut Criterion) {
    let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    let s = BookingService::in_memory();
    let now = t(0);
    rt.block_on(async {
        s.put_availability(&"p".into(), hours()).await.unwrap();
        for new in thousand_bookings() {
            s.create(new, now, None).await.unwrap();
        }
    });
    let asked = NewBooking::solo("q", "client", "p", Money::parse("50 USD").unwrap(), t(45 * 24 * 60 + 60), 60);
    let search = SlotSearch::for_booking(&asked);
    let busy = rt.block_on(s.store().busy(&["p".into()], t(0), t(100 * 24 * 60))).unwrap();
    let a = hours();
    let mut group = c.benchmark_group("free slots, 1 provider, 1000 bookings over 90 days");
    group.bench_function("pure free_slots (5 nearest within 14 days)", |b| {
        b.iter(|| free_slots(black_box(&search.slot), Some(&a), &busy, &search.members, TimeDelta::days(14), 5, now))
    });
    group.bench_function("service free_slots (store reads included)", |b| {
        b.to_async(&rt).iter(|| async { s.free_slots(black_box(&search), now).await.unwrap() })
    });
    group.finish();
}

fn alternatives_bench(c: &mut Criterion) {
    let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    let s = BookingService::in_memory();
    let now = t(0);
    let asked_at = t(3 * 24 * 60 + 60); // Thursday 10:00 UTC
    rt.block_on(async {
        for i in 0..10_000u32 {
            let p = format!("p{i}");
            let price = Money::from_minor(5_000 + i64::from(i % 200) * 100, Currency::USD);
            s.put_service(Service::new(format!("s{i}"), p.as_str(), "Mixing", "mixing", price, 60)).await.unwrap();
            // Most work during the day; a tenth are booked at the time asked.
            if i % 3 != 0 {
                s.put_availability(&p.as_str().into(), hours()).await.unwrap();
            }
            if i % 10 == 0 {
                let busy = NewBooking::solo(
                    format!("busy{i}"),
                    "client",
                    p.as_str(),
                    Money::parse("1 USD").unwrap(),
                    asked_at,
                    60,
                );
                s.create(busy, now, None).await.unwrap();
            }
        }
    });
    let mut asked = NewBooking::solo("q", "client", "p0", Money::parse("50 USD").unwrap(), asked_at, 60);
    asked.service_id = "s0".into();
    let query = ServiceQuery {
        free_at: Some(FreeAt::new(asked_at)),
        exclude_provider: Some("p0".into()),
        limit: 5,
        ..ServiceQuery::default().in_category("mixing")
    };
    let found = rt.block_on(s.search_services(&query)).unwrap();
    println!("alternatives bench: {} of 10000 providers free at the time asked", found.total);
    let mut group = c.benchmark_group("alternatives across 10000 providers");
    group.sample_size(20);
    group.bench_function("search: same category, free at the time, best rated first", |b| {
        b.to_async(&rt).iter(|| async { s.search_services(black_box(&query)).await.unwrap() })
    });
    group.bench_function("refused create: nearest slots + free providers", |b| {
        b.to_async(&rt).iter(|| async { s.create(black_box(asked.clone()), now, None).await.unwrap_err() })
    });
    group.finish();
}

criterion_group!(benches, free_slots_bench, alternatives_bench);
criterion_main!(benches);
