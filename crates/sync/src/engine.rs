//! The background loop: push everything queued, pull the feed, wait, repeat; back off
//! while the platform is unreachable; report its state for the top bar.

use crate::client::PlatformClient;
use crate::error::SyncError;
use chrono::{DateTime, Utc};
use ispdesk_core::Core;
use ispdesk_domain::sync::ApiError;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::{Notify, watch};

/// Pull this often even when nothing was pushed.
pub const PULL_EVERY: Duration = Duration::from_secs(15);
/// Look at the outbox this often even without a wake-up.
pub const PUSH_EVERY: Duration = Duration::from_secs(30);
const BACKOFF_START: Duration = Duration::from_secs(1);
const BACKOFF_MAX: Duration = Duration::from_secs(60);
/// After a refusal, try again this long later (or as soon as something changes).
const AFTER_REFUSAL: Duration = Duration::from_secs(300);
const PULL_PAGE: u32 = 500;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
#[serde(rename_all = "snake_case")]
pub enum SyncState {
    /// Not connected to a platform.
    Unpaired,
    /// Everything sent.
    Synced,
    /// Changes waiting (being sent, or after a failure, waiting to be).
    Pending,
    /// The platform cannot be reached; working offline.
    Offline,
    /// The platform refused the changes; the owner has to act (e.g. a plan limit).
    Refused,
    /// Something else failed; retried.
    Error,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
pub struct SyncProblem {
    /// The platform's code (`plan_limit_reached`, `token_revoked`, …) or `offline`,
    /// `server_error`, `protocol`, `local`.
    pub code: String,
    pub message: String,
    pub params: BTreeMap<String, String>,
}

/// The sync state as the top bar shows it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
pub struct SyncStatus {
    pub state: SyncState,
    #[ts(type = "number")]
    pub pending: u64,
    pub last_sync_at: Option<DateTime<Utc>>,
    pub offline_since: Option<DateTime<Utc>>,
    pub problem: Option<SyncProblem>,
}

impl SyncStatus {
    pub fn unpaired() -> Self {
        SyncStatus {
            state: SyncState::Unpaired,
            pending: 0,
            last_sync_at: None,
            offline_since: None,
            problem: None,
        }
    }
}

fn problem(e: &SyncError) -> SyncProblem {
    match e {
        SyncError::Refused(ApiError {
            code,
            message,
            params,
        }) => SyncProblem {
            code: serde_json::to_value(code)
                .ok()
                .and_then(|v| v.as_str().map(str::to_owned))
                .unwrap_or_default(),
            message: message.clone(),
            params: params.clone(),
        },
        SyncError::Offline(m) => SyncProblem {
            code: "offline".into(),
            message: m.clone(),
            params: BTreeMap::new(),
        },
        SyncError::Server(m) => SyncProblem {
            code: "server_error".into(),
            message: m.clone(),
            params: BTreeMap::new(),
        },
        SyncError::Protocol(m) => SyncProblem {
            code: "protocol".into(),
            message: m.clone(),
            params: BTreeMap::new(),
        },
        SyncError::Core(e) => SyncProblem {
            code: "local".into(),
            message: e.to_string(),
            params: BTreeMap::new(),
        },
    }
}

/// The sync engine of one database.
pub struct Engine {
    core: Arc<Core>,
    wake: Arc<Notify>,
    status: watch::Sender<SyncStatus>,
}

async fn blocking<T: Send + 'static>(
    f: impl FnOnce() -> ispdesk_core::Result<T> + Send + 'static,
) -> Result<T, SyncError> {
    tokio::task::spawn_blocking(f)
        .await
        .map_err(|e| SyncError::Core(ispdesk_core::Error::Internal(e.to_string())))?
        .map_err(SyncError::Core)
}

impl Engine {
    pub fn new(core: Arc<Core>) -> (Engine, Arc<Notify>, watch::Receiver<SyncStatus>) {
        let wake = Arc::new(Notify::new());
        let (status, receiver) = watch::channel(SyncStatus::unpaired());
        (
            Engine {
                core,
                wake: wake.clone(),
                status,
            },
            wake,
            receiver,
        )
    }

    fn client(&self) -> Result<Option<PlatformClient>, SyncError> {
        Ok(match self.core.sync_pairing()? {
            Some(pairing) => Some(PlatformClient::new(
                &pairing.info.platform_url,
                Some(pairing.token),
            )?),
            None => None,
        })
    }

    /// Pushes everything queued, then pulls the feed to its end. Returns how many changes
    /// were pushed; updates the status either way.
    pub async fn sync_once(&self) -> Result<u64, SyncError> {
        let Some(client) = self.client()? else {
            self.status.send_replace(SyncStatus::unpaired());
            return Ok(0);
        };
        let result = self.push_and_pull(&client).await;
        let pending = {
            let core = self.core.clone();
            blocking(move || core.pending_changes()).await.unwrap_or(0)
        };
        let now = Utc::now();
        self.status.send_modify(|s| {
            s.pending = pending;
            match &result {
                Ok(_) => {
                    s.state = if pending == 0 {
                        SyncState::Synced
                    } else {
                        SyncState::Pending
                    };
                    s.last_sync_at = Some(now);
                    s.offline_since = None;
                    s.problem = None;
                }
                Err(e) => {
                    s.problem = Some(problem(e));
                    s.state = match e {
                        SyncError::Offline(_) => {
                            s.offline_since.get_or_insert(now);
                            SyncState::Offline
                        }
                        SyncError::Refused(_) => SyncState::Refused,
                        _ => SyncState::Error,
                    };
                }
            }
        });
        result
    }

    async fn push_and_pull(&self, client: &PlatformClient) -> Result<u64, SyncError> {
        let mut pushed = 0u64;
        loop {
            let core = self.core.clone();
            let Some(push) = blocking(move || core.begin_push()).await? else {
                break;
            };
            let ack = client.push(&push.batch).await?;
            if ack.batch_id != push.batch.batch_id {
                return Err(SyncError::Protocol(
                    "the acknowledgement names another batch".into(),
                ));
            }
            pushed += push.batch.changes.len() as u64;
            let core = self.core.clone();
            blocking(move || core.finish_push(&push)).await?;
            let core = self.core.clone();
            let pending = blocking(move || core.pending_changes()).await?;
            self.status.send_modify(|s| {
                s.pending = pending;
                s.state = SyncState::Pending;
            });
        }
        loop {
            let core = self.core.clone();
            let cursor = blocking(move || core.pull_cursor()).await?;
            let page = client.pull(cursor, PULL_PAGE).await?;
            let more = page.more;
            let core = self.core.clone();
            blocking(move || core.apply_pull(&page)).await?;
            if !more {
                break;
            }
        }
        Ok(pushed)
    }

    /// Runs until the process ends: sync, then wait for a change (a wake-up), the next
    /// pull, or the backoff after a failure.
    pub async fn run(self) {
        let mut backoff = BACKOFF_START;
        loop {
            let wait = match self.sync_once().await {
                Ok(_) => {
                    backoff = BACKOFF_START;
                    PULL_EVERY.min(PUSH_EVERY)
                }
                Err(SyncError::Refused(e)) => {
                    tracing::warn!(code = ?e.code, message = %e.message, "the platform refused the changes");
                    AFTER_REFUSAL
                }
                Err(e) => {
                    tracing::info!(error = %e, retry_in_s = backoff.as_secs(), "sync failed; will retry");
                    let jitter = Duration::from_millis(
                        rand::random::<u64>() % (backoff.as_millis() as u64 / 4 + 1),
                    );
                    let wait = backoff + jitter;
                    backoff = (backoff * 2).min(BACKOFF_MAX);
                    wait
                }
            };
            tokio::select! {
                _ = self.wake.notified() => {
                    // A change: push it soon, but let a burst of edits finish first.
                    tokio::time::sleep(Duration::from_millis(300)).await;
                }
                _ = tokio::time::sleep(wait) => {}
            }
        }
    }
}
