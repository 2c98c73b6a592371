//! Streaming commands as `Stream`s (protocol-facts §1.6). They never finish on their own, so
//! ending one is our job: [`ReplyStream::cancel`] waits for the router to confirm, and dropping
//! the stream sends `/cancel` without waiting.

use std::pin::Pin;
use std::task::{Context, Poll, ready};

use futures_core::Stream;
use tokio::sync::mpsc;

use super::Client;
use super::mux::Event;
use crate::error::{Error, Result, TrapCategory};
use crate::sentence::{Command, ReplyKind, Row};

/// The `!re` rows of a running command. Ends (`None`) at the command's `!done`, including the
/// `interrupted` trap and `!done` that a cancel produces; any other trap is yielded as an error.
pub struct ReplyStream {
    client: Client,
    command: String,
    tag: String,
    events: mpsc::UnboundedReceiver<Event>,
    finished: bool,
}

impl ReplyStream {
    pub(super) fn new(
        client: Client,
        command: String,
        tag: String,
        events: mpsc::UnboundedReceiver<Event>,
    ) -> Self {
        ReplyStream {
            client,
            command,
            tag,
            events,
            finished: false,
        }
    }

    /// The `.tag` the command runs under.
    pub fn tag(&self) -> &str {
        &self.tag
    }

    /// Cancels the command and waits, within the command timeout, until the router has ended
    /// it. Rows that were already on their way are discarded.
    pub async fn cancel(mut self) -> Result<()> {
        if self.finished {
            return Ok(());
        }
        let client = self.client.clone();
        let timeout = client.command_timeout();
        let cancel = Command::new("/cancel").attr("tag", &self.tag);
        let work = async {
            let (cancelled, drained) = tokio::join!(client.command(&cancel), async {
                while let Some(item) =
                    std::future::poll_fn(|cx| Pin::new(&mut self).poll_next(cx)).await
                {
                    item?;
                }
                Ok::<_, Error>(())
            });
            // A command that ended by itself meanwhile makes the cancel's own reply moot.
            match cancelled {
                Ok(_) | Err(Error::Trap { .. }) => drained,
                Err(e) => Err(e),
            }
        };
        tokio::time::timeout(timeout, work)
            .await
            .map_err(|_| Error::Timeout {
                waiting_for: format!("/cancel of {}", self.command),
                after: timeout,
            })?
    }
}

impl Stream for ReplyStream {
    type Item = Result<Row>;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let this = self.get_mut();
        loop {
            if this.finished {
                return Poll::Ready(None);
            }
            let reply = match ready!(this.events.poll_recv(cx)) {
                Some(Event::Reply(reply)) => reply,
                Some(Event::Ended(ending)) => {
                    this.finished = true;
                    return Poll::Ready(Some(Err(ending.to_error())));
                }
                None => {
                    this.finished = true;
                    return Poll::Ready(Some(Err(this.client.lost())));
                }
            };
            match reply.kind {
                ReplyKind::Re => return Poll::Ready(Some(Ok(reply.attributes))),
                ReplyKind::Done => this.finished = true,
                ReplyKind::Trap if reply.trap_category() == Some(TrapCategory::Interrupted) => {}
                ReplyKind::Trap => {
                    return Poll::Ready(Some(Err(Error::Trap {
                        command: this.command.clone(),
                        category: reply.trap_category(),
                        message: reply.trap_message(),
                    })));
                }
                ReplyKind::Fatal => {
                    this.finished = true;
                    return Poll::Ready(Some(Err(Error::Fatal {
                        reason: reply.fatal_reason(),
                    })));
                }
                ReplyKind::Empty | ReplyKind::Unknown(_) => {}
            }
        }
    }
}

impl Drop for ReplyStream {
    fn drop(&mut self) {
        if !self.finished && !self.client.is_closed() {
            self.client.cancel_quietly(&self.tag);
        }
    }
}

/// A [`ReplyStream`] whose rows are parsed into `T`.
pub struct TypedStream<T> {
    inner: ReplyStream,
    parse: fn(Row) -> Result<T>,
}

impl<T> TypedStream<T> {
    pub(crate) fn new(inner: ReplyStream, parse: fn(Row) -> Result<T>) -> Self {
        TypedStream { inner, parse }
    }

    /// See [`ReplyStream::cancel`].
    pub async fn cancel(self) -> Result<()> {
        self.inner.cancel().await
    }
}

impl<T> Stream for TypedStream<T> {
    type Item = Result<T>;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let this = self.get_mut();
        let row = ready!(Pin::new(&mut this.inner).poll_next(cx));
        Poll::Ready(row.map(|row| row.and_then(this.parse)))
    }
}
