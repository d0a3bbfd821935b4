//! A seeded simulation in the spirit of TigerBeetle's: thousands of random
//! commands from every actor (valid and not) on many bookings, the store
//! crashing on commits and the gateway failing on purpose (before a call
//! applies, or timing out after it did), timers ticking and recovery
//! running, after which every money invariant holds and the sandbox agrees
//! with every ledger to the cent (E1, E4, E5, O2–O5). Participants and
//! outsiders also chat, attach, share and read files (X1–X3): every thread
//! pages back exactly the messages that were accepted, and every file a
//! message carries or a share names belongs to its booking.
//!
//! A failure prints its seed; `SIM_SEED=<seed> cargo test --release -p
//! booking-core --test simulation -- --nocapture` replays it. A longer run:
//! `SIM_SEEDS=20 SIM_STEPS=20000 cargo test --release -p booking-core --test
//! simulation -- --nocapture`.

mod common;

use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::Mutex;

use booking_core::*;
use chrono::{DateTime, TimeDelta, Utc};
use common::*;

struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n.max(1)
    }
    fn chance(&mut self, per_mille: u64) -> bool {
        self.below(1000) < per_mille
    }
}

type Sim = BookingService<CrashingStore, SandboxGateway, MemoryNotifier>;

const ACTORS: [&str; 7] = ["client", "lead", "m1", "m2", "mediator", "system", "stranger"];

fn actor(name: &str) -> Actor {
    match name {
        "mediator" => Actor::Mediator("mediator".into()),
        "system" => Actor::System,
        u => Actor::user(u),
    }
}

fn new_booking(rng: &mut Rng, id: usize, now: DateTime<Utc>) -> NewBooking {
    let price = usd(1 + rng.below(5_000_000) as i64);
    let at = now + TimeDelta::hours(30 + rng.below(200) as i64);
    let policy = Policy::preset(["standard", "verified", "signature"][rng.below(3) as usize])
        .unwrap()
        .with_fee_bps(rng.below(1_500) as u32);
    let card = [None, Some(test_cards::FLAKY), Some(test_cards::DECLINED)]
        [usize::from(rng.chance(100)) + usize::from(rng.chance(30))];
    let mut new = match rng.below(4) {
        0 => NewBooking::solo(format!("b{id}"), "client", "lead", price, at, 90),
        k => {
            let rule = [ReleaseRule::LeadOnly, ReleaseRule::Unanimous, ReleaseRule::Majority][k as usize - 1];
            NewBooking::split(format!("b{id}"), "client", team(rule, rng.chance(700)), price, at, 90)
        }
    }
    .with_policy(policy);
    if let Some(card) = card {
        new = new.with_payment_method(card);
    }
    new
}

fn command(rng: &mut Rng, b: &Booking, kind: CommandKind) -> Command {
    let escrow = b.ledger.escrow().minor();
    let part = |rng: &mut Rng| Money::from_minor(rng.below(escrow.max(0) as u64 + 1) as i64, b.price.currency());
    match kind {
        CommandKind::Accept => Command::Accept,
        CommandKind::Confirm => Command::Confirm,
        CommandKind::Decline => Command::Decline { reason: None },
        CommandKind::Start => Command::Start,
        CommandKind::Deliver => Command::Deliver,
        CommandKind::RequestRevision => Command::RequestRevision { feedback: "again".into() },
        CommandKind::Approve => Command::Approve,
        CommandKind::Cancel => Command::Cancel { reason: None },
        CommandKind::Dispute => Command::Dispute { reason: "disagree".into() },
        CommandKind::Resolve => Command::Resolve {
            resolution: match rng.below(4) {
                0 => Resolution::ReleaseAll,
                1 => Resolution::RefundAll,
                2 => Resolution::Partial { refund: part(rng) },
                _ => Resolution::ResumeWork,
            },
        },
        CommandKind::Vote => Command::Vote { approve: rng.chance(800) },
        CommandKind::CloseVote => Command::CloseVote,
        CommandKind::Distribute => Command::Distribute,
        CommandKind::UploadFile => testing::upload(
            format!("f{}", rng.next() % 1_000_000),
            if rng.chance(600) { FileCategory::Final } else { FileCategory::Reference },
        ),
        CommandKind::ShareFile => Command::ShareFile {
            file_id: random_file(rng, b),
            with: (0..rng.below(3)).map(|_| UserId::from(ACTORS[rng.below(ACTORS.len() as u64) as usize])).collect(),
            expires_at: rng.chance(700).then(|| b.updated_at + TimeDelta::hours(rng.below(24 * 35) as i64)),
        },
        CommandKind::Review => Command::Review { rating: 1 + rng.below(5) as u8, text: String::new() },
        _ => Command::Start,
    }
}

/// One of the booking's files, or now and then one it does not have.
fn random_file(rng: &mut Rng, b: &Booking) -> FileId {
    match b.files.len() {
        n if n > 0 && rng.chance(900) => b.files[rng.below(n as u64) as usize].file_id.clone(),
        _ => FileId::from("no-such-file"),
    }
}

/// A random participant (or outsider) says something, maybe attaching a
/// file; `true` if the message was accepted.
async fn chat(sim: &Sim, rng: &mut Rng, b: &Booking, now: DateTime<Utc>) -> bool {
    let who = actor(ACTORS[rng.below(ACTORS.len() as u64) as usize]);
    let mut message = NewMessage::text(if rng.chance(30) { " " } else { "how is it going?" });
    if rng.chance(300) {
        message.attachments.push(random_file(rng, b));
    }
    match sim.send_message(&b.id, who, message, now).await {
        Ok(m) => {
            assert!(m.attachments.iter().all(|f| b.file(f).is_some()), "{}: attached a stranger's file", b.id);
            true
        }
        Err(e) => {
            assert!(e.code().starts_with("chat."), "{}: chat failed with {e}", b.id);
            false
        }
    }
}

#[derive(Default)]
struct Stats {
    commands: usize,
    accepted: usize,
    refused: usize,
    failed: usize,
    slot_refused: usize,
    crashes: u32,
    recovered: usize,
    released: usize,
    messages: usize,
}

async fn simulate(seed: u64, steps: usize) -> Stats {
    let mut rng = Rng(seed | 1);
    // Commits crash in bursts longer than the service's retries, so
    // commands die between their payments and their save.
    let crash_rng = Mutex::new(Rng(seed.wrapping_mul(31) | 1));
    let burst = AtomicU32::new(0);
    let store = CrashingStore::new(move || {
        if crash_rng.lock().unwrap().chance(15) {
            burst.store(6, Ordering::SeqCst);
        }
        burst.fetch_update(Ordering::SeqCst, Ordering::SeqCst, |n| n.checked_sub(1)).is_ok()
    });
    let gateway = SandboxGateway::new().with_faults(seed, 40);
    let sim: Sim = BookingService::new(store, gateway, MemoryNotifier::new(), RecordingSleeper::new()).with_seed(seed);
    let mut now = t0();
    let mut ids: Vec<BookingId> = Vec::new();
    let mut stats = Stats::default();
    let mut sent: std::collections::HashMap<BookingId, usize> = Default::default();
    for _ in 0..steps {
        let span = if rng.chance(100) { 6_000 } else { 240 };
        now += TimeDelta::minutes(rng.below(span) as i64);
        sim.gateway().set_now(now);
        // Closed bookings only refuse; spend the steps on live ones, and
        // keep a handful alive.
        let mut live = Vec::new();
        for id in &ids {
            if sim.get(id).await.is_ok_and(|b| !b.is_closed(now)) {
                live.push(id.clone());
            }
        }
        stats.commands += 1;
        if live.len() < 6 || rng.chance(40) {
            let new = new_booking(&mut rng, ids.len(), now);
            ids.push(new.id.clone());
            match sim.create(new, now, None).await {
                Ok(_) => stats.accepted += 1,
                Err(e) if e.code().starts_with("schedule.") => stats.slot_refused += 1,
                Err(_) => stats.failed += 1,
            }
            continue;
        }
        if rng.chance(30) {
            if let Ok(r) = sim.recover(now).await {
                stats.recovered += r.completed + r.rolled_back;
            }
        }
        if rng.chance(50) {
            let _ = sim.tick(now).await;
        }
        let id = live[rng.below(live.len() as u64) as usize].clone();
        let Ok(b) = sim.get(&id).await else { continue };
        if rng.chance(150) {
            if chat(&sim, &mut rng, &b, now).await {
                *sent.entry(id.clone()).or_default() += 1;
                stats.messages += 1;
            }
            continue;
        }
        // Mostly something some actor may do now (so bookings go deep),
        // else anything from anyone (so refusals are exercised too).
        let candidates: Vec<(&str, CommandKind)> = ACTORS
            .iter()
            .flat_map(|a| allowed_commands(&b, &actor(a), now).into_iter().map(move |k| (*a, k)))
            .flat_map(|(a, k)| {
                let weight = match k {
                    CommandKind::ProposeTeam | CommandKind::AcceptTeamChange => 0,
                    CommandKind::UploadFile
                    | CommandKind::ShareFile
                    | CommandKind::Decline
                    | CommandKind::Cancel
                    | CommandKind::Dispute => 1,
                    _ => 8,
                };
                std::iter::repeat_n((a, k), weight)
            })
            .collect();
        let (who, kind) = if !candidates.is_empty() && rng.chance(850) {
            candidates[rng.below(candidates.len() as u64) as usize]
        } else {
            let kinds = [
                CommandKind::Confirm,
                CommandKind::Approve,
                CommandKind::Resolve,
                CommandKind::Vote,
                CommandKind::Distribute,
            ];
            (ACTORS[rng.below(ACTORS.len() as u64) as usize], kinds[rng.below(5) as usize])
        };
        let who = actor(who);
        let cmd = command(&mut rng, &b, kind);
        let key = rng.chance(200).then(|| format!("k{}", rng.below(50)));
        match sim.execute(&id, Request::new(who, cmd, now), key.as_deref()).await {
            Ok(_) => stats.accepted += 1,
            Err(e @ (ServiceError::Lifecycle(_) | ServiceError::IdempotencyMismatch { .. })) => {
                if std::env::var_os("SIM_DEBUG").is_some() {
                    println!("refused: {}", e.code());
                }
                stats.refused += 1
            }
            Err(_) => stats.failed += 1,
        }
    }
    // Settle: no open operation may be left once the faults stop mattering.
    for _ in 0..50 {
        if sim.store().open_operations().await.unwrap().is_empty() {
            break;
        }
        // Recovery's own commits can crash too; it is simply run again.
        if let Ok(r) = sim.recover(now + TimeDelta::days(1)).await {
            stats.recovered += r.completed + r.rolled_back;
        }
    }
    assert!(sim.store().open_operations().await.unwrap().is_empty(), "seed {seed}: operations left open");
    for id in &ids {
        let Some(b) = sim.store().load(id).await.unwrap() else { continue };
        let l = &b.ledger;
        assert!(l.check().is_ok(), "seed {seed}: {id}: {:?}", l.check());
        assert!(l.escrow().minor() >= 0, "seed {seed}: {id}: negative escrow");
        if matches!(b.status, BookingStatus::Approved | BookingStatus::Cancelled) && l.escrow().is_zero() {
            assert_eq!(
                l.released().minor() + l.refunded().minor() + l.fees().minor(),
                l.captured().minor(),
                "seed {seed}: {id}: E4"
            );
        }
        agrees(&sim, &b);
        stats.released += usize::from(l.released().minor() > 0);
        // X2: the thread pages back exactly the accepted messages, newest
        // first (read as the client, who never leaves).
        let mut seqs = Vec::new();
        let mut query = MessageQuery::latest(17);
        loop {
            let page = sim.messages(id, &Actor::user("client"), &query).await.unwrap();
            seqs.extend(page.messages.iter().map(|m| m.seq));
            let Some(next) = page.next else { break };
            query = MessageQuery::before(next, 17);
        }
        let want: Vec<u64> = (1..=sent.get(id).copied().unwrap_or(0) as u64).rev().collect();
        assert_eq!(seqs, want, "seed {seed}: {id}: the thread lost or repeated messages");
        // X3: shares last at most 30 days and name files of this booking.
        for f in &b.files {
            for g in &f.shares {
                assert!(g.expires_at - g.granted_at <= TimeDelta::days(MAX_SHARE_DAYS), "seed {seed}: {id}: share");
            }
        }
    }
    // K1/K5: no member holds two clashing active bookings.
    let mut held: Vec<Occupancy> = Vec::new();
    for id in &ids {
        if let Some(o) = sim.store().load(id).await.unwrap().as_ref().and_then(Occupancy::of) {
            for other in &held {
                let shared = o.members.iter().any(|m| other.members.contains(m));
                assert!(
                    !(shared && other.clashes(o.start, o.end, o.buffer)),
                    "seed {seed}: {id} clashes with {}",
                    other.booking_id
                );
            }
            held.push(o);
        }
    }
    stats.crashes = sim.store().crashes.load(Ordering::SeqCst);
    // Bookings whose create rolled back leave nothing behind at the gateway.
    for id in &ids {
        if sim.store().load(id).await.unwrap().is_none() {
            assert_eq!(sim.gateway().held_for(id), 0, "seed {seed}: {id} was never stored but money is held");
        }
    }
    stats
}

#[tokio::test]
async fn o5_seeded_simulation_keeps_every_invariant() {
    let seeds: Vec<u64> = match std::env::var("SIM_SEED") {
        Ok(s) => vec![s.parse().expect("SIM_SEED is a number")],
        Err(_) => {
            let n: u64 = std::env::var("SIM_SEEDS").ok().and_then(|s| s.parse().ok()).unwrap_or(4);
            (1..=n).map(|i| i * 0x9E37_79B9).collect()
        }
    };
    let steps: usize = std::env::var("SIM_STEPS").ok().and_then(|s| s.parse().ok()).unwrap_or(1_500);
    let mut total = 0;
    for seed in seeds {
        println!("simulation seed {seed}: running {steps} steps");
        let stats = simulate(seed, steps).await;
        println!(
            "simulation seed {seed}: {} commands: {} accepted, {} refused, {} failed on purpose, {} slots refused; \
             {} store crashes, {} operations recovered, {} bookings released money, {} chat messages",
            stats.commands,
            stats.accepted,
            stats.refused,
            stats.failed,
            stats.slot_refused,
            stats.crashes,
            stats.recovered,
            stats.released,
            stats.messages
        );
        assert!(stats.accepted > stats.commands / 5, "seed {seed}: too few commands went through to mean anything");
        total += stats.commands;
    }
    println!("simulation: {total} commands in all");
}
