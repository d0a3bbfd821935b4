//! The in-memory store passes the store conformance suite (O3, O4, O5, X6).

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn o4_the_memory_store_passes_the_conformance_suite() {
    let passed = booking_core::testing::check_store(booking_core::MemoryStore::new).await.unwrap();
    assert_eq!(passed, 27);
}

mod common;

use booking_core::*;

/// A store that lets the last writer win: exactly the lost update the
/// suite exists to catch.
#[derive(Default)]
struct LastWriterWins(MemoryStore);

delegate_store!(LastWriterWins, 0, {
    async fn commit(&self, commit: Commit<'_>) -> Result<(), StoreError> {
        let current = self.0.load(&commit.booking.id).await?.map_or(0, |b| b.version);
        let mut forced = Booking::clone(commit.booking);
        forced.version = current + commit.events.len() as u64;
        self.0.commit(Commit { booking: &std::sync::Arc::new(forced), expected_version: current, ..commit }).await
    }
    async fn begin(&self, op: &Operation) -> Result<(), StoreError> {
        self.0.begin(op).await
    }
});

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn o4_the_suite_catches_a_store_that_loses_updates() {
    let failure = testing::check_store(LastWriterWins::default).await.unwrap_err();
    assert_eq!(failure.check, "insert of an existing id is a duplicate");
}
