//! The desktop's side of sync: pairing, batches from the outbox, acknowledgement, the feed.

use crate::fixture::{Isp, customer_input};
use ispdesk_core::PairingInfo;
use ispdesk_domain::sync::{
    ChangeOp, FeedEntry, FeedKind, MAX_BATCH_CHANGES, PUSHED_TABLES, PullPage,
};
use serde_json::json;
use uuid::Uuid;

fn pair(isp: &Isp) {
    isp.db
        .core
        .save_pairing(
            &isp.owner,
            &PairingInfo {
                platform_url: "https://cloud.example".into(),
                tenant_id: Uuid::now_v7(),
                tenant_name: "Berkah Net".into(),
                device_id: Uuid::now_v7(),
            },
            "secret-device-token-123",
        )
        .unwrap();
}

#[test]
fn every_synced_table_is_pushed_and_no_local_one() {
    let isp = Isp::new();
    let tables: Vec<String> = isp.db.core.with_connection(|c| {
        c.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name")
            .unwrap()
            .query_map([], |r| r.get(0))
            .unwrap()
            .map(Result::unwrap)
            .filter(|t: &String| !ispdesk_core::LOCAL_ONLY_TABLES.contains(&t.as_str()))
            .collect()
    });
    let mut pushed: Vec<String> = PUSHED_TABLES.iter().map(|t| t.to_string()).collect();
    pushed.sort();
    assert_eq!(tables, pushed);
}

#[test]
fn pairing_queues_everything_and_the_token_is_sealed() {
    let isp = Isp::new();
    isp.customer("budi");
    isp.db
        .core
        .with_connection(|c| c.execute("DELETE FROM sync_outbox", []).unwrap());
    assert_eq!(isp.db.core.pending_changes().unwrap(), 0);
    pair(&isp);
    // settings(company), router, pool, bandwidth, pppoe profile, 2 plans, 1 customer
    assert_eq!(isp.db.core.pending_changes().unwrap(), 8);
    let pairing = isp.db.core.sync_pairing().unwrap().unwrap();
    assert_eq!(pairing.token, "secret-device-token-123");
    let raw: String = isp.db.core.with_connection(|c| {
        c.query_row("SELECT group_concat(value) FROM sync_state", [], |r| {
            r.get(0)
        })
        .unwrap()
    });
    assert!(!raw.contains("secret-device-token"));
    assert_eq!(
        isp.db
            .core
            .pairing_info(&isp.owner)
            .unwrap()
            .unwrap()
            .tenant_name,
        "Berkah Net"
    );
}

#[test]
fn a_batch_carries_each_row_once_with_secrets_opened_for_the_platform() {
    let isp = Isp::new();
    pair(&isp);
    let c = isp.customer("budi");
    isp.db.core.suspend_customer(&isp.owner, c.id).unwrap();
    let push = isp.db.core.begin_push().unwrap().unwrap();
    let customers: Vec<_> = push
        .batch
        .changes
        .iter()
        .filter(|ch| ch.table == "customers")
        .collect();
    assert_eq!(customers.len(), 1, "coalesced");
    let data = customers[0].data.as_ref().unwrap();
    assert_eq!(customers[0].op, ChangeOp::Upsert);
    assert_eq!(customers[0].rev, 2);
    assert_eq!(data["username"], "budi");
    assert_eq!(data["status"], "suspended");
    assert_eq!(data["password"], "rahasia1");
    assert!(!data.contains_key("password_enc"));
    let router = push
        .batch
        .changes
        .iter()
        .find(|ch| ch.table == "routers")
        .unwrap()
        .data
        .as_ref()
        .unwrap();
    assert_eq!(router["radius_secret"], "rahasia-radius");
    assert!(!router.contains_key("api_password") && !router.contains_key("api_password_enc"));
    let settings = push
        .batch
        .changes
        .iter()
        .find(|ch| ch.table == "settings")
        .unwrap();
    assert_eq!(settings.row_id, "company");
}

#[test]
fn an_interrupted_push_is_sent_again_with_the_same_id_and_later_changes_stay_queued() {
    let isp = Isp::new();
    pair(&isp);
    let c = isp.customer("budi");
    let first = isp.db.core.begin_push().unwrap().unwrap();
    // The app is killed before the answer arrives; meanwhile the cashier changes something.
    isp.db.core.suspend_customer(&isp.owner, c.id).unwrap();
    let again = isp.db.core.begin_push().unwrap().unwrap();
    assert_eq!(again.batch.batch_id, first.batch.batch_id);
    isp.db.core.finish_push(&again).unwrap();
    // The suspension's own outbox entry is still there for the next batch.
    let next = isp.db.core.begin_push().unwrap().unwrap();
    assert_ne!(next.batch.batch_id, first.batch.batch_id);
    assert_eq!(next.batch.changes.len(), 1);
    assert_eq!(
        next.batch.changes[0].data.as_ref().unwrap()["status"],
        "suspended"
    );
    isp.db.core.finish_push(&next).unwrap();
    assert_eq!(isp.db.core.pending_changes().unwrap(), 0);
    assert!(isp.db.core.begin_push().unwrap().is_none());
}

#[test]
fn deletes_travel_as_tombstones_and_big_queues_split_into_batches() {
    let isp = Isp::new();
    pair(&isp);
    let doomed = isp.customer("doomed");
    for i in 0..(MAX_BATCH_CHANGES + 20) {
        isp.db
            .core
            .create_customer(
                &isp.owner,
                &customer_input(&format!("c{i:04}"), &isp.pppoe_plan, &isp.router),
            )
            .unwrap();
    }
    isp.db.core.delete_customer(&isp.owner, doomed.id).unwrap();
    let mut batches = 0;
    let mut tombstones = 0;
    let mut rows = 0;
    while let Some(push) = isp.db.core.begin_push().unwrap() {
        assert!(push.batch.changes.len() <= MAX_BATCH_CHANGES);
        rows += push.batch.changes.len();
        tombstones += push
            .batch
            .changes
            .iter()
            .filter(|c| c.op == ChangeOp::Delete && c.row_id == doomed.id.to_string())
            .count();
        isp.db.core.finish_push(&push).unwrap();
        batches += 1;
    }
    assert_eq!(batches, 2);
    assert_eq!(tombstones, 1);
    assert_eq!(rows, 7 + MAX_BATCH_CHANGES + 20 + 1);
}

#[test]
fn the_feed_lands_in_radacct_once_and_refreshes_quotas() {
    let isp = Isp::new();
    pair(&isp);
    isp.db
        .core
        .create_customer(
            &isp.owner,
            &customer_input("kuota", &isp.hotspot_plan, &isp.router),
        )
        .unwrap();
    let session = |seq: i64, octets: i64, stop: Option<&str>| {
        FeedEntry {
        seq,
        kind: FeedKind::Radacct,
        data: json!({
            "acctuniqueid": "u-1", "acctsessionid": "s-1", "username": "kuota", "nasipaddress": "127.0.0.1",
            "acctstarttime": "2026-11-23T09:00:00+00:00", "acctupdatetime": "2026-11-23T09:05:00Z",
            "acctstoptime": stop, "acctinputoctets": 0, "acctoutputoctets": octets, "acctsessiontime": 300,
            "framedipaddress": "10.10.0.9", "tenant_id": "ignored"
        })
        .as_object()
        .unwrap()
        .clone(),
    }
    };
    let page = PullPage {
        entries: vec![
            session(1, 1 << 30, None),
            session(2, 3 << 30, Some("2026-11-23T09:10:00Z")),
        ],
        next_cursor: 2,
        more: false,
    };
    isp.db.core.apply_pull(&page).unwrap();
    isp.db.core.apply_pull(&page).unwrap(); // the same page again changes nothing
    let rows: Vec<(i64, String, Option<String>)> = isp.db.core.with_connection(|c| {
        c.prepare("SELECT acctoutputoctets, acctstarttime, acctstoptime FROM radacct")
            .unwrap()
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
            .unwrap()
            .map(Result::unwrap)
            .collect()
    });
    assert_eq!(
        rows,
        [(
            3 << 30,
            "2026-11-23T09:00:00.000Z".to_owned(),
            Some("2026-11-23T09:10:00.000Z".to_owned())
        )]
    );
    assert_eq!(isp.db.core.pull_cursor().unwrap(), 2);
    let left = (10u64 << 30) - (3u64 << 30);
    assert_eq!(
        isp.attr("radreply", "kuota", "Mikrotik-Total-Limit"),
        Some((left & 0xFFFF_FFFF).to_string())
    );
    isp.assert_radius_consistent();
}

#[test]
fn synced_accounting_shows_who_is_online_their_history_and_usage_per_plan() {
    let isp = Isp::new();
    isp.customer("budi");
    isp.customer("siti");
    let session = |seq: i64, user: &str, id: &str, stop: Option<&str>, out: i64| FeedEntry {
        seq,
        kind: FeedKind::Radacct,
        data: json!({
            "acctuniqueid": id, "acctsessionid": id, "username": user, "nasipaddress": "127.0.0.1",
            "acctstarttime": format!("2026-11-23T0{seq}:00:00Z"), "acctstoptime": stop,
            "acctinputoctets": 1000, "acctoutputoctets": out, "acctsessiontime": 60,
            "framedipaddress": "10.10.0.9", "callingstationid": "AA:BB:CC:DD:EE:FF"
        })
        .as_object()
        .unwrap()
        .clone(),
    };
    let page = PullPage {
        entries: vec![
            session(1, "budi", "b1", Some("2026-11-23T01:30:00Z"), 5_000),
            session(2, "budi", "b2", None, 7_000),
            session(3, "siti", "s1", None, 2_000),
            session(4, "stranger", "x1", None, 1),
        ],
        next_cursor: 4,
        more: false,
    };
    isp.db.core.apply_pull(&page).unwrap();
    let online = isp
        .db
        .core
        .accounting_sessions(
            &isp.owner,
            &ispdesk_core::SessionQuery {
                router_id: Some(isp.router.id),
                online_only: true,
                page: 1,
                page_size: 50,
                ..Default::default()
            },
        )
        .unwrap();
    let users: Vec<&str> = online.items.iter().map(|s| s.username.as_str()).collect();
    assert_eq!(
        users,
        ["stranger", "siti", "budi"],
        "newest first, all on this router"
    );
    assert_eq!(
        online.items[2].customer_name.as_deref(),
        Some("Pelanggan budi")
    );
    assert_eq!(online.items[2].router_name.as_deref(), Some("Router pusat"));
    assert_eq!(
        online.items[0].customer_id, None,
        "an unknown username is still shown"
    );
    let budi = isp
        .db
        .core
        .search_customers(
            &isp.owner,
            &ispdesk_core::CustomerQuery {
                text: "budi".into(),
                page: 1,
                page_size: 1,
                ..Default::default()
            },
        )
        .unwrap()
        .items[0]
        .customer
        .id;
    let history = isp
        .db
        .core
        .accounting_sessions(
            &isp.owner,
            &ispdesk_core::SessionQuery {
                customer_id: Some(budi),
                page: 1,
                page_size: 50,
                ..Default::default()
            },
        )
        .unwrap();
    assert_eq!(history.total, 2);
    assert_eq!(history.items[1].bytes_out, 5_000);
    assert!(history.items[1].stopped_at.is_some());
    let usage = isp
        .db
        .core
        .usage_by_plan(
            &isp.owner,
            &ispdesk_core::UsageQuery {
                from: "2026-11-23T00:00:00Z".parse().unwrap(),
                to: "2026-11-24T00:00:00Z".parse().unwrap(),
            },
        )
        .unwrap();
    let ppp = usage
        .iter()
        .find(|u| u.plan_id == Some(isp.pppoe_plan.id))
        .unwrap();
    assert_eq!((ppp.customers, ppp.sessions, ppp.bytes_out), (2, 3, 14_000));
    let reseller = isp
        .db
        .staff(&isp.owner, "agen", ispdesk_domain::Role::Reseller);
    assert!(
        isp.db
            .core
            .accounting_sessions(&reseller, &ispdesk_core::SessionQuery::default())
            .is_err()
    );
}
