//! The simulator against a third-party client: the Python library librouteros, as other
//! projects use it against real routers. If the simulator only agreed with our own client, the
//! two could share a misreading of the protocol; this test catches that.
//!
//! Needs `python3`. librouteros is installed into `target/pydeps` on first use when it is not
//! importable already.

use std::path::PathBuf;
use std::process::Command;
use std::sync::OnceLock;

use routeros_api::sim::RouterVersion;

use crate::{PASSWORD, USER, start_sim};

const SCRIPT: &str = r#"
import sys
from librouteros import connect
from librouteros.exceptions import TrapError
from librouteros.login import plain, token
from librouteros.query import Key, Or

host, port, method, user, password = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4], sys.argv[5]
login = plain if method == "plain" else token

try:
    connect(host=host, port=port, username=user, password="wrong", login_method=login, timeout=5)
    raise AssertionError("a wrong password was accepted")
except TrapError as e:
    print("refused:", e.message)

api = connect(host=host, port=port, username=user, password=password, login_method=login, timeout=5)
secrets = api.path("ppp", "secret")
assert tuple(secrets) == (), tuple(secrets)

alice = secrets.add(name="alice", password="pw1", service="pppoe", comment="paket=10M")
bob = secrets.add(name="bob", password="pw2", disabled=True)
assert alice.startswith("*") and bob.startswith("*") and alice != bob, (alice, bob)

name, service, disabled = Key("name"), Key("service"), Key("disabled")
rows = tuple(secrets.select(name, service).where(name == "alice"))
assert rows == ({"name": "alice", "service": "pppoe"},), rows
rows = tuple(secrets.select(name).where(disabled == True))
assert rows == ({"name": "bob"},), rows
rows = tuple(secrets.select(name).where(name != "alice"))
assert rows == ({"name": "bob"},), rows
rows = tuple(secrets.select(name).where(Or(name == "alice", name == "bob")))
assert rows == ({"name": "alice"}, {"name": "bob"}), rows
rows = tuple(secrets.select(name).where(name.In("bob", "carol")))
assert rows == ({"name": "bob"},), rows

secrets.update(**{".id": alice, "password": "pw1-new", "comment": "a=b=c"})
row = [r for r in secrets if r[".id"] == alice][0]
assert row["password"] == "pw1-new" and row["comment"] == "a=b=c" and row["disabled"] is False, row

try:
    secrets.add(name="alice", password="again")
    raise AssertionError("a duplicate name was accepted")
except TrapError as e:
    assert "already exists" in e.message, e.message

secrets.remove(alice, bob)
assert tuple(secrets) == (), tuple(secrets)

resource = tuple(api.path("system", "resource"))[0]
print("version:", resource["version"])
api.close()
print("ok")
"#;

fn target_dir() -> PathBuf {
    // The test binary lives in target/<profile>/deps/.
    let exe = std::env::current_exe().expect("the test binary's path");
    exe.ancestors()
        .nth(3)
        .expect("target/<profile>/deps/it-…")
        .to_path_buf()
}

/// A `PYTHONPATH` under which librouteros imports, installing it once if needed.
fn python_path() -> &'static PathBuf {
    static PATH: OnceLock<PathBuf> = OnceLock::new();
    PATH.get_or_init(|| {
        let pydeps = target_dir().join("pydeps");
        let importable = || {
            Command::new("python3")
                .args(["-c", "import librouteros"])
                .env("PYTHONPATH", &pydeps)
                .output()
                .unwrap_or_else(|e| {
                    panic!("python3 is needed to test the simulator against librouteros: {e}")
                })
                .status
                .success()
        };
        if !importable() {
            // Installed beside and renamed into place, so test processes racing to install
            // (nextest runs each test in its own) never see half an install.
            let staging = target_dir().join(format!("pydeps.{}", std::process::id()));
            let install = Command::new("python3")
                .args([
                    "-m",
                    "pip",
                    "install",
                    "--quiet",
                    "--disable-pip-version-check",
                    "--target",
                ])
                .arg(&staging)
                .arg("librouteros")
                .output()
                .expect("python3 -m pip runs");
            assert!(
                install.status.success(),
                "installing librouteros with pip failed: {}",
                String::from_utf8_lossy(&install.stderr)
            );
            if std::fs::rename(&staging, &pydeps).is_err() {
                // Another process won the race; its install is as good as ours.
                _ = std::fs::remove_dir_all(&staging);
            }
            assert!(
                importable(),
                "librouteros does not import from {}",
                pydeps.display()
            );
        }
        pydeps
    })
}

async fn run_librouteros(version: RouterVersion, method: &str) -> String {
    let sim = start_sim(version).await;
    let port = sim.address().port().to_string();
    let method = method.to_owned();
    let output = tokio::task::spawn_blocking(move || {
        let pythonpath = python_path();
        Command::new("python3")
            .args(["-c", SCRIPT, "127.0.0.1", &port, &method, USER, PASSWORD])
            .env("PYTHONPATH", pythonpath)
            .output()
            .expect("python3 runs")
    })
    .await
    .unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout).into_owned();
    assert!(
        output.status.success(),
        "librouteros against the {version:?} simulator failed:\n{stdout}\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    stdout
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn librouteros_works_against_a_v6_simulator_with_challenge_login() {
    let out = run_librouteros(RouterVersion::V6, "token").await;
    assert!(out.contains("refused: cannot log in"), "{out}");
    assert!(out.contains("version: 6.42.12 (long-term)"), "{out}");
    assert!(out.trim_end().ends_with("ok"), "{out}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn librouteros_works_against_a_v7_simulator_with_plain_login() {
    let out = run_librouteros(RouterVersion::V7, "plain").await;
    assert!(
        out.contains("refused: invalid user name or password (6)"),
        "{out}"
    );
    assert!(out.contains("version: 7.18.2 (stable)"), "{out}");
    assert!(out.trim_end().ends_with("ok"), "{out}");
}
