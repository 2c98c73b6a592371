//! The real app on a database it must not touch: one written by a newer ispdesk (a PC
//! that was updated, then had an old installer run on it). The app must say so in words a
//! shop owner can act on, name the file, and leave it exactly as it was: never an empty
//! database in its place.

use anyhow::{Context, Result};
use ispdesk_e2e::App;

#[tokio::test(flavor = "multi_thread")]
async fn a_database_from_a_newer_version_is_named_and_left_alone() -> Result<()> {
    let app = App::start().await?;
    app.wait_for("[data-testid=setup-step-1]").await?;
    app.set_up_isp("Berkah Net", ("Budi Santoso", "budi", "Warung2026!"))
        .await?;
    let data = app.close().await;

    // A newer ispdesk has since migrated this database one step further.
    let db = data.path().join("ispdesk/ispdesk.sqlite");
    let conn = rusqlite::Connection::open(&db).context("open the app's database")?;
    conn.execute(
        "INSERT INTO refinery_schema_history (version, name, applied_on, checksum)
         VALUES (99, 'from_a_newer_ispdesk', '2027-01-01T00:00:00Z', '0')",
        [],
    )?;
    drop(conn);
    let before = snapshot(&db)?;

    let app = App::start_in(data).await?;
    let result = async {
        app.wait_for("[data-testid=database-error]").await?;
        app.wait_for_text("[data-testid=database-error]", "Versi ispdesk terlalu lama")
            .await?;
        app.wait_for_text("[data-testid=database-path]", "ispdesk.sqlite")
            .await?;
        app.screenshot("database-too-new").await?;
        anyhow::Ok(())
    }
    .await;
    if result.is_err() {
        let _ = app.screenshot("database-failure").await;
    }
    let data = app.close().await;
    result?;

    // Every row of every table as it was (compared row by row, not byte by byte: SQLite
    // may still fold the first session's write-ahead log into the file), the owner in it.
    let after = snapshot(&data.path().join("ispdesk/ispdesk.sqlite"))?;
    assert_eq!(before.len(), after.len(), "tables or rows came or went");
    assert!(
        before == after,
        "the app changed a database it could not open"
    );
    assert!(
        after
            .iter()
            .any(|row| row.starts_with("staff_users:") && row.contains("\"budi\"")),
        "the owner is still there"
    );
    Ok(())
}

/// Every row of every table, as text: `table: [values]`.
fn snapshot(path: &std::path::Path) -> Result<Vec<String>> {
    let conn = rusqlite::Connection::open(path)?;
    let mut tables: Vec<String> = conn
        .prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")?
        .query_map([], |r| r.get(0))?
        .collect::<Result<_, _>>()?;
    tables.retain(|t| !t.starts_with("sqlite_"));
    let mut rows = Vec::new();
    for table in tables {
        let mut statement = conn.prepare(&format!("SELECT * FROM \"{table}\" ORDER BY rowid"))?;
        let columns = statement.column_count();
        let mut query = statement.query([])?;
        while let Some(row) = query.next()? {
            let values: Vec<String> = (0..columns)
                .map(|i| match row.get_ref(i) {
                    Ok(rusqlite::types::ValueRef::Text(t)) => {
                        format!("{:?}", String::from_utf8_lossy(t))
                    }
                    Ok(value) => format!("{value:?}"),
                    Err(e) => format!("<{e}>"),
                })
                .collect();
            rows.push(format!("{table}: [{}]", values.join(", ")));
        }
    }
    Ok(rows)
}
