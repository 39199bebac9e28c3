//! Tests for `text.rs`.

use super::*;

/// Every character that changes the direction of text.
const DIRECTION: [char; 12] = [
    '\u{202A}', '\u{202B}', '\u{202C}', '\u{202D}', '\u{202E}', '\u{2066}', '\u{2067}', '\u{2068}',
    '\u{2069}', '\u{200E}', '\u{200F}', '\u{061C}',
];

#[test]
fn names_in_any_script_pass() {
    for name in [
        "Zoë",
        "Łukasz",
        "Siobhán Ní Bhriain",
        "Αλέξανδρος",
        "محمد",
        "山田 太郎",
        "Nguyễn Thị Minh Khai",
        "O'Connor-Smith",
        "יעל",
        "Ольга",
        // Persian: a zero-width non-joiner between the letters of one name.
        "نیک\u{200C}نام",
        // Devanagari and Sinhala use the joiners too.
        "क्\u{200D}ष",
        "ශ්\u{200D}රී",
        // A Japanese name with an ideographic variation selector.
        "葛\u{E0100}城",
    ] {
        assert_eq!(name_problem(name), None, "{name:?} is a name");
    }
}

#[test]
fn names_that_change_the_direction_of_text_are_refused() {
    for c in DIRECTION {
        for name in [
            format!("{c}"),
            format!("Amira{c}"),
            format!("{c}Amira"),
            format!("Am{c}ira"),
        ] {
            assert_eq!(
                name_problem(&name),
                Some("A name cannot contain characters that change the direction of text."),
                "U+{:04X} in {name:?}",
                c as u32
            );
        }
    }
    // The classic: a right-to-left override making one pupil's name read as another's.
    assert!(name_problem("Ali\u{202E}ecila").is_some());
}

#[test]
fn names_made_only_of_invisible_characters_are_refused() {
    for name in [
        "\u{200B}",
        "\u{200C}",
        "\u{200D}",
        "\u{2060}",
        "\u{FEFF}",
        "\u{200B}\u{200B}\u{200B}",
        "\u{00AD}",
        "\u{3164}",
        "\u{115F}",
        "\u{2800}",
        "\u{180E}",
        "\u{FE0F}",
        "\u{E0041}",
        "\u{200B} \u{200D}",
    ] {
        let problem = name_problem(name).expect("refused");
        assert!(problem.contains("visible"), "{name:?}: {problem}");
    }
}

#[test]
fn names_hiding_invisible_characters_are_refused() {
    for name in [
        "Ali\u{200B}ce",
        "Alice\u{200B}",
        "\u{FEFF}Alice",
        "Al\u{2060}ice",
        "Alice\u{2028}Smith",
        "Alice\u{2029}",
        "Alice\u{3164}",
    ] {
        assert!(name_problem(name).is_some(), "{name:?} is refused");
    }
    // A joiner may sit between letters, never at either end, where it joins nothing.
    for name in [
        "\u{200C}نیک",
        "نیک\u{200C}",
        "Alice\u{200D}",
        "\u{00AD}Alice",
    ] {
        assert_eq!(
            name_problem(name),
            Some("A name cannot start or end with an invisible character."),
            "{name:?}"
        );
    }
}

#[test]
fn free_text_refuses_only_embeddings_overrides_and_isolates() {
    for c in [
        '\u{202A}', '\u{202B}', '\u{202C}', '\u{202D}', '\u{202E}', '\u{2066}', '\u{2067}',
        '\u{2068}', '\u{2069}',
    ] {
        let text = format!("He said {c}olleh and left");
        assert!(text_problem(&text).is_some(), "U+{:04X}", c as u32);
    }
    // Marks, joiners and zero-width spaces are kept as typed.
    for text in [
        "He wrote \u{200F}שלום\u{200F} to her",
        "left\u{200E}to right",
        "مرحبا\u{061C} 123",
        "nick\u{200C}name and a\u{200B}gap",
        "\u{200B}",
        "Line one\nLine two\twith a tab",
    ] {
        assert_eq!(text_problem(text), None, "{text:?}");
    }
}

#[test]
fn every_direction_character_is_invisible() {
    for c in DIRECTION {
        assert!(is_invisible(c), "U+{:04X}", c as u32);
    }
    for c in ['a', 'ë', 'م', '山', '-', '\''] {
        assert!(!is_invisible(c), "{c:?}");
    }
}
