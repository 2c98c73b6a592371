use crate::TestDb;
use ispdesk_core::{LOCAL_ONLY_TABLES, db};
use rusqlite::Connection;
use std::collections::BTreeSet;

fn tables(conn: &Connection) -> BTreeSet<String> {
    let mut stmt = conn
        .prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")
        .unwrap();
    stmt.query_map([], |r| r.get(0))
        .unwrap()
        .map(Result::unwrap)
        .collect()
}

fn columns(conn: &Connection, table: &str) -> Vec<(String, String, bool, bool)> {
    let mut stmt = conn
        .prepare(&format!("PRAGMA table_info({table})"))
        .unwrap();
    stmt.query_map([], |r| {
        Ok((
            r.get::<_, String>(1)?,
            r.get::<_, String>(2)?,
            r.get::<_, bool>(3)?,
            r.get::<_, i64>(5)? > 0,
        ))
    })
    .unwrap()
    .map(Result::unwrap)
    .collect()
}

fn synced_tables(conn: &Connection) -> Vec<String> {
    tables(conn)
        .into_iter()
        .filter(|t| !LOCAL_ONLY_TABLES.contains(&t.as_str()))
        .collect()
}

#[test]
fn migrations_apply_to_an_empty_database_and_again_do_nothing() {
    let db = TestDb::new();
    let version = db.core.with_connection(|c| db::schema_version(c).unwrap());
    assert_eq!(version, db::latest_schema_version());
    let before = db.core.with_connection(|c| {
        c.query_row("SELECT COUNT(*) FROM refinery_schema_history", [], |r| {
            r.get::<_, i64>(0)
        })
        .unwrap()
    });
    let path = db.path();
    drop(db.core);
    let reopened = ispdesk_core::Core::open(&path).unwrap();
    let after = reopened.with_connection(|c| {
        c.query_row("SELECT COUNT(*) FROM refinery_schema_history", [], |r| {
            r.get::<_, i64>(0)
        })
        .unwrap()
    });
    assert_eq!(before, after);
    assert_eq!(before, db::latest_schema_version());
}

#[test]
fn the_tenant_schema_is_all_there() {
    let db = TestDb::new();
    let all = db.core.with_connection(|c| tables(c));
    for table in [
        "routers",
        "ip_pools",
        "bandwidth_profiles",
        "pppoe_profiles",
        "pppoe_servers",
        "hotspot_profiles",
        "hotspot_servers",
        "service_plans",
        "customers",
        "subscriptions",
        "voucher_batches",
        "vouchers",
        "invoices",
        "invoice_lines",
        "payments",
        "resellers",
        "reseller_ledger",
        "staff_users",
        "activity_log",
        "settings",
        "sync_outbox",
        "radcheck",
        "radreply",
        "radgroupcheck",
        "radgroupreply",
        "radusergroup",
        "radacct",
        "radpostauth",
        "nas",
    ] {
        assert!(all.contains(table), "missing table {table}");
    }
    for local in LOCAL_ONLY_TABLES {
        assert!(
            all.contains(*local),
            "LOCAL_ONLY_TABLES names {local}, which does not exist"
        );
    }
}

/// FreeRADIUS reads these tables itself, so the names must be exactly its own.
#[test]
fn freeradius_tables_have_freeradius_columns() {
    let db = TestDb::new();
    let expect: &[(&str, &[&str])] = &[
        ("radcheck", &["id", "username", "attribute", "op", "value"]),
        ("radreply", &["id", "username", "attribute", "op", "value"]),
        (
            "radgroupcheck",
            &["id", "groupname", "attribute", "op", "value"],
        ),
        (
            "radgroupreply",
            &["id", "groupname", "attribute", "op", "value"],
        ),
        ("radusergroup", &["id", "username", "groupname", "priority"]),
        (
            "radpostauth",
            &["id", "username", "pass", "reply", "authdate", "class"],
        ),
        (
            "nas",
            &[
                "id",
                "nasname",
                "shortname",
                "type",
                "ports",
                "secret",
                "server",
                "community",
                "description",
            ],
        ),
        (
            "radacct",
            &[
                "radacctid",
                "acctsessionid",
                "acctuniqueid",
                "username",
                "realm",
                "nasipaddress",
                "nasportid",
                "nasporttype",
                "acctstarttime",
                "acctupdatetime",
                "acctstoptime",
                "acctinterval",
                "acctsessiontime",
                "acctauthentic",
                "connectinfo_start",
                "connectinfo_stop",
                "acctinputoctets",
                "acctoutputoctets",
                "calledstationid",
                "callingstationid",
                "acctterminatecause",
                "servicetype",
                "framedprotocol",
                "framedipaddress",
                "framedipv6address",
                "framedipv6prefix",
                "framedinterfaceid",
                "delegatedipv6prefix",
                "class",
            ],
        ),
    ];
    db.core.with_connection(|c| {
        for (table, cols) in expect {
            let got: Vec<String> = columns(c, table).into_iter().map(|c| c.0).collect();
            assert_eq!(&got, cols, "columns of {table}");
        }
    });
}

/// Every table that is not declared local-only must be keyed, versioned and captured by
/// the three outbox triggers. A new table without them fails here.
#[test]
fn every_syncable_table_has_rev_and_its_outbox_triggers() {
    let db = TestDb::new();
    db.core.with_connection(|c| {
        let synced = synced_tables(c);
        assert!(synced.len() >= 18, "{synced:?}");
        for table in &synced {
            let cols = columns(c, table);
            let rev = cols.iter().find(|c| c.0 == "rev");
            assert!(
                matches!(rev, Some((_, ty, true, _)) if ty == "INTEGER"),
                "{table} needs `rev INTEGER NOT NULL`"
            );
            let pk: Vec<_> = cols.iter().filter(|c| c.3).collect();
            assert_eq!(pk.len(), 1, "{table} needs a single-column primary key");
            assert_eq!(pk[0].1, "TEXT", "{table}'s key must be text (a UUIDv7 or a settings key)");
            for op in ["insert", "update", "delete"] {
                let sql: Option<String> = c
                    .query_row(
                        "SELECT sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name = ?1 AND name = ?2",
                        (table, format!("{table}_outbox_{op}")),
                        |r| r.get(0),
                    )
                    .ok();
                let sql = sql.unwrap_or_else(|| panic!("{table} has no {op} outbox trigger"));
                assert!(
                    sql.contains("INSERT INTO sync_outbox") && sql.contains(&format!("'{table}'")),
                    "{table}_outbox_{op} must queue the row in sync_outbox: {sql}"
                );
            }
        }
    });
}

/// The triggers do what the schema says, on every synced table: generic rows are made
/// from each table's columns (constraints off: this is about capture, not validation).
#[test]
fn every_syncable_table_queues_inserts_updates_and_deletes() {
    let db = TestDb::new();
    db.core.with_connection(|c| {
        c.pragma_update(None, "foreign_keys", false).unwrap();
        c.pragma_update(None, "ignore_check_constraints", true)
            .unwrap();
        for table in synced_tables(c) {
            let cols = columns(c, &table);
            let key = cols.iter().find(|c| c.3).unwrap().0.clone();
            let names: Vec<&str> = cols.iter().map(|c| c.0.as_str()).collect();
            let values: Vec<String> = cols
                .iter()
                .map(|(name, ty, _, _)| match (name.as_str(), ty.as_str()) {
                    (n, _) if n == key => "'row-1'".into(),
                    ("rev", _) => "1".into(),
                    ("value", _) | ("old_values", _) | ("new_values", _) => "'{}'".into(),
                    (_, "INTEGER") => "1".into(),
                    (_, "REAL") => "1.0".into(),
                    (_, "BLOB") => "x'00'".into(),
                    _ => "'x'".into(),
                })
                .collect();
            let count = |c: &Connection| -> i64 {
                c.query_row(
                    "SELECT COUNT(*) FROM sync_outbox WHERE table_name = ?1 AND row_id = 'row-1'",
                    [&table],
                    |r| r.get(0),
                )
                .unwrap()
            };
            c.execute(
                &format!(
                    "INSERT INTO {table} ({}) VALUES ({})",
                    names.join(", "),
                    values.join(", ")
                ),
                [],
            )
            .unwrap_or_else(|e| panic!("insert into {table}: {e}"));
            assert_eq!(count(c), 1, "{table} insert");
            c.execute(
                &format!("UPDATE {table} SET rev = rev + 1 WHERE {key} = 'row-1'"),
                [],
            )
            .unwrap();
            assert_eq!(count(c), 2, "{table} update");
            let stale = c.execute(
                &format!("UPDATE {table} SET rev = rev WHERE {key} = 'row-1'"),
                [],
            );
            assert!(
                stale.is_err(),
                "{table}: an update that does not bump rev must fail"
            );
            assert_eq!(count(c), 2, "{table}: a refused update queues nothing");
            c.execute(&format!("DELETE FROM {table} WHERE {key} = 'row-1'"), [])
                .unwrap();
            assert_eq!(count(c), 3, "{table} delete");
            let ops: Vec<(String, i64)> = c
                .prepare("SELECT op, rev FROM sync_outbox WHERE table_name = ?1 ORDER BY seq")
                .unwrap()
                .query_map([&table], |r| Ok((r.get(0)?, r.get(1)?)))
                .unwrap()
                .map(Result::unwrap)
                .collect();
            assert_eq!(
                ops,
                [
                    ("insert".into(), 1),
                    ("update".into(), 2),
                    ("delete".into(), 2)
                ],
                "{table}"
            );
        }
    });
}

#[test]
fn changes_through_the_core_are_queued_for_sync() {
    let (db, owner) = TestDb::with_owner();
    let queued = |db: &TestDb| -> Vec<(String, String, String)> {
        db.core.with_connection(|c| {
            c.prepare("SELECT table_name, row_id, op FROM sync_outbox ORDER BY seq")
                .unwrap()
                .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
                .unwrap()
                .map(Result::unwrap)
                .collect()
        })
    };
    assert_eq!(
        queued(&db),
        [("settings".into(), "company".into(), "insert".into())]
    );
    let mut input = crate::setup_input().company;
    input.name = "Berkah Net Sleman".into();
    db.core.update_company(&owner, &input).unwrap();
    assert_eq!(
        queued(&db).last().unwrap(),
        &("settings".into(), "company".into(), "update".into())
    );
}

#[test]
fn a_failing_migration_leaves_the_database_as_it_was() {
    let dir = tempfile::tempdir().unwrap();
    let mut conn = Connection::open(dir.path().join("m.sqlite")).unwrap();
    let good =
        refinery::Migration::unapplied("V1__good", "CREATE TABLE kept (id INTEGER);").unwrap();
    let bad = refinery::Migration::unapplied(
        "V2__bad",
        "CREATE TABLE half_done (id INTEGER); INSERT INTO kept VALUES (1); INSERT INTO no_such_table VALUES (1);",
    )
    .unwrap();
    refinery::Runner::new(std::slice::from_ref(&good))
        .run(&mut conn)
        .unwrap();
    let result = refinery::Runner::new(&[good, bad]).run(&mut conn);
    assert!(result.is_err());
    assert_eq!(db::schema_version(&conn).unwrap(), 1);
    let half: bool = conn
        .query_row(
            "SELECT EXISTS (SELECT 1 FROM sqlite_master WHERE name = 'half_done')",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert!(!half, "the failed migration's table must be rolled back");
    let kept: i64 = conn
        .query_row("SELECT COUNT(*) FROM kept", [], |r| r.get(0))
        .unwrap();
    assert_eq!(kept, 0, "the failed migration's insert must be rolled back");
}

/// Inserting into the tables written in bulk builds no temporary index (a CHECK with an
/// IN list of three or more values does, on every row) — V4 made these cheap; a new
/// constraint written with IN would quietly make imports slower again.
#[test]
fn bulk_written_tables_insert_without_temporary_indexes() {
    let db = TestDb::new();
    db.core.with_connection(|c| {
        for table in ["customers", "sync_outbox", "vouchers", "invoices", "payments", "radcheck", "radreply", "radusergroup"] {
            let cols = columns(c, table);
            let names: Vec<&str> = cols.iter().map(|c| c.0.as_str()).collect();
            let values: Vec<&str> = cols.iter().map(|_| "NULL").collect();
            let plan: Vec<String> = c
                .prepare(&format!("EXPLAIN INSERT INTO {table} ({}) VALUES ({})", names.join(", "), values.join(", ")))
                .unwrap()
                .query_map([], |r| r.get::<_, String>(1))
                .unwrap()
                .map(Result::unwrap)
                .collect();
            assert!(!plan.iter().any(|op| op == "OpenEphemeral"), "inserting into {table} builds a temporary index");
        }
        let autoincrement: Vec<String> = c
            .prepare("SELECT name FROM sqlite_schema WHERE type = 'table' AND sql LIKE '%AUTOINCREMENT%' ORDER BY name")
            .unwrap()
            .query_map([], |r| r.get(0))
            .unwrap()
            .map(Result::unwrap)
            .collect();
        // Only the tables FreeRADIUS itself appends to keep FreeRADIUS's AUTOINCREMENT.
        assert_eq!(autoincrement, ["nas", "radacct", "radpostauth"]);
    });
}
