//! Provisioning 1,000 PPP secrets into the simulator over loopback: pipelined with tags (the
//! target is under 1 s) against one command at a time.

use std::time::{Duration, Instant};

use criterion::{Criterion, criterion_group, criterion_main};
use futures_util::future::join_all;

use routeros_api::menu::NewPppSecret;
use routeros_api::sim::{RouterVersion, SimConfig, Simulator};
use routeros_api::{Client, ConnectOptions};

const SECRETS: usize = 1_000;

fn secrets() -> Vec<NewPppSecret> {
    (0..SECRETS)
        .map(|i| NewPppSecret {
            service: Some("pppoe".into()),
            profile: Some("default".into()),
            comment: Some(format!("customer {i}")),
            ..NewPppSecret::new(format!("pelanggan-{i:05}"), format!("rahasia-{i}"))
        })
        .collect()
}

async fn fresh_router() -> (Simulator, Client) {
    let sim = Simulator::start(SimConfig::new(RouterVersion::V7))
        .await
        .expect("the simulator starts");
    let options = ConnectOptions::new("127.0.0.1", "admin", "").port(sim.address().port());
    let client = Client::connect(&options).await.expect("the client logs in");
    (sim, client)
}

async fn pipelined(client: &Client, secrets: &[NewPppSecret]) {
    let adds = secrets.iter().map(|s| client.add(s));
    for id in join_all(adds).await {
        id.expect("the router adds the secret");
    }
}

async fn one_at_a_time(client: &Client, secrets: &[NewPppSecret]) {
    for secret in secrets {
        client
            .add(secret)
            .await
            .expect("the router adds the secret");
    }
}

fn provision(c: &mut Criterion) {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("a tokio runtime");
    let secrets = secrets();
    let mut group = c.benchmark_group("provision_1000_ppp_secrets");
    group
        .sample_size(10)
        .measurement_time(Duration::from_secs(10));
    group.bench_function("pipelined", |b| {
        b.to_async(&runtime).iter_custom(|iters| {
            let secrets = secrets.clone();
            async move {
                let mut total = Duration::ZERO;
                for _ in 0..iters {
                    let (_sim, client) = fresh_router().await;
                    let started = Instant::now();
                    pipelined(&client, &secrets).await;
                    total += started.elapsed();
                }
                total
            }
        })
    });
    group.bench_function("one_at_a_time", |b| {
        b.to_async(&runtime).iter_custom(|iters| {
            let secrets = secrets.clone();
            async move {
                let mut total = Duration::ZERO;
                for _ in 0..iters {
                    let (_sim, client) = fresh_router().await;
                    let started = Instant::now();
                    one_at_a_time(&client, &secrets).await;
                    total += started.elapsed();
                }
                total
            }
        })
    });
    group.finish();
}

criterion_group!(benches, provision);
criterion_main!(benches);
