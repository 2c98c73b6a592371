//! `routeros-sim`: a simulated MikroTik router for demos and manual testing.
//!
//! ```text
//! routeros-sim [--listen 127.0.0.1:8728] [--tls [127.0.0.1:8729]] [--v6 | --v7]
//!              [--user NAME:PASSWORD]... [--identity NAME] [--demo-sessions N]
//! ```
//!
//! Without `--user` it accepts `admin` with an empty password, as a new router does. It logs
//! every connection and command to stderr (`RUST_LOG` filters), and runs until interrupted.

use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::time::Duration;

use anyhow::{Context, bail};
use routeros_api::sim::{RouterVersion, SimConfig, Simulator};

const USAGE: &str = "usage: routeros-sim [--listen ADDR] [--tls [ADDR]] [--v6 | --v7] \
                     [--user NAME:PASSWORD]... [--identity NAME] [--demo-sessions N]";

struct Args {
    config: SimConfig,
    demo_sessions: u32,
}

fn parse_args() -> anyhow::Result<Args> {
    let mut config = SimConfig::new(RouterVersion::V7);
    config.listen = SocketAddr::from(([127, 0, 0, 1], 8728));
    let mut users = Vec::new();
    let mut demo_sessions = 0;
    let mut args = std::env::args().skip(1).peekable();
    while let Some(arg) = args.next() {
        let mut value = |what: &str| args.next().with_context(|| format!("{arg} needs {what}"));
        match arg.as_str() {
            "--listen" => {
                config.listen = value("an address")?.parse().context("--listen ADDR")?;
            }
            "--tls" => {
                let address = match args.peek() {
                    Some(next) if !next.starts_with("--") => {
                        args.next().expect("peeked").parse().context("--tls ADDR")?
                    }
                    _ => SocketAddr::from(([127, 0, 0, 1], 8729)),
                };
                config.tls_listen = Some(address);
            }
            "--v6" => config.version = RouterVersion::V6,
            "--v7" => config.version = RouterVersion::V7,
            "--user" => {
                let spec = value("NAME:PASSWORD")?;
                let (name, password) = spec.split_once(':').context("--user NAME:PASSWORD")?;
                users.push((name.to_owned(), password.to_owned()));
            }
            "--identity" => config.identity = value("a name")?,
            "--demo-sessions" => {
                demo_sessions = value("a number")?.parse().context("--demo-sessions N")?;
            }
            "--help" | "-h" => {
                println!("{USAGE}");
                std::process::exit(0);
            }
            other => bail!("unknown argument {other}\n{USAGE}"),
        }
    }
    if !users.is_empty() {
        config.users = users;
    }
    Ok(Args {
        config,
        demo_sessions,
    })
}

/// Keeps `count` PPP users online and every few seconds logs one off and another on, so a demo
/// shows sessions coming and going.
async fn churn_sessions(sim: &Simulator, count: u32) {
    let address = |n: u32| IpAddr::V4(Ipv4Addr::new(10, 99, (n >> 8) as u8, n as u8));
    for n in 1..=count {
        if let Err(e) = sim.connect_ppp(&format!("demo{n}"), address(n)) {
            tracing::warn!(error = %e, "demo session refused");
        }
    }
    let mut next = count + 1;
    let mut oldest = 1;
    loop {
        tokio::time::sleep(Duration::from_secs(7)).await;
        sim.disconnect_ppp(&format!("demo{oldest}"));
        oldest += 1;
        if let Err(e) = sim.connect_ppp(&format!("demo{next}"), address(next % 65_000 + 1)) {
            tracing::warn!(error = %e, "demo session refused");
        }
        next += 1;
    }
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env().unwrap_or_else(|_| "info".into()),
        )
        .with_writer(std::io::stderr)
        .init();
    let args = parse_args()?;
    let users: Vec<&str> = args.config.users.iter().map(|(n, _)| n.as_str()).collect();
    let version = args.config.version;
    let sim = Simulator::start(args.config.clone())
        .await
        .context("starting the simulator")?;
    println!(
        "RouterOS {version:?} simulator, users: {}",
        users.join(", ")
    );
    println!("api     on {}", sim.address());
    if let (Some(address), Some(fingerprint)) = (sim.tls_address(), sim.fingerprint()) {
        println!("api-ssl on {address}, certificate fingerprint (SHA-256):\n  {fingerprint}");
    }
    if args.demo_sessions > 0 {
        churn_sessions(&sim, args.demo_sessions).await;
    }
    std::future::pending::<()>().await;
    Ok(())
}
