//! Hostile input at the IPC boundary. Every command is called as the UI calls it: a JSON body
//! through Tauri's own invoke path (the mock runtime, with the app's handler and state) on a
//! vault holding generated records. The bodies start from a valid call and are mutated at
//! random: arbitrary strings and unicode, huge strings and numbers, wrong types, missing and
//! unknown fields, unknown ids. Every answer must be a result, one of the app's typed errors,
//! or Tauri's refusal of arguments that do not fit the command's types (which the UI turns into
//! a typed error); nothing may panic, and the vault must verify afterwards.

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicUsize, Ordering};

use serde_json::{json, Map, Value};
use tauri::ipc::{CallbackFn, InvokeBody};
use tauri::test::{get_ipc_response, mock_builder, mock_context, noop_assets, INVOKE_KEY};
use tauri::webview::InvokeRequest;
use tauri::WebviewWindowBuilder;

use dsl_store::demo::Rng;

use crate::state::AppState;

const PASS: &str = "lantern mauve copper harbour";
const KINDS: &[&str] = &[
    "Locked",
    "NoVault",
    "VaultExists",
    "WrongCredentials",
    "TooManyAttempts",
    "Validation",
    "NotFound",
    "Conflict",
    "Forbidden",
    "NewerVersion",
    "Corrupt",
    "Cancelled",
    "Io",
    "Internal",
];

static PANICS: AtomicUsize = AtomicUsize::new(0);

/// A number below `n`.
fn below(rng: &mut Rng, n: usize) -> usize {
    rng.below(n as u64) as usize
}

/// Any unicode scalar value, weighted towards the awkward ones.
fn any_char(rng: &mut Rng) -> char {
    let ranges: &[(u32, u32)] = &[
        (0x00, 0x1F),           // control characters, NUL included
        (0x20, 0x7E),           // ASCII
        (0x80, 0x2FF),          // Latin-1, combining marks
        (0x200B, 0x202E),       // zero-width and direction overrides
        (0x0590, 0x06FF),       // Hebrew, Arabic
        (0x4E00, 0x4FFF),       // CJK
        (0xFFF0, 0xFFFF),       // specials, non-characters
        (0x1F300, 0x1F6FF),     // emoji
        (0x10_FF00, 0x10_FFFF), // the last plane
    ];
    let (lo, hi) = ranges[below(rng, ranges.len())];
    char::from_u32(lo + (rng.next_u64() % u64::from(hi - lo + 1)) as u32).unwrap_or('\u{FFFD}')
}

fn hostile_string(rng: &mut Rng) -> String {
    const FIXED: &[&str] = &[
        "",
        " ",
        "\r\n\t",
        "\0",
        "<script>window.__pwned = 1</script>",
        "<img src=x onerror=\"window.__pwned = 1\">",
        "'; DROP TABLE incidents; --",
        "\" OR 1=1 --",
        "%s%n%x",
        "../../../../etc/passwd",
        "\u{202E}gnp.exe",
        "Zoë Łukasz Siobhán Nguyễn",
        "2026-02-30",
        "9999-12-31T23:59:59Z",
        "-0001-01-01",
        "2026-11-22T10:00:00Z",
        "NaN",
        "1e999",
        "OS-2026-0001",
        "autumn",
        "Dsl",
        "note",
    ];
    match below(rng, 4) {
        0 => FIXED[below(rng, FIXED.len())].to_string(),
        1 => (0..below(rng, 64)).map(|_| any_char(rng)).collect(),
        2 => {
            let c = any_char(rng);
            std::iter::repeat_n(c, 100_000 + below(rng, 1_000_000)).collect()
        }
        _ => format!("{}{}", FIXED[below(rng, FIXED.len())], any_char(rng)),
    }
}

fn hostile_value(rng: &mut Rng, depth: usize) -> Value {
    match below(rng, if depth > 2 { 5 } else { 8 }) {
        0 | 1 => Value::String(hostile_string(rng)),
        2 => {
            let numbers = [
                json!(0),
                json!(-1),
                json!(1),
                json!(2),
                json!(i64::MAX),
                json!(i64::MIN),
                json!(u64::MAX),
                json!(1.5),
                json!(-1e308),
                json!(1e308),
                json!(4_294_967_296_i64),
                json!(99_999_999),
            ];
            numbers[below(rng, numbers.len())].clone()
        }
        3 => Value::Null,
        4 => Value::Bool(below(rng, 2) == 0),
        5 => Value::Array(
            (0..below(rng, 4))
                .map(|_| hostile_value(rng, depth + 1))
                .collect(),
        ),
        6 => {
            let mut m = Map::new();
            for _ in 0..below(rng, 4) {
                m.insert(hostile_string(rng), hostile_value(rng, depth + 1));
            }
            Value::Object(m)
        }
        // Nesting deeper than any parser should follow.
        _ => (0..300).fold(Value::Null, |v, _| Value::Array(vec![v])),
    }
}

/// Paths to every node of a value.
fn paths(v: &Value, at: &mut Vec<String>, out: &mut Vec<Vec<String>>) {
    out.push(at.clone());
    match v {
        Value::Object(m) => {
            for (k, child) in m {
                at.push(k.clone());
                paths(child, at, out);
                at.pop();
            }
        }
        Value::Array(a) => {
            for (i, child) in a.iter().enumerate() {
                at.push(i.to_string());
                paths(child, at, out);
                at.pop();
            }
        }
        _ => {}
    }
}

fn node_mut<'a>(v: &'a mut Value, path: &[String]) -> Option<&'a mut Value> {
    path.iter().try_fold(v, |v, key| match v {
        Value::Object(m) => m.get_mut(key),
        Value::Array(a) => key.parse::<usize>().ok().and_then(|i| a.get_mut(i)),
        _ => None,
    })
}

/// One to three random changes to a valid body.
fn mutate(valid: &Value, rng: &mut Rng) -> Value {
    let mut v = valid.clone();
    for _ in 0..1 + below(rng, 3) {
        let mut all = Vec::new();
        paths(&v, &mut Vec::new(), &mut all);
        let path = all[below(rng, all.len())].clone();
        match below(rng, 5) {
            // Drop a field.
            0 if !path.is_empty() => {
                let (last, parent) = path.split_last().unwrap_or((&path[0], &[]));
                if let Some(Value::Object(m)) = node_mut(&mut v, parent) {
                    m.remove(last);
                }
            }
            // Add an unknown one.
            1 => {
                if let Some(Value::Object(m)) = node_mut(&mut v, &path) {
                    m.insert(hostile_string(rng), hostile_value(rng, 1));
                }
            }
            // An id that does not exist.
            2 => {
                if let Some(n) = node_mut(&mut v, &path).filter(|n| n.is_number()) {
                    *n = json!(1_000_000 + below(rng, 1_000_000));
                }
            }
            // Anything at all in place of a value.
            _ => {
                if path.is_empty() && below(rng, 4) != 0 {
                    continue;
                }
                if let Some(n) = node_mut(&mut v, &path) {
                    *n = hostile_value(rng, path.len());
                }
            }
        }
    }
    v
}

/// A valid body for each command, on a vault with generated records (ids 1 and 2 exist), and
/// how many mutated calls to make (fewer where a valid call derives a key).
pub(crate) fn commands() -> Vec<(&'static str, Value, usize)> {
    let when = "2026-11-20T10:00:00Z";
    let facts = json!({
        "occurredAt": when, "reportedAt": when, "reportedByName": "Form Tutor",
        "reportedByRole": "Form tutor", "discovery": "monitoring",
        "monitoring": {"vendor": "Smoothwall", "captureId": "CAP-1", "severity": "3", "truePositive": true},
        "location": "inSchool", "platform": "Snapchat", "summary": "A pupil received unkind messages.",
        "childsWords": "", "riskArea": "conduct", "activityType": "bullying"
    });
    let person = json!({"kind": "pupil", "name": "Amelia Smith", "yearGroup": 8,
        "dateOfBirth": "2013-05-06", "jobTitle": ""});
    let evidence = json!({
        "kind": "screenshot", "description": "Screenshot of the messages.", "makeModelSerial": "",
        "url": "", "platformUsername": "", "owner": "Pupil", "foundWhereHow": "Handed in",
        "switchedOn": "notKnown", "locked": "notKnown", "networkDisconnected": "notKnown",
        "securedBy": "DSL", "securedAt": when, "storedAt": "Locked cabinet"
    });
    let n = 150;
    vec![
        ("vault_status", json!({}), 20),
        ("get_session", json!({}), 20),
        ("open_older_copy", json!({}), 20),
        ("report_activity", json!({}), 20),
        ("about", json!({}), 20),
        (
            "assess_passphrase",
            json!({"passphrase": "violet anchor quarry meadow", "context": ["Oakfield"]}),
            n,
        ),
        ("get_settings", json!({}), 20),
        (
            "update_settings",
            json!({"settings": {"schoolName": "Oakfield School", "idleMinutes": 10,
            "smallNumberThreshold": 3, "backupReminderDays": 30}}),
            n,
        ),
        ("verify_vault", json!({}), 10),
        ("activity_types", json!({}), 20),
        (
            "create_incident",
            json!({"input": {"facts": facts, "people": [
            {"newPerson": person, "role": "victim"}, {"personId": 1, "role": "instigator"}]}}),
            n,
        ),
        ("get_incident", json!({"id": 1}), n),
        (
            "record_entry",
            json!({"id": 2, "input": {"body": {"type": "note", "text": "Spoke to the pupil."}}}),
            n,
        ),
        (
            "record_entry",
            json!({"id": 2, "input": {"nodeId": "illegal-decision",
            "body": {"type": "answer", "choice": "no", "reason": "Nothing illegal."}}}),
            n,
        ),
        (
            "record_entry",
            json!({"id": 2, "input": {"nodeId": "screen", "personId": 1, "body": {"type": "screening",
            "answers": [{"question": "q1", "yes": false}], "reason": "Checked."}}}),
            n,
        ),
        (
            "record_entry",
            json!({"id": 2, "input": {"nodeId": "actions", "body": {"type": "item", "item": "inform-parents",
            "done": true, "details": {"who": "Mum", "when": "2026-11-20T10:00"}, "reason": ""}}}),
            n,
        ),
        (
            "record_step",
            json!({"id": 2, "input": {"nodeId": "actions", "items": [{"item": "inform-parents",
            "done": false, "reason": "Police advised not to"}], "complete": true}}),
            n,
        ),
        (
            "reask_step",
            json!({"id": 1, "nodeId": "illegal-decision", "personId": null}),
            n,
        ),
        (
            "add_person",
            json!({"id": 2, "input": {"newPerson": person, "role": "witness"}}),
            n,
        ),
        (
            "correct_person",
            json!({"id": 2, "input": {"personId": 1, "kind": "pupil", "name": "Zoë Nguyễn",
            "yearGroup": 9, "dateOfBirth": "2012-03-04", "reason": "Misspelt"}}),
            n,
        ),
        (
            "correct_facts",
            json!({"id": 2, "facts": facts, "reason": "The date was wrong"}),
            n,
        ),
        (
            "list_incidents",
            json!({"filter": {"status": "open", "from": "2025-09-01", "to": "2026-12-31",
            "activityType": "bullying", "illegal": false, "personId": 1, "text": "pupil"}}),
            n,
        ),
        ("find_people", json!({"text": "smith"}), n),
        ("person_history", json!({"personId": 1}), n),
        ("list_evidence", json!({"incidentId": 1}), n),
        ("all_evidence", json!({}), 10),
        (
            "add_evidence",
            json!({"incidentId": 2, "input": evidence}),
            n,
        ),
        (
            "add_custody",
            json!({"itemId": 1, "input": {"action": "moved", "at": when, "from": "", "to": "",
            "location": "DSL office safe", "reason": "Moved to the safe.", "reference": "", "how": "",
            "authorisedBy": ""}}),
            n,
        ),
        ("fingerprint_file", json!({"itemId": 1}), 40),
        ("check_file", json!({"itemId": 1, "digestId": 1}), 40),
        (
            "add_device_review",
            json!({"incidentId": 2, "input": {"reviewerOne": "Jo DSL", "reviewerTwo": "Sam Head",
            "machine": "Library PC 4", "reviewed": "Browser history", "reason": "Alert", "conclusion": "Nothing found",
            "action": "None", "reviewedAt": when}}),
            n,
        ),
        ("list_device_reviews", json!({"incidentId": 2}), n),
        (
            "export_incident_report",
            json!({"id": 1, "redact": true, "keepPersonId": 1}),
            40,
        ),
        (
            "export_governor_report",
            json!({"year": 2025, "term": "autumn"}),
            20,
        ),
        ("term_choices", json!({}), 10),
        ("terms_of_year", json!({"year": 2025}), n),
        (
            "save_terms",
            json!({"terms": [{"academicYear": 2025, "name": "autumn", "starts": "2025-09-03",
            "ends": "2025-12-19"}]}),
            n,
        ),
        (
            "term_dashboard",
            json!({"year": 2025, "term": "autumn"}),
            40,
        ),
        ("known_in_text", json!({"text": "Proxy sites blocked."}), n),
        (
            "save_governor_draft",
            json!({"year": 2025, "term": "autumn", "draft": {"narrative": "A calm term.",
            "lessons": ["Filtering reviewed."], "filteringReview": "2025-10-01"}}),
            n,
        ),
        ("list_users", json!({}), 10),
        (
            "add_user",
            json!({"user": {"name": "Sam Head", "role": "Headteacher",
            "passphrase": "short", "passphraseRepeat": "short"}}),
            n,
        ),
        ("remove_user", json!({"id": 99}), n),
        ("retention_due", json!({}), 10),
        ("retention_of", json!({"id": 1}), n),
        (
            "decide_retention",
            json!({"id": 1, "decision": {"decision": "keep", "reason": "Police still investigating.",
            "nextReview": "2027-06-01"}}),
            n,
        ),
        (
            "decide_retention",
            json!({"id": 1, "decision": {"decision": "destroy", "reason": "Past retention.",
            "confirmReference": "OS-2026-0001"}}),
            n,
        ),
        ("list_tombstones", json!({}), 10),
        ("concern_register", json!({}), 10),
        ("due_incidents", json!({}), 10),
        ("access_log", json!({"incidentId": 1}), n),
        ("access_log", json!({}), 10),
        ("incident_restriction", json!({"id": 1}), n),
        ("restrict_incident", json!({"id": 1, "userIds": [1]}), n),
        ("concerns_restriction", json!({"personId": 1}), n),
        (
            "restrict_concerns",
            json!({"personId": 1, "userIds": [1]}),
            n,
        ),
        ("concerns_about", json!({"personId": 1}), n),
        (
            "add_concern",
            json!({"concern": {"personId": 1, "concern": "Over-friendly with pupils",
            "happenedOn": "2026-11-02", "raisedBy": "A colleague", "context": "", "action": ""}}),
            n,
        ),
        (
            "escalate_concerns",
            json!({"personId": 1, "concernIds": [1]}),
            n,
        ),
        (
            "destroy_concerns",
            json!({"personId": 1, "reason": "Retention ended."}),
            n,
        ),
        (
            "set_staff_details",
            json!({"personId": 1, "headteacher": true, "leftOn": "2026-07-31"}),
            n,
        ),
        ("concern_years", json!({}), 10),
        ("set_concern_years", json!({"years": 6}), n),
        ("link_user_person", json!({"userId": 1, "personId": 1}), n),
        ("list_transfers", json!({"personId": 1}), n),
        (
            "export_transfer",
            json!({"transfer": {"personId": 1, "toSchool": "Riverside Academy",
            "method": "Secure file transfer", "sentAt": when}}),
            40,
        ),
        (
            "record_receipt",
            json!({"receipt": {"transferId": 1, "receivedOn": "2026-11-21",
            "acknowledgedBy": "A. Receiver"}}),
            n,
        ),
        ("export_subject_access", json!({"personId": 1}), 40),
        ("backup_vault", json!({}), 5),
        ("save_recovery_sheet", json!({}), 5),
        (
            "confirm_recovery_key",
            json!({"answers": ["ABCD", "EFGH"]}),
            n,
        ),
        (
            "regenerate_recovery_key",
            json!({"current": "not the passphrase"}),
            20,
        ),
        (
            "change_passphrase",
            json!({"current": "not the passphrase", "newPassphrase": "violet anchor quarry meadow",
            "newPassphraseRepeat": "violet anchor quarry meadow"}),
            20,
        ),
        (
            "create_vault",
            json!({"input": {"schoolName": "Oakfield", "userName": "Jo", "role": "Dsl",
            "passphrase": "violet anchor quarry meadow", "passphraseRepeat": "violet anchor quarry meadow"}}),
            n,
        ),
        ("create_demo_vault", json!({}), 5),
        ("choose_key_file", json!({}), 5),
        (
            "check_backup",
            json!({"passphrase": "not the passphrase"}),
            5,
        ),
        ("restore_vault", json!({}), 5),
        ("cancel_restore", json!({}), 5),
        // Last: these lock the vault or count failed attempts.
        ("lock", json!({}), 5),
        (
            "unlock_with_recovery",
            json!({"recoveryKey": "ABCD-EFGH", "newPassphrase": "violet anchor quarry meadow",
            "newPassphraseRepeat": "violet anchor quarry meadow"}),
            20,
        ),
        (
            "unlock",
            json!({"slotId": "not a slot", "passphrase": "not the passphrase"}),
            20,
        ),
    ]
}

/// What a call came back with.
enum Outcome {
    Ok,
    Typed(String),
    Refused,
}

fn call(
    webview: &tauri::WebviewWindow<tauri::test::MockRuntime>,
    cmd: &str,
    body: Value,
) -> Result<Outcome, String> {
    let request = InvokeRequest {
        cmd: cmd.into(),
        callback: CallbackFn(0),
        error: CallbackFn(1),
        url: "tauri://localhost".parse().map_err(|_| "url")?,
        body: InvokeBody::Json(body),
        headers: Default::default(),
        invoke_key: INVOKE_KEY.to_string(),
    };
    match get_ipc_response(webview, request) {
        Ok(_) => Ok(Outcome::Ok),
        Err(Value::Object(e)) => {
            let kind = e.get("kind").and_then(Value::as_str).unwrap_or_default();
            let message = e.get("message").and_then(Value::as_str).unwrap_or_default();
            if KINDS.contains(&kind) && !message.is_empty() {
                Ok(Outcome::Typed(kind.to_string()))
            } else {
                Err(format!("{cmd}: an error without a known kind and message"))
            }
        }
        // Tauri's own refusal of a body that does not fit the command's argument types.
        Err(Value::String(s)) if s.starts_with("invalid args") => Ok(Outcome::Refused),
        Err(other) => Err(format!(
            "{cmd}: an untyped error: {}",
            other.to_string().chars().take(120).collect::<String>()
        )),
    }
}

#[test]
fn every_command_answers_hostile_input_with_a_typed_error_and_never_panics() {
    let default_hook = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        PANICS.fetch_add(1, Ordering::SeqCst);
        default_hook(info);
    }));

    let tmp = tempfile::tempdir().expect("tmp");
    let dir = tmp.path().join("vault");
    {
        let at = chrono::Utc::now();
        let mut v = dsl_store::Vault::create(
            &dir,
            "Oakfield",
            "Jo DSL",
            dsl_domain::vault::Role::Dsl,
            PASS,
            dsl_store::KdfParams {
                memory_kib: 19 * 1024,
                iterations: 2,
                parallelism: 1,
            },
            at,
        )
        .expect("vault")
        .vault;
        v.generate_demo(&dsl_store::demo::DemoSpec {
            seed: 3,
            incidents: 40,
            pupils: 60,
            years: 2,
            until: at,
        })
        .expect("records");
    }
    let chosen = tmp.path().join("chosen.pdf");
    std::fs::write(&chosen, b"%PDF-1.7 a file chosen in a dialog").expect("file");
    *crate::dialogs::CHOSEN.lock().expect("chosen") = Some(chosen);

    let app = mock_builder()
        .manage(AppState::with_attempts(
            dir.clone(),
            false,
            dsl_store::Attempts::in_dir(&tmp.path().join("attempts"), &dir),
        ))
        .invoke_handler(crate::handler())
        .build(mock_context(noop_assets()))
        .expect("app");
    let webview = WebviewWindowBuilder::new(&app, "main", Default::default())
        .build()
        .expect("window");
    let slot = dsl_store::Vault::sign_in_choices(&dir).expect("choices")[0]
        .slot_id
        .clone();
    let unlocked = call(
        &webview,
        "unlock",
        json!({"slotId": slot, "passphrase": PASS}),
    )
    .expect("answers");
    assert!(
        matches!(unlocked, Outcome::Ok),
        "the vault unlocks over IPC"
    );

    let rng = &mut Rng::new(
        std::env::var("IPC_FUZZ_SEED")
            .ok()
            .and_then(|s| s.parse().ok())
            .unwrap_or(20_261_123),
    );
    let mut tally: BTreeMap<&str, [usize; 3]> = BTreeMap::new();
    let mut kinds: BTreeMap<String, usize> = BTreeMap::new();
    let mut failures = Vec::new();
    let mut calls = 0;
    for (cmd, valid, runs) in commands() {
        for run in 0..=runs {
            // The valid call first, then mutations; a whole body of the wrong shape now and then.
            let body = match run {
                0 => valid.clone(),
                _ if below(rng, 20) == 0 => hostile_value(rng, 0),
                _ => mutate(&valid, rng),
            };
            let body = if body.is_object() {
                body
            } else {
                // The IPC layer only carries objects; anything else arrives as no arguments.
                json!({ "args": body })
            };
            calls += 1;
            let t = tally.entry(cmd).or_default();
            match call(&webview, cmd, body) {
                Ok(Outcome::Ok) => t[0] += 1,
                Ok(Outcome::Typed(kind)) => {
                    t[1] += 1;
                    *kinds.entry(kind).or_default() += 1;
                }
                Ok(Outcome::Refused) => t[2] += 1,
                Err(e) => failures.push(e),
            }
        }
    }
    for (cmd, [ok, typed, refused]) in &tally {
        println!("{cmd:<26} ok {ok:>4}  typed error {typed:>4}  refused by IPC {refused:>4}");
    }
    println!("{calls} calls; typed errors by kind: {kinds:?}");
    failures.dedup();
    assert!(failures.is_empty(), "untyped answers: {failures:?}");
    assert_eq!(PANICS.load(Ordering::SeqCst), 0, "a command panicked");
    let ok: usize = tally.values().map(|t| t[0]).sum();
    let typed: usize = tally.values().map(|t| t[1]).sum();
    assert!(ok > 1000 && typed > 500, "the calls reached the commands");
    assert!(
        !kinds.contains_key("Internal"),
        "no call ended in an internal error"
    );

    // The vault is whole after all of it.
    let v = dsl_store::Vault::unlock(&dir, PASS).expect("the vault still opens");
    assert!(v.integrity_check().expect("checked"), "integrity check");
    assert!(
        v.verify_audit().expect("verified").broken.is_none(),
        "audit chain intact"
    );
}
