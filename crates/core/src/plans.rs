//! Service plans. A plan is also a RADIUS group, so most changes rewrite one group; a
//! change of code (the group's name), quota or router profile rewrites its customers.

use crate::Core;
use crate::activity;
use crate::auth::{Actor, authorize, authorize_any};
use crate::error::{Error, Result};
use crate::radius::{self, Deriver};
use ispdesk_domain::plan::{
    PlanInput, ServicePlan, ServiceType, Validity, ValidityUnit, validate_plan,
};
use ispdesk_domain::radius::plan_group;
use ispdesk_domain::time::to_storage;
use ispdesk_domain::{Permission, PlanId};
use rusqlite::{Connection, OptionalExtension, Row};

const READ_PLANS: &[Permission] = &[
    Permission::ManageServicePlans,
    Permission::ManageCustomers,
    Permission::GenerateVouchers,
    Permission::SellVouchers,
    Permission::ViewReports,
];

const PLAN_COLUMNS: &str = "id, name, code, service_type, price, reseller_price, validity_value, validity_unit, bandwidth_profile_id, quota_bytes, shared_users, profile_name, is_active, description";

fn plan_from_row(r: &Row<'_>) -> rusqlite::Result<ServicePlan> {
    let id: String = r.get(0)?;
    let service: String = r.get(3)?;
    let unit: String = r.get(7)?;
    let bandwidth: Option<String> = r.get(8)?;
    Ok(ServicePlan {
        id: id.parse().map_err(|_| {
            rusqlite::Error::FromSqlConversionFailure(
                0,
                rusqlite::types::Type::Text,
                "bad id".into(),
            )
        })?,
        name: r.get(1)?,
        code: r.get(2)?,
        service_type: ServiceType::parse(&service).unwrap_or(ServiceType::Hotspot),
        price: r.get(4)?,
        reseller_price: r.get(5)?,
        validity: Validity {
            value: r.get(6)?,
            unit: ValidityUnit::parse(&unit).unwrap_or(ValidityUnit::Days),
        },
        bandwidth_profile_id: bandwidth.and_then(|b| b.parse().ok()),
        quota_bytes: r.get::<_, Option<i64>>(9)?.map(|q| q.max(0) as u64),
        shared_users: r.get(10)?,
        profile_name: r.get(11)?,
        is_active: r.get(12)?,
        description: r.get(13)?,
    })
}

pub(crate) fn load_plan(conn: &Connection, id: PlanId) -> Result<Option<ServicePlan>> {
    Ok(conn
        .prepare_cached(&format!(
            "SELECT {PLAN_COLUMNS} FROM service_plans WHERE id = ?1"
        ))?
        .query_row([id.to_string()], plan_from_row)
        .optional()?)
}

fn snapshot(p: &ServicePlan) -> serde_json::Value {
    serde_json::to_value(p).unwrap_or_default()
}

impl Core {
    pub fn list_plans(&self, actor: &Actor) -> Result<Vec<ServicePlan>> {
        self.read(|tx| {
            authorize_any(tx, actor, READ_PLANS)?;
            let mut stmt = tx.prepare(&format!(
                "SELECT {PLAN_COLUMNS} FROM service_plans ORDER BY is_active DESC, service_type, price, name COLLATE NOCASE"
            ))?;
            let rows = stmt.query_map([], plan_from_row)?.collect::<rusqlite::Result<Vec<_>>>()?;
            Ok(rows)
        })
    }

    pub fn create_plan(&self, actor: &Actor, input: &PlanInput) -> Result<ServicePlan> {
        self.save_plan(actor, None, input)
    }

    pub fn update_plan(&self, actor: &Actor, id: PlanId, input: &PlanInput) -> Result<ServicePlan> {
        self.save_plan(actor, Some(id), input)
    }

    fn save_plan(
        &self,
        actor: &Actor,
        id: Option<PlanId>,
        input: &PlanInput,
    ) -> Result<ServicePlan> {
        let now = self.now();
        self.write(|tx| {
            let me = authorize(tx, actor, Some(Permission::ManageServicePlans))?;
            let old = match id {
                Some(id) => Some(load_plan(tx, id)?.ok_or(Error::NotFound("plan"))?),
                None => None,
            };
            let id = id.unwrap_or_default();
            let code_taken = tx.query_row(
                "SELECT EXISTS (SELECT 1 FROM service_plans WHERE code = ?1 AND id != ?2)",
                (input.code.trim(), id.to_string()),
                |r| r.get::<_, bool>(0),
            )?;
            let bandwidth_exists = |b: ispdesk_domain::BandwidthProfileId| {
                tx.query_row("SELECT EXISTS (SELECT 1 FROM bandwidth_profiles WHERE id = ?1)", [b.to_string()], |r| r.get(0))
                    .unwrap_or(false)
            };
            let plan = validate_plan(id, input, bandwidth_exists, code_taken)?;
            if let Some(old) = &old
                && old.service_type != plan.service_type
            {
                let customers: i64 = tx.query_row("SELECT COUNT(*) FROM customers WHERE plan_id = ?1", [id.to_string()], |r| r.get(0))?;
                if customers > 0 {
                    return Err(Error::InUse { entity: "customers", count: customers as u64 });
                }
            }
            let params = rusqlite::params![
                id.to_string(), plan.name, plan.code, plan.service_type.as_str(), plan.price, plan.reseller_price,
                plan.validity.value, plan.validity.unit.as_str(), plan.bandwidth_profile_id.map(|b| b.to_string()),
                plan.quota_bytes.map(|q| q as i64), plan.shared_users, plan.profile_name, plan.is_active,
                plan.description, to_storage(now),
            ];
            match &old {
                None => tx.execute(
                    "INSERT INTO service_plans (id, name, code, service_type, price, reseller_price, validity_value, validity_unit, bandwidth_profile_id, quota_bytes, shared_users, profile_name, is_active, description, rev, created_at, updated_at)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, 1, ?15, ?15)",
                    params,
                )?,
                Some(_) => tx.execute(
                    "UPDATE service_plans SET name = ?2, code = ?3, service_type = ?4, price = ?5, reseller_price = ?6, validity_value = ?7, validity_unit = ?8, bandwidth_profile_id = ?9, quota_bytes = ?10, shared_users = ?11, profile_name = ?12, is_active = ?13, description = ?14, rev = rev + 1, updated_at = ?15 WHERE id = ?1",
                    params,
                )?,
            };
            radius::refresh_plan_group(tx, &plan)?;
            if let Some(old) = &old {
                if old.code != plan.code {
                    radius::delete_group(tx, &plan_group(&old.code))?;
                }
                if old.code != plan.code || old.quota_bytes != plan.quota_bytes || old.profile_name != plan.profile_name {
                    Deriver::new(tx, &self.vault)?.refresh_where("plan_id = ?1", [id.to_string()])?;
                }
            }
            activity::record(
                tx, now, &me.who(), if old.is_some() { "update" } else { "create" }, "plan",
                Some(&id.to_string()), &plan.name, old.as_ref().map(snapshot), Some(snapshot(&plan)),
            )?;
            Ok(plan)
        })
    }

    /// Deletes a plan no customer or voucher uses (otherwise: set it inactive).
    pub fn delete_plan(&self, actor: &Actor, id: PlanId) -> Result<()> {
        let now = self.now();
        self.write(|tx| {
            let me = authorize(tx, actor, Some(Permission::ManageServicePlans))?;
            let old = load_plan(tx, id)?.ok_or(Error::NotFound("plan"))?;
            let key = id.to_string();
            for (entity, table) in [
                ("customers", "customers"),
                ("vouchers", "vouchers"),
                ("subscriptions", "subscriptions"),
                ("voucher_batches", "voucher_batches"),
            ] {
                let n: i64 = tx.query_row(
                    &format!("SELECT COUNT(*) FROM {table} WHERE plan_id = ?1"),
                    [&key],
                    |r| r.get(0),
                )?;
                if n > 0 {
                    return Err(Error::InUse {
                        entity,
                        count: n as u64,
                    });
                }
            }
            tx.execute("DELETE FROM service_plans WHERE id = ?1", [&key])?;
            radius::delete_group(tx, &plan_group(&old.code))?;
            activity::record(
                tx,
                now,
                &me.who(),
                "delete",
                "plan",
                Some(&key),
                &old.name,
                Some(snapshot(&old)),
                None,
            )
        })
    }
}
