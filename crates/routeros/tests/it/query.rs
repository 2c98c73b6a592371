//! `print` with query words, through the client's query builder and raw stack programs.

use routeros_api::menu::{Interface, NewPppSecret, PppSecret};
use routeros_api::sim::RouterVersion;
use routeros_api::{Client, Command, Query};

use crate::{connect, start_sim};

async fn names(client: &Client, query: Query) -> Vec<String> {
    client
        .list_where::<PppSecret>(query)
        .await
        .unwrap()
        .into_iter()
        .map(|s| s.name)
        .collect()
}

async fn seeded(client: &Client) {
    for (name, service, disabled, comment) in [
        ("alice", "pppoe", false, Some("vip")),
        ("bob", "pppoe", true, None),
        ("carol", "l2tp", false, None),
        ("dave", "any", false, Some("x")),
    ] {
        client
            .add(&NewPppSecret {
                service: Some(service.into()),
                disabled: Some(disabled),
                comment: comment.map(str::to_owned),
                ..NewPppSecret::new(name, "pw")
            })
            .await
            .unwrap();
    }
}

#[tokio::test]
async fn query_words_filter_on_the_router() {
    let sim = start_sim(RouterVersion::V7).await;
    let client = connect(&sim).await;
    seeded(&client).await;

    assert_eq!(names(&client, Query::eq("name", "bob")).await, ["bob"]);
    assert_eq!(names(&client, Query::eq("disabled", "yes")).await, ["bob"]);
    assert_eq!(
        names(&client, Query::has("comment")).await,
        ["alice", "dave"]
    );
    assert_eq!(
        names(&client, Query::lacks("comment")).await,
        ["bob", "carol"]
    );
    assert_eq!(names(&client, Query::lt("name", "bob")).await, ["alice"]);
    assert_eq!(
        names(&client, Query::gt("name", "bob")).await,
        ["carol", "dave"]
    );
    assert_eq!(
        names(&client, Query::gt(".id", "*2")).await,
        ["carol", "dave"]
    );
    assert_eq!(
        names(
            &client,
            Query::eq("service", "l2tp").or(Query::eq("service", "any"))
        )
        .await,
        ["carol", "dave"]
    );
    assert_eq!(
        names(
            &client,
            Query::eq("service", "pppoe").and(Query::eq("disabled", "false"))
        )
        .await,
        ["alice"]
    );
    assert_eq!(
        names(&client, Query::eq("service", "pppoe").not()).await,
        ["carol", "dave"]
    );
    assert_eq!(
        names(&client, Query::any_of("name", &["alice", "carol", "zed"])).await,
        ["alice", "carol"]
    );
    assert!(
        names(&client, Query::any_of::<&str>("name", &[]))
            .await
            .is_empty()
    );
}

#[tokio::test]
async fn stack_programs_with_indexes() {
    let sim = start_sim(RouterVersion::V7).await;
    let client = connect(&sim).await;
    seeded(&client).await;
    // Push two tests, then keep only the deeper one: the stack replaced by index 1.
    let only_first = Query::raw(["?service=pppoe", "?name=carol", "?#1"]);
    assert_eq!(names(&client, only_first).await, ["alice", "bob"]);
    // Copy index 1 twice (each copy shifts the indexes), OR the copies, keep that alone.
    let either = Query::raw(["?service=l2tp", "?comment", "?#1.1|", "?#0"]);
    assert_eq!(names(&client, either).await, ["alice", "carol", "dave"]);
    // `.` after an operator duplicates the top: not(not-pppoe) AND itself.
    let dup = Query::raw(["?service=pppoe", "?#!!.&"]);
    assert_eq!(names(&client, dup).await, ["alice", "bob"]);
}

#[tokio::test]
async fn proplist_and_queries_together() {
    let sim = start_sim(RouterVersion::V6).await;
    let client = connect(&sim).await;
    let command = Command::new("/interface/print")
        .proplist(&["name", "running"])
        .query(Query::eq("running", "true"));
    let rows = client.command(&command).await.unwrap().rows;
    assert_eq!(rows.len(), 2);
    assert_eq!(
        rows[0].iter().collect::<Vec<_>>(),
        [("name", "ether1"), ("running", "true")]
    );
    // Typed reads need `.id` and `name`; a query still returns whole items.
    let running = client
        .list_where::<Interface>(Query::eq("running", "false"))
        .await
        .unwrap();
    assert_eq!(running.len(), 3);
}

#[tokio::test]
async fn a_bad_query_is_an_argument_trap() {
    let sim = start_sim(RouterVersion::V7).await;
    let client = connect(&sim).await;
    let err = client
        .list_where::<PppSecret>(Query::raw(["?#x"]))
        .await
        .unwrap_err();
    assert!(
        err.is_trap(routeros_api::TrapCategory::ArgumentValue),
        "{err:?}"
    );
}
