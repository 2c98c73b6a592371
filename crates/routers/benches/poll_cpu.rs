//! What polling costs: 50 routers polled every 5 s for health and online users, measured as
//! CPU time of the polling process per second of wall time (target: under 5 % of one core).
//!
//! The 50 RouterOS simulators run in a child process (this binary again, with `--serve`), so
//! the figure is the poller's alone: the client side of four pipelined commands per router
//! and poll, parsing, rates, and publishing each reading. CPU time is read from
//! `/proc/self/stat` (user + system, all threads), so this runs on Linux.
//!
//! `cargo bench -p ispdesk-routers --bench poll_cpu` (60 s measured; `POLL_BENCH_SECONDS`
//! changes it, `POLL_BENCH_ROUTERS` the number of routers).

use std::io::{BufRead, BufReader, Write};
use std::net::{IpAddr, Ipv4Addr};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use anyhow::{Context, bail};
use ispdesk_domain::RouterId;
use ispdesk_routers::{Endpoint, Link, Poller, PollerConfig};
use routeros_api::sim::{RouterVersion, SimConfig, Simulator};

const USER: &str = "ispdesk";
const PASSWORD: &str = "bench-pass";
/// Online users per router: PPPoE and hotspot.
const PPP_SESSIONS: u32 = 40;
const HOTSPOT_SESSIONS: u32 = 10;

fn main() -> anyhow::Result<()> {
    let args: Vec<String> = std::env::args().collect();
    if let Some(at) = args.iter().position(|a| a == "--serve") {
        let count: usize = args.get(at + 1).context("--serve N")?.parse()?;
        return serve(count);
    }
    // `cargo test --benches` runs bench binaries too: stay quick there.
    if args.iter().any(|a| a == "--test") || !args.iter().any(|a| a == "--bench") {
        println!("poll_cpu: run with `cargo bench -p ispdesk-routers --bench poll_cpu`");
        return Ok(());
    }
    let routers: usize = env_or("POLL_BENCH_ROUTERS", 50)?;
    let seconds: u64 = env_or("POLL_BENCH_SECONDS", 60)?;
    measure(routers, Duration::from_secs(seconds))
}

fn env_or<T: std::str::FromStr>(name: &str, default: T) -> anyhow::Result<T>
where
    T::Err: std::error::Error + Send + Sync + 'static,
{
    match std::env::var(name) {
        Ok(v) => Ok(v.parse()?),
        Err(_) => Ok(default),
    }
}

/// The child: `count` simulators with sessions online, their ports on stdout, until stdin
/// closes.
fn serve(count: usize) -> anyhow::Result<()> {
    let runtime = tokio::runtime::Runtime::new()?;
    runtime.block_on(async {
        let mut sims = Vec::with_capacity(count);
        for r in 0..count {
            let mut config = SimConfig::new(RouterVersion::V7).user(USER, PASSWORD);
            config.identity = format!("router-{r}");
            let sim = Simulator::start(config).await?;
            for n in 0..PPP_SESSIONS {
                sim.connect_ppp(
                    &format!("ppp{n}"),
                    IpAddr::V4(Ipv4Addr::new(10, r as u8, 0, n as u8 + 2)),
                )?;
            }
            for n in 0..HOTSPOT_SESSIONS {
                sim.connect_hotspot(
                    &format!("hs{n}"),
                    IpAddr::V4(Ipv4Addr::new(10, r as u8, 1, n as u8 + 2)),
                    &format!("02:00:00:00:{r:02X}:{n:02X}"),
                )?;
            }
            sims.push(sim);
        }
        let ports: Vec<String> = sims
            .iter()
            .map(|s| s.address().port().to_string())
            .collect();
        println!("PORTS {}", ports.join(","));
        std::io::stdout().flush()?;
        // Serve until the parent closes our stdin.
        tokio::task::spawn_blocking(|| {
            let mut line = String::new();
            while std::io::stdin()
                .read_line(&mut line)
                .map(|n| n > 0)
                .unwrap_or(false)
            {
                line.clear();
            }
        })
        .await?;
        drop(sims);
        anyhow::Ok(())
    })
}

/// CPU seconds (user + system) a process has used, from `/proc/<pid>/stat`.
fn cpu_seconds(pid: &str) -> anyhow::Result<f64> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat"))?;
    let after = stat.rsplit_once(')').context("a /proc stat line")?.1;
    let fields: Vec<&str> = after.split_whitespace().collect();
    // After the command name: state is field 3, utime 14 and stime 15.
    let utime: f64 = fields[11].parse()?;
    let stime: f64 = fields[12].parse()?;
    Ok((utime + stime) / rustix::param::clock_ticks_per_second() as f64)
}

fn measure(routers: usize, duration: Duration) -> anyhow::Result<()> {
    let mut child = Command::new(std::env::current_exe()?)
        .args(["--serve", &routers.to_string()])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .context("starting the simulators")?;
    let child_pid = child.id().to_string();
    let mut line = String::new();
    BufReader::new(child.stdout.take().context("the child's stdout")?).read_line(&mut line)?;
    let ports: Vec<u16> = line
        .trim()
        .strip_prefix("PORTS ")
        .context("the simulators' ports")?
        .split(',')
        .map(str::parse)
        .collect::<Result<_, _>>()?;

    // The app's runtime is tokio's multi-threaded one, as here.
    let runtime = tokio::runtime::Runtime::new()?;
    let result = runtime.block_on(async {
        let poller = Poller::new(PollerConfig::default(), tokio::runtime::Handle::current());
        let endpoints: Vec<Endpoint> = ports
            .iter()
            .map(|port| Endpoint::new(RouterId::new(), "127.0.0.1", *port, USER, PASSWORD))
            .collect();
        poller.set_routers(endpoints);
        // Warm-up: every router connected and read once.
        let started = Instant::now();
        while poller
            .statuses()
            .iter()
            .filter(|s| s.link == Link::Online)
            .count()
            < routers
        {
            if started.elapsed() > Duration::from_secs(30) {
                bail!("not every router came online");
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        let sequence = |p: &Poller| p.statuses().iter().map(|s| s.sequence).sum::<u64>();
        let (seq0, cpu0, child0, wall0) = (
            sequence(&poller),
            cpu_seconds("self")?,
            cpu_seconds(&child_pid)?,
            Instant::now(),
        );
        tokio::time::sleep(duration).await;
        let (seq1, cpu1, child1, wall) = (
            sequence(&poller),
            cpu_seconds("self")?,
            cpu_seconds(&child_pid)?,
            wall0.elapsed().as_secs_f64(),
        );
        let statuses = poller.statuses();
        let offline = statuses.iter().filter(|s| s.link != Link::Online).count();
        let sessions: usize = statuses
            .iter()
            .map(|s| s.sessions.as_ref().map_or(0, Vec::len))
            .sum();
        let percent = (cpu1 - cpu0) / wall * 100.0;
        println!(
            "routers polled:        {routers} every 5 s ({sessions} sessions online in total)"
        );
        println!("readings published:    {} in {wall:.1} s", seq1 - seq0);
        println!("routers offline at end: {offline}");
        println!(
            "poller CPU:            {:.3} s over {wall:.1} s = {percent:.2} % of one core",
            cpu1 - cpu0
        );
        println!(
            "simulators (child):    {:.2} % of one core, for reference",
            (child1 - child0) / wall * 100.0
        );
        println!(
            "target < 5 % of one core: {}",
            if percent < 5.0 { "met" } else { "MISSED" }
        );
        anyhow::Ok(())
    });
    drop(child.stdin.take());
    let _ = child.wait();
    result
}
