//! The binary: `keys create` prints one key alone on stdout; `serve` stops
//! within its shutdown timeout on SIGTERM.

use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

const BIN: &str = env!("CARGO_BIN_EXE_credence");

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

#[test]
fn keys_create_prints_one_key_that_works() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", dir.path().join("c.db").display());
    let out = Command::new(BIN)
        .args([
            "keys",
            "create",
            "--role",
            "auditor",
            "--department",
            "130400-audit",
            "--database",
            &url,
        ])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let stdout = String::from_utf8(out.stdout).unwrap();
    let lines: Vec<&str> = stdout.lines().collect();
    assert_eq!(lines.len(), 1, "{stdout}");
    assert!(lines[0].starts_with("crd_") && lines[0].len() == 68);
    assert!(!String::from_utf8_lossy(&out.stderr).contains(lines[0]), "the key is not logged");

    let store = credence::store::Store::open(&url, 1).unwrap();
    let found = credence::store::keys::find(&mut store.conn().unwrap(), lines[0]).unwrap().unwrap();
    assert_eq!(found.role, credence::domain::Role::Auditor);
    assert_eq!(found.department, "130400-audit");

    let bad = Command::new(BIN)
        .args(["keys", "create", "--role", "king", "--department", "x", "--database", &url])
        .output()
        .unwrap();
    assert!(!bad.status.success());
    assert!(String::from_utf8_lossy(&bad.stderr).contains("unknown role"));
}

#[test]
fn serve_stops_gracefully_on_sigterm() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", dir.path().join("c.db").display());
    let listen = format!("127.0.0.1:{}", free_port());
    let mut child = Command::new(BIN)
        .args(["serve", "--listen", &listen, "--database", &url, "--rules", "rules"])
        .env("CREDENCE_SHUTDOWN_TIMEOUT_SECS", "2")
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let started = Instant::now();
    let client = reqwest::blocking::Client::new();
    while client.get(format!("http://{listen}/healthz")).send().is_err() {
        assert!(started.elapsed() < Duration::from_secs(30), "server did not start");
        std::thread::sleep(Duration::from_millis(50));
    }

    let stop = Instant::now();
    Command::new("kill").args(["-TERM", &child.id().to_string()]).status().unwrap();
    loop {
        if let Some(status) = child.try_wait().unwrap() {
            assert!(status.success(), "{status}");
            break;
        }
        assert!(stop.elapsed() < Duration::from_secs(10), "still running 10 s after SIGTERM");
        std::thread::sleep(Duration::from_millis(50));
    }
}

#[test]
fn an_unknown_database_scheme_is_a_start_up_error() {
    let out = Command::new(BIN)
        .args(["serve", "--listen", "127.0.0.1:0", "--database", "mysql://x/y"])
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("not supported"));
}
