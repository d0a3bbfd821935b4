//! Chat and monitoring at scale (SPEC X1, X2, X7), through the service
//! over the in-memory store: sending a message into a thread of 100 000,
//! reading a page of 50 from it (the newest, and one from the middle by
//! cursor), and the metrics over 100 000 bookings.
//! Run: `cargo bench --bench collab`.

use async_trait::async_trait;
use booking_core::*;
use chrono::{DateTime, TimeDelta, Utc};
use criterion::{criterion_group, criterion_main, Criterion};

const THREAD: u64 = 100_000;
const BOOKINGS: i64 = 100_000;

/// Drops intents, so a long bench does not keep millions of them.
struct Discard;

#[async_trait]
impl Notifier for Discard {
    async fn notify(&self, _: Vec<NotificationIntent>) {}
}

type Service = BookingService<MemoryStore, SandboxGateway, Discard>;

fn t(minutes: i64) -> DateTime<Utc> {
    DateTime::from_timestamp(1_780_304_400 + minutes * 60, 0).unwrap_or_default()
}

fn service() -> Service {
    let s = BookingService::new(MemoryStore::new(), SandboxGateway::new(), Discard, RecordingSleeper::new());
    s.gateway().set_now(t(0));
    s
}

fn chat(c: &mut Criterion) {
    let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    let s = service();
    let id = BookingId::from("b");
    let new = NewBooking::solo("b", "client", "lead", Money::from_minor(10_000, Currency::USD), t(72 * 60), 60);
    let cursor = rt.block_on(async {
        s.create(new, t(0), None).await.unwrap();
        let b = s.get(&id).await.unwrap();
        let mut middle = None;
        for n in 0..THREAD {
            // Ten messages a minute: many share a timestamp.
            let who = Actor::user(if n % 2 == 0 { "client" } else { "lead" });
            let message = NewMessage::text(format!("message {n}")).check(&b, &who, t(n as i64 / 10)).unwrap();
            let stored = s.store().append_message(message).await.unwrap().message;
            if n == THREAD / 2 {
                middle = Some(stored.cursor());
            }
        }
        middle.unwrap()
    });
    let mut group = c.benchmark_group(format!("chat (thread of {THREAD})"));
    let mut n = 0u64;
    group.bench_function("send a message", |b| {
        b.to_async(&rt).iter(|| {
            n += 1;
            let message = NewMessage::text(format!("reply {n}"));
            let s = &s;
            let id = &id;
            async move { s.send_message(id, Actor::user("client"), message, t(THREAD as i64)).await.unwrap() }
        })
    });
    let reader = Actor::user("lead");
    group.bench_function("read the newest 50", |b| {
        b.to_async(&rt).iter(|| async { s.messages(&id, &reader, &MessageQuery::latest(50)).await.unwrap() })
    });
    group.bench_function("read 50 from the middle by cursor", |b| {
        b.to_async(&rt).iter(|| async { s.messages(&id, &reader, &MessageQuery::before(cursor, 50)).await.unwrap() })
    });
    group.finish();
}

/// Booking `n`, created at minute `n`: 3 in 5 approved with a review, 1 in
/// 5 cancelled after capture, 1 in 5 left pending. 1 000 providers, each
/// with sessions three hours apart.
fn finished(n: i64) -> Booking {
    let provider = format!("p{}", n % 1_000);
    let start = t(n) + TimeDelta::days(3) + TimeDelta::hours(3 * (n / 1_000));
    let price = Money::from_minor(10_000 + n, Currency::USD);
    let new = NewBooking::solo(format!("b{n}"), format!("c{n}"), provider.as_str(), price, start, 60);
    let (mut b, _) = Booking::create(new, t(n)).unwrap();
    let mut step = |who: &str, command: Command, at: DateTime<Utc>| {
        b.handle(Request::new(Actor::user(who), command, at)).unwrap();
    };
    let client = format!("c{n}");
    match n % 5 {
        0 => {}
        1 => {
            step(&provider, Command::Confirm, t(n));
            step(&client, Command::Cancel { reason: None }, t(n));
        }
        _ => {
            let mix = FileUpload::new("final.wav", FileCategory::Final, 1 << 20, "audio/wav", "9f".repeat(32));
            step(&provider, Command::Confirm, t(n));
            step(&provider, Command::Start, start);
            step(&provider, Command::UploadFile(mix), start);
            step(&provider, Command::Deliver, start);
            step(&client, Command::Approve, start + TimeDelta::hours(2));
            let stars = [5, 4, 5, 3, 1, 4, 5][(n % 7) as usize];
            step(&client, Command::Review { rating: stars, text: String::new() }, start + TimeDelta::hours(2));
        }
    }
    b
}

fn metrics(c: &mut Criterion) {
    let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    let store = MemoryStore::new();
    rt.block_on(async {
        for n in 0..BOOKINGS {
            let b = std::sync::Arc::new(finished(n));
            let events = b.history.to_vec();
            let commit =
                Commit { booking: &b, expected_version: 0, events: &events, operation: None, idempotency: None };
            store.commit(commit).await.unwrap();
        }
    });
    let all = TimeRange::new(t(0), t(BOOKINGS)).unwrap();
    let tenth = TimeRange::new(t(0), t(BOOKINGS / 10)).unwrap();
    let check = rt.block_on(store.metrics(&all)).unwrap();
    assert_eq!(check.created, BOOKINGS as u64);
    let mut group = c.benchmark_group(format!("metrics ({BOOKINGS} bookings)"));
    group.bench_function("all of them", |b| b.to_async(&rt).iter(|| async { store.metrics(&all).await.unwrap() }));
    group.bench_function("a tenth by creation time", |b| {
        b.to_async(&rt).iter(|| async { store.metrics(&tenth).await.unwrap() })
    });
    group.finish();
}

criterion_group!(benches, chat, metrics);
criterion_main!(benches);
