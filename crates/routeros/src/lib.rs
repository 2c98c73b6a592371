//! `routeros-api`: talking to MikroTik routers over the RouterOS API, and a RouterOS simulator
//! to test against.
//!
//! This crate owns two things:
//! - **the client** ([`Client`]): an async (tokio) RouterOS API client written to
//!   `shared/reference/protocol-facts.md` §1. It logs in to routers old (MD5 challenge) and new
//!   (plain), runs many commands at once over one connection by `.tag`, streams `listen` and
//!   `monitor-traffic` as [`futures_core::Stream`]s that `/cancel` when dropped, pins the
//!   router's self-signed TLS certificate by fingerprint ([`Fingerprint`]), and offers a typed
//!   layer over the menus the app uses ([`menu`]).
//! - **the simulator** ([`sim::Simulator`], and the `routeros-sim` binary): a RouterOS stand-in
//!   speaking the same wire protocol over TCP and TLS, with state, queries, streaming, v6 or v7
//!   behaviour and injectable faults, for tests and demos of this crate and of the app.
//!
//! It must not depend on anything of ispdesk: it knows routers, not customers or plans. The
//! app maps its own records onto the typed menus here.
//!
//! Entry points: [`Client::connect`] with [`ConnectOptions`]; [`Client::command`] and
//! [`Client::stream`] for raw [`Command`]s; [`Client::list`], [`Client::add`] and friends with
//! the [`menu`] types; [`sim::Simulator::start`] with a [`sim::SimConfig`].

pub mod codec;
pub mod menu;
pub mod sim;
pub mod value;

mod client;
mod error;
mod sentence;
mod tls;

pub use client::{
    API_PORT, API_SSL_PORT, Client, ConnectOptions, ReplyStream, Response, Security, TypedStream,
    challenge_response,
};
pub use error::{Error, Result, TrapCategory};
pub use sentence::{Command, ItemId, Query, Reply, ReplyKind, Row, parse_attribute};
pub use tls::{BadFingerprint, Fingerprint};
