//! Customers: create, edit, suspend, reactivate, renew, delete; search and paging that
//! stay fast at 100,000 customers; CSV import (everything validated first, then one
//! transaction) and export. Each change rewrites the customer's RADIUS rows in the same
//! transaction.

use crate::Core;
use crate::activity::{self, Page};
use crate::auth::{Actor, authorize};
use crate::error::{Error, Result};
use crate::plans::load_plan;
use crate::radius::{self, Deriver};
use crate::secrets::Purpose;
use chrono::{DateTime, NaiveDate, NaiveDateTime, NaiveTime, TimeZone, Utc};
use chrono_tz::Tz;
use ispdesk_domain::customer::{
    Customer, CustomerInput, CustomerStatus, PlanFacts, ValidCustomer, validate_customer,
};
use ispdesk_domain::plan::{ServicePlan, ServiceType};
use ispdesk_domain::time::{from_storage, to_storage};
use ispdesk_domain::{CustomerId, FieldError, Permission, PlanId, RouterId, ValidationCode};
use rand::Rng;
use rusqlite::{Connection, OptionalExtension, Row, ToSql};
use serde::{Deserialize, Serialize};
use serde_json::json;
use std::collections::{HashMap, HashSet};

/// A customer in a list, with the names the table shows.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
pub struct CustomerListItem {
    pub customer: Customer,
    pub plan_name: Option<String>,
    pub router_name: Option<String>,
}

#[derive(Clone, Debug, Default, Serialize, Deserialize, ts_rs::TS)]
pub struct CustomerQuery {
    /// Matches the start of the name, username or phone number, ignoring case.
    pub text: String,
    pub status: Option<CustomerStatus>,
    pub plan_id: Option<PlanId>,
    pub router_id: Option<RouterId>,
    pub service_type: Option<ServiceType>,
    /// From 1.
    pub page: u32,
    pub page_size: u32,
}

#[derive(Clone, Debug, Serialize, Deserialize, ts_rs::TS)]
pub struct UpdateCustomer {
    pub id: CustomerId,
    pub input: CustomerInput,
}

/// What a CSV import would do, before it does it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
pub struct ImportPreview {
    pub total_rows: u32,
    pub valid_rows: u32,
    /// Each error names the column (`field`) and the line (`params.line`).
    pub errors: Vec<FieldError>,
    /// The first rows as they will be imported.
    pub sample: Vec<ImportRow>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
pub struct ImportRow {
    pub line: u32,
    pub username: String,
    pub name: String,
    pub phone: String,
    pub service_type: ServiceType,
    pub plan_code: Option<String>,
    pub router: Option<String>,
    pub status: CustomerStatus,
    pub expires_at: Option<DateTime<Utc>>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
pub struct ImportSummary {
    pub imported: u32,
}

pub const MAX_PAGE_SIZE: u32 = 500;
/// Matches are counted up to this many (see `Page::total_capped`).
pub const COUNT_CAP: u32 = 5_000;
pub const MAX_IMPORT_ROWS: usize = 200_000;
const SAMPLE_ROWS: usize = 20;

const COLUMNS: &str = "c.id, c.username, c.name, c.phone, c.email, c.address, c.service_type, c.plan_id, c.router_id, c.status, c.expires_at, c.balance, c.notes, c.created_at";

fn customer_from_row(r: &Row<'_>) -> rusqlite::Result<Customer> {
    let id: String = r.get(0)?;
    let service: String = r.get(6)?;
    let status: String = r.get(9)?;
    let expires: Option<String> = r.get(10)?;
    let created: String = r.get(13)?;
    Ok(Customer {
        id: id.parse().map_err(|_| {
            rusqlite::Error::FromSqlConversionFailure(
                0,
                rusqlite::types::Type::Text,
                "bad id".into(),
            )
        })?,
        username: r.get(1)?,
        name: r.get(2)?,
        phone: r.get(3)?,
        email: r.get(4)?,
        address: r.get(5)?,
        service_type: ServiceType::parse(&service).unwrap_or(ServiceType::Hotspot),
        plan_id: r.get::<_, Option<String>>(7)?.and_then(|p| p.parse().ok()),
        router_id: r.get::<_, Option<String>>(8)?.and_then(|p| p.parse().ok()),
        status: CustomerStatus::parse(&status).unwrap_or(CustomerStatus::Inactive),
        expires_at: expires.as_deref().and_then(from_storage),
        balance: r.get(11)?,
        notes: r.get(12)?,
        created_at: from_storage(&created).unwrap_or_default(),
    })
}

pub(crate) fn load_customer(conn: &Connection, id: CustomerId) -> Result<Option<Customer>> {
    Ok(conn
        .prepare_cached(&format!(
            "SELECT {COLUMNS} FROM customers c WHERE c.id = ?1"
        ))?
        .query_row([id.to_string()], customer_from_row)
        .optional()?)
}

fn snapshot(c: &Customer) -> serde_json::Value {
    json!({
        "username": c.username, "name": c.name, "phone": c.phone, "email": c.email,
        "address": c.address, "service_type": c.service_type, "plan_id": c.plan_id,
        "router_id": c.router_id, "status": c.status, "expires_at": c.expires_at,
    })
}

/// Unambiguous characters (no 0/O, 1/l/I) for passwords read out over the phone.
const PASSWORD_ALPHABET: &[u8] = b"abcdefghjkmnpqrstuvwxyz23456789";

pub(crate) fn generate_password() -> String {
    let mut rng = rand::rng();
    (0..8)
        .map(|_| PASSWORD_ALPHABET[rng.random_range(0..PASSWORD_ALPHABET.len())] as char)
        .collect()
}

fn zone(conn: &Connection) -> Result<Tz> {
    Ok(crate::company::load(conn)?
        .and_then(|c| c.time_zone.parse().ok())
        .unwrap_or(chrono_tz::Asia::Jakarta))
}

fn plan_facts(conn: &Connection) -> impl Fn(PlanId) -> Option<PlanFacts> + '_ {
    move |id| {
        load_plan(conn, id).ok().flatten().map(|p| PlanFacts {
            service_type: p.service_type,
            is_active: p.is_active,
        })
    }
}

fn router_exists(conn: &Connection) -> impl Fn(RouterId) -> bool + '_ {
    move |id| {
        conn.query_row(
            "SELECT EXISTS (SELECT 1 FROM routers WHERE id = ?1)",
            [id.to_string()],
            |r| r.get(0),
        )
        .unwrap_or(false)
    }
}

fn username_taken(conn: &Connection, username: &str, except: Option<CustomerId>) -> Result<bool> {
    Ok(conn.query_row(
        "SELECT EXISTS (SELECT 1 FROM customers WHERE username = ?1 AND id != ?2)",
        (username, except.map(|e| e.to_string()).unwrap_or_default()),
        |r| r.get(0),
    )?)
}

/// Escapes `%`, `_` and `\` for a LIKE prefix pattern with `ESCAPE '\'`.
fn like_prefix(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 1);
    for c in text.chars() {
        if matches!(c, '%' | '_' | '\\') {
            out.push('\\');
        }
        out.push(c);
    }
    out.push('%');
    out
}

impl Core {
    pub fn search_customers(
        &self,
        actor: &Actor,
        query: &CustomerQuery,
    ) -> Result<Page<CustomerListItem>> {
        self.read(|tx| {
            authorize(tx, actor, Some(Permission::ManageCustomers))?;
            let page = query.page.max(1);
            let page_size = query.page_size.clamp(1, MAX_PAGE_SIZE);
            let mut filters: Vec<String> = Vec::new();
            let mut params: Vec<Box<dyn ToSql>> = Vec::new();
            let text = query.text.trim();
            if !text.is_empty() {
                params.push(Box::new(like_prefix(text)));
                let n = params.len();
                filters.push(format!(
                    "(c.name LIKE ?{n} ESCAPE '\\' OR c.username LIKE ?{n} ESCAPE '\\' OR c.phone LIKE ?{n} ESCAPE '\\')"
                ));
            }
            if let Some(status) = query.status {
                params.push(Box::new(status.as_str()));
                filters.push(format!("c.status = ?{}", params.len()));
            }
            if let Some(plan) = query.plan_id {
                params.push(Box::new(plan.to_string()));
                filters.push(format!("c.plan_id = ?{}", params.len()));
            }
            if let Some(router) = query.router_id {
                params.push(Box::new(router.to_string()));
                filters.push(format!("c.router_id = ?{}", params.len()));
            }
            if let Some(service) = query.service_type {
                params.push(Box::new(service.as_str()));
                filters.push(format!("c.service_type = ?{}", params.len()));
            }
            let filter = if filters.is_empty() { String::new() } else { format!("WHERE {}", filters.join(" AND ")) };
            let refs: Vec<&dyn ToSql> = params.iter().map(|p| p.as_ref()).collect();
            // Counting every match of a one-letter search over 100,000 names costs more than
            // the page itself: count up to COUNT_CAP and say so.
            let counted: i64 = tx
                .prepare_cached(&format!("SELECT COUNT(*) FROM (SELECT 1 FROM customers c {filter} LIMIT {})", COUNT_CAP + 1))?
                .query_row(refs.as_slice(), |r| r.get(0))?;
            let total_capped = counted > i64::from(COUNT_CAP);
            // Many matches: walk the names in order and stop after the page. Few matches:
            // collect them through each column's index and sort them.
            let walk = if total_capped { "INDEXED BY customers_name" } else { "" };
            let sql = format!(
                "SELECT {COLUMNS}, p.name, r.name FROM customers c {walk}
                 LEFT JOIN service_plans p ON p.id = c.plan_id
                 LEFT JOIN routers r ON r.id = c.router_id
                 {filter} ORDER BY c.name COLLATE NOCASE, c.id LIMIT {page_size} OFFSET {}",
                u64::from(page - 1) * u64::from(page_size)
            );
            let mut stmt = tx.prepare_cached(&sql)?;
            let items = stmt
                .query_map(refs.as_slice(), |r| {
                    Ok(CustomerListItem { customer: customer_from_row(r)?, plan_name: r.get(14)?, router_name: r.get(15)? })
                })?
                .collect::<rusqlite::Result<Vec<_>>>()?;
            Ok(Page { items, total: counted.min(i64::from(COUNT_CAP)).max(0) as u64, total_capped, page, page_size })
        })
    }

    pub fn get_customer(&self, actor: &Actor, id: CustomerId) -> Result<Customer> {
        self.read(|tx| {
            authorize(tx, actor, Some(Permission::ManageCustomers))?;
            load_customer(tx, id)?.ok_or(Error::NotFound("customer"))
        })
    }

    /// Shows a customer's password to staff who manage customers (they give it to the
    /// subscriber); the viewing is logged.
    pub fn reveal_customer_password(&self, actor: &Actor, id: CustomerId) -> Result<String> {
        let now = self.now();
        self.write(|tx| {
            let me = authorize(tx, actor, Some(Permission::ManageCustomers))?;
            let (username, sealed): (String, Vec<u8>) = tx
                .query_row(
                    "SELECT username, password_enc FROM customers WHERE id = ?1",
                    [id.to_string()],
                    |r| Ok((r.get(0)?, r.get(1)?)),
                )
                .optional()?
                .ok_or(Error::NotFound("customer"))?;
            let password = self
                .vault
                .open(Purpose::CustomerPassword, &sealed)
                .ok_or(Error::SecretsUnavailable)?;
            activity::record(
                tx,
                now,
                &me.who(),
                "reveal_password",
                "customer",
                Some(&id.to_string()),
                &username,
                None,
                None,
            )?;
            Ok(password)
        })
    }

    pub fn create_customer(&self, actor: &Actor, input: &CustomerInput) -> Result<Customer> {
        let now = self.now();
        self.write(|tx| {
            let me = authorize(tx, actor, Some(Permission::ManageCustomers))?;
            let taken = username_taken(tx, input.username.trim(), None)?;
            let valid = validate_customer(input, plan_facts(tx), router_exists(tx), taken, None)?;
            let plan = match valid.plan_id {
                Some(p) => load_plan(tx, p)?,
                None => None,
            };
            let expires_at = plan.as_ref().map(|p| {
                p.validity
                    .end_from(now, zone(tx).unwrap_or(chrono_tz::Asia::Jakarta))
            });
            let id = CustomerId::new();
            let password = valid.password.clone().unwrap_or_else(generate_password);
            insert_customer(
                self,
                tx,
                id,
                &valid,
                &password,
                CustomerStatus::Active,
                expires_at,
                now,
            )?;
            Deriver::new(tx, &self.vault)?.refresh_customer(id)?;
            let created = load_customer(tx, id)?.ok_or(Error::NotFound("customer"))?;
            activity::record(
                tx,
                now,
                &me.who(),
                "create",
                "customer",
                Some(&id.to_string()),
                &created.username,
                None,
                Some(snapshot(&created)),
            )?;
            Ok(created)
        })
    }

    pub fn update_customer(&self, actor: &Actor, update: &UpdateCustomer) -> Result<Customer> {
        let now = self.now();
        let id = update.id;
        self.write(|tx| {
            let me = authorize(tx, actor, Some(Permission::ManageCustomers))?;
            let old = load_customer(tx, id)?.ok_or(Error::NotFound("customer"))?;
            let taken = username_taken(tx, update.input.username.trim(), Some(id))?;
            let valid = validate_customer(&update.input, plan_facts(tx), router_exists(tx), taken, old.plan_id)?;
            let sealed = valid.password.as_deref().map(|p| self.vault.seal(Purpose::CustomerPassword, p));
            tx.execute(
                "UPDATE customers SET username = ?2, name = ?3, phone = ?4, email = ?5, address = ?6, service_type = ?7,
                 plan_id = ?8, router_id = ?9, notes = ?10, password_enc = COALESCE(?11, password_enc),
                 rev = rev + 1, updated_at = ?12 WHERE id = ?1",
                rusqlite::params![
                    id.to_string(), valid.username, valid.name, valid.phone, valid.email, valid.address,
                    valid.service_type.as_str(), valid.plan_id.map(|p| p.to_string()), valid.router_id.map(|r| r.to_string()),
                    valid.notes, sealed, to_storage(now),
                ],
            )?;
            if old.username != valid.username {
                radius::delete_user(tx, &old.username)?;
            }
            Deriver::new(tx, &self.vault)?.refresh_customer(id)?;
            let new = load_customer(tx, id)?.ok_or(Error::NotFound("customer"))?;
            let mut new_values = snapshot(&new);
            if valid.password.is_some() {
                new_values["password_changed"] = json!(true);
            }
            activity::record(tx, now, &me.who(), "update", "customer", Some(&id.to_string()), &new.username, Some(snapshot(&old)), Some(new_values))?;
            Ok(new)
        })
    }

    fn change_status(
        &self,
        actor: &Actor,
        id: CustomerId,
        action: &str,
        change: impl FnOnce(
            &Connection,
            &Customer,
            DateTime<Utc>,
        ) -> Result<(CustomerStatus, Option<DateTime<Utc>>)>,
    ) -> Result<Customer> {
        let now = self.now();
        self.write(|tx| {
            let me = authorize(tx, actor, Some(Permission::ManageCustomers))?;
            let old = load_customer(tx, id)?.ok_or(Error::NotFound("customer"))?;
            let (status, expires_at) = change(tx, &old, now)?;
            tx.execute(
                "UPDATE customers SET status = ?2, expires_at = ?3, rev = rev + 1, updated_at = ?4 WHERE id = ?1",
                (id.to_string(), status.as_str(), expires_at.map(to_storage), to_storage(now)),
            )?;
            Deriver::new(tx, &self.vault)?.refresh_customer(id)?;
            let new = load_customer(tx, id)?.ok_or(Error::NotFound("customer"))?;
            activity::record(
                tx, now, &me.who(), action, "customer", Some(&id.to_string()), &new.username,
                Some(json!({ "status": old.status, "expires_at": old.expires_at })),
                Some(json!({ "status": new.status, "expires_at": new.expires_at })),
            )?;
            Ok(new)
        })
    }

    /// Cuts a customer off (or, with isolir on, sends them to the payment page).
    pub fn suspend_customer(&self, actor: &Actor, id: CustomerId) -> Result<Customer> {
        self.change_status(actor, id, "suspend", |_, c, _| {
            Ok((CustomerStatus::Suspended, c.expires_at))
        })
    }

    /// Takes a customer out of service without deleting their history.
    pub fn deactivate_customer(&self, actor: &Actor, id: CustomerId) -> Result<Customer> {
        self.change_status(actor, id, "deactivate", |_, c, _| {
            Ok((CustomerStatus::Inactive, c.expires_at))
        })
    }

    /// Lets a suspended or inactive customer connect again, within their paid period; an
    /// expired one is renewed instead.
    pub fn reactivate_customer(&self, actor: &Actor, id: CustomerId) -> Result<Customer> {
        self.change_status(actor, id, "reactivate", |_, c, now| {
            if c.status == CustomerStatus::Expired || c.expires_at.is_some_and(|e| e <= now) {
                return Err(Error::RenewRequired);
            }
            Ok((CustomerStatus::Active, c.expires_at))
        })
    }

    /// Extends the service by one validity of the customer's plan, from the current expiry
    /// if it is still ahead, otherwise from now; the customer is active afterwards.
    pub fn renew_customer(&self, actor: &Actor, id: CustomerId) -> Result<Customer> {
        self.change_status(actor, id, "renew", |tx, c, now| {
            let plan: ServicePlan = match c.plan_id {
                Some(p) => load_plan(tx, p)?.ok_or(Error::NotFound("plan"))?,
                None => {
                    return Err(Error::Validation(vec![FieldError::new(
                        "plan_id",
                        ValidationCode::Required,
                    )]));
                }
            };
            let from = c.expires_at.filter(|e| *e > now).unwrap_or(now);
            Ok((
                CustomerStatus::Active,
                Some(plan.validity.end_from(from, zone(tx)?)),
            ))
        })
    }

    /// Deletes a customer who has no invoices; while invoices are unpaid it says how many,
    /// and a customer with a paid history is kept (set inactive instead).
    pub fn delete_customer(&self, actor: &Actor, id: CustomerId) -> Result<()> {
        let now = self.now();
        self.write(|tx| {
            let me = authorize(tx, actor, Some(Permission::ManageCustomers))?;
            let old = load_customer(tx, id)?.ok_or(Error::NotFound("customer"))?;
            let key = id.to_string();
            let unpaid: i64 = tx.query_row(
                "SELECT COUNT(*) FROM invoices WHERE customer_id = ?1 AND status IN ('unpaid', 'partially_paid')",
                [&key],
                |r| r.get(0),
            )?;
            if unpaid > 0 {
                return Err(Error::UnpaidInvoices { count: unpaid as u64 });
            }
            let history: i64 = tx.query_row(
                "SELECT (SELECT COUNT(*) FROM invoices WHERE customer_id = ?1) + (SELECT COUNT(*) FROM payments WHERE customer_id = ?1)",
                [&key],
                |r| r.get(0),
            )?;
            if history > 0 {
                return Err(Error::HasInvoiceHistory);
            }
            tx.execute("DELETE FROM customers WHERE id = ?1", [&key])?;
            radius::delete_user(tx, &old.username)?;
            activity::record(tx, now, &me.who(), "delete", "customer", Some(&key), &old.username, Some(snapshot(&old)), None)
        })
    }

    /// The background job: active customers whose paid period ended become expired.
    /// (FreeRADIUS already refuses them from `Expiration`; this keeps the status true.)
    pub fn expire_due_customers(&self) -> Result<u32> {
        let now = self.now();
        self.write(|tx| {
            let ids: Vec<String> = tx
                .prepare("SELECT id FROM customers WHERE status = 'active' AND expires_at IS NOT NULL AND expires_at <= ?1")?
                .query_map([to_storage(now)], |r| r.get(0))?
                .collect::<rusqlite::Result<_>>()?;
            let mut deriver = Deriver::new(tx, &self.vault)?;
            for id in &ids {
                tx.execute(
                    "UPDATE customers SET status = 'expired', rev = rev + 1, updated_at = ?2 WHERE id = ?1",
                    (id, to_storage(now)),
                )?;
                deriver.refresh_customer(id.parse().map_err(|_| Error::NotFound("customer"))?)?;
                activity::record(tx, now, &crate::activity::Who::system(), "expire", "customer", Some(id), "", None, None)?;
            }
            Ok(ids.len() as u32)
        })
    }
}

#[expect(
    clippy::too_many_arguments,
    reason = "one per column group; the call sites name them"
)]
fn insert_customer(
    core: &Core,
    conn: &Connection,
    id: CustomerId,
    valid: &ValidCustomer,
    password: &str,
    status: CustomerStatus,
    expires_at: Option<DateTime<Utc>>,
    now: DateTime<Utc>,
) -> Result<()> {
    conn.prepare_cached(
        "INSERT INTO customers (id, username, password_enc, name, phone, email, address, service_type, plan_id, router_id, status, expires_at, notes, rev, created_at, updated_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, 1, ?14, ?14)",
    )?
    .execute(rusqlite::params![
        id.to_string(), valid.username, core.vault.seal(Purpose::CustomerPassword, password), valid.name, valid.phone,
        valid.email, valid.address, valid.service_type.as_str(), valid.plan_id.map(|p| p.to_string()),
        valid.router_id.map(|r| r.to_string()), status.as_str(), expires_at.map(to_storage), valid.notes, to_storage(now),
    ])?;
    Ok(())
}

// ---------------------------------------------------------------------------- CSV

/// Column names, with the Indonesian headers people use in their spreadsheets.
fn canonical_column(header: &str) -> Option<&'static str> {
    let h = header
        .trim()
        .trim_start_matches('\u{feff}')
        .to_lowercase()
        .replace([' ', '-'], "_");
    Some(match h.as_str() {
        "username" | "user" | "nama_pengguna" | "pengguna" => "username",
        "password" | "kata_sandi" | "sandi" => "password",
        "name" | "nama" | "nama_pelanggan" => "name",
        "phone" | "telepon" | "no_hp" | "hp" | "whatsapp" | "wa" => "phone",
        "email" | "surel" => "email",
        "address" | "alamat" => "address",
        "service_type" | "type" | "layanan" | "jenis" => "service_type",
        "plan" | "plan_code" | "paket" | "kode_paket" => "plan",
        "router" | "nas" => "router",
        "status" => "status",
        "expires_at" | "expiry" | "expired" | "kedaluwarsa" | "berlaku_sampai" => "expires_at",
        "notes" | "catatan" => "notes",
        _ => return None,
    })
}

/// A date or date-time as typed, in the ISP's zone; a date alone means the end of that day.
fn parse_local_datetime(text: &str, zone: Tz) -> Option<DateTime<Utc>> {
    let text = text.trim();
    let naive = [
        "%Y-%m-%d %H:%M:%S",
        "%Y-%m-%d %H:%M",
        "%d/%m/%Y %H:%M:%S",
        "%d/%m/%Y %H:%M",
        "%Y-%m-%dT%H:%M:%S",
    ]
    .iter()
    .find_map(|f| NaiveDateTime::parse_from_str(text, f).ok())
    .or_else(|| {
        ["%Y-%m-%d", "%d/%m/%Y", "%d-%m-%Y"]
            .iter()
            .find_map(|f| NaiveDate::parse_from_str(text, f).ok())
            .map(|d| d.and_time(NaiveTime::from_hms_opt(23, 59, 59).expect("valid")))
    })?;
    zone.from_local_datetime(&naive)
        .earliest()
        .map(|t| t.with_timezone(&Utc))
}

struct ParsedRow {
    line: u32,
    valid: ValidCustomer,
    password: String,
    status: CustomerStatus,
    expires_at: Option<DateTime<Utc>>,
    plan_code: Option<String>,
    router: Option<String>,
}

fn line_error(line: u32, column: &str, code: ValidationCode) -> FieldError {
    FieldError::new(column, code).with("line", line)
}

/// Reads and validates the whole file against the database; nothing is written.
fn parse_import(
    conn: &Connection,
    csv_text: &str,
    now: DateTime<Utc>,
) -> Result<(Vec<ParsedRow>, Vec<FieldError>, u32)> {
    let zone = zone(conn)?;
    let delimiter = {
        let first = csv_text.lines().next().unwrap_or_default();
        if first.matches(';').count() > first.matches(',').count() {
            b';'
        } else {
            b','
        }
    };
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(delimiter)
        .flexible(true)
        .trim(csv::Trim::All)
        .from_reader(csv_text.as_bytes());
    let mut errors = Vec::new();
    let headers = reader
        .headers()
        .map_err(|e| {
            Error::ImportInvalid(vec![
                FieldError::new("file", ValidationCode::InvalidChoice)
                    .with("line", 1)
                    .with("detail", e),
            ])
        })?
        .clone();
    let columns: Vec<Option<&'static str>> = headers.iter().map(canonical_column).collect();
    for required in ["username", "name"] {
        if !columns.contains(&Some(required)) {
            errors.push(line_error(1, required, ValidationCode::Required));
        }
    }
    if !errors.is_empty() {
        return Err(Error::ImportInvalid(errors));
    }
    let plans: HashMap<String, ServicePlan> = {
        let mut stmt = conn.prepare("SELECT id FROM service_plans")?;
        let ids: Vec<String> = stmt
            .query_map([], |r| r.get(0))?
            .collect::<rusqlite::Result<_>>()?;
        let mut map = HashMap::new();
        for id in ids {
            if let Some(p) = load_plan(conn, id.parse().map_err(|_| Error::NotFound("plan"))?)? {
                map.insert(p.code.to_uppercase(), p);
            }
        }
        map
    };
    let routers: HashMap<String, RouterId> = conn
        .prepare("SELECT short_name, id FROM routers")?
        .query_map([], |r| {
            Ok((
                r.get::<_, String>(0)?.to_lowercase(),
                r.get::<_, String>(1)?,
            ))
        })?
        .filter_map(|r| r.ok().and_then(|(n, id)| id.parse().ok().map(|id| (n, id))))
        .collect();
    let existing: HashSet<String> = conn
        .prepare("SELECT lower(username) FROM customers")?
        .query_map([], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    let mut seen: HashMap<String, u32> = HashMap::new();
    let mut rows = Vec::new();
    let mut total = 0u32;
    for (index, record) in reader.records().enumerate() {
        let line = index as u32 + 2;
        let record = match record {
            Ok(r) => r,
            Err(e) => {
                errors.push(
                    line_error(line, "file", ValidationCode::InvalidChoice).with("detail", e),
                );
                continue;
            }
        };
        if record.iter().all(|f| f.is_empty()) {
            continue;
        }
        total += 1;
        if total as usize > MAX_IMPORT_ROWS {
            return Err(Error::ImportInvalid(vec![
                line_error(line, "file", ValidationCode::TooLong).with("max", MAX_IMPORT_ROWS),
            ]));
        }
        let get = |name: &str| -> String {
            columns
                .iter()
                .position(|c| *c == Some(name))
                .and_then(|i| record.get(i))
                .unwrap_or_default()
                .to_owned()
        };
        let mut row_errors = Vec::new();
        let plan_code = Some(get("plan").trim().to_uppercase()).filter(|c| !c.is_empty());
        let plan = match &plan_code {
            Some(code) => match plans.get(code) {
                Some(p) => Some(p),
                None => {
                    row_errors.push(
                        line_error(line, "plan", ValidationCode::NotFound).with("value", code),
                    );
                    None
                }
            },
            None => None,
        };
        let router_name = Some(get("router").trim().to_owned()).filter(|r| !r.is_empty());
        let router = match &router_name {
            Some(name) => match routers.get(&name.to_lowercase()) {
                Some(id) => Some(*id),
                None => {
                    row_errors.push(
                        line_error(line, "router", ValidationCode::NotFound).with("value", name),
                    );
                    None
                }
            },
            None => None,
        };
        let mut service = get("service_type");
        if service.trim().is_empty() {
            service = plan
                .map(|p| p.service_type.as_str().to_owned())
                .unwrap_or_default();
        }
        let input = CustomerInput {
            username: get("username"),
            password: get("password"),
            name: get("name"),
            phone: get("phone"),
            email: get("email"),
            address: get("address"),
            service_type: service,
            plan_id: plan.map(|p| p.id.to_string()).unwrap_or_default(),
            router_id: router.map(|r| r.to_string()).unwrap_or_default(),
            notes: get("notes"),
        };
        let username_key = input.username.trim().to_lowercase();
        let taken = existing.contains(&username_key);
        // An inactive plan is fine for customers moved over from another system.
        let facts = |id: PlanId| {
            plans.values().find(|p| p.id == id).map(|p| PlanFacts {
                service_type: p.service_type,
                is_active: true,
            })
        };
        match validate_customer(&input, facts, |_| true, taken, None) {
            Ok(valid) => {
                if let Some(first) = seen.get(&username_key) {
                    row_errors.push(
                        line_error(line, "username", ValidationCode::UsernameTaken)
                            .with("first_line", first),
                    );
                }
                let status = match get("status").trim() {
                    "" => CustomerStatus::Active,
                    s => CustomerStatus::parse(s).unwrap_or_else(|| {
                        row_errors.push(
                            line_error(line, "status", ValidationCode::InvalidChoice)
                                .with("allowed", "active, suspended, expired, inactive"),
                        );
                        CustomerStatus::Active
                    }),
                };
                let expires_at = match get("expires_at").trim() {
                    "" => plan.map(|p| p.validity.end_from(now, zone)),
                    text => parse_local_datetime(text, zone).or_else(|| {
                        row_errors.push(line_error(
                            line,
                            "expires_at",
                            ValidationCode::InvalidDate,
                        ));
                        None
                    }),
                };
                let status =
                    if status == CustomerStatus::Active && expires_at.is_some_and(|e| e <= now) {
                        CustomerStatus::Expired
                    } else {
                        status
                    };
                seen.entry(username_key).or_insert(line);
                if row_errors.is_empty() {
                    let password = valid.password.clone().unwrap_or_else(generate_password);
                    rows.push(ParsedRow {
                        line,
                        valid,
                        password,
                        status,
                        expires_at,
                        plan_code,
                        router: router_name,
                    });
                }
            }
            Err(field_errors) => {
                row_errors.extend(field_errors.into_iter().map(|e| {
                    let field = if e.field == "plan_id" {
                        "plan".to_owned()
                    } else if e.field == "router_id" {
                        "router".to_owned()
                    } else {
                        e.field.clone()
                    };
                    FieldError { field, ..e }.with("line", line)
                }));
            }
        }
        errors.extend(row_errors);
    }
    if total == 0 && errors.is_empty() {
        errors.push(line_error(2, "file", ValidationCode::Required));
    }
    Ok((rows, errors, total))
}

impl Core {
    pub fn preview_customer_import(&self, actor: &Actor, csv_text: &str) -> Result<ImportPreview> {
        let now = self.now();
        self.read(|tx| {
            authorize(tx, actor, Some(Permission::ManageCustomers))?;
            let (rows, errors, total) = parse_import(tx, csv_text, now)?;
            Ok(ImportPreview {
                total_rows: total,
                valid_rows: rows.len() as u32,
                errors: errors.into_iter().take(500).collect(),
                sample: rows
                    .iter()
                    .take(SAMPLE_ROWS)
                    .map(|r| ImportRow {
                        line: r.line,
                        username: r.valid.username.clone(),
                        name: r.valid.name.clone(),
                        phone: r.valid.phone.clone(),
                        service_type: r.valid.service_type,
                        plan_code: r.plan_code.clone(),
                        router: r.router.clone(),
                        status: r.status,
                        expires_at: r.expires_at,
                    })
                    .collect(),
            })
        })
    }

    /// Imports the whole file in one transaction, or nothing: every bad row is reported
    /// with its line and reason.
    pub fn import_customers(&self, actor: &Actor, csv_text: &str) -> Result<ImportSummary> {
        let now = self.now();
        self.write_bulk(|tx| {
            let me = authorize(tx, actor, Some(Permission::ManageCustomers))?;
            let (rows, errors, _) = parse_import(tx, csv_text, now)?;
            if !errors.is_empty() {
                return Err(Error::ImportInvalid(errors.into_iter().take(500).collect()));
            }
            let mut deriver = Deriver::new(tx, &self.vault)?;
            for row in &rows {
                let id = CustomerId::new();
                insert_customer(
                    self,
                    tx,
                    id,
                    &row.valid,
                    &row.password,
                    row.status,
                    row.expires_at,
                    now,
                )?;
                deriver.write_new(&crate::radius::CustomerRadius {
                    username: &row.valid.username,
                    password: &row.password,
                    status: row.status,
                    expires_at: row.expires_at,
                    plan_id: row.valid.plan_id,
                    router_id: row.valid.router_id,
                    service: row.valid.service_type,
                })?;
            }
            activity::record(
                tx,
                now,
                &me.who(),
                "import",
                "customer",
                None,
                &format!("{} customers", rows.len()),
                None,
                Some(json!({ "imported": rows.len() })),
            )?;
            Ok(ImportSummary {
                imported: rows.len() as u32,
            })
        })
    }

    /// The customers matching `query` (all pages) as CSV, in the import's columns —
    /// without passwords.
    pub fn export_customers_csv(&self, actor: &Actor, query: &CustomerQuery) -> Result<String> {
        let zone: Tz = self.read(|tx| zone(tx))?;
        let mut all = CustomerQuery {
            page: 1,
            page_size: MAX_PAGE_SIZE,
            ..query.clone()
        };
        let (plans, routers) = self.read(|tx| {
            authorize(tx, actor, Some(Permission::ManageCustomers))?;
            let plans: HashMap<String, String> = tx
                .prepare("SELECT id, code FROM service_plans")?
                .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
                .collect::<rusqlite::Result<_>>()?;
            let routers: HashMap<String, String> = tx
                .prepare("SELECT id, short_name FROM routers")?
                .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
                .collect::<rusqlite::Result<_>>()?;
            Ok((plans, routers))
        })?;
        let mut writer = csv::Writer::from_writer(Vec::new());
        let csv_err = |e: csv::Error| Error::Internal(e.to_string());
        writer
            .write_record([
                "username",
                "name",
                "phone",
                "email",
                "address",
                "service_type",
                "plan",
                "router",
                "status",
                "expires_at",
                "notes",
            ])
            .map_err(csv_err)?;
        loop {
            let page = self.search_customers(actor, &all)?;
            for item in &page.items {
                let c = &item.customer;
                writer
                    .write_record([
                        c.username.as_str(),
                        c.name.as_str(),
                        c.phone.as_str(),
                        c.email.as_str(),
                        c.address.as_str(),
                        c.service_type.as_str(),
                        c.plan_id
                            .and_then(|p| plans.get(&p.to_string()))
                            .map(String::as_str)
                            .unwrap_or(""),
                        c.router_id
                            .and_then(|r| routers.get(&r.to_string()))
                            .map(String::as_str)
                            .unwrap_or(""),
                        c.status.as_str(),
                        &c.expires_at
                            .map(|e| e.with_timezone(&zone).format("%Y-%m-%d %H:%M").to_string())
                            .unwrap_or_default(),
                        c.notes.as_str(),
                    ])
                    .map_err(csv_err)?;
            }
            if u64::from(all.page) * u64::from(all.page_size) >= page.total {
                break;
            }
            all.page += 1;
        }
        let bytes = writer
            .into_inner()
            .map_err(|e| Error::Internal(e.to_string()))?;
        String::from_utf8(bytes).map_err(|e| Error::Internal(e.to_string()))
    }
}
