//! Typed access to the menus the app uses (protocol-facts §2).
//!
//! Reads parse defensively: only `.id` (and `name` where every item has one) is required, and
//! every other property becomes `None` when absent or unreadable, so a router version that adds,
//! drops or reformats a property degrades one field instead of failing the read. Writes take
//! typed arguments and send only what is set.

mod hotspot;
mod interface;
mod pool;
mod ppp;
mod queue;
mod radius;
mod system;

use std::fmt::Display;

pub use hotspot::{
    HotspotActive, HotspotUser, HotspotUserChanges, HotspotUserProfile, HotspotUserProfileChanges,
    NewHotspotUser, NewHotspotUserProfile,
};
pub use interface::{Interface, InterfaceChanges, TrafficSample};
pub use pool::{IpPool, IpPoolChanges, NewIpPool};
pub use ppp::{
    NewPppProfile, NewPppSecret, PppActive, PppProfile, PppProfileChanges, PppSecret,
    PppSecretChanges,
};
pub use queue::{NewSimpleQueue, SimpleQueue, SimpleQueueChanges};
pub use radius::{NewRadiusServer, RadiusServer, RadiusServerChanges};
pub use system::{Identity, SystemResource};

use crate::client::{Client, TypedStream};
use crate::error::{Error, Result};
use crate::sentence::{Command, ItemId, Query, Row};

/// A menu whose items can be listed.
pub trait Menu: Sized {
    /// The menu path with `/` separators, without a verb: `/ppp/secret`.
    const PATH: &'static str;

    fn from_row(row: &Row) -> Result<Self>;
}

/// A menu whose items can be removed.
pub trait Removable: Menu {}

/// A menu whose items can be enabled and disabled.
pub trait Toggleable: Menu {}

/// The arguments of an `add`.
pub trait NewItem {
    const PATH: &'static str;

    fn attributes(&self) -> Attributes;
}

/// The arguments of a `set`: the item and the properties to change.
pub trait ItemChanges {
    const PATH: &'static str;

    fn id(&self) -> &ItemId;

    fn attributes(&self) -> Attributes;
}

/// A change seen by `listen`.
#[derive(Debug, Clone, PartialEq)]
pub enum Change<T> {
    /// Added or changed: the item as it is now.
    Updated(T),
    /// Removed (`.dead=yes`).
    Removed(ItemId),
}

/// Attribute words for a write, skipping what is not set.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Attributes(Vec<(&'static str, String)>);

impl Attributes {
    pub fn new() -> Self {
        Attributes::default()
    }

    pub fn set(mut self, name: &'static str, value: impl Display) -> Self {
        self.0.push((name, value.to_string()));
        self
    }

    pub fn maybe<V: Display>(self, name: &'static str, value: Option<V>) -> Self {
        match value {
            Some(v) => self.set(name, v),
            None => self,
        }
    }

    /// A boolean the RouterOS way (`yes`/`no`, which every version accepts on writes).
    pub fn maybe_bool(self, name: &'static str, value: Option<bool>) -> Self {
        self.maybe(name, value.map(yes_no))
    }

    fn apply(self, mut command: Command) -> Command {
        for (name, value) in self.0 {
            command = command.attr(name, value);
        }
        command
    }
}

fn yes_no(b: bool) -> &'static str {
    if b { "yes" } else { "no" }
}

fn verb(path: &str, verb: &str) -> Command {
    Command::new(format!("{path}/{verb}"))
}

impl Client {
    /// Every item of a menu.
    pub async fn list<M: Menu>(&self) -> Result<Vec<M>> {
        self.rows(&verb(M::PATH, "print")).await
    }

    /// The items of a menu that match a query, filtered by the router.
    pub async fn list_where<M: Menu>(&self, query: Query) -> Result<Vec<M>> {
        self.rows(&verb(M::PATH, "print").query(query)).await
    }

    /// Adds an item and returns the ID the router gave it.
    pub async fn add<N: NewItem>(&self, item: &N) -> Result<ItemId> {
        let response = self
            .command(&item.attributes().apply(verb(N::PATH, "add")))
            .await?;
        response
            .done
            .text("ret")
            .map(ItemId::new)
            .ok_or_else(|| Error::protocol(format!("{}/add returned no ID", N::PATH)))
    }

    pub async fn set<C: ItemChanges>(&self, changes: &C) -> Result<()> {
        let command = verb(C::PATH, "set").attr(".id", changes.id());
        self.command(&changes.attributes().apply(command)).await?;
        Ok(())
    }

    pub async fn remove<M: Removable>(&self, id: &ItemId) -> Result<()> {
        self.command(&verb(M::PATH, "remove").attr(".id", id))
            .await?;
        Ok(())
    }

    pub async fn enable<M: Toggleable>(&self, id: &ItemId) -> Result<()> {
        self.command(&verb(M::PATH, "enable").attr(".id", id))
            .await?;
        Ok(())
    }

    pub async fn disable<M: Toggleable>(&self, id: &ItemId) -> Result<()> {
        self.command(&verb(M::PATH, "disable").attr(".id", id))
            .await?;
        Ok(())
    }

    /// Every change to a menu from now on, until the stream is cancelled or dropped.
    pub fn listen<M: Menu>(&self) -> Result<TypedStream<Change<M>>> {
        let stream = self.stream(&verb(M::PATH, "listen"))?;
        Ok(TypedStream::new(stream, |row| {
            if row.is_dead() {
                Ok(Change::Removed(row.required_id()?))
            } else {
                M::from_row(&row).map(Change::Updated)
            }
        }))
    }

    async fn rows<M: Menu>(&self, command: &Command) -> Result<Vec<M>> {
        let response = self.command(command).await?;
        response.rows.iter().map(M::from_row).collect()
    }
}
