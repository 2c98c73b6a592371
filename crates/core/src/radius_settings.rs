//! The ISP's RADIUS settings: isolir (suspended customers sent to a payment page instead
//! of cut off) and the accounting interval.

use crate::Core;
use crate::activity;
use crate::auth::{Actor, authorize};
use crate::error::{Error, Result};
use crate::radius::{self, Deriver, SETTINGS_KEY};
use ispdesk_domain::bandwidth::parse_rate;
use ispdesk_domain::ip_pool::check_router_name;
use ispdesk_domain::radius::{ISOLIR_GROUP, RadiusSettings};
use ispdesk_domain::time::to_storage;
use ispdesk_domain::{FieldError, Permission, ValidationCode, Validator};
use rusqlite::Connection;
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, Default, Serialize, Deserialize, ts_rs::TS)]
pub struct RadiusSettingsInput {
    pub isolir_enabled: bool,
    pub isolir_rate_limit: String,
    pub isolir_address_list: String,
    pub interim_interval_s: String,
}

/// A rate-limit pair `up/down` (or one rate for both).
fn check_rate_pair(field: &str, text: &str) -> Option<FieldError> {
    let mut parts = text.split('/');
    let ok = match (parts.next(), parts.next(), parts.next()) {
        (Some(a), None, None) => parse_rate(a).is_some_and(|r| r > 0),
        (Some(a), Some(b), None) => {
            parse_rate(a).is_some_and(|r| r > 0) && parse_rate(b).is_some_and(|r| r > 0)
        }
        _ => false,
    };
    (!ok).then(|| FieldError::new(field, ValidationCode::InvalidRate))
}

pub(crate) fn validate(
    input: &RadiusSettingsInput,
) -> std::result::Result<RadiusSettings, Vec<FieldError>> {
    let mut v = Validator::new();
    let rate = input.isolir_rate_limit.trim().to_owned();
    if let Some(e) = check_rate_pair("isolir_rate_limit", &rate) {
        v.push(e);
    }
    let list = input.isolir_address_list.trim().to_owned();
    if let Some(e) = check_router_name("isolir_address_list", &list) {
        v.push(e);
    }
    let interim = match input.interim_interval_s.trim().parse::<u32>() {
        Ok(n) if (60..=3600).contains(&n) => n,
        _ => {
            v.push(
                FieldError::new("interim_interval_s", ValidationCode::OutOfRange)
                    .with("min", 60)
                    .with("max", 3600),
            );
            300
        }
    };
    v.finish().map(|()| RadiusSettings {
        isolir_enabled: input.isolir_enabled,
        isolir_rate_limit: rate,
        isolir_address_list: list,
        interim_interval_s: interim,
    })
}

/// The isolir group is derived state that exists from the start.
pub(crate) fn ensure_isolir_group(conn: &Connection) -> Result<()> {
    let exists: bool = conn.query_row(
        "SELECT EXISTS (SELECT 1 FROM radgroupreply WHERE groupname = ?1)",
        [ISOLIR_GROUP],
        |r| r.get(0),
    )?;
    if !exists {
        radius::refresh_isolir_group(conn)?;
    }
    Ok(())
}

impl Core {
    pub fn radius_settings(&self, actor: &Actor) -> Result<RadiusSettings> {
        self.read(|tx| {
            authorize(tx, actor, Some(Permission::ManageSettings))?;
            radius::settings(tx)
        })
    }

    /// Saves the settings and rewrites what depends on them: the isolir group, every
    /// plan's group (the interim interval) and the suspended customers.
    pub fn update_radius_settings(
        &self,
        actor: &Actor,
        input: &RadiusSettingsInput,
    ) -> Result<RadiusSettings> {
        let now = self.now();
        self.write(|tx| {
            let me = authorize(tx, actor, Some(Permission::ManageSettings))?;
            let new = validate(input)?;
            let old = radius::settings(tx)?;
            if old == new {
                return Ok(new);
            }
            let value = serde_json::to_string(&new).expect("settings serialise");
            tx.execute(
                "INSERT INTO settings (key, value, rev, updated_at) VALUES (?1, ?2, 1, ?3)
                 ON CONFLICT (key) DO UPDATE SET value = excluded.value, rev = settings.rev + 1, updated_at = excluded.updated_at",
                (SETTINGS_KEY, value, to_storage(now)),
            )?;
            radius::refresh_isolir_group(tx)?;
            let plans: Vec<String> = tx.prepare("SELECT id FROM service_plans")?.query_map([], |r| r.get(0))?.collect::<rusqlite::Result<_>>()?;
            for id in plans {
                if let Some(plan) = crate::plans::load_plan(tx, id.parse().map_err(|_| Error::NotFound("plan"))?)? {
                    radius::refresh_plan_group(tx, &plan)?;
                }
            }
            if old.isolir_enabled != new.isolir_enabled {
                Deriver::new(tx, &self.vault)?.refresh_where("status = 'suspended'", [])?;
            }
            activity::record(
                tx, now, &me.who(), "update", "radius_settings", Some(SETTINGS_KEY), "",
                Some(serde_json::to_value(&old).unwrap_or_default()), Some(serde_json::to_value(&new).unwrap_or_default()),
            )?;
            Ok(new)
        })
    }

    /// Regenerates every RADIUS row from scratch (a repair tool; normal operation keeps
    /// them in step by itself).
    pub fn rebuild_radius(&self, actor: &Actor) -> Result<()> {
        self.write(|tx| {
            authorize(tx, actor, Some(Permission::ManageSettings))?;
            radius::rebuild_all(tx, &self.vault)
        })
    }

    /// The derived RADIUS rows as FreeRADIUS sees them (see [`radius::radius_snapshot`]).
    #[doc(hidden)]
    pub fn radius_snapshot(&self) -> Result<Vec<String>> {
        self.read(|tx| radius::radius_snapshot(tx))
    }

    /// Rebuilds from scratch inside a transaction that is then rolled back, returning the
    /// snapshot a rebuild would produce — what the property test compares against.
    #[doc(hidden)]
    pub fn rebuilt_radius_snapshot(&self) -> Result<Vec<String>> {
        let mut conn = self.lock();
        let tx = conn.transaction()?;
        radius::rebuild_all(&tx, &self.vault)?;
        radius::radius_snapshot(&tx)
    }
}
