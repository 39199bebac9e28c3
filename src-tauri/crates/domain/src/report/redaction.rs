//! The redacted copy for a parent or a subject access request: everyone but the one person kept
//! appears by role ("Pupil A"), and their names are replaced in free text.

use std::collections::BTreeMap;

use crate::flow::EntryBody;
use crate::incident::{IncidentDetail, PersonKind};

/// The word a redacted copy calls someone by ("Pupil A"); someone of unknown kind is "Person A".
fn pseudonym_stem(k: PersonKind) -> &'static str {
    match k {
        PersonKind::Unknown => "Person",
        k => k.label(),
    }
}

/// The name with its letters' accents removed ("Łukasz" → "lukasz", "Nguyễn" → "nguyen"),
/// lower-cased: people's usernames and email addresses often spell names this way.
fn folded(name: &str) -> String {
    use unicode_normalization::UnicodeNormalization;
    name.to_lowercase()
        .nfd()
        .filter(|c| !unicode_normalization::char::is_combining_mark(*c))
        .map(|c| match c {
            'ł' => 'l',
            'đ' => 'd',
            'ø' => 'o',
            'ß' => 's',
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
    /// The names to find, as words, longest first.
    names: Vec<Name>,
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
                names: Vec::new(),
                redacted: false,
                note: None,
            };
        };
        let pseudonym = pseudonyms(detail, keep);
        let mut names = replacements(detail, keep, &pseudonym);
        names.extend(generalised(detail, keep, &pseudonym));
        longest_first(&mut names);
        let kept = keep
            .and_then(|id| detail.people.iter().find(|i| i.person.id == id))
            .map(|i| i.person.name.clone());
        let note = Some(match kept {
            Some(name) => format!("Redacted copy. Only {name} is named; everyone else appears by role, with identifying details removed."),
            None => "Redacted copy. People appear by role, with identifying details removed.".to_string(),
        });
        Self {
            pseudonym,
            names,
            redacted: true,
            note,
        }
    }

    /// Free text with the redacted names replaced, as whole words (whatever their case or
    /// accents, possessives kept: "Mai's" becomes "Pupil A's"); a handle, e-mail address or web
    /// address that contains a redacted name is withheld whole. Nothing else changes: "main",
    /// "remains" and "emailed" stay as they are when Mai is redacted.
    pub fn text(&self, text: &str) -> String {
        if self.names.is_empty() {
            return text.to_string();
        }
        let text = self.withhold_handles(text);
        let tokens = split_words(&text);
        let mut out = String::with_capacity(text.len());
        let mut i = 0;
        while i < tokens.len() {
            let (is_word, t) = tokens[i];
            if is_word {
                if let Some((label, used, suffix)) = self.match_at(&tokens, i) {
                    out.push_str(label);
                    out.push_str(suffix);
                    i += used;
                    continue;
                }
            }
            out.push_str(t);
            i += 1;
        }
        // Names found as written: inside the words of scripts without spaces, or with signs.
        for name in self.names.iter().filter(|n| n.literal) {
            out = replace_ci(&out, &name.words.concat(), &name.label);
        }
        out
    }

    /// The longest name whose words start at word token `i` (separated only by spaces): its
    /// label, how many tokens it covers, and a possessive ending to keep.
    fn match_at<'t>(&self, tokens: &[(bool, &'t str)], i: usize) -> Option<(&str, usize, &'t str)> {
        'names: for name in self.names.iter().filter(|n| !n.literal) {
            let n = name.words.len();
            let mut suffix = "";
            for (k, want) in name.words.iter().enumerate() {
                let Some(&(true, word)) = tokens.get(i + 2 * k) else {
                    continue 'names;
                };
                if k > 0 {
                    let gap = tokens.get(i + 2 * k - 1).map_or("", |t| t.1);
                    if gap.is_empty() || !gap.chars().all(char::is_whitespace) {
                        continue 'names;
                    }
                }
                let (stem, end) = if k + 1 == n {
                    possessive(word)
                } else {
                    (word, "")
                };
                if folded(stem) != *want {
                    continue 'names;
                }
                suffix = end;
            }
            return Some((name.label.as_str(), 2 * n - 1, suffix));
        }
        None
    }

    /// Handles, e-mail and web addresses that contain a redacted name, withheld whole.
    fn withhold_handles(&self, text: &str) -> String {
        let mut out = String::with_capacity(text.len());
        let mut rest = text;
        while !rest.is_empty() {
            let start = rest
                .find(|c: char| !c.is_whitespace())
                .unwrap_or(rest.len());
            out.push_str(&rest[..start]);
            rest = &rest[start..];
            let end = rest.find(char::is_whitespace).unwrap_or(rest.len());
            let chunk = &rest[..end];
            let core = chunk.trim_end_matches(['.', ',', ';', ':', '!', '?', ')', '"', '\'', '’']);
            let core = core.trim_start_matches(['(', '"', '\'', '‘']);
            let folded_core = folded(core);
            let handle = core.contains('@')
                || core.contains("://")
                || folded_core.starts_with("www.")
                || core.contains('_')
                || dotted(core);
            let names_someone = self
                .names
                .iter()
                .filter(|n| n.in_handles)
                .flat_map(|n| n.words.iter())
                .filter(|w| w.chars().count() >= 2)
                .any(|w| folded_core.contains(w.as_str()));
            if handle && names_someone {
                let lead = &chunk[..chunk.find(core).unwrap_or(0)];
                let trail = &chunk[lead.len() + core.len()..];
                out.push_str(lead);
                out.push_str("[withheld]");
                out.push_str(trail);
            } else {
                out.push_str(chunk);
            }
            rest = &rest[end..];
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

/// A web address written without its scheme ("danprice.example/blog", "dan.price.co.uk"): a dot
/// with a letter or digit either side of it.
fn dotted(chunk: &str) -> bool {
    let chars: Vec<char> = chunk.chars().collect();
    chars
        .windows(3)
        .any(|w| w[1] == '.' && w[0].is_alphanumeric() && w[2].is_alphanumeric())
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

/// Whether `text` mentions the person called `name`: the name, or a word of it of two letters
/// or more, as a whole word, whatever its case or accents, possessives included. The same
/// matching a redacted copy uses.
pub fn mentions(text: &str, name: &str) -> bool {
    let r = Redaction {
        pseudonym: BTreeMap::new(),
        names: {
            let mut names = Vec::new();
            names_for(name, "", &mut names);
            names
        },
        redacted: true,
        note: None,
    };
    !r.names.is_empty() && r.text(text) != text
}

/// Which of many names one text mentions (as `mentions` finds them), reading the text once:
/// a name none of whose words is in the text is passed over without a search.
pub struct MentionFinder<'a> {
    text: &'a str,
    words: std::collections::HashSet<String>,
}

impl<'a> MentionFinder<'a> {
    pub fn new(text: &'a str) -> Self {
        let mut words = std::collections::HashSet::new();
        for (is_word, w) in split_words(text) {
            if !is_word {
                continue;
            }
            let w = folded(possessive(w).0);
            for part in w.split(['\'', '’', '-']) {
                words.insert(part.to_string());
            }
            words.insert(w);
        }
        Self { text, words }
    }

    pub fn mentions(&self, name: &str) -> bool {
        let mut names = Vec::new();
        names_for(name, "", &mut names);
        let may = names
            .iter()
            .any(|n| n.literal || n.words.iter().any(|w| self.words.contains(w)));
        may && mentions(self.text, name)
    }

    /// Whether the text holds the whole name, every word of it in order (not only a first name
    /// that is also a common word: "Will", "May").
    pub fn mentions_whole(&self, name: &str) -> bool {
        let mut names = Vec::new();
        names_for(name, "", &mut names);
        names.truncate(1);
        let Some(whole) = names.first() else {
            return false;
        };
        if !whole.literal && !whole.words.iter().all(|w| self.words.contains(w)) {
            return false;
        }
        let r = Redaction {
            pseudonym: BTreeMap::new(),
            names,
            redacted: true,
            note: None,
        };
        r.text(self.text) != self.text
    }
}

/// A name to find in free text: its words as compared (lower case, without accents) and the
/// words that replace it.
struct Name {
    words: Vec<String>,
    label: String,
    /// Found as written, inside words: a name in a script without spaces between words
    /// (Chinese, Japanese, Thai), or one with signs in it that are not letters.
    literal: bool,
    /// A person's name, which also withholds a handle or address containing it (a job title
    /// or a username generalised does not).
    in_handles: bool,
}

/// Titles written before a name.
const TITLES: &[&str] = &[
    "mr", "mrs", "ms", "miss", "mx", "dr", "prof", "sir", "dame", "rev",
];

/// Whether `c` belongs to a script written without spaces between words.
fn unspaced_script(c: char) -> bool {
    matches!(c as u32,
        0x0E00..=0x0E7F // Thai
        | 0x3040..=0x30FF // Hiragana, Katakana
        | 0x3400..=0x4DBF | 0x4E00..=0x9FFF | 0xF900..=0xFAFF // Han
    )
}

/// The word without a possessive ending ("Mai's" → "Mai", "'s"), and the ending.
fn possessive(word: &str) -> (&str, &str) {
    for end in ["'s", "’s", "'S", "’S"] {
        if let Some(stem) = word.strip_suffix(end) {
            if !stem.is_empty() {
                return (stem, &word[stem.len()..]);
            }
        }
    }
    (word, "")
}

/// The text as words (letters and digits, with apostrophes or hyphens inside) and the runs
/// between them, in order; `true` marks a word.
fn split_words(text: &str) -> Vec<(bool, &str)> {
    let chars: Vec<(usize, char)> = text.char_indices().collect();
    let mut out = Vec::new();
    let mut start = 0;
    let mut in_word = false;
    for (k, &(i, c)) in chars.iter().enumerate() {
        let inner = in_word
            && matches!(c, '\'' | '’' | '-')
            && chars.get(k + 1).is_some_and(|(_, n)| n.is_alphanumeric());
        let word = c.is_alphanumeric() || inner;
        if word != in_word && i > start {
            out.push((in_word, &text[start..i]));
            start = i;
        }
        in_word = word;
    }
    if start < text.len() {
        out.push((in_word, &text[start..]));
    }
    out
}

/// Each name to find for one person: the whole name, and each of its words of two letters or
/// more, all replaced by `label`. A name that is not plain words (signs in it, or a script
/// without spaces) is found only as written, whole.
fn names_for(name: &str, label: &str, out: &mut Vec<Name>) {
    let mut parts: Vec<&str> = name.split_whitespace().collect();
    if parts.is_empty() {
        return;
    }
    // A title is not part of the name on its own: "Mrs Whitfield" and "Mrs Ann Whitfield" are
    // the person, but "Mrs" alone is not (nor "Mrs Jones").
    let title = (parts.len() > 1
        && TITLES.contains(&folded(parts[0].trim_end_matches('.')).as_str()))
    .then(|| folded(parts.remove(0).trim_end_matches('.')));
    let plain = !name.chars().any(unspaced_script)
        && parts
            .iter()
            .all(|p| matches!(split_words(p).as_slice(), [(true, w)] if w == p));
    if !plain {
        out.push(Name {
            words: vec![parts.join(" ").to_lowercase()],
            label: label.to_string(),
            literal: true,
            in_handles: true,
        });
        return;
    }
    let words: Vec<String> = parts.iter().map(|p| folded(p)).collect();
    if let (Some(title), Some(last)) = (title, words.last()) {
        let mut titled = vec![title.clone()];
        titled.extend(words.iter().cloned());
        for words in [titled, vec![title, last.clone()]] {
            out.push(Name {
                words,
                label: label.to_string(),
                literal: false,
                in_handles: false,
            });
        }
    }
    out.push(Name {
        words: words.clone(),
        label: label.to_string(),
        literal: false,
        in_handles: true,
    });
    for w in words.iter().filter(|w| w.chars().count() >= 2) {
        out.push(Name {
            words: vec![w.clone()],
            label: label.to_string(),
            literal: false,
            in_handles: true,
        });
    }
}

/// What to replace in free text: each redacted person's name and its parts, and the reporter's
/// name unless they are the person kept. Longest first, so that "Tom Brown" is one person.
fn replacements(
    detail: &IncidentDetail,
    keep: Option<i64>,
    pseudonym: &BTreeMap<i64, String>,
) -> Vec<Name> {
    let mut names = Vec::new();
    for inv in &detail.people {
        if let Some(label) = pseudonym.get(&inv.person.id) {
            names_for(&inv.person.name, label, &mut names);
        }
    }
    // A name as it was before a correction is that person's name too.
    for c in &detail.chronology {
        if let (EntryBody::Corrected { changes, .. }, Some(id)) = (&c.entry.body, c.entry.person_id)
        {
            if let Some(label) = pseudonym.get(&id) {
                for ch in changes.iter().filter(|ch| ch.field == "name") {
                    names_for(&ch.from, label, &mut names);
                }
            }
        }
    }
    // So is a reporter's name before the facts were corrected.
    for c in &detail.chronology {
        if let EntryBody::Corrected { changes, .. } = &c.entry.body {
            for ch in changes.iter().filter(|ch| ch.field == "reportedByName") {
                names_for(ch.from.trim(), "the reporter", &mut names);
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
        names_for(reporter, "the reporter", &mut names);
    }
    longest_first(&mut names);
    names
}

fn longest_first(names: &mut Vec<Name>) {
    names.sort_by_key(|n| {
        (
            std::cmp::Reverse(n.words.len()),
            std::cmp::Reverse(n.words.iter().map(|w| w.chars().count()).sum::<usize>()),
        )
    });
    names.dedup_by(|a, b| a.words == b.words && a.label == b.label);
}

/// A role or job title in general words: what it says of the person, not who they are.
pub(super) fn general_role(role: &str) -> &'static str {
    let r = folded(role);
    let has = |words: &[&str]| words.iter().any(|w| r.contains(w));
    if has(&[
        "parent", "carer", "mother", "father", "guardian", "mum", "dad",
    ]) {
        "parent or carer"
    } else if has(&["pupil", "student", "child"]) {
        "pupil"
    } else if has(&["governor"]) {
        "governor"
    } else {
        "member of staff"
    }
}

/// The details that identify someone as surely as a name, in general words: the job titles of
/// people shown by role, and the reporter's role unless they are the person kept.
fn generalised(
    detail: &IncidentDetail,
    keep: Option<i64>,
    pseudonym: &BTreeMap<i64, String>,
) -> Vec<Name> {
    let mut titles: Vec<&str> = detail
        .people
        .iter()
        .filter(|i| pseudonym.contains_key(&i.person.id))
        .map(|i| i.person.job_title.as_str())
        .collect();
    let reporter_kept = detail
        .people
        .iter()
        .any(|i| Some(i.person.id) == keep && i.person.name == detail.facts.reported_by_name);
    if !reporter_kept {
        titles.push(detail.facts.reported_by_role.as_str());
    }
    titles
        .into_iter()
        // One word ("Teacher") says nothing of who; a title of several does.
        .filter(|t| t.split_whitespace().count() >= 2)
        .map(|t| Name {
            words: t.split_whitespace().map(folded).collect(),
            label: general_role(t).to_string(),
            literal: false,
            in_handles: false,
        })
        .collect()
}

impl Redaction {
    /// Withholds the usernames recorded with the evidence wherever the text repeats them: a
    /// word of the "platform and username" that has an @, an underscore, a dot or a digit in it.
    pub fn withhold_usernames<'a>(&mut self, recorded: impl IntoIterator<Item = &'a str>) {
        if !self.redacted {
            return;
        }
        for value in recorded {
            for word in
                value.split(|c: char| c.is_whitespace() || matches!(c, ',' | ';' | '(' | ')'))
            {
                let word = word.trim_matches(|c: char| matches!(c, '.' | ':' | '"' | '\'' | '’'));
                let looks = word
                    .chars()
                    .any(|c| matches!(c, '@' | '_' | '.') || c.is_ascii_digit());
                if word.chars().count() >= 3 && looks {
                    self.names.push(Name {
                        words: vec![word.trim_start_matches('@').to_lowercase()],
                        label: "[username withheld]".to_string(),
                        literal: true,
                        in_handles: false,
                    });
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A redacted copy's text, with these people shown by these labels.
    fn redacting(people: &[(&str, &str)]) -> Redaction {
        let mut names = Vec::new();
        for (name, label) in people {
            names_for(name, label, &mut names);
        }
        names.sort_by_key(|n| std::cmp::Reverse(n.words.len()));
        Redaction {
            pseudonym: BTreeMap::new(),
            names,
            redacted: true,
            note: None,
        }
    }

    #[test]
    fn job_titles_and_usernames_are_given_in_general_words() {
        let mut r = redacting(&[("Mai Tran", "Pupil A")]);
        r.names.push(Name {
            words: vec!["teacher".into(), "of".into(), "english".into()],
            label: general_role("Teacher of English").into(),
            literal: false,
            in_handles: false,
        });
        longest_first(&mut r.names);
        r.withhold_usernames(["Snapchat: xx_dark_xx", "Instagram @sk8r.boi (private)"]);
        assert_eq!(
            r.text("The Teacher of English saw XX_dark_xx write to @sk8r.boi in English; the teacher of maths agreed."),
            "The member of staff saw [username withheld] write to @[username withheld] in English; the teacher of maths agreed."
        );
        // A job title does not withhold a handle that merely shares a word with it.
        assert_eq!(r.text("See www.english-hub.org"), "See www.english-hub.org");
        assert_eq!(general_role("Mother of the pupil"), "parent or carer");
        assert_eq!(general_role("Head of Year 9"), "member of staff");
    }

    #[test]
    fn names_are_replaced_as_whole_words_and_nothing_else_changes() {
        let r = redacting(&[("Mai Tran", "Pupil A")]);
        assert_eq!(
            r.text("The Mai account remains live. A parent emailed the school about Mai's posts in the main chat; TRAN and tran agreed."),
            "The Pupil A account remains live. A parent emailed the school about Pupil A's posts in the main chat; Pupil A and Pupil A agreed."
        );
        assert_eq!(
            r.text("Mai Tran said so."),
            "Pupil A said so.",
            "the whole name is one person"
        );
        assert_eq!(r.text("Mai Tran’s phone"), "Pupil A’s phone");
    }

    #[test]
    fn a_corpus_of_short_names_inside_common_words_is_left_alone() {
        let people = [
            ("Mai", "Pupil A"),
            ("Ann", "Pupil B"),
            ("Al", "Pupil C"),
            ("Eve", "Pupil D"),
            ("Dan", "Pupil E"),
            ("Tom", "Pupil F"),
            ("Pat", "Staff member G"),
            ("Jo", "Pupil H"),
            ("Ali", "Pupil I"),
        ];
        let r = redacting(&people);
        let untouched = "The main annual plan: also, every evening Steve and Jordan dance; tomorrow             an atom of path, patted. Join the job; her alibi, Natalie, remains. Anne and Alan,             Eveline, Danny, Tommy, Patrick, Joan and Alice are not redacted.";
        assert_eq!(r.text(untouched), untouched, "byte for byte");
        assert_eq!(
            r.text("Mai, Ann and Al met Eve; Dan told Tom. Pat's class. Jo and ALI left."),
            "Pupil A, Pupil B and Pupil C met Pupil D; Pupil E told Pupil F. Staff member G's class. Pupil H and Pupil I left."
        );
    }

    #[test]
    fn accents_and_case_do_not_hide_a_name() {
        let r = redacting(&[("Zoë Nguyễn", "Pupil A"), ("Łukasz Kowalski", "Pupil B")]);
        assert_eq!(
            r.text("ZOË told zoe; Nguyen and NGUYỄN; lukasz and Łukasz’s brother."),
            "Pupil A told Pupil A; Pupil A and Pupil A; Pupil B and Pupil B’s brother."
        );
    }

    #[test]
    fn handles_addresses_and_links_that_contain_a_name_are_withheld_whole() {
        let r = redacting(&[("Mrs Ellis", "Staff member B"), ("Mai Tran", "Pupil A")]);
        assert_eq!(
            r.text("Posted as @msEllis_not, then mailed mai.tran@school.example (see https://insta.example/maitran99)."),
            "Posted as [withheld], then mailed [withheld] (see [withheld])."
        );
        let r = redacting(&[("Mrs Ann Whitfield", "the reporter")]);
        assert_eq!(
            r.text("Mai told Mrs Whitfield, then Mrs Ann Whitfield told Mrs Jones and Ann."),
            "Mai told the reporter, then the reporter told Mrs Jones and the reporter.",
            "a title goes with the name it is written with, and is not a name alone"
        );
        let r = redacting(&[("Dan Price", "Pupil B")]);
        assert_eq!(
            r.text(
                "Dan also posted on danprice.example/blog and dan.price.co.uk, not on example.org."
            ),
            "Pupil B also posted on [withheld] and [withheld], not on example.org.",
            "an address without its scheme, the name run together"
        );
        assert_eq!(
            r.text("The account @coolkid and www.example.org stay."),
            "The account @coolkid and www.example.org stay.",
            "no name in them"
        );
    }

    #[test]
    fn names_in_other_scripts_are_found_too() {
        let r = redacting(&[
            ("Иван Петров", "Pupil A"),
            ("Νίκος", "Pupil B"),
            ("علي", "Pupil C"),
            ("王伟", "Pupil D"),
        ]);
        assert_eq!(
            r.text("Иван сказал, что Иванова нет. Νίκος έφυγε. قال علي ذلك. 王伟说了。"),
            "Pupil A сказал, что Иванова нет. Pupil B έφυγε. قال Pupil C ذلك. Pupil D说了。"
        );
    }

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
