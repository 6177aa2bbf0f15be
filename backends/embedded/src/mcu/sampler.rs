//! Sampling the firmware's vitals into the ring, with threshold rules.

use core::fmt::Write;

use vitals_core::{
    Clock, Level, MessageBuf, MetricId, Ring, RingStats, Rule, RuleError, Rules, Series, SharedRing, CATALOG,
};

use super::idle::CpuLoad;
use super::stack::StackUsage;
use crate::sensor::{Sensor, SensorError};

/// Target of the log entries the sampler writes itself.
const TARGET: &[u8] = b"vitals";

/// Pushes the firmware's vitals into a ring as catalog metrics and runs up
/// to `R` threshold rules on every value it pushes (a crossing becomes an
/// `Event::Threshold` and a WARN/ERROR/CRITICAL log entry in the same ring).
///
/// | metric                                  | value                                      |
/// |-----------------------------------------|--------------------------------------------|
/// | [`MetricId::UPTIME`]                    | clock time, s                              |
/// | [`MetricId::CPU_USAGE`]                 | busy % since the last sample (with a [`CpuLoad`]) |
/// | [`MetricId::STACK_HIGH_WATER`]          | bytes (with a [`StackUsage`])              |
/// | [`MetricId::RING_USED`]                 | bytes of the ring in use                   |
/// | [`MetricId::RING_DROPPED`]              | entries refused + overwritten, counter     |
/// | a sensor's series, e.g. [`MetricId::TEMPERATURE`] | [`McuSampler::sample_sensor`]    |
///
/// Call [`McuSampler::sample`] from the main loop or a timer task, once a
/// second or so; the clock is the ring's (the same µs count the logging
/// macros stamp with).
///
/// ```
/// use vitals_embedded::mcu::McuSampler;
/// use vitals_embedded::sensor::FnSensor;
/// use vitals_embedded::{global_ring, CounterClock, MetricId, Rule};
///
/// global_ring!(VITALS, 2048);
/// let temperature = MetricId::TEMPERATURE.instance(0);
/// let mut sampler: McuSampler<'_, _, 2> = McuSampler::new(CounterClock::new());
/// sampler.add_rule(Rule::above(temperature, 60.0, 70.0, 80.0))?;
///
/// let mut sensor = FnSensor::infallible(temperature, || 72.5);
/// assert_eq!(sampler.sample_sensor(&VITALS, &mut sensor), Ok(72.5));
/// assert_eq!(sampler.rules().state(temperature), Some(vitals_embedded::Level::Error));
/// # Ok::<(), vitals_embedded::vitals_core::RuleError>(())
/// ```
pub struct McuSampler<'a, C, const R: usize> {
    clock: C,
    cpu: Option<&'a (dyn CpuLoad + Sync)>,
    stack: Option<&'a (dyn StackUsage + Sync)>,
    rules: Rules<R>,
}

impl<'a, C: Clock, const R: usize> McuSampler<'a, C, R> {
    /// A sampler stamping samples with `clock`, with no CPU meter, no stack
    /// and no rules yet. `const`, so it can live in a `static`.
    pub const fn new(clock: C) -> Self {
        McuSampler { clock, cpu: None, stack: None, rules: Rules::new() }
    }

    /// Reports CPU load from `meter` (an [`IdleMeter`](super::IdleMeter)).
    #[must_use]
    pub fn with_cpu(mut self, meter: &'a (dyn CpuLoad + Sync)) -> Self {
        self.cpu = Some(meter);
        self
    }

    /// Reports the high-water mark of `stack` (a [`StackRegion`](super::StackRegion)
    /// or a painted `[u32; N]`).
    #[must_use]
    pub fn with_stack(mut self, stack: &'a (dyn StackUsage + Sync)) -> Self {
        self.stack = Some(stack);
        self
    }

    /// Adds a threshold rule.
    ///
    /// # Errors
    /// [`RuleError`] for a full table or inconsistent thresholds.
    pub fn add_rule(&mut self, rule: Rule) -> Result<(), RuleError> {
        self.rules.add(rule)
    }

    /// The rules and their current states.
    pub fn rules(&self) -> &Rules<R> {
        &self.rules
    }

    /// Samples uptime, CPU load, stack and ring into `ring`; returns the
    /// number of samples pushed. The CPU meter and stack scan run before the
    /// ring's critical section; pushing and rules run inside one.
    pub fn sample<B: AsRef<[u8]> + AsMut<[u8]>>(&mut self, ring: &SharedRing<B>) -> usize {
        let cpu = self.cpu.and_then(|meter| meter.take_load_percent());
        let stack = self.stack.map(|stack| stack.high_water_bytes() as f64);
        let now = self.clock.now_us();
        let rules = &mut self.rules;
        ring.with(|ring| {
            let stats = ring.stats();
            let values = [
                Some((MetricId::UPTIME, now as f64 / 1e6)),
                cpu.map(|v| (MetricId::CPU_USAGE, v)),
                stack.map(|v| (MetricId::STACK_HIGH_WATER, v)),
                Some((MetricId::RING_USED, stats.used_bytes as f64)),
                Some((MetricId::RING_DROPPED, ring_losses(&stats))),
            ];
            let mut pushed = 0;
            for (metric, value) in values.into_iter().flatten() {
                pushed += usize::from(record(rules, ring, now, metric.series(), value));
            }
            pushed
        })
    }

    /// Reads `sensor` and pushes the reading (and runs the rules on it);
    /// returns the value. A failed read writes a WARN entry naming the
    /// series and the error kind, and is returned.
    ///
    /// # Errors
    /// The sensor's error.
    pub fn sample_sensor<B, S>(&mut self, ring: &SharedRing<B>, sensor: &mut S) -> Result<f64, S::Error>
    where
        B: AsRef<[u8]> + AsMut<[u8]>,
        S: Sensor + ?Sized,
    {
        let reading = sensor.read();
        let now = self.clock.now_us();
        match reading {
            Ok(sample) => {
                ring.with(|ring| record(&mut self.rules, ring, now, sample.series, sample.value));
                Ok(sample.value)
            }
            Err(error) => {
                let mut message = MessageBuf::new();
                let series = sensor.series();
                let name = CATALOG.get(series.metric).map_or("sensor", |info| info.name);
                let _ = write!(message, "reading {name} #{} failed: {}", series.instance, error.kind());
                let _ = ring.push_log(now, Level::Warn, TARGET, message.as_bytes());
                Err(error)
            }
        }
    }

    /// Pushes a value of the firmware's own (a custom metric, a battery
    /// voltage) and runs the rules on it; `true` when the ring took it.
    pub fn record<B: AsRef<[u8]> + AsMut<[u8]>>(
        &mut self,
        ring: &SharedRing<B>,
        series: Series,
        value: f64,
    ) -> bool {
        let now = self.clock.now_us();
        ring.with(|ring| record(&mut self.rules, ring, now, series, value))
    }
}

/// Entries lost so far: refused plus overwritten, all classes.
fn ring_losses(stats: &RingStats) -> f64 {
    stats.lost_total() as f64
}

fn record<B: AsRef<[u8]> + AsMut<[u8]>, const R: usize>(
    rules: &mut Rules<R>,
    ring: &mut Ring<B>,
    now: u64,
    series: Series,
    value: f64,
) -> bool {
    let stored = ring.push_metric(now, series, value).is_ok();
    rules.observe(ring, now, series, value, &CATALOG);
    stored
}
