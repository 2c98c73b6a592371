//! The server as a value: connect, migrate, grant, bootstrap, listen, serve until asked to
//! stop (gracefully: requests in flight finish). `main.rs` and the tests both use it.

use crate::api::{self, AppState};
use crate::config::Config;
use crate::nas_watch::{self, NasWatcher};
use crate::seal::Sealer;
use crate::{admins, db};
use anyhow::Context;
use std::net::SocketAddr;
use std::sync::Arc;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

pub struct Server {
    addr: SocketAddr,
    pool: deadpool_postgres::Pool,
    shutdown: oneshot::Sender<()>,
    task: JoinHandle<std::io::Result<()>>,
    _watcher: Option<NasWatcher>,
}

impl Server {
    pub async fn start(config: &Config) -> anyhow::Result<Server> {
        let pool = db::pool(&config.database_url, config.database_pool_size)?;
        db::migrate(&pool).await.context("migrate the database")?;
        if let Some(role) = &config.radius.db_role {
            db::grant_radius_role(&pool, role)
                .await
                .context("grant FreeRADIUS's role")?;
        }
        match (&config.admin_username, &config.admin_password) {
            (Some(user), Some(password)) => {
                admins::bootstrap(&pool, user, password)
                    .await
                    .context("create the super admin")?;
            }
            (Some(_), None) | (None, Some(_)) => {
                anyhow::bail!("admin_username and admin_password go together")
            }
            (None, None) => {}
        }
        let watcher = if config.radius.reload_command.is_empty() {
            None
        } else {
            let command = config.radius.reload_command.clone();
            Some(
                NasWatcher::start(
                    &config.database_url,
                    config.radius.reload_debounce,
                    move || {
                        let command = command.clone();
                        async move { nas_watch::run_command(&command).await }
                    },
                )
                .await
                .context("listen for nas changes")?,
            )
        };
        let state = AppState {
            pool: pool.clone(),
            sealer: Arc::new(Sealer::new(&config.seal_key)),
            session_ttl: config.session_ttl,
        };
        let listener = tokio::net::TcpListener::bind(config.listen)
            .await
            .with_context(|| format!("listen on {}", config.listen))?;
        let addr = listener.local_addr()?;
        let (shutdown, stopped) = oneshot::channel::<()>();
        let app = api::router(state);
        let task = tokio::spawn(async move {
            axum::serve(listener, app)
                .with_graceful_shutdown(async {
                    let _ = stopped.await;
                })
                .await
        });
        tracing::info!(%addr, "ispdesk-cloud listening");
        Ok(Server {
            addr,
            pool,
            shutdown,
            task,
            _watcher: watcher,
        })
    }

    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// `http://<addr>`.
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    pub fn pool(&self) -> &deadpool_postgres::Pool {
        &self.pool
    }

    /// Stops accepting, lets requests in flight finish, closes the pool.
    pub async fn stop(self) -> anyhow::Result<()> {
        let _ = self.shutdown.send(());
        self.task.await.context("the server task")??;
        self.pool.close();
        Ok(())
    }
}
