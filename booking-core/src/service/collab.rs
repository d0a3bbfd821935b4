//! The collaboration side of the service (SPEC X): chat, files, reviews
//! and monitoring. Files and reviews are booking commands (they feed the
//! deliver guard and the close rule), so they go through
//! [`execute`](BookingService::execute); chat messages live in their own
//! thread in the [`Store`] and never contend with payments.

use chrono::{DateTime, Utc};

use super::{BookingService, Outcome, ServiceError};
use crate::booking::Actor;
use crate::chat::{check_reader, ChatMessage, MessagePage, MessageQuery, NewMessage};
use crate::files::{BookingFile, FileUpload};
use crate::ids::{BookingId, FileId, UserId};
use crate::lifecycle::{Command, Request};
use crate::metrics::{Metrics, TimeRange};
use crate::notify::message_intent;
use crate::ports::{Notifier, PaymentGateway, Store};

impl<S: Store, G: PaymentGateway, N: Notifier> BookingService<S, G, N> {
    /// The seed's `sendBookingMessage(bookingId, {senderId, content,
    /// attachments})` (X1): checks the participant, the text and the
    /// attachments, appends to the booking's thread and tells the other
    /// participants. With an idempotency key, a retry returns the first
    /// message and tells nobody again; the same key with other content is
    /// `idempotency.mismatch`.
    ///
    /// ```
    /// use booking_core::*;
    /// use chrono::{TimeDelta, TimeZone, Utc};
    /// # tokio::runtime::Builder::new_current_thread().enable_time().build().unwrap().block_on(async {
    /// let service = BookingService::in_memory();
    /// let now = Utc.with_ymd_and_hms(2026, 6, 1, 9, 0, 0).unwrap();
    /// let new = NewBooking::solo("b-1", "client", "lead", Money::parse("80.00 USD")?, now + TimeDelta::days(3), 60);
    /// service.create(new, now, None).await?;
    /// let sent = service.send_message(&"b-1".into(), Actor::user("client"), NewMessage::text("Hi!"), now).await?;
    /// assert_eq!(sent.seq, 1);
    /// let refused = service.send_message(&"b-1".into(), Actor::user("stranger"), NewMessage::text("Hi"), now).await;
    /// assert_eq!(refused.unwrap_err().code(), "chat.not_participant");
    /// # Ok::<(), ServiceError>(()) }).unwrap();
    /// ```
    pub async fn send_message(
        &self,
        booking_id: &BookingId,
        sender: Actor,
        message: NewMessage,
        at: DateTime<Utc>,
    ) -> Result<ChatMessage, ServiceError> {
        let booking = self.load(booking_id).await?;
        let checked = message.check(&booking, &sender, at)?;
        let appended = if checked.idempotency_key.is_some() {
            self.retry_store(|| self.store.append_message(checked.clone())).await?
        } else {
            // Without a key a retried append could store the message twice.
            self.store.append_message(checked.clone()).await?
        };
        let stored = appended.message;
        if appended.replayed {
            let same = stored.sender == checked.sender
                && stored.content == checked.content
                && stored.attachments == checked.attachments;
            return match (same, checked.idempotency_key) {
                (true, _) => Ok(stored),
                (false, key) => Err(ServiceError::IdempotencyMismatch { key: key.unwrap_or_default() }),
            };
        }
        if let Some(intent) = message_intent(&booking, &stored) {
            self.notifier.notify(vec![intent]).await;
        }
        Ok(stored)
    }

    /// The seed's `getBookingMessages(bookingId, {limit, beforeTimestamp})`
    /// (X2): a page of the thread, newest first, for a participant. Pass
    /// the page's `next` as the next query's `before`.
    ///
    /// ```
    /// use booking_core::*;
    /// use chrono::{TimeDelta, TimeZone, Utc};
    /// # tokio::runtime::Builder::new_current_thread().enable_time().build().unwrap().block_on(async {
    /// let service = BookingService::in_memory();
    /// let now = Utc.with_ymd_and_hms(2026, 6, 1, 9, 0, 0).unwrap();
    /// let new = NewBooking::solo("b-1", "client", "lead", Money::parse("80.00 USD")?, now + TimeDelta::days(3), 60);
    /// service.create(new, now, None).await?;
    /// for text in ["one", "two", "three"] {
    ///     service.send_message(&"b-1".into(), Actor::user("lead"), NewMessage::text(text), now).await?;
    /// }
    /// let page = service.messages(&"b-1".into(), &Actor::user("client"), &MessageQuery::latest(2)).await?;
    /// assert_eq!(page.messages[0].content, "three");
    /// let rest = service.messages(&"b-1".into(), &Actor::user("client"), &MessageQuery::before(page.next.unwrap(), 2)).await?;
    /// assert_eq!(rest.messages[0].content, "one");
    /// assert!(rest.next.is_none());
    /// # Ok::<(), ServiceError>(()) }).unwrap();
    /// ```
    pub async fn messages(
        &self,
        booking_id: &BookingId,
        reader: &Actor,
        query: &MessageQuery,
    ) -> Result<MessagePage, ServiceError> {
        query.check()?;
        let booking = self.load(booking_id).await?;
        check_reader(&booking, reader)?;
        Ok(self.retry_store(|| self.store.messages(booking_id, query)).await?)
    }

    /// The seed's `uploadBookingFile(bookingId, file, {category,
    /// uploadedBy, permissions})` (X3): records the metadata of a file the
    /// caller stored.
    pub async fn upload_booking_file(
        &self,
        booking_id: &BookingId,
        uploaded_by: impl Into<UserId>,
        file: FileUpload,
        at: DateTime<Utc>,
    ) -> Result<Outcome, ServiceError> {
        let request = Request::new(Actor::User(uploaded_by.into()), Command::UploadFile(file), at);
        self.execute(booking_id, request, None).await
    }

    /// The seed's `shareWithTeam(bookingId, fileUrl, {shareWith,
    /// expiresAt})` (X3): named users may read the file until the expiry
    /// (30 days when `None`, at most 30 days ahead). The sharer must be
    /// able to read it.
    pub async fn share_with_team(
        &self,
        booking_id: &BookingId,
        shared_by: impl Into<UserId>,
        file_id: FileId,
        share_with: Vec<UserId>,
        expires_at: Option<DateTime<Utc>>,
        at: DateTime<Utc>,
    ) -> Result<Outcome, ServiceError> {
        let command = Command::ShareFile { file_id, with: share_with, expires_at };
        self.execute(booking_id, Request::new(Actor::User(shared_by.into()), command, at), None).await
    }

    /// May `actor` read the file at `at` (X3)? Its metadata, or why not.
    /// The caller serves the bytes only on `Ok`.
    ///
    /// ```
    /// use booking_core::*;
    /// use chrono::{TimeDelta, TimeZone, Utc};
    /// # tokio::runtime::Builder::new_current_thread().enable_time().build().unwrap().block_on(async {
    /// let service = BookingService::in_memory();
    /// let now = Utc.with_ymd_and_hms(2026, 6, 1, 9, 0, 0).unwrap();
    /// let id = BookingId::from("b-1");
    /// let new = NewBooking::solo("b-1", "client", "lead", Money::parse("80.00 USD")?, now + TimeDelta::days(3), 60);
    /// service.create(new, now, None).await?;
    /// let up = FileUpload::new("ref.mp3", FileCategory::Reference, 1_000, "audio/mpeg", "ab".repeat(32));
    /// service.upload_booking_file(&id, "client", up, now).await?;
    /// assert_eq!(service.file_access(&id, &Actor::user("lead"), &"ref.mp3".into(), now).await?.size_bytes, 1_000);
    /// let outsider = service.file_access(&id, &Actor::user("eve"), &"ref.mp3".into(), now).await;
    /// assert_eq!(outsider.unwrap_err().code(), "file.no_access");
    /// # Ok::<(), ServiceError>(()) }).unwrap();
    /// ```
    pub async fn file_access(
        &self,
        booking_id: &BookingId,
        actor: &Actor,
        file_id: &FileId,
        at: DateTime<Utc>,
    ) -> Result<BookingFile, ServiceError> {
        let booking = self.load(booking_id).await?;
        Ok(booking.file_access(actor, file_id, at)?.clone())
    }

    /// The seed's review (X5): the client rates the booking, the lead rates
    /// the client, once each, 1–5 stars, within the review window.
    pub async fn review(
        &self,
        booking_id: &BookingId,
        author: impl Into<UserId>,
        rating: u8,
        text: impl Into<String>,
        at: DateTime<Utc>,
    ) -> Result<Outcome, ServiceError> {
        let command = Command::Review { rating, text: text.into() };
        self.execute(booking_id, Request::new(Actor::User(author.into()), command, at), None).await
    }

    /// Monitoring (X7) over the bookings created in `range`.
    ///
    /// ```
    /// use booking_core::*;
    /// use chrono::{TimeDelta, TimeZone, Utc};
    /// # tokio::runtime::Builder::new_current_thread().enable_time().build().unwrap().block_on(async {
    /// let service = BookingService::in_memory();
    /// let now = Utc.with_ymd_and_hms(2026, 6, 1, 9, 0, 0).unwrap();
    /// let new = NewBooking::solo("b-1", "client", "lead", Money::parse("80.00 USD")?, now + TimeDelta::days(3), 60);
    /// service.create(new, now, None).await?;
    /// let m = service.metrics(TimeRange::new(now, now + TimeDelta::days(30))?).await?;
    /// assert_eq!((m.created, m.approved), (1, 0));
    /// # Ok::<(), Box<dyn std::error::Error>>(()) }).unwrap();
    /// ```
    pub async fn metrics(&self, range: TimeRange) -> Result<Metrics, ServiceError> {
        Ok(self.retry_store(|| self.store.metrics(&range)).await?)
    }
}
