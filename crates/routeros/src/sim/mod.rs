//! A RouterOS simulator: a stand-in router that speaks the API wire protocol over TCP and TLS,
//! for tests and demos of this crate and of the app.
//!
//! It keeps state for the menus the app uses (see `schema.rs` for the list and the properties),
//! answers `print` with `.proplist` and every query form, `add`/`set`/`remove`/`enable`/`disable`
//! with the checks and traps a router makes, `listen` (with `.dead=yes` on removal), `print
//! follow`, `monitor-traffic` with and without `once`, and `/cancel`. It behaves like RouterOS 6
//! before 6.43 (MD5 challenge login, no `!empty`) or RouterOS 7.18+ (plain login, `!empty`), as
//! configured. The control API makes sessions come and go and injects faults.
//!
//! Faithfulness matters more than breadth: other RouterOS clients are pointed at it, and where
//! protocol-facts marks a behaviour as remembered rather than checked, the choice made here is
//! noted at the place it is made.

mod query;
mod router;
mod schema;
mod session;

use std::net::{IpAddr, SocketAddr};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::watch;
use tokio::task::JoinHandle;

pub use router::SessionRefused;

use crate::sentence::{ItemId, Row};
use crate::tls::Fingerprint;
use router::Router;

/// Which RouterOS generation to behave like.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RouterVersion {
    /// 6.42: MD5 challenge login, no `!empty`, dates like `Feb/08/2019`.
    V6,
    /// 7.18: plain login, `!empty` before `!done` on an empty print, ISO dates.
    V7,
}

/// Faults to inject, for testing how clients cope.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fault {
    None,
    /// Read commands but answer none (streams stop too) until the fault is cleared.
    Stall,
    /// Close the connection as soon as a command arrives, without answering.
    DropOnCommand,
}

/// How to start a simulator.
#[derive(Debug, Clone)]
pub struct SimConfig {
    pub version: RouterVersion,
    /// User names and passwords that may log in.
    pub users: Vec<(String, String)>,
    pub identity: String,
    /// Where the plain API listens; port 0 picks a free port.
    pub listen: SocketAddr,
    /// Where api-ssl listens, with a freshly generated self-signed certificate; `None` for no TLS.
    pub tls_listen: Option<SocketAddr>,
    /// How often `monitor-traffic` reports without `once` (a router: every second).
    pub monitor_interval: Duration,
}

impl SimConfig {
    /// A router of the given generation on loopback, user `admin` with an empty password.
    pub fn new(version: RouterVersion) -> Self {
        SimConfig {
            version,
            users: vec![("admin".into(), String::new())],
            identity: "MikroTik".into(),
            listen: SocketAddr::from(([127, 0, 0, 1], 0)),
            tls_listen: None,
            monitor_interval: Duration::from_secs(1),
        }
    }

    pub fn user(mut self, name: &str, password: &str) -> Self {
        self.users.push((name.into(), password.into()));
        self
    }

    /// api-ssl on loopback, on a free port.
    pub fn with_tls(mut self) -> Self {
        self.tls_listen = Some(SocketAddr::from(([127, 0, 0, 1], 0)));
        self
    }
}

/// Why the simulator could not start.
#[derive(Debug, thiserror::Error)]
pub enum StartError {
    #[error("cannot listen on {address}: {source}")]
    Bind {
        address: SocketAddr,
        #[source]
        source: std::io::Error,
    },
    #[error("cannot make the TLS certificate: {0}")]
    Certificate(String),
}

pub(crate) struct Shared {
    pub(crate) router: Mutex<Router>,
    pub(crate) config: SimConfig,
    pub(crate) fault: watch::Sender<Fault>,
    /// Bumped to make every open connection close at once.
    pub(crate) drop_generation: watch::Sender<u64>,
    connections: AtomicUsize,
    /// Streaming commands running across all connections.
    pub(crate) streams: AtomicUsize,
}

/// A running simulated router. Stops listening and closes its connections when dropped.
pub struct Simulator {
    shared: Arc<Shared>,
    address: SocketAddr,
    tls_address: Option<SocketAddr>,
    fingerprint: Option<Fingerprint>,
    listeners: Vec<JoinHandle<()>>,
}

impl Simulator {
    pub async fn start(config: SimConfig) -> Result<Simulator, StartError> {
        let shared = Arc::new(Shared {
            router: Mutex::new(Router::new(config.version, &config.identity)),
            config: config.clone(),
            fault: watch::Sender::new(Fault::None),
            drop_generation: watch::Sender::new(0),
            connections: AtomicUsize::new(0),
            streams: AtomicUsize::new(0),
        });
        let bind = |address: SocketAddr| async move {
            TcpListener::bind(address)
                .await
                .map_err(|source| StartError::Bind { address, source })
        };
        let plain = bind(config.listen).await?;
        let address = plain.local_addr().map_err(|source| StartError::Bind {
            address: config.listen,
            source,
        })?;
        let mut listeners = vec![tokio::spawn(accept_plain(plain, shared.clone()))];
        let mut tls_address = None;
        let mut fingerprint = None;
        if let Some(tls_listen) = config.tls_listen {
            let (acceptor, fp) = tls_acceptor(&config.identity)?;
            let listener = bind(tls_listen).await?;
            tls_address = Some(listener.local_addr().map_err(|source| StartError::Bind {
                address: tls_listen,
                source,
            })?);
            fingerprint = Some(fp);
            listeners.push(tokio::spawn(accept_tls(listener, acceptor, shared.clone())));
        }
        tracing::info!(%address, ?tls_address, version = ?config.version, "simulator listening");
        Ok(Simulator {
            shared,
            address,
            tls_address,
            fingerprint,
            listeners,
        })
    }

    /// The plain API address.
    pub fn address(&self) -> SocketAddr {
        self.address
    }

    /// The api-ssl address, when TLS is on.
    pub fn tls_address(&self) -> Option<SocketAddr> {
        self.tls_address
    }

    /// The fingerprint of the TLS certificate, when TLS is on.
    pub fn fingerprint(&self) -> Option<Fingerprint> {
        self.fingerprint
    }

    /// Open API connections right now.
    pub fn connections(&self) -> usize {
        self.shared.connections.load(Ordering::SeqCst)
    }

    /// Streaming commands (`listen`, `monitor-traffic`, `print follow`) running right now, to
    /// check that clients cancel what they start.
    pub fn streaming_commands(&self) -> usize {
        self.shared.streams.load(Ordering::SeqCst)
    }

    fn router(&self) -> std::sync::MutexGuard<'_, Router> {
        self.shared.router.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// A PPP client logs in: a `/ppp/active` entry, a dynamic `<pppoe-NAME>` interface with
    /// traffic, and a dynamic queue when the profile has a rate limit.
    pub fn connect_ppp(&self, name: &str, address: IpAddr) -> Result<ItemId, SessionRefused> {
        let mut router = self.router();
        router.tick();
        router.connect_ppp(name, address)
    }

    /// The PPP user's sessions end; whether there was one.
    pub fn disconnect_ppp(&self, name: &str) -> bool {
        self.router().disconnect_ppp(name)
    }

    /// A hotspot client logs in.
    pub fn connect_hotspot(
        &self,
        user: &str,
        address: IpAddr,
        mac: &str,
    ) -> Result<ItemId, SessionRefused> {
        let mut router = self.router();
        router.tick();
        router.connect_hotspot(user, address, mac)
    }

    pub fn disconnect_hotspot(&self, user: &str) -> bool {
        self.router().disconnect_hotspot(user)
    }

    /// The rows `print` would return for a menu path such as `/ppp/secret`, for asserting on
    /// the router's state without going through a client.
    pub fn rows(&self, path: &str) -> Vec<Row> {
        let Some(spec) = schema::menu(path) else {
            return Vec::new();
        };
        let mut router = self.router();
        router.tick();
        router
            .rows(spec)
            .into_iter()
            .map(|row| row.into_iter().collect())
            .collect()
    }

    pub fn set_fault(&self, fault: Fault) {
        tracing::info!(?fault, "fault set");
        self.shared.fault.send_replace(fault);
    }

    /// Closes every open connection at once, mid-command or not.
    pub fn drop_connections(&self) {
        tracing::info!("dropping every connection");
        self.shared.drop_generation.send_modify(|g| *g += 1);
    }
}

impl Drop for Simulator {
    fn drop(&mut self) {
        for listener in &self.listeners {
            listener.abort();
        }
        self.drop_connections();
    }
}

/// Counts a connection for as long as it is served.
struct Counted(Arc<Shared>);

impl Counted {
    fn new(shared: Arc<Shared>) -> Self {
        shared.connections.fetch_add(1, Ordering::SeqCst);
        Counted(shared)
    }
}

impl Drop for Counted {
    fn drop(&mut self) {
        self.0.connections.fetch_sub(1, Ordering::SeqCst);
    }
}

async fn accept_plain(listener: TcpListener, shared: Arc<Shared>) {
    loop {
        let Ok((tcp, peer)) = listener.accept().await else {
            continue;
        };
        _ = tcp.set_nodelay(true);
        let shared = shared.clone();
        tokio::spawn(async move {
            let _counted = Counted::new(shared.clone());
            session::serve(tcp, shared, peer.to_string()).await;
        });
    }
}

async fn accept_tls(
    listener: TcpListener,
    acceptor: tokio_rustls::TlsAcceptor,
    shared: Arc<Shared>,
) {
    loop {
        let Ok((tcp, peer)) = listener.accept().await else {
            continue;
        };
        _ = tcp.set_nodelay(true);
        let shared = shared.clone();
        let acceptor = acceptor.clone();
        tokio::spawn(async move {
            serve_tls(tcp, peer, acceptor, shared).await;
        });
    }
}

async fn serve_tls(
    tcp: TcpStream,
    peer: SocketAddr,
    acceptor: tokio_rustls::TlsAcceptor,
    shared: Arc<Shared>,
) {
    match acceptor.accept(tcp).await {
        Ok(tls) => {
            let _counted = Counted::new(shared.clone());
            session::serve(tls, shared, format!("{peer} (tls)")).await;
        }
        // A client refusing our certificate ends here: that is the pinning working.
        Err(e) => tracing::info!(%peer, error = %e, "TLS handshake failed"),
    }
}

/// A self-signed certificate like the one a router makes for itself, and its fingerprint.
fn tls_acceptor(identity: &str) -> Result<(tokio_rustls::TlsAcceptor, Fingerprint), StartError> {
    let certified = rcgen::generate_simple_self_signed(vec![
        identity.to_owned(),
        "localhost".to_owned(),
        "127.0.0.1".to_owned(),
    ])
    .map_err(|e| StartError::Certificate(e.to_string()))?;
    let der: CertificateDer<'static> = certified.cert.der().clone();
    let fingerprint = Fingerprint::of_certificate(der.as_ref());
    let key = PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(
        certified.signing_key.serialize_der(),
    ));
    let config = rustls::ServerConfig::builder_with_provider(crate::tls::provider())
        .with_safe_default_protocol_versions()
        .map_err(|e| StartError::Certificate(e.to_string()))?
        .with_no_client_auth()
        .with_single_cert(vec![der], key)
        .map_err(|e| StartError::Certificate(e.to_string()))?;
    Ok((
        tokio_rustls::TlsAcceptor::from(Arc::new(config)),
        fingerprint,
    ))
}
