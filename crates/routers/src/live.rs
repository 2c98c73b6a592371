//! The operations staff start on a live router, each checked by the core before the router
//! is touched and logged after: testing the connection and confirming its certificate,
//! reading who is online and disconnecting a session, importing its accounts as customers,
//! and api-mode provisioning (see the diff, apply it). Plus the two jobs the host runs in
//! the background: keeping the poller's list of routers current, and draining the
//! provisioning queue.

use std::sync::Arc;

use ispdesk_core::{Actor, Core, ImportedAccount, RouterAccount, RouterImportPreview, RouterTask};
use ispdesk_domain::RouterId;
use ispdesk_domain::plan::ServiceType;
use ispdesk_domain::provisioning::{self, Diff, ItemKind, ItemRef};
use ispdesk_domain::router::ProvisioningMode;
use routeros_api::menu::{HotspotUser, PppSecret};
use routeros_api::{Client, Command, Fingerprint};
use serde::{Deserialize, Serialize};
use serde_json::json;

use crate::access::{blocking, endpoint_for, record};
use crate::check::{ConnectionTest, test_endpoint};
use crate::endpoint::{Endpoint, Timeouts};
use crate::error::{Error, Result};
use crate::health::{OnlineSession, SessionKind, end_session, fetch_sessions};
use crate::poller::{Poller, RouterStatus};
use crate::provision::{self, ApplyReport};

// ---------------------------------------------------------------- connection

/// Logs in with the router's saved credentials and says what it is, or which certificate it
/// shows for the owner to confirm.
pub async fn test_connection(
    core: &Arc<Core>,
    actor: &Actor,
    router: RouterId,
    timeouts: Timeouts,
) -> Result<ConnectionTest> {
    let (_, endpoint) = endpoint_for(core, actor, router, RouterTask::TestConnection).await?;
    test_endpoint(&endpoint, timeouts).await
}

/// Remembers the certificate fingerprint the owner confirmed (after a connection test showed
/// it). The text is checked and stored in one canonical form (`AB:CD:…`).
pub async fn confirm_certificate(
    core: &Arc<Core>,
    actor: &Actor,
    router: RouterId,
    fingerprint: &str,
) -> Result<String> {
    let parsed: Fingerprint = fingerprint.parse().map_err(|_| {
        Error::Core(ispdesk_core::Error::Validation(vec![
            ispdesk_domain::FieldError::new(
                "fingerprint",
                ispdesk_domain::ValidationCode::InvalidChoice,
            )
            .with("allowed", "64 hexadecimal digits"),
        ]))
    })?;
    let text = parsed.to_string();
    let actor = actor.clone();
    let stored = text.clone();
    blocking(core, move |c| {
        c.pin_router_certificate(&actor, router, &stored)
    })
    .await?;
    Ok(text)
}

// ---------------------------------------------------------------- health and sessions

/// The poller's latest reading of a router (`None` when it is not watched: inactive, or
/// without API access).
pub async fn router_status(
    core: &Arc<Core>,
    actor: &Actor,
    poller: &Poller,
    router: RouterId,
) -> Result<Option<RouterStatus>> {
    let actor = actor.clone();
    blocking(core, move |c| {
        c.router_task_credentials(&actor, router, RouterTask::Monitor)
            .map(|_| ())
    })
    .await?;
    Ok(poller.status(router))
}

/// Every watched router's latest reading, for the routers list.
pub async fn router_statuses(
    core: &Arc<Core>,
    actor: &Actor,
    poller: &Poller,
) -> Result<Vec<RouterStatus>> {
    let actor = actor.clone();
    blocking(core, move |c| {
        c.check_permission(&actor, Some(ispdesk_domain::Permission::ManageRouters))
    })
    .await?;
    let mut all = poller.statuses();
    all.sort_by_key(|s| s.router_id);
    Ok(all)
}

/// Who is online on the router right now, read from it directly.
pub async fn online_users(
    core: &Arc<Core>,
    actor: &Actor,
    router: RouterId,
    timeouts: Timeouts,
) -> Result<Vec<OnlineSession>> {
    let (_, endpoint) = endpoint_for(core, actor, router, RouterTask::ViewSessions).await?;
    let client = endpoint.connect(timeouts).await?;
    fetch_sessions(&client).await
}

/// A session to end, as listed by [`online_users`] or the poller.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
pub struct SessionRef {
    pub kind: SessionKind,
    /// RouterOS's `.id` of the session.
    pub id: String,
    /// The user name, for the activity log.
    pub name: String,
}

/// Disconnects a session (removes the active entry; the subscriber's device usually dials
/// again at once unless its secret is disabled) and logs it. A session that already ended is
/// `not_found`.
pub async fn disconnect_session(
    core: &Arc<Core>,
    actor: &Actor,
    poller: Option<&Poller>,
    router: RouterId,
    session: &SessionRef,
    timeouts: Timeouts,
) -> Result<()> {
    let (_, endpoint) = endpoint_for(core, actor, router, RouterTask::DisconnectSession).await?;
    let client = endpoint.connect(timeouts).await?;
    if !end_session(&client, session.kind, &session.id).await? {
        return Err(Error::Core(ispdesk_core::Error::NotFound("session")));
    }
    if let Some(poller) = poller {
        poller.poll_now(router);
    }
    record(
        core,
        actor,
        router,
        RouterTask::DisconnectSession,
        "disconnect",
        session.name.clone(),
        json!({ "user": session.name, "kind": session.kind, "session": session.id }),
    )
    .await
}

// ---------------------------------------------------------------- import

/// The router's PPP secrets and (local, not dynamic) hotspot users.
pub async fn read_accounts(client: &Client) -> Result<Vec<RouterAccount>> {
    let secrets = client.list::<PppSecret>().await?;
    let users = match client.list::<HotspotUser>().await {
        Ok(users) => users,
        Err(e) => {
            let e = Error::from(e);
            if !e.is_missing() {
                return Err(e);
            }
            Vec::new()
        }
    };
    let mut accounts: Vec<RouterAccount> = secrets
        .into_iter()
        .map(|s| RouterAccount {
            service: ServiceType::Pppoe,
            username: s.name,
            password: s.password.unwrap_or_default(),
            profile: s.profile.unwrap_or_default(),
            disabled: s.disabled,
            comment: s.comment.unwrap_or_default(),
        })
        .collect();
    accounts.extend(
        users
            .into_iter()
            .filter(|u| !u.dynamic)
            .map(|u| RouterAccount {
                service: ServiceType::Hotspot,
                username: u.name,
                password: u.password.unwrap_or_default(),
                profile: u.profile.unwrap_or_default(),
                disabled: u.disabled,
                comment: u.comment.unwrap_or_default(),
            }),
    );
    Ok(accounts)
}

/// What importing the router's accounts would do; nothing is written.
pub async fn preview_import(
    core: &Arc<Core>,
    actor: &Actor,
    router: RouterId,
    timeouts: Timeouts,
) -> Result<RouterImportPreview> {
    let (_, endpoint) = endpoint_for(core, actor, router, RouterTask::Import).await?;
    let accounts = read_accounts(&endpoint.connect(timeouts).await?).await?;
    let actor = actor.clone();
    blocking(core, move |c| {
        c.preview_router_import(&actor, router, &accounts)
    })
    .await
}

/// What an import did.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
pub struct RouterImportResult {
    pub imported: u32,
    /// On a router in `api` mode: imported accounts marked as the app's, so provisioning
    /// keeps them from now on.
    pub adopted: u32,
}

/// Imports the router's new accounts as customers (all or nothing, see
/// [`Core::import_customers_from_router`]). On a router in `api` mode the imported secrets
/// and users are then adopted: their comment gets the provisioning marker (and nothing
/// else changes), so the provisioning the import queued keeps them instead of seeing them
/// as someone else's.
pub async fn import_from_router(
    core: &Arc<Core>,
    actor: &Actor,
    router: RouterId,
    timeouts: Timeouts,
) -> Result<RouterImportResult> {
    let (credentials, endpoint) = endpoint_for(core, actor, router, RouterTask::Import).await?;
    let client = endpoint.connect(timeouts).await?;
    let accounts = read_accounts(&client).await?;
    let who = actor.clone();
    let imported: Vec<ImportedAccount> = blocking(core, move |c| {
        c.import_customers_from_router(&who, router, &accounts)
    })
    .await?;
    let mut adopted = 0;
    if credentials.router.provisioning_mode == ProvisioningMode::Api && !imported.is_empty() {
        adopted = adopt_imported(core, actor, router, &client, &imported).await?;
    }
    record(
        core,
        actor,
        router,
        RouterTask::Import,
        "import",
        format!("{} customers", imported.len()),
        json!({ "imported": imported.len(), "adopted": adopted }),
    )
    .await?;
    Ok(RouterImportResult {
        imported: imported.len() as u32,
        adopted,
    })
}

async fn adopt_imported(
    core: &Arc<Core>,
    actor: &Actor,
    router: RouterId,
    client: &Client,
    imported: &[ImportedAccount],
) -> Result<u32> {
    let who = actor.clone();
    let state = blocking(core, move |c| c.provisioning_state(&who, router)).await?;
    let actual = provision::read_items(client).await?;
    let mut adopted = 0;
    for account in imported {
        let kind = match account.service_type {
            ServiceType::Pppoe => ItemKind::PppSecret,
            ServiceType::Hotspot => ItemKind::HotspotUser,
        };
        let item = actual
            .iter()
            .find(|a| a.kind == kind && a.name == account.username && !a.dynamic);
        let comment = state
            .desired
            .items
            .iter()
            .find(|d| d.kind == kind && d.name == account.username)
            .and_then(|d| d.fields.get("comment"));
        if let (Some(item), Some(comment)) = (item, comment) {
            client
                .command(
                    &Command::new(format!("{}/set", kind.menu()))
                        .attr(".id", &item.id)
                        .attr("comment", comment),
                )
                .await?;
            adopted += 1;
        }
    }
    Ok(adopted)
}

// ---------------------------------------------------------------- provisioning

/// What reconciling the router would do. `adopt` names unmanaged items the owner wants the
/// app to take over (they then show as changes). Works for a router in either mode, to look
/// before switching one to `api`.
pub async fn preview_provisioning(
    core: &Arc<Core>,
    actor: &Actor,
    router: RouterId,
    adopt: &[ItemRef],
    timeouts: Timeouts,
) -> Result<Diff> {
    let (_, endpoint) = endpoint_for(core, actor, router, RouterTask::Provision).await?;
    let who = actor.clone();
    let state = blocking(core, move |c| c.provisioning_state(&who, router)).await?;
    let client = endpoint.connect(timeouts).await?;
    let mut actual = provision::read_items(&client).await?;
    provisioning::adopt(&mut actual, adopt);
    Ok(provisioning::diff(&state.desired, &actual))
}

/// Reconciles the router now (adopting `adopt` first), reports every item the router
/// refused, logs it, and clears the router's queue entry.
pub async fn apply_provisioning(
    core: &Arc<Core>,
    actor: &Actor,
    router: RouterId,
    adopt: &[ItemRef],
    timeouts: Timeouts,
) -> Result<ApplyReport> {
    let (credentials, endpoint) = endpoint_for(core, actor, router, RouterTask::Provision).await?;
    if credentials.router.provisioning_mode != ProvisioningMode::Api {
        return Err(Error::NotApiMode);
    }
    let who = actor.clone();
    let state = blocking(core, move |c| c.provisioning_state(&who, router)).await?;
    let client = endpoint.connect(timeouts).await?;
    let mut actual = provision::read_items(&client).await?;
    provisioning::adopt(&mut actual, adopt);
    let diff = provisioning::diff(&state.desired, &actual);
    let report = provision::apply(&client, &diff, &state.desired).await?;
    record(
        core,
        actor,
        router,
        RouterTask::Provision,
        "provision",
        // The router's name is the summary, as for the scheduled job; the counts are in the
        // details, which the log shows in the reader's language.
        String::new(),
        report.details(),
    )
    .await?;
    let generation = state.queued_generation;
    blocking(core, move |c| {
        c.finish_provisioning(router, generation, None)
    })
    .await?;
    Ok(report)
}

/// One router's turn in [`drain_provision_queue`].
#[derive(Debug)]
pub struct DrainOutcome {
    pub router: RouterId,
    /// The report, or why the router could not be provisioned (it stays queued and is tried
    /// again later).
    pub result: Result<ApplyReport>,
}

/// The provisioning job: reconciles every queued router that is due, one after another
/// (each router's own commands are pipelined). No staff member is involved: the queue was
/// filled by someone's change, and whatever was applied is logged as the system's doing.
pub async fn drain_provision_queue(
    core: &Arc<Core>,
    timeouts: Timeouts,
) -> Result<Vec<DrainOutcome>> {
    let due = blocking(core, |c| c.due_provisioning()).await?;
    let mut outcomes = Vec::with_capacity(due.len());
    for router in due {
        let job = match blocking(core, move |c| c.provisioning_job(router)).await {
            Ok(Some(job)) => job,
            Ok(None) => continue,
            // A router whose password cannot be opened here, say: the others still go.
            Err(e) => {
                tracing::debug!(%router, error = %e, "cannot provision");
                outcomes.push(DrainOutcome {
                    router,
                    result: Err(e),
                });
                continue;
            }
        };
        let generation = job.generation;
        let attempt = async {
            let endpoint = Endpoint::from_credentials(&job.credentials)?;
            let client = endpoint.connect(timeouts).await?;
            provision::reconcile(&client, &job.desired).await
        };
        let result = match attempt.await {
            Ok((_, report)) => {
                let details = (!report.is_empty()).then(|| report.details());
                blocking(core, move |c| {
                    c.finish_provisioning(router, Some(generation), details)
                })
                .await?;
                Ok(report)
            }
            Err(e) => {
                let message = e.to_string();
                tracing::info!(%router, error = %message, "provisioning postponed");
                blocking(core, move |c| {
                    c.postpone_provisioning(router, generation, &message)
                })
                .await?;
                Err(e)
            }
        };
        outcomes.push(DrainOutcome { router, result });
    }
    Ok(outcomes)
}

/// Points the poller at every active router with API access (the host calls this now and
/// then, and after a router's settings change).
pub async fn refresh_poller(core: &Arc<Core>, poller: &Poller) -> Result<()> {
    let routers = blocking(core, |c| c.routers_to_watch()).await?;
    let endpoints = routers
        .iter()
        .filter_map(|r| Endpoint::from_credentials(r).ok())
        .collect();
    poller.set_routers(endpoints);
    Ok(())
}
