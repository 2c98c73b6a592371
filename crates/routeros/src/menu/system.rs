//! `/system/resource` and `/system/identity`: one row each.

use std::time::Duration;

use chrono::NaiveDateTime;

use crate::client::Client;
use crate::error::{Error, Result};
use crate::sentence::{Command, Row};
use crate::value::{self, RouterOsVersion};

/// The router's health and make (`/system/resource/print`).
#[derive(Debug, Clone, PartialEq)]
pub struct SystemResource {
    pub uptime: Option<Duration>,
    /// As the router writes it, e.g. `7.12.1 (stable)`; see [`SystemResource::version`].
    pub version_text: Option<String>,
    pub build_time: Option<NaiveDateTime>,
    pub free_memory: Option<u64>,
    pub total_memory: Option<u64>,
    pub cpu: Option<String>,
    pub cpu_count: Option<u32>,
    /// MHz.
    pub cpu_frequency: Option<u32>,
    /// Percent.
    pub cpu_load: Option<u32>,
    pub free_hdd_space: Option<u64>,
    pub total_hdd_space: Option<u64>,
    pub architecture_name: Option<String>,
    pub board_name: Option<String>,
    pub platform: Option<String>,
}

impl SystemResource {
    pub fn from_row(row: &Row) -> Self {
        SystemResource {
            uptime: row.duration("uptime"),
            version_text: row.text("version"),
            build_time: row.get("build-time").and_then(value::parse_datetime),
            free_memory: row.u64("free-memory"),
            total_memory: row.u64("total-memory"),
            cpu: row.text("cpu"),
            cpu_count: row.u32("cpu-count"),
            cpu_frequency: row.u32("cpu-frequency"),
            cpu_load: row.u32("cpu-load"),
            free_hdd_space: row.u64("free-hdd-space"),
            total_hdd_space: row.u64("total-hdd-space"),
            architecture_name: row.text("architecture-name"),
            board_name: row.text("board-name"),
            platform: row.text("platform"),
        }
    }

    /// The parsed version, when the router's text is readable.
    pub fn version(&self) -> Option<RouterOsVersion> {
        self.version_text.as_deref()?.parse().ok()
    }
}

/// The router's name (`/system/identity`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Identity {
    pub name: String,
}

impl Client {
    pub async fn system_resource(&self) -> Result<SystemResource> {
        let row = self.single_row("/system/resource/print").await?;
        Ok(SystemResource::from_row(&row))
    }

    pub async fn identity(&self) -> Result<Identity> {
        let row = self.single_row("/system/identity/print").await?;
        Ok(Identity {
            name: row.required_text("name")?,
        })
    }

    pub async fn set_identity(&self, name: &str) -> Result<()> {
        self.command(&Command::new("/system/identity/set").attr("name", name))
            .await?;
        Ok(())
    }

    async fn single_row(&self, path: &str) -> Result<Row> {
        let mut response = self.command(&Command::new(path)).await?;
        if response.rows.is_empty() {
            return Err(Error::protocol(format!("{path} returned no row")));
        }
        Ok(response.rows.swap_remove(0))
    }
}
