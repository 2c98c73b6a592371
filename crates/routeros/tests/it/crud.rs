//! Reading and writing every modelled menu through the typed layer.

use std::net::{IpAddr, Ipv4Addr};
use std::time::Duration;

use rstest::rstest;

use routeros_api::menu::*;
use routeros_api::sim::RouterVersion;
use routeros_api::value::RatePair;
use routeros_api::{Command, Error, ItemId, TrapCategory};

use crate::{connect, start_sim};

fn ip(s: &str) -> IpAddr {
    s.parse().unwrap()
}

#[rstest]
#[case(RouterVersion::V6)]
#[case(RouterVersion::V7)]
#[tokio::test]
async fn system_resource_and_identity(#[case] version: RouterVersion) {
    let sim = start_sim(version).await;
    let client = connect(&sim).await;
    let resource = client.system_resource().await.unwrap();
    assert!(resource.uptime.is_some());
    // Both date formats parse: `Feb/08/2019 …` on v6, ISO on v7.
    assert!(resource.build_time.is_some(), "{resource:?}");
    assert!(resource.total_memory.unwrap() > resource.free_memory.unwrap());
    assert!(resource.cpu_load.unwrap() <= 100);
    assert_eq!(resource.platform.as_deref(), Some("MikroTik"));

    client.set_identity("Tower-7").await.unwrap();
    assert_eq!(client.identity().await.unwrap().name, "Tower-7");
}

#[tokio::test]
async fn ppp_secrets_crud() {
    let sim = start_sim(RouterVersion::V7).await;
    let client = connect(&sim).await;
    assert!(client.list::<PppSecret>().await.unwrap().is_empty());

    let alice = client
        .add(&NewPppSecret {
            service: Some("pppoe".into()),
            remote_address: Some(Ipv4Addr::new(10, 0, 0, 2)),
            comment: Some("paket=10M".into()),
            ..NewPppSecret::new("alice", "pw1")
        })
        .await
        .unwrap();
    let bob = client.add(&NewPppSecret::new("bob", "pw2")).await.unwrap();
    // IDs count up in hex, like a router's.
    assert_eq!((alice.as_str(), bob.as_str()), ("*1", "*2"));

    let secrets = client.list::<PppSecret>().await.unwrap();
    assert_eq!(secrets.len(), 2);
    let a = &secrets[0];
    assert_eq!(a.name, "alice");
    assert_eq!(a.password.as_deref(), Some("pw1"));
    assert_eq!(a.service.as_deref(), Some("pppoe"));
    assert_eq!(a.profile.as_deref(), Some("default"));
    assert_eq!(a.remote_address, Some(Ipv4Addr::new(10, 0, 0, 2)));
    assert_eq!(a.comment.as_deref(), Some("paket=10M"));
    assert!(!a.disabled);

    client
        .set(&PppSecretChanges {
            password: Some("pw1-new".into()),
            comment: Some(String::new()),
            ..PppSecretChanges::new(alice.clone())
        })
        .await
        .unwrap();
    client.disable::<PppSecret>(&alice).await.unwrap();
    let a = &client.list::<PppSecret>().await.unwrap()[0];
    assert_eq!(a.password.as_deref(), Some("pw1-new"));
    assert_eq!(a.comment, None);
    assert!(a.disabled);
    client.enable::<PppSecret>(&alice).await.unwrap();
    assert!(!client.list::<PppSecret>().await.unwrap()[0].disabled);

    client.remove::<PppSecret>(&alice).await.unwrap();
    let names: Vec<String> = client
        .list::<PppSecret>()
        .await
        .unwrap()
        .into_iter()
        .map(|s| s.name)
        .collect();
    assert_eq!(names, ["bob"]);
    // A removed ID is not reused.
    let carol = client
        .add(&NewPppSecret::new("carol", "pw3"))
        .await
        .unwrap();
    assert_eq!(carol.as_str(), "*3");
}

#[tokio::test]
async fn ppp_secret_refusals_carry_the_routers_categories() {
    let sim = start_sim(RouterVersion::V7).await;
    let client = connect(&sim).await;
    client.add(&NewPppSecret::new("alice", "pw")).await.unwrap();

    match client.add(&NewPppSecret::new("alice", "other")).await {
        Err(Error::Trap {
            category,
            message,
            command,
        }) => {
            assert_eq!(category, None);
            assert_eq!(message, "failure: secret with the same name already exists");
            assert_eq!(command, "/ppp/secret/add");
        }
        other => panic!("expected a duplicate trap, got {other:?}"),
    }
    let bad_profile = NewPppSecret {
        profile: Some("no-such-profile".into()),
        ..NewPppSecret::new("dave", "pw")
    };
    let err = client.add(&bad_profile).await.unwrap_err();
    assert!(err.is_trap(TrapCategory::ArgumentValue), "{err:?}");
    assert!(
        err.to_string()
            .contains("input does not match any value of profile")
    );

    let bad_service = NewPppSecret {
        service: Some("carrier-pigeon".into()),
        ..NewPppSecret::new("erin", "pw")
    };
    assert!(
        client
            .add(&bad_service)
            .await
            .unwrap_err()
            .is_trap(TrapCategory::ArgumentValue)
    );

    let err = client
        .remove::<PppSecret>(&ItemId::new("*99"))
        .await
        .unwrap_err();
    assert!(err.is_trap(TrapCategory::MissingItemOrCommand), "{err:?}");
    // Renaming onto an existing name is a duplicate too.
    let frank = client.add(&NewPppSecret::new("frank", "pw")).await.unwrap();
    let rename = PppSecretChanges {
        name: Some("alice".into()),
        ..PppSecretChanges::new(frank)
    };
    assert!(matches!(
        client.set(&rename).await,
        Err(Error::Trap { category: None, .. })
    ));
}

#[tokio::test]
async fn ppp_profiles_crud_and_builtins() {
    let sim = start_sim(RouterVersion::V7).await;
    let client = connect(&sim).await;
    let builtins = client.list::<PppProfile>().await.unwrap();
    let names: Vec<&str> = builtins.iter().map(|p| p.name.as_str()).collect();
    assert_eq!(names, ["default", "default-encryption"]);
    assert!(builtins.iter().all(|p| p.builtin));
    assert_eq!(builtins[0].id.as_str(), "*0");

    client
        .add(&NewIpPool {
            name: "pppoe-pool".into(),
            ranges: vec!["10.10.0.2-10.10.0.254".into()],
            next_pool: None,
            comment: None,
        })
        .await
        .unwrap();
    let id = client
        .add(&NewPppProfile {
            local_address: Some("10.10.0.1".into()),
            remote_address: Some("pppoe-pool".into()),
            rate_limit: Some("2M/10M".into()),
            only_one: Some(true),
            session_timeout: Some(Duration::from_secs(86_400)),
            ..NewPppProfile::new("10M")
        })
        .await
        .unwrap();
    let profile = client
        .list::<PppProfile>()
        .await
        .unwrap()
        .into_iter()
        .find(|p| p.id == id)
        .unwrap();
    assert_eq!(profile.remote_address.as_deref(), Some("pppoe-pool"));
    assert_eq!(profile.rate_limit.as_deref(), Some("2M/10M"));
    assert_eq!(profile.only_one.as_deref(), Some("yes"));
    assert_eq!(profile.session_timeout, Some(Duration::from_secs(86_400)));
    assert!(!profile.builtin);

    client
        .set(&PppProfileChanges {
            rate_limit: Some("5M/20M".into()),
            ..PppProfileChanges::new(id.clone())
        })
        .await
        .unwrap();
    let unknown_pool = PppProfileChanges {
        remote_address: Some("no-such-pool".into()),
        ..PppProfileChanges::new(id.clone())
    };
    assert!(
        client
            .set(&unknown_pool)
            .await
            .unwrap_err()
            .is_trap(TrapCategory::ArgumentValue)
    );
    assert!(matches!(
        client.remove::<PppProfile>(&builtins[0].id).await,
        Err(Error::Trap { .. })
    ));
    client.remove::<PppProfile>(&id).await.unwrap();
    assert_eq!(client.list::<PppProfile>().await.unwrap().len(), 2);
}

#[tokio::test]
async fn hotspot_users_and_profiles_crud() {
    let sim = start_sim(RouterVersion::V6).await;
    let client = connect(&sim).await;
    let profile = client
        .add(&NewHotspotUserProfile {
            rate_limit: Some("1M/2M".into()),
            shared_users: Some("2".into()),
            ..NewHotspotUserProfile::new("voucher-1d")
        })
        .await
        .unwrap();
    let user = client
        .add(&NewHotspotUser {
            password: Some("1234".into()),
            profile: Some("voucher-1d".into()),
            limit_uptime: Some(Duration::from_secs(86_400)),
            limit_bytes_total: Some(1 << 30),
            mac_address: Some("aa:bb:cc:dd:ee:ff".into()),
            ..NewHotspotUser::new("v-8821")
        })
        .await
        .unwrap();
    let users = client.list::<HotspotUser>().await.unwrap();
    assert_eq!(users.len(), 1);
    let u = &users[0];
    assert_eq!((u.id.clone(), u.name.as_str()), (user.clone(), "v-8821"));
    assert_eq!(u.profile.as_deref(), Some("voucher-1d"));
    assert_eq!(u.limit_uptime, Some(Duration::from_secs(86_400)));
    assert_eq!(u.limit_bytes_total, Some(1 << 30));
    assert_eq!(u.mac_address.as_deref(), Some("AA:BB:CC:DD:EE:FF"));
    assert_eq!(u.bytes_in, Some(0));

    client
        .set(&HotspotUserChanges {
            limit_uptime: Some(Duration::from_secs(3_600)),
            ..HotspotUserChanges::new(user.clone())
        })
        .await
        .unwrap();
    client.disable::<HotspotUser>(&user).await.unwrap();
    let u = &client.list::<HotspotUser>().await.unwrap()[0];
    assert_eq!(u.limit_uptime, Some(Duration::from_secs(3_600)));
    assert!(u.disabled);

    let profiles = client.list::<HotspotUserProfile>().await.unwrap();
    assert_eq!(profiles.len(), 2);
    let p = profiles.iter().find(|p| p.id == profile).unwrap();
    assert_eq!(p.rate_limit.as_deref(), Some("1M/2M"));
    assert_eq!(p.shared_users.as_deref(), Some("2"));
    client
        .set(&HotspotUserProfileChanges {
            rate_limit: Some("2M/4M".into()),
            ..HotspotUserProfileChanges::new(profile.clone())
        })
        .await
        .unwrap();

    client.remove::<HotspotUser>(&user).await.unwrap();
    client.remove::<HotspotUserProfile>(&profile).await.unwrap();
    assert!(client.list::<HotspotUser>().await.unwrap().is_empty());
}

#[tokio::test]
async fn simple_queues_crud() {
    let sim = start_sim(RouterVersion::V7).await;
    let client = connect(&sim).await;
    let id = client
        .add(&NewSimpleQueue {
            max_limit: Some(RatePair::new(5_000_000, 10_000_000)),
            comment: Some("alice".into()),
            ..NewSimpleQueue::new("alice", "10.0.0.2/32")
        })
        .await
        .unwrap();
    let q = &client.list::<SimpleQueue>().await.unwrap()[0];
    assert_eq!(q.id, id);
    assert_eq!(q.target.as_deref(), Some("10.0.0.2/32"));
    assert_eq!(q.max_limit, Some(RatePair::new(5_000_000, 10_000_000)));
    assert_eq!(q.limit_at, Some(RatePair::new(0, 0)));
    assert!(!q.dynamic);

    client
        .set(&SimpleQueueChanges {
            max_limit: Some(RatePair::new(1_500_000, 3_000_000)),
            ..SimpleQueueChanges::new(id.clone())
        })
        .await
        .unwrap();
    client.disable::<SimpleQueue>(&id).await.unwrap();
    let q = &client.list::<SimpleQueue>().await.unwrap()[0];
    assert_eq!(q.max_limit, Some(RatePair::new(1_500_000, 3_000_000)));
    assert!(q.disabled);
    let dup = client
        .add(&NewSimpleQueue::new("alice", "10.0.0.3/32"))
        .await;
    assert!(matches!(dup, Err(Error::Trap { category: None, .. })));
    client.remove::<SimpleQueue>(&id).await.unwrap();
    assert!(client.list::<SimpleQueue>().await.unwrap().is_empty());
}

#[tokio::test]
async fn ip_pools_crud() {
    let sim = start_sim(RouterVersion::V7).await;
    let client = connect(&sim).await;
    let id = client
        .add(&NewIpPool {
            name: "hotspot".into(),
            ranges: vec!["10.5.50.2-10.5.50.254".into(), "10.5.51.10".into()],
            next_pool: None,
            comment: None,
        })
        .await
        .unwrap();
    let pool = &client.list::<IpPool>().await.unwrap()[0];
    assert_eq!(pool.ranges, ["10.5.50.2-10.5.50.254", "10.5.51.10"]);
    assert_eq!(pool.next_pool, None);
    client
        .set(&IpPoolChanges {
            ranges: Some(vec!["10.5.52.2-10.5.52.254".into()]),
            ..IpPoolChanges::new(id.clone())
        })
        .await
        .unwrap();
    assert_eq!(
        client.list::<IpPool>().await.unwrap()[0].ranges,
        ["10.5.52.2-10.5.52.254"]
    );
    client.remove::<IpPool>(&id).await.unwrap();
    assert!(client.list::<IpPool>().await.unwrap().is_empty());
}

#[tokio::test]
async fn radius_servers_crud() {
    let sim = start_sim(RouterVersion::V7).await;
    let client = connect(&sim).await;
    let id = client
        .add(&NewRadiusServer {
            timeout: Some(Duration::from_millis(1_500)),
            ..NewRadiusServer::new(&["ppp", "hotspot"], ip("203.0.113.10"), "radsecret")
        })
        .await
        .unwrap();
    let r = &client.list::<RadiusServer>().await.unwrap()[0];
    assert_eq!(r.service, ["ppp", "hotspot"]);
    assert_eq!(r.address, Some(ip("203.0.113.10")));
    assert_eq!(r.secret.as_deref(), Some("radsecret"));
    assert_eq!(r.authentication_port, Some(1812));
    assert_eq!(r.accounting_port, Some(1813));
    assert_eq!(r.timeout, Some(Duration::from_millis(1_500)));
    client
        .set(&RadiusServerChanges {
            require_message_auth: Some("yes-for-request-resp".into()),
            ..RadiusServerChanges::new(id.clone())
        })
        .await
        .unwrap();
    client.disable::<RadiusServer>(&id).await.unwrap();
    let r = &client.list::<RadiusServer>().await.unwrap()[0];
    assert_eq!(
        r.require_message_auth.as_deref(),
        Some("yes-for-request-resp")
    );
    assert!(r.disabled);
    let bad = NewRadiusServer::new(&["telepathy"], ip("203.0.113.11"), "x");
    assert!(
        client
            .add(&bad)
            .await
            .unwrap_err()
            .is_trap(TrapCategory::ArgumentValue)
    );
    client.remove::<RadiusServer>(&id).await.unwrap();
    assert!(client.list::<RadiusServer>().await.unwrap().is_empty());
}

#[tokio::test]
async fn interfaces_read_set_and_toggle() {
    let sim = start_sim(RouterVersion::V7).await;
    let client = connect(&sim).await;
    let interfaces = client.list::<Interface>().await.unwrap();
    let names: Vec<&str> = interfaces.iter().map(|i| i.name.as_str()).collect();
    assert_eq!(names, ["ether1", "ether2", "ether3", "ether4", "ether5"]);
    let ether1 = interfaces[0].clone();
    assert!(ether1.running);
    assert_eq!(ether1.kind.as_deref(), Some("ether"));

    client
        .set(&InterfaceChanges {
            comment: Some("uplink".into()),
            ..InterfaceChanges::new(ether1.id.clone())
        })
        .await
        .unwrap();
    client.disable::<Interface>(&ether1.id).await.unwrap();
    let now = &client.list::<Interface>().await.unwrap()[0];
    assert_eq!(now.comment.as_deref(), Some("uplink"));
    assert!(now.disabled);
    // Interfaces cannot be added or removed through /interface itself.
    let remove = Command::new("/interface/remove").attr(".id", &ether1.id);
    let err = client.command(&remove).await.unwrap_err();
    assert!(err.is_trap(TrapCategory::MissingItemOrCommand), "{err:?}");
}

#[tokio::test]
async fn active_sessions_are_listed_and_kicked() {
    let sim = start_sim(RouterVersion::V7).await;
    let client = connect(&sim).await;
    client
        .add(&NewPppProfile {
            rate_limit: Some("2M/10M".into()),
            ..NewPppProfile::new("10M")
        })
        .await
        .unwrap();
    client
        .add(&NewPppSecret {
            service: Some("pppoe".into()),
            profile: Some("10M".into()),
            ..NewPppSecret::new("alice", "pw")
        })
        .await
        .unwrap();
    sim.connect_ppp("alice", ip("10.0.0.2")).unwrap();
    sim.connect_ppp("radius-user", ip("10.0.0.3")).unwrap();

    let active = client.list::<PppActive>().await.unwrap();
    assert_eq!(active.len(), 2);
    let alice = &active[0];
    assert_eq!(alice.name, "alice");
    assert_eq!(alice.service.as_deref(), Some("pppoe"));
    assert_eq!(alice.address, Some(ip("10.0.0.2")));
    assert_eq!(alice.radius, Some(false));
    assert_eq!(active[1].radius, Some(true));
    assert!(
        alice.id.number().unwrap() > 0x8000_0000,
        "dynamic IDs come from the top half"
    );
    assert!(alice.caller_id.is_some() && alice.uptime.is_some());

    // The session brings its interface and, from the profile's rate limit, its queue.
    let queue = client
        .list::<SimpleQueue>()
        .await
        .unwrap()
        .into_iter()
        .find(|q| q.name == "<pppoe-alice>")
        .expect("a dynamic queue");
    assert!(queue.dynamic);
    assert_eq!(queue.max_limit, Some(RatePair::new(2_000_000, 10_000_000)));
    assert!(
        client
            .list::<Interface>()
            .await
            .unwrap()
            .iter()
            .any(|i| i.name == "<pppoe-alice>" && i.dynamic)
    );

    client.remove::<PppActive>(&alice.id).await.unwrap();
    let active = client.list::<PppActive>().await.unwrap();
    assert_eq!(active.len(), 1);
    assert!(client.list::<SimpleQueue>().await.unwrap().is_empty());

    // A disabled secret cannot log in.
    let secret = client.list::<PppSecret>().await.unwrap().remove(0);
    client.disable::<PppSecret>(&secret.id).await.unwrap();
    assert!(sim.connect_ppp("alice", ip("10.0.0.2")).is_err());

    sim.connect_hotspot("v-1", ip("10.5.50.7"), "aa:bb:cc:00:11:22")
        .unwrap();
    let hotspot = client.list::<HotspotActive>().await.unwrap();
    assert_eq!(hotspot.len(), 1);
    assert_eq!(hotspot[0].user, "v-1");
    assert_eq!(hotspot[0].mac_address.as_deref(), Some("AA:BB:CC:00:11:22"));
    client
        .remove::<HotspotActive>(&hotspot[0].id)
        .await
        .unwrap();
    assert!(client.list::<HotspotActive>().await.unwrap().is_empty());
}

#[tokio::test]
async fn interface_counters_move() {
    let sim = start_sim(RouterVersion::V7).await;
    let client = connect(&sim).await;
    let before = client.list::<Interface>().await.unwrap()[0]
        .rx_byte
        .unwrap();
    tokio::time::sleep(Duration::from_millis(50)).await;
    let after = client.list::<Interface>().await.unwrap()[0]
        .rx_byte
        .unwrap();
    assert!(after > before, "{before} -> {after}");
}
