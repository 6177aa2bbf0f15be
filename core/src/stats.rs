//! Window statistics per metric: count, min, max, mean and last, without
//! allocation — the numbers behind a heartbeat summary line.
//!
//! [`Summary`] is a tumbling window (accumulate, read, reset), O(1) in
//! memory; [`Window`] slides over the last `N` samples.
//!
//! # Example
//!
//! ```
//! use vitals_core::{Summary, Window};
//!
//! let mut minute = Summary::new();
//! let mut last3: Window<3> = Window::new();
//! for v in [10.0, 30.0, 20.0, 50.0] {
//!     minute.observe(v);
//!     last3.observe(v);
//! }
//! assert_eq!((minute.count(), minute.min(), minute.max()), (4, Some(10.0), Some(50.0)));
//! assert_eq!(minute.mean(), Some(27.5));
//! assert_eq!(last3.summary().mean(), Some(100.0 / 3.0));
//! assert_eq!(last3.summary().last(), Some(50.0));
//! ```

/// Count, min, max, mean and last of the values observed since the last reset.
///
/// NaN values are counted apart and left out of min, max and mean, so one
/// bad reading does not poison a window.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub struct Summary {
    count: u32,
    nan: u32,
    min: f64,
    max: f64,
    sum: f64,
    last: f64,
}

impl Summary {
    /// An empty summary.
    pub const fn new() -> Self {
        Summary { count: 0, nan: 0, min: f64::INFINITY, max: f64::NEG_INFINITY, sum: 0.0, last: f64::NAN }
    }

    /// Adds a value.
    #[inline]
    pub fn observe(&mut self, value: f64) {
        self.last = value;
        if value.is_nan() {
            self.nan = self.nan.saturating_add(1);
            return;
        }
        self.count = self.count.saturating_add(1);
        self.sum += value;
        self.min = self.min.min(value);
        self.max = self.max.max(value);
    }

    /// Values observed, NaN excluded.
    pub fn count(&self) -> u32 {
        self.count
    }

    /// NaN values observed.
    pub fn nan_count(&self) -> u32 {
        self.nan
    }

    /// Smallest value, if any.
    pub fn min(&self) -> Option<f64> {
        (self.count > 0).then_some(self.min)
    }

    /// Largest value, if any.
    pub fn max(&self) -> Option<f64> {
        (self.count > 0).then_some(self.max)
    }

    /// Arithmetic mean, if any.
    pub fn mean(&self) -> Option<f64> {
        (self.count > 0).then(|| self.sum / f64::from(self.count))
    }

    /// The newest value (NaN included), if any.
    pub fn last(&self) -> Option<f64> {
        // Both counts saturate, so their sum could overflow.
        (self.count > 0 || self.nan > 0).then_some(self.last)
    }

    /// Returns the summary so far and starts a new window.
    pub fn take(&mut self) -> Summary {
        core::mem::replace(self, Summary::new())
    }
}

/// The last `N` values of a series, summarised on demand.
#[derive(Clone, Debug, Default)]
pub struct Window<const N: usize> {
    values: heapless::HistoryBuf<f64, N>,
}

impl<const N: usize> Window<N> {
    /// An empty window.
    pub const fn new() -> Self {
        Window { values: heapless::HistoryBuf::new() }
    }

    /// Adds a value, forgetting the oldest when full.
    #[inline]
    pub fn observe(&mut self, value: f64) {
        self.values.write(value);
    }

    /// Values held, oldest first (for sparklines).
    pub fn iter(&self) -> impl Iterator<Item = f64> + '_ {
        self.values.oldest_ordered().copied()
    }

    /// Number of values held.
    pub fn len(&self) -> usize {
        self.values.len()
    }

    /// Whether no values are held.
    pub fn is_empty(&self) -> bool {
        self.values.is_empty()
    }

    /// Count, min, max, mean and last over the values held.
    pub fn summary(&self) -> Summary {
        let mut summary = Summary::new();
        for value in self.iter() {
            summary.observe(value);
        }
        summary
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn empty_has_no_values_not_zeros() {
        let s = Summary::new();
        assert_eq!((s.min(), s.max(), s.mean(), s.last()), (None, None, None, None));
        assert_eq!(Window::<4>::new().summary().mean(), None);
    }

    #[test]
    fn nan_is_counted_apart() {
        let mut s = Summary::new();
        s.observe(1.0);
        s.observe(f64::NAN);
        s.observe(3.0);
        assert_eq!((s.count(), s.nan_count(), s.mean()), (2, 1, Some(2.0)));
        s.observe(f64::NAN);
        assert!(s.last().unwrap().is_nan());
        let taken = s.take();
        assert_eq!(taken.count(), 2);
        assert_eq!(s.count(), 0);
    }

    #[test]
    fn last_survives_saturated_counts() {
        let mut s = Summary { count: u32::MAX, ..Summary::new() };
        s.observe(f64::NAN);
        s.observe(f64::NAN);
        assert_eq!((s.count(), s.nan_count()), (u32::MAX, 2));
        assert!(s.last().unwrap().is_nan());
        s.nan = u32::MAX;
        assert!(s.last().unwrap().is_nan());
    }

    #[test]
    fn window_slides() {
        let mut w: Window<2> = Window::new();
        for v in [1.0, 2.0, 3.0] {
            w.observe(v);
        }
        assert_eq!(w.iter().collect::<Vec<_>>(), vec![2.0, 3.0]);
        assert_eq!(w.summary().min(), Some(2.0));
    }
}
