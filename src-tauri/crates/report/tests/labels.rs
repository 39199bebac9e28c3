//! The PDFs print the screen's words: every variant of every labelled enum, read back from the
//! rendered PDFs with pdftotext, matches the generated `ui/src/lib/bindings/labels.ts` the
//! screens read.

mod pdf_tools;

use std::collections::BTreeMap;

use dsl_domain::labels::Labelled;
use dsl_domain::specimen::{governor_reports, incident_reports};
use dsl_domain::vault::Role;
use dsl_report::recovery_sheet::RecoverySheet;

fn flat(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The maps of `labels.ts`: name → (wire name → label), in file order.
fn screen_labels() -> BTreeMap<String, Vec<(String, String)>> {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../../ui/src/lib/bindings/labels.ts"
    );
    let text = std::fs::read_to_string(path).expect("labels.ts (run cargo test -p dsl-domain)");
    let mut maps = BTreeMap::new();
    let mut current: Option<(String, Vec<(String, String)>)> = None;
    for line in text.lines() {
        if let Some(rest) = line.strip_prefix("export const ") {
            let name = rest.split_whitespace().next().expect("a name").to_string();
            current = Some((name, Vec::new()));
        } else if line.starts_with('}') {
            if let Some((name, pairs)) = current.take() {
                maps.insert(name, pairs);
            }
        } else if let Some((_, pairs)) = current.as_mut() {
            let (wire, label) = line.trim().split_once(": ").expect("wire: label");
            let label = label.trim_end_matches(',');
            let label: String = label
                .strip_prefix('"')
                .and_then(|l| l.strip_suffix('"'))
                .expect("a string")
                .replace("\\\"", "\"");
            pairs.push((wire.to_string(), label));
        }
    }
    maps
}

fn labels<'a>(
    maps: &'a BTreeMap<String, Vec<(String, String)>>,
    name: &str,
) -> &'a [(String, String)] {
    let pairs = maps
        .get(name)
        .unwrap_or_else(|| panic!("{name} in labels.ts"));
    assert!(!pairs.is_empty(), "{name} has labels");
    pairs
}

fn incident_text() -> String {
    incident_reports()
        .iter()
        .enumerate()
        .map(|(i, r)| {
            let pdf = dsl_report::incident_report::render(r).expect("renders");
            flat(&pdf_tools::raw_text(&pdf_tools::save(
                &format!("labels-incident-{i}.pdf"),
                &pdf,
            )))
        })
        .collect::<Vec<_>>()
        .join("\n")
}

#[test]
fn the_incident_report_prints_the_screens_word_for_every_variant() {
    let maps = screen_labels();
    let text = incident_text();
    let expect = |map: &str, printed: &dyn Fn(&str) -> String| {
        for (wire, label) in labels(&maps, map) {
            let want = printed(label);
            assert!(
                text.contains(&want),
                "{map}.{wire}: the PDF does not print {want:?}"
            );
        }
    };
    expect("statusNames", &|l| format!("· {l} Specimen School"));
    expect("discoveryNames", &|l| format!("How it came to light {l}"));
    expect("locationNames", &|l| format!("Where {l}"));
    expect("riskNames", &|l| format!("Risk area {l}"));
    // The people table: person N has the Nth kind and, in turn, the roles.
    let roles = labels(&maps, "roleNames");
    for (i, (wire, kind)) in labels(&maps, "kindNames").iter().enumerate() {
        let role = &roles[i % roles.len()].1;
        let want = format!("Specimen Person {} {role} {kind}", i + 1);
        assert!(text.contains(&want), "kindNames.{wire}: no {want:?}");
    }
    for (wire, role) in roles {
        assert!(text.contains(&format!(" {role} ")), "roleNames.{wire}");
    }
    expect("evidenceKindNames", &|l| format!("Kind {l}"));
    expect("custodyNames", &|l| format!(" {l} DSL"));
    // The device's three states take the three values in turn (an item that is not a device
    // prints only the states recorded for it).
    for (wire, label) in labels(&maps, "tristateNames") {
        assert!(
            ["switched on", "locked", "network disconnected"]
                .iter()
                .any(|state| text.contains(&format!("{state}: {label}"))),
            "tristateNames.{wire}: no state printed as {label:?}"
        );
    }
    // Each agency under referrals (before the advice, which is listed apart).
    let referrals = text
        .split("4. Referrals")
        .nth(1)
        .and_then(|t| t.split("Advice sought").next())
        .expect("a referrals section");
    for (wire, label) in labels(&maps, "agencyNames") {
        assert!(
            referrals.contains(&format!(" {label} ")),
            "agencyNames.{wire}: not listed under referrals"
        );
    }
    // The sign-off names the vault's roles as the screens do (the chair of governors signs
    // only a record of an allegation about the headteacher, printed in its own test).
    for (wire, label) in labels(&maps, "vaultRoleNames") {
        if wire != "DeputyDsl" && wire != "Chair" {
            assert!(text.contains(label.as_str()), "vaultRoleNames.{wire}");
        }
    }
    // A person of unknown kind is "Unknown", as on screen, never the enum's name.
    assert!(!text.contains("AdultOutside") && !text.contains("StaffObservation"));
}

#[test]
fn the_governor_report_prints_the_screens_word_for_every_variant() {
    let maps = screen_labels();
    let text = governor_reports()
        .iter()
        .enumerate()
        .map(|(i, r)| {
            let pdf = dsl_report::governor_report::render(r).expect("renders");
            flat(&pdf_tools::raw_text(&pdf_tools::save(
                &format!("labels-governor-{i}.pdf"),
                &pdf,
            )))
        })
        .collect::<Vec<_>>()
        .join("\n");
    for map in [
        "termNames",
        "keyStageNames",
        "markNames",
        "agencyNames",
        "discoveryNames",
        "riskNames",
    ] {
        for (wire, label) in labels(&maps, map) {
            let want = if map == "termNames" {
                format!("{label} term 2026/27")
            } else {
                format!("{label} ")
            };
            assert!(
                text.contains(&want),
                "{map}.{wire}: the governor report does not print {want:?}"
            );
        }
    }
}

#[test]
fn the_recovery_sheet_names_each_vault_role_as_the_screen_does() {
    let maps = screen_labels();
    for role in [Role::Dsl, Role::DeputyDsl, Role::Headteacher] {
        let sheet = RecoverySheet {
            school_name: "Specimen School".into(),
            created_by: format!("Jo Bloggs, {}", role.label()),
            created_at: "22/11/2026 10:00".into(),
            grouped_key: "7K3M-9QXA".into(),
            app_version: "0.0.0".into(),
            founding_fingerprint: "0A1B 2C3D 4E5F 6071 8293 A4B5 C6D7 E8F9".into(),
        };
        let pdf = dsl_report::recovery_sheet::render(&sheet).expect("renders");
        let text = flat(&pdf_tools::text(&pdf_tools::save(
            "labels-recovery.pdf",
            &pdf,
        )));
        let wire = role.wire();
        let (_, label) = labels(&maps, "vaultRoleNames")
            .iter()
            .find(|(w, _)| *w == wire)
            .expect("the role in labels.ts");
        assert!(text.contains(&format!("Jo Bloggs, {label}")), "{wire}");
    }
}
