//! Term dates, termly figures on a generated vault, the report draft and the projection's backfill.

use chrono::NaiveDate;
use dsl_domain::governor::GovernorDraft;
use dsl_domain::terms::{default_terms, TermName};

use crate::tests::support::{now, PASS};
use crate::{Vault, WriteError};

fn demo_vault(dir: &std::path::Path) -> Vault {
    crate::tests::support::demo_vault(dir, 11, 400, 300, 3, now())
}

#[test]
fn figures_on_a_generated_vault_add_up_term_after_term() {
    let dir = tempfile::tempdir().expect("tmp");
    let v = demo_vault(dir.path());
    let choices = v.term_choices(now().date_naive()).expect("terms");
    assert_eq!(choices[0].label(), "Autumn term 2026/27", "newest first");
    assert!(
        choices.len() >= 9,
        "three years of terms: {}",
        choices.len()
    );
    let mut total_opened = 0;
    let mut previous_end: Option<u32> = None;
    let mut reopened = 0;
    let mut lessons = 0;
    for t in choices.iter().rev() {
        let f = v.term_figures(t.academic_year, t.name).expect("figures");
        assert_eq!(
            f.open_at_start + f.opened + f.reopened - f.closed,
            f.open_at_end,
            "{}",
            t.label()
        );
        if let Some(end) = previous_end {
            assert_eq!(end, f.open_at_start, "terms meet without a gap");
        }
        previous_end = Some(f.open_at_end);
        total_opened += f.opened;
        reopened += f.reopened;
        let risk = &f.breakdowns[0];
        assert_eq!(risk.total, f.opened);
        assert_eq!(risk.rows.iter().map(|c| c.count).sum::<u32>(), f.opened);
        assert_eq!(f.trend.last().map(|p| p.opened), Some(f.opened));
        lessons += v
            .lesson_candidates(t.academic_year, t.name)
            .expect("lessons")
            .len();
    }
    assert_eq!(
        total_opened, 400,
        "every incident falls in exactly one term"
    );
    assert!(reopened > 0, "the demo reopens some incidents");
    assert!(lessons > 10, "lessons flagged for governors: {lessons}");
    let referrals = v
        .term_figures(2025, TermName::Autumn)
        .expect("figures")
        .breakdowns
        .into_iter()
        .find(|b| b.title == "Referrals by agency")
        .expect("referrals");
    assert!(referrals.total > 0);
}

#[test]
fn terms_can_be_edited_and_bad_dates_are_refused() {
    let dir = tempfile::tempdir().expect("tmp");
    let mut v = demo_vault(dir.path());
    let mut t = default_terms(2025).expect("defaults");
    let before = v.term_figures(2025, TermName::Autumn).expect("figures");
    t[0].ends = NaiveDate::from_ymd_opt(2025, 12, 19).expect("date");
    t[1].starts = NaiveDate::from_ymd_opt(2025, 12, 20).expect("date");
    v.save_terms(&t, now()).expect("saved");
    assert_eq!(v.terms_of_year(2025).expect("year")[0].ends, t[0].ends);
    let after = v.term_figures(2025, TermName::Autumn).expect("figures");
    assert!(after.opened <= before.opened);
    let spring = v.term_figures(2025, TermName::Spring).expect("figures");
    assert_eq!(after.open_at_end, spring.open_at_start);

    let mut bad = t;
    bad[1].starts = NaiveDate::from_ymd_opt(2025, 12, 1).expect("date");
    match v.save_terms(&bad, now()) {
        Err(WriteError::Rejected(e)) => assert_eq!(e.field.as_deref(), Some("springStarts")),
        other => panic!("expected a refusal, got {other:?}"),
    }
    assert_eq!(
        v.terms_of_year(2025).expect("year")[1].starts,
        t[1].starts,
        "nothing changed"
    );
    assert!(matches!(
        v.term_figures(99_999, TermName::Autumn),
        Err(WriteError::Rejected(_))
    ));
}

#[test]
fn drafts_are_saved_per_term_and_carry_the_review_date_forward() {
    let dir = tempfile::tempdir().expect("tmp");
    let mut v = demo_vault(dir.path());
    let empty = v.governor_draft(2026, TermName::Autumn).expect("draft");
    assert_eq!(empty, GovernorDraft::default());
    let draft = GovernorDraft {
        narrative: "A busy term; filtering was strengthened.".into(),
        lessons: vec!["Alerts go to two people".into()],
        filtering_review: NaiveDate::from_ymd_opt(2026, 9, 14),
    };
    v.save_governor_draft(2025, TermName::Summer, &draft, now())
        .expect("saved");
    assert_eq!(
        v.governor_draft(2025, TermName::Summer).expect("draft"),
        draft
    );
    let next = v.governor_draft(2026, TermName::Autumn).expect("draft");
    assert_eq!(next.filtering_review, draft.filtering_review);
    assert!(next.narrative.is_empty() && next.lessons.is_empty());
    let mut future = draft;
    future.filtering_review = NaiveDate::from_ymd_opt(2027, 1, 1);
    assert!(v
        .save_governor_draft(2026, TermName::Autumn, &future, now())
        .is_err());
}

#[test]
fn the_figures_projection_is_rebuilt_for_older_vaults() {
    let dir = tempfile::tempdir().expect("tmp");
    let v = demo_vault(dir.path());
    let before = v.term_figures(2025, TermName::Spring).expect("figures");
    v.conn()
        .execute("DELETE FROM incident_stats", [])
        .expect("cleared");
    drop(v);
    let v = Vault::unlock(dir.path(), PASS).expect("unlocks");
    let after = v.term_figures(2025, TermName::Spring).expect("figures");
    assert_eq!(before, after);
}
