//! Restricted records as stored: unreadable in the vault's own pages by anyone not granted,
//! left out of everything they see, counted in the governor figures, readable by the granted
//! (the chair of governors among them), re-keyed when someone is taken off.

use dsl_domain::evidence::{EvidenceInput, EvidenceKind, Tristate};
use dsl_domain::flow::EntryBody;
use dsl_domain::incident::{IncidentFilter, PersonKind, PersonRole};
use dsl_domain::terms::TermName;
use dsl_domain::vault::Role;

use super::incidents::record;
use super::records::{d, incident, person, person_id};
use crate::tests::support::{now, vault, PASS};
use crate::{KdfParams, StoreError, Vault};

const HEAD_PASS: &str = "granite puffin saucer meadow";
const CHAIR_PASS: &str = "juniper castle otter lagoon";
const DEPUTY_PASS: &str = "orchard velvet lantern quarry";

/// What must appear nowhere a user who is not granted can reach.
const SUMMARY: &str = "Quetzalcoatl bracelet message sent after the trip";
const PUPIL: &str = "Zephyrine Oduya-Marchetti";
const CRIME_REF: &str = "CRIMEREF-77Q4";
const MARKERS: [&str; 3] = ["Quetzalcoatl", "Zephyrine", "CRIMEREF-77Q4"];

/// SQLCipher's page layout with the vault's settings: 4096-byte pages, the file's salt in the
/// first 16 bytes, then per page AES-256-CBC over the page less its reserve, whose first 16
/// bytes are the IV (HMAC-SHA256 after it: 48 bytes reserved).
const PAGE: usize = 4096;
const RESERVE: usize = 48;

/// Every page of the database file, decrypted with the data key (the raw key, as SQLCipher
/// is given it), joined.
fn decrypted_pages(path: &std::path::Path, key: &[u8; 32]) -> Vec<u8> {
    use aes::cipher::{BlockCipherDecrypt, KeyInit};
    let bytes = std::fs::read(path).expect("database file");
    assert_eq!(bytes.len() % PAGE, 0, "whole pages");
    let cipher = aes::Aes256::new_from_slice(key).expect("key");
    let mut out = Vec::with_capacity(bytes.len());
    for (n, page) in bytes.chunks(PAGE).enumerate() {
        let start = if n == 0 { 16 } else { 0 };
        let end = PAGE - RESERVE;
        let iv: [u8; 16] = page[end..end + 16].try_into().expect("iv");
        let mut prev = iv;
        for block in page[start..end].chunks(16) {
            let c: [u8; 16] = block.try_into().expect("block");
            let mut b = aes::Block::from(c);
            cipher.decrypt_block(&mut b);
            out.extend(b.iter().zip(prev.iter()).map(|(x, y)| x ^ y));
            prev = c;
        }
    }
    out
}

fn contains(hay: &[u8], needle: &str) -> bool {
    hay.windows(needle.len()).any(|w| w == needle.as_bytes())
}

/// Every text value of every table of the database, read with SQL.
fn every_value(conn: &rusqlite::Connection) -> String {
    let tables: Vec<String> = conn
        .prepare("SELECT name FROM sqlite_master WHERE type = 'table'")
        .expect("tables")
        .query_map([], |r| r.get(0))
        .expect("rows")
        .collect::<rusqlite::Result<_>>()
        .expect("names");
    let mut all = String::new();
    for t in tables {
        let Ok(mut stmt) = conn.prepare(&format!("SELECT * FROM \"{t}\"")) else {
            continue;
        };
        let n = stmt.column_count();
        let mut rows = stmt.query([]).expect("query");
        while let Some(r) = rows.next().expect("row") {
            for i in 0..n {
                if let Ok(rusqlite::types::ValueRef::Text(s)) = r.get_ref(i) {
                    all.push_str(&String::from_utf8_lossy(s));
                    all.push('\n');
                }
            }
        }
    }
    all
}

struct School {
    dir: tempfile::TempDir,
    open: i64,
    restricted: i64,
    chair: i64,
    head: i64,
    deputy: i64,
}

/// Jo (DSL), a deputy, the head and the chair; one ordinary incident and one restricted to
/// Jo and the chair, with a crime reference and a piece of evidence.
fn school() -> (School, Vault) {
    let dir = tempfile::tempdir().expect("tmp");
    let mut v = vault(dir.path());
    let deputy = v
        .add_user(
            "Sam Deputy",
            Role::DeputyDsl,
            DEPUTY_PASS,
            KdfParams::default(),
            now(),
        )
        .expect("deputy")
        .id;
    let head = v
        .add_user(
            "Pat Head",
            Role::Headteacher,
            HEAD_PASS,
            KdfParams::default(),
            now(),
        )
        .expect("head")
        .id;
    let chair = v
        .add_user(
            "Chris Chair",
            Role::Chair,
            CHAIR_PASS,
            KdfParams::default(),
            now(),
        )
        .expect("a chair of governors can be added")
        .id;
    let open = incident(
        &mut v,
        "Unkind comments in a group chat",
        vec![person(
            PersonKind::Pupil,
            "Amira Khan",
            Some(d(2011, 3, 2)),
            PersonRole::Victim,
        )],
    )
    .expect("open incident");
    let restricted = incident(
        &mut v,
        SUMMARY,
        vec![
            person(
                PersonKind::Pupil,
                PUPIL,
                Some(d(2012, 5, 6)),
                PersonRole::Victim,
            ),
            person(
                PersonKind::Staff,
                "Mr Dan Harper",
                None,
                PersonRole::Alleged,
            ),
        ],
    )
    .expect("incident to restrict");
    record(
        &mut v,
        restricted,
        None,
        None,
        EntryBody::Note {
            text: format!("Police crime reference {CRIME_REF}"),
        },
    )
    .expect("note");
    v.add_evidence(
        restricted,
        &evidence_input(&format!("Phone belonging to {PUPIL}")),
        now(),
    )
    .expect("evidence");
    (
        School {
            dir,
            open,
            restricted,
            chair,
            head,
            deputy,
        },
        v,
    )
}

fn evidence_input(description: &str) -> EvidenceInput {
    EvidenceInput {
        kind: EvidenceKind::Device,
        description: description.into(),
        make_model_serial: "Samsung Galaxy A14".into(),
        url: String::new(),
        platform_username: String::new(),
        owner: PUPIL.into(),
        found_where_how: "Handed to the DSL by the pupil".into(),
        switched_on: Tristate::Yes,
        locked: Tristate::Yes,
        network_disconnected: Tristate::Yes,
        secured_by: "Jo DSL".into(),
        secured_at: now() - chrono::Duration::hours(20),
        stored_at: "DSL office safe".into(),
    }
}

fn all(v: &Vault) -> Vec<i64> {
    v.list_incidents(&IncidentFilter::default(), 500)
        .expect("list")
        .iter()
        .map(|i| i.id)
        .collect()
}

fn search(v: &Vault, text: &str) -> Vec<i64> {
    v.list_incidents(
        &IncidentFilter {
            text: Some(text.into()),
            ..Default::default()
        },
        500,
    )
    .expect("search")
    .iter()
    .map(|i| i.id)
    .collect()
}

#[test]
fn a_restricted_record_is_in_no_page_a_user_not_granted_can_read() {
    let (s, mut v) = school();
    let before = v
        .term_figures(2026, TermName::Autumn)
        .expect("figures")
        .opened;
    let pupil = person_id(&v, s.restricted, PUPIL);
    // The search index's every token, by record: the restricted one is there before.
    let indexed = |v: &Vault| -> i64 {
        v.conn()
            .execute_batch(
                "CREATE VIRTUAL TABLE IF NOT EXISTS temp.tokens
                 USING fts5vocab(main, incident_search, 'instance');",
            )
            .expect("vocabulary");
        v.conn()
            .query_row(
                "SELECT count(*) FROM temp.tokens WHERE doc = ?1",
                [s.restricted],
                |r| r.get(0),
            )
            .expect("tokens")
    };
    assert!(indexed(&v) > 0);
    v.restrict(s.restricted, &[s.chair], now())
        .expect("restricted");
    assert_eq!(
        indexed(&v),
        0,
        "no token of it is left in the vault's search index"
    );
    let key = v.key_bytes();
    let main_values = every_value(v.conn());
    let after = v
        .term_figures(2026, TermName::Autumn)
        .expect("figures")
        .opened;
    assert_eq!(before, after, "the governor figures still count it");
    assert!(v.verify_audit().expect("verify").broken.is_none());
    v.close();

    for m in MARKERS {
        assert!(!main_values.contains(m), "no table holds {m}");
    }
    let db = s.dir.path().join(crate::DB_FILE);
    assert!(
        std::fs::metadata(db.with_extension("db-wal")).map_or(true, |m| m.len() == 0),
        "the log was folded in"
    );
    let pages = decrypted_pages(&db, &key);
    // The scan is real: what the vault still holds is found in its pages.
    assert!(contains(&pages, "Unkind comments in a group chat"));
    assert!(contains(&pages, "Amira Khan"));
    for m in MARKERS {
        assert!(!contains(&pages, m), "no page of the vault holds {m}");
    }
    // The record's own file does not open with the data key.
    let files: Vec<_> = std::fs::read_dir(s.dir.path().join(crate::restricted::RESTRICTED_DIR))
        .expect("restricted folder")
        .map(|e| e.expect("entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "db"))
        .collect();
    assert_eq!(files.len(), 1);
    let with_data_key = rusqlite::Connection::open(&files[0]).expect("file");
    with_data_key
        .execute_batch(&format!(
            "PRAGMA key = \"x'{}'\"; PRAGMA cipher_hmac_algorithm = HMAC_SHA256;",
            hex::encode(key)
        ))
        .expect("keyed");
    assert!(with_data_key
        .query_row("SELECT count(*) FROM sqlite_master", [], |r| r
            .get::<_, i64>(0))
        .is_err());

    // The head: no trace in the list, the search, people, history, reminders or log.
    let head = Vault::unlock(s.dir.path(), HEAD_PASS).expect("head");
    assert_eq!(all(&head), vec![s.open]);
    assert!(search(&head, "Quetzalcoatl").is_empty());
    assert!(search(&head, "Zephyrine").is_empty());
    assert!(head
        .find_people("zephyrine", 20)
        .expect("people")
        .is_empty());
    assert!(matches!(
        head.person_history(pupil),
        Err(StoreError::NotFound)
    ));
    assert!(matches!(
        head.incident(s.restricted),
        Err(StoreError::NotFound)
    ));
    assert!(matches!(
        head.incident_report(s.restricted, None, "Pat Head", now(), "test"),
        Err(StoreError::NotFound)
    ));
    assert!(head.due_incidents().expect("due").is_empty());
    assert!(head.all_evidence().expect("evidence").is_empty());
    assert!(head
        .access_log(None, 500)
        .expect("log")
        .iter()
        .all(|e| e.reference.is_none()
            || e.reference.as_deref() == Some(reference(&head, s.open).as_str())));
    assert_eq!(
        head.term_figures(2026, TermName::Autumn)
            .expect("figures")
            .opened,
        before
    );
    assert!(head.verify_audit().expect("verify").broken.is_none());
    let _ = s.head;
    drop(head);

    // The deputy is not granted either, and gets no person report or bundle of it.
    let deputy = Vault::unlock(s.dir.path(), DEPUTY_PASS).expect("deputy");
    assert_eq!(all(&deputy), vec![s.open]);
    assert!(matches!(
        deputy.person_reports(pupil, "Sam Deputy", now(), "test"),
        Err(StoreError::NotFound)
    ));
    let _ = s.deputy;
    drop(deputy);

    // The chair sees only the record granted to them, reads it all and records on it.
    let mut chair = Vault::unlock(s.dir.path(), CHAIR_PASS).expect("chair");
    assert_eq!(all(&chair), vec![s.restricted]);
    assert!(matches!(chair.incident(s.open), Err(StoreError::NotFound)));
    let detail = chair.incident(s.restricted).expect("chair reads it");
    assert_eq!(detail.facts.summary, SUMMARY);
    assert!(detail.people.iter().any(|p| p.person.name == PUPIL));
    assert_eq!(search(&chair, "Quetzalcoatl"), vec![s.restricted]);
    assert_eq!(chair.all_evidence().expect("evidence").len(), 1);
    record(
        &mut chair,
        s.restricted,
        None,
        None,
        EntryBody::Note {
            text: "Case manager: spoke to the LADO".into(),
        },
    )
    .expect("the chair records the case manager's notes");
    assert!(chair
        .add_evidence(s.restricted, &evidence_input("x"), now())
        .is_err());
    let report = chair
        .incident_report(s.restricted, None, "Chris Chair", now(), "test")
        .expect("the chair prints it");
    assert_eq!(report.reference, detail.reference);
    assert!(chair.verify_audit().expect("verify").broken.is_none());
    drop(chair);

    // Jo reads it, finds it in the pupil's history and bundle, and takes the chair off.
    let mut jo = Vault::unlock(s.dir.path(), PASS).expect("jo");
    let mut ids = all(&jo);
    ids.sort();
    assert_eq!(ids, vec![s.open, s.restricted]);
    assert_eq!(
        jo.person_history(pupil).expect("history").incidents.len(),
        1
    );
    let bundle = jo
        .person_reports(pupil, "Jo DSL", now(), "test")
        .expect("bundle");
    assert_eq!(bundle.reports.len(), 1);
    assert!(jo
        .incident(s.restricted)
        .expect("jo reads it")
        .chronology
        .iter()
        .any(|c| format!("{c:?}").contains("Case manager")));
    let old_key = *jo.held.get(&s.restricted).expect("held").key;
    jo.set_grants(s.restricted, &[], now())
        .expect("chair taken off");
    drop(jo);
    let old = rusqlite::Connection::open(&files[0]).expect("file");
    old.execute_batch(&format!(
        "PRAGMA key = \"x'{}'\"; PRAGMA cipher_hmac_algorithm = HMAC_SHA256;",
        hex::encode(old_key)
    ))
    .expect("keyed");
    assert!(
        old.query_row("SELECT count(*) FROM sqlite_master", [], |r| r
            .get::<_, i64>(0))
            .is_err(),
        "the old key no longer opens the record's file"
    );
    // Nothing is sealed to the chair any more: there is nothing for them to open.
    assert!(matches!(
        Vault::unlock(s.dir.path(), CHAIR_PASS),
        Err(StoreError::NotPermitted(_))
    ));
    let jo = Vault::unlock(s.dir.path(), PASS).expect("jo");
    assert_eq!(
        jo.incident(s.restricted).expect("still Jo's").facts.summary,
        SUMMARY
    );
    assert!(jo.verify_audit().expect("verify").broken.is_none());
}

fn reference(v: &Vault, id: i64) -> String {
    v.incident(id).expect("incident").reference
}

#[test]
fn the_offer_leaves_out_whom_the_record_names_and_only_editors_restrict() {
    let (s, mut v) = school();
    let staff = person_id(&v, s.restricted, "Mr Dan Harper");
    v.link_user_person(s.deputy, Some(staff), now())
        .expect("the deputy is Mr Harper");
    let offer = v.restriction(s.restricted).expect("offer");
    assert!(!offer.restricted);
    let deputy = offer
        .users
        .iter()
        .find(|u| u.id == s.deputy)
        .expect("deputy");
    assert!(deputy.named, "the record names the deputy");
    v.restrict(s.restricted, &[], now()).expect("restricted");
    let now_restricted = v.restriction(s.restricted).expect("restriction");
    assert!(now_restricted.restricted);
    assert_eq!(
        now_restricted
            .users
            .iter()
            .filter(|u| u.granted)
            .map(|u| u.id)
            .collect::<Vec<_>>(),
        vec![v.user_id()]
    );
    v.close();
    let mut head = Vault::unlock(s.dir.path(), HEAD_PASS).expect("head");
    assert!(head.restrict(s.open, &[], now()).is_err());
    assert!(matches!(
        head.restriction(s.restricted),
        Err(StoreError::NotFound)
    ));
}

#[test]
fn a_backup_carries_restricted_records_and_restores_them_readable_only_by_the_granted() {
    let (s, mut v) = school();
    v.restrict(s.restricted, &[s.chair], now())
        .expect("restricted");
    let file = s.dir.path().join("backup.dsldesk");
    v.backup_to(&file, now()).expect("backed up");
    v.close();
    let bytes = std::fs::read(&file).expect("backup");
    for m in MARKERS {
        assert!(!contains(&bytes, m), "the backup does not show {m}");
    }
    let target = tempfile::tempdir().expect("tmp");
    let restored = Vault::restore_from(&file, target.path(), PASS, now()).expect("restored");
    assert_eq!(
        restored
            .incident(s.restricted)
            .expect("readable at once")
            .facts
            .summary,
        SUMMARY
    );
    assert!(restored.verify_audit().expect("verify").broken.is_none());
    restored.close();
    let chair = Vault::unlock(target.path(), CHAIR_PASS).expect("chair");
    assert_eq!(all(&chair), vec![s.restricted]);
    drop(chair);
    let head = Vault::unlock(target.path(), HEAD_PASS).expect("head");
    assert_eq!(all(&head), vec![s.open]);
}

#[test]
fn a_backup_naming_a_file_outside_the_vault_is_refused() {
    let name = "../../escape.db";
    assert!(!crate::backup::tests_support::record_name_ok(name));
    assert!(crate::backup::tests_support::record_name_ok(
        "0123456789abcdef01234567.db"
    ));
}

#[test]
fn destroyed_at_retention_a_restricted_record_leaves_only_its_tombstone() {
    let (s, mut v) = school();
    v.restrict(s.restricted, &[s.chair], now())
        .expect("restricted");
    let later = now() + chrono::Duration::days(366 * 40);
    let item = v.retention_of(s.restricted).expect("its review");
    assert!(v
        .retention_due(dsl_domain::time::uk_day(later))
        .expect("due")
        .iter()
        .any(|i| i.incident_id == s.restricted));
    v.decide_retention(
        s.restricted,
        &dsl_domain::retention::RetentionDecision::Destroy {
            reason: "Retention period over".into(),
            confirm_reference: item.reference.clone(),
        },
        later,
    )
    .expect("destroyed");
    assert!(
        std::fs::read_dir(s.dir.path().join(crate::restricted::RESTRICTED_DIR))
            .expect("folder")
            .next()
            .is_none(),
        "its file is gone"
    );
    assert!(matches!(
        v.incident(s.restricted),
        Err(StoreError::NotFound)
    ));
    assert!(v
        .tombstones()
        .expect("tombstones")
        .iter()
        .any(|t| t.reference == item.reference));
    assert!(v.verify_audit().expect("verify").broken.is_none());
    v.close();
    assert!(matches!(
        Vault::unlock(s.dir.path(), CHAIR_PASS),
        Err(StoreError::NotPermitted(_))
    ));
}

fn concern_about(person: i64, what: &str) -> dsl_domain::concern::NewConcern {
    dsl_domain::concern::NewConcern {
        person_id: Some(person),
        new_person: None,
        concern: what.into(),
        happened_on: d(2026, 10, 5),
        raised_by: "A colleague".into(),
        context: "Staff room".into(),
        action: "Noted by the DSL".into(),
    }
}

#[test]
fn the_concerns_about_an_adult_restricted_are_gone_for_the_rest_and_kept_for_the_granted() {
    let (s, mut v) = school();
    let adult = person_id(&v, s.open, "Amira Khan");
    let _ = adult;
    let staff = person_id(&v, s.restricted, "Mr Dan Harper");
    let today = d(2026, 11, 22);
    v.add_concern(
        &concern_about(staff, "Xylophone remark about a pupil's body"),
        now(),
    )
    .expect("concern");
    v.add_concern(&concern_about(staff, "Xylophone gifts to one pupil"), now())
        .expect("concern");
    // An incident the adult is not named in keeps them in the vault's people.
    v.restrict_concerns(staff, &[], now()).expect("restricted");
    assert!(v.concerns_restriction(staff).expect("who").restricted);
    assert_eq!(
        v.concerns_about(staff, today).expect("Jo reads them").count,
        2
    );
    v.add_concern(&concern_about(staff, "Xylophone third time"), now())
        .expect("joins the restricted ones");
    let key = v.key_bytes();
    let main_values = every_value(v.conn());
    assert!(
        !main_values.contains("Xylophone"),
        "no table holds the concerns"
    );
    assert!(v.verify_audit().expect("verify").broken.is_none());
    v.close();
    let db = s.dir.path().join(crate::DB_FILE);
    assert!(
        !contains(&decrypted_pages(&db, &key), "Xylophone"),
        "no page does"
    );

    let mut deputy = Vault::unlock(s.dir.path(), DEPUTY_PASS).expect("deputy");
    assert!(deputy
        .concern_register(today)
        .expect("register")
        .iter()
        .all(|a| a.person.id != staff));
    assert_eq!(deputy.concerns_about(staff, today).expect("none").count, 0);
    assert!(matches!(
        deputy.concerns_restriction(staff),
        Err(StoreError::NotFound)
    ));
    // The deputy, not knowing, records another: it stays in the vault until Jo takes it in.
    deputy
        .add_concern(&concern_about(staff, "Zebra comment in a lesson"), now())
        .expect("concern");
    drop(deputy);

    let mut jo = Vault::unlock(s.dir.path(), PASS).expect("jo");
    assert_eq!(jo.concerns_about(staff, today).expect("all").count, 4);
    jo.restrict_concerns(staff, &[], now()).expect("taken in");
    assert!(!every_value(jo.conn()).contains("Zebra comment"));
    let register = jo.concern_register(today).expect("register");
    assert_eq!(
        register
            .iter()
            .find(|a| a.person.id == staff)
            .expect("adult")
            .count,
        4
    );
    // Escalated, the allegation is restricted to the same people.
    let ids: Vec<i64> = jo
        .concerns_about(staff, today)
        .expect("pattern")
        .concerns
        .iter()
        .map(|c| c.id)
        .take(2)
        .collect();
    let allegation = jo.escalate_concerns(staff, &ids, now()).expect("escalated");
    assert!(jo.restriction(allegation.id).expect("who").restricted);
    assert!(jo.verify_audit().expect("verify").broken.is_none());
    drop(jo);
    let head = Vault::unlock(s.dir.path(), HEAD_PASS).expect("head");
    assert!(!all(&head).contains(&allegation.id));
}

#[test]
fn the_concerns_a_restricted_incident_recorded_go_with_it() {
    let (s, mut v) = school();
    let staff = person_id(&v, s.restricted, "Mr Dan Harper");
    let entry: i64 = v
        .conn()
        .query_row(
            "SELECT max(id) FROM flow_entries WHERE incident_id = ?1",
            [s.restricted],
            |r| r.get(0),
        )
        .expect("an entry");
    let text = crate::incidents::ConcernText {
        concern: "Quetzalcoatl concern from the flow",
        happened_on: d(2026, 11, 20),
        raised_by: "Ms Siobhán Kelly",
        context: "",
        action: "",
    };
    crate::incidents::insert_concern(
        v.conn(),
        &v.author(),
        staff,
        &text,
        Some((s.restricted, entry)),
        now(),
    )
    .expect("concern from the flow");
    v.restrict(s.restricted, &[], now()).expect("restricted");
    assert!(!every_value(v.conn()).contains("Quetzalcoatl concern"));
    assert_eq!(
        v.concerns_about(staff, d(2026, 11, 22)).expect("Jo").count,
        1,
        "the register still has it for those granted"
    );
    assert!(v.verify_audit().expect("verify").broken.is_none());
}

#[test]
fn a_record_is_never_left_without_a_dsl_or_deputy_nor_granted_to_whom_it_names() {
    let (s, mut v) = school();
    let staff = person_id(&v, s.restricted, "Mr Dan Harper");
    v.link_user_person(s.deputy, Some(staff), now())
        .expect("linked");
    assert!(matches!(
        v.restrict(s.restricted, &[s.deputy], now()),
        Err(StoreError::Conflict(_))
    ));
    v.restrict(s.restricted, &[s.chair], now())
        .expect("restricted");
    // Another DSL-level user exists (the deputy) but holds nothing: Jo cannot be removed by
    // them, as Jo is the only DSL or deputy who can open the record.
    v.close();
    let mut deputy = Vault::unlock(s.dir.path(), DEPUTY_PASS).expect("deputy");
    let jo_id = 1;
    assert!(matches!(
        deputy.remove_user(jo_id, now(), &|_| {}),
        Err(StoreError::Conflict(_))
    ));
    drop(deputy);
    // An existing pupil can be added to the restricted record.
    let mut jo = Vault::unlock(s.dir.path(), PASS).expect("jo");
    let amira = person_id(&jo, s.open, "Amira Khan");
    let detail = jo
        .add_person(
            s.restricted,
            &super::records::known(amira, PersonRole::Witness),
            now(),
        )
        .expect("added");
    assert!(detail.people.iter().any(|p| p.person.name == "Amira Khan"));
    assert_eq!(
        jo.person_history(amira).expect("history").incidents.len(),
        2,
        "her history has both"
    );
    // The chair cannot reach the rest of the vault through other screens.
    drop(jo);
    let chair = Vault::unlock(s.dir.path(), CHAIR_PASS).expect("chair");
    assert!(matches!(
        chair.term_figures(2026, TermName::Autumn),
        Err(crate::WriteError::Store(StoreError::NotPermitted(_)))
    ));
    assert!(matches!(
        chair.transfers(None, d(2026, 11, 22)),
        Err(StoreError::NotPermitted(_))
    ));
    assert!(matches!(
        chair.tombstones(),
        Err(StoreError::NotPermitted(_))
    ));
}

#[test]
fn a_new_recovery_key_reaches_the_restricted_records() {
    let (s, mut v) = school();
    v.restrict(s.restricted, &[s.chair], now())
        .expect("restricted");
    let fresh = Vault::new_recovery_key();
    v.replace_recovery_key(&fresh, KdfParams::default(), now(), &|_| {})
        .expect("replaced");
    v.close();
    let by_recovery = Vault::unlock_with_recovery(
        s.dir.path(),
        &fresh,
        None,
        "copper lantern harbour mauve",
        KdfParams::default(),
        now(),
    )
    .expect("the new key opens the vault");
    assert_eq!(
        by_recovery
            .incident(s.restricted)
            .expect("and the record, resealed to Jo's new keys")
            .facts
            .summary,
        SUMMARY
    );
}

#[test]
fn the_chair_holds_no_key_to_the_vault_only_to_their_records() {
    let (s, v) = school();
    v.close();
    // Before anything is restricted to them, there is nothing for the chair to open.
    assert!(matches!(
        Vault::unlock(s.dir.path(), CHAIR_PASS),
        Err(StoreError::NotPermitted(_))
    ));
    let slots_path = s.dir.path().join(crate::KEYSLOTS_FILE);
    let slots = crate::keyslots::SlotFile::read(&slots_path).expect("key file");
    let chair_slot = slots
        .users
        .iter()
        .find(|u| u.user_id == s.chair)
        .expect("the chair's slot")
        .id
        .clone();
    assert!(
        slots.sealed.iter().all(|k| k.slot != chair_slot),
        "no data key sealed to the chair"
    );
    assert!(slots.data_key_for_passphrase(CHAIR_PASS).is_err());
    let mut v = Vault::unlock(s.dir.path(), PASS).expect("jo");
    v.restrict(s.restricted, &[s.chair], now())
        .expect("restricted");
    // A removal re-keys the vault: the chair's slot still gets no data key.
    v.remove_user(s.deputy, now(), &|_| {})
        .expect("deputy removed");
    v.close();
    let slots = crate::keyslots::SlotFile::read(&slots_path).expect("key file");
    assert!(slots.sealed.iter().all(|k| k.slot != chair_slot));
    assert_eq!(
        slots
            .records
            .iter()
            .filter(|r| r.user_id == s.chair)
            .count(),
        1,
        "their record's key is in the key file"
    );
    let mut chair = Vault::unlock(s.dir.path(), CHAIR_PASS).expect("chair");
    assert_eq!(all(&chair), vec![s.restricted]);
    let who = chair.restriction(s.restricted).expect("who may open it");
    assert!(who.restricted);
    assert!(who.users.iter().any(|u| u.id == s.chair && u.granted));
    record(
        &mut chair,
        s.restricted,
        None,
        None,
        EntryBody::Note {
            text: "Case manager: LADO strategy meeting held".into(),
        },
    )
    .expect("noted");
    assert!(chair.verify_audit().expect("verify").broken.is_none());
    drop(chair);
    // Jo sees the chair's note, and the figures catch up at her unlock.
    let jo = Vault::unlock(s.dir.path(), PASS).expect("jo");
    assert!(jo
        .incident(s.restricted)
        .expect("Jo")
        .chronology
        .iter()
        .any(|c| format!("{c:?}").contains("LADO strategy meeting")));
    assert!(jo.verify_audit().expect("verify").broken.is_none());
}

#[test]
fn a_restricted_record_whose_file_is_gone_is_said_at_unlock_and_a_backup_brings_it_back() {
    let (s, mut v) = school();
    v.restrict(s.restricted, &[], now()).expect("restricted");
    let backup = s.dir.path().join("before.dsldesk");
    v.backup_to(&backup, now()).expect("backed up");
    assert_eq!(v.session().expect("session").unopened_records, 0);
    v.close();
    let folder = s.dir.path().join(crate::restricted::RESTRICTED_DIR);
    for f in std::fs::read_dir(&folder).expect("folder") {
        std::fs::remove_file(f.expect("entry").path()).expect("removed");
    }
    let v = Vault::unlock(s.dir.path(), PASS).expect("the rest still opens");
    assert_eq!(v.session().expect("session").unopened_records, 1);
    assert_eq!(all(&v), vec![s.open], "only what opened is listed");
    v.close();
    let target = tempfile::tempdir().expect("tmp");
    let restored = Vault::restore_from(&backup, target.path(), PASS, now()).expect("restored");
    assert_eq!(restored.session().expect("session").unopened_records, 0);
    assert_eq!(
        restored.incident(s.restricted).expect("back").facts.summary,
        SUMMARY
    );
}
