//! Level names and `TargetFilters` specs (`info,my_app::net=debug`) from any
//! text: never a panic; what parses renders back to a spec that parses to
//! the same table, and lookups agree with the rules; errors point at the
//! item they name.

#![no_main]

use libfuzzer_sys::fuzz_target;
use vitals_core::{FilterSpecErrorKind, Level, LevelFilter, TargetFilters, MAX_FILTER_TARGET_LEN};

/// Rule capacities tried: a small table that overflows, and a roomy one.
const SMALL: usize = 4;
const LARGE: usize = 64;

fn levels(text: &str) {
    let filter = text.parse::<LevelFilter>();
    let level = text.parse::<Level>();
    // Names are matched trimmed and without regard to ASCII case.
    let lower = text.trim().to_ascii_lowercase().parse::<LevelFilter>();
    assert_eq!(filter.as_ref().ok(), lower.as_ref().ok());
    assert_eq!(filter.as_ref().ok(), text.to_ascii_uppercase().parse::<LevelFilter>().as_ref().ok());
    match &filter {
        Ok(f) => {
            assert_eq!(f.as_str().parse::<LevelFilter>().as_ref(), Ok(f));
            assert_eq!(f.to_string(), f.as_str());
            assert_eq!(level.as_ref().ok().copied(), f.min_level());
        }
        Err(e) => {
            assert!(text.starts_with(e.input.as_str()), "the error quotes {:?}, not the input", e.input);
            assert!(level.is_err());
            let _ = e.to_string();
        }
    }
    if let Ok(l) = level {
        assert_eq!(l.as_lower_str().parse::<Level>(), Ok(l));
        assert_eq!(l.as_str().parse::<Level>(), Ok(l));
        assert_eq!(LevelFilter::from(l).min_level(), Some(l));
    }
}

/// The spec a table stands for: its default, then each rule in order.
fn render<const N: usize>(table: &TargetFilters<N>) -> String {
    let mut spec = table.default_filter().as_str().to_owned();
    for rule in table.rules() {
        spec.push_str(&format!(",{}={}", rule.target, rule.filter));
    }
    spec
}

fn check_table<const N: usize>(table: &TargetFilters<N>) {
    let rules = table.rules();
    assert!(rules.len() <= N);
    for (i, rule) in rules.iter().enumerate() {
        let target = rule.target.as_str();
        assert!(!target.is_empty() && target.len() <= MAX_FILTER_TARGET_LEN);
        assert_eq!(target, target.trim());
        assert!(!target.contains(',') && !target.contains('='));
        assert!(rules[..i].iter().all(|r| r.target != rule.target), "two rules for {target:?}");
        // A rule's own target can only be matched by itself: longer rules
        // are not prefixes of it.
        assert_eq!(table.level_for(target), rule.filter, "lookup of {target:?}");
        for level in Level::ALL {
            assert_eq!(table.enabled(level, target), rule.filter.allows(level));
        }
    }
    let unmatched = "\u{7f}no rule covers this";
    if rules.iter().all(|r| !unmatched.starts_with(r.target.as_str())) {
        assert_eq!(table.level_for(unmatched), table.default_filter());
    }
    let verbose = table.most_verbose();
    assert!(verbose <= table.default_filter() && rules.iter().all(|r| verbose <= r.filter));
    assert!(verbose == table.default_filter() || rules.iter().any(|r| r.filter == verbose));

    let again: TargetFilters<N> = render(table).parse().expect("a rendered table parses");
    assert_eq!(&again, table, "rendering and parsing again changes the table");
}

fn specs(text: &str) {
    let small = TargetFilters::<SMALL>::parse(text);
    let large = TargetFilters::<LARGE>::parse(text);
    match &large {
        Ok(table) => {
            check_table(table);
            // Rules are only ever added or replaced, so a small table takes
            // the spec exactly when the final count fits.
            match &small {
                Ok(s) => {
                    check_table(s);
                    assert_eq!(s.rules(), table.rules());
                    assert_eq!(s.default_filter(), table.default_filter());
                }
                Err(e) => {
                    assert!(table.rules().len() > SMALL, "{e}");
                    assert_eq!(e.kind(), FilterSpecErrorKind::TooManyRules);
                }
            }
        }
        Err(_) => assert!(small.is_err(), "a small table took what a large one refused"),
    }
    for error in [small.err(), large.err()].into_iter().flatten() {
        let at = error.position;
        assert!(at <= text.len() && text.is_char_boundary(at), "position {at} is not in the spec");
        assert!(at == 0 || text[..at].ends_with(','), "position {at} is not the start of an item");
        assert!(
            text[at..].trim_start().starts_with(error.item.as_str()),
            "the error quotes {:?}, not the item at {at}",
            error.item
        );
        let _ = error.to_string();
    }
}

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    levels(&text);
    specs(&text);
});
