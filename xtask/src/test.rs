//! `cargo xtask test`: everything CI runs, in order from quickest feedback to slowest.

use crate::{build_ui, deps, root, sh};
use anyhow::{Context, Result};
use std::path::PathBuf;

pub fn test(args: &[&str]) -> Result<()> {
    let skip_lint = args.contains(&"--skip-lint");
    let root = root();
    let ui = root.join("ui");
    let mut packages = deps::APP_PACKAGES.to_vec();
    packages.extend(deps::TEST_PACKAGES);
    deps::apt(&packages)?;
    build_ui()?;
    sh(&ui, "npm", &["run", "check"], &[])?;

    if !skip_lint {
        sh(&root, "cargo", &["fmt", "--all", "--", "--check"], &[])?;
        sh(
            &root,
            "cargo",
            &[
                "clippy",
                "--workspace",
                "--all-targets",
                "--",
                "-D",
                "warnings",
            ],
            &[],
        )?;
    }

    // Rust: unit and integration tests of every crate (the app's own e2e comes last).
    sh(
        &root,
        "cargo",
        &["test", "--workspace", "--exclude", "ispdesk-e2e"],
        &[],
    )?;

    // The UI in Debian's Chromium, with the Tauri IPC mocked at its boundary.
    sh(&ui, "npm", &["test"], &[])?;

    // The real app, built as users get it (UI embedded), driven under Xvfb.
    sh(
        &root,
        "cargo",
        &["build", "-p", "ispdesk", "--features", "custom-protocol"],
        &[],
    )?;
    let driver = tauri_driver()?;
    let binary = crate::target_dir()
        .join("debug")
        .join(format!("ispdesk{}", std::env::consts::EXE_SUFFIX));
    let binary = binary.display().to_string();
    let driver = driver.display().to_string();
    let envs = [
        ("APP_BINARY", binary.as_str()),
        ("TAURI_DRIVER", driver.as_str()),
    ];
    if cfg!(target_os = "linux") && std::env::var_os("DISPLAY").is_none() {
        sh(
            &root,
            "xvfb-run",
            &[
                "-a",
                "-s",
                "-screen 0 1366x768x24",
                "cargo",
                "test",
                "-p",
                "ispdesk-e2e",
            ],
            &envs,
        )?;
    } else {
        sh(&root, "cargo", &["test", "-p", "ispdesk-e2e"], &envs)?;
    }
    eprintln!(
        "\nAll tests passed. Screenshots to look at: {} and {}",
        root.join("target/ui-screenshots").display(),
        root.join("target/e2e-screenshots").display()
    );
    Ok(())
}

/// `tauri-driver` (WebDriver for the real app window), installed into cargo's bin
/// directory on first use.
fn tauri_driver() -> Result<PathBuf> {
    let cargo_home = std::env::var_os("CARGO_HOME")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".cargo")))
        .context("cannot find cargo's home directory")?;
    let installed = cargo_home
        .join("bin")
        .join(format!("tauri-driver{}", std::env::consts::EXE_SUFFIX));
    if !installed.is_file() {
        sh(
            &root(),
            "cargo",
            &["install", "tauri-driver", "--version", "^2", "--locked"],
            &[],
        )?;
    }
    Ok(installed)
}
