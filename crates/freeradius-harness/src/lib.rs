//! Test support: a real FreeRADIUS for integration tests, driven exactly as a router drives
//! it.
//!
//! It owns the recipe of `protocol-facts.md` §5 in code: Debian's FreeRADIUS 3.2
//! configuration copied into a temporary directory and edited for one test (listeners on
//! 127.0.0.1 with ports of its own, so tests run in parallel; clients read from the `nas`
//! table; `sql` in authorize, accounting, session and post-auth; every reply signed with a
//! Message-Authenticator), `freeradius -X` started and waited for, and stopped on drop.
//! Packets go through the real `radclient` (freeradius-utils).
//!
//! Entry types:
//! - [`FreeRadius`]: [`FreeRadius::sqlite`] reads the desktop app's own SQLite file
//!   ([`FreeRadius::sqlite_with_template`] with the app's own queries);
//!   [`FreeRadius::postgres`] reads a [`PgServer`] database, optionally with a configuration
//!   template (the hosted platform's multi-tenant queries and `sql` module).
//! - [`Nas`]: one router (source address in 127.0.0.0/8 + secret) sending PAP, CHAP and
//!   accounting; [`AuthReply`] and [`AcctPacket`] are what goes back and forth.
//! - [`PgServer`]: a throwaway PostgreSQL cluster.
//!
//! It is test support only: it runs the servers as the current user (root in CI, so that it
//! can read Debian's configuration and run PostgreSQL as `postgres`), trusts every local
//! PostgreSQL connection, answers rejects without Debian's one-second delay and keeps
//! FreeRADIUS's full debug output ([`FreeRadius::log`]; set [`KEEP_ENV`] to keep the
//! directories). It depends on no other ispdesk crate and must not become a dependency of
//! anything but tests. When a program is missing it fails with the Debian packages to
//! install (`freeradius freeradius-utils freeradius-postgresql postgresql`); it never skips.
//!
//! What Debian 12's FreeRADIUS 3.2.1 does with the app's rows is asserted by this crate's
//! tests (`tests/it`), FIXMEs included: e.g. the stock SQLite queries do not enforce
//! Simultaneous-Use, the stock post-auth query stores PAP passwords in clear text, and a
//! write lock the app holds longer than 200 ms turns accepts into rejects.

mod conf;
mod error;
mod freeradius;
mod postgres;
mod process;
mod radclient;

pub use error::{Error, Result};
pub use freeradius::{FreeRadius, sql_env};
pub use postgres::PgServer;
pub use process::KEEP_ENV;
pub use radclient::{AcctPacket, AcctStatus, AuthReply, Nas, PacketKind, Reply};
