//! The desktop rules file (TOML) from any text: never a panic; an error
//! names a line and column inside the text; what parses is a set of valid
//! rules, one per metric and instance, over the defaults.

#![no_main]

use libfuzzer_sys::fuzz_target;
use vitals_core::Rules;
use vitals_desktop::rules_file::{self, RulesFileError};

const ORIGIN: &str = "fuzz.toml";

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    match rules_file::parse(&text, ORIGIN) {
        Ok(specs) => {
            // Defaults are replaced, never removed.
            assert!(specs.len() >= rules_file::defaults().len());
            for (i, spec) in specs.iter().enumerate() {
                let twin = specs[..i].iter().any(|s| s.metric == spec.metric && s.instance == spec.instance);
                assert!(!twin, "two rules for {:?} {:?}", spec.metric, spec.instance);
                assert!(Rules::<1>::new().add(spec.rule).is_ok(), "an invalid rule was accepted: {spec:?}");
                let watching = rules_file::rules_for(&specs, spec.metric, spec.instance.as_deref());
                assert!(watching.count() >= 1, "nothing watches {:?} {:?}", spec.metric, spec.instance);
            }
        }
        Err(RulesFileError::Syntax { path, line, column, message }) => {
            assert_eq!(path, ORIGIN);
            let lines: Vec<&str> = text.split('\n').collect();
            assert!((1..=lines.len()).contains(&line), "line {line} of {}", lines.len());
            let width = lines[line - 1].chars().count();
            assert!((1..=width + 1).contains(&column), "column {column} of a {width}-character line");
            assert!(!message.is_empty());
            let shown = RulesFileError::Syntax { path, line, column, message }.to_string();
            assert!(shown.starts_with(&format!("{ORIGIN}:{line}:{column}: ")), "{shown}");
        }
        Err(other) => panic!("parsing text gave a non-syntax error: {other}"),
    }
});
