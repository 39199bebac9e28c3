//! Every term of a school's governor reports over 25 years, checked as a reader who knows how
//! the report is made would read it: no suppressed count can be worked out from the printed
//! ones, figures about adults never stand beside a single term, and no name, username or
//! reference of the vault is printed.

mod common;

use chrono::{NaiveDate, TimeZone, Utc};
use dsl_domain::vault::Role;
use dsl_store::demo::DemoSpec;
use dsl_store::{KdfParams, Vault};

fn checked(incidents: u32, pupils: u32) -> common::DisclosureCheck {
    let now = Utc
        .with_ymd_and_hms(2026, 11, 22, 10, 0, 0)
        .single()
        .expect("valid");
    let tmp = tempfile::tempdir().expect("tmp");
    let mut v = Vault::create(
        tmp.path(),
        "Check School",
        "Jo Bloggs",
        Role::Dsl,
        "lantern mauve copper harbour",
        KdfParams::default(),
        now,
    )
    .expect("vault")
    .vault;
    v.generate_demo(&DemoSpec {
        seed: 11,
        incidents,
        pupils,
        years: 25,
        until: now,
    })
    .expect("demo");
    let today = NaiveDate::from_ymd_opt(2026, 11, 22).expect("date");
    let c = common::check_every_term(&v, today).expect("checked");
    println!(
        "{incidents} incidents over 25 years: {} terms, {} breakdowns and tables, {} counts \
         printed: {} as \"fewer than\", {} withheld beside them, {} printed as a total only; {} \
         over the school year to date, {} over the last three terms",
        c.terms,
        c.breakdowns + c.terms,
        c.counts,
        c.suppressed,
        c.withheld,
        c.whole_withheld,
        c.over_year,
        c.over_three
    );
    println!("printed as a total only: {:?}", c.whole_withheld_by_title);
    assert!(c.terms >= 75, "{} terms", c.terms);
    assert!(c.given_away.is_empty(), "{:#?}", c.given_away);
    assert!(c.leaks.is_empty(), "{:#?}", c.leaks);
    assert!(c.name_words.is_empty(), "{:#?}", c.name_words);
    c
}

#[test]
fn a_small_school_over_25_years() {
    // About four incidents a term: most terms' breakdowns are counted over longer windows.
    let c = checked(300, 150);
    assert!(c.suppressed > 0 && c.withheld > 0);
    assert!(c.over_year > 0 && c.over_three > 0, "{c:?}");
}

#[test]
fn a_larger_school_over_25_years() {
    let c = checked(2_500, 800);
    assert!(c.suppressed > 0);
}
