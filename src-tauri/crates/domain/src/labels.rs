//! Every enum a user reads, with its words: the one place a label is written. The screen, the
//! incident PDF and the governor report all read these (the UI through the generated
//! `ui/src/lib/bindings/labels.ts`). The wire name is the enum's serde name.

use serde::Serialize;

use crate::evidence::{CustodyAction, EvidenceKind, Tristate};
use crate::flow::{IncidentStatus, Mark};
use crate::incident::{Discovery, Location, PersonKind, PersonRole, RiskArea};
use crate::stats::{Agency, KeyStage};
use crate::terms::TermName;
use crate::vault::Role;

/// An enum shown to users: all its variants, each with its words.
pub trait Labelled: Copy + Serialize + 'static {
    /// The name of the map in `labels.ts` (kept from the UI's `format.ts`).
    const TS_NAME: &'static str;
    /// Every variant, in the order they are offered and counted.
    fn all() -> &'static [Self];
    /// The variant in words.
    fn label(self) -> &'static str;
    /// The name it crosses the wire with (its serde name).
    fn wire(self) -> String {
        match serde_json::to_value(self) {
            Ok(serde_json::Value::String(s)) => s,
            _ => String::new(),
        }
    }
}

/// Gives an enum `ALL`, `label()` and [`Labelled`], from one list of variants and words.
macro_rules! labels {
    ($ty:ident as $ts:literal { $($variant:ident => $label:literal,)+ }) => {
        impl $ty {
            /// Every variant, in order.
            pub const ALL: [$ty; [$(stringify!($variant)),+].len()] = [$($ty::$variant),+];

            /// The variant in words, as the screen and the printed reports say it.
            pub fn label(self) -> &'static str {
                match self {
                    $($ty::$variant => $label,)+
                }
            }
        }

        impl Labelled for $ty {
            const TS_NAME: &'static str = $ts;
            fn all() -> &'static [Self] {
                &$ty::ALL
            }
            fn label(self) -> &'static str {
                $ty::label(self)
            }
        }
    };
}

labels!(IncidentStatus as "statusNames" {
    Open => "Open",
    AwaitingPolice => "Awaiting police",
    AwaitingLado => "Awaiting the LADO",
    AwaitingSocialCare => "Awaiting children's social care",
    Closed => "Closed",
});

labels!(PersonRole as "roleNames" {
    Victim => "Victim",
    Instigator => "Instigator",
    Alleged => "Alleged",
    Witness => "Witness",
    Reporter => "Reporter",
});

labels!(PersonKind as "kindNames" {
    Pupil => "Pupil",
    Staff => "Staff member",
    Volunteer => "Volunteer",
    Parent => "Parent or carer",
    AdultOutside => "Adult outside school",
    Unknown => "Unknown",
});

labels!(Discovery as "discoveryNames" {
    Disclosure => "Pupil disclosure",
    StaffObservation => "Staff observation",
    ParentCarer => "Parent or carer",
    Monitoring => "Filtering or monitoring alert",
    ExternalAgency => "External agency",
    Other => "Other",
});

labels!(Location as "locationNames" {
    InSchool => "In school",
    OffSiteActivity => "Off site on a school activity",
    OutsideSchool => "Outside school",
});

labels!(RiskArea as "riskNames" {
    Content => "Content",
    Contact => "Contact",
    Conduct => "Conduct",
    Commerce => "Commerce",
});

labels!(EvidenceKind as "evidenceKindNames" {
    Device => "Device",
    Screenshot => "Screenshot",
    File => "File",
    Url => "Web address (URL)",
    Message => "Message",
    Email => "Email",
    MonitoringCapture => "Monitoring capture",
    Paper => "Paper",
    Other => "Other",
});

labels!(CustodyAction as "custodyNames" {
    HandedOver => "Handed over",
    Moved => "Moved",
    Returned => "Returned to owner",
    Retained => "Retained",
    Destroyed => "Destroyed",
});

labels!(Tristate as "tristateNames" {
    Yes => "Yes",
    No => "No",
    NotKnown => "Not known",
});

labels!(TermName as "termNames" {
    Autumn => "Autumn",
    Spring => "Spring",
    Summer => "Summer",
});

labels!(Agency as "agencyNames" {
    Police => "Police",
    Ceop => "CEOP",
    Iwf => "Internet Watch Foundation",
    Lado => "LADO",
    SocialCare => "Children's social care",
    Prevent => "Prevent",
    CounterTerrorism => "Counter-terrorism policing",
});

labels!(KeyStage as "keyStageNames" {
    EarlyYears => "Reception",
    Ks1 => "KS1",
    Ks2 => "KS2",
    Ks3 => "KS3",
    Ks4 => "KS4",
    Ks5 => "Sixth form",
});

labels!(Mark as "markNames" {
    Illegal => "Illegal",
    NotIllegal => "Not illegal",
});

labels!(Role as "vaultRoleNames" {
    Dsl => "Designated Safeguarding Lead",
    DeputyDsl => "Deputy DSL",
    Headteacher => "Headteacher",
    Chair => "Chair of governors",
});

/// One map of `labels.ts`: `export const NAME = { wire: "Label", ... } as const;`.
fn ts_map<T: Labelled>() -> String {
    let pairs: Vec<String> = T::all()
        .iter()
        .map(|v| format!("  {}: {},", v.wire(), ts_string(v.label())))
        .collect();
    format!(
        "export const {} = {{\n{}\n}} as const;\n",
        T::TS_NAME,
        pairs.join("\n")
    )
}

/// A TypeScript string literal (a JSON string).
fn ts_string(s: &str) -> String {
    serde_json::to_string(s).unwrap_or_default()
}

/// The text of `ui/src/lib/bindings/labels.ts`.
pub fn labels_ts() -> String {
    let maps = [
        ts_map::<IncidentStatus>(),
        ts_map::<PersonRole>(),
        ts_map::<PersonKind>(),
        ts_map::<Discovery>(),
        ts_map::<Location>(),
        ts_map::<RiskArea>(),
        ts_map::<EvidenceKind>(),
        ts_map::<CustodyAction>(),
        ts_map::<Tristate>(),
        ts_map::<TermName>(),
        ts_map::<Agency>(),
        ts_map::<KeyStage>(),
        ts_map::<Mark>(),
        ts_map::<Role>(),
    ];
    format!(
        "// This file was generated from src-tauri/crates/domain/src/labels.rs by `cargo test`. \
         Do not edit this file manually.\n\n{}",
        maps.join("\n")
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn distinct<T: Labelled>() {
        let all = T::all();
        for (i, a) in all.iter().enumerate() {
            assert!(!a.wire().is_empty(), "{} has a wire name", T::TS_NAME);
            assert!(!a.label().is_empty(), "{} has a label", T::TS_NAME);
            for b in &all[i + 1..] {
                assert_ne!(a.wire(), b.wire(), "{}", T::TS_NAME);
                assert_ne!(a.label(), b.label(), "{}", T::TS_NAME);
            }
        }
    }

    #[test]
    fn every_variant_has_its_own_wire_name_and_words() {
        distinct::<IncidentStatus>();
        distinct::<PersonRole>();
        distinct::<PersonKind>();
        distinct::<Discovery>();
        distinct::<Location>();
        distinct::<RiskArea>();
        distinct::<EvidenceKind>();
        distinct::<CustodyAction>();
        distinct::<Tristate>();
        distinct::<TermName>();
        distinct::<Agency>();
        distinct::<KeyStage>();
        distinct::<Mark>();
        distinct::<Role>();
    }

    #[test]
    fn the_stored_forms_agree_with_the_wire_names() {
        for k in PersonKind::ALL {
            assert_eq!(k.as_str(), k.wire());
        }
        for r in PersonRole::ALL {
            assert_eq!(r.as_str(), r.wire());
        }
        for s in IncidentStatus::ALL {
            assert_eq!(s.as_str(), s.wire());
        }
        for t in TermName::ALL {
            assert_eq!(t.as_str(), t.wire());
        }
    }

    /// Writes `labels.ts` beside the ts-rs bindings (`TS_RS_EXPORT_DIR`), so that a label
    /// changed here reaches the screen, and a stale committed copy shows as a difference.
    #[test]
    fn export_labels_ts() {
        let text = labels_ts();
        assert!(text.contains("disclosure: \"Pupil disclosure\","));
        assert!(text.contains("socialCare: \"Children's social care\","));
        if let Ok(dir) = std::env::var("TS_RS_EXPORT_DIR") {
            let path = std::path::Path::new(&dir).join("labels.ts");
            let current = std::fs::read_to_string(&path).unwrap_or_default();
            if current != text {
                std::fs::create_dir_all(&dir).expect("bindings folder");
                std::fs::write(&path, text).expect("labels.ts written");
            }
        }
    }
}
