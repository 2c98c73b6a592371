//! The new core operations against every role.

use ispdesk_core::{Actor, Error, RouterAccount, RouterTask};
use ispdesk_domain::plan::ServiceType;
use ispdesk_domain::{Permission, Role};
use routeros_api::sim::RouterVersion;
use serde_json::json;

use crate::Isp;

fn forbidden<T: std::fmt::Debug>(result: ispdesk_core::Result<T>) -> Option<Permission> {
    match result {
        Ok(_) => None,
        Err(Error::Forbidden(p)) => Some(p),
        Err(other) => panic!("expected forbidden or success, got {other:?}"),
    }
}

#[tokio::test]
async fn every_role_against_every_router_operation() {
    let isp = Isp::new(RouterVersion::V7, "api").await;
    let actors: Vec<(Role, Actor)> = Role::ALL
        .into_iter()
        .map(|role| {
            let actor = if role == Role::Owner {
                isp.owner.clone()
            } else {
                isp.staff(role)
            };
            (role, actor)
        })
        .collect();
    let accounts = [RouterAccount {
        service: ServiceType::Pppoe,
        username: "baru".into(),
        password: "baru-pw-1".into(),
        profile: "paket-10m".into(),
        disabled: false,
        comment: String::new(),
    }];
    let core = &isp.core;
    let id = isp.router.id;
    use Role::*;
    for (role, actor) in &actors {
        let managers = matches!(role, Owner | Admin | Technician);
        let sessions = managers || *role == Cashier;
        for (task, allowed) in [
            (RouterTask::TestConnection, managers),
            (RouterTask::Monitor, managers),
            (RouterTask::ViewSessions, sessions),
            (RouterTask::DisconnectSession, sessions),
            (RouterTask::Import, managers),
            (RouterTask::Provision, managers),
        ] {
            let credentials = core.router_task_credentials(actor, id, task);
            if allowed {
                let credentials = credentials.unwrap();
                assert_eq!(
                    credentials.api_password.as_deref(),
                    Some(crate::API_PASSWORD)
                );
            } else {
                assert!(forbidden(credentials).is_some(), "{role} / {task:?}");
            }
            let logged = core.record_router_task(actor, id, task, "disconnect", "", json!({}));
            assert_eq!(forbidden(logged).is_none(), allowed, "{role} logs {task:?}");
        }
        assert_eq!(
            forbidden(core.provisioning_state(actor, id)),
            (!managers).then_some(Permission::ManageRouters),
            "{role}: provisioning_state"
        );
        let expected = match role {
            Owner | Admin | Technician => None,
            Cashier => Some(Permission::ManageRouters),
            Reseller => Some(Permission::ManageRouters),
        };
        assert_eq!(
            forbidden(core.preview_router_import(actor, id, &accounts)),
            expected,
            "{role}: preview_router_import"
        );
    }
    // Importing, once, by the least privileged role allowed; refused to the others first.
    for (role, actor) in &actors {
        if matches!(role, Cashier | Reseller) {
            assert!(forbidden(core.import_customers_from_router(actor, id, &accounts)).is_some());
        }
    }
    let technician = &actors.iter().find(|(r, _)| *r == Technician).unwrap().1;
    let imported = core
        .import_customers_from_router(technician, id, &accounts)
        .unwrap();
    assert_eq!(imported.len(), 1);
}

#[tokio::test]
async fn a_disabled_account_may_do_nothing() {
    let isp = Isp::new(RouterVersion::V7, "radius").await;
    let technician = isp.staff(Role::Technician);
    isp.core
        .set_staff_active(
            &isp.owner,
            &ispdesk_core::SetStaffActive {
                staff_id: technician.staff_id(),
                active: false,
            },
        )
        .unwrap();
    assert!(matches!(
        isp.core
            .router_task_credentials(&technician, isp.router.id, RouterTask::Monitor),
        Err(Error::AccountDisabled)
    ));
}
