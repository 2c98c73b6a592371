//! Calls into the core from async code: the core works on SQLite behind a mutex, so each
//! call runs on tokio's blocking pool and never stalls the tasks talking to routers.

use std::sync::Arc;

use ispdesk_core::{Actor, Core, RouterCredentials, RouterTask};
use ispdesk_domain::RouterId;

use crate::endpoint::Endpoint;
use crate::error::{Error, Result};

/// Runs a core call on the blocking pool.
pub(crate) async fn blocking<T: Send + 'static>(
    core: &Arc<Core>,
    f: impl FnOnce(&Core) -> ispdesk_core::Result<T> + Send + 'static,
) -> Result<T> {
    let core = core.clone();
    tokio::task::spawn_blocking(move || f(&core))
        .await
        .map_err(|e| Error::Core(ispdesk_core::Error::Internal(e.to_string())))?
        .map_err(Error::Core)
}

/// Checks that the actor may do `task` on the router and returns how to reach it.
pub(crate) async fn endpoint_for(
    core: &Arc<Core>,
    actor: &Actor,
    router: RouterId,
    task: RouterTask,
) -> Result<(RouterCredentials, Endpoint)> {
    let actor = actor.clone();
    let credentials = blocking(core, move |c| {
        c.router_task_credentials(&actor, router, task)
    })
    .await?;
    let endpoint = Endpoint::from_credentials(&credentials)?;
    Ok((credentials, endpoint))
}

/// Logs what a task did on a router.
pub(crate) async fn record(
    core: &Arc<Core>,
    actor: &Actor,
    router: RouterId,
    task: RouterTask,
    action: &'static str,
    summary: String,
    details: serde_json::Value,
) -> Result<()> {
    let actor = actor.clone();
    blocking(core, move |c| {
        c.record_router_task(&actor, router, task, action, &summary, details)
    })
    .await
}
