//! The background poller: one task and one API connection per router, reading health and
//! online users every few seconds and handing each reading to whoever watches
//! (`tokio::sync::watch`, so a slow reader only ever sees the newest one and never holds the
//! poller back).
//!
//! A poll that fails (the connection dropped, a command timed out on a stalled router)
//! drops the connection and reconnects with exponential backoff and jitter; the last good
//! reading stays available, marked with when it was taken. Nothing here blocks: the tasks
//! only wait on the network and on timers, so polling 50 routers costs well under 5 % of a
//! core (see `benches/poll_cpu.rs` and BENCHMARKS.md).

use std::collections::HashMap;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use chrono::{DateTime, Utc};
use ispdesk_core::AppError;
use ispdesk_domain::RouterId;
use serde::{Deserialize, Serialize};
use tokio::runtime::Handle;
use tokio::sync::{Notify, watch};
use tokio::task::JoinHandle;

use crate::endpoint::{Endpoint, Timeouts};
use crate::health::{self, Health, OnlineSession, PollState};

/// How often and how patiently to poll.
#[derive(Clone, Copy, Debug)]
pub struct PollerConfig {
    pub interval: Duration,
    pub timeouts: Timeouts,
    /// The first wait before reconnecting; doubled after each failure up to `max_backoff`.
    pub min_backoff: Duration,
    pub max_backoff: Duration,
}

impl Default for PollerConfig {
    fn default() -> Self {
        PollerConfig {
            interval: Duration::from_secs(5),
            timeouts: Timeouts {
                connect: Duration::from_secs(8),
                // A poll is four small reads: a router that cannot answer them in 10 s is
                // as good as gone, and the next reading is due anyway.
                command: Duration::from_secs(10),
            },
            min_backoff: Duration::from_secs(1),
            max_backoff: Duration::from_secs(60),
        }
    }
}

/// Whether the poller is talking to the router.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
#[serde(rename_all = "snake_case")]
pub enum Link {
    Connecting,
    Online,
    /// The last attempt failed; `error` says why, and another follows after a backoff.
    Offline,
}

/// The latest the poller knows about one router.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, ts_rs::TS)]
pub struct RouterStatus {
    pub router_id: RouterId,
    pub link: Link,
    /// When `link` last changed.
    pub since: DateTime<Utc>,
    /// Why the router is offline.
    pub error: Option<AppError>,
    /// When `health` and `sessions` were read; they are kept while the router is offline.
    pub checked_at: Option<DateTime<Utc>>,
    pub health: Option<Health>,
    pub sessions: Option<Vec<OnlineSession>>,
    /// Grows with every update, so a reader can tell a new reading from one it has seen.
    #[ts(type = "number")]
    pub sequence: u64,
}

impl RouterStatus {
    fn new(router_id: RouterId) -> Self {
        RouterStatus {
            router_id,
            link: Link::Connecting,
            since: Utc::now(),
            error: None,
            checked_at: None,
            health: None,
            sessions: None,
            sequence: 0,
        }
    }
}

struct Watched {
    endpoint: Endpoint,
    status: watch::Receiver<RouterStatus>,
    wake: Arc<Notify>,
    task: JoinHandle<()>,
}

impl Drop for Watched {
    fn drop(&mut self) {
        self.task.abort();
    }
}

/// Polls every router it is told to watch. Cheap to clone; dropping the last clone stops
/// every task.
#[derive(Clone)]
pub struct Poller {
    inner: Arc<Inner>,
}

struct Inner {
    config: PollerConfig,
    runtime: Handle,
    routers: Mutex<HashMap<RouterId, Watched>>,
}

impl Poller {
    /// A poller whose tasks run on `runtime`.
    pub fn new(config: PollerConfig, runtime: Handle) -> Poller {
        Poller {
            inner: Arc::new(Inner {
                config,
                runtime,
                routers: Mutex::new(HashMap::new()),
            }),
        }
    }

    fn routers(&self) -> MutexGuard<'_, HashMap<RouterId, Watched>> {
        self.inner.routers.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Starts watching a router, or restarts its connection if how to reach it changed.
    pub fn watch(&self, endpoint: Endpoint) {
        let id = endpoint.router_id;
        let mut routers = self.routers();
        if routers.get(&id).is_some_and(|w| w.endpoint == endpoint) {
            return;
        }
        let (tx, rx) = watch::channel(RouterStatus::new(id));
        let wake = Arc::new(Notify::new());
        let task = self.inner.runtime.spawn(poll_router(
            endpoint.clone(),
            self.inner.config,
            tx,
            wake.clone(),
        ));
        routers.insert(
            id,
            Watched {
                endpoint,
                status: rx,
                wake,
                task,
            },
        );
    }

    pub fn unwatch(&self, id: RouterId) {
        self.routers().remove(&id);
    }

    /// Watches exactly these routers: starts new ones, restarts changed ones, stops the rest.
    pub fn set_routers(&self, endpoints: Vec<Endpoint>) {
        let keep: Vec<RouterId> = endpoints.iter().map(|e| e.router_id).collect();
        self.routers().retain(|id, _| keep.contains(id));
        for endpoint in endpoints {
            self.watch(endpoint);
        }
    }

    /// The routers watched.
    pub fn watched(&self) -> Vec<RouterId> {
        self.routers().keys().copied().collect()
    }

    pub fn status(&self, id: RouterId) -> Option<RouterStatus> {
        self.routers().get(&id).map(|w| w.status.borrow().clone())
    }

    pub fn statuses(&self) -> Vec<RouterStatus> {
        self.routers()
            .values()
            .map(|w| w.status.borrow().clone())
            .collect()
    }

    /// Every new reading of the router, as it comes.
    pub fn subscribe(&self, id: RouterId) -> Option<watch::Receiver<RouterStatus>> {
        self.routers().get(&id).map(|w| w.status.clone())
    }

    /// Polls (or reconnects) now instead of at the next tick: after a disconnect, say, so the
    /// list of who is online is fresh.
    pub fn poll_now(&self, id: RouterId) {
        if let Some(w) = self.routers().get(&id) {
            w.wake.notify_one();
        }
    }
}

/// Backoff with ±25 % jitter, so routers that failed together do not retry in step.
fn jittered(base: Duration) -> Duration {
    base.mul_f64(0.75 + rand::random::<f64>() * 0.5)
}

async fn poll_router(
    endpoint: Endpoint,
    config: PollerConfig,
    status: watch::Sender<RouterStatus>,
    wake: Arc<Notify>,
) {
    let set_link = |link: Link, error: Option<AppError>| {
        status.send_modify(|s| {
            if s.link != link {
                s.since = Utc::now();
            }
            s.link = link;
            s.error = error;
            s.sequence += 1;
        });
    };
    let mut backoff = config.min_backoff;
    loop {
        let (link, error) = {
            let now = status.borrow();
            (now.link, now.error.clone())
        };
        if link != Link::Connecting {
            // The reason of the last failure stays visible while reconnecting.
            set_link(Link::Connecting, error);
        }
        let failure = match endpoint.connect(config.timeouts).await {
            Ok(client) => {
                let identity = client.identity().await.ok().map(|i| i.name);
                let mut state = PollState::new(identity);
                loop {
                    match health::poll(&client, &mut state).await {
                        Ok((health, sessions)) => {
                            backoff = config.min_backoff;
                            status.send_modify(|s| {
                                if s.link != Link::Online {
                                    s.since = Utc::now();
                                }
                                s.link = Link::Online;
                                s.error = None;
                                s.checked_at = Some(Utc::now());
                                s.health = Some(health);
                                s.sessions = Some(sessions);
                                s.sequence += 1;
                            });
                        }
                        Err(e) => break e,
                    }
                    tokio::select! {
                        _ = tokio::time::sleep(config.interval) => {}
                        _ = wake.notified() => {}
                    }
                }
            }
            Err(e) => e,
        };
        tracing::debug!(router = %endpoint.router_id, error = %failure, "router offline");
        set_link(Link::Offline, Some(failure.into()));
        tokio::select! {
            _ = tokio::time::sleep(jittered(backoff)) => {}
            _ = wake.notified() => {}
        }
        backoff = (backoff * 2).min(config.max_backoff);
    }
}
