//! `ispdesk-sync`: the desktop's sync engine. It owns the HTTPS conversation with
//! ispdesk-cloud (pairing, push, pull — `docs/sync.md`) and the background loop that keeps
//! the platform up to date, offline-first: the outbox is only cleared by an
//! acknowledgement, so a network failure delays changes and never loses them.
//!
//! It depends on `ispdesk-core` for everything about the database and on nothing of
//! Tauri. Entry types: [`PlatformClient`], [`Engine`], [`SyncStatus`].

mod client;
mod engine;
mod error;

pub use client::PlatformClient;
pub use engine::{Engine, SyncProblem, SyncState, SyncStatus};
pub use error::SyncError;
