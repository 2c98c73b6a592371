//! `cargo xtask run`: from a fresh clone to the open window.

use crate::{build_ui, deps, root, sh};
use anyhow::{Context, Result, bail};
use std::process::Command;

pub fn run(args: &[&str]) -> Result<()> {
    let debug = args.contains(&"--debug");
    deps::apt(deps::APP_PACKAGES)?;
    build_ui()?;
    let mut cargo_args = vec!["build", "-p", "ispdesk", "--features", "custom-protocol"];
    if !debug {
        cargo_args.push("--release");
    }
    sh(&root(), "cargo", &cargo_args, &[])?;
    let binary = crate::target_dir()
        .join(if debug { "debug" } else { "release" })
        .join(format!("ispdesk{}", std::env::consts::EXE_SUFFIX));
    if cfg!(target_os = "linux")
        && std::env::var_os("DISPLAY").is_none()
        && std::env::var_os("WAYLAND_DISPLAY").is_none()
    {
        bail!(
            "built {} but there is no display to open its window on (DISPLAY is not set). \
             Run it from a desktop session, or under a virtual display: xvfb-run -a {}",
            binary.display(),
            binary.display()
        );
    }
    eprintln!("\n==> starting {}", binary.display());
    let status = Command::new(&binary)
        .status()
        .with_context(|| format!("could not start {}", binary.display()))?;
    if !status.success() {
        bail!("ispdesk exited with {status}");
    }
    Ok(())
}
