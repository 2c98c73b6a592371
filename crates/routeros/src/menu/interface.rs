//! `/interface` and `/interface/monitor-traffic`.

use crate::client::{Client, TypedStream};
use crate::error::Result;
use crate::menu::{Attributes, ItemChanges, Menu, Toggleable};
use crate::sentence::{Command, ItemId, Row};

/// One interface with its lifetime counters. Rates come from [`TrafficSample`] or from the
/// difference between two readings.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Interface {
    pub id: ItemId,
    pub name: String,
    pub default_name: Option<String>,
    /// `type`: `ether`, `bridge`, `vlan`, `pppoe-in`, …
    pub kind: Option<String>,
    pub mtu: Option<String>,
    pub mac_address: Option<String>,
    pub running: bool,
    pub disabled: bool,
    pub dynamic: bool,
    pub comment: Option<String>,
    pub rx_byte: Option<u64>,
    pub tx_byte: Option<u64>,
    pub rx_packet: Option<u64>,
    pub tx_packet: Option<u64>,
    pub rx_drop: Option<u64>,
    pub tx_drop: Option<u64>,
    pub rx_error: Option<u64>,
    pub tx_error: Option<u64>,
    pub link_downs: Option<u64>,
}

impl Menu for Interface {
    const PATH: &'static str = "/interface";

    fn from_row(row: &Row) -> Result<Self> {
        Ok(Interface {
            id: row.required_id()?,
            name: row.required_text("name")?,
            default_name: row.text("default-name"),
            kind: row.text("type"),
            mtu: row.text("mtu"),
            mac_address: row.text("mac-address"),
            running: row.bool("running").unwrap_or(false),
            disabled: row.bool("disabled").unwrap_or(false),
            dynamic: row.bool("dynamic").unwrap_or(false),
            comment: row.text("comment"),
            rx_byte: row.u64("rx-byte"),
            tx_byte: row.u64("tx-byte"),
            rx_packet: row.u64("rx-packet"),
            tx_packet: row.u64("tx-packet"),
            rx_drop: row.u64("rx-drop"),
            tx_drop: row.u64("tx-drop"),
            rx_error: row.u64("rx-error"),
            tx_error: row.u64("tx-error"),
            link_downs: row.u64("link-downs"),
        })
    }
}

impl Toggleable for Interface {}

/// What `set` may change on an interface.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InterfaceChanges {
    pub id: ItemId,
    pub name: Option<String>,
    pub comment: Option<String>,
    pub mtu: Option<u32>,
}

impl InterfaceChanges {
    pub fn new(id: ItemId) -> Self {
        InterfaceChanges {
            id,
            name: None,
            comment: None,
            mtu: None,
        }
    }
}

impl ItemChanges for InterfaceChanges {
    const PATH: &'static str = Interface::PATH;

    fn id(&self) -> &ItemId {
        &self.id
    }

    fn attributes(&self) -> Attributes {
        Attributes::new()
            .maybe("name", self.name.as_ref())
            .maybe("comment", self.comment.as_ref())
            .maybe("mtu", self.mtu)
    }
}

/// One reading of `monitor-traffic` for one interface, in bits or packets per second.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TrafficSample {
    pub name: String,
    pub rx_bits_per_second: Option<u64>,
    pub tx_bits_per_second: Option<u64>,
    pub rx_packets_per_second: Option<u64>,
    pub tx_packets_per_second: Option<u64>,
    pub rx_drops_per_second: Option<u64>,
    pub tx_drops_per_second: Option<u64>,
    pub rx_errors_per_second: Option<u64>,
    pub tx_errors_per_second: Option<u64>,
}

impl TrafficSample {
    pub fn from_row(row: Row) -> Result<Self> {
        Ok(TrafficSample {
            name: row.required_text("name")?,
            rx_bits_per_second: row.rate("rx-bits-per-second"),
            tx_bits_per_second: row.rate("tx-bits-per-second"),
            rx_packets_per_second: row.rate("rx-packets-per-second"),
            tx_packets_per_second: row.rate("tx-packets-per-second"),
            rx_drops_per_second: row.rate("rx-drops-per-second"),
            tx_drops_per_second: row.rate("tx-drops-per-second"),
            rx_errors_per_second: row.rate("rx-errors-per-second"),
            tx_errors_per_second: row.rate("tx-errors-per-second"),
        })
    }
}

fn monitor_command(interfaces: &[&str]) -> Command {
    Command::new("/interface/monitor-traffic").attr("interface", interfaces.join(","))
}

impl Client {
    /// One reading per interface (`=once=`). `aggregate` names the whole-router total.
    pub async fn monitor_traffic_once(&self, interfaces: &[&str]) -> Result<Vec<TrafficSample>> {
        let response = self
            .command(&monitor_command(interfaces).flag("once"))
            .await?;
        response
            .rows
            .into_iter()
            .map(TrafficSample::from_row)
            .collect()
    }

    /// A reading per interface every second until the stream is cancelled or dropped.
    pub fn monitor_traffic(&self, interfaces: &[&str]) -> Result<TypedStream<TrafficSample>> {
        let stream = self.stream(&monitor_command(interfaces))?;
        Ok(TypedStream::new(stream, TrafficSample::from_row))
    }
}
