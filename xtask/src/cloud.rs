//! `cargo xtask cloud [--port N]`: the hosted platform on this machine for development — a
//! throwaway PostgreSQL, `ispdesk-cloud`, and FreeRADIUS with the platform's configuration.
//! It prints the URL, a super admin login and the RADIUS ports; Ctrl-C stops everything.
//! (The work is `crates/cloud/examples/dev.rs`, so the test harness it uses stays a
//! dev-dependency.)

use crate::{deps, root, sh};
use anyhow::Result;

pub fn cloud(args: &[&str]) -> Result<()> {
    deps::apt(&[
        "freeradius",
        "freeradius-utils",
        "freeradius-postgresql",
        "postgresql",
    ])?;
    let mut cargo = vec!["run", "-q", "-p", "ispdesk-cloud", "--example", "dev", "--"];
    cargo.extend_from_slice(args);
    sh(&root(), "cargo", &cargo, &[])
}
