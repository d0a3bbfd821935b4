//! Whether a slot can be booked, and which nearby ones can (SPEC K1, K3,
//! K4). Pure: the caller passes the provider's [`Availability`], the busy
//! time of the people involved and the time now.
//!
//! - K1: a booking occupies `[start, start + duration)` for every member.
//!   Two bookings of one member clash when the gap between them is shorter
//!   than the larger of their two buffers (each booking's policy carries
//!   its buffer).
//! - K3: a slot is refused when it starts sooner than the minimum notice,
//!   later than the maximum advance, outside the lead's availability (a
//!   provider who published none is available at all hours), or when it
//!   clashes with another active booking of any member.
//! - K4: free slots are on the availability's grid (a 30-minute UTC grid
//!   without one), nearest to the asked time first, earlier first on a tie.

use chrono::{DateTime, NaiveDateTime, TimeDelta, Utc};
use serde::{Deserialize, Serialize};

use crate::availability::Availability;
use crate::booking::Booking;
use crate::ids::{BookingId, UserId};
use crate::lifecycle::NewBooking;
use crate::policy::Policy;

/// The time an active booking holds for its members (SPEC K1).
///
/// ```
/// use booking_core::*;
/// use chrono::{TimeDelta, TimeZone, Utc};
/// let now = Utc.with_ymd_and_hms(2026, 6, 1, 9, 0, 0).unwrap();
/// let (b, _) = Booking::create(NewBooking::solo("b", "c", "p", Money::parse("50 USD")?, now + TimeDelta::days(2), 60), now)?;
/// let o = Occupancy::of(&b).unwrap();
/// assert_eq!(o.end - o.start, TimeDelta::minutes(60));
/// assert_eq!(o.buffer, TimeDelta::minutes(30));
/// # Ok::<(), booking_core::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Occupancy {
    /// The booking.
    pub booking_id: BookingId,
    /// Everyone it occupies: the lead and every team member.
    pub members: Vec<UserId>,
    /// Its start.
    pub start: DateTime<Utc>,
    /// Its end (exclusive).
    pub end: DateTime<Utc>,
    /// The gap it needs on each side.
    #[serde(with = "crate::policy::secs")]
    pub buffer: TimeDelta,
}

impl Occupancy {
    /// The time a booking holds, or `None` once it no longer holds any
    /// (declined, cancelled, delivered and beyond).
    ///
    /// ```
    /// # use booking_core::*;
    /// # use chrono::{TimeDelta, TimeZone, Utc};
    /// # let now = Utc.with_ymd_and_hms(2026, 6, 1, 9, 0, 0).unwrap();
    /// let (mut b, _) = Booking::create(NewBooking::solo("b", "c", "p", Money::parse("50 USD")?, now + TimeDelta::days(2), 60), now)?;
    /// b.handle(Request::new(Actor::user("c"), Command::Cancel { reason: None }, now))?;
    /// assert!(Occupancy::of(&b).is_none());
    /// # Ok::<(), booking_core::Error>(())
    /// ```
    pub fn of(booking: &Booking) -> Option<Occupancy> {
        if !booking.status.is_active() {
            return None;
        }
        let start = booking.scheduled_date;
        Some(Occupancy {
            booking_id: booking.id.clone(),
            members: booking.team_members(),
            start,
            end: crate::booking::later(start, TimeDelta::minutes(i64::from(booking.estimated_duration_minutes))),
            buffer: booking.policy.buffer,
        })
    }

    /// `true` when a session `[start, end)` needing `buffer` comes closer
    /// to this one than either buffer allows.
    ///
    /// ```
    /// # use booking_core::*;
    /// # use chrono::{TimeDelta, TimeZone, Utc};
    /// # let now = Utc.with_ymd_and_hms(2026, 6, 1, 9, 0, 0).unwrap();
    /// # let (b, _) = Booking::create(NewBooking::solo("b", "c", "p", Money::parse("50 USD")?, now + TimeDelta::days(2), 60), now)?;
    /// let o = Occupancy::of(&b).unwrap(); // 60 minutes, 30-minute buffer
    /// let after = o.end + TimeDelta::minutes(30);
    /// assert!(!o.clashes(after, after + TimeDelta::hours(1), TimeDelta::zero()));
    /// assert!(o.clashes(after - TimeDelta::minutes(1), after, TimeDelta::zero()));
    /// # Ok::<(), booking_core::Error>(())
    /// ```
    pub fn clashes(&self, start: DateTime<Utc>, end: DateTime<Utc>, buffer: TimeDelta) -> bool {
        let gap = self.buffer.max(buffer);
        start < crate::booking::later(self.end, gap) && self.start < crate::booking::later(end, gap)
    }

    /// `true` when its buffered span `[start - buffer, end + buffer)` meets
    /// `[from, to)`: what a store's `busy` returns (K1).
    ///
    /// ```
    /// # use booking_core::*;
    /// # use chrono::{TimeDelta, TimeZone, Utc};
    /// # let now = Utc.with_ymd_and_hms(2026, 6, 1, 9, 0, 0).unwrap();
    /// # let new = NewBooking::solo("b", "c", "p", Money::parse("1 USD")?, now + TimeDelta::days(3), 60);
    /// # let (b, _) = Booking::create(new, now)?;
    /// let o = Occupancy::of(&b).unwrap(); // 30-minute buffer
    /// assert!(o.meets(o.end, o.end + TimeDelta::minutes(10)));
    /// assert!(!o.meets(o.end + TimeDelta::minutes(30), o.end + TimeDelta::hours(1)));
    /// # Ok::<(), booking_core::Error>(())
    /// ```
    pub fn meets(&self, from: DateTime<Utc>, to: DateTime<Utc>) -> bool {
        self.start.checked_sub_signed(self.buffer).is_none_or(|s| s < to)
            && crate::booking::later(self.end, self.buffer) > from
    }
}

/// A slot to check: when, how long, and the policy's buffer, notice and
/// advance.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Slot {
    /// Start.
    pub start: DateTime<Utc>,
    /// Length.
    pub length: TimeDelta,
    /// Gap needed on each side.
    pub buffer: TimeDelta,
    /// Earliest start, counted from now.
    pub min_notice: TimeDelta,
    /// Latest start, counted from now.
    pub max_advance: TimeDelta,
}

impl Slot {
    /// A slot under a policy.
    ///
    /// ```
    /// use booking_core::{Policy, Slot};
    /// use chrono::{TimeZone, Utc};
    /// let s = Slot::new(Utc.with_ymd_and_hms(2026, 7, 1, 9, 0, 0).unwrap(), 90, &Policy::standard());
    /// assert_eq!(s.length.num_minutes(), 90);
    /// ```
    pub fn new(start: DateTime<Utc>, minutes: u32, policy: &Policy) -> Slot {
        Slot {
            start,
            length: TimeDelta::minutes(i64::from(minutes)),
            buffer: policy.buffer,
            min_notice: policy.min_notice,
            max_advance: policy.max_advance,
        }
    }

    /// The slot a booking request asks for.
    ///
    /// ```
    /// # use booking_core::*;
    /// # use chrono::{TimeZone, Utc};
    /// let at = Utc.with_ymd_and_hms(2026, 7, 1, 9, 0, 0).unwrap();
    /// let new = NewBooking::solo("b", "c", "p", Money::parse("1 USD")?, at, 45);
    /// assert_eq!(Slot::of(&new).start, at);
    /// # Ok::<(), MoneyError>(())
    /// ```
    pub fn of(new: &NewBooking) -> Slot {
        Slot::new(new.scheduled_date, new.estimated_duration_minutes, &new.policy)
    }

    /// Its end.
    ///
    /// ```
    /// # use booking_core::*;
    /// # use chrono::{TimeZone, Utc};
    /// let s = Slot::new(Utc.with_ymd_and_hms(2026, 7, 1, 9, 0, 0).unwrap(), 90, &Policy::standard());
    /// assert_eq!((s.end() - s.start).num_minutes(), 90);
    /// ```
    pub fn end(&self) -> DateTime<Utc> {
        crate::booking::later(self.start, self.length)
    }

    /// The same slot at another time.
    ///
    /// ```
    /// # use booking_core::*;
    /// # use chrono::{TimeDelta, TimeZone, Utc};
    /// let s = Slot::new(Utc.with_ymd_and_hms(2026, 7, 1, 9, 0, 0).unwrap(), 90, &Policy::standard());
    /// assert_eq!(s.at(s.start + TimeDelta::hours(1)).length, s.length);
    /// ```
    pub fn at(self, start: DateTime<Utc>) -> Slot {
        Slot { start, ..self }
    }
}

/// Why a slot cannot be booked (SPEC K3), with a stable code.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error, Serialize, Deserialize)]
#[serde(tag = "reason", rename_all = "kebab-case")]
#[non_exhaustive]
pub enum SlotRefusal {
    /// Sooner than the minimum notice.
    #[error("the slot starts too soon: the earliest bookable start is {earliest}")]
    TooSoon {
        /// The earliest start allowed now.
        earliest: DateTime<Utc>,
    },
    /// Later than the maximum advance.
    #[error("the slot starts too far ahead: the latest bookable start is {latest}")]
    TooFar {
        /// The latest start allowed now.
        latest: DateTime<Utc>,
    },
    /// Not inside one of the lead's availability windows.
    #[error("{local_start} to {local_end} ({time_zone}) is outside the provider's working hours")]
    OutsideHours {
        /// The start, on the provider's wall clock.
        local_start: NaiveDateTime,
        /// The end, on the provider's wall clock.
        local_end: NaiveDateTime,
        /// The provider's time zone.
        time_zone: String,
    },
    /// Too close to another active booking of one of the members.
    #[error("the slot overlaps booking {booking_id} of {member} (buffer included)")]
    Overlaps {
        /// The member who is busy.
        member: UserId,
        /// The booking they are busy with.
        booking_id: BookingId,
    },
}

impl SlotRefusal {
    /// The stable machine code, e.g. `"schedule.overlap"`.
    ///
    /// ```
    /// use booking_core::SlotRefusal;
    /// let r = SlotRefusal::Overlaps { member: "m".into(), booking_id: "b".into() };
    /// assert_eq!(r.code(), "schedule.overlap");
    /// ```
    pub fn code(&self) -> &'static str {
        match self {
            SlotRefusal::TooSoon { .. } => "schedule.too_soon",
            SlotRefusal::TooFar { .. } => "schedule.too_far",
            SlotRefusal::OutsideHours { .. } => "schedule.outside_hours",
            SlotRefusal::Overlaps { .. } => "schedule.overlap",
        }
    }
}

/// Checks a slot for `members` (SPEC K3): notice, advance, the lead's
/// hours, then every member's busy time (`busy` may hold anyone's; only
/// the members' bookings count, and `ignore` is skipped: the booking
/// itself when it is re-checked).
///
/// ```
/// use booking_core::*;
/// use chrono::{TimeDelta, TimeZone, Utc, Weekday};
/// let now = Utc.with_ymd_and_hms(2026, 6, 1, 9, 0, 0).unwrap(); // a Monday
/// let hours = Availability::new("UTC")?.with_hours(&[Weekday::Wed], &["10:00-18:00"])?;
/// let slot = Slot::new(now + TimeDelta::days(2) + TimeDelta::hours(1), 60, &Policy::standard()); // Wed 10:00
/// let me = [UserId::from("p")];
/// assert_eq!(check_slot(&slot, Some(&hours), &[], &me, None, now), Ok(()));
/// let early = slot.at(slot.start - TimeDelta::hours(1));
/// assert_eq!(check_slot(&early, Some(&hours), &[], &me, None, now).unwrap_err().code(), "schedule.outside_hours");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn check_slot(
    slot: &Slot,
    availability: Option<&Availability>,
    busy: &[Occupancy],
    members: &[UserId],
    ignore: Option<&BookingId>,
    now: DateTime<Utc>,
) -> Result<(), SlotRefusal> {
    check_window(slot, availability, now)?;
    let end = slot.end();
    for o in busy {
        if Some(&o.booking_id) == ignore || !o.clashes(slot.start, end, slot.buffer) {
            continue;
        }
        if let Some(member) = members.iter().find(|m| o.members.contains(m)) {
            return Err(SlotRefusal::Overlaps { member: member.clone(), booking_id: o.booking_id.clone() });
        }
    }
    Ok(())
}

/// Notice, advance and hours: everything but other bookings.
fn check_window(slot: &Slot, availability: Option<&Availability>, now: DateTime<Utc>) -> Result<(), SlotRefusal> {
    let earliest = crate::booking::later(now, slot.min_notice);
    if slot.start < earliest {
        return Err(SlotRefusal::TooSoon { earliest });
    }
    let latest = crate::booking::later(now, slot.max_advance);
    if slot.start > latest {
        return Err(SlotRefusal::TooFar { latest });
    }
    match availability {
        Some(a) if !a.covers(slot.start, slot.end()) => Err(SlotRefusal::OutsideHours {
            local_start: a.local(slot.start),
            local_end: a.local(slot.end()),
            time_zone: a.time_zone().to_owned(),
        }),
        _ => Ok(()),
    }
}

/// Up to `limit` free starts for `slot`'s length within `within` of its
/// start, nearest to it first (earlier first on a tie), each of which
/// [`check_slot`] accepts at `now` (SPEC K4).
///
/// ```
/// use booking_core::*;
/// use chrono::{TimeDelta, TimeZone, Utc, Weekday};
/// let now = Utc.with_ymd_and_hms(2026, 6, 1, 9, 0, 0).unwrap(); // a Monday
/// let hours = Availability::new("UTC")?.with_hours(&[Weekday::Wed], &["10:00-12:00"])?;
/// let asked = Slot::new(now + TimeDelta::days(2), 60, &Policy::standard()); // Wed 09:00: too early
/// let free = free_slots(&asked, Some(&hours), &[], &["p".into()], TimeDelta::days(14), 3, now);
/// let times: Vec<String> = free.iter().map(|t| t.format("%a %H:%M").to_string()).collect();
/// assert_eq!(times, ["Wed 10:00", "Wed 10:30", "Wed 11:00"]);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn free_slots(
    slot: &Slot,
    availability: Option<&Availability>,
    busy: &[Occupancy],
    members: &[UserId],
    within: TimeDelta,
    limit: usize,
    now: DateTime<Utc>,
) -> Vec<DateTime<Utc>> {
    let asked = slot.start;
    let from = asked.checked_sub_signed(within).unwrap_or(asked).max(crate::booking::later(now, slot.min_notice));
    let to = crate::booking::later(asked, within).min(crate::booking::later(now, slot.max_advance));
    if from > to || limit == 0 {
        return Vec::new();
    }
    let candidates = match availability {
        Some(a) => a.grid(from, to, slot.length),
        None => utc_grid(from, to),
    };
    // Only the members' bookings matter, in start order. A booking that
    // starts before `start - (longest + widest gap)` cannot reach a slot.
    let mut mine: Vec<&Occupancy> = busy.iter().filter(|o| o.members.iter().any(|m| members.contains(m))).collect();
    mine.sort_by_key(|o| o.start);
    let gap = mine.iter().map(|o| o.buffer).max().unwrap_or_default().max(slot.buffer);
    let longest = mine.iter().map(|o| o.end - o.start).max().unwrap_or_default();
    let mut free: Vec<DateTime<Utc>> = candidates
        .into_iter()
        // Inside `from..=to` meets notice and advance; grid slots fit a window.
        .filter(|t| (from..=to).contains(t))
        .filter(|t| {
            let (s, e) = (*t, crate::booking::later(*t, slot.length));
            let reachable = mine.partition_point(|o| o.start < crate::booking::later(e, gap));
            let horizon = s.checked_sub_signed(longest + gap).unwrap_or(DateTime::<Utc>::MIN_UTC);
            !mine[..reachable].iter().rev().take_while(|o| o.start >= horizon).any(|o| o.clashes(s, e, slot.buffer))
        })
        .collect();
    free.sort_by_key(|t| ((*t - asked).abs(), *t));
    free.truncate(limit);
    free
}

/// Every half hour (on the UTC clock) from `from` to `to`.
fn utc_grid(from: DateTime<Utc>, to: DateTime<Utc>) -> Vec<DateTime<Utc>> {
    let step = 30 * 60;
    let first =
        from.timestamp().div_euclid(step) * step + if from.timestamp().rem_euclid(step) == 0 { 0 } else { step };
    (0..)
        .map(|i| DateTime::from_timestamp(first + i * step, 0))
        .take_while(|t| t.is_some_and(|t| t <= to))
        .flatten()
        .collect()
}
