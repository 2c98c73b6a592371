//! What both servers share: finding the installed programs, picking free ports, running a
//! daemon as a child with its output in a log file, waiting for its "ready" line, and
//! stopping exactly the process the harness started.

use std::fs::{File, OpenOptions};
use std::io::{Read, Seek, SeekFrom};
use std::net::{Ipv4Addr, TcpListener, UdpSocket};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use rustix::process::{Pid, Signal, kill_process};

use crate::error::{Error, Result};

/// How long a server may take to say it is ready.
pub(crate) const READY_TIMEOUT: Duration = Duration::from_secs(10);
/// How long a server may take to exit after SIGTERM/SIGINT before it is killed.
const STOP_GRACE: Duration = Duration::from_secs(5);
/// Lines of the log quoted in start-up errors.
const LOG_TAIL_LINES: usize = 40;

/// Set to keep the temporary directories (configuration, logs, data) after the test.
pub const KEEP_ENV: &str = "FREERADIUS_HARNESS_KEEP";

/// A file the harness needs, and the Debian package that installs it.
pub(crate) struct Requirement {
    pub path: PathBuf,
    pub package: &'static str,
}

impl Requirement {
    pub fn new(path: impl Into<PathBuf>, package: &'static str) -> Self {
        Requirement {
            path: path.into(),
            package,
        }
    }
}

/// Fails with every missing file and the packages to install, not just the first.
pub(crate) fn require(requirements: &[Requirement]) -> Result<()> {
    let mut missing = Vec::new();
    let mut packages = Vec::new();
    for r in requirements.iter().filter(|r| !r.path.exists()) {
        missing.push(r.path.display().to_string());
        if !packages.contains(&r.package) {
            packages.push(r.package);
        }
    }
    if missing.is_empty() {
        Ok(())
    } else {
        Err(Error::MissingPackages { missing, packages })
    }
}

/// A fresh temporary directory, removed on drop unless [`KEEP_ENV`] is set.
pub(crate) fn temp_dir(prefix: &str) -> Result<tempfile::TempDir> {
    let mut dir = tempfile::Builder::new()
        .prefix(prefix)
        .tempdir()
        .map_err(Error::io("create a temporary directory"))?;
    if std::env::var_os(KEEP_ENV).is_some_and(|v| !v.is_empty()) {
        dir.disable_cleanup(true);
        eprintln!("{KEEP_ENV}: keeping {}", dir.path().display());
    }
    Ok(dir)
}

/// Ports below Linux's ephemeral range (32768–60999), so the kernel does not hand them to
/// radclient or PostgreSQL clients between our check and the server's bind.
const PORT_RANGE: std::ops::Range<u32> = 20_000..32_000;

/// A port on 127.0.0.1 that is free for UDP (`udp`) or TCP right now. Instances in one
/// process never get the same port; other processes are caught by the bind check, and a
/// server that loses the race anyway is restarted on new ports by the caller.
pub(crate) fn free_port(udp: bool) -> Result<u16> {
    static NEXT: AtomicU32 = AtomicU32::new(0);
    let _ = NEXT.compare_exchange(
        0,
        seed() % (PORT_RANGE.end - PORT_RANGE.start) + 1,
        Ordering::Relaxed,
        Ordering::Relaxed,
    );
    let span = PORT_RANGE.end - PORT_RANGE.start;
    for _ in 0..span {
        let n = NEXT.fetch_add(1, Ordering::Relaxed);
        let port = u16::try_from(PORT_RANGE.start + n % span).unwrap_or(u16::MAX);
        let free = if udp {
            UdpSocket::bind((Ipv4Addr::LOCALHOST, port)).is_ok()
        } else {
            TcpListener::bind((Ipv4Addr::LOCALHOST, port)).is_ok()
        };
        if free {
            return Ok(port);
        }
    }
    Err(Error::Io {
        action: "find a free port on 127.0.0.1".into(),
        source: std::io::Error::from(std::io::ErrorKind::AddrInUse),
    })
}

fn seed() -> u32 {
    let nanos = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.subsec_nanos());
    std::process::id().wrapping_mul(7919) ^ nanos
}

/// Why a daemon did not become ready.
pub(crate) enum NotReady {
    /// Its log says the port was taken: try again on another.
    PortTaken,
    Failed(Error),
}

/// A server process the harness started, with its output in `log`.
pub(crate) struct Daemon {
    program: &'static str,
    child: Child,
    log: PathBuf,
    /// Where this run's output starts in the log (the log keeps earlier runs).
    log_from: u64,
}

impl Daemon {
    /// Starts `command` with stdout and stderr appended to `log` and waits until the log
    /// shows `ready`. A log line containing one of `port_taken` means another process got
    /// the port first.
    pub fn start(
        program: &'static str,
        mut command: Command,
        log: &Path,
        ready: &str,
        port_taken: &[&str],
    ) -> Result<Daemon, NotReady> {
        let out = OpenOptions::new()
            .create(true)
            .append(true)
            .open(log)
            .map_err(|e| NotReady::Failed(Error::io(format!("open {}", log.display()))(e)))?;
        let log_from = out.metadata().map(|m| m.len()).unwrap_or(0);
        let err = out
            .try_clone()
            .map_err(|e| NotReady::Failed(Error::io("duplicate the log file")(e)))?;
        let child = command
            .stdin(Stdio::null())
            .stdout(out)
            .stderr(err)
            .spawn()
            .map_err(|e| NotReady::Failed(Error::io(format!("start {program}"))(e)))?;
        let mut daemon = Daemon {
            program,
            child,
            log: log.to_owned(),
            log_from,
        };
        let started = Instant::now();
        loop {
            let output = daemon.output();
            if output.contains(ready) {
                return Ok(daemon);
            }
            let exited = daemon.child.try_wait().ok().flatten();
            if let Some(status) = exited {
                if port_taken.iter().any(|p| output.contains(p)) {
                    return Err(NotReady::PortTaken);
                }
                return Err(NotReady::Failed(Error::StartFailed {
                    program,
                    status: status.to_string(),
                    log: daemon.log.clone(),
                    log_tail: tail(&output),
                }));
            }
            if started.elapsed() > READY_TIMEOUT {
                daemon.stop();
                return Err(NotReady::Failed(Error::StartTimeout {
                    program,
                    after: READY_TIMEOUT,
                    log: daemon.log.clone(),
                    log_tail: tail(&daemon.output()),
                }));
            }
            std::thread::sleep(Duration::from_millis(10));
        }
    }

    /// This run's output so far.
    pub fn output(&self) -> String {
        read_from(&self.log, self.log_from)
    }

    /// Asks the process to stop with `signal`, then kills it if it lingers. Signals only the
    /// PID this harness spawned.
    pub fn stop_with(&mut self, signal: Signal) {
        if matches!(self.child.try_wait(), Ok(Some(_))) {
            return;
        }
        let pid = i32::try_from(self.child.id()).ok().and_then(Pid::from_raw);
        if let Some(pid) = pid {
            let _ = kill_process(pid, signal);
            let asked = Instant::now();
            while asked.elapsed() < STOP_GRACE {
                if matches!(self.child.try_wait(), Ok(Some(_))) {
                    return;
                }
                std::thread::sleep(Duration::from_millis(5));
            }
            eprintln!(
                "{} (pid {}) ignored {signal:?} for {STOP_GRACE:?}; killing it",
                self.program,
                self.child.id()
            );
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
    }

    pub fn stop(&mut self) {
        self.stop_with(Signal::TERM);
    }

    pub fn id(&self) -> u32 {
        self.child.id()
    }
}

impl Drop for Daemon {
    fn drop(&mut self) {
        self.stop();
    }
}

pub(crate) fn read_from(path: &Path, offset: u64) -> String {
    let mut text = String::new();
    if let Ok(mut f) = File::open(path)
        && f.seek(SeekFrom::Start(offset)).is_ok()
    {
        let mut bytes = Vec::new();
        let _ = f.read_to_end(&mut bytes);
        text = String::from_utf8_lossy(&bytes).into_owned();
    }
    text
}

pub(crate) fn tail(text: &str) -> String {
    let lines: Vec<&str> = text.lines().collect();
    lines[lines.len().saturating_sub(LOG_TAIL_LINES)..].join("\n")
}

/// Copies a directory tree, keeping symbolic links as links (Debian's `mods-enabled` and
/// `sites-enabled` are relative links) and replacing files that already exist.
pub(crate) fn copy_tree(from: &Path, to: &Path) -> Result<()> {
    std::fs::create_dir_all(to).map_err(Error::io(format!("create {}", to.display())))?;
    let entries = std::fs::read_dir(from).map_err(Error::io(format!("read {}", from.display())))?;
    for entry in entries {
        let entry = entry.map_err(Error::io(format!("read {}", from.display())))?;
        let src = entry.path();
        let dst = to.join(entry.file_name());
        let kind = entry
            .file_type()
            .map_err(Error::io(format!("inspect {}", src.display())))?;
        if kind.is_dir() {
            copy_tree(&src, &dst)?;
            continue;
        }
        if dst.symlink_metadata().is_ok() && !dst.is_dir() {
            std::fs::remove_file(&dst).map_err(Error::io(format!("replace {}", dst.display())))?;
        }
        if kind.is_symlink() {
            let target =
                std::fs::read_link(&src).map_err(Error::io(format!("read {}", src.display())))?;
            std::os::unix::fs::symlink(&target, &dst)
                .map_err(Error::io(format!("link {}", dst.display())))?;
        } else {
            std::fs::copy(&src, &dst).map_err(Error::io(format!(
                "copy {} to {}",
                src.display(),
                dst.display()
            )))?;
        }
    }
    Ok(())
}

/// Runs a short command to completion, failing with its output unless it succeeds.
pub(crate) fn run(program: &str, command: &mut Command) -> Result<String> {
    let output = command
        .stdin(Stdio::null())
        .output()
        .map_err(Error::io(format!("run {program}")))?;
    let stdout = String::from_utf8_lossy(&output.stdout).into_owned();
    if output.status.success() {
        Ok(stdout)
    } else {
        Err(Error::CommandFailed {
            program: program.to_owned(),
            status: output.status.to_string(),
            output: format!("{stdout}{}", String::from_utf8_lossy(&output.stderr)),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn missing_programs_name_their_debian_packages() {
        let err = require(&[
            Requirement::new("/nonexistent/radclient", "freeradius-utils"),
            Requirement::new("/", "never-mentioned"),
            Requirement::new("/nonexistent/radtest", "freeradius-utils"),
            Requirement::new("/nonexistent/initdb", "postgresql"),
        ])
        .unwrap_err();
        assert_eq!(
            err.to_string(),
            "/nonexistent/radclient, /nonexistent/radtest, /nonexistent/initdb missing; \
             install the Debian packages: apt-get install -y --no-install-recommends \
             freeradius-utils postgresql"
        );
    }

    #[test]
    fn free_ports_differ_within_a_process() {
        let ports: Vec<u16> = (0..20).map(|_| free_port(true).unwrap()).collect();
        let mut unique = ports.clone();
        unique.sort_unstable();
        unique.dedup();
        assert_eq!(unique.len(), ports.len(), "{ports:?}");
        assert!(ports.iter().all(|p| (20_000..32_000).contains(p)));
    }
}
