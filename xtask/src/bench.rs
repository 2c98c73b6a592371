//! `cargo xtask bench`: the desktop app's start-up time and memory, measured on the real
//! release binary in a real (virtual) display, with 100,000 customers in the database.
//!
//! Start-up is the wall time from spawning the process to the UI reporting its first
//! drawn screen (the `ui_ready` command logs "ui ready"). Memory is the resident set of
//! the app process and of each WebKit helper process it started, read from /proc once
//! the login screen has settled. A bare Tauri window (`src-tauri/examples/bare.rs`) is
//! measured the same way as the baseline.

use crate::{build_ui, deps, root, sh};
use anyhow::{Context, Result, bail};
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

const CUSTOMERS: usize = 100_000;
const RUNS: usize = 7;

pub fn bench(_args: &[&str]) -> Result<()> {
    if !cfg!(target_os = "linux") {
        bail!("the start-up benchmark reads /proc and runs under Xvfb: Linux only");
    }
    let mut packages = deps::APP_PACKAGES.to_vec();
    packages.extend(["xvfb", "xauth"]);
    deps::apt(&packages)?;
    build_ui()?;
    let root = root();
    sh(
        &root,
        "cargo",
        &[
            "build",
            "--release",
            "-p",
            "ispdesk",
            "--features",
            "custom-protocol",
            "--bin",
            "ispdesk",
            "--example",
            "bare",
        ],
        &[],
    )?;
    let app = crate::target_dir().join("release/ispdesk");
    let bare = crate::target_dir().join("release/examples/bare");

    let data = tempdir()?;
    eprintln!("seeding {CUSTOMERS} customers into {}", data.display());
    crate::seed::seed(&data.join("ispdesk.sqlite"), CUSTOMERS)?;

    let display = Xvfb::start()?;
    eprintln!("\nstart-up to a usable login screen, {RUNS} runs (the first warms the caches):");
    let mut times = Vec::new();
    let mut memory = None;
    for run in 0..RUNS {
        let (elapsed, mem) = measure(&app, &data, &display.name, "ui ready", run == RUNS - 1)?;
        eprintln!("  run {}: {} ms", run + 1, elapsed.as_millis());
        if run > 0 {
            times.push(elapsed);
        }
        if mem.is_some() {
            memory = mem;
        }
    }
    let (bare_elapsed, bare_memory) = measure(&bare, &data, &display.name, "bare ready", true)?;
    times.sort();
    let median = times[times.len() / 2];
    eprintln!(
        "\nwarm start-up: median {} ms, min {} ms, max {} ms (bare window: {} ms)",
        median.as_millis(),
        times[0].as_millis(),
        times[times.len() - 1].as_millis(),
        bare_elapsed.as_millis()
    );
    let memory = memory.context("no memory reading")?;
    let bare_memory = bare_memory.context("no memory reading of the bare window")?;
    eprintln!("\nresident memory (MB)      ispdesk   bare Tauri window");
    for ((name, ours), (_, bare)) in memory.rows().iter().zip(bare_memory.rows()) {
        eprintln!("  {name:<22} {:>8.1} {:>12.1}", ours, bare);
    }
    eprintln!(
        "  difference in total: {:+.1} MB (the target: within 50 MB)",
        memory.total() - bare_memory.total()
    );
    let _ = std::fs::remove_dir_all(&data);
    Ok(())
}

#[derive(Clone, Copy, Default)]
struct Memory {
    app: f64,
    web: f64,
    network: f64,
    other: f64,
}

impl Memory {
    fn total(&self) -> f64 {
        self.app + self.web + self.network + self.other
    }

    fn rows(&self) -> [(&'static str, f64); 5] {
        [
            ("app process", self.app),
            ("WebKitWebProcess", self.web),
            ("WebKitNetworkProcess", self.network),
            ("other helpers", self.other),
            ("total", self.total()),
        ]
    }
}

/// Starts `binary`, waits for `ready` on its stderr, optionally reads memory, stops it.
fn measure(
    binary: &Path,
    data: &Path,
    display: &str,
    ready: &str,
    read_memory: bool,
) -> Result<(Duration, Option<Memory>)> {
    let started = Instant::now();
    let mut child = Command::new(binary)
        .env("DISPLAY", display)
        .env("ISPDESK_DATA_DIR", data)
        .env("ISPDESK_LOG", "info")
        .stderr(Stdio::piped())
        .stdout(Stdio::null())
        .spawn()
        .with_context(|| format!("starting {}", binary.display()))?;
    let stderr = child.stderr.take().expect("piped");
    let (tx, rx) = std::sync::mpsc::channel();
    let ready = ready.to_owned();
    std::thread::spawn(move || {
        for line in BufReader::new(stderr).lines().map_while(Result::ok) {
            if line.contains(&ready) {
                let _ = tx.send(Instant::now());
            }
        }
    });
    let at = match rx.recv_timeout(Duration::from_secs(60)) {
        Ok(at) => at,
        Err(_) => {
            stop(&mut child);
            bail!(
                "{} did not report a drawn screen within 60 s",
                binary.display()
            );
        }
    };
    let elapsed = at - started;
    let memory = if read_memory {
        std::thread::sleep(Duration::from_secs(3));
        Some(read(child.id()))
    } else {
        None
    };
    stop(&mut child);
    Ok((elapsed, memory))
}

fn stop(child: &mut Child) {
    let _ = Command::new("kill").arg(child.id().to_string()).status();
    let deadline = Instant::now() + Duration::from_secs(5);
    while Instant::now() < deadline {
        if let Ok(Some(_)) = child.try_wait() {
            return;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    let _ = child.kill();
    let _ = child.wait();
}

/// Resident memory of `pid` and of every process descended from it, from /proc.
fn read(pid: u32) -> Memory {
    let mut memory = Memory {
        app: rss_mb(pid),
        ..Memory::default()
    };
    for child in descendants(pid) {
        let name = std::fs::read_to_string(format!("/proc/{child}/comm")).unwrap_or_default();
        let rss = rss_mb(child);
        match name.trim() {
            "WebKitWebProces" | "WebKitWebProcess" => memory.web += rss,
            "WebKitNetworkPr" | "WebKitNetworkProcess" => memory.network += rss,
            _ => memory.other += rss,
        }
    }
    memory
}

fn rss_mb(pid: u32) -> f64 {
    std::fs::read_to_string(format!("/proc/{pid}/status"))
        .ok()
        .and_then(|s| {
            s.lines().find(|l| l.starts_with("VmRSS:")).and_then(|l| {
                l.split_whitespace()
                    .nth(1)
                    .and_then(|kb| kb.parse::<f64>().ok())
            })
        })
        .map(|kb| kb / 1024.0)
        .unwrap_or(0.0)
}

fn descendants(pid: u32) -> Vec<u32> {
    let mut parents: Vec<(u32, u32)> = Vec::new();
    for entry in std::fs::read_dir("/proc").into_iter().flatten().flatten() {
        let Ok(p) = entry.file_name().to_string_lossy().parse::<u32>() else {
            continue;
        };
        let stat = std::fs::read_to_string(format!("/proc/{p}/stat")).unwrap_or_default();
        // The parent is the 2nd field after the parenthesised command name.
        if let Some(rest) = stat.rsplit_once(')').map(|(_, r)| r)
            && let Some(ppid) = rest.split_whitespace().nth(1).and_then(|x| x.parse().ok())
            && !rest.trim_start().starts_with('Z')
        {
            parents.push((p, ppid));
        }
    }
    let mut found = vec![pid];
    let mut i = 0;
    while i < found.len() {
        let parent = found[i];
        found.extend(
            parents
                .iter()
                .filter(|(_, pp)| *pp == parent)
                .map(|(p, _)| *p),
        );
        i += 1;
    }
    found.into_iter().skip(1).collect()
}

fn tempdir() -> Result<PathBuf> {
    let dir = std::env::temp_dir().join(format!("ispdesk-bench-{}", std::process::id()));
    std::fs::create_dir_all(&dir)?;
    Ok(dir)
}

/// A private X server for the benchmark.
struct Xvfb {
    child: Child,
    name: String,
}

impl Xvfb {
    fn start() -> Result<Self> {
        if let Some(existing) = std::env::var_os("DISPLAY") {
            // Use the display we were given; there is nothing to stop afterwards.
            let child = Command::new("true").spawn()?;
            return Ok(Xvfb {
                child,
                name: existing.to_string_lossy().into_owned(),
            });
        }
        let number = 90 + std::process::id() % 100;
        let name = format!(":{number}");
        let child = Command::new("Xvfb")
            .args([
                name.as_str(),
                "-screen",
                "0",
                "1366x768x24",
                "-nolisten",
                "tcp",
            ])
            .stderr(Stdio::null())
            .spawn()
            .context("starting Xvfb")?;
        let socket = PathBuf::from(format!("/tmp/.X11-unix/X{number}"));
        let deadline = Instant::now() + Duration::from_secs(10);
        while !socket.exists() {
            if Instant::now() > deadline {
                bail!("Xvfb did not start");
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        Ok(Xvfb { child, name })
    }
}

impl Drop for Xvfb {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
