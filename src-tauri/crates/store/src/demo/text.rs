//! The words of generated records: names, platforms, summaries and checklist details.

use std::collections::BTreeMap;

use chrono::{DateTime, Duration, Utc};
use dsl_domain::flow::FieldKind;
use dsl_domain::meaning::fields;

use super::Rng;

pub(super) const FIRST: &[&str] = &[
    "Zoë", "Siobhán", "Łukasz", "Amelia", "Oliver", "Aisha", "Mohammed", "Freya", "Kai", "Niamh",
    "Priya", "Jack", "Olivia", "Noah", "Chloé", "Tomasz", "Grace", "Yusuf", "Evie", "Dylan",
    "Ifeoma", "Rhys", "Sofia", "Harry", "Mei", "Aarav", "Isla", "Callum", "Zainab", "Leo",
];
pub(super) const LAST: &[&str] = &[
    "Nguyễn", "Kowalski", "O'Neill", "Smith", "Jones", "Patel", "Khan", "Williams", "Brown",
    "Taylor", "Davies", "Evans", "Okafor", "Murphy", "Wilson", "Hughes", "Ahmed", "Clarke",
    "Walker", "Wright", "Thompson", "Robinson", "Singh", "Edwards", "Chen", "Hall",
];
pub(super) const PLATFORMS: &[&str] = &[
    "Snapchat",
    "WhatsApp group chat",
    "Instagram",
    "TikTok",
    "school laptop",
    "YouTube",
    "Discord",
    "Roblox",
    "school email",
    "personal phone",
];
pub(super) const STAFF_ROLES: &[&str] = &[
    "Teaching assistant",
    "Science teacher",
    "Sports coach",
    "Site manager",
];

pub(super) const LESSONS: &[&str] = &[
    "Proxy and VPN sites were reaching pupils' laptops: the filtering provider has added the new categories and the technician checks the logs weekly.",
    "Staff were unsure how to report a concern seen outside school hours: the reporting route was reissued at the staff briefing.",
    "Pupils did not know how to block and report on the platforms they use: online-safety lessons in Years 7 to 9 now cover this.",
    "Parents asked for guidance on age ratings: a parents' evening session on apps and settings is booked for next term.",
    "The acceptable use agreement did not mention personal devices on school Wi-Fi: governors are asked to approve the revised wording.",
    "A monitoring alert was read two days late during a staff absence: alerts now go to both the DSL and a deputy.",
    "Staff devices synced school photos to personal cloud storage: the staff code of conduct now says this is not allowed.",
    "Pupils shared images in a group chat believing it was harmless: PSHE lessons now cover the law on nude image sharing.",
];

pub(super) fn summary(rng: &mut Rng, activity: &str, platform: &str) -> String {
    let what = match activity {
        "child-abuse-images" => "was sent an indecent image",
        "grooming" => "was contacted repeatedly by an adult asking to meet",
        "extreme-pornography" => "was shown extreme pornographic material",
        "criminal-hate" => "shared material stirring up racial hatred",
        "nudes-sharing" => "shared a semi-nude image of themselves",
        "bullying" => "received unkind and mocking messages",
        "pornography" => "accessed pornography",
        "filtering-bypass" => "used a proxy site to get round the filter",
        "threats" => "was sent threatening messages",
        "extremism" => "searched for extremist content",
        _ => "was involved in a concern about online behaviour",
    };
    let when = *rng.pick(&[
        "during a lesson",
        "at lunchtime",
        "in the evening",
        "at the weekend",
        "on the bus home",
    ]);
    format!("A pupil {what} on {platform} {when}, and told a member of staff.")
}

pub(super) fn details_for(
    rng: &mut Rng,
    fields: &[dsl_domain::flow::ItemField],
    at: DateTime<Utc>,
) -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    for f in fields {
        if !f.required && !rng.chance(50) {
            continue;
        }
        let v = match f.kind {
            // Filled from the incident's register and people by the walk.
            FieldKind::People | FieldKind::Evidence => continue,
            FieldKind::Datetime => at.format("%Y-%m-%dT%H:%M").to_string(),
            FieldKind::Date => (at + Duration::days(90)).format("%Y-%m-%d").to_string(),
            FieldKind::Choice if f.id == fields::GOVERNORS => {
                if rng.chance(40) { "Yes" } else { "No" }.to_string()
            }
            FieldKind::Choice => rng.pick(&f.options).clone(),
            FieldKind::Text => match f.id.as_str() {
                "crimeRef" => format!("CR/{}/{}", rng.below(90_000) + 10_000, at.format("%y")),
                "reference" => format!("REF-{}", rng.below(900_000) + 100_000),
                "by" | "who" | "contact" => format!("{} {}", rng.pick(FIRST), rng.pick(LAST)),
                _ => format!("Recorded by the DSL ({})", f.label.to_lowercase()),
            },
            FieldKind::Longtext if f.id == fields::LESSONS => (*rng.pick(LESSONS)).to_string(),
            FieldKind::Longtext => {
                "Discussed and agreed with the headteacher; see the notes.".to_string()
            }
        };
        out.insert(f.id.clone(), v);
    }
    out
}
