//! FreeRADIUS reads its clients (`nas`) only when it starts. Every change to `nas` is
//! announced by a trigger (`NOTIFY ispdesk_nas_changed`, delivered at commit); a watcher
//! next to each FreeRADIUS listens and restarts it, once per burst of changes.
//!
//! Why a restart rather than FreeRADIUS's dynamic clients: dynamic clients admit at most
//! one new client per second (not configurable), keep a deleted router or an old secret
//! working until their cache lifetime ends, and drop the packet that triggered the
//! lookup; a restart takes a fraction of a second, routers retransmit, and the next packet
//! sees exactly what the database says. The watcher needs no access to the platform's
//! HTTP API, so any number of FreeRADIUS hosts can follow one database.

use futures_util::StreamExt;
use std::future::Future;
use std::time::Duration;
use tokio::sync::mpsc;
use tokio::task::JoinHandle;
use tokio_postgres::{AsyncMessage, NoTls};

pub const CHANNEL: &str = "ispdesk_nas_changed";

/// A running watcher; stops when dropped.
pub struct NasWatcher {
    task: JoinHandle<()>,
}

impl Drop for NasWatcher {
    fn drop(&mut self) {
        self.task.abort();
    }
}

impl NasWatcher {
    /// Connects and listens before returning, so no change committed after this returns
    /// is missed; then calls `on_change` after each burst of changes (quiet for
    /// `debounce`). A lost connection is re-established, followed by one `on_change` (a
    /// change may have happened meanwhile).
    pub async fn start<F, Fut>(
        database_url: &str,
        debounce: Duration,
        mut on_change: F,
    ) -> Result<NasWatcher, tokio_postgres::Error>
    where
        F: FnMut() -> Fut + Send + 'static,
        Fut: Future<Output = ()> + Send,
    {
        let url = database_url.to_owned();
        let (tx, mut rx) = mpsc::unbounded_channel();
        let (client, pump) = connect_and_listen(&url, tx.clone()).await?;
        let task = tokio::spawn(async move {
            let mut client = client;
            let mut pump = pump;
            loop {
                tokio::select! {
                    got = rx.recv() => {
                        if got.is_none() {
                            return;
                        }
                        // Let the burst finish: one restart for many changes.
                        while let Ok(Some(())) = tokio::time::timeout(debounce, rx.recv()).await {}
                        tracing::info!("nas changed: reloading FreeRADIUS");
                        on_change().await;
                    }
                    _ = &mut pump => {
                        drop(client);
                        let mut wait = Duration::from_millis(500);
                        loop {
                            tokio::time::sleep(wait).await;
                            match connect_and_listen(&url, tx.clone()).await {
                                Ok((c, p)) => {
                                    client = c;
                                    pump = p;
                                    break;
                                }
                                Err(e) => {
                                    tracing::warn!(error = %e, "nas watcher: cannot reconnect");
                                    wait = (wait * 2).min(Duration::from_secs(30));
                                }
                            }
                        }
                        on_change().await;
                    }
                }
            }
        });
        Ok(NasWatcher { task })
    }
}

async fn connect_and_listen(
    url: &str,
    tx: mpsc::UnboundedSender<()>,
) -> Result<(tokio_postgres::Client, JoinHandle<()>), tokio_postgres::Error> {
    // Notifications arrive on the connection that issued LISTEN: it is the one read here.
    let (client, mut connection) = tokio_postgres::connect(url, NoTls).await?;
    let mut messages = futures_util::stream::poll_fn(move |cx| connection.poll_message(cx));
    let pump = tokio::spawn(async move {
        while let Some(message) = messages.next().await {
            match message {
                Ok(AsyncMessage::Notification(_)) => {
                    if tx.send(()).is_err() {
                        return;
                    }
                }
                Ok(_) => {}
                Err(e) => {
                    tracing::warn!(error = %e, "nas watcher: connection lost");
                    return;
                }
            }
        }
    });
    client.batch_execute(&format!("LISTEN {CHANNEL}")).await?;
    Ok((client, pump))
}

/// Runs `command` (e.g. `systemctl restart freeradius`) and logs how it went.
pub async fn run_command(command: &[String]) {
    let Some((program, args)) = command.split_first() else {
        return;
    };
    match tokio::process::Command::new(program)
        .args(args)
        .status()
        .await
    {
        Ok(status) if status.success() => tracing::info!(?command, "FreeRADIUS reloaded"),
        Ok(status) => tracing::error!(?command, %status, "the FreeRADIUS reload command failed"),
        Err(e) => {
            tracing::error!(?command, error = %e, "the FreeRADIUS reload command did not start")
        }
    }
}
