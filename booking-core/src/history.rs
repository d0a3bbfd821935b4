//! A booking's event history: append-only, cheap to clone.
//!
//! Events live in shared chunks, each linked to the ones before it. A
//! booking that owns its newest chunk alone appends in place; a clone
//! shares every chunk (cloning copies one pointer, not the events) and
//! starts a chunk of its own on its next append. Services and bindings
//! clone a booking for every command, pure-core callers rarely do: both
//! stay cheap.

use std::fmt;
use std::ops::Index;
use std::sync::Arc;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::event::Event;

/// The events of one booking, oldest first.
///
/// ```
/// use booking_core::*;
/// use chrono::{TimeDelta, TimeZone, Utc};
/// let now = Utc.with_ymd_and_hms(2026, 6, 1, 9, 0, 0).unwrap();
/// let (b, _) = Booking::create(NewBooking::solo("b", "c", "p", Money::parse("1 USD")?, now + TimeDelta::days(3), 90), now)?;
/// assert_eq!(b.history.len(), 2);
/// assert!(matches!(b.history[0].kind, EventKind::Created { .. }));
/// assert_eq!(b.history.iter().count(), 2);
/// # Ok::<(), booking_core::Error>(())
/// ```
#[derive(Clone, Default)]
pub struct History {
    /// The newest chunk, which links to the older ones.
    newest: Option<Arc<Chunk>>,
    len: usize,
}

/// Events appended together, and the chunks before them.
struct Chunk {
    events: Vec<Event>,
    older: Option<Arc<Chunk>>,
}

impl History {
    /// How many events.
    pub fn len(&self) -> usize {
        self.len
    }

    /// `true` when there are none.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// The chunks, newest first.
    fn chunks(&self) -> impl Iterator<Item = &Chunk> + '_ {
        std::iter::successors(self.newest.as_deref(), |c| c.older.as_deref())
    }

    /// The events, oldest first (reversible).
    pub fn iter(&self) -> impl DoubleEndedIterator<Item = &Event> + '_ {
        self.since(0)
    }

    /// The events, newest first, without gathering the chunks first.
    ///
    /// ```
    /// # use booking_core::*;
    /// # use chrono::{TimeDelta, TimeZone, Utc};
    /// # let now = Utc.with_ymd_and_hms(2026, 6, 1, 9, 0, 0).unwrap();
    /// let (b, _) = Booking::create(NewBooking::solo("b", "c", "p", Money::parse("1 USD")?, now + TimeDelta::days(3), 90), now)?;
    /// assert!(b.history.iter().rev().eq(b.history.newest_first()));
    /// # Ok::<(), booking_core::Error>(())
    /// ```
    pub fn newest_first(&self) -> impl Iterator<Item = &Event> + '_ {
        self.chunks().flat_map(|c| c.events.iter().rev())
    }

    /// The events from position `start` on, oldest first.
    pub fn since(&self, start: usize) -> impl DoubleEndedIterator<Item = &Event> + '_ {
        // Only the chunks that hold those events, gathered newest first,
        // the oldest of them cut to the wanted part.
        let wanted = self.len.saturating_sub(start);
        let (mut chunks, mut gathered) = (Vec::new(), 0);
        for chunk in self.chunks() {
            if gathered >= wanted {
                break;
            }
            chunks.push(chunk.events.as_slice());
            gathered += chunk.events.len();
        }
        if let Some(oldest) = chunks.last_mut() {
            *oldest = &oldest[gathered - wanted..];
        }
        chunks.into_iter().rev().flatten()
    }

    /// The event at `index`.
    pub fn get(&self, index: usize) -> Option<&Event> {
        let mut end = self.len;
        for chunk in self.chunks() {
            let start = end - chunk.events.len();
            if index >= start {
                return chunk.events.get(index - start);
            }
            end = start;
        }
        None
    }

    /// The latest event.
    pub fn last(&self) -> Option<&Event> {
        self.newest.as_ref().and_then(|c| c.events.last())
    }

    /// A copy of every event.
    pub fn to_vec(&self) -> Vec<Event> {
        self.iter().cloned().collect()
    }

    /// Appends, in place when the newest chunk is not shared.
    pub(crate) fn push(&mut self, event: Event) {
        match self.newest.as_mut().and_then(Arc::get_mut) {
            Some(chunk) => chunk.events.push(event),
            None => {
                let mut events = Vec::with_capacity(8);
                events.push(event);
                self.add_chunk(events);
            }
        }
        self.len += 1;
    }

    /// Appends `events` in order: in place when the newest chunk is not
    /// shared, else as a chunk of their own, moved rather than copied.
    pub(crate) fn append(&mut self, mut events: Vec<Event>) {
        if events.is_empty() {
            return;
        }
        self.len += events.len();
        match self.newest.as_mut().and_then(Arc::get_mut) {
            Some(chunk) => chunk.events.append(&mut events),
            None => self.add_chunk(events),
        }
    }

    fn add_chunk(&mut self, events: Vec<Event>) {
        self.newest = Some(Arc::new(Chunk { events, older: self.newest.take() }));
    }
}

impl Drop for History {
    /// Unlinks the chunks one by one: a long chain dropped recursively
    /// could overflow the stack.
    fn drop(&mut self) {
        let mut next = self.newest.take();
        while let Some(chunk) = next {
            next = match Arc::try_unwrap(chunk) {
                Ok(mut chunk) => chunk.older.take(),
                Err(_) => None,
            };
        }
    }
}

impl Index<usize> for History {
    type Output = Event;

    /// Panics when out of range, like a slice.
    #[allow(clippy::panic)]
    fn index(&self, index: usize) -> &Event {
        match self.get(index) {
            Some(e) => e,
            None => panic!("history index {index} out of range for {} events", self.len),
        }
    }
}

impl<'a> IntoIterator for &'a History {
    type Item = &'a Event;
    type IntoIter = Box<dyn Iterator<Item = &'a Event> + 'a>;

    fn into_iter(self) -> Self::IntoIter {
        Box::new(self.iter())
    }
}

impl PartialEq for History {
    fn eq(&self, other: &Self) -> bool {
        self.len == other.len && self.iter().eq(other.iter())
    }
}

impl Eq for History {}

impl fmt::Debug for History {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_list().entries(self.iter()).finish()
    }
}

impl Serialize for History {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_seq(self.iter())
    }
}

impl<'de> Deserialize<'de> for History {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let mut history = History::default();
        history.append(Vec::<Event>::deserialize(d)?);
        Ok(history)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Actor, EventKind};
    use chrono::{TimeZone, Utc};

    fn event(i: i64) -> Event {
        let at = Utc.with_ymd_and_hms(2026, 1, 1, 0, 0, 0).unwrap() + chrono::TimeDelta::seconds(i);
        Event { at, actor: Actor::System, notes: None, kind: EventKind::Delivered }
    }

    #[test]
    fn clones_share_events_and_diverge_on_append() {
        let mut a = History::default();
        for i in 0..3 {
            a.push(event(i));
        }
        assert_eq!(a.chunks().count(), 1, "a sole owner appends in place");
        let mut b = a.clone();
        b.push(event(3));
        a.push(event(4));
        assert_eq!((a.len(), b.len()), (4, 4));
        assert_eq!(a[3].at, event(4).at);
        assert_eq!(b[3].at, event(3).at);
        assert_eq!(b.iter().next_back().map(|e| e.at), Some(event(3).at));
        assert_eq!(b.get(4), None);
        let shared = b.clone();
        b.append(vec![event(5), event(6)]);
        assert_eq!(b.chunks().count(), 3, "after a clone, appended events are a chunk of their own");
        b.append(vec![event(7)]);
        b.append(Vec::new());
        assert_eq!((b.chunks().count(), b.len(), shared.len()), (3, 7, 4), "a sole owner appends in place");
        assert_eq!(b.iter().map(|e| e.at).collect::<Vec<_>>()[4..], [event(5).at, event(6).at, event(7).at]);
        assert_eq!(b.get(6).map(|e| e.at), Some(event(7).at));
        let all = b.to_vec();
        for start in 0..=all.len() + 1 {
            let tail: Vec<&Event> = all.iter().skip(start).collect();
            assert_eq!(b.since(start).collect::<Vec<_>>(), tail, "since({start})");
            assert!(b.since(start).rev().eq(tail.into_iter().rev()), "since({start}) reversed");
        }
        assert!((0..all.len()).all(|i| b.get(i) == Some(&all[i])));
        assert!(b.newest_first().eq(all.iter().rev()));
        let json = serde_json::to_string(&b).unwrap();
        assert_eq!(serde_json::from_str::<History>(&json).unwrap(), b);
    }

    #[test]
    fn a_long_chain_of_chunks_drops_without_recursing() {
        let mut h = History::default();
        for i in 0..200_000 {
            let shared = h.clone();
            h.push(event(i));
            drop(shared);
        }
        assert_eq!((h.chunks().count(), h.len()), (200_000, 200_000));
        assert_eq!(h.get(123_456).map(|e| e.at), Some(event(123_456).at));
        drop(h);
    }
}
