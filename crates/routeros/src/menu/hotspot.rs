//! `/ip/hotspot/user`, `/ip/hotspot/active` and `/ip/hotspot/user/profile`.

use std::net::IpAddr;
use std::time::Duration;

use crate::error::Result;
use crate::menu::{Attributes, ItemChanges, Menu, NewItem, Removable, Toggleable};
use crate::sentence::{ItemId, Row};
use crate::value::format_duration;

/// A hotspot user with its limits and its lifetime counters.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HotspotUser {
    pub id: ItemId,
    pub name: String,
    pub password: Option<String>,
    /// `all` or a server name.
    pub server: Option<String>,
    pub profile: Option<String>,
    pub address: Option<IpAddr>,
    pub mac_address: Option<String>,
    pub email: Option<String>,
    pub limit_uptime: Option<Duration>,
    pub limit_bytes_in: Option<u64>,
    pub limit_bytes_out: Option<u64>,
    pub limit_bytes_total: Option<u64>,
    pub uptime: Option<Duration>,
    pub bytes_in: Option<u64>,
    pub bytes_out: Option<u64>,
    pub packets_in: Option<u64>,
    pub packets_out: Option<u64>,
    pub dynamic: bool,
    pub disabled: bool,
    pub comment: Option<String>,
}

impl Menu for HotspotUser {
    const PATH: &'static str = "/ip/hotspot/user";

    fn from_row(row: &Row) -> Result<Self> {
        Ok(HotspotUser {
            id: row.required_id()?,
            name: row.required_text("name")?,
            password: row.text("password"),
            server: row.text("server"),
            profile: row.text("profile"),
            address: row.parsed("address"),
            mac_address: row.text("mac-address"),
            email: row.text("email"),
            limit_uptime: row.duration("limit-uptime"),
            limit_bytes_in: row.u64("limit-bytes-in"),
            limit_bytes_out: row.u64("limit-bytes-out"),
            limit_bytes_total: row.u64("limit-bytes-total"),
            uptime: row.duration("uptime"),
            bytes_in: row.u64("bytes-in"),
            bytes_out: row.u64("bytes-out"),
            packets_in: row.u64("packets-in"),
            packets_out: row.u64("packets-out"),
            dynamic: row.bool("dynamic").unwrap_or(false),
            disabled: row.bool("disabled").unwrap_or(false),
            comment: row.text("comment"),
        })
    }
}

impl Removable for HotspotUser {}
impl Toggleable for HotspotUser {}

/// The arguments of `/ip/hotspot/user/add`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewHotspotUser {
    pub name: String,
    pub password: Option<String>,
    pub server: Option<String>,
    pub profile: Option<String>,
    pub address: Option<IpAddr>,
    pub mac_address: Option<String>,
    pub email: Option<String>,
    pub limit_uptime: Option<Duration>,
    pub limit_bytes_in: Option<u64>,
    pub limit_bytes_out: Option<u64>,
    pub limit_bytes_total: Option<u64>,
    pub disabled: Option<bool>,
    pub comment: Option<String>,
}

impl NewHotspotUser {
    pub fn new(name: impl Into<String>) -> Self {
        NewHotspotUser {
            name: name.into(),
            password: None,
            server: None,
            profile: None,
            address: None,
            mac_address: None,
            email: None,
            limit_uptime: None,
            limit_bytes_in: None,
            limit_bytes_out: None,
            limit_bytes_total: None,
            disabled: None,
            comment: None,
        }
    }
}

impl NewItem for NewHotspotUser {
    const PATH: &'static str = HotspotUser::PATH;

    fn attributes(&self) -> Attributes {
        Attributes::new()
            .set("name", &self.name)
            .maybe("password", self.password.as_ref())
            .maybe("server", self.server.as_ref())
            .maybe("profile", self.profile.as_ref())
            .maybe("address", self.address)
            .maybe("mac-address", self.mac_address.as_ref())
            .maybe("email", self.email.as_ref())
            .maybe("limit-uptime", self.limit_uptime.map(format_duration))
            .maybe("limit-bytes-in", self.limit_bytes_in)
            .maybe("limit-bytes-out", self.limit_bytes_out)
            .maybe("limit-bytes-total", self.limit_bytes_total)
            .maybe_bool("disabled", self.disabled)
            .maybe("comment", self.comment.as_ref())
    }
}

/// What `/ip/hotspot/user/set` changes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HotspotUserChanges {
    pub id: ItemId,
    pub name: Option<String>,
    pub password: Option<String>,
    pub server: Option<String>,
    pub profile: Option<String>,
    pub address: Option<IpAddr>,
    pub mac_address: Option<String>,
    pub email: Option<String>,
    pub limit_uptime: Option<Duration>,
    pub limit_bytes_in: Option<u64>,
    pub limit_bytes_out: Option<u64>,
    pub limit_bytes_total: Option<u64>,
    pub disabled: Option<bool>,
    pub comment: Option<String>,
}

impl HotspotUserChanges {
    pub fn new(id: ItemId) -> Self {
        HotspotUserChanges {
            id,
            name: None,
            password: None,
            server: None,
            profile: None,
            address: None,
            mac_address: None,
            email: None,
            limit_uptime: None,
            limit_bytes_in: None,
            limit_bytes_out: None,
            limit_bytes_total: None,
            disabled: None,
            comment: None,
        }
    }
}

impl ItemChanges for HotspotUserChanges {
    const PATH: &'static str = HotspotUser::PATH;

    fn id(&self) -> &ItemId {
        &self.id
    }

    fn attributes(&self) -> Attributes {
        Attributes::new()
            .maybe("name", self.name.as_ref())
            .maybe("password", self.password.as_ref())
            .maybe("server", self.server.as_ref())
            .maybe("profile", self.profile.as_ref())
            .maybe("address", self.address)
            .maybe("mac-address", self.mac_address.as_ref())
            .maybe("email", self.email.as_ref())
            .maybe("limit-uptime", self.limit_uptime.map(format_duration))
            .maybe("limit-bytes-in", self.limit_bytes_in)
            .maybe("limit-bytes-out", self.limit_bytes_out)
            .maybe("limit-bytes-total", self.limit_bytes_total)
            .maybe_bool("disabled", self.disabled)
            .maybe("comment", self.comment.as_ref())
    }
}

/// A logged-in hotspot client. Removing one logs it out.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HotspotActive {
    pub id: ItemId,
    pub server: Option<String>,
    pub user: String,
    pub domain: Option<String>,
    pub address: Option<IpAddr>,
    pub mac_address: Option<String>,
    pub login_by: Option<String>,
    pub uptime: Option<Duration>,
    pub idle_time: Option<Duration>,
    pub session_time_left: Option<Duration>,
    pub bytes_in: Option<u64>,
    pub bytes_out: Option<u64>,
    pub packets_in: Option<u64>,
    pub packets_out: Option<u64>,
    pub radius: Option<bool>,
}

impl Menu for HotspotActive {
    const PATH: &'static str = "/ip/hotspot/active";

    fn from_row(row: &Row) -> Result<Self> {
        Ok(HotspotActive {
            id: row.required_id()?,
            server: row.text("server"),
            user: row.required_text("user")?,
            domain: row.text("domain"),
            address: row.parsed("address"),
            mac_address: row.text("mac-address"),
            login_by: row.text("login-by"),
            uptime: row.duration("uptime"),
            idle_time: row.duration("idle-time"),
            session_time_left: row.duration("session-time-left"),
            bytes_in: row.u64("bytes-in"),
            bytes_out: row.u64("bytes-out"),
            packets_in: row.u64("packets-in"),
            packets_out: row.u64("packets-out"),
            radius: row.bool("radius"),
        })
    }
}

impl Removable for HotspotActive {}

/// A hotspot user profile.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HotspotUserProfile {
    pub id: ItemId,
    pub name: String,
    pub address_pool: Option<String>,
    pub rate_limit: Option<String>,
    /// A number or `unlimited`.
    pub shared_users: Option<String>,
    pub session_timeout: Option<Duration>,
    pub idle_timeout: Option<Duration>,
    pub keepalive_timeout: Option<Duration>,
    pub address_list: Option<String>,
    pub parent_queue: Option<String>,
    pub on_login: Option<String>,
    pub on_logout: Option<String>,
    pub builtin: bool,
}

impl Menu for HotspotUserProfile {
    const PATH: &'static str = "/ip/hotspot/user/profile";

    fn from_row(row: &Row) -> Result<Self> {
        Ok(HotspotUserProfile {
            id: row.required_id()?,
            name: row.required_text("name")?,
            address_pool: row.text("address-pool"),
            rate_limit: row.text("rate-limit"),
            shared_users: row.text("shared-users"),
            session_timeout: row.duration("session-timeout"),
            idle_timeout: row.duration("idle-timeout"),
            keepalive_timeout: row.duration("keepalive-timeout"),
            address_list: row.text("address-list"),
            parent_queue: row.text("parent-queue"),
            on_login: row.text("on-login"),
            on_logout: row.text("on-logout"),
            builtin: row.bool("default").unwrap_or(false),
        })
    }
}

impl Removable for HotspotUserProfile {}

/// The arguments of `/ip/hotspot/user/profile/add`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewHotspotUserProfile {
    pub name: String,
    pub address_pool: Option<String>,
    pub rate_limit: Option<String>,
    pub shared_users: Option<String>,
    pub session_timeout: Option<Duration>,
    pub idle_timeout: Option<Duration>,
    pub keepalive_timeout: Option<Duration>,
    pub address_list: Option<String>,
    pub parent_queue: Option<String>,
}

impl NewHotspotUserProfile {
    pub fn new(name: impl Into<String>) -> Self {
        NewHotspotUserProfile {
            name: name.into(),
            address_pool: None,
            rate_limit: None,
            shared_users: None,
            session_timeout: None,
            idle_timeout: None,
            keepalive_timeout: None,
            address_list: None,
            parent_queue: None,
        }
    }
}

impl NewItem for NewHotspotUserProfile {
    const PATH: &'static str = HotspotUserProfile::PATH;

    fn attributes(&self) -> Attributes {
        profile_attributes(
            Attributes::new().set("name", &self.name),
            [
                ("address-pool", self.address_pool.clone()),
                ("rate-limit", self.rate_limit.clone()),
                ("shared-users", self.shared_users.clone()),
                ("session-timeout", self.session_timeout.map(format_duration)),
                ("idle-timeout", self.idle_timeout.map(format_duration)),
                (
                    "keepalive-timeout",
                    self.keepalive_timeout.map(format_duration),
                ),
                ("address-list", self.address_list.clone()),
                ("parent-queue", self.parent_queue.clone()),
            ],
        )
    }
}

/// What `/ip/hotspot/user/profile/set` changes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HotspotUserProfileChanges {
    pub id: ItemId,
    pub name: Option<String>,
    pub address_pool: Option<String>,
    pub rate_limit: Option<String>,
    pub shared_users: Option<String>,
    pub session_timeout: Option<Duration>,
    pub idle_timeout: Option<Duration>,
    pub keepalive_timeout: Option<Duration>,
    pub address_list: Option<String>,
    pub parent_queue: Option<String>,
}

impl HotspotUserProfileChanges {
    pub fn new(id: ItemId) -> Self {
        HotspotUserProfileChanges {
            id,
            name: None,
            address_pool: None,
            rate_limit: None,
            shared_users: None,
            session_timeout: None,
            idle_timeout: None,
            keepalive_timeout: None,
            address_list: None,
            parent_queue: None,
        }
    }
}

impl ItemChanges for HotspotUserProfileChanges {
    const PATH: &'static str = HotspotUserProfile::PATH;

    fn id(&self) -> &ItemId {
        &self.id
    }

    fn attributes(&self) -> Attributes {
        profile_attributes(
            Attributes::new().maybe("name", self.name.as_ref()),
            [
                ("address-pool", self.address_pool.clone()),
                ("rate-limit", self.rate_limit.clone()),
                ("shared-users", self.shared_users.clone()),
                ("session-timeout", self.session_timeout.map(format_duration)),
                ("idle-timeout", self.idle_timeout.map(format_duration)),
                (
                    "keepalive-timeout",
                    self.keepalive_timeout.map(format_duration),
                ),
                ("address-list", self.address_list.clone()),
                ("parent-queue", self.parent_queue.clone()),
            ],
        )
    }
}

fn profile_attributes<const N: usize>(
    start: Attributes,
    fields: [(&'static str, Option<String>); N],
) -> Attributes {
    fields
        .into_iter()
        .fold(start, |attrs, (name, value)| attrs.maybe(name, value))
}
