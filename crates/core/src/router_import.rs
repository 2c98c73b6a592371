//! Importing a router's existing PPP secrets and hotspot users as customers. `ispdesk-routers`
//! reads the accounts off the router; this decides what becomes of each one and imports them
//! through the CSV import ([`Core::preview_customer_import`] / [`Core::import_customers`]), so
//! a customer imported from a router obeys exactly the rules of one imported from a file and
//! the whole import is still one transaction, all or nothing.
//!
//! Each account becomes: a new customer (with the plan whose profile it uses, when exactly one
//! does), or is skipped because a customer has the username already or because the app
//! already manages it (its comment carries the provisioning marker), or is rejected with the
//! reason the import gives. A router password the import would not keep as it is (empty, or
//! breaking the password rules) is rejected here rather than replaced.

use crate::Core;
use crate::auth::Actor;
use crate::customers::ImportSummary;
use crate::error::{Error, Result};
use crate::network::load_router;
use crate::router_tasks::{RouterTask, authorize_task};
use ispdesk_domain::customer::{CustomerStatus, check_customer_password};
use ispdesk_domain::plan::ServiceType;
use ispdesk_domain::provisioning::is_marked;
use ispdesk_domain::router::Router;
use ispdesk_domain::{FieldError, RouterId, ValidationCode};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, HashSet};
use std::fmt;

/// A PPP secret or hotspot user as read from the router.
#[derive(Clone, PartialEq, Eq)]
pub struct RouterAccount {
    pub service: ServiceType,
    pub username: String,
    pub password: String,
    pub profile: String,
    pub disabled: bool,
    pub comment: String,
}

impl fmt::Debug for RouterAccount {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RouterAccount")
            .field("service", &self.service)
            .field("username", &self.username)
            .field("profile", &self.profile)
            .field("disabled", &self.disabled)
            .finish_non_exhaustive()
    }
}

/// An account that would become a customer.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
pub struct RouterImportRow {
    pub username: String,
    pub name: String,
    pub service_type: ServiceType,
    pub profile: String,
    /// The plan whose profile the account uses; `None` imports it without a plan.
    pub plan_code: Option<String>,
    /// Disabled on the router: suspended here.
    pub status: CustomerStatus,
}

/// An account skipped because a customer has its username already.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
pub struct ExistingAccount {
    pub username: String,
    pub service_type: ServiceType,
}

/// A profile used on the router that no plan (or more than one) names: its accounts are
/// imported without a plan.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
pub struct UnmatchedProfile {
    pub service_type: ServiceType,
    pub profile: String,
    pub accounts: u32,
    /// The codes of the plans that all name it, when more than one does.
    pub ambiguous_plans: Vec<String>,
}

/// What importing from the router would do.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
pub struct RouterImportPreview {
    /// Accounts read from the router.
    pub accounts: u32,
    pub new_customers: Vec<RouterImportRow>,
    pub existing: Vec<ExistingAccount>,
    /// Accounts the app already manages (marked by provisioning).
    pub managed: u32,
    pub unmatched_profiles: Vec<UnmatchedProfile>,
    /// Accounts that cannot be imported: `field` is the column, `params.username` the
    /// account. Importing refuses while there are any.
    pub rejected: Vec<FieldError>,
}

/// An account that became a customer.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
pub struct ImportedAccount {
    pub username: String,
    pub service_type: ServiceType,
}

/// The classified accounts and the CSV that imports the new ones.
struct Classified {
    preview: RouterImportPreview,
    csv: String,
    /// The username of each CSV line (line 2 is the first account).
    lines: Vec<String>,
}

fn plan_import(
    router: &Router,
    plans: &[(String, ServiceType, String, bool)],
    existing: &HashSet<String>,
    accounts: &[RouterAccount],
) -> Result<Classified> {
    let mut preview = RouterImportPreview {
        accounts: accounts.len() as u32,
        new_customers: Vec::new(),
        existing: Vec::new(),
        managed: 0,
        unmatched_profiles: Vec::new(),
        rejected: Vec::new(),
    };
    let mut unmatched: BTreeMap<(&str, String), UnmatchedProfile> = BTreeMap::new();
    let mut writer = csv::Writer::from_writer(Vec::new());
    let csv_err = |e: csv::Error| Error::Internal(e.to_string());
    writer
        .write_record([
            "username",
            "password",
            "name",
            "service_type",
            "plan",
            "router",
            "status",
            "notes",
        ])
        .map_err(csv_err)?;
    let mut lines = Vec::new();
    for account in accounts {
        if is_marked(&account.comment) {
            preview.managed += 1;
            continue;
        }
        if existing.contains(&account.username.to_lowercase()) {
            preview.existing.push(ExistingAccount {
                username: account.username.clone(),
                service_type: account.service,
            });
            continue;
        }
        let password_problem = if account.password.is_empty() {
            Some(FieldError::new("password", ValidationCode::Required))
        } else {
            check_customer_password("password", &account.password)
        };
        if let Some(e) = password_problem {
            preview.rejected.push(e.with("username", &account.username));
            continue;
        }
        // A plan with no profile gives its customers RouterOS's `default`.
        let profile = if account.profile.is_empty() {
            "default"
        } else {
            &account.profile
        };
        let naming: Vec<&(String, ServiceType, String, bool)> = plans
            .iter()
            .filter(|(_, service, name, _)| {
                *service == account.service
                    && (name == profile || (name.is_empty() && profile == "default"))
            })
            .collect();
        let active: Vec<_> = naming.iter().filter(|p| p.3).collect();
        let plan_code = match (naming.as_slice(), active.as_slice()) {
            ([only], _) => Some(only.0.clone()),
            (_, [only]) => Some(only.0.clone()),
            _ => {
                let entry = unmatched
                    .entry((account.service.as_str(), profile.to_owned()))
                    .or_insert_with(|| UnmatchedProfile {
                        service_type: account.service,
                        profile: profile.to_owned(),
                        accounts: 0,
                        ambiguous_plans: naming.iter().map(|p| p.0.clone()).collect(),
                    });
                entry.accounts += 1;
                None
            }
        };
        let comment = account.comment.trim();
        let name: String = if comment.is_empty() {
            account.username.clone()
        } else {
            comment.chars().take(100).collect()
        };
        let status = if account.disabled {
            CustomerStatus::Suspended
        } else {
            CustomerStatus::Active
        };
        writer
            .write_record([
                account.username.as_str(),
                account.password.as_str(),
                name.as_str(),
                account.service.as_str(),
                plan_code.as_deref().unwrap_or(""),
                router.short_name.as_str(),
                status.as_str(),
                &format!("Imported from router {}", router.name),
            ])
            .map_err(csv_err)?;
        lines.push(account.username.clone());
        preview.new_customers.push(RouterImportRow {
            username: account.username.clone(),
            name,
            service_type: account.service,
            profile: profile.to_owned(),
            plan_code,
            status,
        });
    }
    preview.unmatched_profiles = unmatched.into_values().collect();
    let bytes = writer
        .into_inner()
        .map_err(|e| Error::Internal(e.to_string()))?;
    Ok(Classified {
        preview,
        csv: String::from_utf8(bytes).map_err(|e| Error::Internal(e.to_string()))?,
        lines,
    })
}

/// Names the account of each error the CSV import reports by line.
fn by_account(errors: Vec<FieldError>, lines: &[String]) -> Vec<FieldError> {
    errors
        .into_iter()
        .map(|e| {
            let username = e
                .params
                .get("line")
                .and_then(|l| l.parse::<usize>().ok())
                .and_then(|l| lines.get(l.checked_sub(2)?));
            match username {
                Some(u) => {
                    let u = u.clone();
                    e.with("username", u)
                }
                None => e,
            }
        })
        .collect()
}

impl Core {
    fn plan_router_import(
        &self,
        actor: &Actor,
        router: RouterId,
        accounts: &[RouterAccount],
    ) -> Result<Classified> {
        self.read(|tx| {
            authorize_task(tx, actor, RouterTask::Import)?;
            let router = load_router(tx, router)?.ok_or(Error::NotFound("router"))?;
            let plans: Vec<(String, ServiceType, String, bool)> = tx
                .prepare("SELECT code, service_type, profile_name, is_active FROM service_plans ORDER BY code")?
                .query_map([], |r| {
                    let service: String = r.get(1)?;
                    Ok((
                        r.get(0)?,
                        ServiceType::parse(&service).unwrap_or(ServiceType::Hotspot),
                        r.get(2)?,
                        r.get(3)?,
                    ))
                })?
                .collect::<rusqlite::Result<_>>()?;
            let existing: HashSet<String> = tx
                .prepare("SELECT lower(username) FROM customers")?
                .query_map([], |r| r.get(0))?
                .collect::<rusqlite::Result<_>>()?;
            plan_import(&router, &plans, &existing, accounts)
        })
    }

    /// What importing these accounts (read from the router) would do; nothing is written.
    pub fn preview_router_import(
        &self,
        actor: &Actor,
        router: RouterId,
        accounts: &[RouterAccount],
    ) -> Result<RouterImportPreview> {
        let Classified {
            mut preview,
            csv,
            lines,
        } = self.plan_router_import(actor, router, accounts)?;
        if !lines.is_empty() {
            let checked = self.preview_customer_import(actor, &csv)?;
            let rejected = by_account(checked.errors, &lines);
            let bad: HashSet<&str> = rejected
                .iter()
                .filter_map(|e| e.params.get("username").map(String::as_str))
                .collect();
            preview
                .new_customers
                .retain(|row| !bad.contains(row.username.as_str()));
            preview.rejected.extend(rejected);
        }
        Ok(preview)
    }

    /// Imports the new accounts as customers, all in one transaction, or nothing: while any
    /// account is rejected the import fails with `import_invalid`, each error naming its
    /// account (`params.username`). Accounts of existing customers and managed ones are
    /// skipped.
    pub fn import_customers_from_router(
        &self,
        actor: &Actor,
        router: RouterId,
        accounts: &[RouterAccount],
    ) -> Result<Vec<ImportedAccount>> {
        let Classified {
            preview,
            csv,
            lines,
        } = self.plan_router_import(actor, router, accounts)?;
        if !preview.rejected.is_empty() {
            // Every rejected account at once, the import's own reasons included.
            let mut rejected = preview.rejected;
            if !lines.is_empty() {
                let checked = self.preview_customer_import(actor, &csv)?;
                rejected.extend(by_account(checked.errors, &lines));
            }
            return Err(Error::ImportInvalid(rejected));
        }
        if lines.is_empty() {
            return Ok(Vec::new());
        }
        match self.import_customers(actor, &csv) {
            Ok(ImportSummary { .. }) => Ok(preview
                .new_customers
                .into_iter()
                .map(|row| ImportedAccount {
                    username: row.username,
                    service_type: row.service_type,
                })
                .collect()),
            Err(Error::ImportInvalid(errors)) => {
                Err(Error::ImportInvalid(by_account(errors, &lines)))
            }
            Err(e) => Err(e),
        }
    }
}
