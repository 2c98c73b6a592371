//! PostgreSQL: the connection pool (deadpool over tokio-postgres), the platform's
//! migrations (refinery, embedded from `crates/cloud/migrations/`) and the grants of the
//! role FreeRADIUS connects as.

use crate::error::{Error, Result};
use deadpool_postgres::{Manager, ManagerConfig, Pool, RecyclingMethod};
use tokio_postgres::NoTls;

mod embedded {
    refinery::embed_migrations!("migrations");
}

/// An arbitrary constant: the advisory lock that serialises migrations when several
/// platform processes start at once.
const MIGRATION_LOCK: i64 = 0x6973_7064_6b6d_6967;

pub fn pool(database_url: &str, size: usize) -> Result<Pool> {
    let config: tokio_postgres::Config = database_url
        .parse()
        .map_err(|e| Error::Internal(format!("database_url: {e}")))?;
    let manager = Manager::from_config(
        config,
        NoTls,
        ManagerConfig {
            recycling_method: RecyclingMethod::Fast,
        },
    );
    Pool::builder(manager)
        .max_size(size)
        .build()
        .map_err(|e| Error::Internal(format!("database pool: {e}")))
}

/// Applies the migrations this binary embeds that the database does not have yet.
pub async fn migrate(pool: &Pool) -> Result<()> {
    let mut client = pool.get().await?;
    client
        .execute("SELECT pg_advisory_lock($1)", &[&MIGRATION_LOCK])
        .await?;
    let client_ref: &mut tokio_postgres::Client = &mut client;
    let result = embedded::migrations::runner()
        .set_abort_divergent(true)
        .run_async(client_ref)
        .await;
    client
        .execute("SELECT pg_advisory_unlock($1)", &[&MIGRATION_LOCK])
        .await?;
    let report = result.map_err(|e| Error::Internal(format!("migrations: {e}")))?;
    for m in report.applied_migrations() {
        tracing::info!(migration = %m, "applied");
    }
    Ok(())
}

/// FreeRADIUS's tables it may read.
pub const RADIUS_READ_TABLES: &[&str] = &[
    "nas",
    "radcheck",
    "radreply",
    "radusergroup",
    "radgroupcheck",
    "radgroupreply",
];

/// Grants FreeRADIUS's role exactly what its queries need (`deploy/freeradius`): read the
/// auth tables and `nas`; read, insert and update `radacct` (Simultaneous-Use counts and
/// the accounting updates); insert `radpostauth`. Nothing else of the platform's.
/// Idempotent; run at every start so a new table's absence of grants is the default.
pub async fn grant_radius_role(pool: &Pool, role: &str) -> Result<()> {
    let client = pool.get().await?;
    let exists: bool = client
        .query_one(
            "SELECT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = $1)",
            &[&role],
        )
        .await?
        .get(0);
    if !exists {
        return Err(Error::Internal(format!(
            "the PostgreSQL role {role:?} for FreeRADIUS does not exist: create it (LOGIN, with a password) first"
        )));
    }
    let role = quote_identifier(role);
    let mut sql = String::new();
    for table in RADIUS_READ_TABLES {
        sql.push_str(&format!("GRANT SELECT ON {table} TO {role};\n"));
    }
    sql.push_str(&format!(
        "GRANT SELECT, INSERT, UPDATE ON radacct TO {role};\n\
         GRANT INSERT ON radpostauth TO {role};\n\
         GRANT USAGE ON SEQUENCE radacct_radacctid_seq, radpostauth_id_seq TO {role};\n"
    ));
    client.batch_execute(&sql).await?;
    Ok(())
}

pub fn quote_identifier(name: &str) -> String {
    format!("\"{}\"", name.replace('"', "\"\""))
}
