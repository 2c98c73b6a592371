//! `POST /api/v1/sync/push`: idempotent, all-or-nothing, rev-checked, limited.

use crate::support::*;
use anyhow::Result;
use ispdesk_domain::sync::{ApiErrorCode, PushAck, PushBatch};
use serde_json::{Value, json};
use std::sync::Arc;

/// A router, a plan and `n` customers of it.
fn network(n: u32) -> Vec<ispdesk_domain::sync::Change> {
    let mut changes = vec![
        router(&id(1), 1, "10.0.0.1", Some("router-secret")),
        bandwidth(&id(2), 1, 5_000_000, 10_000_000),
        plan(&id(3), 1, "PPP-10M", Some(&id(2)), None, ""),
    ];
    for i in 0..n {
        changes.push(customer(
            &id(100 + i),
            1,
            &format!("user{i}"),
            "pw",
            "active",
            Some(&id(3)),
            Some(&id(1)),
            None,
        ));
    }
    changes
}

pub async fn a_batch_is_applied_once_however_often_it_is_sent(shared: Arc<Shared>) -> Result<()> {
    let env = Env::new(shared).await?;
    let device = env.tenant_device("isp-i", roomy()).await?;
    let push = batch(network(3));
    let first: PushAck = env.push(&device.token, &push).await?.ok_json(200).await?;
    assert_eq!(
        (first.batch_id, first.applied, first.stale),
        (push.batch_id, 6, 0)
    );
    let radius_rows = env.psql("SELECT count(*) FROM radcheck")?;
    assert_eq!(radius_rows, "3");

    // The desktop was killed before it saw the answer, changed a customer meanwhile, and
    // sends the batch again with the same id: the first answer, nothing applied.
    let mut again = push.clone();
    again.changes[3] = customer(
        &id(100),
        2,
        "renamed",
        "pw",
        "suspended",
        Some(&id(3)),
        Some(&id(1)),
        None,
    );
    let second: PushAck = env.push(&device.token, &again).await?.ok_json(200).await?;
    assert_eq!(second, first);
    assert_eq!(env.psql("SELECT count(*) FROM synced_rows")?, "6");
    assert_eq!(env.psql("SELECT count(*) FROM sync_batches")?, "1");
    assert_eq!(
        env.psql(&format!(
            "SELECT rev, data->>'username' FROM synced_rows WHERE row_id = '{}'",
            id(100)
        ))?,
        "1|user0"
    );
    assert_eq!(
        env.psql("SELECT count(*) FROM radcheck WHERE username = 'renamed'")?,
        "0"
    );
    assert_eq!(
        env.psql(&format!(
            "SELECT customers_count, routers_count FROM tenants WHERE id = '{}'",
            device.tenant
        ))?,
        "3|1"
    );
    insta::assert_json_snapshot!("push_ack", second, { ".batch_id" => "[uuid]" });
    env.server.stop().await
}

pub async fn a_malformed_batch_changes_nothing(shared: Arc<Shared>) -> Result<()> {
    let env = Env::new(shared).await?;
    let device = env.tenant_device("isp-m", roomy()).await?;
    let send_raw = |body: String| {
        env.http
            .post(env.url("/api/v1/sync/push"))
            .bearer_auth(&device.token)
            .header("content-type", "application/json")
            .body(body)
            .send()
    };

    let not_json = send_raw("{\"batch_id\": ".into())
        .await?
        .api_error(400)
        .await?;
    assert_eq!(not_json.code, ApiErrorCode::MalformedBatch);
    let bad_op = send_raw(
        json!({ "batch_id": uuid::Uuid::now_v7(), "changes": [
            { "table": "routers", "row_id": "x", "op": "merge", "rev": 1, "data": {} } ] })
        .to_string(),
    )
    .await?
    .api_error(400)
    .await?;
    assert_eq!(bad_op.code, ApiErrorCode::MalformedBatch);

    // Valid changes first, then one the platform cannot take: none of them is applied.
    for (bad, detail) in [
        (
            upsert("staff_users", "s1", 1, json!({ "id": "s1" })),
            "unknown table",
        ),
        (
            upsert(
                "customers",
                &id(500),
                1,
                json!({ "id": id(500), "username": "x", "status": "active", "service_type": "pppoe" }),
            ),
            "password (opened) is missing",
        ),
        (
            upsert(
                "routers",
                &id(501),
                1,
                json!({ "id": id(501), "name": "r", "short_name": "r", "address": "10.9.9.9",
                "provisioning_mode": "radius", "is_active": 1 }),
            ),
            "radius_secret (opened, or null) is missing",
        ),
        (
            ispdesk_domain::sync::Change {
                data: Some(serde_json::Map::new()),
                ..upsert("ip_pools", "p", 1, json!({}))
            },
            "data.id must equal row_id",
        ),
        (
            ispdesk_domain::sync::Change {
                data: None,
                ..upsert("invoices", "i", 1, json!({}))
            },
            "an upsert needs data",
        ),
        (
            upsert(
                "service_plans",
                &id(502),
                1,
                json!({ "id": id(502), "code": 7 }),
            ),
            "invalid type",
        ),
    ] {
        let mut changes = network(2);
        changes.push(bad);
        let refused = env
            .push(&device.token, &batch(changes))
            .await?
            .api_error(400)
            .await?;
        assert_eq!(refused.code, ApiErrorCode::MalformedBatch);
        assert!(refused.params["detail"].starts_with(detail), "{refused:?}");
        assert_eq!(refused.params["index"], "5");
    }
    let mut changes = network(1);
    changes.push(upsert("staff_users", "s1", 1, json!({ "id": "s1" })));
    let refused = env
        .push(&device.token, &batch(changes))
        .await?
        .api_error(400)
        .await?;
    insta::assert_json_snapshot!("malformed_batch", refused);

    for table in [
        "synced_rows",
        "sync_batches",
        "radcheck",
        "radgroupreply WHERE groupname <> 'isolir'",
        "nas",
    ] {
        assert_eq!(
            env.psql(&format!("SELECT count(*) FROM {table}"))?,
            "0",
            "{table}"
        );
    }
    env.server.stop().await
}

pub async fn a_too_large_batch_is_refused(shared: Arc<Shared>) -> Result<()> {
    let env = Env::new(shared).await?;
    let device = env.tenant_device("isp-l", roomy()).await?;
    let many = batch(network(998));
    assert_eq!(many.changes.len(), 1001);
    let refused = env.push(&device.token, &many).await?.api_error(413).await?;
    assert_eq!(refused.code, ApiErrorCode::BatchTooLarge);
    assert_eq!(refused.params["limit"], "1000 changes");
    insta::assert_json_snapshot!("batch_too_large", refused);

    // Under 1,000 changes but over 8 MiB.
    let mut fat = network(5);
    for change in &mut fat[3..] {
        if let Some(data) = change.data.as_mut() {
            data.insert("notes".into(), Value::String("x".repeat(2 * 1024 * 1024)));
        }
    }
    let fat = batch(fat);
    let refused = env.push(&device.token, &fat).await?.api_error(413).await?;
    assert_eq!(refused.params["limit"], "8388608 bytes");
    // The same without a Content-Length (chunked): cut off at the limit all the same.
    let body = serde_json::to_vec(&fat)?;
    let stream = futures_util::stream::iter(
        body.chunks(64 * 1024)
            .map(|c| Ok::<_, std::io::Error>(c.to_vec()))
            .collect::<Vec<_>>(),
    );
    let refused = env
        .http
        .post(env.url("/api/v1/sync/push"))
        .bearer_auth(&device.token)
        .header("content-type", "application/json")
        .body(reqwest::Body::wrap_stream(stream))
        .send()
        .await?
        .api_error(413)
        .await?;
    assert_eq!(refused.code, ApiErrorCode::BatchTooLarge);

    assert_eq!(env.psql("SELECT count(*) FROM synced_rows")?, "0");
    assert_eq!(env.psql("SELECT count(*) FROM radcheck")?, "0");
    // Exactly the limit is fine.
    let ack: PushAck = env
        .push(&device.token, &batch(network(997)))
        .await?
        .ok_json(200)
        .await?;
    assert_eq!(ack.applied, 1000);
    env.server.stop().await
}

pub async fn stale_revisions_are_skipped_and_deletes_are_tombstones(
    shared: Arc<Shared>,
) -> Result<()> {
    let env = Env::new(shared).await?;
    let device = env.tenant_device("isp-v", roomy()).await?;
    let c = |rev: i64, status: &str| {
        customer(
            &id(100),
            rev,
            "budi",
            "pw",
            status,
            Some(&id(3)),
            Some(&id(1)),
            None,
        )
    };
    let mut first = network(0);
    first.push(c(3, "active"));
    let ack: PushAck = env
        .push(&device.token, &batch(first))
        .await?
        .ok_json(200)
        .await?;
    assert_eq!((ack.applied, ack.stale), (4, 0));

    // An older state arrives late (reordered batches): skipped, nothing changes.
    let ack: PushAck = env
        .push(
            &device.token,
            &batch(vec![c(2, "suspended"), c(3, "suspended")]),
        )
        .await?
        .ok_json(200)
        .await?;
    assert_eq!((ack.applied, ack.stale), (0, 2));
    assert_eq!(
        env.psql(&format!(
            "SELECT rev, data->>'status' FROM synced_rows WHERE row_id = '{}'",
            id(100)
        ))?,
        "3|active"
    );
    assert_eq!(
        env.psql("SELECT count(*) FROM radcheck WHERE attribute = 'Auth-Type'")?,
        "0"
    );

    // The desktop deletes the row: the delete carries the rev the row had.
    let ack: PushAck = env
        .push(
            &device.token,
            &batch(vec![delete("customers", &id(100), 3)]),
        )
        .await?
        .ok_json(200)
        .await?;
    assert_eq!((ack.applied, ack.stale), (1, 0));
    assert_eq!(
        env.psql(&format!(
            "SELECT rev, data IS NULL FROM synced_rows WHERE row_id = '{}'",
            id(100)
        ))?,
        "3|t"
    );
    assert_eq!(
        env.psql("SELECT count(*) FROM radcheck WHERE username = 'budi'")?,
        "0"
    );
    assert_eq!(env.psql("SELECT customers_count FROM tenants")?, "0");

    // An upsert from before the delete arriving after it stays dead.
    let ack: PushAck = env
        .push(&device.token, &batch(vec![c(3, "active"), c(2, "active")]))
        .await?
        .ok_json(200)
        .await?;
    assert_eq!((ack.applied, ack.stale), (0, 2));
    assert_eq!(env.psql("SELECT count(*) FROM radcheck")?, "0");
    // A second delete is stale too.
    let ack: PushAck = env
        .push(
            &device.token,
            &batch(vec![delete("customers", &id(100), 3)]),
        )
        .await?
        .ok_json(200)
        .await?;
    assert_eq!((ack.applied, ack.stale), (0, 1));
    env.server.stop().await
}

pub async fn a_plan_limit_refuses_the_whole_batch(shared: Arc<Shared>) -> Result<()> {
    let env = Env::new(shared).await?;
    let device = env
        .tenant_device(
            "isp-k",
            json!({ "max_routers": 1, "max_customers": 3, "max_vouchers": 10 }),
        )
        .await?;
    let ack: PushAck = env
        .push(&device.token, &batch(network(3)))
        .await?
        .ok_json(200)
        .await?;
    assert_eq!(ack.applied, 6);

    let mut over = vec![customer(
        &id(200),
        1,
        "fourth",
        "pw",
        "active",
        Some(&id(3)),
        Some(&id(1)),
        None,
    )];
    over.push(plan(&id(4), 1, "HS-1D", None, None, ""));
    let refused = env
        .push(&device.token, &batch(over.clone()))
        .await?
        .api_error(422)
        .await?;
    assert_eq!(refused.code, ApiErrorCode::PlanLimitReached);
    assert_eq!(refused.params["resource"], "customers");
    assert_eq!(refused.params["limit"], "3");
    assert_eq!(refused.params["would_be"], "4");
    insta::assert_json_snapshot!("plan_limit_reached", refused);
    assert_eq!(
        env.psql("SELECT count(*) FROM synced_rows WHERE table_name = 'service_plans'")?,
        "1"
    );
    assert_eq!(
        env.psql("SELECT count(*) FROM radcheck WHERE username = 'fourth'")?,
        "0"
    );
    assert_eq!(env.psql("SELECT customers_count FROM tenants")?, "3");
    assert_eq!(env.psql("SELECT count(*) FROM sync_batches")?, "1");

    // Deleting one and adding one in the same batch stays within the limit.
    over.push(delete("customers", &id(100), 1));
    let ack: PushAck = env
        .push(&device.token, &batch(over))
        .await?
        .ok_json(200)
        .await?;
    assert_eq!(ack.applied, 3);
    let routers = env
        .push(
            &device.token,
            &batch(vec![router(&id(9), 1, "10.0.0.9", Some("s"))]),
        )
        .await?
        .api_error(422)
        .await?;
    assert_eq!(routers.params["resource"], "routers");

    // The limit lowered below what the tenant has: removing stays possible.
    env.http
        .put(env.url(&format!("/api/v1/admin/tenants/{}/limits", device.tenant)))
        .bearer_auth(&env.admin_token)
        .json(&json!({ "max_routers": 1, "max_customers": 1, "max_vouchers": 10 }))
        .send()
        .await?
        .ok_json::<Value>(200)
        .await?;
    let ack: PushAck = env
        .push(
            &device.token,
            &batch(vec![delete("customers", &id(101), 1)]),
        )
        .await?
        .ok_json(200)
        .await?;
    assert_eq!(ack.applied, 1);
    env.server.stop().await
}

pub async fn secrets_are_sealed_at_rest_and_clear_only_for_freeradius(
    shared: Arc<Shared>,
) -> Result<()> {
    let env = Env::new(shared).await?;
    let device = env.tenant_device("isp-x", roomy()).await?;
    let mut changes = network(0);
    changes.push(customer(
        &id(100),
        1,
        "budi",
        "Sup3r-Rahasia",
        "active",
        Some(&id(3)),
        Some(&id(1)),
        None,
    ));
    let push: PushBatch = batch(changes);
    env.push(&device.token, &push)
        .await?
        .ok_json::<PushAck>(200)
        .await?;
    let stored = env.psql("SELECT string_agg(data::text, ' ') FROM synced_rows")?;
    assert!(!stored.contains("Sup3r-Rahasia"), "{stored}");
    assert!(!stored.contains("router-secret"), "{stored}");
    assert!(stored.contains("password_sealed") && stored.contains("radius_secret_sealed"));
    assert_eq!(
        env.psql("SELECT value FROM radcheck WHERE username = 'budi' AND attribute = 'Cleartext-Password'")?,
        "Sup3r-Rahasia"
    );
    assert_eq!(env.psql("SELECT secret FROM nas")?, "router-secret");
    env.server.stop().await
}
