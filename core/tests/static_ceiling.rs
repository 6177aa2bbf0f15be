//! The compile-time ceilings: `max_level_*` and, without debug assertions,
//! `release_max_level_*` features, the most restrictive one winning.
//! `cargo xtask test` runs this file under several feature sets.

use vitals_core::{enabled, set_max_level, Level, LevelFilter, STATIC_MAX_LEVEL};

fn expected() -> LevelFilter {
    let release = !cfg!(debug_assertions);
    let pairs = [
        (
            cfg!(feature = "max_level_off") || release && cfg!(feature = "release_max_level_off"),
            LevelFilter::Off,
        ),
        (
            cfg!(feature = "max_level_critical") || release && cfg!(feature = "release_max_level_critical"),
            LevelFilter::Critical,
        ),
        (
            cfg!(feature = "max_level_error") || release && cfg!(feature = "release_max_level_error"),
            LevelFilter::Error,
        ),
        (
            cfg!(feature = "max_level_warn") || release && cfg!(feature = "release_max_level_warn"),
            LevelFilter::Warn,
        ),
        (
            cfg!(feature = "max_level_info") || release && cfg!(feature = "release_max_level_info"),
            LevelFilter::Info,
        ),
        (
            cfg!(feature = "max_level_debug") || release && cfg!(feature = "release_max_level_debug"),
            LevelFilter::Debug,
        ),
    ];
    pairs.iter().find(|(on, _)| *on).map_or(LevelFilter::Trace, |(_, f)| *f)
}

#[test]
fn ceiling_follows_the_features() {
    assert_eq!(STATIC_MAX_LEVEL, expected());
}

#[test]
fn runtime_filter_cannot_exceed_the_ceiling() {
    set_max_level(LevelFilter::Trace);
    for level in Level::ALL {
        assert_eq!(enabled(level), STATIC_MAX_LEVEL.allows(level), "{level}");
    }
}
