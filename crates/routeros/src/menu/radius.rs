//! `/radius`: the RADIUS servers the router asks.

use std::net::IpAddr;
use std::time::Duration;

use crate::error::Result;
use crate::menu::pool::split_list;
use crate::menu::{Attributes, ItemChanges, Menu, NewItem, Removable, Toggleable};
use crate::sentence::{ItemId, Row};
use crate::value::format_duration;

/// One RADIUS server entry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RadiusServer {
    pub id: ItemId,
    /// `ppp`, `hotspot`, `login`, `wireless`, `dhcp`, `ipsec`, `dot1x`.
    pub service: Vec<String>,
    pub address: Option<IpAddr>,
    pub secret: Option<String>,
    pub authentication_port: Option<u16>,
    pub accounting_port: Option<u16>,
    pub timeout: Option<Duration>,
    pub src_address: Option<IpAddr>,
    /// `no` or `yes-for-request-resp` (RouterOS 7).
    pub require_message_auth: Option<String>,
    pub disabled: bool,
    pub comment: Option<String>,
}

impl Menu for RadiusServer {
    const PATH: &'static str = "/radius";

    fn from_row(row: &Row) -> Result<Self> {
        Ok(RadiusServer {
            id: row.required_id()?,
            service: split_list(row.get("service")),
            address: row.parsed("address"),
            secret: row.text("secret"),
            authentication_port: row.parsed("authentication-port"),
            accounting_port: row.parsed("accounting-port"),
            timeout: row.duration("timeout"),
            src_address: row.parsed("src-address"),
            require_message_auth: row.text("require-message-auth"),
            disabled: row.bool("disabled").unwrap_or(false),
            comment: row.text("comment"),
        })
    }
}

impl Removable for RadiusServer {}
impl Toggleable for RadiusServer {}

/// The arguments of `/radius/add`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewRadiusServer {
    pub service: Vec<String>,
    pub address: IpAddr,
    pub secret: String,
    pub authentication_port: Option<u16>,
    pub accounting_port: Option<u16>,
    pub timeout: Option<Duration>,
    pub src_address: Option<IpAddr>,
    pub require_message_auth: Option<String>,
    pub disabled: Option<bool>,
    pub comment: Option<String>,
}

impl NewRadiusServer {
    pub fn new(service: &[&str], address: IpAddr, secret: impl Into<String>) -> Self {
        NewRadiusServer {
            service: service.iter().map(|s| (*s).to_owned()).collect(),
            address,
            secret: secret.into(),
            authentication_port: None,
            accounting_port: None,
            timeout: None,
            src_address: None,
            require_message_auth: None,
            disabled: None,
            comment: None,
        }
    }
}

impl NewItem for NewRadiusServer {
    const PATH: &'static str = RadiusServer::PATH;

    fn attributes(&self) -> Attributes {
        Attributes::new()
            .set("service", self.service.join(","))
            .set("address", self.address)
            .set("secret", &self.secret)
            .maybe("authentication-port", self.authentication_port)
            .maybe("accounting-port", self.accounting_port)
            .maybe("timeout", self.timeout.map(format_duration))
            .maybe("src-address", self.src_address)
            .maybe("require-message-auth", self.require_message_auth.as_ref())
            .maybe_bool("disabled", self.disabled)
            .maybe("comment", self.comment.as_ref())
    }
}

/// What `/radius/set` changes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RadiusServerChanges {
    pub id: ItemId,
    pub service: Option<Vec<String>>,
    pub address: Option<IpAddr>,
    pub secret: Option<String>,
    pub authentication_port: Option<u16>,
    pub accounting_port: Option<u16>,
    pub timeout: Option<Duration>,
    pub src_address: Option<IpAddr>,
    pub require_message_auth: Option<String>,
    pub disabled: Option<bool>,
    pub comment: Option<String>,
}

impl RadiusServerChanges {
    pub fn new(id: ItemId) -> Self {
        RadiusServerChanges {
            id,
            service: None,
            address: None,
            secret: None,
            authentication_port: None,
            accounting_port: None,
            timeout: None,
            src_address: None,
            require_message_auth: None,
            disabled: None,
            comment: None,
        }
    }
}

impl ItemChanges for RadiusServerChanges {
    const PATH: &'static str = RadiusServer::PATH;

    fn id(&self) -> &ItemId {
        &self.id
    }

    fn attributes(&self) -> Attributes {
        Attributes::new()
            .maybe("service", self.service.as_ref().map(|s| s.join(",")))
            .maybe("address", self.address)
            .maybe("secret", self.secret.as_ref())
            .maybe("authentication-port", self.authentication_port)
            .maybe("accounting-port", self.accounting_port)
            .maybe("timeout", self.timeout.map(format_duration))
            .maybe("src-address", self.src_address)
            .maybe("require-message-auth", self.require_message_auth.as_ref())
            .maybe_bool("disabled", self.disabled)
            .maybe("comment", self.comment.as_ref())
    }
}
