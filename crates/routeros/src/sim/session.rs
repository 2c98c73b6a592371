//! One API connection to the simulator: login, then commands dispatched by menu and verb,
//! streaming commands as tasks keyed by `.tag`, and `/cancel`.

use std::collections::HashMap;
use std::sync::atomic::Ordering;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant};

use tokio::io::{AsyncRead, AsyncWrite, AsyncWriteExt, BufReader};
use tokio::sync::{broadcast, mpsc, watch};
use tokio::task::AbortHandle;

use super::router::{Outcome, Router, Trap, Words, select};
use super::schema::{self, MenuSpec, Shape};
use super::{Fault, RouterVersion, Shared};
use crate::client::challenge_response;
use crate::codec;
use crate::sentence::parse_attribute;

/// Streaming commands running on this connection, by tag. A task may send only while its
/// entry is here, and sends holding the lock, so after `/cancel` removes the entry not one more
/// `!re` can follow the `interrupted` trap.
type Running = Arc<Mutex<HashMap<String, AbortHandle>>>;

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

fn sentence(reply: &str, attrs: &[(String, String)], tag: Option<&str>) -> Vec<u8> {
    let mut words = Vec::with_capacity(attrs.len() + 2);
    words.push(reply.to_owned());
    words.extend(attrs.iter().map(|(k, v)| format!("={k}={v}")));
    if let Some(tag) = tag {
        words.push(format!(".tag={tag}"));
    }
    codec::encode_sentence(&words)
}

fn trap_words(trap: &Trap) -> Words {
    let mut attrs = Vec::new();
    if let Some(category) = trap.category {
        attrs.push(("category".to_owned(), category.to_string()));
    }
    attrs.push(("message".to_owned(), trap.message.clone()));
    attrs
}

/// A parsed command sentence.
struct Request {
    command: String,
    args: Vec<(String, String)>,
    queries: Vec<String>,
    tag: Option<String>,
}

impl Request {
    fn parse(words: &[Vec<u8>]) -> Request {
        let mut words = words
            .iter()
            .map(|w| String::from_utf8_lossy(w).into_owned());
        let mut request = Request {
            command: words.next().unwrap_or_default(),
            args: Vec::new(),
            queries: Vec::new(),
            tag: None,
        };
        for word in words {
            if let Some((name, value)) = parse_attribute(&word) {
                request.args.push((name.to_owned(), value.to_owned()));
            } else if word.starts_with('?') {
                request.queries.push(word);
            } else if let Some(tag) = word.strip_prefix(".tag=") {
                request.tag = Some(tag.to_owned());
            }
            // Other API attributes are not defined; RouterOS ignores them.
        }
        request
    }

    fn arg(&self, name: &str) -> Option<&str> {
        self.args
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }
}

struct Connection {
    shared: Arc<Shared>,
    peer: String,
    out: mpsc::UnboundedSender<Vec<u8>>,
    user: Option<String>,
    challenge: Option<String>,
    running: Running,
}

/// Serves one connection until the client leaves, `/quit`s, or a fault drops it.
pub(crate) async fn serve<S>(stream: S, shared: Arc<Shared>, peer: String)
where
    S: AsyncRead + AsyncWrite + Send + 'static,
{
    let (reader, writer) = tokio::io::split(stream);
    let mut reader = BufReader::new(reader);
    let (out, out_rx) = mpsc::unbounded_channel();
    let writer = tokio::spawn(write_loop(writer, out_rx));
    let mut dropped = shared.drop_generation.subscribe();
    let mut fault = shared.fault.subscribe();
    let mut conn = Connection {
        shared: shared.clone(),
        peer,
        out,
        user: None,
        challenge: None,
        running: Running::default(),
    };
    tracing::info!(peer = conn.peer, "connection opened");
    let mut abrupt = false;
    loop {
        let words = tokio::select! {
            _ = dropped.changed() => { abrupt = true; break; }
            read = codec::read_sentence(&mut reader) => match read {
                Ok(words) => words,
                Err(codec::ReadError::Closed) => break,
                Err(e) => {
                    tracing::info!(peer = conn.peer, error = %e, "connection unreadable");
                    break;
                }
            },
        };
        if *fault.borrow() == Fault::Stall {
            tracing::info!(peer = conn.peer, "stalled: holding a command");
            tokio::select! {
                _ = dropped.changed() => { abrupt = true; break; }
                _ = fault.wait_for(|f| *f != Fault::Stall) => {}
            }
        }
        if *fault.borrow() == Fault::DropOnCommand {
            tracing::info!(peer = conn.peer, "dropping the connection on a command");
            abrupt = true;
            break;
        }
        if !conn.handle(Request::parse(&words)) {
            break;
        }
    }
    for (_, task) in lock(&conn.running).drain() {
        task.abort();
        shared.streams.fetch_sub(1, Ordering::SeqCst);
    }
    tracing::info!(peer = conn.peer, "connection closed");
    drop(conn);
    if abrupt {
        writer.abort();
    } else {
        _ = writer.await;
    }
}

async fn write_loop<W: AsyncWrite + Unpin>(
    mut writer: W,
    mut out: mpsc::UnboundedReceiver<Vec<u8>>,
) {
    let mut batch = Vec::new();
    while let Some(first) = out.recv().await {
        batch.clear();
        batch.extend_from_slice(&first);
        while let Ok(more) = out.try_recv() {
            batch.extend_from_slice(&more);
        }
        if writer.write_all(&batch).await.is_err() || writer.flush().await.is_err() {
            return;
        }
    }
    _ = writer.shutdown().await;
}

impl Connection {
    fn send(&self, reply: &str, attrs: &[(String, String)], tag: Option<&str>) {
        _ = self.out.send(sentence(reply, attrs, tag));
    }

    fn trap(&self, trap: &Trap, tag: Option<&str>) {
        self.send("!trap", &trap_words(trap), tag);
        self.send("!done", &[], tag);
    }

    fn router(&self) -> MutexGuard<'_, Router> {
        lock(&self.shared.router)
    }

    /// Handles one sentence; `false` closes the connection.
    fn handle(&mut self, request: Request) -> bool {
        let tag = request.tag.as_deref();
        match request.command.as_str() {
            "/login" => {
                self.login(&request);
                return true;
            }
            "/quit" => {
                tracing::info!(peer = self.peer, "quit");
                _ = self.out.send(codec::encode_sentence(&[
                    "!fatal",
                    "session terminated on request",
                ]));
                return false;
            }
            _ => {}
        }
        if self.user.is_none() {
            self.trap(&Trap::new(None, "not logged in"), tag);
            return true;
        }
        tracing::info!(peer = self.peer, command = request.command, tag, "command");
        if request.command == "/cancel" {
            self.cancel(&request);
            return true;
        }
        let Some((path, verb)) = request.command.rsplit_once('/') else {
            self.trap(&Trap::new(Some(0), "no such command"), tag);
            return true;
        };
        let Some(spec) = schema::menu(path) else {
            self.trap(&Trap::new(Some(0), "no such command prefix"), tag);
            return true;
        };
        self.router().tick();
        let verbs = spec.verbs();
        let is_list = matches!(spec.shape, Shape::List(_));
        let result = match verb {
            "print" | "getall"
                if request.arg("follow").is_some() || request.arg("follow-only").is_some() =>
            {
                self.listen(spec, &request);
                return true;
            }
            "listen" if spec.shape != Shape::Computed => {
                self.listen(spec, &request);
                return true;
            }
            "monitor-traffic" if spec.path == "/interface" => {
                self.monitor_traffic(&request);
                return true;
            }
            "print" | "getall" => self.router().print(spec, &request.args, &request.queries),
            "add" if verbs.add => self.router().add(spec, &request.args),
            "set" if verbs.set => self.router().set(spec, &request.args),
            "remove" if verbs.remove => self.router().remove(spec, &request.args),
            "enable" if verbs.toggle => self.router().toggle(spec, &request.args, false),
            "disable" if verbs.toggle => self.router().toggle(spec, &request.args, true),
            _ => Err(Trap::new(Some(0), "no such command")),
        };
        match result {
            Ok(Outcome { rows, done }) => {
                for row in &rows {
                    self.send("!re", row, tag);
                }
                // RouterOS 7.18 announces an empty result; older versions just finish.
                if rows.is_empty()
                    && done.is_empty()
                    && matches!(verb, "print" | "getall")
                    && is_list
                    && self.router().version() == RouterVersion::V7
                {
                    self.send("!empty", &[], tag);
                }
                self.send("!done", &done, tag);
            }
            Err(trap) => {
                tracing::info!(peer = self.peer, message = trap.message, "refused");
                self.trap(&trap, tag);
            }
        }
        true
    }

    fn login(&mut self, request: &Request) {
        let tag = request.tag.as_deref();
        let name = request.arg("name");
        let password_of = |name: &str| {
            self.shared
                .config
                .users
                .iter()
                .find(|(n, _)| n == name)
                .map(|(_, p)| p.clone())
        };
        let version = self.router().version();
        let accepted = match (version, name, request.arg("response")) {
            (RouterVersion::V7, Some(name), _) => {
                password_of(name).is_some_and(|p| Some(p.as_str()) == request.arg("password"))
            }
            (RouterVersion::V7, None, _) => false,
            (RouterVersion::V6, Some(name), Some(response)) => {
                let challenge = self.challenge.take();
                match (challenge, password_of(name)) {
                    (Some(challenge), Some(password)) => {
                        challenge_response(&challenge, &password).is_ok_and(|r| r == response)
                    }
                    _ => false,
                }
            }
            // Before 6.43 any other /login, with or without a password, asks for a challenge.
            (RouterVersion::V6, _, _) => {
                let challenge = random_hex(16);
                self.challenge = Some(challenge.clone());
                self.send("!done", &[("ret".into(), challenge)], tag);
                return;
            }
        };
        if accepted {
            tracing::info!(peer = self.peer, user = name, "logged in");
            self.user = name.map(str::to_owned);
            self.send("!done", &[], tag);
        } else {
            tracing::info!(peer = self.peer, user = name, "login refused");
            let message = match version {
                RouterVersion::V6 => "cannot log in",
                RouterVersion::V7 => "invalid user name or password (6)",
            };
            self.trap(&Trap::new(None, message), tag);
        }
    }

    fn cancel(&mut self, request: &Request) {
        let tag = request.tag.as_deref();
        let mut cancelled = Vec::new();
        {
            let mut running = lock(&self.running);
            let targets: Vec<String> = match request.arg("tag") {
                Some(t) => vec![t.to_owned()],
                None => running.keys().cloned().collect(),
            };
            for target in targets {
                if let Some(task) = running.remove(&target) {
                    task.abort();
                    self.shared.streams.fetch_sub(1, Ordering::SeqCst);
                    let interrupted = Trap::new(Some(2), "interrupted");
                    self.send("!trap", &trap_words(&interrupted), Some(&target));
                    cancelled.push(target);
                }
            }
        }
        self.send("!done", &[], tag);
        for target in cancelled {
            self.send("!done", &[], Some(&target));
        }
    }

    /// Starts a streaming command as a task registered under its tag.
    fn spawn_stream<F, Fut>(&self, tag: Option<&str>, body: F)
    where
        F: FnOnce(Emitter) -> Fut,
        Fut: Future<Output = Result<(), Trap>> + Send + 'static,
    {
        let key = tag.unwrap_or_default().to_owned();
        let emitter = Emitter {
            out: self.out.clone(),
            running: self.running.clone(),
            key: key.clone(),
            tag: tag.map(str::to_owned),
            fault: self.shared.fault.subscribe(),
            shared: self.shared.clone(),
        };
        // Held while spawning, so a task that ends at once still finds itself registered.
        let mut running = lock(&self.running);
        let work = body(emitter.clone());
        let task = tokio::spawn(async move {
            let end = work.await;
            emitter.finish(end);
        });
        if let Some(replaced) = running.insert(key, task.abort_handle()) {
            // A client reusing a running tag: the old command can no longer be addressed.
            replaced.abort();
        } else {
            self.shared.streams.fetch_add(1, Ordering::SeqCst);
        }
    }

    fn listen(&self, spec: &'static MenuSpec, request: &Request) {
        let tag = request.tag.as_deref();
        let mut proplist = None;
        for (name, value) in &request.args {
            match name.as_str() {
                ".proplist" => proplist = Some(value.clone()),
                "follow" | "follow-only" | "detail" | "without-paging" => {}
                other => {
                    return self.trap(
                        &Trap::new(Some(1), format!("unknown parameter {other}")),
                        tag,
                    );
                }
            }
        }
        let (mut changes, initial) = {
            let router = self.router();
            let initial = if request.arg("follow").is_some() {
                router.rows(spec)
            } else {
                Vec::new()
            };
            (router.subscribe(), initial)
        };
        self.spawn_stream(tag, move |emitter: Emitter| async move {
            for row in initial {
                if !emitter.emit(select(row, proplist.as_deref())).await {
                    return Ok(());
                }
            }
            loop {
                match changes.recv().await {
                    Ok(change) if change.path == spec.path => {
                        if !emitter.emit(select(change.row, proplist.as_deref())).await {
                            return Ok(());
                        }
                    }
                    Ok(_) | Err(broadcast::error::RecvError::Lagged(_)) => {}
                    Err(broadcast::error::RecvError::Closed) => return Ok(()),
                }
            }
        });
    }

    fn monitor_traffic(&self, request: &Request) {
        let tag = request.tag.as_deref();
        let mut names = Vec::new();
        let mut interval = self.shared.config.monitor_interval;
        let mut duration = None;
        let mut proplist = None;
        for (name, value) in &request.args {
            let parsed = match name.as_str() {
                "interface" => {
                    names = value.split(',').map(str::to_owned).collect();
                    Some(())
                }
                "once" => Some(()),
                "interval" => crate::value::parse_duration(value).map(|d| interval = d),
                "duration" => crate::value::parse_duration(value).map(|d| duration = Some(d)),
                ".proplist" => {
                    proplist = Some(value.clone());
                    Some(())
                }
                other => {
                    return self.trap(
                        &Trap::new(Some(1), format!("unknown parameter {other}")),
                        tag,
                    );
                }
            };
            if parsed.is_none() {
                return self.trap(
                    &Trap::new(Some(1), format!("invalid value for argument {name}")),
                    tag,
                );
            }
        }
        if names.is_empty() {
            return self.trap(
                &Trap::new(Some(1), "missing value(s) of argument(s) interface"),
                tag,
            );
        }
        let first = self.router().traffic_sample(&names);
        let first = match first {
            Ok(rows) => rows,
            Err(trap) => return self.trap(&trap, tag),
        };
        if request.arg("once").is_some() {
            for row in first {
                self.send("!re", &select(row, proplist.as_deref()), tag);
            }
            self.send("!done", &[], tag);
            return;
        }
        let shared = self.shared.clone();
        let interval = interval.max(Duration::from_millis(10));
        self.spawn_stream(tag, move |emitter: Emitter| async move {
            let started = Instant::now();
            let mut rows = first;
            loop {
                for row in rows {
                    if !emitter.emit(select(row, proplist.as_deref())).await {
                        return Ok(());
                    }
                }
                tokio::time::sleep(interval).await;
                if duration.is_some_and(|d| started.elapsed() >= d) {
                    return Ok(());
                }
                rows = {
                    let mut router = lock(&shared.router);
                    router.tick();
                    router.traffic_sample(&names)?
                };
            }
        });
    }
}

/// How a streaming task sends: only while it is still registered, never while stalled.
#[derive(Clone)]
struct Emitter {
    out: mpsc::UnboundedSender<Vec<u8>>,
    running: Running,
    key: String,
    tag: Option<String>,
    fault: watch::Receiver<Fault>,
    shared: Arc<Shared>,
}

impl Emitter {
    /// Sends a row; `false` when the command was cancelled and the task should stop.
    async fn emit(&self, row: Words) -> bool {
        let mut fault = self.fault.clone();
        if fault.wait_for(|f| *f != Fault::Stall).await.is_err() {
            return false;
        }
        let running = lock(&self.running);
        if !running.contains_key(&self.key) {
            return false;
        }
        self.out
            .send(sentence("!re", &row, self.tag.as_deref()))
            .is_ok()
    }

    /// Ends the command by itself, unless `/cancel` got there first.
    fn finish(&self, end: Result<(), Trap>) {
        let mut running = lock(&self.running);
        if running.remove(&self.key).is_none() {
            return;
        }
        self.shared.streams.fetch_sub(1, Ordering::SeqCst);
        if let Err(trap) = end {
            _ = self
                .out
                .send(sentence("!trap", &trap_words(&trap), self.tag.as_deref()));
        }
        _ = self.out.send(sentence("!done", &[], self.tag.as_deref()));
    }
}

fn random_hex(bytes: usize) -> String {
    use ring::rand::SecureRandom;
    let mut buf = vec![0u8; bytes];
    ring::rand::SystemRandom::new()
        .fill(&mut buf)
        .expect("the system random source works");
    buf.iter().map(|b| format!("{b:02x}")).collect()
}
