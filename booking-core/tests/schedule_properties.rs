//! Property tests for scheduling: every free slot offered is bookable at
//! that moment (K2, K4), across time zones with DST changes inside the
//! search; and no member is ever double-booked after any sequence of
//! creates and cancels through the service (K1, K5).

use booking_core::*;
use chrono::{DateTime, NaiveDate, TimeDelta, TimeZone, Utc, Weekday};
use proptest::prelude::*;

const ZONES: [&str; 7] = [
    "UTC",
    "Europe/Berlin",
    "America/New_York",
    "Australia/Sydney",
    "Australia/Lord_Howe", // a 30-minute DST shift
    "America/Sao_Paulo",
    "Asia/Kolkata",
];
const PEOPLE: [&str; 4] = ["a", "b", "c", "d"];

/// Starting points around this year's DST changes in both hemispheres.
fn now_near_a_change() -> impl Strategy<Value = DateTime<Utc>> {
    prop::sample::select(vec![(2026, 3, 20), (2026, 3, 30), (2026, 9, 28), (2026, 10, 20), (2026, 6, 1)])
        .prop_map(|(y, m, d)| Utc.with_ymd_and_hms(y, m, d, 7, 0, 0).unwrap())
}

/// Up to two non-overlapping windows a day, on a 15-minute grid.
fn day_windows() -> impl Strategy<Value = Vec<String>> {
    prop::collection::vec((0u16..96, 2u16..40), 0..=2).prop_map(|raw| {
        let mut out = Vec::new();
        let mut free_from = 0;
        for (start, len) in raw {
            let start = (start * 15).max(free_from);
            let end = (start + len * 15).min(24 * 60);
            if start < end {
                out.push(format!("{:02}:{:02}-{:02}:{:02}", start / 60, start % 60, end / 60, end % 60));
                free_from = end;
            }
        }
        out
    })
}

fn availability() -> impl Strategy<Value = Availability> {
    (
        prop::sample::select(ZONES.to_vec()),
        prop::collection::vec(day_windows(), 7),
        prop::sample::select(vec![15u16, 30, 60]),
    )
        .prop_map(|(zone, days, step)| {
            let mut a = Availability::new(zone).unwrap().with_slot_step(step).unwrap();
            for (i, windows) in days.iter().enumerate() {
                let day = Weekday::try_from(i as u8).unwrap();
                let windows: Vec<&str> = windows.iter().map(String::as_str).collect();
                a = a.with_hours(&[day], &windows).unwrap();
            }
            a
        })
}

fn members() -> impl Strategy<Value = Vec<UserId>> {
    prop::sample::subsequence(PEOPLE.to_vec(), 1..=3).prop_map(|m| m.into_iter().map(UserId::from).collect())
}

/// Other bookings: who, start (minutes after now), length, buffer.
fn busy(now: DateTime<Utc>) -> impl Strategy<Value = Vec<Occupancy>> {
    prop::collection::vec((members(), 0i64..40 * 24 * 60, 15u32..300, 0i64..90), 0..25).prop_map(move |raw| {
        raw.into_iter()
            .enumerate()
            .map(|(i, (members, at, len, buffer))| {
                let start = now + TimeDelta::minutes(at);
                Occupancy {
                    booking_id: format!("x{i}").into(),
                    members,
                    start,
                    end: start + TimeDelta::minutes(i64::from(len)),
                    buffer: TimeDelta::minutes(buffer),
                }
            })
            .collect()
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(400))]

    #[test]
    fn k4_every_free_slot_offered_is_bookable_at_that_moment(
        (now, busy) in now_near_a_change().prop_flat_map(|now| (Just(now), busy(now))),
        hours in availability(),
        published in any::<bool>(),
        who in members(),
        asked_at in 0i64..30 * 24 * 60,
        minutes in 15u32..240,
        buffer in 0i64..60,
        limit in 1usize..40,
    ) {
        let policy = Policy::standard().with_buffer(TimeDelta::minutes(buffer));
        let slot = Slot::new(now + TimeDelta::minutes(asked_at), minutes, &policy);
        let hours = published.then_some(&hours);
        let free = free_slots(&slot, hours, &busy, &who, TimeDelta::days(14), limit, now);
        prop_assert!(free.len() <= limit);
        let mut distances: Vec<TimeDelta> = Vec::new();
        for t in &free {
            let r = check_slot(&slot.at(*t), hours, &busy, &who, None, now);
            prop_assert!(r.is_ok(), "{t} was offered but {r:?}");
            // Never a wall-clock time that does not exist.
            if let Some(a) = hours {
                prop_assert_eq!(a.instant(a.local(*t)).is_some(), true);
            }
            distances.push((*t - slot.start).abs());
        }
        prop_assert!(distances.windows(2).all(|d| d[0] <= d[1]), "not nearest first: {free:?}");
    }
}

fn start_of(day: i64, half_hour: i64) -> DateTime<Utc> {
    NaiveDate::from_ymd_opt(2026, 6, 3).unwrap().and_hms_opt(0, 0, 0).unwrap().and_utc()
        + TimeDelta::days(day)
        + TimeDelta::minutes(30 * half_hour)
}

#[derive(Debug, Clone)]
enum Op {
    Create { members: Vec<UserId>, day: i64, half_hour: i64, minutes: u32 },
    Cancel(usize),
}

fn ops() -> impl Strategy<Value = Vec<Op>> {
    let op = prop_oneof![
        4 => (members(), 0i64..3, 0i64..48, 30u32..240)
            .prop_map(|(members, day, half_hour, minutes)| Op::Create { members, day, half_hour, minutes }),
        1 => any::<usize>().prop_map(Op::Cancel),
    ];
    prop::collection::vec(op, 1..40)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    #[test]
    fn k5_no_member_is_ever_double_booked_after_creates_and_cancels(ops in ops()) {
        let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
        let now = Utc.with_ymd_and_hms(2026, 6, 1, 0, 0, 0).unwrap();
        let s = BookingService::in_memory();
        let mut created: Vec<BookingId> = Vec::new();
        rt.block_on(async {
            for (i, op) in ops.iter().enumerate() {
                match op {
                    Op::Create { members, day, half_hour, minutes } => {
                        let id = BookingId::from(format!("b{i}"));
                        let at = start_of(*day, *half_hour);
                        let price = Money::parse("50 USD").unwrap();
                        let new = match members.as_slice() {
                            [lead] => NewBooking::solo(id.clone(), "client", lead.clone(), price, at, *minutes),
                            _ => {
                                let team = RevenueSplit::equal(members.iter().cloned()).unwrap();
                                NewBooking::split(id.clone(), "client", team, price, at, *minutes)
                            }
                        };
                        match s.create(new, now, None).await {
                            Ok(_) => created.push(id),
                            Err(e) => assert_eq!(e.code(), "schedule.overlap", "{e}"),
                        }
                    }
                    Op::Cancel(k) if !created.is_empty() => {
                        let id = &created[k % created.len()];
                        let cancel = Request::new(Actor::user("client"), Command::Cancel { reason: None }, now);
                        let _ = s.execute(id, cancel, None).await;
                    }
                    Op::Cancel(_) => {}
                }
            }
        });
        let held: Vec<Occupancy> = created
            .iter()
            .filter_map(|id| rt.block_on(s.get(id)).ok())
            .filter_map(|b| Occupancy::of(&b))
            .collect();
        for (i, a) in held.iter().enumerate() {
            for b in &held[i + 1..] {
                let shared = a.members.iter().any(|m| b.members.contains(m));
                prop_assert!(!(shared && a.clashes(b.start, b.end, b.buffer)), "{} and {} clash", a.booking_id, b.booking_id);
            }
        }
    }
}
