//! `ispdesk-cloud [serve] [--config FILE]`: the platform server.
//! `ispdesk-cloud watch-nas [--config FILE] -- COMMAND…`: next to a FreeRADIUS host, run
//! COMMAND (e.g. `systemctl restart freeradius`) whenever the `nas` table changes.
//! Configuration: `docs/platform-api.md` ("Running it").

use anyhow::{Context, Result, bail};
use ispdesk_cloud::nas_watch::{self, NasWatcher};
use ispdesk_cloud::{Config, Server};
use std::path::PathBuf;

#[tokio::main]
async fn main() -> Result<()> {
    let mut args: Vec<String> = std::env::args().skip(1).collect();
    let command = match args.first().map(String::as_str) {
        Some("serve" | "watch-nas") => args.remove(0),
        _ => "serve".to_owned(),
    };
    let mut config_path: Option<PathBuf> = None;
    let mut rest = Vec::new();
    let mut iter = args.into_iter();
    while let Some(arg) = iter.next() {
        match arg.as_str() {
            "--config" => config_path = Some(iter.next().context("--config needs a file")?.into()),
            "--" => {
                rest.extend(iter.by_ref());
            }
            "-h" | "--help" => {
                eprintln!(
                    "usage: ispdesk-cloud [serve] [--config FILE]\n       ispdesk-cloud watch-nas [--config FILE] -- COMMAND..."
                );
                return Ok(());
            }
            other => bail!("unexpected argument {other:?} (try --help)"),
        }
    }
    let config = Config::load(config_path.as_deref()).context("configuration")?;
    ispdesk_cloud::init_tracing(config.log_format, &config.log_filter);

    if command == "watch-nas" {
        if rest.is_empty() {
            bail!("watch-nas needs the command that restarts FreeRADIUS after --");
        }
        let _watcher = NasWatcher::start(
            &config.database_url,
            config.radius.reload_debounce,
            move || {
                let command = rest.clone();
                async move { nas_watch::run_command(&command).await }
            },
        )
        .await
        .context("listen for nas changes")?;
        tracing::info!("watching nas");
        shutdown_signal().await;
        return Ok(());
    }

    let server = Server::start(&config).await?;
    shutdown_signal().await;
    tracing::info!("shutting down");
    server.stop().await
}

/// Ctrl-C or SIGTERM (what systemd and container runtimes send).
async fn shutdown_signal() {
    let ctrl_c = tokio::signal::ctrl_c();
    #[cfg(unix)]
    {
        let mut term =
            match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
                Ok(s) => s,
                Err(_) => {
                    let _ = ctrl_c.await;
                    return;
                }
            };
        tokio::select! {
            _ = ctrl_c => {}
            _ = term.recv() => {}
        }
    }
    #[cfg(not(unix))]
    {
        let _ = ctrl_c.await;
    }
}
