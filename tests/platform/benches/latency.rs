//! Issue #4's end-to-end figures, on the real parts (`cargo bench -p ispdesk-platform-tests`):
//!
//! 1. **One changed customer**: from the save on the desktop (suspend or reactivate) to the
//!    platform's FreeRADIUS answering with the new state, with the sync engine running as
//!    in the app (woken by the change) and the platform on loopback. Target: median < 2 s.
//! 2. **First sync of a tenant with 100,000 customers** (`--first-sync`, or
//!    `ISPDESK_BENCH_FIRST_SYNC=1`): the desktop imports them from CSV, pairs, and the engine
//!    pushes everything until the platform has them all, RADIUS rows included. Target: < 60 s.
//!
//! A bench binary rather than criterion: each sample is a whole trip through five processes.

use anyhow::{Context, Result, bail};
use ispdesk_platform_tests::{CUSTOMER_PASSWORD, Desktop, Platform, RADIUS_SECRET, blocking};
use ispdesk_sync::{Engine, SyncState};
use std::net::Ipv4Addr;
use std::time::{Duration, Instant};

const ROUTER: Ipv4Addr = Ipv4Addr::new(127, 0, 0, 31);
const SAMPLES: usize = 30;
const BACKGROUND_CUSTOMERS: usize = 1_000;

fn csv(n: usize, prefix: &str) -> String {
    let mut out = String::from("username,password,name,phone,address,plan,router\n");
    for i in 0..n {
        out.push_str(&format!(
            "{prefix}{i:06},sandi{i:06},Pelanggan Nomor {i},08{:010},RT {:02} RW {:02},PPP-10M,pusat\n",
            1_200_000_000u64 + i as u64,
            i % 20,
            i % 7
        ));
    }
    out
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    let index = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[index.min(sorted.len() - 1)]
}

async fn one_change() -> Result<()> {
    let platform = Platform::start().await?;
    let (_, code) = platform.create_tenant("latency", 100_000).await?;
    let desktop = Desktop::new(ROUTER)?;
    let (core, owner, file) = (
        desktop.core.clone(),
        desktop.owner.clone(),
        csv(BACKGROUND_CUSTOMERS, "latar"),
    );
    blocking(move || core.import_customers(&owner, &file)).await??;
    let customer = desktop.customer("ukur")?;
    desktop.pair(&platform.url(), &code).await?;

    let (engine, wake, mut status) = Engine::new(desktop.core.clone());
    let running = tokio::spawn(engine.run());
    tokio::time::timeout(
        Duration::from_secs(120),
        status.wait_for(|s| s.state == SyncState::Synced && s.pending == 0),
    )
    .await
    .context("the first sync")??;
    let radius = platform.start_radius().await?;
    let nas = radius.nas(ROUTER, RADIUS_SECRET);
    let n = nas.clone();
    if !blocking(move || n.auth("ukur", CUSTOMER_PASSWORD))
        .await??
        .accepted
    {
        bail!(
            "the customer is not accepted after the first sync:\n{}",
            radius.log()
        );
    }

    let mut samples = Vec::with_capacity(SAMPLES);
    let mut polls = 0usize;
    for sample in 0..SAMPLES {
        let suspend = sample % 2 == 0;
        let started = Instant::now();
        let (core, owner) = (desktop.core.clone(), desktop.owner.clone());
        blocking(move || {
            if suspend {
                core.suspend_customer(&owner, customer.id)
            } else {
                core.reactivate_customer(&owner, customer.id)
            }
        })
        .await??;
        // What the app's command layer does after every write.
        wake.notify_one();
        loop {
            let n = nas.clone();
            let reply = blocking(move || n.auth("ukur", CUSTOMER_PASSWORD)).await??;
            polls += 1;
            if reply.accepted != suspend {
                break;
            }
            if started.elapsed() > Duration::from_secs(30) {
                bail!("FreeRADIUS still answers the old state after 30 s");
            }
        }
        samples.push(started.elapsed());
    }
    running.abort();
    samples.sort();
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    println!(
        "one changed customer, save → FreeRADIUS answers the new state ({SAMPLES} samples, \
         {BACKGROUND_CUSTOMERS} other customers, {polls} radclient requests):\n  \
         median {:.0} ms, p90 {:.0} ms, min {:.0} ms, max {:.0} ms (target: median < 2000 ms)",
        ms(percentile(&samples, 0.5)),
        ms(percentile(&samples, 0.9)),
        ms(samples[0]),
        ms(samples[samples.len() - 1]),
    );
    Ok(())
}

async fn first_sync() -> Result<()> {
    const CUSTOMERS: usize = 100_000;
    let platform = Platform::start().await?;
    let (tenant, code) = platform.create_tenant("besar", 200_000).await?;
    let desktop = Desktop::new(ROUTER)?;
    let (core, owner, file) = (
        desktop.core.clone(),
        desktop.owner.clone(),
        csv(CUSTOMERS, "pelanggan"),
    );
    blocking(move || core.import_customers(&owner, &file)).await??;
    desktop.pair(&platform.url(), &code).await?;
    let pending = desktop.core.pending_changes()?;

    let started = Instant::now();
    let (engine, _wake, _status) = Engine::new(desktop.core.clone());
    let pushed = engine.sync_once().await?;
    let elapsed = started.elapsed();

    let on_platform = platform.psql(&format!(
        "SELECT count(*) FROM synced_rows WHERE tenant_id = '{tenant}' AND table_name = 'customers' AND data IS NOT NULL"
    ))?;
    let radius_users = platform.psql(&format!(
        "SELECT count(DISTINCT username) FROM radcheck WHERE tenant_id = '{tenant}'"
    ))?;
    if on_platform != CUSTOMERS.to_string() || radius_users != CUSTOMERS.to_string() {
        bail!(
            "after the first sync the platform has {on_platform} customers, {radius_users} RADIUS users"
        );
    }
    println!(
        "first sync of {CUSTOMERS} customers ({pending} rows queued, {pushed} changes pushed), \
         desktop → platform with RADIUS rows: {:.1} s (target < 60 s)",
        elapsed.as_secs_f64()
    );
    Ok(())
}

fn main() -> Result<()> {
    // `cargo bench` passes `--bench`; a test run (`cargo test --benches`) does not, and
    // then only checks that this builds.
    let args: Vec<String> = std::env::args().collect();
    if !args.iter().any(|a| a == "--bench") {
        return Ok(());
    }
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()?;
    runtime.block_on(one_change())?;
    if args.iter().any(|a| a == "--first-sync")
        || std::env::var_os("ISPDESK_BENCH_FIRST_SYNC").is_some()
    {
        runtime.block_on(first_sync())?;
    }
    Ok(())
}
