//! `listen` and `monitor-traffic` as streams, and how they end.

use std::time::Duration;

use futures_util::StreamExt;

use routeros_api::menu::{Change, HotspotActive, Interface, InterfaceChanges, PppActive};
use routeros_api::sim::RouterVersion;
use routeros_api::{Command, Error, TrapCategory};

use crate::{connect, start_sim};

async fn until_listening(sim: &routeros_api::sim::Simulator, n: usize) {
    tokio::time::timeout(Duration::from_secs(5), async {
        while sim.streaming_commands() < n {
            tokio::time::sleep(Duration::from_millis(2)).await;
        }
    })
    .await
    .expect("the router runs the stream");
}

#[tokio::test]
async fn listen_sees_sessions_come_and_go_then_cancels_cleanly() {
    let sim = start_sim(RouterVersion::V7).await;
    let client = connect(&sim).await;
    let mut sessions = client.listen::<PppActive>().unwrap();
    until_listening(&sim, 1).await;

    let id = sim
        .connect_ppp("alice", "10.0.0.2".parse().unwrap())
        .unwrap();
    match sessions.next().await {
        Some(Ok(Change::Updated(s))) => {
            assert_eq!((s.id.clone(), s.name.as_str()), (id.clone(), "alice"))
        }
        other => panic!("expected alice, got {other:?}"),
    }
    sim.disconnect_ppp("alice");
    assert_eq!(sessions.next().await.unwrap().unwrap(), Change::Removed(id));

    sessions.cancel().await.unwrap();
    assert_eq!(sim.streaming_commands(), 0);
    // The connection carries on.
    client.identity().await.unwrap();
}

#[tokio::test]
async fn dropping_a_stream_cancels_it_on_the_router() {
    let sim = start_sim(RouterVersion::V6).await;
    let client = connect(&sim).await;
    let hotspot = client.listen::<HotspotActive>().unwrap();
    let traffic = client.monitor_traffic(&["ether1"]).unwrap();
    until_listening(&sim, 2).await;
    drop(hotspot);
    drop(traffic);
    tokio::time::timeout(Duration::from_secs(5), async {
        while sim.streaming_commands() > 0 {
            tokio::time::sleep(Duration::from_millis(2)).await;
        }
    })
    .await
    .expect("the router stops both streams");
    client.identity().await.unwrap();
}

#[tokio::test]
async fn interface_listen_sees_configuration_changes() {
    let sim = start_sim(RouterVersion::V7).await;
    let client = connect(&sim).await;
    let mut changes = client.listen::<Interface>().unwrap();
    until_listening(&sim, 1).await;
    let ether2 = client.list::<Interface>().await.unwrap().remove(1);
    client
        .set(&InterfaceChanges {
            comment: Some("to the tower".into()),
            ..InterfaceChanges::new(ether2.id.clone())
        })
        .await
        .unwrap();
    match changes.next().await {
        Some(Ok(Change::Updated(i))) => assert_eq!(i.comment.as_deref(), Some("to the tower")),
        other => panic!("expected the change, got {other:?}"),
    }
    changes.cancel().await.unwrap();
}

#[tokio::test]
async fn monitor_traffic_once_reads_every_interface_asked_for() {
    let sim = start_sim(RouterVersion::V7).await;
    let client = connect(&sim).await;
    let samples = client
        .monitor_traffic_once(&["ether1", "ether3", "aggregate"])
        .await
        .unwrap();
    let names: Vec<&str> = samples.iter().map(|s| s.name.as_str()).collect();
    assert_eq!(names, ["ether1", "ether3", "aggregate"]);
    assert!(samples[0].rx_bits_per_second.unwrap() > 0);
    assert!(samples[0].tx_packets_per_second.unwrap() > 0);
    // ether3 has no link: no traffic.
    assert_eq!(samples[1].rx_bits_per_second, Some(0));
    assert!(samples[2].rx_bits_per_second >= samples[0].rx_bits_per_second);

    let err = client.monitor_traffic_once(&["wlan9"]).await.unwrap_err();
    assert!(err.is_trap(TrapCategory::ArgumentValue), "{err:?}");
}

#[tokio::test]
async fn monitor_traffic_streams_until_cancelled() {
    let sim = start_sim(RouterVersion::V7).await;
    let client = connect(&sim).await;
    let mut samples = client.monitor_traffic(&["ether1", "ether2"]).unwrap();
    let mut seen = Vec::new();
    for _ in 0..6 {
        seen.push(samples.next().await.unwrap().unwrap());
    }
    let names: Vec<&str> = seen.iter().map(|s| s.name.as_str()).collect();
    assert_eq!(
        names,
        ["ether1", "ether2", "ether1", "ether2", "ether1", "ether2"]
    );
    // The rate moves from one reading to the next.
    assert_ne!(seen[0].rx_bits_per_second, seen[4].rx_bits_per_second);
    samples.cancel().await.unwrap();
}

#[tokio::test]
async fn a_stream_with_a_duration_ends_by_itself() {
    let sim = start_sim(RouterVersion::V7).await;
    let client = connect(&sim).await;
    let command = Command::new("/interface/monitor-traffic")
        .attr("interface", "ether1")
        .attr("duration", "100ms");
    let mut rows = client.stream(&command).unwrap();
    let mut count = 0;
    while let Some(row) = rows.next().await {
        row.unwrap();
        count += 1;
    }
    assert!(count >= 2, "{count} readings");
    assert_eq!(sim.streaming_commands(), 0);
}

#[tokio::test]
async fn a_refused_stream_yields_the_trap_then_ends() {
    let sim = start_sim(RouterVersion::V7).await;
    let client = connect(&sim).await;
    let mut rows = client
        .stream(&Command::new("/interface/monitor-traffic"))
        .unwrap();
    match rows.next().await {
        Some(Err(Error::Trap { category, .. })) => {
            assert_eq!(category, Some(TrapCategory::ArgumentValue))
        }
        other => panic!("expected a trap, got {other:?}"),
    }
    assert!(rows.next().await.is_none());
}
