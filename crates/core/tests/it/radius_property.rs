//! After any sequence of operations on plans, customers and routers, the RADIUS tables
//! equal what a from-scratch rebuild produces.

use crate::fixture::{Isp, customer_input, plan_input, router_input};
use chrono::Duration;
use ispdesk_core::{RadiusSettingsInput, UpdateCustomer};
use ispdesk_domain::CustomerId;
use ispdesk_domain::bandwidth::BandwidthInput;
use ispdesk_domain::network::ProfileInput;
use proptest::prelude::*;

#[derive(Clone, Debug)]
enum Op {
    CreateCustomer {
        plan: u8,
        on_second_router: bool,
    },
    EditCustomer {
        who: u8,
        rename: bool,
        plan: u8,
        new_password: bool,
    },
    Suspend(u8),
    Reactivate(u8),
    Renew(u8),
    Deactivate(u8),
    Delete(u8),
    ToggleIsolir,
    EditPlan {
        plan: u8,
        code_suffix: u8,
        shared: u8,
        quota: bool,
        profile: bool,
    },
    EditBandwidth {
        up: u16,
        down: u16,
    },
    EditProfile {
        timeout_h: u8,
    },
    AddRouter,
    EditRouter {
        radius_mode: bool,
        active: bool,
    },
    TimePasses {
        days: u8,
    },
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        3 => (0u8..3, any::<bool>()).prop_map(|(plan, on_second_router)| Op::CreateCustomer { plan, on_second_router }),
        2 => (any::<u8>(), any::<bool>(), 0u8..3, any::<bool>()).prop_map(|(who, rename, plan, new_password)| Op::EditCustomer { who, rename, plan, new_password }),
        1 => any::<u8>().prop_map(Op::Suspend),
        1 => any::<u8>().prop_map(Op::Reactivate),
        1 => any::<u8>().prop_map(Op::Renew),
        1 => any::<u8>().prop_map(Op::Deactivate),
        1 => any::<u8>().prop_map(Op::Delete),
        1 => Just(Op::ToggleIsolir),
        1 => (0u8..2, 0u8..3, 1u8..4, any::<bool>(), any::<bool>()).prop_map(|(plan, code_suffix, shared, quota, profile)| Op::EditPlan { plan, code_suffix, shared, quota, profile }),
        1 => (1u16..100, 1u16..100).prop_map(|(up, down)| Op::EditBandwidth { up, down }),
        1 => (0u8..48).prop_map(|timeout_h| Op::EditProfile { timeout_h }),
        1 => Just(Op::AddRouter),
        1 => (any::<bool>(), any::<bool>()).prop_map(|(radius_mode, active)| Op::EditRouter { radius_mode, active }),
        1 => (1u8..40).prop_map(|days| Op::TimePasses { days }),
    ]
}

fn apply(
    isp: &Isp,
    routers: &mut Vec<ispdesk_domain::router::Router>,
    customers: &mut Vec<(CustomerId, String)>,
    isolir: &mut bool,
    step: usize,
    op: &Op,
) {
    let core = &isp.db.core;
    let o = &isp.owner;
    let plans = [&isp.pppoe_plan, &isp.hotspot_plan];
    let pick = |n: u8, len: usize| (n as usize) % len.max(1);
    // Errors (a refused reactivation, a plan of the wrong type) leave everything as it
    // was; the comparison still has to hold.
    match op {
        Op::CreateCustomer {
            plan,
            on_second_router,
        } => {
            let router = if *on_second_router && routers.len() > 1 {
                &routers[1]
            } else {
                &routers[0]
            };
            let name = format!("u{step}");
            let mut input = customer_input(&name, plans[(*plan as usize) % 2], router);
            if *plan == 2 {
                input.plan_id.clear();
            }
            if let Ok(c) = core.create_customer(o, &input) {
                customers.push((c.id, name));
            }
        }
        Op::EditCustomer {
            who,
            rename,
            plan,
            new_password,
        } if !customers.is_empty() => {
            let i = pick(*who, customers.len());
            let (id, name) = customers[i].clone();
            let name = if *rename { format!("{name}x") } else { name };
            let mut input = customer_input(&name, plans[(*plan as usize) % 2], &routers[0]);
            if *plan == 2 {
                input.plan_id.clear();
            }
            if !new_password {
                input.password.clear();
            }
            if core
                .update_customer(o, &UpdateCustomer { id, input })
                .is_ok()
            {
                customers[i].1 = name;
            }
        }
        Op::Suspend(w) if !customers.is_empty() => {
            let _ = core.suspend_customer(o, customers[pick(*w, customers.len())].0);
        }
        Op::Reactivate(w) if !customers.is_empty() => {
            let _ = core.reactivate_customer(o, customers[pick(*w, customers.len())].0);
        }
        Op::Renew(w) if !customers.is_empty() => {
            let _ = core.renew_customer(o, customers[pick(*w, customers.len())].0);
        }
        Op::Deactivate(w) if !customers.is_empty() => {
            let _ = core.deactivate_customer(o, customers[pick(*w, customers.len())].0);
        }
        Op::Delete(w) if !customers.is_empty() => {
            let i = pick(*w, customers.len());
            if core.delete_customer(o, customers[i].0).is_ok() {
                customers.remove(i);
            }
        }
        Op::ToggleIsolir => {
            *isolir = !*isolir;
            core.update_radius_settings(
                o,
                &RadiusSettingsInput {
                    isolir_enabled: *isolir,
                    isolir_rate_limit: "128k/128k".into(),
                    isolir_address_list: "isolir".into(),
                    interim_interval_s: if *isolir { "300".into() } else { "600".into() },
                },
            )
            .unwrap();
        }
        Op::EditPlan {
            plan,
            code_suffix,
            shared,
            quota,
            profile,
        } => {
            let p = plans[*plan as usize % 2];
            let mut input = plan_input(
                &format!("{}-{code_suffix}", p.service_type.as_str()),
                p.service_type.as_str(),
                &isp.bandwidth,
            );
            input.shared_users = shared.to_string();
            input.quota = if *quota {
                "10GiB".into()
            } else {
                String::new()
            };
            input.profile_name = if *profile {
                "pppoe-10m".into()
            } else {
                String::new()
            };
            core.update_plan(o, p.id, &input).unwrap();
        }
        Op::EditBandwidth { up, down } => {
            core.update_bandwidth_profile(
                o,
                isp.bandwidth.id,
                &BandwidthInput {
                    name: "10M".into(),
                    rate_up: format!("{up}M"),
                    rate_down: format!("{down}M"),
                    ..Default::default()
                },
            )
            .unwrap();
        }
        Op::EditProfile { timeout_h } => {
            let input = ProfileInput {
                router_id: isp.router.id.to_string(),
                name: "pppoe-10m".into(),
                ip_pool_id: isp.pppoe_pool.id.to_string(),
                session_timeout: if *timeout_h == 0 {
                    String::new()
                } else {
                    format!("{timeout_h}h")
                },
                ..Default::default()
            };
            core.save_pppoe_profile(o, Some(isp.pppoe_profile.id), &input)
                .unwrap();
        }
        Op::AddRouter => {
            let n = routers.len();
            if let Ok(r) =
                core.create_router(o, &router_input(&format!("r{n}"), &format!("10.1.0.{n}")))
            {
                routers.push(r);
            }
        }
        Op::EditRouter {
            radius_mode,
            active,
        } => {
            let r = routers.last().unwrap();
            let mut input = router_input(&r.short_name, &r.address);
            input.provisioning_mode = if *radius_mode {
                "radius".into()
            } else {
                "api".into()
            };
            input.is_active = *active;
            core.update_router(o, r.id, &input).unwrap();
        }
        Op::TimePasses { days } => {
            isp.db.clock.advance(Duration::days(i64::from(*days)));
            core.expire_due_customers().unwrap();
        }
        _ => {}
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 24, failure_persistence: Some(Box::new(proptest::test_runner::FileFailurePersistence::WithSource("regressions"))), ..ProptestConfig::default() })]

    #[test]
    fn incremental_radius_rows_equal_a_rebuild(ops in proptest::collection::vec(op(), 1..30)) {
        let isp = Isp::new();
        let mut routers = vec![isp.router.clone()];
        let mut customers = Vec::new();
        let mut isolir = false;
        for (step, op) in ops.iter().enumerate() {
            apply(&isp, &mut routers, &mut customers, &mut isolir, step, op);
        }
        let now = isp.db.core.radius_snapshot().unwrap();
        let rebuilt = isp.db.core.rebuilt_radius_snapshot().unwrap();
        prop_assert_eq!(now, rebuilt);
    }
}
