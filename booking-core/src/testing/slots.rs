//! Conformance checks for scheduling (SPEC K1, K5), the catalog, discovery
//! and ratings.

use std::collections::HashMap;
use std::sync::Arc;

use super::{advanced, ensure, events_of, insert, race, t, Check};
use crate::{
    Availability, Booking, Command, Commit, FileCategory, FreeAt, Money, NewBooking, Occupancy, Operation,
    RatingSummary, RevenueSplit, Service, ServiceQuery, ServiceSort, Store, StoreError, UserId,
};

/// A booking of `members` (the first leads) starting `offset` minutes after
/// hour 72, lasting `minutes`, under the standard policy (30-minute buffer).
fn at(id: &str, members: &[&str], offset: i64, minutes: u32) -> Result<Arc<Booking>, String> {
    let start = t(72) + chrono::TimeDelta::minutes(offset);
    let price = Money::parse("100.00 USD").map_err(|e| e.to_string())?;
    let new = match members {
        [lead] => NewBooking::solo(id, "client", *lead, price, start, minutes),
        _ => {
            let team = RevenueSplit::equal(members.iter().copied()).map_err(|e| e.to_string())?;
            NewBooking::split(id, "client", team, price, start, minutes)
        }
    };
    Booking::create(new, t(0)).map(|(b, _)| Arc::new(b)).map_err(|e| e.to_string())
}

async fn put<S: Store>(s: &S, b: &Arc<Booking>) -> Result<(), StoreError> {
    s.commit(insert(b, &events_of(b))).await
}

fn taken(r: &Result<(), StoreError>, member: &str, other: &str) -> bool {
    matches!(r, Err(StoreError::SlotTaken { member: m, other: o, .. }) if m.as_str() == member && o.as_str() == other)
}

/// An operation creating `b`, claiming its slot.
fn create_op(b: &Booking, suffix: &str) -> Operation {
    Operation {
        id: format!("{}@0#{suffix}", b.id),
        booking_id: b.id.clone(),
        expected_version: 0,
        events: events_of(b),
        effects: Vec::new(),
        idempotency: None,
        started_at: b.created_at,
        compensating: false,
        claim: Occupancy::of(b),
    }
}

pub(super) async fn clashes<S: Store>(s: Arc<S>) -> Check {
    let e = |e: StoreError| e.to_string();
    put(&*s, &at("a", &["lead", "member"], 0, 60)?).await.map_err(e)?;
    let r = put(&*s, &at("b", &["other", "member"], 60 + 29, 60)?).await;
    ensure(taken(&r, "member", "a"), || format!("29 minutes after a 30-minute-buffer booking gave {r:?}"))?;
    ensure(s.load(&"b".into()).await.map_err(e)?.is_none(), || "a refused booking was written".into())?;
    let r = put(&*s, &at("e", &["lead"], -60 - 29, 60)?).await;
    ensure(taken(&r, "lead", "a"), || format!("ending 29 minutes before gave {r:?}"))?;
    let r = put(&*s, &at("c", &["other", "member"], 60 + 30, 60)?).await;
    ensure(r.is_ok(), || format!("exactly the buffer apart gave {r:?}"))?;
    let r = put(&*s, &at("d", &["third"], 0, 60)?).await;
    ensure(r.is_ok(), || format!("other people at the same time gave {r:?}"))
}

pub(super) async fn racing_inserts<S: Store + 'static>(s: Arc<S>) -> Check {
    let wins = race(32, |i| {
        let s = s.clone();
        async move { Ok(put(&*s, &at(&format!("r{i}"), &["lead", "member"], i as i64, 60)?).await) }
    })
    .await?;
    ensure(wins == 1, || format!("{wins} of 32 overlapping inserts won"))?;
    let busy = s.busy(&["member".into()], t(0), t(200)).await.map_err(|e| e.to_string())?;
    ensure(busy.len() == 1, || format!("member holds {} bookings", busy.len()))
}

pub(super) async fn racing_claims<S: Store + 'static>(s: Arc<S>) -> Check {
    let wins = race(32, |i| {
        let s = s.clone();
        async move {
            let b = at(&format!("c{i}"), &["lead"], i as i64 * 2, 60)?;
            Ok(s.begin(&create_op(&b, "x")).await)
        }
    })
    .await?;
    ensure(wins == 1, || format!("{wins} of 32 overlapping create claims won"))
}

pub(super) async fn freed<S: Store>(s: Arc<S>) -> Check {
    let e = |e: StoreError| e.to_string();
    let a = at("a", &["lead"], 0, 60)?;
    put(&*s, &a).await.map_err(e)?;
    let (cancelled, events) = advanced(&a, "client", Command::Cancel { reason: None })?;
    s.commit(Commit { expected_version: a.version, ..insert(&cancelled, &events) }).await.map_err(e)?;
    let r = put(&*s, &at("b", &["lead"], 0, 60)?).await;
    ensure(r.is_ok(), || format!("the slot of a cancelled booking stayed taken: {r:?}"))?;
    let c = at("c", &["lead"], 600, 60)?;
    s.begin(&create_op(&c, "1")).await.map_err(e)?;
    let r = put(&*s, &at("d", &["lead"], 600, 60)?).await;
    ensure(taken(&r, "lead", "c"), || format!("an open create's claim did not hold: {r:?}"))?;
    s.abandon(&create_op(&c, "1").id).await.map_err(e)?;
    let r = put(&*s, &at("d", &["lead"], 600, 60)?).await;
    ensure(r.is_ok(), || format!("an abandoned claim stayed: {r:?}"))
}

pub(super) async fn team_change<S: Store>(s: Arc<S>) -> Check {
    let e = |e: StoreError| e.to_string();
    put(&*s, &at("x", &["member"], 0, 60)?).await.map_err(e)?;
    let y = at("y", &["lead"], 0, 60)?;
    put(&*s, &y).await.map_err(e)?;
    // Any change of the people a booking holds is checked again.
    let cmd = super::upload("ref.wav", FileCategory::Reference);
    let (next, events) = advanced(&y, "client", cmd)?;
    let mut grown = Booking::clone(&next);
    let team = at("t", &["lead", "member"], 0, 60)?.revenue_split.clone();
    grown.revenue_split = team;
    let r = s.commit(Commit { expected_version: y.version, ..insert(&Arc::new(grown), &events) }).await;
    ensure(taken(&r, "member", "x"), || format!("adding a busy member gave {r:?}"))?;
    let r = s.commit(Commit { expected_version: y.version, ..insert(&next, &events) }).await;
    ensure(r.is_ok(), || format!("an unchanged slot was checked again: {r:?}"))
}

pub(super) async fn busy<S: Store>(s: Arc<S>) -> Check {
    let e = |e: StoreError| e.to_string();
    for b in [at("a", &["lead", "member"], 0, 60)?, at("b", &["other"], 0, 60)?] {
        put(&*s, &b).await.map_err(e)?;
    }
    let c = at("c", &["member"], 300, 60)?;
    let cancelled = advanced(&c, "client", Command::Cancel { reason: None })?.0;
    put(&*s, &cancelled).await.map_err(e)?;
    let claimed = at("d", &["member"], 600, 60)?;
    s.begin(&create_op(&claimed, "1")).await.map_err(e)?;
    let ids = |v: Vec<Occupancy>| v.into_iter().map(|o| o.booking_id.to_string()).collect::<Vec<_>>();
    let range = |from: i64, to: i64| (t(72) + chrono::TimeDelta::minutes(from), t(72) + chrono::TimeDelta::minutes(to));
    let (from, to) = range(-60, 24 * 60);
    let mut got = ids(s.busy(&["lead".into(), "member".into()], from, to).await.map_err(e)?);
    got.sort();
    ensure(got == ["a", "d"], || format!("lead and member are busy with {got:?}, want a and d"))?;
    let mut got = ids(s.busy(&["member".into(), "other".into()], from, to).await.map_err(e)?);
    got.sort();
    ensure(got == ["a", "b", "d"], || format!("member and other are busy with {got:?}, want a, b and d"))?;
    // The buffered span counts: a's [0, 60) min reaches 90 with its buffer.
    let (from, to) = range(89, 95);
    let got = ids(s.busy(&["lead".into()], from, to).await.map_err(e)?);
    ensure(got == ["a"], || format!("inside a's buffer: {got:?}"))?;
    let (from, to) = range(90, 95);
    let got = ids(s.busy(&["lead".into()], from, to).await.map_err(e)?);
    ensure(got.is_empty(), || format!("past a's buffer: {got:?}"))
}

pub(super) async fn catalog<S: Store>(s: Arc<S>) -> Check {
    let e = |e: StoreError| e.to_string();
    let usd = |a: &str| Money::parse(&format!("{a} USD")).map_err(|e| e.to_string());
    let services = vec![
        Service::new("s1", "p1", "Mix", "mixing", usd("100")?, 60).with_tags(["hip-hop"]),
        Service::new("s2", "p2", "Analog mix", "Mixing", usd("150")?, 60).with_tags(["hip-hop", "analog"]),
        Service::new("s3", "p3", "Vocals", "vocals", usd("80")?, 60),
        Service::new("s4", "p4", "Mix EU", "mixing", Money::parse("90 EUR").map_err(|e| e.to_string())?, 60),
        Service::new("s5", "p5", "Night mix", "mixing", usd("100")?, 60),
    ];
    for service in &services {
        s.put_service(service).await.map_err(e)?;
    }
    let got = s.service(&"s2".into()).await.map_err(e)?;
    ensure(got.as_ref() == Some(&services[1]), || format!("s2 read back as {got:?}"))?;
    ensure(s.service(&"none".into()).await.map_err(e)?.is_none(), || "found a service never stored".into())?;
    // p1 works Thursdays 09:00-12:00 UTC; p5 nights only; p2 is booked at
    // hour 72 (Thursday 09:00).
    let hours = |w: &str| Availability::new("UTC")?.with_hours(&[chrono::Weekday::Thu], &[w]);
    let mut availability = HashMap::new();
    availability.insert(UserId::from("p1"), hours("09:00-12:00").map_err(|e| e.to_string())?);
    availability.insert(UserId::from("p5"), hours("20:00-23:00").map_err(|e| e.to_string())?);
    for (user, a) in &availability {
        s.put_availability(user, a).await.map_err(e)?;
    }
    let got = s.availability(&"p1".into()).await.map_err(e)?;
    ensure(got.as_ref() == availability.get(&UserId::from("p1")), || format!("p1's hours read back as {got:?}"))?;
    let booked = at("busy", &["p2"], 0, 60)?;
    put(&*s, &booked).await.map_err(e)?;
    let busy = [Occupancy::of(&booked).ok_or("a new booking holds no time")?];
    let queries = [
        ServiceQuery::default().in_category("MIXING"),
        ServiceQuery::default().with_tags(&["analog"]),
        ServiceQuery::default().priced_between(None, Some(usd("120")?)).sorted_by(ServiceSort::PriceAscending),
        ServiceQuery::default().sorted_by(ServiceSort::PriceDescending).page(1, 2),
        ServiceQuery::default().in_category("mixing").free_at(t(72)),
        ServiceQuery { exclude_provider: Some("p1".into()), ..ServiceQuery::default().free_at(t(72)) },
        ServiceQuery { free_at: Some(FreeAt::new(t(72) + chrono::TimeDelta::minutes(91))), ..ServiceQuery::default() },
        ServiceQuery::default().rated_at_least(1.into()),
    ];
    for q in queries {
        let got = s.search_services(&q).await.map_err(e)?;
        let free = |svc: &&Service| {
            let others: &[Occupancy] = if svc.provider_id.as_str() == "p2" { &busy } else { &[] };
            q.free_at.is_none_or(|f| f.fits(svc, availability.get(&svc.provider_id), others))
        };
        let want = q.apply(services.iter().filter(free).map(|svc| (svc, RatingSummary::default())));
        let ids =
            |p: &crate::Page<crate::ServiceHit>| p.items.iter().map(|h| h.service.id.to_string()).collect::<Vec<_>>();
        ensure(ids(&got) == ids(&want) && got.total == want.total, || {
            format!("{q:?}: got {:?} of {}, want {:?} of {}", ids(&got), got.total, ids(&want), want.total)
        })?;
    }
    Ok(())
}

pub(super) async fn ratings<S: Store>(s: Arc<S>) -> Check {
    let e = |e: StoreError| e.to_string();
    let mut b = at("rated", &["lead"], 0, 60)?;
    put(&*s, &b).await.map_err(e)?;
    let final_file = super::upload("final.wav", FileCategory::Final);
    let steps = [
        ("lead", Command::Confirm),
        ("lead", Command::Start),
        ("lead", final_file),
        ("lead", Command::Deliver),
        ("client", Command::Approve),
        ("client", Command::Review { rating: 4, text: "great".into() }),
        ("lead", Command::Review { rating: 2, text: "late notes".into() }),
    ];
    for (actor, command) in steps {
        let (next, events) = advanced(&b, actor, command)?;
        s.commit(Commit { expected_version: b.version, ..insert(&next, &events) }).await.map_err(e)?;
        b = next;
    }
    let lead = s.rating(&"lead".into()).await.map_err(e)?;
    ensure(lead == RatingSummary { distribution: [0, 0, 0, 1, 0] }, || format!("the lead's rating is {lead:?}"))?;
    let unknown = s.rating(&UserId::from("nobody")).await.map_err(e)?;
    ensure(unknown.count() == 0, || format!("a stranger is rated {unknown:?}"))
}
