//! Any key-value store with compare-and-set becomes a booking [`Store`](crate::Store):
//! implement the three methods of [`Kv`] (a versioned get, a prefix scan,
//! and an all-or-nothing batch of conditional writes) and wrap it in a
//! [`KvStore`], which keeps every rule of the [`Store`](crate::Store) contract (versions,
//! operation leases, claims on slots, idempotency records, chat sequence
//! numbers) on top of those writes. The conformance suite passes on it.
//!
//! This is how stores written in other languages plug in (the Python
//! package's stores are `Kv`s). Queries, discovery, ratings and metrics
//! scan the bookings: fine for thousands, slow for millions, where a store
//! of its own (implementing [`Store`](crate::Store) over indexes) is the better fit.

use std::collections::BTreeMap;
use std::sync::Mutex;

use async_trait::async_trait;

use crate::ports::StoreError;

mod store;
pub use store::KvStore;

/// A value and its version (1 for a new key, one more on each write).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Versioned {
    /// The version.
    pub version: u64,
    /// The value (JSON text).
    pub value: String,
}

/// One conditional write; `expected` is the key's current version, 0 when
/// it must be absent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Write {
    /// Sets the key (its version becomes `expected + 1`).
    Put {
        /// The key.
        key: String,
        /// Its version now.
        expected: u64,
        /// The new value.
        value: String,
    },
    /// Removes the key.
    Delete {
        /// The key.
        key: String,
        /// Its version now.
        expected: u64,
    },
    /// Writes nothing; the batch fails unless the key is at `expected`.
    Check {
        /// The key.
        key: String,
        /// Its version now.
        expected: u64,
    },
}

impl Write {
    /// The key written or checked.
    ///
    /// ```
    /// let w = booking_core::Write::Check { key: "k".into(), expected: 0 };
    /// assert_eq!(w.key(), "k");
    /// ```
    pub fn key(&self) -> &str {
        match self {
            Write::Put { key, .. } | Write::Delete { key, .. } | Write::Check { key, .. } => key,
        }
    }

    /// The version the key must be at.
    ///
    /// ```
    /// let w = booking_core::Write::Delete { key: "k".into(), expected: 3 };
    /// assert_eq!(w.expected(), 3);
    /// ```
    pub fn expected(&self) -> u64 {
        match self {
            Write::Put { expected, .. } | Write::Delete { expected, .. } | Write::Check { expected, .. } => *expected,
        }
    }
}

/// A key-value store with compare-and-set. Every method is one atomic
/// step; [`Kv::write`] applies all of its writes or none.
#[async_trait]
pub trait Kv: Send + Sync {
    /// The value at `key`.
    async fn get(&self, key: &str) -> Result<Option<Versioned>, StoreError>;
    /// Every key starting with `prefix`, in key order.
    async fn scan(&self, prefix: &str) -> Result<Vec<(String, Versioned)>, StoreError>;
    /// Applies the batch if every key is at its expected version and
    /// returns `true`; otherwise writes nothing and returns `false`.
    async fn write(&self, batch: Vec<Write>) -> Result<bool, StoreError>;
}

/// A [`Kv`] in memory: the reference for other implementations.
///
/// ```
/// use booking_core::{Kv, MemoryKv, Write};
/// # tokio::runtime::Builder::new_current_thread().build().unwrap().block_on(async {
/// let kv = MemoryKv::default();
/// assert!(kv.write(vec![Write::Put { key: "a".into(), expected: 0, value: "1".into() }]).await?);
/// assert!(!kv.write(vec![Write::Put { key: "a".into(), expected: 0, value: "2".into() }]).await?);
/// assert_eq!(kv.get("a").await?.unwrap().version, 1);
/// # Ok::<(), booking_core::StoreError>(()) }).unwrap();
/// ```
#[derive(Default)]
pub struct MemoryKv {
    map: Mutex<BTreeMap<String, Versioned>>,
}

impl MemoryKv {
    fn map(&self) -> Result<std::sync::MutexGuard<'_, BTreeMap<String, Versioned>>, StoreError> {
        self.map.lock().map_err(|_| StoreError::Unavailable { message: "the key-value map's lock is poisoned".into() })
    }
}

#[async_trait]
impl Kv for MemoryKv {
    async fn get(&self, key: &str) -> Result<Option<Versioned>, StoreError> {
        Ok(self.map()?.get(key).cloned())
    }

    async fn scan(&self, prefix: &str) -> Result<Vec<(String, Versioned)>, StoreError> {
        let map = self.map()?;
        Ok(map
            .range(prefix.to_owned()..)
            .take_while(|(k, _)| k.starts_with(prefix))
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect())
    }

    async fn write(&self, batch: Vec<Write>) -> Result<bool, StoreError> {
        let mut map = self.map()?;
        if batch.iter().any(|w| map.get(w.key()).map_or(0, |v| v.version) != w.expected()) {
            return Ok(false);
        }
        for w in batch {
            match w {
                Write::Put { key, expected, value } => {
                    map.insert(key, Versioned { version: expected + 1, value });
                }
                Write::Delete { key, .. } => {
                    map.remove(&key);
                }
                Write::Check { .. } => {}
            }
        }
        Ok(true)
    }
}
