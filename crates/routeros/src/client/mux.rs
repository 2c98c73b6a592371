//! One connection, many commands: a writer task that batches outgoing sentences and a reader
//! task that routes each reply to its command by `.tag` (protocol-facts §1.5).
//!
//! Commands never touch the socket themselves. Sending is a channel push, which cannot be
//! interrupted halfway, so a command abandoned by a timeout or a dropped future can never leave
//! half a sentence on the wire and corrupt every command after it.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, MutexGuard};

use tokio::io::{AsyncRead, AsyncWrite, AsyncWriteExt};
use tokio::sync::mpsc;

use crate::codec::{self, ReadError};
use crate::error::Error;
use crate::sentence::{Reply, ReplyKind};

/// Why the connection ended, kept so that every waiting command and every later one gets the
/// same answer.
#[derive(Debug, Clone)]
pub(crate) enum Ending {
    Fatal(String),
    Lost(String),
    Protocol(String),
}

impl Ending {
    pub(crate) fn to_error(&self) -> Error {
        match self {
            Ending::Fatal(reason) => Error::Fatal {
                reason: reason.clone(),
            },
            Ending::Lost(reason) => Error::ConnectionLost {
                reason: reason.clone(),
            },
            Ending::Protocol(detail) => Error::Protocol {
                detail: detail.clone(),
            },
        }
    }
}

/// What a command's receiver gets.
#[derive(Debug)]
pub(crate) enum Event {
    Reply(Reply),
    Ended(Ending),
}

#[derive(Default)]
struct Routes {
    ended: Option<Ending>,
    // Unbounded so the reader never waits on one slow listener while every other command
    // waits on the reader. Replies are small and consumers are our own tasks.
    by_tag: HashMap<String, mpsc::UnboundedSender<Event>>,
}

/// The tag → command table shared by the client and the reader task.
#[derive(Default)]
pub(crate) struct RouteTable(Mutex<Routes>);

impl RouteTable {
    fn lock(&self) -> MutexGuard<'_, Routes> {
        self.0.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Registers a command's tag, unless the connection has already ended.
    pub(crate) fn open(&self, tag: &str) -> Result<mpsc::UnboundedReceiver<Event>, Error> {
        let mut routes = self.lock();
        if let Some(ending) = &routes.ended {
            return Err(ending.to_error());
        }
        let (tx, rx) = mpsc::unbounded_channel();
        routes.by_tag.insert(tag.to_owned(), tx);
        Ok(rx)
    }

    pub(crate) fn close(&self, tag: &str) {
        self.lock().by_tag.remove(tag);
    }

    pub(crate) fn ending(&self) -> Option<Ending> {
        self.lock().ended.clone()
    }

    fn deliver(&self, reply: Reply) {
        let Some(tag) = reply.tag.clone() else {
            tracing::debug!(?reply, "ignoring an untagged reply");
            return;
        };
        let mut routes = self.lock();
        let finished = reply.kind == ReplyKind::Done;
        match routes.by_tag.get(&tag) {
            // A send fails only when the command gave up waiting; its `!done` still clears it.
            Some(tx) => _ = tx.send(Event::Reply(reply)),
            None => tracing::trace!(tag, "reply for a command nobody waits for"),
        }
        if finished {
            routes.by_tag.remove(&tag);
        }
    }

    fn end(&self, ending: Ending) {
        let mut routes = self.lock();
        if routes.ended.is_none() {
            routes.ended = Some(ending.clone());
        }
        for (_, tx) in routes.by_tag.drain() {
            _ = tx.send(Event::Ended(ending.clone()));
        }
    }
}

/// Reads replies until the connection ends, routing each by tag.
pub(crate) async fn read_loop<R: AsyncRead + Unpin>(mut reader: R, routes: Arc<RouteTable>) {
    let ending = loop {
        match codec::read_sentence(&mut reader).await {
            Ok(words) => match Reply::parse(&words) {
                Ok(reply) if reply.kind == ReplyKind::Fatal => {
                    break Ending::Fatal(reply.fatal_reason());
                }
                Ok(reply) => routes.deliver(reply),
                Err(e) => break Ending::Protocol(e.to_string()),
            },
            Err(ReadError::Closed) => {
                break Ending::Lost("the router closed the connection".into());
            }
            Err(ReadError::Io(e)) => break Ending::Lost(e.to_string()),
            Err(ReadError::Decode(e)) => break Ending::Protocol(e.to_string()),
        }
    };
    tracing::debug!(?ending, "RouterOS connection ended");
    routes.end(ending);
}

/// Writes queued sentences, coalescing whatever is queued into one write so that pipelined
/// commands cost one syscall per batch rather than per command.
pub(crate) async fn write_loop<W: AsyncWrite + Unpin>(
    mut writer: W,
    mut outbox: mpsc::UnboundedReceiver<Vec<u8>>,
    routes: Arc<RouteTable>,
) {
    const BATCH: usize = 64 * 1024;
    let mut batch = Vec::with_capacity(BATCH);
    while let Some(sentence) = outbox.recv().await {
        batch.clear();
        batch.extend_from_slice(&sentence);
        while batch.len() < BATCH {
            match outbox.try_recv() {
                Ok(more) => batch.extend_from_slice(&more),
                Err(_) => break,
            }
        }
        let written = async {
            writer.write_all(&batch).await?;
            writer.flush().await
        };
        if let Err(e) = written.await {
            routes.end(Ending::Lost(e.to_string()));
            return;
        }
    }
    // Every client handle is gone: say goodbye the TCP way.
    _ = writer.shutdown().await;
}
