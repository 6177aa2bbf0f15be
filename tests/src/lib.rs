//! Host-side integration tests for Vitals live in `tests/`; this library is
//! empty on purpose: the crate exists to hold tests that span crates.
