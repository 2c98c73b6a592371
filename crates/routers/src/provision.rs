//! api-mode provisioning on the router: read what it holds in the managed menus, compare
//! with the desired state (`ispdesk_domain::provisioning`), and apply the difference.
//!
//! Applying goes in phases, each with its commands pipelined on the one connection:
//! profiles added and changed (users name them), then users added and changed, then users
//! removed, then profiles removed, then the sessions of disabled and removed users ended.
//! Every item stands alone: a refusal is recorded against that item and the rest go on. A
//! profile the router refuses makes the users naming it fail too, each with the router's
//! own message.

use futures_util::StreamExt;
use futures_util::stream;
use ispdesk_domain::provisioning::{
    ActualItem, DesiredItem, DesiredState, Diff, ItemKind, ItemRef,
};
use routeros_api::{Client, Command};
use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};

/// Commands in flight at once while applying.
const IN_FLIGHT: usize = 32;

/// What was done to one item.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
#[serde(rename_all = "snake_case")]
pub enum ItemAction {
    Add,
    Change,
    Remove,
    Disconnect,
}

/// An item the router refused, with its message.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
pub struct ItemFailure {
    pub kind: ItemKind,
    pub name: String,
    pub action: ItemAction,
    pub message: String,
}

/// What applying a diff did.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
pub struct ApplyReport {
    pub added: u32,
    pub changed: u32,
    pub removed: u32,
    /// Sessions ended because their user was disabled or removed.
    pub disconnected: u32,
    pub failures: Vec<ItemFailure>,
}

impl ApplyReport {
    /// Whether anything was done or tried.
    pub fn is_empty(&self) -> bool {
        self.added + self.changed + self.removed + self.disconnected == 0
            && self.failures.is_empty()
    }

    /// For the activity log: counts and failures, never a password.
    pub fn details(&self) -> serde_json::Value {
        serde_json::to_value(self).unwrap_or_default()
    }
}

/// Everything the router holds in the managed menus. A router without the hotspot package
/// has no hotspot menus: they read as empty.
pub async fn read_items(client: &Client) -> Result<Vec<ActualItem>> {
    let reads = ItemKind::ALL.map(|kind| async move {
        match client
            .command(&Command::new(format!("{}/print", kind.menu())))
            .await
        {
            Ok(response) => Ok(response
                .rows
                .into_iter()
                .filter_map(|row| {
                    ActualItem::from_properties(
                        kind,
                        row.iter().map(|(k, v)| (k.to_owned(), v.to_owned())),
                    )
                })
                .collect::<Vec<_>>()),
            Err(e) => {
                let e = Error::from(e);
                if e.is_missing() {
                    Ok(Vec::new())
                } else {
                    Err(e)
                }
            }
        }
    });
    let mut all = Vec::new();
    for items in futures_util::future::join_all(reads).await {
        all.extend(items?);
    }
    Ok(all)
}

fn wanted<'a>(desired: &'a DesiredState, kind: ItemKind, name: &str) -> Option<&'a DesiredItem> {
    desired
        .items
        .iter()
        .find(|d| d.kind == kind && d.name == name)
}

enum Op {
    Add(ItemKind, String, Command),
    Change(ItemKind, String, Command),
    Remove(ItemKind, String, Command),
}

impl Op {
    fn parts(&self) -> (ItemKind, &str, ItemAction, &Command) {
        match self {
            Op::Add(k, n, c) => (*k, n, ItemAction::Add, c),
            Op::Change(k, n, c) => (*k, n, ItemAction::Change, c),
            Op::Remove(k, n, c) => (*k, n, ItemAction::Remove, c),
        }
    }
}

fn add_command(item: &DesiredItem) -> Command {
    let mut command = Command::new(format!("{}/add", item.kind.menu())).attr("name", &item.name);
    for (field, value) in &item.fields {
        // Left out rather than sent empty: a new item has nothing to clear.
        if !value.is_empty() {
            command = command.attr(field, value);
        }
    }
    command
}

async fn run(client: &Client, ops: Vec<Op>, report: &mut ApplyReport) {
    let results: Vec<(ItemKind, String, ItemAction, Result<()>)> = stream::iter(ops)
        .map(|op| async move {
            let (kind, name, action, command) = op.parts();
            let outcome = client
                .command(command)
                .await
                .map(|_| ())
                .map_err(Error::from);
            (kind, name.to_owned(), action, outcome)
        })
        .buffer_unordered(IN_FLIGHT)
        .collect()
        .await;
    for (kind, name, action, outcome) in results {
        match outcome {
            Ok(()) => match action {
                ItemAction::Add => report.added += 1,
                ItemAction::Change => report.changed += 1,
                ItemAction::Remove => report.removed += 1,
                ItemAction::Disconnect => report.disconnected += 1,
            },
            Err(e) => report.failures.push(ItemFailure {
                kind,
                name,
                action,
                message: failure_message(&e),
            }),
        }
    }
}

fn failure_message(e: &Error) -> String {
    match e {
        Error::Router(routeros_api::Error::Trap { message, .. }) => message.clone(),
        other => other.to_string(),
    }
}

/// Applies a diff made against `desired`; see the module doc for the order. Fails only
/// when the connection itself fails; the router's refusals are in the report.
pub async fn apply(client: &Client, diff: &Diff, desired: &DesiredState) -> Result<ApplyReport> {
    let mut report = ApplyReport::default();
    let phase = |profiles: bool| {
        let mut ops = Vec::new();
        for add in diff.add.iter().filter(|a| a.kind.is_profile() == profiles) {
            if let Some(item) = wanted(desired, add.kind, &add.name) {
                ops.push(Op::Add(add.kind, add.name.clone(), add_command(item)));
            }
        }
        for change in diff
            .change
            .iter()
            .filter(|c| c.kind.is_profile() == profiles)
        {
            let Some(item) = wanted(desired, change.kind, &change.name) else {
                continue;
            };
            let mut command =
                Command::new(format!("{}/set", change.kind.menu())).attr(".id", &change.id);
            for field in &change.fields {
                let value = item.fields.get(field.field.as_str()).map_or("", |v| v);
                command = command.attr(&field.field, value);
            }
            ops.push(Op::Change(change.kind, change.name.clone(), command));
        }
        ops
    };
    let removals = |profiles: bool| {
        diff.remove
            .iter()
            .filter(|r| r.kind.is_profile() == profiles)
            .map(|r| {
                Op::Remove(
                    r.kind,
                    r.name.clone(),
                    Command::new(format!("{}/remove", r.kind.menu())).attr(".id", &r.id),
                )
            })
            .collect::<Vec<_>>()
    };
    run(client, phase(true), &mut report).await;
    run(client, phase(false), &mut report).await;
    run(client, removals(false), &mut report).await;
    run(client, removals(true), &mut report).await;
    end_sessions(client, &diff.disconnect, &mut report).await?;
    // A broken connection shows as failures of every item after it: say so once instead.
    if client.is_closed() {
        return Err(Error::Router(routeros_api::Error::ConnectionLost {
            reason: "the router closed the connection while provisioning".into(),
        }));
    }
    Ok(report)
}

/// Ends the sessions of the named users (RouterOS keeps a session running when its secret
/// is disabled or removed).
async fn end_sessions(client: &Client, users: &[ItemRef], report: &mut ApplyReport) -> Result<()> {
    if users.is_empty() {
        return Ok(());
    }
    let mut ops = Vec::new();
    for (kind, menu, user_field) in [
        (ItemKind::PppSecret, "/ppp/active", "name"),
        (ItemKind::HotspotUser, "/ip/hotspot/active", "user"),
    ] {
        let names: Vec<&str> = users
            .iter()
            .filter(|u| u.kind == kind)
            .map(|u| u.name.as_str())
            .collect();
        if names.is_empty() {
            continue;
        }
        let sessions = match client
            .command(&Command::new(format!("{menu}/print")).proplist(&[".id", user_field]))
            .await
        {
            Ok(response) => response.rows,
            Err(e) => {
                let e = Error::from(e);
                if e.is_missing() {
                    continue;
                }
                return Err(e);
            }
        };
        for row in sessions {
            let (Some(id), Some(user)) = (row.get(".id"), row.get(user_field)) else {
                continue;
            };
            if names.contains(&user) {
                ops.push(Op::Remove(
                    kind,
                    user.to_owned(),
                    Command::new(format!("{menu}/remove")).attr(".id", id),
                ));
            }
        }
    }
    let before = report.removed;
    let failures_before = report.failures.len();
    run(client, ops, report).await;
    // These removals are disconnections, not removed items.
    report.disconnected += report.removed - before;
    report.removed = before;
    for failure in &mut report.failures[failures_before..] {
        failure.action = ItemAction::Disconnect;
    }
    Ok(())
}

/// Reads the router, compares, applies, in one go: what the provisioning job does.
pub async fn reconcile(client: &Client, desired: &DesiredState) -> Result<(Diff, ApplyReport)> {
    let actual = read_items(client).await?;
    let diff = ispdesk_domain::provisioning::diff(desired, &actual);
    if diff.is_empty() && diff.disconnect.is_empty() {
        return Ok((diff, ApplyReport::default()));
    }
    let report = apply(client, &diff, desired).await?;
    Ok((diff, report))
}
