//! Many commands in flight on one connection, told apart by `.tag`.

use futures_util::StreamExt;
use futures_util::future::join_all;

use routeros_api::menu::{Change, NewPppSecret, PppActive, PppSecret};
use routeros_api::sim::RouterVersion;
use routeros_api::{Command, Query};

use crate::{connect, start_sim};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_hundred_commands_in_flight_each_get_their_own_answer() {
    let sim = start_sim(RouterVersion::V7).await;
    let client = connect(&sim).await;
    let adds = (0..200).map(|i| {
        let client = client.clone();
        async move {
            client
                .add(&NewPppSecret::new(format!("user{i:03}"), format!("pw{i}")))
                .await
        }
    });
    let ids: Vec<_> = join_all(adds)
        .await
        .into_iter()
        .map(Result::unwrap)
        .collect();
    let mut unique = ids.clone();
    unique.sort();
    unique.dedup();
    assert_eq!(unique.len(), 200);

    // Ask for each one by name, all at once: every answer must be the one asked for.
    let reads = (0..200).map(|i| {
        let client = client.clone();
        async move {
            let name = format!("user{i:03}");
            let found = client
                .list_where::<PppSecret>(Query::eq("name", &name))
                .await
                .unwrap();
            (name, found)
        }
    });
    for (name, found) in join_all(reads).await {
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].name, name);
        let i: u32 = name["user".len()..].parse().unwrap();
        assert_eq!(found[0].password, Some(format!("pw{i}")));
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn commands_run_while_a_stream_is_open() {
    let sim = start_sim(RouterVersion::V7).await;
    let client = connect(&sim).await;
    let mut sessions = client.listen::<PppActive>().unwrap();
    for _ in 0..20 {
        client
            .command(&Command::new("/system/resource/print"))
            .await
            .unwrap();
    }
    while sim.streaming_commands() == 0 {
        tokio::task::yield_now().await;
    }
    sim.connect_ppp("alice", "10.0.0.2".parse().unwrap())
        .unwrap();
    match sessions.next().await {
        Some(Ok(Change::Updated(active))) => assert_eq!(active.name, "alice"),
        other => panic!("expected alice's session, got {other:?}"),
    }
    sessions.cancel().await.unwrap();
    client
        .command(&Command::new("/system/identity/print"))
        .await
        .unwrap();
}
