//! `cargo xtask <command>`: the project's chores in Rust rather than shell, so they work
//! the same on every machine.
//!
//! - `run [--debug]`  installs what the app needs on Debian/Ubuntu, builds the UI and the
//!   app, and starts it.
//! - `test`           installs what the tests need and runs every test: formatting and
//!   lints, Rust, the UI in a real browser, and the real app under Xvfb.
//! - `ui`             installs the UI's npm packages and builds it into `ui/dist`.
//! - `bindings`       regenerates the TypeScript types in `ui/src/lib/bindings/`.
//! - `bench`          start-up time and memory of the release app (see BENCHMARKS.md).

mod bench;
mod cloud;
mod deps;
mod run;
mod seed;
mod test;

use anyhow::{Context, Result, bail};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::Mutex;

fn main() -> Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let rest: Vec<&str> = args.iter().skip(1).map(String::as_str).collect();
    match args.first().map(String::as_str) {
        Some("run") => run::run(&rest),
        Some("test") => test::test(&rest),
        Some("bindings") => bindings(),
        Some("ui") => build_ui(),
        Some("bench") => bench::bench(&rest),
        Some("cloud") => cloud::cloud(&rest),
        _ => {
            eprintln!(
                "usage: cargo xtask <run [--debug] | test [--skip-lint] | ui | bindings | bench>\n\n\
                 run       build the UI and the app, then start ispdesk\n\
                 test      run every test (what CI runs)\n\
                 ui        build the UI into ui/dist\n\
                 bindings  regenerate ui/src/lib/bindings from the Rust types\n\
                 bench     start-up time and memory of the release app"
            );
            std::process::exit(2)
        }
    }
}

/// The repository root.
pub fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("xtask lives in the repository")
        .to_owned()
}

/// Cargo's target directory: `$CARGO_TARGET_DIR` if set, else `target/` in the repository.
pub fn target_dir() -> PathBuf {
    std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .map(|d| if d.is_absolute() { d } else { root().join(d) })
        .unwrap_or_else(|| root().join("target"))
}

/// Directories put before `PATH` for every command xtask runs (e.g. a fetched Node.js).
static EXTRA_PATH: Mutex<Vec<PathBuf>> = Mutex::new(Vec::new());

pub fn prepend_path(dir: PathBuf) {
    let mut extra = EXTRA_PATH.lock().unwrap_or_else(|p| p.into_inner());
    if !extra.contains(&dir) {
        extra.insert(0, dir);
    }
}

/// The `PATH` for child processes: the extra directories, then the inherited one.
pub fn path_env() -> Vec<(String, std::ffi::OsString)> {
    let extra = EXTRA_PATH.lock().unwrap_or_else(|p| p.into_inner());
    if extra.is_empty() {
        return Vec::new();
    }
    let inherited = std::env::var_os("PATH").unwrap_or_default();
    let dirs = extra
        .iter()
        .cloned()
        .chain(std::env::split_paths(&inherited));
    let joined = std::env::join_paths(dirs).unwrap_or(inherited);
    vec![("PATH".to_owned(), joined)]
}

/// Runs a command in `dir`, echoing it, failing on a non-zero exit.
pub fn sh(dir: &Path, program: &str, args: &[&str], envs: &[(&str, &str)]) -> Result<()> {
    eprintln!("\n==> {program} {}", args.join(" "));
    let status = Command::new(program)
        .args(args)
        .current_dir(dir)
        .envs(path_env())
        .envs(envs.iter().copied())
        .status()
        .with_context(|| format!("could not start `{program}`"))?;
    if !status.success() {
        bail!("`{program} {}` failed ({status})", args.join(" "));
    }
    Ok(())
}

/// The UI's dependencies and its production build in `ui/dist`.
pub fn build_ui() -> Result<()> {
    let ui = root().join("ui");
    deps::npm_install(&ui)?;
    sh(&ui, "npm", &["run", "build"], &[])
}

fn bindings() -> Result<()> {
    sh(
        &root(),
        "cargo",
        &[
            "test",
            "-p",
            "ispdesk",
            "--lib",
            "typescript_bindings_are_current",
        ],
        &[("UPDATE_BINDINGS", "1")],
    )
}
