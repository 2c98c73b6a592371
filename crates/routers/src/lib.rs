//! `ispdesk-routers`: what the desktop does with live MikroTik routers, over their RouterOS
//! API (`routeros-api`):
//! - **test a connection** with the saved credentials, and confirm an api-ssl certificate
//!   ([`test_connection`], [`confirm_certificate`]);
//! - **watch health and who is online**: the [`Poller`] keeps one connection per router and
//!   polls it in a tokio task, publishing each [`RouterStatus`] through a `watch` channel,
//!   reconnecting with backoff when a router drops or stalls;
//! - **disconnect a session** ([`disconnect_session`]);
//! - **import** a router's PPP secrets and hotspot users as customers ([`preview_import`],
//!   [`import_from_router`]);
//! - **api-mode provisioning**: compare what the router holds with what the database says
//!   and apply the difference ([`preview_provisioning`], [`apply_provisioning`]), and the
//!   background job draining the core's provisioning queue ([`drain_provision_queue`]).
//!
//! Rules live elsewhere: permissions, activity logging, imports and the desired state in
//! `ispdesk-core`, the diff in `ispdesk_domain::provisioning`. This crate connects them to
//! routers. It must not depend on Tauri: everything here is tested against the RouterOS
//! simulator over real TCP. Core calls run on tokio's blocking pool, so router tasks are
//! never stalled by the database.

mod access;
mod check;
mod endpoint;
mod error;
mod health;
mod live;
mod poller;
mod provision;

pub use check::{ConnectionTest, RouterInfo, test_endpoint};
pub use endpoint::{Endpoint, Timeouts};
pub use error::{Error, Result};
pub use health::{
    Health, InterfaceTraffic, OnlineSession, SessionKind, end_session, fetch_sessions,
};
pub use live::{
    DrainOutcome, RouterImportResult, SessionRef, apply_provisioning, confirm_certificate,
    disconnect_session, drain_provision_queue, import_from_router, online_users, preview_import,
    preview_provisioning, read_accounts, refresh_poller, router_status, router_statuses,
    test_connection,
};
pub use poller::{Link, Poller, PollerConfig, RouterStatus};
pub use provision::{ApplyReport, ItemAction, ItemFailure, apply, read_items, reconcile};
