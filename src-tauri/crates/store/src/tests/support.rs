//! What the store's tests share: a fixed "now" and a vault filled with generated incidents.

use chrono::{DateTime, TimeZone, Utc};
use dsl_domain::vault::Role;

use crate::demo::DemoSpec;
use crate::{KdfParams, Vault};

/// The passphrase of every test vault.
pub const PASS: &str = "lantern mauve copper harbour";

/// The tests' "now": 22 November 2026, 10:00 UTC.
pub fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 22, 10, 0, 0)
        .single()
        .expect("valid")
}

/// An empty vault for Oakfield's DSL, Jo.
pub fn vault(dir: &std::path::Path) -> Vault {
    Vault::create(
        dir,
        "Oakfield",
        "Jo DSL",
        Role::Dsl,
        PASS,
        KdfParams::default(),
        now(),
    )
    .expect("vault")
    .vault
}

/// A vault for Oakfield's DSL holding `incidents` generated from `seed` over `years` up to `until`.
pub fn demo_vault(
    dir: &std::path::Path,
    seed: u64,
    incidents: u32,
    pupils: u32,
    years: u32,
    until: DateTime<Utc>,
) -> Vault {
    let mut v = vault(dir);
    v.generate_demo(&DemoSpec {
        seed,
        incidents,
        pupils,
        years,
        until,
    })
    .expect("generated");
    v
}
