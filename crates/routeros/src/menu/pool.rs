//! `/ip/pool`.

use crate::error::Result;
use crate::menu::{Attributes, ItemChanges, Menu, NewItem, Removable};
use crate::sentence::{ItemId, Row};

/// An address pool.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IpPool {
    pub id: ItemId,
    pub name: String,
    /// `from-to` ranges or single addresses, comma-separated.
    pub ranges: Vec<String>,
    pub next_pool: Option<String>,
    pub comment: Option<String>,
}

impl Menu for IpPool {
    const PATH: &'static str = "/ip/pool";

    fn from_row(row: &Row) -> Result<Self> {
        Ok(IpPool {
            id: row.required_id()?,
            name: row.required_text("name")?,
            ranges: split_list(row.get("ranges")),
            next_pool: row.text("next-pool").filter(|p| p != "none"),
            comment: row.text("comment"),
        })
    }
}

impl Removable for IpPool {}

pub(crate) fn split_list(value: Option<&str>) -> Vec<String> {
    value
        .unwrap_or_default()
        .split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
        .collect()
}

/// The arguments of `/ip/pool/add`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewIpPool {
    pub name: String,
    pub ranges: Vec<String>,
    pub next_pool: Option<String>,
    pub comment: Option<String>,
}

impl NewItem for NewIpPool {
    const PATH: &'static str = IpPool::PATH;

    fn attributes(&self) -> Attributes {
        Attributes::new()
            .set("name", &self.name)
            .set("ranges", self.ranges.join(","))
            .maybe("next-pool", self.next_pool.as_ref())
            .maybe("comment", self.comment.as_ref())
    }
}

/// What `/ip/pool/set` changes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IpPoolChanges {
    pub id: ItemId,
    pub name: Option<String>,
    pub ranges: Option<Vec<String>>,
    pub next_pool: Option<String>,
    pub comment: Option<String>,
}

impl IpPoolChanges {
    pub fn new(id: ItemId) -> Self {
        IpPoolChanges {
            id,
            name: None,
            ranges: None,
            next_pool: None,
            comment: None,
        }
    }
}

impl ItemChanges for IpPoolChanges {
    const PATH: &'static str = IpPool::PATH;

    fn id(&self) -> &ItemId {
        &self.id
    }

    fn attributes(&self) -> Attributes {
        Attributes::new()
            .maybe("name", self.name.as_ref())
            .maybe("ranges", self.ranges.as_ref().map(|r| r.join(",")))
            .maybe("next-pool", self.next_pool.as_ref())
            .maybe("comment", self.comment.as_ref())
    }
}
