//! The passphrase strength check: refuses weak passphrases and says why in plain words.

use serde::Serialize;
use ts_rs::TS;
use zxcvbn::Score;

/// The fewest characters a vault passphrase may have.
pub const MIN_LENGTH: usize = 12;
/// The longest passphrase accepted: far beyond any that is typed, and it keeps the strength
/// check (whose cost grows with length) quick.
pub const MAX_LENGTH: usize = 256;

/// The verdict on a proposed passphrase, shown as the user types.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct PassphraseAssessment {
    /// True when the passphrase may be used.
    pub acceptable: bool,
    /// 0 (very weak) to 4 (very strong).
    pub score: u8,
    /// Why it is refused, one plain sentence each; empty when acceptable.
    pub problems: Vec<String>,
    /// Hints for a stronger passphrase.
    pub suggestions: Vec<String>,
}

/// Judges `passphrase`; `context` holds words the passphrase must not lean on
/// (the school's and the user's names).
pub fn assess(passphrase: &str, context: &[&str]) -> PassphraseAssessment {
    let mut problems = Vec::new();
    let chars = passphrase.chars().count();
    if chars < MIN_LENGTH {
        problems.push(format!(
            "It is too short: use at least {MIN_LENGTH} characters (it has {chars})."
        ));
    }
    if chars > MAX_LENGTH {
        return PassphraseAssessment {
            acceptable: false,
            score: 0,
            problems: vec![format!(
                "It is too long: use at most {MAX_LENGTH} characters (it has {chars})."
            )],
            suggestions: Vec::new(),
        };
    }
    if passphrase.trim() != passphrase {
        problems.push("It starts or ends with a space, which is easy to mistype.".to_string());
    }
    let lowered = zeroize::Zeroizing::new(passphrase.to_lowercase());
    for word in context {
        let word = word.trim().to_lowercase();
        for part in word.split_whitespace().filter(|p| p.chars().count() >= 4) {
            if lowered.contains(part) {
                problems.push(
                    "It contains your name or the school's name, which others could guess."
                        .to_string(),
                );
                break;
            }
        }
    }
    problems.dedup();

    let entropy = zxcvbn::zxcvbn(passphrase, context);
    let score = match entropy.score() {
        Score::Zero => 0,
        Score::One => 1,
        Score::Two => 2,
        Score::Three => 3,
        _ => 4,
    };
    let mut suggestions = Vec::new();
    if let Some(feedback) = entropy.feedback() {
        if score < 3 {
            if let Some(warning) = feedback.warning() {
                problems.push(format!("It is too easy to guess: {warning}"));
            }
        }
        suggestions.extend(feedback.suggestions().iter().map(|s| s.to_string()));
    }
    if score < 3 && !problems.iter().any(|p| p.starts_with("It is too easy")) && chars > 0 {
        problems.push(
            "It is too easy to guess: try four or more unrelated words, or a longer phrase."
                .to_string(),
        );
    }
    if chars == 0 {
        problems.clear();
        problems.push("Enter a passphrase.".to_string());
    }
    PassphraseAssessment {
        acceptable: problems.is_empty(),
        score,
        problems,
        suggestions,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refuses_short_passphrase_and_says_why() {
        let a = assess("Tr0ub4dor&3", &[]);
        assert!(!a.acceptable);
        assert!(a.problems.iter().any(|p| p.contains("too short")));
    }

    #[test]
    fn refuses_common_long_passphrase() {
        let a = assess("passwordpassword", &[]);
        assert!(!a.acceptable);
        assert!(a.problems.iter().any(|p| p.contains("too easy to guess")));
    }

    #[test]
    fn refuses_names_from_context() {
        let a = assess(
            "Oakfield lantern copper 1987",
            &["Oakfield Primary", "Jo Bloggs"],
        );
        assert!(!a.acceptable);
        assert!(a.problems.iter().any(|p| p.contains("name")));
    }

    #[test]
    fn accepts_a_long_random_phrase() {
        let a = assess("correct horse battery staple mauve", &["Oakfield Primary"]);
        assert!(a.acceptable, "{:?}", a.problems);
        assert!(a.score >= 3);
    }

    #[test]
    fn refuses_a_huge_passphrase_quickly_and_says_why() {
        let a = assess(&"correct horse battery staple ".repeat(40_000), &[]);
        assert!(!a.acceptable);
        assert_eq!(a.problems.len(), 1);
        assert!(a.problems[0].starts_with("It is too long: use at most 256"));
    }

    #[test]
    fn empty_asks_for_a_passphrase() {
        let a = assess("", &[]);
        assert_eq!(a.problems, vec!["Enter a passphrase.".to_string()]);
    }
}
