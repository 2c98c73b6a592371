//! Reconciliation as a property, against the simulator over TCP: random desired states
//! against random router states (with the ISP's own items among the app's) converge in one
//! apply, and the ISP's own items are never touched.

use std::collections::BTreeMap;

use ispdesk_domain::CustomerId;
use ispdesk_domain::customer::CustomerStatus;
use ispdesk_domain::plan::ServiceType;
use ispdesk_domain::provisioning::{
    ItemKind, MARKER, ProfileRecord, Subscriber, desired_state, diff,
};
use ispdesk_routers::{apply, read_items};
use proptest::prelude::*;
use routeros_api::Command;
use routeros_api::sim::RouterVersion;

use crate::{client, start_sim};

const PROFILES: &[&str] = &["p-a", "p-b", "p-c", "isp-own"];
const USERS: &[&str] = &["u1", "u2", "u3", "u4", "u5", "isp-user"];

fn service() -> impl Strategy<Value = ServiceType> {
    prop::sample::select(vec![ServiceType::Pppoe, ServiceType::Hotspot])
}

fn rate() -> impl Strategy<Value = Option<String>> {
    prop::option::of(
        prop::sample::select(vec!["1M/2M", "5M/10M", "512k/1M"]).prop_map(str::to_owned),
    )
}

fn records() -> impl Strategy<Value = Vec<ProfileRecord>> {
    prop::collection::btree_map(
        (prop::sample::select(&PROFILES[..3]), any::<bool>()),
        (any::<bool>(), rate(), prop::option::of(60u32..100_000)),
        0..4,
    )
    .prop_map(|m| {
        m.into_iter()
            .map(|((name, ppp), (pooled, rate, timeout))| ProfileRecord {
                service: if ppp {
                    ServiceType::Pppoe
                } else {
                    ServiceType::Hotspot
                },
                id: format!("rec-{name}"),
                name: name.to_owned(),
                pool: pooled.then(|| "pool-a".to_owned()),
                local_address: if pooled {
                    "10.1.0.1".into()
                } else {
                    String::new()
                },
                dns_servers: String::new(),
                session_timeout_s: timeout,
                shared_users: if pooled { 1 } else { 3 },
                rate_limit: rate,
            })
            .collect()
    })
}

fn subscribers() -> impl Strategy<Value = Vec<Subscriber>> {
    prop::collection::btree_map(
        prop::sample::select(&USERS[..5]),
        (
            service(),
            prop::sample::select(CustomerStatus::ALL.to_vec()),
            prop::option::of(prop::sample::select(&PROFILES[..3])),
            rate(),
        ),
        0..6,
    )
    .prop_map(|m| {
        m.into_iter()
            .map(|(name, (service, status, profile, rate))| Subscriber {
                customer_id: CustomerId::new(),
                username: name.to_owned(),
                password: format!("pw-{name}"),
                service,
                status,
                profile: profile.map(str::to_owned),
                plan_rate_limit: rate,
            })
            .collect()
    })
}

/// What the router holds before: (menu kind, name) → (ours?, a value to make it differ,
/// disabled).
fn router_items() -> impl Strategy<Value = BTreeMap<(ItemKind, &'static str), (bool, String, bool)>>
{
    let kind = prop::sample::select(ItemKind::ALL.to_vec());
    let name = prop::sample::select(PROFILES.iter().chain(USERS).copied().collect::<Vec<_>>());
    prop::collection::btree_map(
        (kind, name),
        (any::<bool>(), "[a-z]{4,6}", any::<bool>()),
        0..14,
    )
    .prop_map(|m| {
        // Profiles carry profile names, users user names.
        m.into_iter()
            .filter(|((kind, name), _)| kind.is_profile() == PROFILES.contains(name))
            .collect()
    })
}

async fn seed(
    sim: &routeros_api::sim::Simulator,
    items: &BTreeMap<(ItemKind, &'static str), (bool, String, bool)>,
) {
    let c = client(sim).await;
    c.command(
        &Command::new("/ip/pool/add")
            .attr("name", "pool-a")
            .attr("ranges", "10.1.0.2-10.1.0.200"),
    )
    .await
    .unwrap();
    // Profiles first: users may only name existing ones (they name `default` here).
    let mut ordered: Vec<_> = items.iter().collect();
    ordered.sort_by_key(|((kind, _), _)| !kind.is_profile());
    for ((kind, name), (ours, value, disabled)) in ordered {
        let comment = if *ours {
            format!("{MARKER}seed")
        } else {
            format!("own {value}")
        };
        let mut command = Command::new(format!("{}/add", kind.menu())).attr("name", name);
        command = match kind {
            ItemKind::PppProfile => command
                .attr("rate-limit", "9M/9M")
                .attr("comment", &comment),
            ItemKind::HotspotUserProfile => command.attr("rate-limit", "9M/9M"),
            ItemKind::PppSecret => command
                .attr("password", value)
                .attr("disabled", if *disabled { "yes" } else { "no" })
                .attr("comment", &comment),
            ItemKind::HotspotUser => command
                .attr("password", value)
                .attr("disabled", if *disabled { "yes" } else { "no" })
                .attr("comment", &comment),
        };
        c.command(&command).await.unwrap();
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 24, ..ProptestConfig::default() })]

    #[test]
    fn one_apply_converges_and_unmanaged_items_are_never_touched(
        profiles in records(),
        mut subs in subscribers(),
        items in router_items(),
        version in prop::sample::select(vec![RouterVersion::V6, RouterVersion::V7]),
    ) {
        // A plan only names profiles the app has for its service (others are a warning and
        // a refusal, tested elsewhere).
        for s in &mut subs {
            if !profiles.iter().any(|p| p.service == s.service && Some(&p.name) == s.profile.as_ref()) {
                s.profile = None;
            }
        }
        let desired = desired_state(&subs, &profiles);
        let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
        runtime.block_on(async {
            let sim = start_sim(version).await;
            seed(&sim, &items).await;
            let c = client(&sim).await;
            let first = diff(&desired, &read_items(&c).await.unwrap());
            let rows_of = |ids: &[(ItemKind, String)]| -> Vec<routeros_api::Row> {
                ids.iter()
                    .map(|(kind, id)| {
                        sim.rows(kind.menu())
                            .into_iter()
                            .find(|r| r.get(".id") == Some(id))
                            .unwrap_or_else(|| panic!("{kind:?} {id} vanished"))
                    })
                    .collect()
            };
            let unmanaged: Vec<(ItemKind, String)> =
                first.unmanaged.iter().map(|u| (u.kind, u.id.clone())).collect();
            let before = rows_of(&unmanaged);

            let report = apply(&c, &first, &desired).await.unwrap();
            prop_assert!(report.failures.is_empty(), "{:?}", report.failures);

            let second = diff(&desired, &read_items(&c).await.unwrap());
            prop_assert!(second.is_empty(), "not converged: {:?}", second);
            prop_assert_eq!(&second.unmanaged, &first.unmanaged);
            prop_assert_eq!(rows_of(&unmanaged), before);
            Ok(())
        })?;
    }
}
