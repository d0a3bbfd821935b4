//! When a provider works (SPEC K2): weekly hours in their IANA time zone,
//! with date overrides. Hours are wall-clock times, so 10:00 stays 10:00
//! local across a DST change.
//!
//! Resolving a wall-clock time to an instant (documented choices):
//! - a time that happens twice (fall-back) means its first occurrence;
//! - a time that does not exist (spring-forward gap) means the first
//!   instant after the gap, for a window's bounds; a slot is never offered
//!   at such a time.
//!
//! A window ends at most at `24:00`; a booking must fit inside one window.

use std::collections::BTreeMap;
use std::fmt;

use chrono::{DateTime, Datelike, LocalResult, NaiveDate, NaiveDateTime, TimeDelta, TimeZone, Utc, Weekday};
use chrono_tz::Tz;
use serde::{Deserialize, Serialize};

/// Minutes in a day.
const DAY: u16 = 24 * 60;

/// A configuration error in availability or a slot search, with a stable
/// code.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ScheduleError {
    /// A field is not acceptable.
    #[error("{field} is invalid: {reason}")]
    Invalid {
        /// The field, e.g. `"timeZone"` or `"weekly.mon"`.
        field: String,
        /// What is wrong and how to fix it.
        reason: String,
    },
}

impl ScheduleError {
    /// The stable machine code.
    ///
    /// ```
    /// let e = booking_core::Availability::new("Mars/Olympus").unwrap_err();
    /// assert_eq!(e.code(), "schedule.invalid");
    /// ```
    pub fn code(&self) -> &'static str {
        match self {
            ScheduleError::Invalid { .. } => "schedule.invalid",
        }
    }
}

fn invalid(field: impl Into<String>, reason: impl Into<String>) -> ScheduleError {
    ScheduleError::Invalid { field: field.into(), reason: reason.into() }
}

/// Wall-clock working hours within one day, `[start, end)` in minutes after
/// midnight; written `"10:00-18:00"` (`"24:00"` may end a window).
///
/// ```
/// let w: booking_core::LocalWindow = "09:30-24:00".parse()?;
/// assert_eq!((w.start_minute(), w.end_minute()), (570, 1440));
/// assert_eq!(w.to_string(), "09:30-24:00");
/// # Ok::<(), booking_core::ScheduleError>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct LocalWindow {
    start: u16,
    end: u16,
}

impl LocalWindow {
    /// Minutes after midnight the window opens.
    ///
    /// ```
    /// let w: booking_core::LocalWindow = "01:05-02:00".parse()?;
    /// assert_eq!(w.start_minute(), 65);
    /// # Ok::<(), booking_core::ScheduleError>(())
    /// ```
    pub fn start_minute(&self) -> u16 {
        self.start
    }

    /// Minutes after midnight the window closes (exclusive).
    ///
    /// ```
    /// let w: booking_core::LocalWindow = "01:05-02:00".parse()?;
    /// assert_eq!(w.end_minute(), 120);
    /// # Ok::<(), booking_core::ScheduleError>(())
    /// ```
    pub fn end_minute(&self) -> u16 {
        self.end
    }
}

fn parse_hhmm(text: &str) -> Option<u16> {
    let (h, m) = text.split_once(':')?;
    if h.len() != 2 || m.len() != 2 {
        return None;
    }
    let (h, m): (u16, u16) = (h.parse().ok()?, m.parse().ok()?);
    let minute = h.checked_mul(60)?.checked_add(m)?;
    (m < 60 && minute <= DAY).then_some(minute)
}

impl std::str::FromStr for LocalWindow {
    type Err = ScheduleError;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let parsed = text.split_once('-').and_then(|(a, b)| Some((parse_hhmm(a.trim())?, parse_hhmm(b.trim())?)));
        match parsed {
            Some((start, end)) if start < end => Ok(LocalWindow { start, end }),
            Some(_) => Err(invalid("window", format!("{text:?} must end after it starts"))),
            None => Err(invalid("window", format!("{text:?} is not of the form \"HH:MM-HH:MM\" (00:00 to 24:00)"))),
        }
    }
}

impl fmt::Display for LocalWindow {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (s, e) = (self.start, self.end);
        write!(f, "{:02}:{:02}-{:02}:{:02}", s / 60, s % 60, e / 60, e % 60)
    }
}

const DAY_NAMES: [&str; 7] = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"];

/// A provider's working hours: weekly windows in their IANA time zone,
/// dates that differ (an empty list closes a day), and the grid offered
/// slots start on.
///
/// ```
/// use booking_core::Availability;
/// use chrono::{NaiveDate, Weekday::*};
/// let a = Availability::new("Europe/Berlin")?
///     .with_hours(&[Mon, Tue, Wed, Thu, Fri], &["10:00-13:00", "14:00-18:00"])?
///     .with_override(NaiveDate::from_ymd_opt(2026, 12, 24).unwrap(), &[])?;
/// assert_eq!(a.windows_on(NaiveDate::from_ymd_opt(2026, 12, 23).unwrap()).len(), 2);
/// assert!(a.windows_on(NaiveDate::from_ymd_opt(2026, 12, 24).unwrap()).is_empty());
/// # Ok::<(), booking_core::ScheduleError>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "AvailabilityRepr", into = "AvailabilityRepr")]
pub struct Availability {
    time_zone: Tz,
    weekly: [Vec<LocalWindow>; 7],
    overrides: BTreeMap<NaiveDate, Vec<LocalWindow>>,
    slot_step_minutes: u16,
}

impl Availability {
    /// No hours yet, in the named IANA time zone; slots on a 30-minute grid.
    ///
    /// ```
    /// assert_eq!(booking_core::Availability::new("America/Sao_Paulo")?.time_zone(), "America/Sao_Paulo");
    /// # Ok::<(), booking_core::ScheduleError>(())
    /// ```
    pub fn new(time_zone: &str) -> Result<Availability, ScheduleError> {
        let tz: Tz = time_zone
            .parse()
            .map_err(|_| invalid("timeZone", format!("{time_zone:?} is not an IANA time zone name")))?;
        Ok(Availability {
            time_zone: tz,
            weekly: Default::default(),
            overrides: BTreeMap::new(),
            slot_step_minutes: 30,
        })
    }

    /// Sets the windows of these weekdays (replacing what they had).
    ///
    /// ```
    /// use chrono::Weekday;
    /// let a = booking_core::Availability::new("UTC")?.with_hours(&[Weekday::Sat], &["10:00-12:00"])?;
    /// assert_eq!(a.weekly(Weekday::Sat)[0].to_string(), "10:00-12:00");
    /// # Ok::<(), booking_core::ScheduleError>(())
    /// ```
    pub fn with_hours(mut self, days: &[Weekday], windows: &[&str]) -> Result<Availability, ScheduleError> {
        let windows = parse_day(windows)?;
        for day in days {
            self.weekly[day.num_days_from_monday() as usize] = windows.clone();
        }
        Ok(self)
    }

    /// Gives one date its own windows (none: closed that day).
    ///
    /// ```
    /// use chrono::NaiveDate;
    /// let d = NaiveDate::from_ymd_opt(2026, 8, 1).unwrap();
    /// let a = booking_core::Availability::new("UTC")?.with_override(d, &["08:00-09:00"])?;
    /// assert_eq!(a.windows_on(d).len(), 1);
    /// # Ok::<(), booking_core::ScheduleError>(())
    /// ```
    pub fn with_override(mut self, date: NaiveDate, windows: &[&str]) -> Result<Availability, ScheduleError> {
        self.overrides.insert(date, parse_day(windows)?);
        Ok(self)
    }

    /// Offers slots every `minutes` from each window's start (5 to 720).
    ///
    /// ```
    /// assert_eq!(booking_core::Availability::new("UTC")?.with_slot_step(15)?.slot_step_minutes(), 15);
    /// assert!(booking_core::Availability::new("UTC")?.with_slot_step(1).is_err());
    /// # Ok::<(), booking_core::ScheduleError>(())
    /// ```
    pub fn with_slot_step(mut self, minutes: u16) -> Result<Availability, ScheduleError> {
        if !(5..=720).contains(&minutes) {
            return Err(invalid("slotStepMinutes", format!("must be 5 to 720, got {minutes}")));
        }
        self.slot_step_minutes = minutes;
        Ok(self)
    }

    /// The IANA name of the time zone.
    ///
    /// ```
    /// assert_eq!(booking_core::Availability::new("Asia/Tokyo")?.time_zone(), "Asia/Tokyo");
    /// # Ok::<(), booking_core::ScheduleError>(())
    /// ```
    pub fn time_zone(&self) -> &'static str {
        self.time_zone.name()
    }

    /// The grid offered slots start on, in minutes.
    ///
    /// ```
    /// assert_eq!(booking_core::Availability::new("UTC")?.slot_step_minutes(), 30);
    /// # Ok::<(), booking_core::ScheduleError>(())
    /// ```
    pub fn slot_step_minutes(&self) -> u16 {
        self.slot_step_minutes
    }

    /// The weekly windows of a weekday.
    ///
    /// ```
    /// assert!(booking_core::Availability::new("UTC")?.weekly(chrono::Weekday::Sun).is_empty());
    /// # Ok::<(), booking_core::ScheduleError>(())
    /// ```
    pub fn weekly(&self, day: Weekday) -> &[LocalWindow] {
        &self.weekly[day.num_days_from_monday() as usize]
    }

    /// The windows of a date: its override if it has one, else its weekday's.
    ///
    /// ```
    /// use chrono::{NaiveDate, Weekday};
    /// let a = booking_core::Availability::new("UTC")?.with_hours(&[Weekday::Mon], &["09:00-10:00"])?;
    /// assert_eq!(a.windows_on(NaiveDate::from_ymd_opt(2026, 11, 30).unwrap()).len(), 1); // a Monday
    /// # Ok::<(), booking_core::ScheduleError>(())
    /// ```
    pub fn windows_on(&self, date: NaiveDate) -> &[LocalWindow] {
        match self.overrides.get(&date) {
            Some(windows) => windows,
            None => self.weekly(date.weekday()),
        }
    }

    /// The local wall-clock time of an instant.
    ///
    /// ```
    /// use chrono::{TimeZone, Utc};
    /// let a = booking_core::Availability::new("Europe/Berlin")?;
    /// let t = a.local(Utc.with_ymd_and_hms(2026, 7, 1, 8, 0, 0).unwrap());
    /// assert_eq!(t.to_string(), "2026-07-01 10:00:00");
    /// # Ok::<(), booking_core::ScheduleError>(())
    /// ```
    pub fn local(&self, at: DateTime<Utc>) -> NaiveDateTime {
        at.with_timezone(&self.time_zone).naive_local()
    }

    /// The instant a wall-clock time names, if it exists: the first
    /// occurrence of a repeated time, `None` inside a spring-forward gap.
    ///
    /// ```
    /// use chrono::NaiveDate;
    /// let a = booking_core::Availability::new("Europe/Berlin")?;
    /// let gap = NaiveDate::from_ymd_opt(2026, 3, 29).unwrap().and_hms_opt(2, 30, 0).unwrap();
    /// assert!(a.instant(gap).is_none());
    /// let twice = NaiveDate::from_ymd_opt(2026, 10, 25).unwrap().and_hms_opt(2, 30, 0).unwrap();
    /// assert_eq!(a.instant(twice).unwrap().to_rfc3339(), "2026-10-25T00:30:00+00:00"); // CEST, the first
    /// # Ok::<(), booking_core::ScheduleError>(())
    /// ```
    pub fn instant(&self, local: NaiveDateTime) -> Option<DateTime<Utc>> {
        match self.time_zone.from_local_datetime(&local) {
            LocalResult::Single(t) => Some(t.with_timezone(&Utc)),
            LocalResult::Ambiguous(a, b) => Some(a.min(b).with_timezone(&Utc)),
            LocalResult::None => None,
        }
    }

    /// The instant a window bound names: like [`instant`](Self::instant),
    /// but a time in a gap moves to the first minute after the gap.
    fn bound(&self, date: NaiveDate, minute: u16) -> Option<DateTime<Utc>> {
        let midnight = date.and_hms_opt(0, 0, 0)?;
        let mut local = midnight.checked_add_signed(TimeDelta::minutes(i64::from(minute)))?;
        // Real gaps last an hour or two; a day is a generous bound.
        for _ in 0..=DAY {
            if let Some(t) = self.instant(local) {
                return Some(t);
            }
            local = local.checked_add_signed(TimeDelta::minutes(1))?;
        }
        None
    }

    /// The instants `[open, close)` a window spans on a date.
    pub(crate) fn window_span(&self, date: NaiveDate, w: LocalWindow) -> Option<(DateTime<Utc>, DateTime<Utc>)> {
        Some((self.bound(date, w.start)?, self.bound(date, w.end)?))
    }

    /// `true` when `[start, end)` lies inside one window.
    ///
    /// ```
    /// use chrono::{TimeDelta, TimeZone, Utc, Weekday};
    /// let a = booking_core::Availability::new("Europe/London")?.with_hours(&[Weekday::Wed], &["10:00-12:00"])?;
    /// let start = Utc.with_ymd_and_hms(2026, 7, 1, 9, 0, 0).unwrap(); // 10:00 BST, a Wednesday
    /// assert!(a.covers(start, start + TimeDelta::hours(2)));
    /// assert!(!a.covers(start, start + TimeDelta::hours(3)));
    /// # Ok::<(), booking_core::ScheduleError>(())
    /// ```
    pub fn covers(&self, start: DateTime<Utc>, end: DateTime<Utc>) -> bool {
        let date = self.local(start).date();
        [date.pred_opt(), Some(date)].into_iter().flatten().any(|d| {
            self.windows_on(d).iter().any(|w| {
                self.window_span(d, *w).is_some_and(|(open, close)| open <= start && end <= close && start < end)
            })
        })
    }

    /// Slot starts on the grid whose session of `length` fits in a window,
    /// from the local date of `from` to that of `to` (both included), in
    /// time order. Never a time inside a gap; a repeated time once.
    pub(crate) fn grid(&self, from: DateTime<Utc>, to: DateTime<Utc>, length: TimeDelta) -> Vec<DateTime<Utc>> {
        let mut out = Vec::new();
        let (first, last) = (self.local(from).date(), self.local(to).date());
        let step = TimeDelta::minutes(i64::from(self.slot_step_minutes));
        for date in first.iter_days().take_while(|d| *d <= last) {
            for w in self.windows_on(date) {
                let Some((open, close)) = self.window_span(date, *w) else { continue };
                let Some(mut local) = date.and_hms_opt(0, 0, 0) else { continue };
                local += TimeDelta::minutes(i64::from(w.start));
                let span = TimeDelta::minutes(i64::from(w.end - w.start));
                let end = local + span;
                // Same offset at both ends (real zones change at most once a
                // window): every grid time maps by plain addition.
                let steady = close - open == span && self.local(open) == local;
                let first = local;
                while local < end {
                    let t = if steady { Some(open + (local - first)) } else { self.instant(local) };
                    if let Some(t) = t {
                        if open <= t && t + length <= close && out.last().is_none_or(|prev| *prev < t) {
                            out.push(t);
                        }
                    }
                    local += step;
                }
            }
        }
        out
    }
}

fn parse_day(windows: &[&str]) -> Result<Vec<LocalWindow>, ScheduleError> {
    let mut parsed = windows.iter().map(|w| w.parse()).collect::<Result<Vec<LocalWindow>, _>>()?;
    parsed.sort();
    if let Some(pair) = parsed.windows(2).find(|p| p[1].start < p[0].end) {
        return Err(invalid("windows", format!("{} and {} overlap; merge them", pair[0], pair[1])));
    }
    Ok(parsed)
}

#[derive(Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
struct AvailabilityRepr {
    time_zone: String,
    #[serde(default)]
    weekly: BTreeMap<String, Vec<String>>,
    #[serde(default)]
    overrides: BTreeMap<NaiveDate, Vec<String>>,
    #[serde(default = "thirty")]
    slot_step_minutes: u16,
}

fn thirty() -> u16 {
    30
}

impl TryFrom<AvailabilityRepr> for Availability {
    type Error = ScheduleError;

    fn try_from(repr: AvailabilityRepr) -> Result<Self, Self::Error> {
        let mut a = Availability::new(&repr.time_zone)?.with_slot_step(repr.slot_step_minutes)?;
        for (day, windows) in &repr.weekly {
            let i = DAY_NAMES.iter().position(|d| d.eq_ignore_ascii_case(day));
            let i = i.ok_or_else(|| invalid(format!("weekly.{day}"), "days are mon, tue, wed, thu, fri, sat, sun"))?;
            let windows: Vec<&str> = windows.iter().map(String::as_str).collect();
            a.weekly[i] = parse_day(&windows).map_err(|e| invalid(format!("weekly.{day}"), e.to_string()))?;
        }
        for (date, windows) in &repr.overrides {
            let windows: Vec<&str> = windows.iter().map(String::as_str).collect();
            a = a.with_override(*date, &windows)?;
        }
        Ok(a)
    }
}

impl From<Availability> for AvailabilityRepr {
    fn from(a: Availability) -> Self {
        let strings = |ws: &[LocalWindow]| ws.iter().map(ToString::to_string).collect();
        AvailabilityRepr {
            time_zone: a.time_zone.name().to_owned(),
            weekly: DAY_NAMES
                .iter()
                .zip(&a.weekly)
                .filter(|(_, ws)| !ws.is_empty())
                .map(|(d, ws)| ((*d).to_owned(), strings(ws)))
                .collect(),
            overrides: a.overrides.iter().map(|(d, ws)| (*d, strings(ws))).collect(),
            slot_step_minutes: a.slot_step_minutes,
        }
    }
}
