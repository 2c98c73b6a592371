//! The dashboard's numbers, read in one transaction so they agree with each other.

use crate::Core;
use crate::auth::{Actor, authorize};
use crate::company;
use crate::error::Result;
use chrono::{DateTime, Datelike, NaiveDate, TimeZone, Utc};
use chrono_tz::Tz;
use ispdesk_domain::Permission;
use ispdesk_domain::time::to_storage;
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
pub struct DashboardSummary {
    // JSON numbers: exact up to 2^53, far beyond any count or Rupiah amount here.
    #[ts(type = "number")]
    pub customers_total: u64,
    #[ts(type = "number")]
    pub customers_active: u64,
    #[ts(type = "number")]
    pub routers: u64,
    #[ts(type = "number")]
    pub unpaid_invoices: u64,
    /// Payments received since the first of this month in the ISP's zone, in minor units.
    #[ts(type = "number")]
    pub revenue_this_month: i64,
    #[ts(type = "number")]
    pub staff_active: u64,
}

/// Midnight on the first of `now`'s month in `zone`, as UTC.
pub(crate) fn month_start(now: DateTime<Utc>, zone: Tz) -> DateTime<Utc> {
    let local = now.with_timezone(&zone);
    let first = NaiveDate::from_ymd_opt(local.year(), local.month(), 1)
        .expect("the first of a month exists")
        .and_hms_opt(0, 0, 0)
        .expect("midnight exists");
    zone.from_local_datetime(&first)
        .earliest()
        .map(|t| t.with_timezone(&Utc))
        .unwrap_or(now)
}

impl Core {
    pub fn dashboard_summary(&self, actor: &Actor) -> Result<DashboardSummary> {
        let now = self.now();
        self.read(|tx| {
            authorize(tx, actor, Some(Permission::ViewDashboard))?;
            let zone: Tz = company::load(tx)?
                .and_then(|c| c.time_zone.parse().ok())
                .unwrap_or(chrono_tz::Asia::Jakarta);
            let count = |sql: &str| -> rusqlite::Result<u64> {
                tx.query_row(sql, [], |r| r.get::<_, i64>(0))
                    .map(|n| n.max(0) as u64)
            };
            let revenue_this_month: i64 = tx.query_row(
                "SELECT COALESCE(SUM(amount), 0) FROM payments WHERE paid_at >= ?1",
                [to_storage(month_start(now, zone))],
                |r| r.get(0),
            )?;
            Ok(DashboardSummary {
                customers_total: count("SELECT COUNT(*) FROM customers")?,
                customers_active: count("SELECT COUNT(*) FROM customers WHERE status = 'active'")?,
                routers: count("SELECT COUNT(*) FROM routers WHERE is_active = 1")?,
                unpaid_invoices: count(
                    "SELECT COUNT(*) FROM invoices WHERE status IN ('unpaid', 'partially_paid')",
                )?,
                revenue_this_month,
                staff_active: count("SELECT COUNT(*) FROM staff_users WHERE active = 1")?,
            })
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_month_starts_in_the_isp_zone() {
        // 30 Nov 20:00 UTC is already 1 Dec 03:00 in Jakarta.
        let now = Utc.with_ymd_and_hms(2026, 11, 30, 20, 0, 0).unwrap();
        let start = month_start(now, chrono_tz::Asia::Jakarta);
        assert_eq!(start, Utc.with_ymd_and_hms(2026, 11, 30, 17, 0, 0).unwrap());
        let start_utc = month_start(now, chrono_tz::UTC);
        assert_eq!(
            start_utc,
            Utc.with_ymd_and_hms(2026, 11, 1, 0, 0, 0).unwrap()
        );
    }
}
