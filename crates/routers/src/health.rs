//! A router's health and who is online on it: what one poll reads, in one round of
//! commands pipelined on the connection.

use std::collections::HashMap;
use std::time::Instant;

use routeros_api::menu::{HotspotActive, PppActive};
use routeros_api::{Client, Command, Row};
use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};

/// CPU, memory, disk and traffic, as the health page shows them.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, ts_rs::TS)]
pub struct Health {
    /// `/system/identity`.
    pub identity: Option<String>,
    /// As the router writes it, e.g. `7.18.2 (stable)`.
    pub version: Option<String>,
    pub board: Option<String>,
    #[ts(type = "number | null")]
    pub uptime_s: Option<u64>,
    /// Percent.
    pub cpu_load: Option<u32>,
    #[ts(type = "number | null")]
    pub memory_used: Option<u64>,
    #[ts(type = "number | null")]
    pub memory_total: Option<u64>,
    #[ts(type = "number | null")]
    pub disk_used: Option<u64>,
    #[ts(type = "number | null")]
    pub disk_total: Option<u64>,
    /// The router's own interfaces (not the dynamic one of each PPP session).
    pub interfaces: Vec<InterfaceTraffic>,
}

/// One interface's traffic, averaged since the previous poll: bits per second, `rx` being
/// what the router receives. `None` on the first poll of a connection, or after a counter
/// went backwards (a reboot or a reset).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
pub struct InterfaceTraffic {
    pub name: String,
    /// `ether`, `bridge`, `vlan`, …
    pub kind: Option<String>,
    pub running: bool,
    pub disabled: bool,
    #[ts(type = "number | null")]
    pub rx_bps: Option<u64>,
    #[ts(type = "number | null")]
    pub tx_bps: Option<u64>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, ts_rs::TS)]
#[serde(rename_all = "snake_case")]
pub enum SessionKind {
    /// `/ppp/active`.
    Ppp,
    /// `/ip/hotspot/active`.
    Hotspot,
}

/// A connected subscriber.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
pub struct OnlineSession {
    pub kind: SessionKind,
    /// RouterOS's `.id` of the session, for disconnecting it.
    pub id: String,
    /// The PPP user name or hotspot user.
    pub name: String,
    pub address: Option<String>,
    /// The hotspot client's MAC, or the PPPoE caller id (the client's MAC).
    pub mac_address: Option<String>,
    /// `pppoe`, `l2tp`, …; for hotspot how the user logged in (`http-chap`, …).
    pub service: Option<String>,
    #[ts(type = "number | null")]
    pub uptime_s: Option<u64>,
    /// From the client's side: bytes it sent. RouterOS reports bytes for hotspot sessions
    /// only (a PPP session's are on its dynamic interface).
    #[ts(type = "number | null")]
    pub bytes_in: Option<u64>,
    #[ts(type = "number | null")]
    pub bytes_out: Option<u64>,
    /// Whether RADIUS authenticated it.
    pub radius: Option<bool>,
}

/// Interface byte counters from the previous poll, for rates.
#[derive(Debug, Default)]
pub(crate) struct Counters {
    at: Option<Instant>,
    bytes: HashMap<String, (u64, u64)>,
}

/// What a poll keeps between rounds on one connection.
#[derive(Debug)]
pub(crate) struct PollState {
    counters: Counters,
    /// Cleared when the router has no hotspot package (the menu does not exist).
    hotspot: bool,
    identity: Option<String>,
}

impl PollState {
    pub(crate) fn new(identity: Option<String>) -> Self {
        PollState {
            counters: Counters::default(),
            hotspot: true,
            identity,
        }
    }
}

fn interface_command() -> Command {
    Command::new("/interface/print").proplist(&[
        "name", "type", "running", "disabled", "dynamic", "rx-byte", "tx-byte",
    ])
}

/// Reads health and online users in one round: four commands in flight at once.
pub(crate) async fn poll(
    client: &Client,
    state: &mut PollState,
) -> Result<(Health, Vec<OnlineSession>)> {
    let hotspot = async {
        if !state.hotspot {
            return Ok(None);
        }
        match client.list::<HotspotActive>().await {
            Ok(rows) => Ok(Some(rows)),
            Err(e) => {
                let e = Error::from(e);
                if e.is_missing() { Ok(None) } else { Err(e) }
            }
        }
    };
    let interface_print = interface_command();
    let (resource, interfaces, ppp, hotspot) = tokio::join!(
        client.system_resource(),
        client.command(&interface_print),
        client.list::<PppActive>(),
        hotspot,
    );
    let resource = resource?;
    let interfaces = interfaces?;
    let ppp = ppp?;
    let hotspot = hotspot?;
    if hotspot.is_none() {
        state.hotspot = false;
    }
    let now = Instant::now();
    let traffic = rates(&mut state.counters, now, &interfaces.rows);
    let used = |total: Option<u64>, free: Option<u64>| Some(total?.saturating_sub(free?));
    let health = Health {
        identity: state.identity.clone(),
        version: resource.version_text.clone(),
        board: resource.board_name.clone(),
        uptime_s: resource.uptime.map(|u| u.as_secs()),
        cpu_load: resource.cpu_load,
        memory_used: used(resource.total_memory, resource.free_memory),
        memory_total: resource.total_memory,
        disk_used: used(resource.total_hdd_space, resource.free_hdd_space),
        disk_total: resource.total_hdd_space,
        interfaces: traffic,
    };
    Ok((health, sessions(ppp, hotspot.unwrap_or_default())))
}

fn rates(counters: &mut Counters, now: Instant, rows: &[Row]) -> Vec<InterfaceTraffic> {
    let elapsed = counters
        .at
        .map(|then| now.duration_since(then).as_secs_f64())
        .filter(|s| *s > 0.0);
    let mut bytes = HashMap::with_capacity(rows.len());
    let mut out = Vec::new();
    for row in rows {
        if row.bool("dynamic").unwrap_or(false) {
            continue;
        }
        let Some(name) = row.text("name") else {
            continue;
        };
        let now_bytes = (row.u64("rx-byte"), row.u64("tx-byte"));
        let previous = counters.bytes.get(&name);
        let rate = |now: Option<u64>, before: Option<u64>| {
            let (now, before, seconds) = (now?, before?, elapsed?);
            // A counter going backwards is a reboot or a reset, not negative traffic.
            let delta = now.checked_sub(before)?;
            Some((delta as f64 * 8.0 / seconds).round() as u64)
        };
        out.push(InterfaceTraffic {
            kind: row.text("type"),
            running: row.bool("running").unwrap_or(false),
            disabled: row.bool("disabled").unwrap_or(false),
            rx_bps: rate(now_bytes.0, previous.map(|p| p.0)),
            tx_bps: rate(now_bytes.1, previous.map(|p| p.1)),
            name: name.clone(),
        });
        if let (Some(rx), Some(tx)) = now_bytes {
            bytes.insert(name, (rx, tx));
        }
    }
    counters.at = Some(now);
    counters.bytes = bytes;
    out
}

fn sessions(ppp: Vec<PppActive>, hotspot: Vec<HotspotActive>) -> Vec<OnlineSession> {
    let ppp = ppp.into_iter().map(|s| OnlineSession {
        kind: SessionKind::Ppp,
        id: s.id.to_string(),
        name: s.name,
        address: s.address.map(|a| a.to_string()),
        mac_address: s.caller_id,
        service: s.service,
        uptime_s: s.uptime.map(|u| u.as_secs()),
        bytes_in: None,
        bytes_out: None,
        radius: s.radius,
    });
    let hotspot = hotspot.into_iter().map(|s| OnlineSession {
        kind: SessionKind::Hotspot,
        id: s.id.to_string(),
        name: s.user,
        address: s.address.map(|a| a.to_string()),
        mac_address: s.mac_address,
        service: s.login_by,
        uptime_s: s.uptime.map(|u| u.as_secs()),
        bytes_in: s.bytes_in,
        bytes_out: s.bytes_out,
        radius: s.radius,
    });
    let mut all: Vec<OnlineSession> = ppp.chain(hotspot).collect();
    all.sort_by(|a, b| a.name.cmp(&b.name).then(a.id.cmp(&b.id)));
    all
}

/// Who is online right now.
pub async fn fetch_sessions(client: &Client) -> Result<Vec<OnlineSession>> {
    let hotspot = async {
        match client.list::<HotspotActive>().await {
            Ok(rows) => Ok(rows),
            Err(e) => {
                let e = Error::from(e);
                if e.is_missing() {
                    Ok(Vec::new())
                } else {
                    Err(e)
                }
            }
        }
    };
    let (ppp, hotspot) = tokio::join!(client.list::<PppActive>(), hotspot);
    Ok(sessions(ppp?, hotspot?))
}

/// Ends a session by its `.id`. `Ok(false)` when it had already ended.
pub async fn end_session(client: &Client, kind: SessionKind, id: &str) -> Result<bool> {
    let menu = match kind {
        SessionKind::Ppp => "/ppp/active",
        SessionKind::Hotspot => "/ip/hotspot/active",
    };
    match client
        .command(&Command::new(format!("{menu}/remove")).attr(".id", id))
        .await
    {
        Ok(_) => Ok(true),
        Err(e) => {
            let e = Error::from(e);
            if e.is_missing() { Ok(false) } else { Err(e) }
        }
    }
}
