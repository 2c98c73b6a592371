//! Logging in both ways, and refusals.

use std::time::Duration;

use rstest::rstest;

use routeros_api::sim::RouterVersion;
use routeros_api::{Client, ConnectOptions, Error};

use crate::{PASSWORD, USER, connect, options, start_sim};

#[rstest]
#[case::v6_challenge(RouterVersion::V6)]
#[case::v7_plain(RouterVersion::V7)]
#[tokio::test]
async fn hybrid_login_works_on_both_generations(#[case] version: RouterVersion) {
    let sim = start_sim(version).await;
    let client = connect(&sim).await;
    assert_eq!(client.identity().await.unwrap().name, "MikroTik");
    let major = client
        .system_resource()
        .await
        .unwrap()
        .version()
        .unwrap()
        .major;
    assert_eq!(major, if version == RouterVersion::V6 { 6 } else { 7 });
}

#[rstest]
#[case::v6_wrong_password(RouterVersion::V6, USER, "wrong", "cannot log in")]
#[case::v7_wrong_password(RouterVersion::V7, USER, "wrong", "invalid user name or password (6)")]
#[case::v6_unknown_user(RouterVersion::V6, "nobody", PASSWORD, "cannot log in")]
#[case::v7_unknown_user(
    RouterVersion::V7,
    "nobody",
    PASSWORD,
    "invalid user name or password (6)"
)]
#[tokio::test]
async fn bad_credentials_are_refused(
    #[case] version: RouterVersion,
    #[case] user: &str,
    #[case] password: &str,
    #[case] expected: &str,
) {
    let sim = start_sim(version).await;
    let options = ConnectOptions::new("127.0.0.1", user, password).port(sim.address().port());
    match Client::connect(&options).await {
        Err(Error::LoginFailed { message }) => assert_eq!(message, expected),
        other => panic!("expected a refused login, got {other:?}"),
    }
}

#[tokio::test]
async fn the_default_admin_with_an_empty_password_logs_in() {
    let sim = start_sim(RouterVersion::V6).await;
    let options = ConnectOptions::new("127.0.0.1", "admin", "").port(sim.address().port());
    Client::connect(&options).await.unwrap();
}

#[tokio::test]
async fn a_closed_port_is_unreachable() {
    let port = {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        listener.local_addr().unwrap().port()
    };
    let options = ConnectOptions::new("127.0.0.1", USER, PASSWORD)
        .port(port)
        .connect_timeout(Duration::from_secs(2));
    assert!(matches!(
        Client::connect(&options).await,
        Err(Error::Unreachable { .. })
    ));
}

#[tokio::test]
async fn the_password_never_shows_in_debug_output() {
    let sim = start_sim(RouterVersion::V7).await;
    let shown = format!("{:?}", options(&sim));
    assert!(!shown.contains(PASSWORD), "{shown}");
    assert!(shown.contains(USER));
}
