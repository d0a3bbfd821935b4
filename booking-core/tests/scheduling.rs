//! SPEC K (scheduling and availability), the catalog, quotes and discovery,
//! through the service's public API on the embedded default.

mod common;

use std::sync::Arc;

use booking_core::*;
use chrono::{DateTime, NaiveDate, TimeDelta, TimeZone, Utc, Weekday};
use common::{t0, usd};

type Svc = BookingService<MemoryStore, SandboxGateway, MemoryNotifier>;

const EVERY_DAY: [Weekday; 7] =
    [Weekday::Mon, Weekday::Tue, Weekday::Wed, Weekday::Thu, Weekday::Fri, Weekday::Sat, Weekday::Sun];

fn utc(y: i32, mo: u32, d: u32, h: u32, mi: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(y, mo, d, h, mi, 0).unwrap()
}

fn date(y: i32, mo: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, mo, d).unwrap()
}

fn svc() -> Svc {
    BookingService::new(MemoryStore::new(), SandboxGateway::new(), MemoryNotifier::new(), RecordingSleeper::new())
}

fn solo(id: &str, provider: &str, at: DateTime<Utc>, minutes: u32) -> NewBooking {
    NewBooking::solo(id, "client", provider, usd(10_000), at, minutes)
}

fn team(members: &[&str]) -> RevenueSplit {
    RevenueSplit::equal(members.iter().copied()).unwrap()
}

fn refusal(e: &ServiceError) -> (&SlotRefusal, &Alternatives) {
    match e {
        ServiceError::Unavailable { refusal, alternatives } => (refusal, alternatives),
        other => panic!("expected a slot refusal, got {other:?}"),
    }
}

/// Wall-clock times of instants in a zone, as "YYYY-MM-DD HH:MM".
fn local(a: &Availability, times: &[DateTime<Utc>]) -> Vec<String> {
    times.iter().map(|t| a.local(*t).format("%Y-%m-%d %H:%M").to_string()).collect()
}

// Wednesday 2026-06-03, 10:00 UTC: 49 hours after t0.
fn wed_10() -> DateTime<Utc> {
    utc(2026, 6, 3, 10, 0)
}

#[tokio::test]
async fn k1_a_booking_holds_its_members_for_its_length_plus_the_buffer() {
    let s = svc();
    s.create(NewBooking::split("a", "client", team(&["lead", "m1"]), usd(10_000), wed_10(), 60), t0(), None)
        .await
        .unwrap();
    // m1 is held 10:00-11:00 plus 30 minutes each side.
    let e = s.create(solo("b", "m1", wed_10() + TimeDelta::minutes(60 + 29), 60), t0(), None).await.unwrap_err();
    assert_eq!(e.code(), "schedule.overlap");
    assert_eq!(refusal(&e).0, &SlotRefusal::Overlaps { member: "m1".into(), booking_id: "a".into() });
    assert!(e.to_string().contains("overlaps booking a of m1"), "{e}");
    let e = s.create(solo("c", "lead", wed_10() - TimeDelta::minutes(60 + 29), 60), t0(), None).await.unwrap_err();
    assert_eq!(e.code(), "schedule.overlap");
    s.create(solo("d", "m1", wed_10() + TimeDelta::minutes(90), 60), t0(), None).await.unwrap();
    s.create(solo("e", "lead", wed_10() - TimeDelta::minutes(90), 60), t0(), None).await.unwrap();
    // A stricter buffer on the new booking widens the gap it needs.
    let wide = Policy::standard().with_buffer(TimeDelta::hours(2));
    let e = s.create(
        solo("f", "m1", wed_10() + TimeDelta::minutes(90 + 60 + 90), 60).with_policy(wide.clone()),
        t0(),
        None,
    );
    assert_eq!(e.await.unwrap_err().code(), "schedule.overlap");
    s.create(solo("g", "m1", wed_10() + TimeDelta::minutes(90 + 60 + 120), 60).with_policy(wide), t0(), None)
        .await
        .unwrap();
    // Nothing was written for the refused ones.
    for id in ["b", "c", "f"] {
        assert_eq!(s.get(&id.into()).await.unwrap_err().code(), "service.not_found");
    }
}

#[tokio::test]
async fn k1_a_cancelled_or_declined_booking_frees_its_time() {
    let s = svc();
    s.create(solo("a", "lead", wed_10(), 60), t0(), None).await.unwrap();
    s.execute(&"a".into(), Request::new(Actor::user("client"), Command::Cancel { reason: None }, t0()), None)
        .await
        .unwrap();
    s.create(solo("b", "lead", wed_10(), 60), t0(), None).await.unwrap();
    let decline = Command::Decline { reason: Some("booked out".into()) };
    s.execute(&"b".into(), Request::new(Actor::user("lead"), decline, t0()), None).await.unwrap();
    s.create(solo("c", "lead", wed_10(), 60), t0(), None).await.unwrap();
}

#[tokio::test]
async fn k2_ten_oclock_local_stays_ten_oclock_across_dst_in_both_hemispheres() {
    let s = svc();
    // Berlin springs forward on 2026-03-29; Sydney falls back on 2026-04-05.
    for (zone, user, from, change) in [
        ("Europe/Berlin", "berlin", utc(2026, 3, 25, 12, 0), date(2026, 3, 29)),
        ("Australia/Sydney", "sydney", utc(2026, 4, 1, 12, 0), date(2026, 4, 5)),
        ("Europe/Berlin", "berlin-autumn", utc(2026, 10, 21, 12, 0), date(2026, 10, 25)),
        ("Australia/Sydney", "sydney-spring", utc(2026, 9, 30, 12, 0), date(2026, 10, 4)),
    ] {
        let a = Availability::new(zone).unwrap().with_hours(&EVERY_DAY, &["10:00-11:00"]).unwrap();
        s.put_availability(&user.into(), a.clone()).await.unwrap();
        let now = from - TimeDelta::days(2);
        let search = SlotSearch {
            members: vec![user.into()],
            slot: Slot::new(from + TimeDelta::days(3), 60, &Policy::standard()),
            within: TimeDelta::days(3),
            limit: 10,
        };
        let mut free = s.free_slots(&search, now).await.unwrap();
        free.sort();
        assert_eq!(free.len(), 6, "{zone}: {:?}", local(&a, &free));
        for t in &free {
            assert_eq!(a.local(*t).format("%H:%M").to_string(), "10:00", "{zone}");
        }
        // The UTC instant moves by exactly an hour across the change.
        let before = free.iter().find(|t| a.local(**t).date() < change).unwrap();
        let after = free.iter().rev().find(|t| a.local(**t).date() > change).unwrap();
        let days = (a.local(*after).date() - a.local(*before).date()).num_days();
        let shift = (*after - *before) - TimeDelta::days(days);
        assert_eq!(shift.num_minutes().abs(), 60, "{zone}");
        // Each offered slot is bookable.
        for (i, t) in free.iter().enumerate() {
            s.create(solo(&format!("{user}-{i}"), user, *t, 60), now, None).await.unwrap();
        }
    }
}

#[tokio::test]
async fn k2_a_spring_forward_gap_is_never_offered() {
    let s = svc();
    // Berlin: 02:00 → 03:00 on 2026-03-29. Sydney: 02:00 → 03:00 on 2026-10-04.
    for (zone, user, day) in
        [("Europe/Berlin", "berlin", date(2026, 3, 29)), ("Australia/Sydney", "sydney", date(2026, 10, 4))]
    {
        let a = Availability::new(zone).unwrap().with_override(day, &["01:00-04:00"]).unwrap();
        s.put_availability(&user.into(), a.clone()).await.unwrap();
        let asked = a.instant(day.and_hms_opt(1, 0, 0).unwrap()).unwrap();
        let search = SlotSearch {
            members: vec![user.into()],
            slot: Slot::new(asked, 30, &Policy::standard()),
            within: TimeDelta::days(1),
            limit: 20,
        };
        let mut free = s.free_slots(&search, asked - TimeDelta::days(3)).await.unwrap();
        free.sort();
        let d = day.format("%Y-%m-%d");
        let want: Vec<String> = ["01:00", "01:30", "03:00", "03:30"].iter().map(|h| format!("{d} {h}")).collect();
        assert_eq!(local(&a, &free), want, "{zone}");
        // The window is two real hours long: 01:00 to 04:00 minus the gap.
        assert!(a.covers(asked, asked + TimeDelta::hours(2)), "{zone}");
        assert!(!a.covers(asked, asked + TimeDelta::minutes(121)), "{zone}");
    }
}

#[tokio::test]
async fn k2_a_repeated_fall_back_hour_is_offered_once_and_both_occurrences_are_bookable() {
    let s = svc();
    // Berlin: 03:00 → 02:00 on 2026-10-25. Sydney: 03:00 → 02:00 on 2026-04-05.
    for (zone, user, day) in
        [("Europe/Berlin", "berlin", date(2026, 10, 25)), ("Australia/Sydney", "sydney", date(2026, 4, 5))]
    {
        let a = Availability::new(zone).unwrap().with_override(day, &["01:00-04:00"]).unwrap();
        s.put_availability(&user.into(), a.clone()).await.unwrap();
        let first_two = a.instant(day.and_hms_opt(2, 0, 0).unwrap()).unwrap();
        let search = SlotSearch {
            members: vec![user.into()],
            slot: Slot::new(first_two, 30, &Policy::standard().with_buffer(TimeDelta::zero())),
            within: TimeDelta::days(1),
            limit: 20,
        };
        let now = first_two - TimeDelta::days(3);
        let mut free = s.free_slots(&search, now).await.unwrap();
        free.sort();
        let d = day.format("%Y-%m-%d");
        let want: Vec<String> =
            ["01:00", "01:30", "02:00", "02:30", "03:00", "03:30"].iter().map(|h| format!("{d} {h}")).collect();
        assert_eq!(local(&a, &free), want, "{zone}: the first occurrence of 02:00 and 02:30 only");
        assert_eq!(free[2], first_two);
        // The window is four real hours: the second 02:00 is inside it and
        // can be asked for directly.
        let second_two = first_two + TimeDelta::hours(1);
        assert_eq!(a.local(second_two).format("%H:%M").to_string(), "02:00");
        let no_buffer = Policy::standard().with_buffer(TimeDelta::zero());
        s.create(solo(&format!("{user}-second"), user, second_two, 60).with_policy(no_buffer), now, None)
            .await
            .unwrap();
    }
}

#[tokio::test]
async fn k3_refusals_say_why() {
    let s = svc();
    let a = Availability::new("America/New_York")
        .unwrap()
        .with_hours(&[Weekday::Mon, Weekday::Tue, Weekday::Wed, Weekday::Thu, Weekday::Fri], &["09:00-17:00"])
        .unwrap()
        .with_override(date(2026, 6, 4), &[])
        .unwrap();
    s.put_availability(&"ny".into(), a).await.unwrap();
    // Wednesday 2026-06-03 10:00 in New York is 14:00 UTC.
    let ok = utc(2026, 6, 3, 14, 0);
    s.check_slot(&solo("x", "ny", ok, 60), t0()).await.unwrap();
    let code = |new: NewBooking| {
        let s = &s;
        async move { s.create(new, t0(), None).await.unwrap_err() }
    };
    let e = code(solo("soon", "ny", t0() + TimeDelta::hours(23), 60)).await;
    assert_eq!(e.code(), "schedule.too_soon");
    assert!(e.to_string().contains("earliest bookable start is 2026-06-02 09:00:00 UTC"), "{e}");
    let e = code(solo("far", "ny", t0() + TimeDelta::days(91), 60)).await;
    assert_eq!(e.code(), "schedule.too_far");
    let e = code(solo("early", "ny", utc(2026, 6, 3, 12, 30), 60)).await;
    assert_eq!(e.code(), "schedule.outside_hours");
    assert!(e.to_string().contains("2026-06-03 08:30:00 to 2026-06-03 09:30:00 (America/New_York)"), "{e}");
    let e = code(solo("late", "ny", utc(2026, 6, 3, 20, 30), 60)).await;
    assert_eq!(e.code(), "schedule.outside_hours", "16:30 + 60 min runs past 17:00");
    let e = code(solo("closed", "ny", utc(2026, 6, 4, 14, 0), 60)).await;
    assert_eq!(e.code(), "schedule.outside_hours", "the override closes Thursday");
    let e = code(solo("weekend", "ny", utc(2026, 6, 6, 14, 0), 60)).await;
    assert_eq!(e.code(), "schedule.outside_hours");
    s.create(solo("x", "ny", ok, 60), t0(), None).await.unwrap();
    let e = code(solo("clash", "ny", ok + TimeDelta::minutes(30), 60)).await;
    assert_eq!(e.code(), "schedule.overlap");
    // A provider who published no hours is available at any hour.
    s.create(solo("night", "nomad", utc(2026, 6, 3, 3, 0), 60), t0(), None).await.unwrap();
}

#[tokio::test]
async fn k3_a_team_is_refused_when_any_member_is_busy_and_free_slots_avoid_all_of_them() {
    let s = svc();
    let a = Availability::new("UTC").unwrap().with_hours(&[Weekday::Wed], &["10:00-18:00"]).unwrap();
    s.put_availability(&"lead".into(), a).await.unwrap();
    // m1 is busy 10:00-11:00, m2 is busy 13:00-14:00 (other bookings).
    s.create(solo("m1-busy", "m1", wed_10(), 60), t0(), None).await.unwrap();
    s.create(solo("m2-busy", "m2", wed_10() + TimeDelta::hours(3), 60), t0(), None).await.unwrap();
    let split =
        |id: &str, at: DateTime<Utc>| NewBooking::split(id, "client", team(&["lead", "m1", "m2"]), usd(30_000), at, 60);
    let e = s.create(split("t1", wed_10()), t0(), None).await.unwrap_err();
    assert_eq!(refusal(&e).0, &SlotRefusal::Overlaps { member: "m1".into(), booking_id: "m1-busy".into() });
    let e = s.create(split("t2", wed_10() + TimeDelta::hours(3)), t0(), None).await.unwrap_err();
    assert_eq!(refusal(&e).0, &SlotRefusal::Overlaps { member: "m2".into(), booking_id: "m2-busy".into() });
    // Free for the team that Wednesday: 11:30-12:30 only (buffers on both
    // sides), then 14:30 onwards.
    let (refused, alternatives) = refusal(&e);
    assert!(matches!(refused, SlotRefusal::Overlaps { .. }));
    let mut times: Vec<String> = alternatives.slots.iter().map(|t| t.format("%a %H:%M").to_string()).collect();
    times.truncate(5);
    assert_eq!(times, ["Wed 11:30", "Wed 14:30", "Wed 15:00", "Wed 15:30", "Wed 16:00"]);
    s.create(split("t3", alternatives.slots[0]), t0(), None).await.unwrap();
}

/// Runs a booking of `provider` through to a client review of `stars`.
async fn rated(s: &Svc, id: &str, provider: &str, stars: u8, at: DateTime<Utc>) {
    s.create(solo(id, provider, at, 60), t0(), None).await.unwrap();
    let id = BookingId::from(id);
    let run = |who: &str, command: Command, when: DateTime<Utc>| {
        let id = id.clone();
        let who = who.to_owned();
        async move { s.execute(&id, Request::new(Actor::user(&*who), command, when), None).await.unwrap() }
    };
    run(provider, Command::Confirm, t0()).await;
    run(provider, Command::Start, at).await;
    run(provider, testing::upload("f.wav", FileCategory::Final), at).await;
    run(provider, Command::Deliver, at).await;
    run("client", Command::Approve, at).await;
    run("client", Command::Review { rating: stars, text: "thanks".into() }, at).await;
}

#[tokio::test]
async fn k4_refusals_offer_the_nearest_free_slots_and_free_providers_best_rated_first() {
    let s = svc();
    let mixing = |id: &str, provider: &str| Service::new(id, provider, "Mixing", "mixing", usd(20_000), 60);
    for (id, p) in
        [("mix-busy", "busy"), ("mix-a", "alt-a"), ("mix-b", "alt-b"), ("mix-c", "alt-c"), ("mix-d", "alt-d")]
    {
        s.put_service(mixing(id, p)).await.unwrap();
    }
    s.put_service(Service::new("voc-e", "alt-e", "Vocals", "vocals", usd(9_000), 60)).await.unwrap();
    // Ratings: alt-a 5★, alt-b 3★, alt-c none; alt-d is busy at the time.
    rated(&s, "r-a", "alt-a", 5, wed_10() + TimeDelta::days(1)).await;
    rated(&s, "r-b", "alt-b", 3, wed_10() + TimeDelta::days(1)).await;
    s.create(solo("d-busy", "alt-d", wed_10(), 60), t0(), None).await.unwrap();
    // The asked-for provider works Wednesdays and Fridays 10:00-12:00.
    let a = Availability::new("UTC").unwrap().with_hours(&[Weekday::Wed, Weekday::Fri], &["10:00-12:00"]).unwrap();
    s.put_availability(&"busy".into(), a).await.unwrap();
    s.create(solo("first", "busy", wed_10(), 60), t0(), None).await.unwrap();
    let mut asked = solo("second", "busy", wed_10(), 60);
    asked.service_id = "mix-busy".into();
    let e = s.create(asked, t0(), None).await.unwrap_err();
    let (why, alternatives) = refusal(&e);
    assert_eq!(why.code(), "schedule.overlap");
    let times: Vec<String> = alternatives.slots.iter().map(|t| t.format("%a %d %H:%M").to_string()).collect();
    // Wednesday 10:00-11:00 is taken; with its buffer the next start is
    // 11:30, and a 60-minute session from then runs past 12:00. Friday and
    // the Wednesday after are nearest.
    assert_eq!(times, ["Fri 05 10:00", "Fri 05 10:30", "Fri 05 11:00", "Wed 10 10:00", "Wed 10 10:30"]);
    let providers: Vec<&str> = alternatives.providers.iter().map(|h| h.service.provider_id.as_str()).collect();
    assert_eq!(providers, ["alt-a", "alt-b", "alt-c"]);
    assert_eq!(alternatives.providers[0].rating.mean().unwrap().to_string(), "5.00");
    // Booking the first alternative works.
    let mut retry = solo("second", "busy", alternatives.slots[0], 60);
    retry.service_id = "mix-busy".into();
    s.create(retry, t0(), None).await.unwrap();
}

#[tokio::test]
async fn k4_too_soon_offers_the_nearest_allowed_times_and_no_other_provider() {
    let s = svc();
    s.put_service(Service::new("mix-a", "alt-a", "Mixing", "mixing", usd(20_000), 60)).await.unwrap();
    s.put_service(Service::new("mix-x", "x", "Mixing", "mixing", usd(20_000), 60)).await.unwrap();
    let mut asked = solo("soon", "x", t0() + TimeDelta::hours(2), 60);
    asked.service_id = "mix-x".into();
    let e = s.create(asked, t0(), None).await.unwrap_err();
    let (why, alternatives) = refusal(&e);
    assert_eq!(why.code(), "schedule.too_soon");
    assert!(alternatives.providers.is_empty());
    // No hours published: the half-hour grid from the earliest allowed start.
    assert_eq!(alternatives.slots[0], t0() + TimeDelta::hours(24));
    assert_eq!(alternatives.slots.len(), 5);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn k5_many_tasks_racing_for_one_slot_exactly_one_wins_and_losers_move_no_money() {
    let s = Arc::new(svc());
    s.gateway().set_now(t0());
    let tasks: Vec<_> = (0..24)
        .map(|i| {
            let s = s.clone();
            tokio::spawn(async move {
                let new = solo(&format!("race-{i}"), "lead", wed_10() + TimeDelta::minutes(i), 60);
                s.create(new, t0(), None).await
            })
        })
        .collect();
    let mut winners = Vec::new();
    for task in tasks {
        match task.await.unwrap() {
            Ok(out) => winners.push(out.booking.id.clone()),
            Err(e) => assert_eq!(e.code(), "schedule.overlap", "{e}"),
        }
    }
    assert_eq!(winners.len(), 1, "{winners:?}");
    for i in 0..24 {
        let id = BookingId::from(format!("race-{i}"));
        let held = s.gateway().authorized_for(&id);
        assert_eq!(held, if id == winners[0] { 10_000 } else { 0 }, "{id}");
    }
    assert!(s.store().open_operations().await.unwrap().is_empty());
}

#[tokio::test]
async fn k5_an_idempotent_create_replays_instead_of_clashing_with_itself() {
    let s = svc();
    let first = s.create(solo("a", "lead", wed_10(), 60), t0(), Some("k")).await.unwrap();
    let again = s.create(solo("a", "lead", wed_10(), 60), t0(), Some("k")).await.unwrap();
    assert!(again.replayed);
    assert_eq!(again.booking.id, first.booking.id);
}

#[tokio::test]
async fn catalog_quotes_are_exact_and_book_through_the_service() {
    let s = svc();
    let service = Service::new("mix", "lead", "Mix & master", "mixing", usd(19_999), 120)
        .with_revisions(1)
        .with_option(ServiceOption::new("rush", "Rush", OptionKind::Rush { surcharge_bps: 3_333 }))
        .with_option(
            ServiceOption::new("rev", "Extra revision", OptionKind::ExtraRevisions { price_each: usd(2_500) }).up_to(3),
        )
        .with_option(
            ServiceOption::new("hour", "Extra hour", OptionKind::ExtraHours { price_per_hour: usd(4_000) }).up_to(2),
        )
        .with_option(ServiceOption::new("stems", "Stems", OptionKind::AddOn { price: usd(1_000) }))
        .with_team(team(&["lead", "m1"]));
    s.put_service(service).await.unwrap();
    let q = s
        .quote(
            &"mix".into(),
            &[Selection::one("stems"), Selection::new("hour", 2), Selection::one("rush"), Selection::new("rev", 3)],
        )
        .await
        .unwrap();
    // 199.99 + 33.33 % of it (66.656667 → 66.66) + 3 × 25 + 2 × 40 + 10.
    let lines: Vec<(Option<&str>, i64)> = q.lines.iter().map(|l| (l.option_id.as_deref(), l.amount.minor())).collect();
    assert_eq!(
        lines,
        [(None, 19_999), (Some("rush"), 6_666), (Some("rev"), 7_500), (Some("hour"), 8_000), (Some("stems"), 1_000)]
    );
    assert_eq!(q.total, usd(43_165));
    assert_eq!((q.estimated_duration_minutes, q.included_revisions), (240, 4));
    assert!(q.lines[1].explanation.contains("33.33 % of the base price 199.99 USD"), "{}", q.lines[1].explanation);
    let service = s.service(&"mix".into()).await.unwrap();
    let new = service.new_booking(&q, "b", "client", wed_10()).unwrap();
    let out = s.create(new, t0(), None).await.unwrap();
    assert_eq!(out.booking.price, usd(43_165));
    assert_eq!(out.booking.revisions_remaining, 4);
    assert_eq!(out.booking.team_members(), vec![UserId::from("lead"), UserId::from("m1")]);
    // Bad selections.
    for (sel, code) in [
        (vec![Selection::one("nope")], "catalog.unknown_option"),
        (vec![Selection::new("rev", 4)], "catalog.quantity"),
        (vec![Selection::new("rev", 0)], "catalog.quantity"),
        (vec![Selection::one("stems"), Selection::one("stems")], "catalog.quantity"),
    ] {
        assert_eq!(s.quote(&"mix".into(), &sel).await.unwrap_err().code(), code, "{sel:?}");
    }
    assert_eq!(s.quote(&"none".into(), &[]).await.unwrap_err().code(), "catalog.not_found");
    let other = Service::new("o", "x", "t", "c", usd(1), 60);
    assert_eq!(other.new_booking(&q, "b2", "client", wed_10()).unwrap_err().code(), "catalog.wrong_service");
}

#[tokio::test]
async fn catalog_refuses_invalid_services() {
    let s = svc();
    let base = || Service::new("s", "p", "Mixing", "mixing", usd(10_000), 60);
    let eur = Money::parse("5 EUR").unwrap();
    let cases = [
        base().with_tags([""]),
        Service { estimated_duration_minutes: 0, ..base() },
        Service { base_price: usd(-1), ..base() },
        base().with_option(ServiceOption::new("x", "X", OptionKind::AddOn { price: eur })),
        base()
            .with_option(ServiceOption::new("x", "X", OptionKind::AddOn { price: usd(1) }))
            .with_option(ServiceOption::new("x", "Y", OptionKind::AddOn { price: usd(1) })),
        base().with_option(ServiceOption::new("r", "Rush", OptionKind::Rush { surcharge_bps: 100 }).up_to(2)),
        base().with_option(ServiceOption::new("r", "Rush", OptionKind::Rush { surcharge_bps: MAX_SURCHARGE_BPS + 1 })),
        Service { team: Some(team(&["someone-else", "m1"])), ..base() },
    ];
    for bad in cases {
        let e = s.put_service(bad.clone()).await.unwrap_err();
        assert_eq!(e.code(), "catalog.invalid", "{bad:?}");
    }
    assert_eq!(s.service(&"s".into()).await.unwrap_err().code(), "catalog.not_found");
    // A total beyond what a booking may carry.
    let huge = Service::new("h", "p", "t", "c", Money::from_minor(MAX_PRICE_MINOR, Currency::USD), 60)
        .with_option(ServiceOption::new("x", "X", OptionKind::AddOn { price: usd(1) }));
    assert_eq!(huge.quote(&[Selection::one("x")]).unwrap_err().code(), "catalog.too_large");
}

#[tokio::test]
async fn discovery_filters_sorts_and_pages() {
    let s = svc();
    let services = [
        Service::new("s1", "p1", "Trap mix", "mixing", usd(10_000), 60).with_tags(["trap", "hip-hop"]),
        Service::new("s2", "p2", "Analog mix", "mixing", usd(25_000), 60).with_tags(["analog", "hip-hop"]),
        Service::new("s3", "p3", "Cheap mix", "mixing", usd(5_000), 60),
        Service::new("s4", "p4", "Vocals", "vocals", usd(8_000), 60).with_tags(["hip-hop"]),
        Service::new("s5", "p5", "Mix EUR", "mixing", Money::parse("90 EUR").unwrap(), 60),
    ];
    for svc in services {
        s.put_service(svc).await.unwrap();
    }
    rated(&s, "r1", "p1", 4, wed_10() + TimeDelta::days(2)).await;
    rated(&s, "r2", "p2", 5, wed_10() + TimeDelta::days(2)).await;
    rated(&s, "r3", "p3", 2, wed_10() + TimeDelta::days(2)).await;
    s.create(solo("p3-busy", "p3", wed_10(), 60), t0(), None).await.unwrap();
    let ids = |q: ServiceQuery| {
        let s = &s;
        async move {
            let page = s.search_services(&q).await.unwrap();
            (page.items.iter().map(|h| h.service.id.to_string()).collect::<Vec<_>>(), page.total)
        }
    };
    assert_eq!(ids(ServiceQuery::default().in_category("Mixing")).await.0, ["s2", "s1", "s3", "s5"]);
    assert_eq!(ids(ServiceQuery::default().with_tags(&["HIP-HOP"])).await.0, ["s2", "s1", "s4"]);
    let cheap = ServiceQuery::default().priced_between(Some(usd(6_000)), Some(usd(20_000)));
    assert_eq!(ids(cheap.sorted_by(ServiceSort::PriceAscending)).await.0, ["s4", "s1"]);
    assert_eq!(ids(ServiceQuery::default().rated_at_least("4".parse().unwrap())).await.0, ["s2", "s1"]);
    assert_eq!(ids(ServiceQuery::default().in_category("mixing").free_at(wed_10())).await.0, ["s2", "s1", "s5"]);
    let page = ServiceQuery::default().sorted_by(ServiceSort::PriceDescending).page(1, 2);
    // USD before EUR (currencies are grouped), dearest first within each.
    assert_eq!(ids(page).await, (vec!["s1".to_owned(), "s4".to_owned()], 5));
    let p1 = s.rating(&"p1".into()).await.unwrap();
    assert_eq!((p1.count(), p1.mean().unwrap().to_string()), (1, "4.00".to_owned()));
}

#[test]
fn availability_round_trips_through_json_and_refuses_bad_input() {
    let a = Availability::new("Australia/Sydney")
        .unwrap()
        .with_hours(&[Weekday::Mon, Weekday::Tue], &["14:00-18:00", "09:00-12:30"])
        .unwrap()
        .with_override(date(2026, 12, 25), &[])
        .unwrap()
        .with_slot_step(15)
        .unwrap();
    let json = serde_json::to_string(&a).unwrap();
    assert_eq!(
        json,
        r#"{"timeZone":"Australia/Sydney","weekly":{"mon":["09:00-12:30","14:00-18:00"],"tue":["09:00-12:30","14:00-18:00"]},"overrides":{"2026-12-25":[]},"slotStepMinutes":15}"#
    );
    assert_eq!(serde_json::from_str::<Availability>(&json).unwrap(), a);
    for (bad, needle) in [
        (r#"{"timeZone":"Mars/Base"}"#, "not an IANA time zone"),
        (r#"{"timeZone":"UTC","weekly":{"funday":["10:00-11:00"]}}"#, "days are mon"),
        (r#"{"timeZone":"UTC","weekly":{"mon":["11:00-10:00"]}}"#, "must end after it starts"),
        (r#"{"timeZone":"UTC","weekly":{"mon":["10:00-12:00","11:00-13:00"]}}"#, "overlap"),
        (r#"{"timeZone":"UTC","weekly":{"mon":["25:00-26:00"]}}"#, "HH:MM-HH:MM"),
        (r#"{"timeZone":"UTC","slotStepMinutes":2}"#, "5 to 720"),
    ] {
        let e = from_json::<Availability>(bad).unwrap_err();
        assert_eq!(e.code(), "json.invalid");
        assert!(e.to_string().contains(needle), "{bad}: {e}");
    }
}
