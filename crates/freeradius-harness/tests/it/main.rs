//! The harness against Debian's real FreeRADIUS 3.2: what the app's RADIUS rows make it
//! answer, what it writes back, and the harness's own guarantees (parallel instances,
//! restart, errors).

mod accounting;
mod auth;
mod lifecycle;
mod postgres;
mod sqlite_locking;
mod support;
