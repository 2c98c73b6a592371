//! ispdesk-cloud's integration tests: the real server on port 0 over HTTP, a real
//! PostgreSQL (one per run, a database per test), the real FreeRADIUS with the platform's
//! configuration, driven by radclient as a router would.
//!
//! A custom harness (libtest-mimic) so that the one PostgreSQL is stopped when the run
//! ends; it takes the usual arguments (filters, `--list`, `--test-threads`).

mod admin;
mod isolation;
mod pairing;
mod property;
mod push;
mod radius;
mod support;

use libtest_mimic::{Arguments, Failed, Trial};
use std::future::Future;
use std::pin::Pin;
use std::sync::{Arc, OnceLock};
use support::Shared;

type TestFn = fn(Arc<Shared>) -> Pin<Box<dyn Future<Output = anyhow::Result<()>> + Send>>;

macro_rules! tests {
    ($($module:ident :: $name:ident),* $(,)?) => {
        vec![$(
            (
                concat!(stringify!($module), "::", stringify!($name)),
                (|shared| Box::pin($module::$name(shared))) as TestFn,
            )
        ),*]
    };
}

fn main() {
    let args = Arguments::from_args();
    if let Ok(filter) = std::env::var("ISPDESK_TEST_LOG") {
        ispdesk_cloud::init_tracing(ispdesk_cloud::config::LogFormat::Text, &filter);
    }
    let shared: Arc<OnceLock<Result<Arc<Shared>, String>>> = Arc::new(OnceLock::new());
    let all = tests![
        admin::platform_admin_signs_in_and_manages_tenants,
        admin::admin_endpoints_refuse_strangers_and_devices,
        admin::a_suspended_tenant_cannot_sync_or_pair,
        admin::a_revoked_device_is_refused_and_nothing_is_applied,
        pairing::a_code_pairs_once_and_only_while_valid,
        pairing::a_new_code_replaces_the_old_one,
        push::a_batch_is_applied_once_however_often_it_is_sent,
        push::a_malformed_batch_changes_nothing,
        push::a_too_large_batch_is_refused,
        push::stale_revisions_are_skipped_and_deletes_are_tombstones,
        push::a_plan_limit_refuses_the_whole_batch,
        push::secrets_are_sealed_at_rest_and_clear_only_for_freeradius,
        isolation::one_tenant_cannot_read_or_write_another,
        isolation::the_same_username_authenticates_only_against_its_own_tenant,
        radius::a_pushed_customer_is_accepted_with_the_plan_and_rejected_when_suspended,
        radius::accounting_lands_in_radacct_and_the_feed,
        radius::a_router_added_later_is_served_after_the_reload,
        radius::freeradius_role_reads_only_what_it_needs,
        radius::the_configuration_signs_every_reply,
        radius::freeradius_uses_its_prepared_statements_and_whole_pool,
        property::incremental_radius_rows_equal_a_rebuild,
    ];
    let trials = all
        .into_iter()
        .map(|(name, test)| {
            let shared = shared.clone();
            Trial::test(name, move || {
                let shared = shared
                    .get_or_init(|| Shared::start().map(Arc::new).map_err(|e| format!("{e:#}")))
                    .clone()
                    .map_err(Failed::from)?;
                let runtime = tokio::runtime::Builder::new_multi_thread()
                    .worker_threads(2)
                    .enable_all()
                    .build()
                    .map_err(|e| Failed::from(e.to_string()))?;
                runtime
                    .block_on(test(shared))
                    .map_err(|e| Failed::from(format!("{e:#}")))
            })
        })
        .collect();
    let conclusion = libtest_mimic::run(&args, trials);
    // Stops PostgreSQL (the tests' handles are gone by now).
    drop(shared);
    conclusion.exit();
}
