//! `/queue/simple`.

use crate::error::Result;
use crate::menu::{Attributes, ItemChanges, Menu, NewItem, Removable, Toggleable};
use crate::sentence::{ItemId, Row};
use crate::value::RatePair;

/// A simple queue. Pairs are `upload/download`. Dynamic queues (made by PPP or hotspot rate
/// limits) must not be edited: change the profile instead.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SimpleQueue {
    pub id: ItemId,
    pub name: String,
    /// Addresses, subnets or interfaces, comma-separated as the router writes them.
    pub target: Option<String>,
    pub max_limit: Option<RatePair>,
    pub limit_at: Option<RatePair>,
    pub burst_limit: Option<RatePair>,
    pub burst_threshold: Option<RatePair>,
    pub burst_time: Option<String>,
    pub priority: Option<String>,
    pub parent: Option<String>,
    pub queue: Option<String>,
    pub bytes: Option<RatePair>,
    pub rate: Option<RatePair>,
    pub dynamic: bool,
    pub disabled: bool,
    pub comment: Option<String>,
}

impl Menu for SimpleQueue {
    const PATH: &'static str = "/queue/simple";

    fn from_row(row: &Row) -> Result<Self> {
        let pair = |name: &str| row.get(name).and_then(RatePair::parse);
        Ok(SimpleQueue {
            id: row.required_id()?,
            name: row.required_text("name")?,
            target: row.text("target"),
            max_limit: pair("max-limit"),
            limit_at: pair("limit-at"),
            burst_limit: pair("burst-limit"),
            burst_threshold: pair("burst-threshold"),
            burst_time: row.text("burst-time"),
            priority: row.text("priority"),
            parent: row.text("parent"),
            queue: row.text("queue"),
            bytes: pair("bytes"),
            rate: pair("rate"),
            dynamic: row.bool("dynamic").unwrap_or(false),
            disabled: row.bool("disabled").unwrap_or(false),
            comment: row.text("comment"),
        })
    }
}

impl Removable for SimpleQueue {}
impl Toggleable for SimpleQueue {}

/// The arguments of `/queue/simple/add`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewSimpleQueue {
    pub name: String,
    pub target: String,
    pub max_limit: Option<RatePair>,
    pub limit_at: Option<RatePair>,
    pub burst_limit: Option<RatePair>,
    pub burst_threshold: Option<RatePair>,
    pub burst_time: Option<String>,
    pub priority: Option<String>,
    pub parent: Option<String>,
    pub disabled: Option<bool>,
    pub comment: Option<String>,
}

impl NewSimpleQueue {
    pub fn new(name: impl Into<String>, target: impl Into<String>) -> Self {
        NewSimpleQueue {
            name: name.into(),
            target: target.into(),
            max_limit: None,
            limit_at: None,
            burst_limit: None,
            burst_threshold: None,
            burst_time: None,
            priority: None,
            parent: None,
            disabled: None,
            comment: None,
        }
    }
}

impl NewItem for NewSimpleQueue {
    const PATH: &'static str = SimpleQueue::PATH;

    fn attributes(&self) -> Attributes {
        Attributes::new()
            .set("name", &self.name)
            .set("target", &self.target)
            .maybe("max-limit", self.max_limit)
            .maybe("limit-at", self.limit_at)
            .maybe("burst-limit", self.burst_limit)
            .maybe("burst-threshold", self.burst_threshold)
            .maybe("burst-time", self.burst_time.as_ref())
            .maybe("priority", self.priority.as_ref())
            .maybe("parent", self.parent.as_ref())
            .maybe_bool("disabled", self.disabled)
            .maybe("comment", self.comment.as_ref())
    }
}

/// What `/queue/simple/set` changes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SimpleQueueChanges {
    pub id: ItemId,
    pub name: Option<String>,
    pub target: Option<String>,
    pub max_limit: Option<RatePair>,
    pub limit_at: Option<RatePair>,
    pub burst_limit: Option<RatePair>,
    pub burst_threshold: Option<RatePair>,
    pub burst_time: Option<String>,
    pub priority: Option<String>,
    pub parent: Option<String>,
    pub disabled: Option<bool>,
    pub comment: Option<String>,
}

impl SimpleQueueChanges {
    pub fn new(id: ItemId) -> Self {
        SimpleQueueChanges {
            id,
            name: None,
            target: None,
            max_limit: None,
            limit_at: None,
            burst_limit: None,
            burst_threshold: None,
            burst_time: None,
            priority: None,
            parent: None,
            disabled: None,
            comment: None,
        }
    }
}

impl ItemChanges for SimpleQueueChanges {
    const PATH: &'static str = SimpleQueue::PATH;

    fn id(&self) -> &ItemId {
        &self.id
    }

    fn attributes(&self) -> Attributes {
        Attributes::new()
            .maybe("name", self.name.as_ref())
            .maybe("target", self.target.as_ref())
            .maybe("max-limit", self.max_limit)
            .maybe("limit-at", self.limit_at)
            .maybe("burst-limit", self.burst_limit)
            .maybe("burst-threshold", self.burst_threshold)
            .maybe("burst-time", self.burst_time.as_ref())
            .maybe("priority", self.priority.as_ref())
            .maybe("parent", self.parent.as_ref())
            .maybe_bool("disabled", self.disabled)
            .maybe("comment", self.comment.as_ref())
    }
}
