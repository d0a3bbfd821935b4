//! The per-booking double-entry ledger (SPEC E1, E4).
//!
//! Every money movement is one [`LedgerEntry`]: `amount` moves from one
//! [`Account`] to another, so every entry balances by construction and the
//! balances of all accounts always sum to zero. The client account goes
//! negative as the client pays in; the escrow account never does.

use std::sync::Arc;

use serde::{Deserialize, Serialize};

use crate::currency::Currency;
use crate::ids::{IdempotencyKey, UserId};
use crate::money::Money;

/// An account in a booking's ledger.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(tag = "kind", content = "userId", rename_all = "kebab-case")]
pub enum Account {
    /// The client's card: money comes from here and refunds go back.
    Client,
    /// Funds captured and held for the booking.
    Escrow,
    /// The platform's fee.
    Platform,
    /// Released to the team but not yet distributed (`autoSplit: false`).
    TeamPending,
    /// Paid out to one team member.
    Member(UserId),
}

impl std::fmt::Display for Account {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Account::Client => f.write_str("client"),
            Account::Escrow => f.write_str("escrow"),
            Account::Platform => f.write_str("platform"),
            Account::TeamPending => f.write_str("team pending"),
            Account::Member(u) => write!(f, "member {u}"),
        }
    }
}

/// One balanced movement of money.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct LedgerEntry {
    /// Where the money comes from.
    pub from: Account,
    /// Where it goes.
    pub to: Account,
    /// How much; always positive.
    pub amount: Money,
    /// The idempotency key of the payment step that moved it (E5).
    pub key: IdempotencyKey,
}

/// A booking's ledger.
///
/// ```
/// use booking_core::{Account, Currency, Ledger, LedgerEntry, Money};
/// let mut ledger = Ledger::new(Currency::USD);
/// let usd = |m| Money::from_minor(m, Currency::USD);
/// ledger.post(LedgerEntry { from: Account::Client, to: Account::Escrow, amount: usd(1000), key: "k1".into() })?;
/// ledger.post(LedgerEntry { from: Account::Escrow, to: Account::Platform, amount: usd(100), key: "k2".into() })?;
/// assert_eq!(ledger.balance(&Account::Escrow), 900);
/// assert!(ledger.post(LedgerEntry { from: Account::Escrow, to: Account::Client, amount: usd(901), key: "k3".into() }).is_err());
/// # Ok::<(), booking_core::LedgerError>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Ledger {
    currency: Currency,
    /// Shared by clones (every command clones its booking, and most post
    /// nothing); a post to a shared ledger copies it first.
    entries: Arc<Vec<LedgerEntry>>,
}

/// A posting the ledger refuses.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum LedgerError {
    /// Zero or negative amount.
    #[error("ledger entries move a positive amount, got {0}")]
    NonPositive(Money),
    /// Wrong currency.
    #[error("ledger is in {ledger}, entry is in {entry}")]
    Currency {
        /// The ledger's currency.
        ledger: Currency,
        /// The entry's currency.
        entry: Currency,
    },
    /// The ledger's total volume would not fit in 64-bit minor units.
    #[error("ledger overflow: the total moved would not fit in 64-bit minor units")]
    Overflow,
    /// The entry would overdraw escrow or the team's pending balance.
    #[error("posting {amount} from {account:?} would overdraw it (balance {balance})")]
    Overdraw {
        /// The account.
        account: Account,
        /// The entry's amount.
        amount: Money,
        /// The balance before the entry.
        balance: i64,
    },
}

impl LedgerError {
    /// The stable machine code.
    ///
    /// ```
    /// # use booking_core::*;
    /// let mut l = Ledger::new(Currency::USD);
    /// let e = LedgerEntry { from: Account::Escrow, to: Account::Client, amount: Money::from_minor(1, Currency::USD), key: "k".into() };
    /// assert_eq!(l.post(e).unwrap_err().code(), "escrow.overdraw");
    /// ```
    pub fn code(&self) -> &'static str {
        match self {
            LedgerError::NonPositive(_) => "escrow.non_positive",
            LedgerError::Currency { .. } => "escrow.currency_mismatch",
            LedgerError::Overdraw { .. } => "escrow.overdraw",
            LedgerError::Overflow => "escrow.overflow",
        }
    }
}

impl Ledger {
    /// An empty ledger in `currency`.
    ///
    /// ```
    /// assert!(booking_core::Ledger::new(booking_core::Currency::EUR).entries().is_empty());
    /// ```
    pub fn new(currency: Currency) -> Ledger {
        Ledger { currency, entries: Arc::default() }
    }

    /// Appends an entry. Refuses non-positive amounts, another currency,
    /// and anything that would take escrow or the team's pending balance
    /// below zero (E1).
    ///
    /// ```
    /// # use booking_core::*;
    /// let mut l = Ledger::new(Currency::USD);
    /// let e = LedgerEntry { from: Account::Client, to: Account::Escrow, amount: Money::from_minor(0, Currency::USD), key: "k".into() };
    /// assert_eq!(l.post(e).unwrap_err().code(), "escrow.non_positive");
    /// ```
    pub fn post(&mut self, entry: LedgerEntry) -> Result<(), LedgerError> {
        if entry.amount.currency() != self.currency {
            return Err(LedgerError::Currency { ledger: self.currency, entry: entry.amount.currency() });
        }
        if entry.amount.minor() <= 0 {
            return Err(LedgerError::NonPositive(entry.amount));
        }
        let volume: i128 = self.entries.iter().map(|e| i128::from(e.amount.minor())).sum();
        if volume + i128::from(entry.amount.minor()) > i128::from(i64::MAX) {
            // Every balance and flow is bounded by the total volume, so
            // keeping that in range means no sum can overflow.
            return Err(LedgerError::Overflow);
        }
        if matches!(entry.from, Account::Escrow | Account::TeamPending) {
            let balance = self.balance(&entry.from);
            if balance < entry.amount.minor() {
                return Err(LedgerError::Overdraw { account: entry.from, amount: entry.amount, balance });
            }
        }
        // `Arc::make_mut` with room to grow: its copy would be exactly full,
        // and the push would then reallocate it at once.
        match Arc::get_mut(&mut self.entries) {
            Some(entries) => entries.push(entry),
            None => {
                let mut entries = Vec::with_capacity(self.entries.len() + 4);
                entries.extend(self.entries.iter().cloned());
                entries.push(entry);
                self.entries = Arc::new(entries);
            }
        }
        Ok(())
    }

    /// The entries, oldest first.
    ///
    /// ```
    /// # use booking_core::*;
    /// assert_eq!(Ledger::new(Currency::USD).entries().len(), 0);
    /// ```
    pub fn entries(&self) -> &[LedgerEntry] {
        &self.entries
    }

    /// The ledger's currency.
    ///
    /// ```
    /// # use booking_core::*;
    /// assert_eq!(Ledger::new(Currency::JPY).currency(), Currency::JPY);
    /// ```
    pub fn currency(&self) -> Currency {
        self.currency
    }

    /// Balance of an account in minor units: what came in minus what went out.
    ///
    /// ```
    /// # use booking_core::*;
    /// assert_eq!(Ledger::new(Currency::USD).balance(&Account::Escrow), 0);
    /// ```
    pub fn balance(&self, account: &Account) -> i64 {
        self.entries.iter().fold(0, |acc, e| {
            let inflow = if &e.to == account { e.amount.minor() } else { 0 };
            let outflow = if &e.from == account { e.amount.minor() } else { 0 };
            acc + inflow - outflow
        })
    }

    fn flow(&self, pred: impl Fn(&LedgerEntry) -> bool) -> Money {
        let minor = self.entries.iter().filter(|e| pred(e)).map(|e| e.amount.minor()).sum();
        Money::from_minor(minor, self.currency)
    }

    /// Captured into escrow from the client.
    ///
    /// ```
    /// # use booking_core::*;
    /// assert!(Ledger::new(Currency::USD).captured().is_zero());
    /// ```
    pub fn captured(&self) -> Money {
        self.flow(|e| e.from == Account::Client && e.to == Account::Escrow)
    }

    /// Refunded from escrow to the client.
    ///
    /// ```
    /// # use booking_core::*;
    /// assert!(Ledger::new(Currency::USD).refunded().is_zero());
    /// ```
    pub fn refunded(&self) -> Money {
        self.flow(|e| e.from == Account::Escrow && e.to == Account::Client)
    }

    /// Released from escrow to the team (members or the pending balance).
    ///
    /// ```
    /// # use booking_core::*;
    /// assert!(Ledger::new(Currency::USD).released().is_zero());
    /// ```
    pub fn released(&self) -> Money {
        self.flow(|e| e.from == Account::Escrow && matches!(e.to, Account::Member(_) | Account::TeamPending))
    }

    /// Taken by the platform as its fee.
    ///
    /// ```
    /// # use booking_core::*;
    /// assert!(Ledger::new(Currency::USD).fees().is_zero());
    /// ```
    pub fn fees(&self) -> Money {
        self.flow(|e| e.to == Account::Platform)
    }

    /// What escrow holds now.
    ///
    /// ```
    /// # use booking_core::*;
    /// assert!(Ledger::new(Currency::USD).escrow().is_zero());
    /// ```
    pub fn escrow(&self) -> Money {
        Money::from_minor(self.balance(&Account::Escrow), self.currency)
    }

    /// What has been paid to one member.
    ///
    /// ```
    /// # use booking_core::*;
    /// assert!(Ledger::new(Currency::USD).paid_to(&"u".into()).is_zero());
    /// ```
    pub fn paid_to(&self, user: &UserId) -> Money {
        self.flow(|e| matches!(&e.to, Account::Member(u) if u == user))
    }

    /// The E1/E4 invariants: escrow and the team's pending balance are not
    /// negative, and released + refunded + fee + escrow = captured. Returns
    /// a description of the first one broken.
    ///
    /// ```
    /// # use booking_core::*;
    /// assert_eq!(Ledger::new(Currency::USD).check(), Ok(()));
    /// ```
    pub fn check(&self) -> Result<(), String> {
        let escrow = self.balance(&Account::Escrow);
        if escrow < 0 || self.balance(&Account::TeamPending) < 0 {
            return Err(format!("negative escrow or pending balance: {escrow}"));
        }
        let out = self.released().minor() + self.refunded().minor() + self.fees().minor() + escrow;
        if out != self.captured().minor() {
            return Err(format!("released + refunded + fee + escrow = {out}, captured = {}", self.captured().minor()));
        }
        Ok(())
    }
}

impl<'de> Deserialize<'de> for Ledger {
    /// A ledger read back (from a store, say) is replayed entry by entry, so
    /// a corrupt one is an error rather than a broken invariant.
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        #[derive(Deserialize)]
        struct Repr {
            currency: Currency,
            entries: Vec<LedgerEntry>,
        }
        let repr = Repr::deserialize(d)?;
        let mut ledger = Ledger::new(repr.currency);
        for e in repr.entries {
            ledger.post(e).map_err(serde::de::Error::custom)?;
        }
        Ok(ledger)
    }
}
