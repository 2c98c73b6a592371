//! Tenant A's token can read and write nothing of tenant B: API and RADIUS alike.

use crate::support::*;
use anyhow::Result;
use freeradius_harness::{AcctPacket, AcctStatus, PacketKind};
use ispdesk_domain::sync::{FeedKind, PullPage, PushAck};
use std::net::Ipv4Addr;
use std::sync::Arc;

pub async fn one_tenant_cannot_read_or_write_another(shared: Arc<Shared>) -> Result<()> {
    let env = Env::new(shared).await?;
    let a = env.tenant_device("isp-a", roomy()).await?;
    let b = env.tenant_device("isp-b", roomy()).await?;
    let a_batch = batch(vec![
        router(&id(1), 1, "10.0.0.1", Some("secret-a")),
        plan(&id(3), 1, "PPP-10M", None, None, ""),
        customer(
            &id(100),
            1,
            "budi",
            "a-pass",
            "active",
            Some(&id(3)),
            Some(&id(1)),
            None,
        ),
    ]);
    env.push(&a.token, &a_batch)
        .await?
        .ok_json::<PushAck>(200)
        .await?;
    // What FreeRADIUS would have written for A.
    env.psql(&format!(
        "INSERT INTO radpostauth (tenant_id, username, pass, reply) VALUES ('{}', 'budi', '', 'Access-Accept')",
        a.tenant
    ))?;

    // B writes rows with A's ids, even a higher rev, in a batch with A's batch id: they
    // are B's rows and B's batch; A's stay.
    let b_batch = ispdesk_domain::sync::PushBatch {
        batch_id: a_batch.batch_id,
        changes: vec![
            customer(
                &id(100),
                9,
                "budi",
                "b-pass",
                "suspended",
                Some(&id(3)),
                Some(&id(1)),
                None,
            ),
            delete("routers", &id(1), 9),
        ],
    };
    let ack: PushAck = env.push(&b.token, &b_batch).await?.ok_json(200).await?;
    assert_eq!((ack.applied, ack.stale), (2, 0));
    let a_rows = format!("tenant_id = '{}'", a.tenant);
    assert_eq!(
        env.psql(&format!(
            "SELECT rev, data->>'status' FROM synced_rows WHERE {a_rows} AND row_id = '{}'",
            id(100)
        ))?,
        "1|active"
    );
    assert_eq!(
        env.psql(&format!("SELECT count(*) FROM nas WHERE {a_rows}"))?,
        "1"
    );
    assert_eq!(
        env.psql(&format!(
            "SELECT value FROM radcheck WHERE {a_rows} AND attribute = 'Cleartext-Password'"
        ))?,
        "a-pass"
    );
    assert_eq!(
        env.psql(&format!(
            "SELECT count(*) FROM radcheck WHERE {a_rows} AND attribute = 'Auth-Type'"
        ))?,
        "0"
    );
    // B's customer has no plan of B's: rejected, in B's rows only.
    assert_eq!(
        env.psql(&format!(
            "SELECT count(*) FROM radcheck WHERE tenant_id = '{}' AND attribute = 'Auth-Type'",
            b.tenant
        ))?,
        "1"
    );

    // B's feed is B's, whatever cursor B asks for.
    let a_feed = env.pull_all(&a.token, 0).await?;
    assert_eq!(a_feed.entries.len(), 1);
    assert_eq!(a_feed.entries[0].kind, FeedKind::Radpostauth);
    for after in [0, a_feed.entries[0].seq - 1, -5] {
        let page: PullPage = env.pull(&b.token, after).await?.ok_json(200).await?;
        assert!(page.entries.is_empty(), "{page:?}");
    }
    assert_eq!(
        env.psql("SELECT count(DISTINCT tenant_id) FROM sync_batches")?,
        "2"
    );
    env.server.stop().await
}

pub async fn the_same_username_authenticates_only_against_its_own_tenant(
    shared: Arc<Shared>,
) -> Result<()> {
    let env = Env::new(shared).await?;
    let a = env.tenant_device("isp-a", roomy()).await?;
    let b = env.tenant_device("isp-b", roomy()).await?;
    for (device, address, secret, password, down) in [
        (&a, "127.0.0.2", "secret-a", "a-pass", 10_000_000),
        (&b, "127.0.0.3", "secret-b", "b-pass", 2_000_000),
    ] {
        env.push(
            &device.token,
            &batch(vec![
                router(&id(1), 1, address, Some(secret)),
                bandwidth(&id(2), 1, down / 2, down),
                plan(&id(3), 1, "PPP", Some(&id(2)), None, ""),
                customer(
                    &id(100),
                    1,
                    "budi",
                    password,
                    "active",
                    Some(&id(3)),
                    Some(&id(1)),
                    None,
                ),
            ]),
        )
        .await?
        .ok_json::<PushAck>(200)
        .await?;
    }
    let radius = env.start_radius().await?;
    let router_a = radius.nas(Ipv4Addr::new(127, 0, 0, 2), "secret-a");
    let router_b = radius.nas(Ipv4Addr::new(127, 0, 0, 3), "secret-b");

    let (ra, rb) = (router_a.clone(), router_b.clone());
    let replies = blocking(move || -> Result<_> {
        Ok((
            ra.auth("budi", "a-pass")?,
            ra.auth("budi", "b-pass")?,
            rb.auth("budi", "b-pass")?,
            rb.auth("budi", "a-pass")?,
        ))
    })
    .await??;
    assert!(replies.0.accepted, "{:?}", replies.0);
    assert_eq!(replies.0.get("Mikrotik-Rate-Limit"), Some("5M/10M"));
    assert!(!replies.1.accepted, "B's password does not open A's budi");
    assert!(replies.2.accepted, "{:?}", replies.2);
    assert_eq!(replies.2.get("Mikrotik-Rate-Limit"), Some("1M/2M"));
    assert!(!replies.3.accepted);

    // B's router claiming to be A's (NAS-IP-Address is the router's own word) is still B's.
    let rb = router_b.clone();
    let spoofed = blocking(move || {
        rb.send(
            PacketKind::Auth,
            &[
                ("User-Name".into(), "\"budi\"".into()),
                ("User-Password".into(), "\"a-pass\"".into()),
                ("NAS-IP-Address".into(), "127.0.0.2".into()),
                ("Message-Authenticator".into(), "0x00".into()),
            ],
        )
    })
    .await??;
    assert_eq!(spoofed.code, "Access-Reject");

    // A's session counts against A's budi only (Simultaneous-Use = 1 in both plans).
    let (ra, rb) = (router_a.clone(), router_b.clone());
    let (a_again, b_again) = blocking(move || -> Result<_> {
        ra.accounting(&AcctPacket {
            nas_ip: Ipv4Addr::new(127, 0, 0, 2),
            ..AcctPacket::new(AcctStatus::Start, "budi", "a-session")
        })?;
        Ok((ra.auth("budi", "a-pass")?, rb.auth("budi", "b-pass")?))
    })
    .await??;
    assert!(!a_again.accepted, "A's budi is already online: {a_again:?}");
    assert!(b_again.accepted, "B's budi is someone else: {b_again:?}");
    assert_eq!(
        env.psql(
            "SELECT t.subdomain, a.username FROM radacct a JOIN tenants t ON t.id = a.tenant_id"
        )?,
        "isp-a|budi"
    );
    let b_feed = env.pull_all(&b.token, 0).await?;
    assert!(
        b_feed
            .entries
            .iter()
            .all(|e| e.kind == FeedKind::Radpostauth)
    );
    let a_feed = env.pull_all(&a.token, 0).await?;
    assert_eq!(
        a_feed
            .entries
            .iter()
            .filter(|e| e.kind == FeedKind::Radacct)
            .count(),
        1
    );
    // Each tenant's post-auth log holds only its own router's answers.
    assert_eq!(
        env.psql(&format!(
            "SELECT string_agg(reply, ',' ORDER BY id) FROM radpostauth WHERE tenant_id = '{}'",
            a.tenant
        ))?,
        "Access-Accept,Access-Reject,Access-Reject"
    );
    env.server.stop().await
}
