//! The platform admin's API: sign-in, tenants, limits, suspension, devices.

use crate::support::*;
use anyhow::Result;
use ispdesk_domain::sync::ApiErrorCode;
use serde_json::{Value, json};
use std::sync::Arc;

pub async fn platform_admin_signs_in_and_manages_tenants(shared: Arc<Shared>) -> Result<()> {
    let env = Env::new(shared).await?;

    let wrong = env
        .post_json(
            "/api/v1/admin/login",
            None,
            &json!({ "username": ADMIN, "password": "nope nope nope" }),
        )
        .await?
        .api_error(401)
        .await?;
    assert_eq!(wrong.code, ApiErrorCode::Unauthorized);
    let unknown = env
        .post_json(
            "/api/v1/admin/login",
            None,
            &json!({ "username": "who", "password": ADMIN_PASSWORD }),
        )
        .await?
        .api_error(401)
        .await?;
    assert_eq!(
        unknown, wrong,
        "a wrong name and a wrong password look the same"
    );

    let created: Value = env
        .admin_post(
            "/api/v1/admin/tenants",
            &json!({ "name": "  Net Maju  ", "subdomain": "Net-Maju",
                     "limits": { "max_routers": 2, "max_customers": 500, "max_vouchers": 1000 } }),
        )
        .await?
        .ok_json(201)
        .await?;
    let code = created["pairing_code"]["code"].as_str().unwrap_or_default();
    assert_eq!(code.len(), 8);
    insta::assert_json_snapshot!("tenant_created", created, {
        ".tenant.id" => "[uuid]",
        ".tenant.created_at" => "[time]",
        ".pairing_code.code" => "[code]",
        ".pairing_code.expires_at" => "[time]",
    });

    let duplicate = env
        .admin_post(
            "/api/v1/admin/tenants",
            &json!({ "name": "Other", "subdomain": "net-maju", "limits": roomy() }),
        )
        .await?
        .api_error(409)
        .await?;
    assert_eq!(duplicate.code, ApiErrorCode::Conflict);
    assert_eq!(duplicate.params["field"], "subdomain");
    let invalid = env
        .admin_post(
            "/api/v1/admin/tenants",
            &json!({ "name": "Other", "subdomain": "-x", "limits": roomy() }),
        )
        .await?
        .api_error(422)
        .await?;
    assert_eq!(invalid.params["field"], "subdomain");
    let not_json = env
        .http
        .post(env.url("/api/v1/admin/tenants"))
        .bearer_auth(&env.admin_token)
        .header("content-type", "application/json")
        .body("{")
        .send()
        .await?
        .api_error(422)
        .await?;
    assert_eq!(not_json.code, ApiErrorCode::Validation);

    let id = created["tenant"]["id"].as_str().unwrap_or_default();
    let limits: Value = env
        .http
        .put(env.url(&format!("/api/v1/admin/tenants/{id}/limits")))
        .bearer_auth(&env.admin_token)
        .json(&json!({ "max_routers": 3, "max_customers": 600, "max_vouchers": 0 }))
        .send()
        .await?
        .ok_json(200)
        .await?;
    assert_eq!(limits["limits"]["max_customers"], 600);

    let list: Vec<Value> = env
        .get("/api/v1/admin/tenants", Some(&env.admin_token))
        .await?
        .ok_json(200)
        .await?;
    assert_eq!(list.len(), 1);
    assert_eq!(list[0]["subdomain"], "net-maju");
    let missing = env
        .get(
            &format!("/api/v1/admin/tenants/{}", uuid::Uuid::now_v7()),
            Some(&env.admin_token),
        )
        .await?
        .api_error(404)
        .await?;
    assert_eq!(missing.code, ApiErrorCode::NotFound);

    let bye = env.admin_post("/api/v1/admin/logout", &json!({})).await?;
    assert_eq!(bye.status(), 204);
    let after = env
        .get("/api/v1/admin/tenants", Some(&env.admin_token))
        .await?
        .api_error(401)
        .await?;
    assert_eq!(after.code, ApiErrorCode::Unauthorized);
    env.server.stop().await
}

pub async fn admin_endpoints_refuse_strangers_and_devices(shared: Arc<Shared>) -> Result<()> {
    let env = Env::new(shared).await?;
    let device = env.tenant_device("isp-a", roomy()).await?;
    let tenant = device.tenant;
    let endpoints: Vec<(&str, String)> = vec![
        ("GET", "/api/v1/admin/tenants".into()),
        ("POST", "/api/v1/admin/tenants".into()),
        ("GET", format!("/api/v1/admin/tenants/{tenant}")),
        ("PUT", format!("/api/v1/admin/tenants/{tenant}/limits")),
        ("POST", format!("/api/v1/admin/tenants/{tenant}/suspend")),
        ("POST", format!("/api/v1/admin/tenants/{tenant}/resume")),
        (
            "POST",
            format!("/api/v1/admin/tenants/{tenant}/pairing-codes"),
        ),
        ("GET", format!("/api/v1/admin/tenants/{tenant}/devices")),
        (
            "POST",
            format!("/api/v1/admin/devices/{}/revoke", device.device),
        ),
        ("POST", "/api/v1/admin/logout".into()),
    ];
    for (method, path) in &endpoints {
        for token in [None, Some(device.token.as_str()), Some("not-a-token")] {
            let mut request = env
                .http
                .request(method.parse()?, env.url(path))
                .json(&json!({ "max_routers": 1, "max_customers": 1, "max_vouchers": 1 }));
            if let Some(token) = token {
                request = request.bearer_auth(token);
            }
            let error = request.send().await?.api_error(401).await?;
            assert_eq!(error.code, ApiErrorCode::Unauthorized, "{method} {path}");
        }
    }
    // And the admin's session is no device token.
    let push = env
        .push(&env.admin_token, &batch(vec![]))
        .await?
        .api_error(401)
        .await?;
    assert_eq!(push.code, ApiErrorCode::Unauthorized);
    let pull = env.pull(&env.admin_token, 0).await?.api_error(401).await?;
    assert_eq!(pull.code, ApiErrorCode::Unauthorized);
    // Nothing was changed by all of that.
    let devices: Vec<Value> = env
        .get(
            &format!("/api/v1/admin/tenants/{tenant}/devices"),
            Some(&env.admin_token),
        )
        .await?
        .ok_json(200)
        .await?;
    assert_eq!(devices.len(), 1);
    assert!(devices[0]["revoked_at"].is_null());
    env.server.stop().await
}

pub async fn a_suspended_tenant_cannot_sync_or_pair(shared: Arc<Shared>) -> Result<()> {
    let env = Env::new(shared).await?;
    let device = env.tenant_device("isp-s", roomy()).await?;
    let suspended: Value = env
        .admin_post(
            &format!("/api/v1/admin/tenants/{}/suspend", device.tenant),
            &json!({}),
        )
        .await?
        .ok_json(200)
        .await?;
    assert_eq!(suspended["status"], "suspended");
    let refused = env
        .push(
            &device.token,
            &batch(vec![router(&id(1), 1, "10.0.0.1", Some("s"))]),
        )
        .await?
        .api_error(403)
        .await?;
    assert_eq!(refused.code, ApiErrorCode::TenantSuspended);
    let pull = env.pull(&device.token, 0).await?.api_error(403).await?;
    assert_eq!(pull.code, ApiErrorCode::TenantSuspended);
    let code: Value = env
        .admin_post(
            &format!("/api/v1/admin/tenants/{}/pairing-codes", device.tenant),
            &json!({}),
        )
        .await?
        .ok_json(201)
        .await?;
    let pair = env
        .pair(code["code"].as_str().unwrap_or_default())
        .await?
        .api_error(403)
        .await?;
    assert_eq!(pair.code, ApiErrorCode::TenantSuspended);
    assert_eq!(env.psql("SELECT count(*) FROM synced_rows")?, "0");

    env.admin_post(
        &format!("/api/v1/admin/tenants/{}/resume", device.tenant),
        &json!({}),
    )
    .await?
    .ok_json::<Value>(200)
    .await?;
    let ack: Value = env
        .push(
            &device.token,
            &batch(vec![router(&id(1), 1, "10.0.0.1", Some("s"))]),
        )
        .await?
        .ok_json(200)
        .await?;
    assert_eq!(ack["applied"], 1);
    env.server.stop().await
}

pub async fn a_revoked_device_is_refused_and_nothing_is_applied(shared: Arc<Shared>) -> Result<()> {
    let env = Env::new(shared).await?;
    let device = env.tenant_device("isp-r", roomy()).await?;
    let revoked: Value = env
        .admin_post(
            &format!("/api/v1/admin/devices/{}/revoke", device.device),
            &json!({}),
        )
        .await?
        .ok_json(200)
        .await?;
    assert!(revoked["revoked_at"].is_string());
    let refused = env
        .push(
            &device.token,
            &batch(vec![router(&id(1), 1, "10.0.0.1", Some("s"))]),
        )
        .await?
        .api_error(401)
        .await?;
    assert_eq!(refused.code, ApiErrorCode::TokenRevoked);
    insta::assert_json_snapshot!("token_revoked", refused);
    let pull = env.pull(&device.token, 0).await?.api_error(401).await?;
    assert_eq!(pull.code, ApiErrorCode::TokenRevoked);
    assert_eq!(env.psql("SELECT count(*) FROM synced_rows")?, "0");
    assert_eq!(env.psql("SELECT count(*) FROM nas")?, "0");
    let missing = env
        .admin_post(
            &format!("/api/v1/admin/devices/{}/revoke", uuid::Uuid::now_v7()),
            &json!({}),
        )
        .await?
        .api_error(404)
        .await?;
    assert_eq!(missing.code, ApiErrorCode::NotFound);
    env.server.stop().await
}
