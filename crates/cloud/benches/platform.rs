//! The platform's performance targets (issue 4), measured end to end on this machine:
//!
//! 1. **First sync**: one tenant pushes 100,000 customers in batches of 1,000 through the
//!    HTTP API (the platform's half of "first sync under 60 s").
//! 2. **RADIUS**: 100,000 customers across 10 tenants (10,000 each, the same user names
//!    in every tenant), FreeRADIUS with the platform's configuration in production mode
//!    (`-f`, its thread pool; not `-X`), Access-Requests (PAP) from the 10 tenants' routers
//!    at once — with `radclient` in parallel (throughput), and with a small UDP client
//!    that times every request (p50/p99 latency). Each run also prints the CPU time
//!    FreeRADIUS, PostgreSQL and the load generator spent per request (where the time
//!    goes, whatever else runs) and how much CPU other processes took meanwhile (other
//!    builds share these 2 cores; the load average counts our own busy threads too).
//!
//! `cargo bench -p ispdesk-cloud --bench platform` (env `BENCH_REQUESTS`, default 30,000
//! Access-Requests per method). Prints a table to record in BENCHMARKS.md.

use anyhow::{Context, Result, bail};
use freeradius_harness::{FreeRadius, PgServer};
use ispdesk_cloud::{Config, Server};
use ispdesk_domain::sync::{Change, ChangeOp, PairResponse, PushAck, PushBatch};
use md5::{Digest, Md5};
use serde_json::{Value, json};
use std::collections::HashMap;
use std::net::{Ipv4Addr, SocketAddr};
use std::path::PathBuf;
use std::process::Stdio;
use std::time::{Duration, Instant};
use uuid::Uuid;

const TENANTS: u32 = 10;
const PER_TENANT: u32 = 10_000;
const BATCH: u32 = 1_000;
const SECRET: &str = "bench-secret";
/// radclient processes, each sending for half of the routers (radclient costs CPU too,
/// on the same two cores).
const RADCLIENTS: usize = 2;
/// Requests each radclient keeps in flight (`-p`). radclient's own CPU per request falls
/// as it keeps more in flight (measured here: ~500 µs at 16, ~270 at 64, ~190 at 128,
/// ~130 at 256), and every microsecond it takes is one the server does not get: at 64 it
/// took a quarter of the two cores.
const RADCLIENT_IN_FLIGHT: usize = 128;
const STAMP: &str = "2026-01-05T08:00:00.000Z";

fn router_ip(tenant: u32) -> Ipv4Addr {
    Ipv4Addr::new(127, 0, 1, u8::try_from(tenant + 1).unwrap_or(250))
}

fn change(table: &str, id: &str, data: Value) -> Change {
    Change {
        table: table.into(),
        row_id: id.into(),
        op: ChangeOp::Upsert,
        rev: 1,
        data: data.as_object().cloned(),
    }
}

fn network(address: Ipv4Addr) -> Vec<Change> {
    let (router, bw, plan) = (
        Uuid::now_v7().to_string(),
        Uuid::now_v7().to_string(),
        Uuid::now_v7().to_string(),
    );
    vec![
        change(
            "routers",
            &router,
            json!({
            "id": router, "name": "Router", "short_name": format!("r{address}"), "address": address.to_string(),
            "radius_secret": SECRET, "api_username": "admin", "api_port": 8728, "api_tls": 0,
            "tls_fingerprint": null, "provisioning_mode": "radius", "is_active": 1, "latitude": null,
            "longitude": null, "description": "", "rev": 1, "created_at": STAMP, "updated_at": STAMP }),
        ),
        change(
            "bandwidth_profiles",
            &bw,
            json!({
            "id": bw, "name": "10M", "rate_up_bps": 5_000_000, "rate_down_bps": 10_000_000,
            "burst_up_bps": null, "burst_down_bps": null, "threshold_up_bps": null, "threshold_down_bps": null,
            "burst_time_up_s": null, "burst_time_down_s": null, "priority": 8, "limit_at_up_bps": null,
            "limit_at_down_bps": null, "rev": 1, "created_at": STAMP, "updated_at": STAMP }),
        ),
        change(
            "service_plans",
            &plan,
            json!({
            "id": plan, "name": "PPPoE 10M", "code": "PPP-10M", "service_type": "pppoe", "price": 150000,
            "reseller_price": null, "validity_value": 1, "validity_unit": "months", "bandwidth_profile_id": bw,
            "quota_bytes": null, "shared_users": 1, "is_active": 1, "description": "", "profile_name": "",
            "rev": 1, "created_at": STAMP, "updated_at": STAMP }),
        ),
    ]
}

fn customer(n: u32, plan: &str, router: &str) -> Change {
    let id = Uuid::now_v7().to_string();
    change(
        "customers",
        &id,
        json!({
        "id": id, "username": format!("u{n}"), "password": format!("pw{n}"), "name": format!("Pelanggan {n}"),
        "phone": "0812", "email": "", "address": "Jl. Merdeka", "service_type": "pppoe", "plan_id": plan,
        "router_id": router, "reseller_id": null, "status": "active", "expires_at": "2099-12-31T17:00:00.000Z",
        "balance": 0, "latitude": null, "longitude": null, "notes": "", "rev": 1,
        "created_at": STAMP, "updated_at": STAMP }),
    )
}

struct Platform {
    http: reqwest::Client,
    url: String,
    admin: String,
}

impl Platform {
    async fn post(&self, path: &str, token: &str, body: &impl serde::Serialize) -> Result<Value> {
        let response = self
            .http
            .post(format!("{}{path}", self.url))
            .bearer_auth(token)
            .json(body)
            .send()
            .await?;
        let status = response.status();
        let text = response.text().await?;
        if !status.is_success() {
            bail!("{path}: HTTP {status}: {text}");
        }
        Ok(serde_json::from_str(&text)?)
    }

    async fn tenant(&self, subdomain: &str, max_customers: u32) -> Result<String> {
        let created = self
            .post("/api/v1/admin/tenants", &self.admin, &json!({ "name": subdomain, "subdomain": subdomain,
                "limits": { "max_routers": 10, "max_customers": max_customers, "max_vouchers": 0 } }))
            .await?;
        let code = created["pairing_code"]["code"].as_str().context("code")?;
        let paired: PairResponse = serde_json::from_value(
            self.post(
                "/api/v1/pair",
                "",
                &json!({ "code": code, "device_name": "bench" }),
            )
            .await?,
        )?;
        Ok(paired.token)
    }

    /// Pushes the network and `customers` customers; returns each batch's time.
    async fn sync(&self, token: &str, address: Ipv4Addr, customers: u32) -> Result<Vec<Duration>> {
        let network = network(address);
        let (router, plan) = (network[0].row_id.clone(), network[2].row_id.clone());
        self.push(token, network).await?;
        let mut times = Vec::new();
        for start in (0..customers).step_by(BATCH as usize) {
            let changes = (start..(start + BATCH).min(customers))
                .map(|n| customer(n, &plan, &router))
                .collect();
            let began = Instant::now();
            self.push(token, changes).await?;
            times.push(began.elapsed());
        }
        Ok(times)
    }

    async fn push(&self, token: &str, changes: Vec<Change>) -> Result<()> {
        let n = changes.len();
        let ack: PushAck = serde_json::from_value(
            self.post(
                "/api/v1/sync/push",
                token,
                &PushBatch {
                    batch_id: Uuid::now_v7(),
                    changes,
                },
            )
            .await?,
        )?;
        anyhow::ensure!(ack.applied as usize == n, "{ack:?}");
        Ok(())
    }
}

/// The 1-minute load average: other work on the machine skews every figure.
fn load_average() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .ok()
        .and_then(|t| t.split_whitespace().next().map(str::to_owned))
        .unwrap_or_else(|| "?".into())
}

/// `/proc/<pid>/stat`: (parent pid, own user + system ticks, reaped children's ticks).
fn proc_stat(pid: &str) -> Option<(u32, u64, u64)> {
    let text = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    // Fields after the command name, which may hold spaces: state, ppid, … utime (12th),
    // stime, cutime, cstime.
    let fields: Vec<&str> = text[text.rfind(')')? + 2..].split(' ').collect();
    let field = |i: usize| fields.get(i).and_then(|f| f.parse::<u64>().ok());
    Some((
        u32::try_from(field(1)?).ok()?,
        field(11)? + field(12)?,
        field(13)? + field(14)?,
    ))
}

/// CPU time of what serves RADIUS, of what loads it, and of the whole machine, between
/// two readings.
#[derive(Clone, Copy, Default)]
struct CpuTicks {
    freeradius: u64,
    postgres: u64,
    /// This process (the UDP client's tasks; the platform's server idles meanwhile) and
    /// the children it reaped (the radclient processes).
    load: u64,
    /// Every CPU's busy time (`/proc/stat`): what is not ours is other work on the machine.
    machine: u64,
}

/// Linux reports `/proc` times in USER_HZ, 100 on every architecture we run on.
const USER_HZ: f64 = 100.0;

impl CpuTicks {
    /// `postmaster`: PostgreSQL's server process, whose children are the backends (their
    /// time while they run, and the reaped ones' in the postmaster's children time).
    fn read(freeradius: Option<u32>, postmaster: Option<u32>) -> CpuTicks {
        let mut ticks = CpuTicks::default();
        if let Some((_, own, _)) = freeradius.and_then(|p| proc_stat(&p.to_string())) {
            ticks.freeradius = own;
        }
        if let Some(postmaster) = postmaster {
            if let Some((_, own, reaped)) = proc_stat(&postmaster.to_string()) {
                ticks.postgres = own + reaped;
            }
            let entries = std::fs::read_dir("/proc").into_iter().flatten().flatten();
            for entry in entries {
                let name = entry.file_name();
                let Some(pid) = name
                    .to_str()
                    .filter(|n| n.bytes().all(|b| b.is_ascii_digit()))
                else {
                    continue;
                };
                if let Some((parent, own, _)) = proc_stat(pid)
                    && parent == postmaster
                {
                    ticks.postgres += own;
                }
            }
        }
        if let Some((_, own, reaped)) = proc_stat("self") {
            ticks.load = own + reaped;
        }
        // cpu  user nice system idle iowait irq softirq steal …
        if let Some(line) = std::fs::read_to_string("/proc/stat")
            .ok()
            .and_then(|t| t.lines().next().map(str::to_owned))
        {
            let n: Vec<u64> = line
                .split_whitespace()
                .skip(1)
                .filter_map(|f| f.parse().ok())
                .collect();
            let idle = n.get(3).copied().unwrap_or(0) + n.get(4).copied().unwrap_or(0);
            ticks.machine = n.iter().take(8).sum::<u64>().saturating_sub(idle);
        }
        ticks
    }

    /// "CPU per request: FreeRADIUS … µs, PostgreSQL … µs, load generator … µs; other
    /// work on the machine … % of a core".
    fn per_request(self, before: CpuTicks, requests: u32, elapsed: Duration) -> String {
        let us = |after: u64, before: u64| {
            after.saturating_sub(before) as f64 / USER_HZ * 1e6 / f64::from(requests.max(1))
        };
        let ours = (self.freeradius + self.postgres + self.load)
            .saturating_sub(before.freeradius + before.postgres + before.load);
        let others = self
            .machine
            .saturating_sub(before.machine)
            .saturating_sub(ours);
        format!(
            "CPU per request: FreeRADIUS {:.0} µs, PostgreSQL {:.0} µs, load generator {:.0} µs; other work on the machine meanwhile: {:.0} % of a core",
            us(self.freeradius, before.freeradius),
            us(self.postgres, before.postgres),
            us(self.load, before.load),
            others as f64 / USER_HZ / elapsed.as_secs_f64().max(1e-3) * 100.0,
        )
    }
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    if sorted.is_empty() {
        return Duration::ZERO;
    }
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i.min(sorted.len() - 1)]
}

fn ms(d: Duration) -> String {
    format!("{:.1} ms", d.as_secs_f64() * 1000.0)
}

/// A PAP Access-Request as RouterOS sends it (User-Password hidden with the secret).
fn access_request(id: u8, user: &str, password: &str, nas: Ipv4Addr) -> Vec<u8> {
    let authenticator: [u8; 16] = rand::random();
    let mut hidden = password.as_bytes().to_vec();
    hidden.resize(hidden.len().div_ceil(16).max(1) * 16, 0);
    let mut previous = authenticator.to_vec();
    for chunk in hidden.chunks_mut(16) {
        let mut md5 = Md5::new();
        md5.update(SECRET.as_bytes());
        md5.update(&previous);
        for (b, k) in chunk.iter_mut().zip(md5.finalize()) {
            *b ^= k;
        }
        previous = chunk.to_vec();
    }
    let mut packet = vec![1, id, 0, 0];
    packet.extend_from_slice(&authenticator);
    for (kind, value) in [
        (1u8, user.as_bytes().to_vec()),
        (2, hidden),
        (4, nas.octets().to_vec()),
    ] {
        packet.push(kind);
        packet.push(u8::try_from(value.len() + 2).unwrap_or(255));
        packet.extend_from_slice(&value);
    }
    let len = u16::try_from(packet.len())
        .unwrap_or(u16::MAX)
        .to_be_bytes();
    packet[2..4].copy_from_slice(&len);
    packet
}

/// One router sending `count` requests with up to `window` outstanding; every reply's
/// latency, and the rejects/losses.
async fn router_load(
    tenant: u32,
    server: SocketAddr,
    count: u32,
    window: usize,
) -> Result<(Vec<Duration>, u32, u32)> {
    let socket = tokio::net::UdpSocket::bind((router_ip(tenant), 0)).await?;
    socket.connect(server).await?;
    let mut outstanding: HashMap<u8, Instant> = HashMap::new();
    let mut latencies = Vec::with_capacity(count as usize);
    let (mut sent, mut rejected, mut lost) = (0u32, 0u32, 0u32);
    let mut next_id = 0u8;
    let mut buffer = [0u8; 4096];
    while sent < count || !outstanding.is_empty() {
        while sent < count && outstanding.len() < window {
            while outstanding.contains_key(&next_id) {
                next_id = next_id.wrapping_add(1);
            }
            let user = (sent * 7919 + tenant * 31) % PER_TENANT;
            socket
                .send(&access_request(
                    next_id,
                    &format!("u{user}"),
                    &format!("pw{user}"),
                    router_ip(tenant),
                ))
                .await?;
            outstanding.insert(next_id, Instant::now());
            next_id = next_id.wrapping_add(1);
            sent += 1;
        }
        match tokio::time::timeout(Duration::from_secs(3), socket.recv(&mut buffer)).await {
            Ok(Ok(n)) if n >= 20 => {
                if let Some(at) = outstanding.remove(&buffer[1]) {
                    latencies.push(at.elapsed());
                    if buffer[0] != 2 {
                        rejected += 1;
                    }
                }
            }
            Ok(_) => {}
            Err(_) => {
                lost += u32::try_from(outstanding.len()).unwrap_or(u32::MAX);
                outstanding.clear();
            }
        }
    }
    Ok((latencies, rejected, lost))
}

/// `radclient` per router, all at once, each with `-p` requests in flight.
async fn radclient_load(radius: &FreeRadius, requests: u32) -> Result<(Duration, u32, u32)> {
    let dir = tempfile::tempdir()?;
    let per_router = requests / TENANTS;
    let mut files = Vec::new();
    let mut texts = vec![String::new(); RADCLIENTS];
    for tenant in 0..TENANTS {
        let text = &mut texts[tenant as usize % RADCLIENTS];
        for i in 0..per_router {
            let user = (i * 7919 + tenant * 131) % PER_TENANT;
            text.push_str(&format!(
                "User-Name = \"u{user}\"\nUser-Password = \"pw{user}\"\nNAS-IP-Address = {ip}\nPacket-Src-IP-Address = {ip}\n\n",
                ip = router_ip(tenant)
            ));
        }
    }
    for (i, text) in texts.iter().enumerate() {
        let file = dir.path().join(format!("requests-{i}.txt"));
        std::fs::write(&file, text)?;
        files.push(file);
    }
    let started = Instant::now();
    let mut children = Vec::new();
    for file in &files {
        children.push(
            tokio::process::Command::new("/usr/bin/radclient")
                .args(["-q", "-s", "-c", "1", "-r", "3", "-t", "3", "-p"])
                .arg(RADCLIENT_IN_FLIGHT.to_string())
                .arg("-f")
                .arg(file)
                .arg("-d")
                .arg(radius.config_dir())
                .arg(format!("127.0.0.1:{}", radius.auth_port()))
                .args(["auth", SECRET])
                .stdout(Stdio::piped())
                .stderr(Stdio::piped())
                .spawn()?,
        );
    }
    let (mut approved, mut other) = (0u32, 0u32);
    for child in children {
        let out = child.wait_with_output().await?;
        let text = String::from_utf8_lossy(&out.stdout).into_owned()
            + &String::from_utf8_lossy(&out.stderr);
        if std::env::var_os("BENCH_VERBOSE").is_some() {
            eprintln!("{text}");
        }
        for line in text.lines() {
            let number = |l: &str| {
                l.rsplit(':')
                    .next()
                    .and_then(|n| n.trim().parse::<u32>().ok())
                    .unwrap_or(0)
            };
            match line.trim().split(':').next().map(str::trim) {
                Some("Accepted") => approved += number(line),
                Some("Rejected" | "Lost") => other += number(line),
                _ => {}
            }
        }
    }
    Ok((started.elapsed(), approved, other))
}

fn main() -> Result<()> {
    // `cargo bench` passes `--bench`; a filter argument is ignored.
    let requests: u32 = std::env::var("BENCH_REQUESTS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(30_000);
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()?;
    runtime.block_on(run(requests))
}

async fn run(requests: u32) -> Result<()> {
    let first_sync: u32 = std::env::var("BENCH_FIRST_SYNC")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(100_000);
    let cpu = std::fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|t| {
            t.lines()
                .find(|l| l.starts_with("model name"))
                .map(|l| l.split(':').nth(1).unwrap_or("").trim().to_owned())
        })
        .unwrap_or_default();
    println!(
        "machine: {} × {cpu}",
        std::thread::available_parallelism().map_or(0, |n| n.get())
    );

    let pg = tokio::task::spawn_blocking(PgServer::start).await??;
    pg.psql(
        "postgres",
        "postgres",
        "CREATE ROLE ispdesk_radius LOGIN PASSWORD 'radpass'",
    )?;
    pg.create_database("ispdesk", "ispdesk", "pass")?;
    let database_url = pg.database_url("ispdesk", "ispdesk", "pass");
    let config = Config::from_parts(None, std::path::Path::new("-"), |name| match name {
        "ISPDESK_CLOUD_LISTEN" => Some("127.0.0.1:0".into()),
        "ISPDESK_CLOUD_DATABASE_URL" => Some(database_url.clone()),
        "ISPDESK_CLOUD_SEAL_KEY" => Some(ispdesk_cloud::seal::Sealer::generate_key()),
        "ISPDESK_CLOUD_ADMIN_USERNAME" => Some("admin".into()),
        "ISPDESK_CLOUD_ADMIN_PASSWORD" => Some("bench admin password".into()),
        "ISPDESK_CLOUD_RADIUS_DB_ROLE" => Some("ispdesk_radius".into()),
        "ISPDESK_CLOUD_LOG" => Some("warn".into()),
        _ => None,
    })?;
    let server = Server::start(&config).await?;
    let http = reqwest::Client::builder()
        .timeout(Duration::from_secs(120))
        .build()?;
    let login: Value = http
        .post(format!("{}/api/v1/admin/login", server.url()))
        .json(&json!({ "username": "admin", "password": "bench admin password" }))
        .send()
        .await?
        .json()
        .await?;
    let platform = Platform {
        http,
        url: server.url(),
        admin: login["token"].as_str().context("token")?.to_owned(),
    };

    // 1. First sync of one tenant.
    let token = platform.tenant("first-sync", first_sync).await?;
    let began = Instant::now();
    let mut times = platform
        .sync(&token, Ipv4Addr::new(10, 99, 0, 1), first_sync)
        .await?;
    let total = began.elapsed();
    times.sort();
    println!(
        "first sync: {first_sync} customers in {} batches of {BATCH}: {:.1} s ({:.0} customers/s); batch p50 {}, p99 {}, max {}",
        times.len(),
        total.as_secs_f64(),
        f64::from(first_sync) / total.as_secs_f64(),
        ms(percentile(&times, 0.5)),
        ms(percentile(&times, 0.99)),
        ms(percentile(&times, 1.0)),
    );

    // 2. Ten tenants of 10,000.
    let began = Instant::now();
    for tenant in 0..TENANTS {
        let token = platform
            .tenant(&format!("isp-{tenant}"), PER_TENANT)
            .await?;
        platform.sync(&token, router_ip(tenant), PER_TENANT).await?;
    }
    println!(
        "ten tenants: {} customers pushed in {:.1} s; radcheck rows: {}",
        TENANTS * PER_TENANT,
        began.elapsed().as_secs_f64(),
        pg.psql("ispdesk", "postgres", "SELECT count(*) FROM radcheck")?
            .trim()
    );
    pg.psql("ispdesk", "postgres", "VACUUM ANALYZE")?;

    // 3. RADIUS in production mode.
    let template = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("deploy/freeradius");
    let mut radius = tokio::task::block_in_place(|| -> Result<FreeRadius> {
        let mut radius =
            FreeRadius::postgres(Some(&template), &pg, "ispdesk", "ispdesk_radius", "radpass")?;
        radius.set_debug(false);
        radius.restart()?;
        Ok(radius)
    })?;
    let check = radius.nas(router_ip(3), SECRET);
    let reply = tokio::task::block_in_place(|| check.auth("u42", "pw42"))?;
    anyhow::ensure!(
        reply.accepted && reply.get("Mikrotik-Rate-Limit") == Some("5M/10M"),
        "{reply:?}"
    );

    let postmaster = std::fs::read_to_string(pg.dir().join("data/postmaster.pid"))
        .ok()
        .and_then(|t| t.lines().next().and_then(|l| l.trim().parse::<u32>().ok()));
    let cpu = || CpuTicks::read(radius.pid(), postmaster);

    let (load, before) = (load_average(), cpu());
    let (elapsed, approved, other) = radclient_load(&radius, requests).await?;
    println!(
        "radclient: {requests} Access-Requests from {TENANTS} routers ({RADCLIENTS} radclient processes, {RADCLIENT_IN_FLIGHT} in flight each), load {load}: {:.2} s, {:.0} req/s, {approved} accepted, {other} rejected or lost; {}",
        elapsed.as_secs_f64(),
        f64::from(approved) / elapsed.as_secs_f64(),
        cpu().per_request(before, requests, elapsed),
    );

    let server_addr = SocketAddr::from((Ipv4Addr::LOCALHOST, radius.auth_port()));
    for window in [4usize, 16] {
        let (load, before) = (load_average(), cpu());
        let began = Instant::now();
        let mut tasks = Vec::new();
        for tenant in 0..TENANTS {
            tasks.push(tokio::spawn(router_load(
                tenant,
                server_addr,
                requests / TENANTS,
                window,
            )));
        }
        let mut latencies = Vec::new();
        let (mut rejected, mut lost) = (0, 0);
        for task in tasks {
            let (l, r, x) = task.await??;
            latencies.extend(l);
            rejected += r;
            lost += x;
        }
        let elapsed = began.elapsed();
        latencies.sort();
        println!(
            "udp client: {requests} Access-Requests, {} in flight, load {load}: {:.0} req/s; latency p50 {}, p99 {}, max {}; {rejected} rejected, {lost} lost; {}",
            window * TENANTS as usize,
            f64::from(requests) / elapsed.as_secs_f64(),
            ms(percentile(&latencies, 0.5)),
            ms(percentile(&latencies, 0.99)),
            ms(percentile(&latencies, 1.0)),
            cpu().per_request(before, requests, elapsed),
        );
    }
    radius.set_debug(true);
    drop(radius);
    server.stop().await?;
    drop(pg);
    Ok(())
}
