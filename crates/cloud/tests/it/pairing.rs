//! `POST /api/v1/pair`: a one-time code, valid 24 hours, for one device token.

use crate::support::*;
use anyhow::Result;
use base64::Engine;
use ispdesk_domain::sync::{ApiErrorCode, PairResponse};
use serde_json::Value;
use std::sync::Arc;

pub async fn a_code_pairs_once_and_only_while_valid(shared: Arc<Shared>) -> Result<()> {
    let env = Env::new(shared).await?;
    let tenant = env.create_tenant("isp-p", roomy()).await?;

    // Typed the way a person might: lower case, with a dash.
    let typed = format!("{}-{}", &tenant.code[..4], &tenant.code[4..]).to_lowercase();
    let paired: PairResponse = env.pair(&typed).await?.ok_json(200).await?;
    assert_eq!(paired.tenant_id, tenant.id);
    assert_eq!(paired.tenant_name, "ISP isp-p");
    let raw = base64::engine::general_purpose::URL_SAFE_NO_PAD.decode(&paired.token)?;
    assert_eq!(raw.len(), 32);
    // Only the hash is kept.
    let stored = env.psql("SELECT encode(token_hash, 'hex') FROM devices")?;
    assert_eq!(stored.len(), 64);
    assert!(!stored.contains(&paired.token));
    assert_eq!(
        env.psql(&format!(
            "SELECT count(*) FROM devices WHERE tenant_id = '{}'",
            tenant.id
        ))?,
        "1"
    );

    let reused = env.pair(&tenant.code).await?.api_error(400).await?;
    assert_eq!(reused.code, ApiErrorCode::InvalidPairingCode);
    let wrong = env.pair("ABCDEFGH").await?.api_error(400).await?;
    assert_eq!(wrong, reused, "wrong and used codes look the same");
    insta::assert_json_snapshot!("invalid_pairing_code", wrong);

    let fresh: Value = env
        .admin_post(
            &format!("/api/v1/admin/tenants/{}/pairing-codes", tenant.id),
            &serde_json::json!({}),
        )
        .await?
        .ok_json(201)
        .await?;
    env.psql(
        "UPDATE pairing_codes SET expires_at = now() - interval '1 second' WHERE used_at IS NULL",
    )?;
    let expired = env
        .pair(fresh["code"].as_str().unwrap_or_default())
        .await?
        .api_error(400)
        .await?;
    assert_eq!(expired.code, ApiErrorCode::InvalidPairingCode);
    assert_eq!(env.psql("SELECT count(*) FROM devices")?, "1");

    let empty_name = env
        .post_json(
            "/api/v1/pair",
            None,
            &serde_json::json!({ "code": "ABCDEFGH", "device_name": " " }),
        )
        .await?
        .api_error(422)
        .await?;
    assert_eq!(empty_name.params["field"], "device_name");
    env.server.stop().await
}

pub async fn a_new_code_replaces_the_old_one(shared: Arc<Shared>) -> Result<()> {
    let env = Env::new(shared).await?;
    let tenant = env.create_tenant("isp-q", roomy()).await?;
    let fresh: Value = env
        .admin_post(
            &format!("/api/v1/admin/tenants/{}/pairing-codes", tenant.id),
            &serde_json::json!({}),
        )
        .await?
        .ok_json(201)
        .await?;
    let old = env.pair(&tenant.code).await?.api_error(400).await?;
    assert_eq!(old.code, ApiErrorCode::InvalidPairingCode);
    let new: PairResponse = env
        .pair(fresh["code"].as_str().unwrap_or_default())
        .await?
        .ok_json(200)
        .await?;
    assert_eq!(new.tenant_id, tenant.id);
    env.server.stop().await
}
