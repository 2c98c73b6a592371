//! FreeRADIUS end to end on the platform: the platform's configuration
//! (`deploy/freeradius/`), its database role, rows pushed by a desktop, radclient as the
//! router.

use crate::support::*;
use anyhow::{Context, Result};
use freeradius_harness::{AcctPacket, AcctStatus};
use ispdesk_domain::sync::{FeedKind, PushAck};
use std::net::Ipv4Addr;
use std::sync::Arc;
use std::time::Duration;

const ROUTER_IP: Ipv4Addr = Ipv4Addr::new(127, 0, 0, 4);
const SECRET: &str = "router-secret";

/// A router at 127.0.0.4 with a pool and a PPPoE profile, a 5M/10M plan using that
/// profile, and budi on it.
async fn tenant_with_budi(env: &Env) -> Result<Device> {
    let device = env.tenant_device("isp-e", roomy()).await?;
    env.push(
        &device.token,
        &batch(vec![
            router(&id(1), 1, &ROUTER_IP.to_string(), Some(SECRET)),
            pool(&id(5), 1, &id(1), "pool-pppoe"),
            pppoe_profile(&id(6), 1, &id(1), "pppoe-10m", Some(&id(5)), Some(3600)),
            bandwidth(&id(2), 1, 5_000_000, 10_000_000),
            plan(&id(3), 1, "PPP-10M", Some(&id(2)), None, "pppoe-10m"),
            customer(
                &id(100),
                1,
                "budi",
                "rahasia",
                "active",
                Some(&id(3)),
                Some(&id(1)),
                Some("2099-12-31T17:00:00.000Z"),
            ),
        ]),
    )
    .await?
    .ok_json::<PushAck>(200)
    .await?;
    Ok(device)
}

pub async fn a_pushed_customer_is_accepted_with_the_plan_and_rejected_when_suspended(
    shared: Arc<Shared>,
) -> Result<()> {
    let env = Env::new(shared).await?;
    let device = tenant_with_budi(&env).await?;
    let radius = env.start_radius().await?;
    let nas = radius.nas(ROUTER_IP, SECRET);

    let n = nas.clone();
    let (pap, chap, wrong) = blocking(move || -> Result<_> {
        Ok((
            n.auth("budi", "rahasia")?,
            n.auth_chap("budi", "rahasia")?,
            n.auth("budi", "salah")?,
        ))
    })
    .await??;
    assert!(pap.accepted, "{pap:?}\n{}", radius.log());
    assert_eq!(pap.get("Mikrotik-Rate-Limit"), Some("5M/10M"));
    assert_eq!(pap.get("Mikrotik-Group"), Some("pppoe-10m"));
    assert_eq!(pap.get("Framed-Pool"), Some("pool-pppoe"));
    assert_eq!(pap.get("Session-Timeout"), Some("3600"));
    assert_eq!(pap.get("Acct-Interim-Interval"), Some("300"));
    assert!(pap.get("Message-Authenticator").is_some(), "{pap:?}");
    assert!(chap.accepted, "{chap:?}");
    assert!(!wrong.accepted);
    assert!(wrong.get("Message-Authenticator").is_some(), "{wrong:?}");

    // The plan gets faster: one group row changes, budi's next login has the new speed.
    env.push(
        &device.token,
        &batch(vec![bandwidth(&id(2), 2, 10_000_000, 20_000_000)]),
    )
    .await?
    .ok_json::<PushAck>(200)
    .await?;
    let n = nas.clone();
    let faster = blocking(move || n.auth("budi", "rahasia")).await??;
    assert_eq!(faster.get("Mikrotik-Rate-Limit"), Some("10M/20M"));

    // Suspended: rejected.
    env.push(
        &device.token,
        &batch(vec![customer(
            &id(100),
            2,
            "budi",
            "rahasia",
            "suspended",
            Some(&id(3)),
            Some(&id(1)),
            None,
        )]),
    )
    .await?
    .ok_json::<PushAck>(200)
    .await?;
    let n = nas.clone();
    let suspended = blocking(move || n.auth("budi", "rahasia")).await??;
    assert!(!suspended.accepted, "{suspended:?}");

    // The ISP turns isolir on: suspended customers are let in to the payment page only.
    env.push(&device.token, &batch(vec![radius_settings(1, true, 120)]))
        .await?
        .ok_json::<PushAck>(200)
        .await?;
    let n = nas.clone();
    let isolated = blocking(move || n.auth("budi", "rahasia")).await??;
    assert!(isolated.accepted, "{isolated:?}");
    assert_eq!(isolated.get("Mikrotik-Address-List"), Some("isolir"));
    assert_eq!(isolated.get("Mikrotik-Rate-Limit"), Some("128k/128k"));
    assert_eq!(isolated.get("Acct-Interim-Interval"), Some("120"));

    // Active again but expired yesterday: rejected by the expiration module.
    env.push(
        &device.token,
        &batch(vec![customer(
            &id(100),
            3,
            "budi",
            "rahasia",
            "active",
            Some(&id(3)),
            Some(&id(1)),
            Some("2020-01-01T00:00:00.000Z"),
        )]),
    )
    .await?
    .ok_json::<PushAck>(200)
    .await?;
    let n = nas.clone();
    let expired = blocking(move || n.auth("budi", "rahasia")).await??;
    assert!(!expired.accepted, "{expired:?}");
    assert_eq!(
        radius.reloads(),
        0,
        "no router changed: FreeRADIUS was left alone"
    );
    env.server.stop().await
}

pub async fn accounting_lands_in_radacct_and_the_feed(shared: Arc<Shared>) -> Result<()> {
    let env = Env::new(shared).await?;
    let device = tenant_with_budi(&env).await?;
    let radius = env.start_radius().await?;
    let nas = radius.nas(ROUTER_IP, SECRET);
    let n = nas.clone();
    blocking(move || -> Result<()> {
        anyhow::ensure!(n.auth("budi", "rahasia")?.accepted);
        anyhow::ensure!(!n.auth("budi", "not-this")?.accepted);
        let session = |status| AcctPacket {
            nas_ip: ROUTER_IP,
            framed_ip: Some(Ipv4Addr::new(10, 10, 0, 7)),
            extra: vec![("Calling-Station-Id".into(), "\"AA:BB:CC:DD:EE:FF\"".into())],
            ..AcctPacket::new(status, "budi", "81a00001")
        };
        n.accounting(&session(AcctStatus::Start))?;
        n.accounting(&AcctPacket {
            input_octets: 1000,
            input_gigawords: 1,
            output_octets: 5000,
            session_time: 300,
            ..session(AcctStatus::InterimUpdate)
        })?;
        n.accounting(&AcctPacket {
            input_octets: 2000,
            input_gigawords: 1,
            output_octets: 9000,
            session_time: 600,
            terminate_cause: Some("User-Request".into()),
            ..session(AcctStatus::Stop)
        })?;
        Ok(())
    })
    .await??;

    let row = env.psql(&format!(
        "SELECT tenant_id = '{}', username, host(nasipaddress), host(framedipaddress), acctinputoctets,
                acctoutputoctets, acctsessiontime, acctterminatecause, acctstoptime IS NOT NULL
         FROM radacct",
        device.tenant
    ))?;
    assert_eq!(
        row,
        format!(
            "t|budi|127.0.0.4|10.10.0.7|{}|9000|600|User-Request|t",
            (1u64 << 32) + 2000
        )
    );
    assert_eq!(env.psql("SELECT string_agg(coalesce(pass, '<null>') || ':' || reply, ',' ORDER BY id) FROM radpostauth")?, ":Access-Accept,:Access-Reject");

    let feed = env.pull_all(&device.token, 0).await?;
    let kinds: Vec<FeedKind> = feed.entries.iter().map(|e| e.kind).collect();
    assert_eq!(
        kinds,
        [
            FeedKind::Radpostauth,
            FeedKind::Radpostauth,
            FeedKind::Radacct,
            FeedKind::Radacct,
            FeedKind::Radacct
        ]
    );
    assert!(feed.entries.windows(2).all(|w| w[0].seq < w[1].seq));
    let stop = &feed.entries[4].data;
    assert_eq!(stop["username"], "budi");
    assert_eq!(stop["acctinputoctets"], (1u64 << 32) + 2000);
    assert_eq!(stop["framedipaddress"], "10.10.0.7");
    assert_eq!(stop["callingstationid"], "AA:BB:CC:DD:EE:FF");
    assert!(stop.get("tenant_id").is_none() && stop.get("radacctid").is_none());
    let started = stop["acctstarttime"].as_str().context("a start time")?;
    assert!(
        ispdesk_domain::time::from_storage(started).is_some() && started.ends_with('Z'),
        "{started}"
    );
    assert_eq!(feed.entries[2].data["acctuniqueid"], stop["acctuniqueid"]);
    let auth = &feed.entries[0].data;
    assert_eq!(auth["reply"], "Access-Accept");
    assert!(auth.get("pass").is_none());
    assert!(ispdesk_domain::time::from_storage(auth["authdate"].as_str().unwrap_or("")).is_some());

    // The cursor moves on: nothing twice.
    let rest: ispdesk_domain::sync::PullPage = env
        .pull(&device.token, feed.next_cursor)
        .await?
        .ok_json(200)
        .await?;
    assert!(rest.entries.is_empty() && !rest.more && rest.next_cursor == feed.next_cursor);
    let first: ispdesk_domain::sync::PullPage = env
        .get("/api/v1/sync/pull?after=0&limit=2", Some(&device.token))
        .await?
        .ok_json(200)
        .await?;
    assert_eq!(first.entries.len(), 2);
    assert!(first.more);
    assert_eq!(first.next_cursor, feed.entries[1].seq);
    env.server.stop().await
}

pub async fn a_router_added_later_is_served_after_the_reload(shared: Arc<Shared>) -> Result<()> {
    let env = Env::new(shared).await?;
    let device = tenant_with_budi(&env).await?;
    let mut radius = env.start_radius().await?;
    let new_ip = Ipv4Addr::new(127, 0, 0, 5);

    let before = radius.reloads();
    env.push(
        &device.token,
        &batch(vec![router(
            &id(7),
            1,
            &new_ip.to_string(),
            Some("second-secret"),
        )]),
    )
    .await?
    .ok_json::<PushAck>(200)
    .await?;
    radius.reloaded_after(before).await?;
    let second = radius.nas(new_ip, "second-secret");
    let accepted = blocking(move || second.auth("budi", "rahasia")).await??;
    assert!(accepted.accepted, "{accepted:?}");

    // The first router removed: after the reload, FreeRADIUS no longer answers it.
    let before = radius.reloads();
    env.push(&device.token, &batch(vec![delete("routers", &id(1), 1)]))
        .await?
        .ok_json::<PushAck>(200)
        .await?;
    radius.reloaded_after(before).await?;
    let gone = radius
        .nas(ROUTER_IP, SECRET)
        .timeout(Duration::from_millis(500));
    let answer = blocking(move || gone.auth("budi", "rahasia")).await?;
    assert!(answer.is_err(), "{answer:?}");
    assert_eq!(env.psql("SELECT nasname FROM nas")?, "127.0.0.5");
    env.server.stop().await
}

pub async fn freeradius_role_reads_only_what_it_needs(shared: Arc<Shared>) -> Result<()> {
    let env = Env::new(shared).await?;
    let device = tenant_with_budi(&env).await?;
    let as_radius = |sql: &str| env.shared.pg.psql(&env.db, RADIUS_ROLE, sql);
    assert_eq!(as_radius("SELECT count(*) FROM radcheck")?.trim(), "2");
    for refused in [
        "SELECT count(*) FROM synced_rows",
        "SELECT count(*) FROM tenants",
        "SELECT count(*) FROM devices",
        "SELECT count(*) FROM change_feed",
        "UPDATE radcheck SET value = 'x'",
        "DELETE FROM radacct",
        "INSERT INTO nas (tenant_id, nasname, shortname, secret) SELECT tenant_id, '1.2.3.4', 'x', 'y' FROM nas",
        "SELECT count(*) FROM radpostauth",
    ] {
        let err = as_radius(refused)
            .err()
            .with_context(|| format!("{refused} was allowed"))?;
        assert!(
            err.to_string().contains("permission denied"),
            "{refused}: {err}"
        );
    }
    let forge = format!("SELECT feed_append('{}', 'payment', '{{}}')", device.tenant);
    assert!(
        as_radius(&forge).is_err(),
        "the feed cannot be written directly"
    );
    let password = format!(
        "INSERT INTO radpostauth (tenant_id, username, pass, reply) VALUES ('{}', 'budi', 'rahasia', 'Access-Accept')",
        device.tenant
    );
    let err = as_radius(&password)
        .err()
        .context("a password was stored")?;
    assert!(err.to_string().contains("radpostauth_no_password"), "{err}");
    env.server.stop().await
}

pub async fn the_configuration_signs_every_reply(_shared: Arc<Shared>) -> Result<()> {
    let site = std::fs::read_to_string(deploy_dir().join("sites-available/default"))?;
    let post_auth = &site[site.find("post-auth {").context("post-auth")?..];
    let reject = &post_auth[post_auth
        .find("Post-Auth-Type REJECT {")
        .context("REJECT")?..];
    for section in [post_auth, reject] {
        let first = section.lines().nth(1).unwrap_or_default().trim();
        assert_eq!(first, "update reply {", "{section}");
        assert!(section.contains("&Message-Authenticator := 0x00"));
    }
    // Every query touching FreeRADIUS's tables is scoped by the tenant.
    let queries =
        std::fs::read_to_string(deploy_dir().join("mods-config/sql/main/postgresql/queries.conf"))?;
    let prepared = prepared_statements(&queries)?;
    let statements: Vec<&str> = queries.split("query = \"").skip(1).collect();
    assert!(statements.len() >= 15, "{}", statements.len());
    for statement in statements {
        let text = &statement[..statement.find("\"\n").unwrap_or(statement.len())];
        if text.contains("PREPARE ") {
            continue; // open_query: the prepared statements, checked below.
        }
        let exempt = text.trim_end().ends_with("FROM ${client_table}")
            || text.trim() == "SELECT true"
            || text.starts_with("${..accounting-on.query}");
        let scoped = text.contains("tenant_id = ${")
            || text.contains("${....tenant},")
            || text.contains("${..tenant},");
        let executes_scoped = text.strip_prefix("EXECUTE ").is_some_and(|call| {
            let (name, args) = call.split_once('(').unwrap_or_default();
            prepared.iter().any(|(n, _)| n == name)
                && (args.starts_with("${tenant},") || args.starts_with("${..tenant},"))
        });
        assert!(
            exempt || scoped || executes_scoped,
            "unscoped query: {text}"
        );
        assert!(
            !text.contains("NAS-IP-Address}'}") || text.contains("tenant"),
            "{text}"
        );
    }
    // A prepared statement's $1 is the tenant: every WHERE (each side of a UNION) filters
    // on it, an INSERT stores it.
    assert!(prepared.len() >= 6, "{prepared:?}");
    for (name, body) in &prepared {
        let wheres = body.matches("WHERE ").count();
        let scoped = body.matches("tenant_id = $1 AND").count();
        assert!(
            if body.starts_with("INSERT") {
                body.contains("VALUES ($1,") && body.contains("(tenant_id,")
            } else {
                wheres > 0 && wheres == scoped
            },
            "unscoped prepared statement {name}: {body}"
        );
    }

    // FreeRADIUS's threads each hold one connection of the sql pool at a time; a thread
    // finding none free fails its request. The pool must cover the thread pool.
    let radiusd = std::fs::read_to_string(deploy_dir().join("radiusd.conf"))?;
    let sql = std::fs::read_to_string(deploy_dir().join("mods-available/sql"))?;
    let threads = setting(section(&radiusd, "thread pool {")?, "max_servers")?;
    let pool = section(&sql, "pool {")?;
    assert_eq!(setting(pool, "max")?, threads, "{pool}");
    assert_eq!(
        setting(pool, "start")?,
        threads,
        "opened (and prepared) at start-up"
    );
    Ok(())
}

/// `(name, statement)` of every `PREPARE name (…) AS statement;` in queries.conf's
/// open_query, its lines joined and spaces collapsed as FreeRADIUS reads them.
fn prepared_statements(queries: &str) -> Result<Vec<(String, String)>> {
    let open = &queries[queries.find("open_query = \"").context("open_query")?..];
    let open = &open[..open.find("\"\n").context("end of open_query")?];
    let open = open.replace("\\\n", " ");
    let open = open.split_whitespace().collect::<Vec<_>>().join(" ");
    Ok(open
        .split("PREPARE ")
        .skip(1)
        .map(|p| {
            let name = p.split([' ', '(']).next().unwrap_or_default();
            let body = p.split_once(" AS ").map_or("", |(_, b)| b);
            (
                name.to_owned(),
                body.trim_end_matches([';', ' ', '"']).to_owned(),
            )
        })
        .collect())
}

/// The text between `header` and the closing brace (sections here do not nest).
fn section<'t>(text: &'t str, header: &str) -> Result<&'t str> {
    let from = text.find(header).with_context(|| header.to_owned())? + header.len();
    Ok(&text[from..from + text[from..].find('}').context("}")?])
}

/// `key = <number>` in a section.
fn setting(section: &str, key: &str) -> Result<u32> {
    section
        .lines()
        .find_map(|l| {
            let (k, v) = l.split_once('=')?;
            (k.trim() == key).then(|| v.trim().parse().ok()).flatten()
        })
        .with_context(|| format!("{key} in {section}"))
}

pub async fn freeradius_uses_its_prepared_statements_and_whole_pool(
    shared: Arc<Shared>,
) -> Result<()> {
    let env = Env::new(shared).await?;
    tenant_with_budi(&env).await?;
    let radius = env.start_radius().await?;
    let nas = radius.nas(ROUTER_IP, SECRET);
    let accepted = blocking(move || nas.auth("budi", "rahasia")).await??;
    assert!(accepted.accepted, "{accepted:?}");

    // Every connection was opened at start-up and ran open_query (asynchronous commit,
    // the prepared statements); one then read the clients; the request ran only EXECUTEs.
    let activity = env.psql(&format!(
        "SELECT query FROM pg_stat_activity WHERE usename = '{RADIUS_ROLE}' AND datname = '{}'",
        env.db
    ))?;
    let last_queries: Vec<&str> = activity.lines().collect();
    let sql = std::fs::read_to_string(deploy_dir().join("mods-available/sql"))?;
    let pool = setting(section(&sql, "pool {")?, "max")?;
    assert_eq!(last_queries.len(), pool as usize, "{activity}");
    for query in &last_queries {
        assert!(
            query.starts_with("SET synchronous_commit = off; PREPARE radius_check")
                || query.starts_with("SELECT id, nasname, tenant_id::text")
                || query.starts_with("EXECUTE radius_"),
            "{query}"
        );
    }
    assert!(
        last_queries
            .iter()
            .any(|q| q.starts_with("EXECUTE radius_post_auth(")),
        "{activity}"
    );
    assert_eq!(
        env.psql(
            "SELECT string_agg(coalesce(pass, '<null>') || ':' || reply, ',') FROM radpostauth"
        )?,
        ":Access-Accept"
    );
    env.server.stop().await
}
