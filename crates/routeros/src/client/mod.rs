//! The async client: connect (plain or pinned TLS), log in, then run any number of commands
//! at once over the one connection.

mod login;
mod mux;
mod stream;

use std::fmt;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use tokio::io::{AsyncRead, AsyncWrite, BufReader};
use tokio::net::TcpStream;
use tokio::sync::mpsc;
use tokio::task::JoinHandle;

pub use login::challenge_response;
pub use stream::{ReplyStream, TypedStream};

use crate::codec;
use crate::error::{Error, Result};
use crate::sentence::{Command, ReplyKind, Row};
use crate::tls::{Fingerprint, PinningVerifier};
use mux::{Event, RouteTable};

/// The API port, plain.
pub const API_PORT: u16 = 8728;
/// The api-ssl port.
pub const API_SSL_PORT: u16 = 8729;

/// How to reach a router and log in.
#[derive(Clone)]
pub struct ConnectOptions {
    host: String,
    port: Option<u16>,
    username: String,
    password: String,
    security: Security,
    connect_timeout: Duration,
    command_timeout: Duration,
}

/// Plain TCP, or TLS with the router's certificate pinned.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Security {
    Plain,
    /// `pinned: None` on first contact: the connection is refused with
    /// [`Error::CertificateUnknown`] carrying the fingerprint for the user to confirm.
    Tls {
        pinned: Option<Fingerprint>,
    },
}

impl ConnectOptions {
    /// Plain API on port 8728 unless [`port`](Self::port) says otherwise.
    pub fn new(
        host: impl Into<String>,
        username: impl Into<String>,
        password: impl Into<String>,
    ) -> Self {
        ConnectOptions {
            host: host.into(),
            port: None,
            username: username.into(),
            password: password.into(),
            security: Security::Plain,
            connect_timeout: Duration::from_secs(10),
            command_timeout: Duration::from_secs(30),
        }
    }

    /// api-ssl (port 8729 by default) accepting only the certificate with this fingerprint,
    /// or, with `None`, learning the fingerprint through [`Error::CertificateUnknown`].
    pub fn tls(mut self, pinned: Option<Fingerprint>) -> Self {
        self.security = Security::Tls { pinned };
        self
    }

    pub fn port(mut self, port: u16) -> Self {
        self.port = Some(port);
        self
    }

    /// Covers TCP connect, TLS handshake and login together.
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.connect_timeout = timeout;
        self
    }

    /// How long any one command may wait for its `!done`.
    pub fn command_timeout(mut self, timeout: Duration) -> Self {
        self.command_timeout = timeout;
        self
    }

    fn effective_port(&self) -> u16 {
        self.port.unwrap_or(match self.security {
            Security::Plain => API_PORT,
            Security::Tls { .. } => API_SSL_PORT,
        })
    }

    fn address(&self) -> String {
        if self.host.contains(':') {
            format!("[{}]:{}", self.host, self.effective_port())
        } else {
            format!("{}:{}", self.host, self.effective_port())
        }
    }
}

impl fmt::Debug for ConnectOptions {
    // The password never reaches a log.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ConnectOptions")
            .field("address", &self.address())
            .field("username", &self.username)
            .field("security", &self.security)
            .field("connect_timeout", &self.connect_timeout)
            .field("command_timeout", &self.command_timeout)
            .finish_non_exhaustive()
    }
}

/// What a finished command returned: its `!re` rows and the attributes of its `!done` (where
/// `add` puts the new `=ret=` ID).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Response {
    pub rows: Vec<Row>,
    pub done: Row,
}

/// A logged-in connection to one router. Cheap to clone; clones share the connection, and it
/// closes when the last clone and the last stream are dropped.
#[derive(Clone)]
pub struct Client {
    shared: Arc<Shared>,
}

struct Shared {
    outbox: mpsc::UnboundedSender<Vec<u8>>,
    routes: Arc<RouteTable>,
    next_tag: AtomicU64,
    command_timeout: Duration,
    reader: JoinHandle<()>,
}

impl Drop for Shared {
    fn drop(&mut self) {
        // The writer ends by itself once the outbox closes; the reader could wait forever on a
        // silent router.
        self.reader.abort();
    }
}

impl fmt::Debug for Client {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Client")
            .field("command_timeout", &self.shared.command_timeout)
            .field("ended", &self.shared.routes.ending())
            .finish_non_exhaustive()
    }
}

impl Client {
    /// Connects and logs in, all within the connect timeout.
    pub async fn connect(options: &ConnectOptions) -> Result<Client> {
        let address = options.address();
        tokio::time::timeout(
            options.connect_timeout,
            Self::connect_untimed(options, &address),
        )
        .await
        .map_err(|_| Error::Timeout {
            waiting_for: format!("a connection to {address}"),
            after: options.connect_timeout,
        })?
    }

    async fn connect_untimed(options: &ConnectOptions, address: &str) -> Result<Client> {
        let tcp = TcpStream::connect((options.host.as_str(), options.effective_port()))
            .await
            .map_err(|source| Error::Unreachable {
                address: address.to_owned(),
                source,
            })?;
        // Sentences are small and latency-bound; the writer task does its own batching.
        _ = tcp.set_nodelay(true);
        match options.security {
            Security::Plain => Self::start(tcp, options).await,
            Security::Tls { pinned } => {
                let tls = tls_connect(tcp, &options.host, pinned).await?;
                Self::start(tls, options).await
            }
        }
    }

    async fn start<S>(stream: S, options: &ConnectOptions) -> Result<Client>
    where
        S: AsyncRead + AsyncWrite + Send + 'static,
    {
        let (reader, mut writer) = tokio::io::split(stream);
        let mut reader = BufReader::new(reader);
        login::login(
            &mut reader,
            &mut writer,
            &options.username,
            &options.password,
        )
        .await?;

        let routes = Arc::new(RouteTable::default());
        let (outbox, outbox_rx) = mpsc::unbounded_channel();
        tokio::spawn(mux::write_loop(writer, outbox_rx, routes.clone()));
        let reader = tokio::spawn(mux::read_loop(reader, routes.clone()));
        Ok(Client {
            shared: Arc::new(Shared {
                outbox,
                routes,
                next_tag: AtomicU64::new(1),
                command_timeout: options.command_timeout,
                reader,
            }),
        })
    }

    /// Runs a command to its `!done`. A `!trap` becomes [`Error::Trap`]; `!empty` means no
    /// rows.
    pub async fn command(&self, command: &Command) -> Result<Response> {
        let (tag, mut events) = self.send(command)?;
        let _route = RouteGuard {
            routes: &self.shared.routes,
            tag: &tag,
        };
        let collect = async {
            let mut response = Response::default();
            let mut trap = None;
            loop {
                let reply = match events.recv().await {
                    Some(Event::Reply(reply)) => reply,
                    Some(Event::Ended(ending)) => return Err(ending.to_error()),
                    None => return Err(self.lost()),
                };
                match reply.kind {
                    ReplyKind::Re => response.rows.push(reply.attributes),
                    ReplyKind::Done => {
                        response.done = reply.attributes;
                        return match trap {
                            Some(e) => Err(e),
                            None => Ok(response),
                        };
                    }
                    ReplyKind::Trap => {
                        trap.get_or_insert(Error::Trap {
                            command: command.path().to_owned(),
                            category: reply.trap_category(),
                            message: reply.trap_message(),
                        });
                    }
                    ReplyKind::Empty => {}
                    ReplyKind::Unknown(word) => tracing::debug!(word, "ignoring an unknown reply"),
                    // The reader ends the connection on `!fatal` rather than routing it.
                    ReplyKind::Fatal => {
                        return Err(Error::Fatal {
                            reason: reply.fatal_reason(),
                        });
                    }
                }
            }
        };
        match tokio::time::timeout(self.shared.command_timeout, collect).await {
            Ok(result) => result,
            Err(_) => {
                // Whatever the router is doing with it, stop it; its replies are dropped.
                self.cancel_quietly(&tag);
                Err(Error::Timeout {
                    waiting_for: command.path().to_owned(),
                    after: self.shared.command_timeout,
                })
            }
        }
    }

    /// Starts a command that streams (`listen`, `monitor-traffic`, …). Dropping the stream
    /// cancels the command on the router.
    pub fn stream(&self, command: &Command) -> Result<ReplyStream> {
        let (tag, events) = self.send(command)?;
        Ok(ReplyStream::new(
            self.clone(),
            command.path().to_owned(),
            tag,
            events,
        ))
    }

    /// Whether the connection has ended (the router closed it, it broke, or `!fatal`).
    pub fn is_closed(&self) -> bool {
        self.shared.routes.ending().is_some()
    }

    pub(crate) fn command_timeout(&self) -> Duration {
        self.shared.command_timeout
    }

    fn send(&self, command: &Command) -> Result<(String, mpsc::UnboundedReceiver<Event>)> {
        let tag = self
            .shared
            .next_tag
            .fetch_add(1, Ordering::Relaxed)
            .to_string();
        let events = self.shared.routes.open(&tag)?;
        self.enqueue(command.words(), &tag)?;
        Ok((tag, events))
    }

    fn enqueue(&self, words: &[String], tag: &str) -> Result<()> {
        let mut sentence = Vec::with_capacity(words.len() + 1);
        sentence.extend(words.iter().map(String::as_bytes));
        let tag_word = format!(".tag={tag}");
        sentence.push(tag_word.as_bytes());
        self.shared
            .outbox
            .send(codec::encode_sentence(&sentence))
            .map_err(|_| self.lost())
    }

    /// Sends `/cancel` for `tag` without waiting: used where we cannot await (drop) or have
    /// stopped caring (timeout). Its own `!done` finds no route and is dropped.
    pub(crate) fn cancel_quietly(&self, tag: &str) {
        self.shared.routes.close(tag);
        let cancel_tag = self
            .shared
            .next_tag
            .fetch_add(1, Ordering::Relaxed)
            .to_string();
        _ = self.enqueue(&["/cancel".to_owned(), format!("=tag={tag}")], &cancel_tag);
    }

    fn lost(&self) -> Error {
        self.shared
            .routes
            .ending()
            .map(|e| e.to_error())
            .unwrap_or_else(|| Error::ConnectionLost {
                reason: "the connection closed".into(),
            })
    }
}

/// Forgets a command's route however its future ends, so an abandoned command leaks nothing.
struct RouteGuard<'a> {
    routes: &'a RouteTable,
    tag: &'a str,
}

impl Drop for RouteGuard<'_> {
    fn drop(&mut self) {
        self.routes.close(self.tag);
    }
}

async fn tls_connect(
    tcp: TcpStream,
    host: &str,
    pinned: Option<Fingerprint>,
) -> Result<tokio_rustls::client::TlsStream<TcpStream>> {
    let provider = crate::tls::provider();
    let verifier = Arc::new(PinningVerifier::new(pinned, provider.clone()));
    let config = rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|e| Error::Tls {
            detail: e.to_string(),
        })?
        .dangerous()
        .with_custom_certificate_verifier(verifier.clone())
        .with_no_client_auth();
    // The name only feeds SNI; the certificate is checked by fingerprint, not by name.
    let server_name =
        rustls::pki_types::ServerName::try_from(host.to_owned()).unwrap_or_else(|_| {
            rustls::pki_types::ServerName::try_from("router.invalid").expect("a valid DNS name")
        });
    let connector = tokio_rustls::TlsConnector::from(Arc::new(config));
    connector
        .connect(server_name, tcp)
        .await
        .map_err(|e| match (pinned, verifier.seen()) {
            (None, Some(fingerprint)) => Error::CertificateUnknown { fingerprint },
            (Some(expected), Some(actual)) if expected != actual => {
                Error::CertificateMismatch { expected, actual }
            }
            _ => Error::Tls {
                detail: e.to_string(),
            },
        })
}
