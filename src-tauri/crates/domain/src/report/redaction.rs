//! The redacted copy for a parent or a subject access request: everyone but the one person kept
//! appears by role ("Pupil A"), and their names are replaced in free text.

use std::collections::BTreeMap;

use crate::incident::{IncidentDetail, PersonKind};

/// The word a redacted copy calls someone by ("Pupil A"); someone of unknown kind is "Person A".
fn pseudonym_stem(k: PersonKind) -> &'static str {
    match k {
        PersonKind::Unknown => "Person",
        k => k.label(),
    }
}

/// The name with its letters' accents removed ("Łukasz" → "lukasz"), lower-cased: people's
/// usernames and email addresses often spell names this way.
fn folded(name: &str) -> String {
    name.to_lowercase()
        .chars()
        .map(|c| match c {
            'á' | 'à' | 'â' | 'ä' | 'ã' | 'å' | 'ą' | 'ā' => 'a',
            'ć' | 'č' | 'ç' => 'c',
            'ď' | 'đ' => 'd',
            'é' | 'è' | 'ê' | 'ë' | 'ę' | 'ě' | 'ē' => 'e',
            'í' | 'ì' | 'î' | 'ï' | 'ī' => 'i',
            'ł' | 'ľ' => 'l',
            'ń' | 'ñ' | 'ň' => 'n',
            'ó' | 'ò' | 'ô' | 'ö' | 'õ' | 'ø' | 'ō' | 'ő' => 'o',
            'ř' => 'r',
            'ś' | 'š' | 'ş' => 's',
            'ť' | 'ţ' => 't',
            'ú' | 'ù' | 'û' | 'ü' | 'ů' | 'ū' | 'ű' => 'u',
            'ý' | 'ÿ' => 'y',
            'ź' | 'ż' | 'ž' => 'z',
            other => other,
        })
        .collect()
}

/// Case-insensitive replace that keeps the rest of the text as it was.
pub(super) fn replace_ci(text: &str, find_lower: &str, replace: &str) -> String {
    if find_lower.is_empty() {
        return text.to_string();
    }
    let lower = text.to_lowercase();
    // Lower-casing can change byte lengths; fall back to a char-wise scan when it does.
    if lower.len() != text.len() {
        return replace_ci_chars(text, find_lower, replace);
    }
    let mut out = String::with_capacity(text.len());
    let mut last = 0;
    for (start, _) in lower.match_indices(find_lower) {
        if start < last {
            continue;
        }
        out.push_str(&text[last..start]);
        out.push_str(replace);
        last = start + find_lower.len();
    }
    out.push_str(&text[last..]);
    out
}

/// [`replace_ci`] one character at a time, for text whose lower case changes its length.
fn replace_ci_chars(text: &str, find_lower: &str, replace: &str) -> String {
    let chars: Vec<char> = text.chars().collect();
    let find: Vec<char> = find_lower.chars().collect();
    let mut out = String::new();
    let mut i = 0;
    while i < chars.len() {
        let window = chars.get(i..i + find.len());
        let hit = window.is_some_and(|w| {
            w.iter()
                .zip(&find)
                .all(|(a, b)| a.to_lowercase().eq(b.to_lowercase()))
        });
        if hit {
            out.push_str(replace);
            i += find.len();
        } else {
            out.push(chars[i]);
            i += 1;
        }
    }
    out
}

/// How one copy of the report names people: by name, or by role for a redacted copy.
pub(super) struct Redaction {
    /// Person id → "Pupil A", for everyone shown by role.
    pseudonym: BTreeMap<i64, String>,
    /// (text to find, lower-cased; replacement), longest first.
    pairs: Vec<(String, String)>,
    /// Any copy made for disclosure, even one that keeps nobody's name.
    pub redacted: bool,
    /// "Redacted copy. Only X is named …".
    pub note: Option<String>,
}

impl Redaction {
    /// `keep` names the one person shown by name in a redacted copy; `None` is the full copy.
    pub fn new(detail: &IncidentDetail, redact: Option<Option<i64>>) -> Self {
        let Some(keep) = redact else {
            return Self {
                pseudonym: BTreeMap::new(),
                pairs: Vec::new(),
                redacted: false,
                note: None,
            };
        };
        let pseudonym = pseudonyms(detail, keep);
        let pairs = replacements(detail, keep, &pseudonym);
        let kept = keep
            .and_then(|id| detail.people.iter().find(|i| i.person.id == id))
            .map(|i| i.person.name.clone());
        let note = Some(match kept {
            Some(name) => format!("Redacted copy. Only {name} is named; everyone else appears by role, with identifying details removed."),
            None => "Redacted copy. People appear by role, with identifying details removed.".to_string(),
        });
        Self {
            pseudonym,
            pairs,
            redacted: true,
            note,
        }
    }

    /// Free text with the redacted names replaced.
    pub fn text(&self, text: &str) -> String {
        if self.pairs.is_empty() {
            return text.to_string();
        }
        let mut out = text.to_string();
        for (find, replace) in &self.pairs {
            out = replace_ci(&out, find, replace);
        }
        out
    }

    /// True when this person appears by role.
    pub fn hides(&self, id: i64) -> bool {
        self.pseudonym.contains_key(&id)
    }

    /// The person's name, or their role label in a redacted copy.
    pub fn name_of(&self, id: i64, name: &str) -> String {
        self.pseudonym
            .get(&id)
            .cloned()
            .unwrap_or_else(|| name.to_string())
    }
}

/// "Pupil A", "Staff member B" … for everyone but `keep`, in the order they were added.
fn pseudonyms(detail: &IncidentDetail, keep: Option<i64>) -> BTreeMap<i64, String> {
    let mut pseudonym = BTreeMap::new();
    let mut next = b'A';
    for inv in &detail.people {
        if Some(inv.person.id) == keep || pseudonym.contains_key(&inv.person.id) {
            continue;
        }
        let label = format!("{} {}", pseudonym_stem(inv.person.kind), char::from(next));
        next = if next == b'Z' { b'A' } else { next + 1 };
        pseudonym.insert(inv.person.id, label);
    }
    pseudonym
}

/// What to replace in free text: each redacted person's name and its longer parts, as written
/// and without accents, and the reporter's name unless they are the person kept.
fn replacements(
    detail: &IncidentDetail,
    keep: Option<i64>,
    pseudonym: &BTreeMap<i64, String>,
) -> Vec<(String, String)> {
    let mut pairs = Vec::new();
    for inv in &detail.people {
        if let Some(label) = pseudonym.get(&inv.person.id) {
            pairs.push((inv.person.name.to_lowercase(), label.clone()));
            pairs.push((folded(&inv.person.name), label.clone()));
            for part in inv
                .person
                .name
                .split_whitespace()
                .filter(|p| p.chars().count() >= 3)
            {
                pairs.push((part.to_lowercase(), label.clone()));
                pairs.push((folded(part), label.clone()));
            }
        }
    }
    let reporter = detail.facts.reported_by_name.trim();
    if !reporter.is_empty()
        && !detail
            .people
            .iter()
            .any(|i| Some(i.person.id) == keep && i.person.name == reporter)
    {
        pairs.push((reporter.to_lowercase(), "the reporter".into()));
        for part in reporter
            .split_whitespace()
            .filter(|p| p.chars().count() >= 3)
        {
            pairs.push((part.to_lowercase(), "the reporter".into()));
        }
    }
    pairs.sort_by_key(|p| std::cmp::Reverse(p.0.chars().count()));
    pairs.dedup();
    pairs
}

#[cfg(test)]
mod tests {
    use super::replace_ci;

    #[test]
    fn replaces_names_whatever_their_case() {
        assert_eq!(
            replace_ci("Zoë told ZOË and zoë", "zoë", "Pupil A"),
            "Pupil A told Pupil A and Pupil A"
        );
        assert_eq!(
            replace_ci("Tom Brown met tom", "tom", "Pupil B"),
            "Pupil B Brown met Pupil B"
        );
        assert_eq!(replace_ci("nothing here", "tom", "x"), "nothing here");
    }
}
