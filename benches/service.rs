//! Complete lifecycles per second through the service with the in-memory
//! store and the sandbox gateway, on tokio's multi-thread runtime over both
//! cores: each iteration spawns a batch of bookings that run concurrently.
//! Run: `cargo bench --bench service`.

use std::sync::Arc;

use booking_core::*;
use chrono::{DateTime, Utc};
use criterion::{criterion_group, criterion_main, BatchSize, Criterion, Throughput};

const BATCH: u64 = 256;

type Service = BookingService<MemoryStore, SandboxGateway, MemoryNotifier>;

fn t(hours: i64) -> DateTime<Utc> {
    DateTime::from_timestamp(1_780_304_400 + hours * 3_600, 0).unwrap_or_default()
}

fn service() -> Arc<Service> {
    let s =
        BookingService::new(MemoryStore::new(), SandboxGateway::new(), MemoryNotifier::new(), RecordingSleeper::new());
    s.gateway().set_now(t(0));
    Arc::new(s)
}

async fn run(s: &Service, id: &BookingId, who: &str, command: Command, hours: i64) {
    s.execute(id, Request::new(Actor::user(who), command, t(hours)), None).await.unwrap();
}

/// Booking `n`'s session hour: one team does the batch's sessions one
/// after another, three hours apart (two-hour sessions, 30-minute buffers).
fn slot(n: u64) -> i64 {
    72 + 3 * n as i64
}

/// create → confirm → start → upload → deliver → approve (release).
async fn solo(s: Arc<Service>, n: u64) {
    let id = BookingId::new(format!("solo-{n}"));
    let at = slot(n);
    let new = NewBooking::solo(id.clone(), "client", "lead", Money::from_minor(100_000, Currency::USD), t(at), 120)
        .with_policy(Policy::standard().with_fee_bps(500));
    s.create(new, t(0), None).await.unwrap();
    run(&s, &id, "lead", Command::Confirm, 1).await;
    run(&s, &id, "lead", Command::Start, at).await;
    run(&s, &id, "lead", final_file(), at + 1).await;
    run(&s, &id, "lead", Command::Deliver, at + 2).await;
    run(&s, &id, "client", Command::Approve, at + 3).await;
}

/// create → accept ×3 → start → upload → deliver → approve (release to 3).
async fn split(s: Arc<Service>, n: u64, team: RevenueSplit) {
    let id = BookingId::new(format!("split-{n}"));
    let at = slot(n);
    let new = NewBooking::split(id.clone(), "client", team, Money::from_minor(100_000, Currency::USD), t(at), 120)
        .with_policy(Policy::standard().with_fee_bps(500));
    s.create(new, t(0), None).await.unwrap();
    for m in ["lead", "m1", "m2"] {
        run(&s, &id, m, Command::Accept, 1).await;
    }
    run(&s, &id, "lead", Command::Start, at).await;
    run(&s, &id, "lead", final_file(), at + 1).await;
    run(&s, &id, "lead", Command::Deliver, at + 2).await;
    run(&s, &id, "client", Command::Approve, at + 3).await;
}

fn lifecycles(c: &mut Criterion) {
    let rt = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().unwrap();
    let team = RevenueSplit::new(vec![
        SplitMember::new("lead", "lead", 50.into()),
        SplitMember::new("m1", "collaborator", 30.into()),
        SplitMember::new("m2", "mix-engineer", 20.into()),
    ])
    .unwrap();
    let mut group = c.benchmark_group("service lifecycles (2 worker threads)");
    group.throughput(Throughput::Elements(BATCH));
    group.bench_function("solo", |b| {
        b.to_async(&rt).iter_batched(
            service,
            |s| async move {
                let tasks: Vec<_> = (0..BATCH).map(|n| tokio::spawn(solo(s.clone(), n))).collect();
                for task in tasks {
                    task.await.unwrap();
                }
            },
            BatchSize::PerIteration,
        )
    });
    group.bench_function("split, 3 members", |b| {
        b.to_async(&rt).iter_batched(
            service,
            |s| {
                let team = team.clone();
                async move {
                    let tasks: Vec<_> = (0..BATCH).map(|n| tokio::spawn(split(s.clone(), n, team.clone()))).collect();
                    for task in tasks {
                        task.await.unwrap();
                    }
                }
            },
            BatchSize::PerIteration,
        )
    });
    group.finish();
}

criterion_group!(benches, lifecycles);
criterion_main!(benches);

/// The final mix `deliver` needs.
fn final_file() -> Command {
    Command::UploadFile(FileUpload::new("f", FileCategory::Final, 48_000_000, "audio/wav", "9f".repeat(32)))
}
