//! What typed names and text may hold so that they read the same on screen and on paper.
//!
//! A name is shown beside other names, in lists and in printed records: it must not change the
//! direction of anything around it, and it must show at least one visible character. Free text
//! keeps every character typed, except the explicit embeddings, overrides and isolates, which
//! the printed record cannot lay out as the screen does.

/// Explicit embeddings, overrides and isolates (U+202A–U+202E, U+2066–U+2069): they change the
/// direction of the text that follows them.
pub fn is_direction_control(c: char) -> bool {
    matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
}

/// Direction marks (U+200E, U+200F, U+061C): invisible, they change how the characters next to
/// them are ordered.
pub fn is_direction_mark(c: char) -> bool {
    matches!(c, '\u{200E}' | '\u{200F}' | '\u{061C}')
}

/// Characters that show nothing on their own: whitespace, control and format characters,
/// fillers, joiners and selectors.
pub fn is_invisible(c: char) -> bool {
    c.is_whitespace()
        || c.is_control()
        || is_direction_control(c)
        || is_direction_mark(c)
        || is_filler(c)
        || matches!(
            c,
            '\u{00AD}'                      // soft hyphen
                | '\u{034F}'                // combining grapheme joiner
                | '\u{0600}'..='\u{0605}'   // Arabic number signs
                | '\u{06DD}'
                | '\u{070F}'
                | '\u{0890}'..='\u{0891}'
                | '\u{08E2}'
                | '\u{17B4}'..='\u{17B5}'   // Khmer inherent vowels
                | '\u{180B}'..='\u{180F}'   // Mongolian selectors and separator
                | '\u{200C}'..='\u{200D}'   // ZWNJ, ZWJ
                | '\u{FE00}'..='\u{FE0F}'   // variation selectors
                | '\u{110BD}'
                | '\u{110CD}'
                | '\u{13430}'..='\u{1343F}' // Egyptian format controls
                | '\u{E0100}'..='\u{E01EF}' // variation selectors supplement
        )
}

/// Invisible characters no name needs anywhere: they only hide, pad or break a name. Joiners
/// (ZWNJ, ZWJ), variation selectors, the grapheme joiner, the soft hyphen and Mongolian
/// selectors are not here: some scripts need them between letters.
fn is_filler(c: char) -> bool {
    matches!(
        c,
        '\u{180E}'                      // Mongolian vowel separator
            | '\u{200B}'                // zero-width space
            | '\u{2028}'..='\u{2029}'   // line and paragraph separators
            | '\u{2060}'..='\u{2064}'   // word joiner, invisible operators
            | '\u{206A}'..='\u{206F}'   // deprecated format characters
            | '\u{FEFF}'                // zero-width no-break space (BOM)
            | '\u{FFF9}'..='\u{FFFB}'   // interlinear annotation
            | '\u{115F}'..='\u{1160}'   // Hangul fillers
            | '\u{3164}'
            | '\u{FFA0}'
            | '\u{2800}'                // braille blank
            | '\u{1BCA0}'..='\u{1BCA3}' // shorthand format controls
            | '\u{1D173}'..='\u{1D17A}' // musical format controls
            | '\u{E0000}'..='\u{E007F}' // tags
    )
}

/// Why a name (already trimmed, not empty, free of control characters) cannot be stored, if it
/// cannot.
pub fn name_problem(name: &str) -> Option<&'static str> {
    if name
        .chars()
        .any(|c| is_direction_control(c) || is_direction_mark(c))
    {
        return Some("A name cannot contain characters that change the direction of text.");
    }
    if name.chars().all(is_invisible) {
        return Some(
            "A name needs at least one visible letter: this one is blank or made only of \
             invisible characters.",
        );
    }
    if name.chars().any(is_filler) {
        return Some(
            "A name cannot contain invisible characters such as zero-width spaces or line \
             separators.",
        );
    }
    let starts_or_ends_unseen = name.chars().next().is_some_and(is_invisible)
        || name.chars().next_back().is_some_and(is_invisible);
    if starts_or_ends_unseen {
        return Some("A name cannot start or end with an invisible character.");
    }
    None
}

/// Why free text (already trimmed) cannot be stored, if it cannot.
pub fn text_problem(text: &str) -> Option<&'static str> {
    if text.chars().any(is_direction_control) {
        return Some(
            "This text contains characters that change the direction of the text after them \
             (embeddings, overrides or isolates, U+202A–U+202E and U+2066–U+2069): the printed \
             record cannot show them as the screen does. Remove them and try again.",
        );
    }
    None
}

#[cfg(test)]
#[path = "text_tests.rs"]
mod tests;
