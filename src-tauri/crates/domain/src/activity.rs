//! The activity types of the policy's "User Actions" table (seed 003 §10.1), with their words.

use serde::Serialize;
use ts_rs::TS;

/// One entry of the policy's "User Actions" table (seed 003 §10.1), plus the common cases.
#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct ActivityType {
    pub id: &'static str,
    pub label: &'static str,
    pub illegal: bool,
}

const fn at(id: &'static str, label: &'static str, illegal: bool) -> ActivityType {
    ActivityType { id, label, illegal }
}

/// The activity types a DSL chooses from; the first four rows are illegal.
pub const ACTIVITY_TYPES: &[ActivityType] = &[
    at(
        "child-abuse-images",
        "Child sexual abuse images (making, possessing or distributing)",
        true,
    ),
    at(
        "grooming",
        "Grooming, incitement or facilitation of sexual acts against children",
        true,
    ),
    at("extreme-pornography", "Extreme pornography", true),
    at("criminal-hate", "Criminally racist or hate material", true),
    at("nudes-sharing", "Sharing nudes or semi-nudes", false),
    at(
        "bullying",
        "Offensive, harassing or bullying messages",
        false,
    ),
    at("pornography", "Pornography", false),
    at("discrimination", "Promotion of discrimination", false),
    at(
        "threats",
        "Threatening behaviour, promotion of violence or mental harm",
        false,
    ),
    at("extremism", "Promotion of extremism or terrorism", false),
    at(
        "offensive",
        "Offensive material or bringing the school into disrepute",
        false,
    ),
    at(
        "private-business",
        "Using school systems to run a private business",
        false,
    ),
    at(
        "filtering-bypass",
        "Bypassing filtering or other safeguards",
        false,
    ),
    at("copyright", "Infringing copyright", false),
    at(
        "confidential",
        "Revealing confidential information or passwords",
        false,
    ),
    at(
        "viruses",
        "Creating or spreading viruses or harmful files",
        false,
    ),
    at(
        "unfair-usage",
        "Unfair usage (large downloads or uploads)",
        false,
    ),
    at("gaming", "Online gaming (non-educational)", false),
    at("gambling", "Online gambling", false),
    at("other", "Other", false),
];

/// The activity type with this id.
pub fn activity_type(id: &str) -> Option<&'static ActivityType> {
    ACTIVITY_TYPES.iter().find(|a| a.id == id)
}
