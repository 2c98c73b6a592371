//! How to reach a router's API, made from the credentials the core opens.

use std::fmt;
use std::time::Duration;

use ispdesk_core::RouterCredentials;
use ispdesk_domain::RouterId;
use routeros_api::{Client, ConnectOptions, Fingerprint};

use crate::error::{Error, Result};

/// How long to wait for a router.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Timeouts {
    /// TCP connect, TLS handshake and login together.
    pub connect: Duration,
    /// Any one command.
    pub command: Duration,
}

impl Default for Timeouts {
    fn default() -> Self {
        Timeouts {
            connect: Duration::from_secs(8),
            command: Duration::from_secs(15),
        }
    }
}

/// One router's API address and login. Comparable, so the poller can tell when a router's
/// settings changed and its connection must be made again.
#[derive(Clone, PartialEq, Eq)]
pub struct Endpoint {
    pub router_id: RouterId,
    pub host: String,
    pub port: u16,
    pub username: String,
    password: String,
    /// `None` for the plain API; for api-ssl, the confirmed certificate (if any yet).
    pub tls: Option<Option<Fingerprint>>,
}

impl fmt::Debug for Endpoint {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Endpoint")
            .field("router_id", &self.router_id)
            .field("host", &self.host)
            .field("port", &self.port)
            .field("username", &self.username)
            .field("tls", &self.tls)
            .finish_non_exhaustive()
    }
}

impl Endpoint {
    /// The router's API endpoint. A router without an API user name, or known only by an
    /// address range (routers behind a tunnel range send RADIUS from any address in it), has
    /// no API the app can dial.
    pub fn from_credentials(credentials: &RouterCredentials) -> Result<Endpoint> {
        let router = &credentials.router;
        if router.api_username.is_empty() || router.address.contains('/') {
            return Err(Error::NotConfigured);
        }
        // A fingerprint that does not parse was not confirmed by anyone: ask again.
        let pinned = credentials
            .tls_fingerprint
            .as_deref()
            .and_then(|f| f.parse::<Fingerprint>().ok());
        Ok(Endpoint {
            router_id: router.id,
            host: router.address.clone(),
            port: router.api_port,
            username: router.api_username.clone(),
            password: credentials.api_password.clone().unwrap_or_default(),
            tls: router.api_tls.then_some(pinned),
        })
    }

    /// An endpoint given directly (tests, tools).
    pub fn new(
        router_id: RouterId,
        host: impl Into<String>,
        port: u16,
        username: impl Into<String>,
        password: impl Into<String>,
    ) -> Endpoint {
        Endpoint {
            router_id,
            host: host.into(),
            port,
            username: username.into(),
            password: password.into(),
            tls: None,
        }
    }

    pub fn options(&self, timeouts: Timeouts) -> ConnectOptions {
        let options = ConnectOptions::new(&self.host, &self.username, &self.password)
            .port(self.port)
            .connect_timeout(timeouts.connect)
            .command_timeout(timeouts.command);
        match self.tls {
            Some(pinned) => options.tls(pinned),
            None => options,
        }
    }

    /// Connects and logs in.
    pub async fn connect(&self, timeouts: Timeouts) -> Result<Client> {
        Ok(Client::connect(&self.options(timeouts)).await?)
    }
}
