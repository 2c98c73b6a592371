//! A router that stalls, drops the connection or ends the session: errors, never hangs.

use std::time::{Duration, Instant};

use futures_util::StreamExt;

use routeros_api::menu::PppActive;
use routeros_api::sim::{Fault, RouterVersion};
use routeros_api::{Client, Command, Error};

use crate::{connect, options, start_sim};

#[tokio::test]
async fn a_stalled_router_hits_the_command_timeout_and_the_connection_recovers() {
    let sim = start_sim(RouterVersion::V7).await;
    let client = Client::connect(&options(&sim).command_timeout(Duration::from_millis(200)))
        .await
        .unwrap();
    sim.set_fault(Fault::Stall);
    let started = Instant::now();
    match client.identity().await {
        Err(Error::Timeout { waiting_for, after }) => {
            assert_eq!(waiting_for, "/system/identity/print");
            assert_eq!(after, Duration::from_millis(200));
        }
        other => panic!("expected a timeout, got {other:?}"),
    }
    assert!(started.elapsed() < Duration::from_secs(2));
    sim.set_fault(Fault::None);
    // The late answer to the abandoned command is dropped; the next command gets its own.
    assert_eq!(client.identity().await.unwrap().name, "MikroTik");
}

#[tokio::test]
async fn a_stalled_router_hits_the_connect_timeout() {
    let sim = start_sim(RouterVersion::V6).await;
    sim.set_fault(Fault::Stall);
    let options = options(&sim).connect_timeout(Duration::from_millis(200));
    assert!(matches!(
        Client::connect(&options).await,
        Err(Error::Timeout { .. })
    ));
}

#[tokio::test]
async fn a_connection_dropped_mid_command_is_an_error_not_a_hang() {
    let sim = start_sim(RouterVersion::V7).await;
    let client = connect(&sim).await;
    sim.set_fault(Fault::DropOnCommand);
    let started = Instant::now();
    let err = client.identity().await.unwrap_err();
    assert!(matches!(err, Error::ConnectionLost { .. }), "{err:?}");
    assert!(started.elapsed() < Duration::from_secs(2));
    assert!(client.is_closed());
    // Later commands fail at once with the same cause.
    assert!(matches!(
        client.identity().await,
        Err(Error::ConnectionLost { .. })
    ));
}

#[tokio::test]
async fn every_waiting_command_and_stream_learns_of_a_drop() {
    let sim = start_sim(RouterVersion::V7).await;
    let client = connect(&sim).await;
    let mut sessions = client.listen::<PppActive>().unwrap();
    sim.set_fault(Fault::Stall);
    let waiting: Vec<_> = (0..10)
        .map(|_| {
            let client = client.clone();
            tokio::spawn(async move { client.identity().await })
        })
        .collect();
    tokio::time::sleep(Duration::from_millis(50)).await;
    sim.drop_connections();
    for task in waiting {
        assert!(matches!(
            task.await.unwrap(),
            Err(Error::ConnectionLost { .. })
        ));
    }
    assert!(matches!(
        sessions.next().await,
        Some(Err(Error::ConnectionLost { .. }))
    ));
    assert!(sessions.next().await.is_none());
}

#[tokio::test]
async fn fatal_ends_the_session_for_everyone() {
    let sim = start_sim(RouterVersion::V6).await;
    let client = connect(&sim).await;
    let mut sessions = client.listen::<PppActive>().unwrap();
    match client.command(&Command::new("/quit")).await {
        Err(Error::Fatal { reason }) => assert_eq!(reason, "session terminated on request"),
        other => panic!("expected !fatal, got {other:?}"),
    }
    assert!(matches!(
        sessions.next().await,
        Some(Err(Error::Fatal { .. }))
    ));
    assert!(matches!(client.identity().await, Err(Error::Fatal { .. })));
}

#[tokio::test]
async fn dropping_the_last_client_closes_the_connection() {
    let sim = start_sim(RouterVersion::V7).await;
    let client = connect(&sim).await;
    let clone = client.clone();
    assert_eq!(sim.connections(), 1);
    drop(client);
    clone.identity().await.unwrap();
    drop(clone);
    tokio::time::timeout(Duration::from_secs(5), async {
        while sim.connections() > 0 {
            tokio::time::sleep(Duration::from_millis(2)).await;
        }
    })
    .await
    .expect("the connection closes");
}
