//! Installing what is missing on Debian and Ubuntu, quietly doing nothing when it is all
//! there. Elsewhere (Windows, other Linux) it says what to install instead.

use crate::sh;
use anyhow::{Context, Result, bail};
use std::path::Path;
use std::process::Command;

/// To build and run the desktop app (WebKitGTK and GTK development files).
pub const APP_PACKAGES: &[&str] = &[
    "build-essential",
    "pkg-config",
    "libssl-dev",
    "libwebkit2gtk-4.1-dev",
];

/// To run every test: a virtual display for the real app, WebKit's WebDriver, and
/// Chromium for the UI tests.
pub const TEST_PACKAGES: &[&str] = &["xvfb", "xauth", "webkit2gtk-driver", "chromium"];

fn is_debian_like() -> bool {
    Path::new("/etc/debian_version").exists() && which("apt-get")
}

pub fn which(program: &str) -> bool {
    std::env::var_os("PATH")
        .map(|paths| std::env::split_paths(&paths).any(|p| p.join(program).is_file()))
        .unwrap_or(false)
}

fn installed(package: &str) -> bool {
    Command::new("dpkg-query")
        .args(["-W", "-f=${Status}", package])
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).contains("install ok installed"))
        .unwrap_or(false)
}

fn is_root() -> bool {
    Command::new("id")
        .arg("-u")
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim() == "0")
        .unwrap_or(false)
}

/// Installs the Debian packages among `packages` that are not installed yet.
pub fn apt(packages: &[&str]) -> Result<()> {
    if !cfg!(target_os = "linux") {
        return Ok(());
    }
    if !is_debian_like() {
        eprintln!(
            "note: not a Debian/Ubuntu system; make sure these (or your distribution's equivalents) are installed: {}",
            packages.join(" ")
        );
        return Ok(());
    }
    let missing: Vec<&str> = packages.iter().copied().filter(|p| !installed(p)).collect();
    if missing.is_empty() {
        return Ok(());
    }
    eprintln!("installing: {}", missing.join(" "));
    let (program, prefix): (&str, &[&str]) = if is_root() {
        ("apt-get", &[])
    } else if which("sudo") {
        ("sudo", &["apt-get"])
    } else {
        bail!(
            "these packages are missing and this user cannot install them (no root, no sudo): {}",
            missing.join(" ")
        );
    };
    let root = crate::root();
    let env = [("DEBIAN_FRONTEND", "noninteractive")];
    let mut update: Vec<&str> = prefix.to_vec();
    update.extend(["update", "-q"]);
    sh(&root, program, &update, &env)?;
    let mut install: Vec<&str> = prefix.to_vec();
    install.extend(["install", "-y", "-q", "--no-install-recommends"]);
    install.extend(&missing);
    sh(&root, program, &install, &env)
}

/// Node.js 20.19 or newer (what Vite 7 needs), installed from the distribution if absent.
pub fn node() -> Result<()> {
    if !which("node") || !which("npm") {
        apt(&["nodejs", "npm"])?;
    }
    let version = Command::new("node")
        .arg("--version")
        .output()
        .context("Node.js is needed to build the UI; install Node.js 20.19 or newer")?;
    let text = String::from_utf8_lossy(&version.stdout);
    let mut parts = text
        .trim()
        .trim_start_matches('v')
        .split('.')
        .map(|p| p.parse::<u32>().unwrap_or(0));
    let (major, minor) = (parts.next().unwrap_or(0), parts.next().unwrap_or(0));
    if (major, minor) < (20, 19) {
        bail!(
            "Node.js {} is too old to build the UI (Vite 7 needs 20.19 or newer). Install a newer Node.js \
             (for example from https://nodejs.org or NodeSource's Debian packages) and run this again.",
            text.trim()
        );
    }
    Ok(())
}

/// `npm install` with the committed lock file, only when `node_modules` is behind it.
/// (`npm ci` refuses the lock on registries missing other platforms' optional packages.)
pub fn npm_install(ui: &Path) -> Result<()> {
    node()?;
    let lock = ui.join("package-lock.json");
    let installed = ui.join("node_modules/.package-lock.json");
    let fresh = match (
        lock.metadata().and_then(|m| m.modified()),
        installed.metadata().and_then(|m| m.modified()),
    ) {
        (Ok(lock), Ok(installed)) => installed >= lock,
        _ => false,
    };
    if fresh {
        return Ok(());
    }
    sh(ui, "npm", &["install", "--no-audit", "--no-fund"], &[])
}
