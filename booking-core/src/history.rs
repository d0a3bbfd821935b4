//! A booking's event history: append-only, cheap to clone.
//!
//! Events live in shared chunks. A booking that owns its last chunk alone
//! appends in place; a clone shares every chunk (cloning copies a few
//! pointers, not the events) and starts a chunk of its own on its next
//! append. Services clone a booking for every command, pure-core callers
//! rarely do: both stay cheap.

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
#[derive(Default)]
pub struct History {
    chunks: Vec<Arc<Vec<Event>>>,
    len: usize,
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

    /// The events, oldest first (reversible).
    pub fn iter(&self) -> impl DoubleEndedIterator<Item = &Event> + '_ {
        self.chunks.iter().flat_map(|chunk| chunk.iter())
    }

    /// The events from position `start` on.
    pub fn since(&self, start: usize) -> impl Iterator<Item = &Event> + '_ {
        self.iter().skip(start)
    }

    /// The event at `index`.
    pub fn get(&self, index: usize) -> Option<&Event> {
        let mut index = index;
        for chunk in &self.chunks {
            match chunk.get(index) {
                Some(e) => return Some(e),
                None => index -= chunk.len(),
            }
        }
        None
    }

    /// The latest event.
    pub fn last(&self) -> Option<&Event> {
        self.chunks.last().and_then(|c| c.last())
    }

    /// A copy of every event.
    pub fn to_vec(&self) -> Vec<Event> {
        self.iter().cloned().collect()
    }

    /// Appends, in place when the last chunk is not shared.
    pub(crate) fn push(&mut self, event: Event) {
        match self.chunks.last_mut().and_then(Arc::get_mut) {
            Some(chunk) => chunk.push(event),
            None => {
                let mut chunk = Vec::with_capacity(8);
                chunk.push(event);
                self.chunks.push(Arc::new(chunk));
            }
        }
        self.len += 1;
    }

    /// Appends `events` in order: in place when the last chunk is not
    /// shared, else as a chunk of their own, moved rather than copied.
    pub(crate) fn append(&mut self, mut events: Vec<Event>) {
        if events.is_empty() {
            return;
        }
        self.len += events.len();
        match self.chunks.last_mut().and_then(Arc::get_mut) {
            Some(chunk) => chunk.append(&mut events),
            None => self.chunks.push(Arc::new(events)),
        }
    }
}

impl Clone for History {
    /// Shares every chunk, with room for the one the clone's next
    /// append adds (a clone is usually made to append to).
    fn clone(&self) -> History {
        let mut chunks = Vec::with_capacity(self.chunks.len() + 1);
        chunks.extend(self.chunks.iter().cloned());
        History { chunks, len: self.len }
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
        let events = Vec::<Event>::deserialize(d)?;
        let len = events.len();
        Ok(History { chunks: if len == 0 { Vec::new() } else { vec![Arc::new(events)] }, len })
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
        assert_eq!(a.chunks.len(), 1, "a sole owner appends in place");
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
        assert_eq!(b.chunks.len(), 3, "after a clone, appended events are a chunk of their own");
        b.append(vec![event(7)]);
        b.append(Vec::new());
        assert_eq!((b.chunks.len(), b.len(), shared.len()), (3, 7, 4), "a sole owner appends in place");
        assert_eq!(b.iter().map(|e| e.at).collect::<Vec<_>>()[4..], [event(5).at, event(6).at, event(7).at]);
        assert_eq!(b.get(6).map(|e| e.at), Some(event(7).at));
        let json = serde_json::to_string(&b).unwrap();
        assert_eq!(serde_json::from_str::<History>(&json).unwrap(), b);
    }
}
