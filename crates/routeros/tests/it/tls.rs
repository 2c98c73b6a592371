//! api-ssl with the router's self-signed certificate pinned on first use.

use rstest::rstest;

use routeros_api::sim::RouterVersion;
use routeros_api::{Client, ConnectOptions, Error, Fingerprint};

use crate::{PASSWORD, USER, start_sim};

fn tls_options(sim: &routeros_api::sim::Simulator, pinned: Option<Fingerprint>) -> ConnectOptions {
    ConnectOptions::new("127.0.0.1", USER, PASSWORD)
        .tls(pinned)
        .port(sim.tls_address().unwrap().port())
}

#[rstest]
#[case(RouterVersion::V6)]
#[case(RouterVersion::V7)]
#[tokio::test]
async fn first_contact_reveals_the_fingerprint_and_pinning_it_works(
    #[case] version: RouterVersion,
) {
    let sim = start_sim(version).await;
    let fingerprint = match Client::connect(&tls_options(&sim, None)).await {
        Err(Error::CertificateUnknown { fingerprint }) => fingerprint,
        other => panic!("expected an unknown certificate, got {other:?}"),
    };
    assert_eq!(Some(fingerprint), sim.fingerprint());
    // What the user confirms round-trips through its text form.
    let confirmed: Fingerprint = fingerprint.to_string().parse().unwrap();

    let client = Client::connect(&tls_options(&sim, Some(confirmed)))
        .await
        .unwrap();
    assert_eq!(client.identity().await.unwrap().name, "MikroTik");
    assert_eq!(
        client
            .monitor_traffic_once(&["ether1"])
            .await
            .unwrap()
            .len(),
        1
    );
}

#[tokio::test]
async fn a_different_certificate_is_refused() {
    let router = start_sim(RouterVersion::V7).await;
    let impostor = start_sim(RouterVersion::V7).await;
    let pinned = router.fingerprint().unwrap();
    match Client::connect(&tls_options(&impostor, Some(pinned))).await {
        Err(Error::CertificateMismatch { expected, actual }) => {
            assert_eq!(expected, pinned);
            assert_eq!(Some(actual), impostor.fingerprint());
        }
        other => panic!("expected a mismatch, got {other:?}"),
    }
}
