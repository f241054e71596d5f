//! Scope lists from servers (`Scopes::parse_lenient`) and callers (`FromStr`): never panic,
//! and the set keeps its promises on any input: each scope once, in the order first given,
//! equal to itself in any order, and printed in a form that parses back to the same set.
#![no_main]

use libfuzzer_sys::fuzz_target;
use mastolite::Scopes;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let lenient = Scopes::parse_lenient(text);
    if let Ok(strict) = text.parse::<Scopes>() {
        assert_eq!(strict, lenient, "a valid list parses the same both ways");
    }
    // Each scope once, in the order first given.
    let listed: Vec<&str> = lenient.iter().collect();
    let first_seen: Vec<&str> = {
        let mut seen = std::collections::HashSet::new();
        text.split_ascii_whitespace()
            .filter(|t| listed.contains(t))
            .filter(|t| seen.insert(*t))
            .collect()
    };
    assert_eq!(listed, first_seen);
    // Order does not matter for equality; Display parses back to the same set.
    let reversed: Scopes = lenient.iter().rev().collect();
    assert_eq!(reversed, lenient);
    let shown = lenient.to_string();
    assert_eq!(shown.parse::<Scopes>().expect("Display is valid"), lenient);
    assert!(lenient.is_literal_subset_of(&reversed));
    assert!(lenient.is_subset_of(&reversed));
    assert!(lenient.missing_from(&reversed).is_empty());
    assert!(lenient.literal_difference(&reversed).is_empty());
    for s in &lenient {
        assert!(reversed.contains(s) && reversed.grants(s));
    }
});
