//! `/ppp/secret`, `/ppp/active` and `/ppp/profile`.

use std::net::{IpAddr, Ipv4Addr};
use std::time::Duration;

use crate::error::Result;
use crate::menu::{Attributes, ItemChanges, Menu, NewItem, Removable, Toggleable};
use crate::sentence::{ItemId, Row};
use crate::value::format_duration;

/// A local PPP user.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PppSecret {
    pub id: ItemId,
    pub name: String,
    pub password: Option<String>,
    /// `any`, `pppoe`, `pptp`, `l2tp`, `ovpn`, `sstp`, …
    pub service: Option<String>,
    pub profile: Option<String>,
    pub local_address: Option<Ipv4Addr>,
    pub remote_address: Option<Ipv4Addr>,
    pub caller_id: Option<String>,
    pub limit_bytes_in: Option<u64>,
    pub limit_bytes_out: Option<u64>,
    pub disabled: bool,
    pub comment: Option<String>,
    /// RouterOS 7 only, as the router writes it.
    pub last_logged_out: Option<String>,
    pub last_caller_id: Option<String>,
    pub last_disconnect_reason: Option<String>,
}

impl Menu for PppSecret {
    const PATH: &'static str = "/ppp/secret";

    fn from_row(row: &Row) -> Result<Self> {
        Ok(PppSecret {
            id: row.required_id()?,
            name: row.required_text("name")?,
            password: row.text("password"),
            service: row.text("service"),
            profile: row.text("profile"),
            local_address: row.parsed("local-address"),
            remote_address: row.parsed("remote-address"),
            caller_id: row.text("caller-id"),
            limit_bytes_in: row.u64("limit-bytes-in"),
            limit_bytes_out: row.u64("limit-bytes-out"),
            disabled: row.bool("disabled").unwrap_or(false),
            comment: row.text("comment"),
            last_logged_out: row.text("last-logged-out"),
            last_caller_id: row.text("last-caller-id"),
            last_disconnect_reason: row.text("last-disconnect-reason"),
        })
    }
}

impl Removable for PppSecret {}
impl Toggleable for PppSecret {}

/// The arguments of `/ppp/secret/add`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewPppSecret {
    pub name: String,
    pub password: String,
    pub service: Option<String>,
    pub profile: Option<String>,
    pub local_address: Option<Ipv4Addr>,
    pub remote_address: Option<Ipv4Addr>,
    pub caller_id: Option<String>,
    pub limit_bytes_in: Option<u64>,
    pub limit_bytes_out: Option<u64>,
    pub disabled: Option<bool>,
    pub comment: Option<String>,
}

impl NewPppSecret {
    pub fn new(name: impl Into<String>, password: impl Into<String>) -> Self {
        NewPppSecret {
            name: name.into(),
            password: password.into(),
            service: None,
            profile: None,
            local_address: None,
            remote_address: None,
            caller_id: None,
            limit_bytes_in: None,
            limit_bytes_out: None,
            disabled: None,
            comment: None,
        }
    }
}

impl NewItem for NewPppSecret {
    const PATH: &'static str = PppSecret::PATH;

    fn attributes(&self) -> Attributes {
        Attributes::new()
            .set("name", &self.name)
            .set("password", &self.password)
            .maybe("service", self.service.as_ref())
            .maybe("profile", self.profile.as_ref())
            .maybe("local-address", self.local_address)
            .maybe("remote-address", self.remote_address)
            .maybe("caller-id", self.caller_id.as_ref())
            .maybe("limit-bytes-in", self.limit_bytes_in)
            .maybe("limit-bytes-out", self.limit_bytes_out)
            .maybe_bool("disabled", self.disabled)
            .maybe("comment", self.comment.as_ref())
    }
}

/// What `/ppp/secret/set` changes; `None` leaves a property as it is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PppSecretChanges {
    pub id: ItemId,
    pub name: Option<String>,
    pub password: Option<String>,
    pub service: Option<String>,
    pub profile: Option<String>,
    pub local_address: Option<Ipv4Addr>,
    pub remote_address: Option<Ipv4Addr>,
    pub caller_id: Option<String>,
    pub limit_bytes_in: Option<u64>,
    pub limit_bytes_out: Option<u64>,
    pub disabled: Option<bool>,
    pub comment: Option<String>,
}

impl PppSecretChanges {
    pub fn new(id: ItemId) -> Self {
        PppSecretChanges {
            id,
            name: None,
            password: None,
            service: None,
            profile: None,
            local_address: None,
            remote_address: None,
            caller_id: None,
            limit_bytes_in: None,
            limit_bytes_out: None,
            disabled: None,
            comment: None,
        }
    }
}

impl ItemChanges for PppSecretChanges {
    const PATH: &'static str = PppSecret::PATH;

    fn id(&self) -> &ItemId {
        &self.id
    }

    fn attributes(&self) -> Attributes {
        Attributes::new()
            .maybe("name", self.name.as_ref())
            .maybe("password", self.password.as_ref())
            .maybe("service", self.service.as_ref())
            .maybe("profile", self.profile.as_ref())
            .maybe("local-address", self.local_address)
            .maybe("remote-address", self.remote_address)
            .maybe("caller-id", self.caller_id.as_ref())
            .maybe("limit-bytes-in", self.limit_bytes_in)
            .maybe("limit-bytes-out", self.limit_bytes_out)
            .maybe_bool("disabled", self.disabled)
            .maybe("comment", self.comment.as_ref())
    }
}

/// A connected PPP session. Removing one disconnects the user.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PppActive {
    pub id: ItemId,
    pub name: String,
    pub service: Option<String>,
    /// For PPPoE, the client's MAC address.
    pub caller_id: Option<String>,
    pub encoding: Option<String>,
    pub address: Option<IpAddr>,
    pub uptime: Option<Duration>,
    pub session_id: Option<String>,
    pub limit_bytes_in: Option<u64>,
    pub limit_bytes_out: Option<u64>,
    /// Whether RADIUS authenticated the session.
    pub radius: Option<bool>,
}

impl Menu for PppActive {
    const PATH: &'static str = "/ppp/active";

    fn from_row(row: &Row) -> Result<Self> {
        Ok(PppActive {
            id: row.required_id()?,
            name: row.required_text("name")?,
            service: row.text("service"),
            caller_id: row.text("caller-id"),
            encoding: row.text("encoding"),
            address: row.parsed("address"),
            uptime: row.duration("uptime"),
            session_id: row.text("session-id"),
            limit_bytes_in: row.u64("limit-bytes-in"),
            limit_bytes_out: row.u64("limit-bytes-out"),
            radius: row.bool("radius"),
        })
    }
}

impl Removable for PppActive {}

/// A PPP profile: addresses, rate limit and timeouts shared by secrets.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PppProfile {
    pub id: ItemId,
    pub name: String,
    /// An address or a pool name.
    pub local_address: Option<String>,
    pub remote_address: Option<String>,
    /// The rate-limit grammar of protocol-facts §2, as written.
    pub rate_limit: Option<String>,
    /// `yes`, `no` or `default`.
    pub only_one: Option<String>,
    pub dns_server: Option<String>,
    pub address_list: Option<String>,
    pub idle_timeout: Option<Duration>,
    pub session_timeout: Option<Duration>,
    pub parent_queue: Option<String>,
    pub comment: Option<String>,
    /// Whether this is a built-in profile (`default`, `default-encryption`).
    pub builtin: bool,
}

impl Menu for PppProfile {
    const PATH: &'static str = "/ppp/profile";

    fn from_row(row: &Row) -> Result<Self> {
        Ok(PppProfile {
            id: row.required_id()?,
            name: row.required_text("name")?,
            local_address: row.text("local-address"),
            remote_address: row.text("remote-address"),
            rate_limit: row.text("rate-limit"),
            only_one: row.text("only-one"),
            dns_server: row.text("dns-server"),
            address_list: row.text("address-list"),
            idle_timeout: row.duration("idle-timeout"),
            session_timeout: row.duration("session-timeout"),
            parent_queue: row.text("parent-queue"),
            comment: row.text("comment"),
            builtin: row.bool("default").unwrap_or(false),
        })
    }
}

impl Removable for PppProfile {}

/// The arguments of `/ppp/profile/add`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewPppProfile {
    pub name: String,
    pub local_address: Option<String>,
    pub remote_address: Option<String>,
    pub rate_limit: Option<String>,
    pub only_one: Option<bool>,
    pub dns_server: Option<String>,
    pub address_list: Option<String>,
    pub idle_timeout: Option<Duration>,
    pub session_timeout: Option<Duration>,
    pub parent_queue: Option<String>,
    pub comment: Option<String>,
}

impl NewPppProfile {
    pub fn new(name: impl Into<String>) -> Self {
        NewPppProfile {
            name: name.into(),
            local_address: None,
            remote_address: None,
            rate_limit: None,
            only_one: None,
            dns_server: None,
            address_list: None,
            idle_timeout: None,
            session_timeout: None,
            parent_queue: None,
            comment: None,
        }
    }
}

impl NewItem for NewPppProfile {
    const PATH: &'static str = PppProfile::PATH;

    fn attributes(&self) -> Attributes {
        Attributes::new()
            .set("name", &self.name)
            .maybe("local-address", self.local_address.as_ref())
            .maybe("remote-address", self.remote_address.as_ref())
            .maybe("rate-limit", self.rate_limit.as_ref())
            .maybe_bool("only-one", self.only_one)
            .maybe("dns-server", self.dns_server.as_ref())
            .maybe("address-list", self.address_list.as_ref())
            .maybe("idle-timeout", self.idle_timeout.map(format_duration))
            .maybe("session-timeout", self.session_timeout.map(format_duration))
            .maybe("parent-queue", self.parent_queue.as_ref())
            .maybe("comment", self.comment.as_ref())
    }
}

/// What `/ppp/profile/set` changes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PppProfileChanges {
    pub id: ItemId,
    pub name: Option<String>,
    pub local_address: Option<String>,
    pub remote_address: Option<String>,
    pub rate_limit: Option<String>,
    pub only_one: Option<bool>,
    pub dns_server: Option<String>,
    pub address_list: Option<String>,
    pub idle_timeout: Option<Duration>,
    pub session_timeout: Option<Duration>,
    pub parent_queue: Option<String>,
    pub comment: Option<String>,
}

impl PppProfileChanges {
    pub fn new(id: ItemId) -> Self {
        PppProfileChanges {
            id,
            name: None,
            local_address: None,
            remote_address: None,
            rate_limit: None,
            only_one: None,
            dns_server: None,
            address_list: None,
            idle_timeout: None,
            session_timeout: None,
            parent_queue: None,
            comment: None,
        }
    }
}

impl ItemChanges for PppProfileChanges {
    const PATH: &'static str = PppProfile::PATH;

    fn id(&self) -> &ItemId {
        &self.id
    }

    fn attributes(&self) -> Attributes {
        Attributes::new()
            .maybe("name", self.name.as_ref())
            .maybe("local-address", self.local_address.as_ref())
            .maybe("remote-address", self.remote_address.as_ref())
            .maybe("rate-limit", self.rate_limit.as_ref())
            .maybe_bool("only-one", self.only_one)
            .maybe("dns-server", self.dns_server.as_ref())
            .maybe("address-list", self.address_list.as_ref())
            .maybe("idle-timeout", self.idle_timeout.map(format_duration))
            .maybe("session-timeout", self.session_timeout.map(format_duration))
            .maybe("parent-queue", self.parent_queue.as_ref())
            .maybe("comment", self.comment.as_ref())
    }
}
