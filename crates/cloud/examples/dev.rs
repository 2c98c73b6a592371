//! A whole platform on this machine for development (`cargo xtask cloud`): a throwaway
//! PostgreSQL, the server, and FreeRADIUS with the platform's configuration
//! (`deploy/freeradius/`), restarted whenever a router is pushed. Ctrl-C stops everything
//! and deletes the data.
//!
//! `--port N` picks the HTTP port (default 8080; 0 for any free one).

use anyhow::{Context, Result};
use freeradius_harness::{FreeRadius, PgServer};
use ispdesk_cloud::nas_watch::NasWatcher;
use ispdesk_cloud::seal::Sealer;
use ispdesk_cloud::{Config, Server};
use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::Duration;

const DB: &str = "ispdesk";
const OWNER: &str = "ispdesk";
const RADIUS_ROLE: &str = "ispdesk_radius";
const ADMIN: &str = "admin";

fn secret() -> String {
    // 43 characters of base64url: a password nobody guesses.
    Sealer::generate_key()
}

#[tokio::main]
async fn main() -> Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let port = match args.iter().position(|a| a == "--port") {
        Some(i) => args
            .get(i + 1)
            .context("--port needs a number")?
            .parse::<u16>()?,
        None => 8080,
    };
    ispdesk_cloud::init_tracing(
        ispdesk_cloud::config::LogFormat::Text,
        "info,tower_http=warn",
    );

    let owner_password = secret();
    let radius_password = secret();
    let admin_password = secret();
    let pg = tokio::task::spawn_blocking(PgServer::start).await??;
    pg.psql(
        "postgres",
        "postgres",
        &format!("CREATE ROLE {RADIUS_ROLE} LOGIN PASSWORD '{radius_password}'"),
    )?;
    pg.create_database(DB, OWNER, &owner_password)?;
    let database_url = pg.database_url(DB, OWNER, &owner_password);
    let seal_key = Sealer::generate_key();
    let listen = format!("127.0.0.1:{port}");
    let config = Config::from_parts(None, std::path::Path::new("-"), |name| match name {
        "ISPDESK_CLOUD_LISTEN" => Some(listen.clone()),
        "ISPDESK_CLOUD_DATABASE_URL" => Some(database_url.clone()),
        "ISPDESK_CLOUD_SEAL_KEY" => Some(seal_key.clone()),
        "ISPDESK_CLOUD_ADMIN_USERNAME" => Some(ADMIN.into()),
        "ISPDESK_CLOUD_ADMIN_PASSWORD" => Some(admin_password.clone()),
        "ISPDESK_CLOUD_RADIUS_DB_ROLE" => Some(RADIUS_ROLE.into()),
        other => std::env::var(other).ok(),
    })?;
    let server = Server::start(&config).await?;

    let template = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("deploy/freeradius");
    // FreeRadius::postgres blocks for a fraction of a second; fine at start-up.
    let radius = tokio::task::block_in_place(|| {
        FreeRadius::postgres(Some(&template), &pg, DB, RADIUS_ROLE, &radius_password)
    })
    .context("start FreeRADIUS")?;
    let (auth_port, acct_port, log) = (
        radius.auth_port(),
        radius.acct_port(),
        radius.log_path().to_owned(),
    );
    let radius = Arc::new(Mutex::new(radius));
    let for_watcher = radius.clone();
    let _watcher = NasWatcher::start(&database_url, Duration::from_millis(500), move || {
        let radius = for_watcher.clone();
        async move {
            let result = tokio::task::spawn_blocking(move || {
                radius.lock().unwrap_or_else(|p| p.into_inner()).restart()
            })
            .await;
            match result {
                Ok(Ok(())) => tracing::info!("FreeRADIUS restarted with the new routers"),
                other => tracing::error!(?other, "FreeRADIUS did not restart"),
            }
        }
    })
    .await?;

    println!(
        "\nispdesk-cloud is running.\n\n\
         \x20 API            {url}\n\
         \x20 admin login    {ADMIN} / {admin_password}\n\
         \x20                curl -s {url}/api/v1/admin/login -H 'content-type: application/json' \\\n\
         \x20                  -d '{{\"username\":\"{ADMIN}\",\"password\":\"{admin_password}\"}}'\n\
         \x20 RADIUS         auth 127.0.0.1:{auth_port}, accounting 127.0.0.1:{acct_port} (UDP)\n\
         \x20                routers pushed with an address in 127.0.0.0/8 can be played with radclient\n\
         \x20 FreeRADIUS log {log}\n\
         \x20 PostgreSQL     {db}\n\n\
         Ctrl-C stops everything and deletes the data.",
        url = server.url(),
        log = log.display(),
        db = ispdesk_cloud::config::redact_url(&database_url),
    );
    tokio::signal::ctrl_c().await?;
    println!("\nstopping…");
    server.stop().await?;
    drop(_watcher);
    drop(radius);
    drop(pg);
    Ok(())
}
