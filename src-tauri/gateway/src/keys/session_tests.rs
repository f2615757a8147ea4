//! Tests against the real OS keychain. Run them inside a private, unlocked gnome-keyring:
//! `scripts/with-session.sh cargo test -p hearth-gateway --lib keys`.
//!
//! Without `HEARTH_IN_SESSION=1` the keychain tests skip with a note (so a plain `cargo test`
//! never touches a developer's own keyring); with it, a missing session is a failure. The
//! "locked keyring" and "no D-Bus" cases run in child processes of this test binary, each with
//! its own environment, so they never disturb the shared session.

use super::*;
use crate::config::{ProviderConfig, ProviderKind};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// The keychain service tests use (never Hearth's real one).
const TEST_SERVICE: &str = "hearth-test";
/// The environment variable naming the scenario a child probe runs.
const PROBE_ENV: &str = "HEARTH_KEYS_PROBE";
/// The line a child probe prints with its result.
const PROBE_PREFIX: &str = "PROBE-RESULT:";

/// True inside `scripts/with-session.sh`; otherwise prints why the test is skipped.
fn in_session(test: &str) -> bool {
    if std::env::var("HEARTH_IN_SESSION").as_deref() == Ok("1") {
        assert!(
            std::env::var_os("DBUS_SESSION_BUS_ADDRESS").is_some(),
            "HEARTH_IN_SESSION=1 but DBUS_SESSION_BUS_ADDRESS is unset: the test session is broken"
        );
        true
    } else {
        eprintln!(
            "note: {test} skipped: run it with scripts/with-session.sh (private unlocked keyring)"
        );
        false
    }
}

/// A provider id no other test uses.
fn unique_id(tag: &str) -> String {
    format!(
        "t-{tag}-{}-{}",
        std::process::id(),
        time::OffsetDateTime::now_utc().unix_timestamp_nanos() % 1_000_000_000
    )
}

fn provider(base_url: &str) -> ProviderConfig {
    ProviderConfig {
        kind: ProviderKind::OpenAi,
        base_url: Some(base_url.to_string()),
        models: vec!["m".into()],
        key_env: None,
        fallback: Vec::new(),
        max_tokens: None,
    }
}

fn store(dir: &std::path::Path) -> KeyStore {
    KeyStore::with_parts(
        Keychain::new(TEST_SERVICE).with_timeout(Duration::from_secs(20)),
        KeyMetadata::at(dir.join("keys.json")),
        Redactor::new(),
    )
}

#[tokio::test]
async fn set_get_replace_delete_in_the_real_keychain() {
    if !in_session("set_get_replace_delete") {
        return;
    }
    let keychain = Keychain::new(TEST_SERVICE);
    let id = unique_id("crud");
    assert!(keychain.get(&id).await.unwrap().is_none());
    keychain
        .set(&id, &Secret::new("first-key-123456"))
        .await
        .unwrap();
    assert_eq!(
        keychain.get(&id).await.unwrap().unwrap().expose(),
        "first-key-123456"
    );
    keychain
        .set(&id, &Secret::new("second-key-654321"))
        .await
        .unwrap();
    assert_eq!(
        keychain.get(&id).await.unwrap().unwrap().expose(),
        "second-key-654321"
    );
    assert!(keychain.delete(&id).await.unwrap());
    assert!(keychain.get(&id).await.unwrap().is_none());
    assert!(!keychain.delete(&id).await.unwrap());
}

#[tokio::test]
async fn a_burst_of_requests_reads_the_keychain_once_and_sees_a_new_key_at_once() {
    if !in_session("a_burst_of_requests_reads_the_keychain_once") {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let keys = store(dir.path());
    let config = provider("https://api.example.com/v1");
    let id = unique_id("cache");
    keys.set(&id, &config, Secret::new("test-key-first-fake-1"), false)
        .await
        .unwrap();
    let first = keys.key_for(&id, &config).await.unwrap().unwrap();
    assert_eq!(first.expose(), "test-key-first-fake-1");
    // Changed in the keychain behind Hearth's back (another tool): the key read a moment ago
    // is reused — this request made no Secret Service call.
    let keychain = Keychain::new(TEST_SERVICE);
    keychain
        .set(&id, &Secret::new("test-key-behind-fake-2"))
        .await
        .unwrap();
    let again = keys.key_for(&id, &config).await.unwrap().unwrap();
    assert_eq!(again.expose(), "test-key-first-fake-1");
    // Stored through Hearth by another process (`hearth key set`: a new record in keys.json):
    // the next request reads the new key.
    let other_process = store(dir.path());
    other_process
        .set(&id, &config, Secret::new("test-key-second-fake-3"), false)
        .await
        .unwrap();
    let after_set = keys.key_for(&id, &config).await.unwrap().unwrap();
    assert_eq!(after_set.expose(), "test-key-second-fake-3");
    // Deleted by another process: no key is sent any more.
    assert!(other_process.delete(&id).await.unwrap());
    assert!(keys.key_for(&id, &config).await.unwrap().is_none());
}

#[tokio::test]
async fn keys_are_bound_to_their_host() {
    if !in_session("keys_are_bound_to_their_host") {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let keys = store(dir.path());
    let id = unique_id("bind");
    let original = provider("https://api.example.com/v1");
    let status = keys
        .set(&id, &original, Secret::new("sk-bound-key-abcdef"), false)
        .await
        .unwrap();
    assert!(status.present && status.host_confirmed);
    assert_eq!(status.last_four.as_deref(), Some("cdef"));
    assert_eq!(
        status.bound_origin.as_deref(),
        Some("https://api.example.com")
    );
    let key = keys.key_for(&id, &original).await.unwrap().unwrap();
    assert_eq!(key.expose(), "sk-bound-key-abcdef");

    // An edited config pointing elsewhere must not get the key.
    let moved = provider("https://attacker.example.net/v1");
    match keys.key_for(&id, &moved).await {
        Err(KeyError::HostChanged { bound, now, .. }) => {
            assert_eq!(bound, "https://api.example.com");
            assert_eq!(now, "https://attacker.example.net");
        }
        other => panic!("expected HostChanged, got {other:?}"),
    }
    let status = keys.status(&id, &moved).await.unwrap();
    assert!(status.present && !status.host_confirmed);

    // Until the user confirms.
    keys.confirm_host(&id, &moved).await.unwrap();
    assert!(keys.key_for(&id, &moved).await.unwrap().is_some());
    assert!(matches!(
        keys.key_for(&id, &original).await,
        Err(KeyError::HostChanged { .. })
    ));

    // A key in the keychain with no binding record is not released either.
    std::fs::remove_file(dir.path().join("keys.json")).unwrap();
    assert!(matches!(
        keys.key_for(&id, &moved).await,
        Err(KeyError::HostUnconfirmed { .. })
    ));

    // The file holds no key, only the last four.
    keys.confirm_host(&id, &moved).await.unwrap();
    let meta = std::fs::read_to_string(dir.path().join("keys.json")).unwrap();
    assert!(!meta.contains("sk-bound-key-abcdef"), "{meta}");
    assert!(meta.contains("cdef"));

    assert!(keys.delete(&id).await.unwrap());
    assert!(keys.key_for(&id, &moved).await.unwrap().is_none());
    assert!(!keys.status(&id, &moved).await.unwrap().present);
}

struct FixedVerdict(Validation);

#[async_trait::async_trait]
impl KeyValidator for FixedVerdict {
    async fn validate(&self, _: &str, _: &ProviderConfig, _: &Secret) -> Validation {
        self.0.clone()
    }
}

#[tokio::test]
async fn validation_decides_what_is_stored() {
    if !in_session("validation_decides_what_is_stored") {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let keys = store(dir.path());
    let p = provider("https://api.example.com/v1");
    let id = unique_id("valid");

    let rejected = FixedVerdict(Validation::Rejected {
        reason: "401: key sk-rejected-key-0001 is wrong".into(),
    });
    let err = keys
        .set_checked(
            &id,
            &p,
            Secret::new("sk-rejected-key-0001"),
            &rejected,
            |_| true,
        )
        .await
        .unwrap_err();
    assert!(matches!(err, KeyError::Rejected { .. }));
    assert!(!err.to_string().contains("sk-rejected-key-0001"), "{err}");
    assert!(keys.get(&id).await.unwrap().is_none());

    let unreachable = FixedVerdict(Validation::Inconclusive {
        reason: "connection refused".into(),
    });
    let mut asked = None;
    let err = keys
        .set_checked(
            &id,
            &p,
            Secret::new("sk-unconfirmed-0002"),
            &unreachable,
            |why| {
                asked = Some(why.to_string());
                false
            },
        )
        .await
        .unwrap_err();
    assert!(matches!(err, KeyError::NotConfirmed { .. }));
    assert_eq!(asked.as_deref(), Some("connection refused"));
    assert!(keys.get(&id).await.unwrap().is_none());

    let status = keys
        .set_checked(
            &id,
            &p,
            Secret::new("sk-confirmed-0003"),
            &unreachable,
            |_| true,
        )
        .await
        .unwrap();
    assert!(status.present && status.last_validated.is_none());

    let status = keys
        .set_checked(
            &id,
            &p,
            Secret::new("sk-validated-0004"),
            &FixedVerdict(Validation::Valid),
            |_| false,
        )
        .await
        .unwrap();
    assert!(status.last_validated.is_some());
    assert_eq!(status.last_four.as_deref(), Some("0004"));
    assert!(keys.delete(&id).await.unwrap());
}

#[tokio::test]
async fn env_keys_skip_the_keychain_and_are_flagged() {
    // No keychain needed: runs everywhere.
    let dir = tempfile::tempdir().unwrap();
    let keys = store(dir.path());
    let var = format!("HEARTH_TEST_KEY_{}", std::process::id());
    let mut p = provider("https://api.example.com/v1");
    p.key_env = Some(var.clone());
    assert!(matches!(
        keys.key_for("envp", &p).await,
        Err(KeyError::EnvMissing { .. })
    ));
    std::env::set_var(&var, "env-key-value-9876");
    let key = keys.key_for("envp", &p).await.unwrap().unwrap();
    assert_eq!(key.expose(), "env-key-value-9876");
    let status = keys.status("envp", &p).await.unwrap();
    assert_eq!(status.source, KeySource::Env);
    assert!(status.less_safe && status.present);
    assert_eq!(status.last_four.as_deref(), Some("9876"));
    assert!(matches!(
        keys.set("envp", &p, Secret::new("other-key-12345"), false)
            .await,
        Err(KeyError::UsesEnv { .. })
    ));
    assert_eq!(
        keys.redactor().scrub("x env-key-value-9876"),
        "x [redacted]"
    );
    std::env::remove_var(&var);
}

#[tokio::test]
async fn local_providers_without_a_key_do_not_touch_the_keychain() {
    let dir = tempfile::tempdir().unwrap();
    // A keychain that cannot answer: any call would fail.
    let keys = KeyStore::with_parts(
        Keychain::new(TEST_SERVICE).with_timeout(Duration::from_millis(1)),
        KeyMetadata::at(dir.path().join("keys.json")),
        Redactor::new(),
    );
    let mut local = provider("http://127.0.0.1:11434/v1");
    local.kind = ProviderKind::OpenAiCompatible;
    assert!(keys.key_for("local", &local).await.unwrap().is_none());
}

// ---- child-process probes -------------------------------------------------------------------

/// Runs this test binary's `child_probe` test in a child process with `scenario`, wrapped by
/// `wrapper` (e.g. `dbus-run-session`), and returns the probe's result word.
fn run_probe(scenario: &str, wrapper: &[&str], env: &[(&str, &str)], remove: &[&str]) -> String {
    let exe = std::env::current_exe().unwrap();
    let mut args: Vec<String> = wrapper.iter().map(|s| s.to_string()).collect();
    args.push(exe.display().to_string());
    args.extend(
        [
            "keys::session_tests::child_probe",
            "--exact",
            "--ignored",
            "--nocapture",
            "--test-threads=1",
        ]
        .map(String::from),
    );
    let mut command = Command::new(&args[0]);
    command
        .args(&args[1..])
        .env(PROBE_ENV, scenario)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    for (k, v) in env {
        command.env(k, v);
    }
    for k in remove {
        command.env_remove(k);
    }
    let mut child = command.spawn().unwrap();
    let started = Instant::now();
    loop {
        if child.try_wait().unwrap().is_some() {
            break;
        }
        if started.elapsed() > Duration::from_secs(90) {
            let _ = child.kill();
            panic!("probe {scenario} hung");
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    let output = child.wait_with_output().unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    let result = stdout
        .lines()
        .find_map(|l| l.split_once(PROBE_PREFIX))
        .map(|(_, r)| r.trim().to_string())
        .unwrap_or_else(|| panic!("probe {scenario} printed no result\n{stdout}\n{stderr}"));
    eprintln!("probe {scenario}: {result}");
    result
}

/// Variables a probe sets, and variables it removes.
type ProbeEnv<'a> = (&'a [(&'a str, &'a str)], &'a [&'a str]);

#[test]
fn no_dbus_at_all_is_an_actionable_error() {
    let runtime = tempfile::tempdir().unwrap();
    let runtime_dir = runtime.path().to_str().unwrap();
    // The variable unset (zbus then tries $XDG_RUNTIME_DIR/bus, absent here), and set to a bus
    // that does not exist.
    let cases: [ProbeEnv; 2] = [
        (
            &[("XDG_RUNTIME_DIR", runtime_dir)],
            &["HEARTH_IN_SESSION", "DBUS_SESSION_BUS_ADDRESS"],
        ),
        (
            &[
                ("XDG_RUNTIME_DIR", runtime_dir),
                (
                    "DBUS_SESSION_BUS_ADDRESS",
                    "unix:path=/nonexistent/hearth-test-bus",
                ),
            ],
            &["HEARTH_IN_SESSION"],
        ),
    ];
    for (env, remove) in cases {
        let result = run_probe("no-dbus", &[], env, remove);
        assert!(result.starts_with("unavailable"), "{result}");
        assert!(
            result.contains("gnome-keyring") && result.contains("key_env"),
            "the error must say what to install or set: {result}"
        );
    }
}

#[tokio::test]
async fn status_of_a_keyless_local_provider_needs_no_keychain() {
    let dir = tempfile::tempdir().unwrap();
    let keys = KeyStore::with_parts(
        Keychain::new(TEST_SERVICE).with_timeout(Duration::from_millis(1)),
        KeyMetadata::at(dir.path().join("keys.json")),
        Redactor::new(),
    );
    let mut local = provider("http://127.0.0.1:11434/v1");
    local.kind = ProviderKind::OpenAiCompatible;
    let status = keys.status("local", &local).await.unwrap();
    assert!(!status.present && !status.requires_key && status.error.is_none());
}

#[test]
fn a_locked_keyring_is_an_actionable_error() {
    if !in_session("a_locked_keyring_is_an_actionable_error") {
        return;
    }
    let home = tempfile::tempdir().unwrap();
    let data = home.path().join("data");
    let run = home.path().join("run");
    std::fs::create_dir_all(&data).unwrap();
    std::fs::create_dir_all(&run).unwrap();
    // A private session whose keyring is unlocked at first; the probe locks it.
    let script = "echo -n locked-test | gnome-keyring-daemon --unlock --components=secrets >/dev/null; exec \"$@\"";
    let result = run_probe(
        "locked",
        &["dbus-run-session", "--", "bash", "-c", script, "probe"],
        &[
            ("XDG_DATA_HOME", data.to_str().unwrap()),
            ("XDG_RUNTIME_DIR", run.to_str().unwrap()),
        ],
        &["DBUS_SESSION_BUS_ADDRESS"],
    );
    assert!(result.starts_with("unavailable"), "{result}");
    assert!(
        result.contains("unlock"),
        "the error must say what to unlock: {result}"
    );
}

/// Entry point of the child processes above (ignored in normal runs).
#[test]
#[ignore = "run by the probe tests in a child process"]
fn child_probe() {
    let Ok(scenario) = std::env::var(PROBE_ENV) else {
        return;
    };
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .unwrap();
    let result = runtime.block_on(async {
        let keychain = Keychain::new(TEST_SERVICE).with_timeout(Duration::from_secs(20));
        if scenario == "locked" {
            keychain
                .set("locked-probe", &Secret::new("probe-key-123456"))
                .await
                .expect("the keyring starts unlocked");
            let status = Command::new("gdbus")
                .args([
                    "call",
                    "--session",
                    "--dest",
                    "org.freedesktop.secrets",
                    "--object-path",
                    "/org/freedesktop/secrets",
                    "--method",
                    "org.freedesktop.Secret.Service.Lock",
                    "['/org/freedesktop/secrets/collection/login']",
                ])
                .stdout(Stdio::null())
                .status()
                .expect("gdbus runs");
            assert!(status.success(), "locking the collection failed");
        }
        keychain.get("locked-probe").await
    });
    let word = match result {
        Ok(Some(_)) => "present".to_string(),
        Ok(None) => "absent".to_string(),
        Err(e @ KeyError::Unavailable { .. }) => format!("unavailable {e}"),
        Err(e) => format!("other {e}"),
    };
    println!("{PROBE_PREFIX} {word}");
}
