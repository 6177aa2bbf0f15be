//! Sensors: anything that reads a value of one series. Drivers over
//! `embedded-hal` 1.0 implement [`Sensor`]; [`McuSampler`](crate::mcu::McuSampler)
//! pushes their readings into the ring and runs the threshold rules on them.
//!
//! # Example
//!
//! ```
//! use vitals_embedded::sensor::{FnSensor, Sensor, SensorError, SensorErrorKind};
//! use vitals_embedded::MetricId;
//!
//! // Any closure is a sensor: here an ADC channel behind a divider.
//! let mut adc = || -> Result<f64, SensorErrorKind> { Ok(3.3 * 2048.0 / 4096.0) };
//! let mut vbat = FnSensor::new(MetricId(130).series(), &mut adc);
//! let reading = vbat.read()?;
//! assert_eq!(reading.value, 1.65);
//! assert_eq!(reading.series, MetricId(130).series());
//! # Ok::<(), SensorErrorKind>(())
//! ```

mod lm75;

use core::convert::Infallible;
use core::fmt;

pub use lm75::{Lm75, Lm75Error, Model};
use vitals_core::{Sample, Series};

/// Why a sensor read failed, in categories a firmware can act on.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
#[non_exhaustive]
pub enum SensorErrorKind {
    /// The bus (I²C, SPI, 1-Wire) failed: no acknowledge, arbitration lost,
    /// a stuck line. Check wiring, pull-ups and the device address.
    Bus,
    /// The device answered but has no value yet (converting, warming up).
    NotReady,
    /// The device answered with a value that cannot be right.
    InvalidData,
    /// Something else.
    Other,
}

impl SensorErrorKind {
    /// A short lower-case word for log messages.
    pub const fn as_str(self) -> &'static str {
        match self {
            SensorErrorKind::Bus => "bus error",
            SensorErrorKind::NotReady => "not ready",
            SensorErrorKind::InvalidData => "invalid data",
            SensorErrorKind::Other => "other error",
        }
    }
}

impl fmt::Display for SensorErrorKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A sensor's error: whatever the driver needs, plus a [`SensorErrorKind`]
/// that generic code (the sampler) understands.
pub trait SensorError: fmt::Debug {
    /// The category of the failure.
    fn kind(&self) -> SensorErrorKind;
}

impl SensorError for SensorErrorKind {
    fn kind(&self) -> SensorErrorKind {
        *self
    }
}

impl SensorError for Infallible {
    fn kind(&self) -> SensorErrorKind {
        match *self {}
    }
}

/// Something that measures one series: a temperature sensor, a supply
/// voltage, a fan's speed.
pub trait Sensor {
    /// What a failed read says.
    type Error: SensorError;

    /// The series every reading belongs to (metric and instance).
    fn series(&self) -> Series;

    /// Takes one reading.
    ///
    /// # Errors
    /// The driver's error when the device could not be read.
    fn read(&mut self) -> Result<Sample, Self::Error>;
}

impl<S: Sensor + ?Sized> Sensor for &mut S {
    type Error = S::Error;

    fn series(&self) -> Series {
        (**self).series()
    }

    fn read(&mut self) -> Result<Sample, Self::Error> {
        (**self).read()
    }
}

/// A closure as a [`Sensor`]: `FnSensor::new(series, || Ok(value))`, or
/// [`FnSensor::infallible`] for one that cannot fail.
#[derive(Clone, Copy, Debug)]
pub struct FnSensor<F> {
    series: Series,
    read: F,
}

impl<F> FnSensor<F> {
    /// A sensor of `series` whose readings `read` returns.
    pub const fn new(series: Series, read: F) -> Self {
        FnSensor { series, read }
    }
}

impl FnSensor<()> {
    /// A sensor of `series` from a closure that cannot fail.
    ///
    /// ```
    /// use vitals_embedded::sensor::{FnSensor, Sensor};
    /// use vitals_embedded::MetricId;
    /// let mut die = FnSensor::infallible(MetricId::TEMPERATURE.instance(1), || 36.5);
    /// assert_eq!(die.read().map(|r| r.value), Ok(36.5));
    /// ```
    pub fn infallible(
        series: Series,
        mut read: impl FnMut() -> f64,
    ) -> FnSensor<impl FnMut() -> Result<f64, Infallible>> {
        FnSensor { series, read: move || Ok(read()) }
    }
}

impl<F, E> Sensor for FnSensor<F>
where
    F: FnMut() -> Result<f64, E>,
    E: SensorError,
{
    type Error = E;

    fn series(&self) -> Series {
        self.series
    }

    fn read(&mut self) -> Result<Sample, E> {
        let value = (self.read)()?;
        Ok(Sample { series: self.series, value })
    }
}

#[cfg(test)]
mod tests {
    use vitals_core::MetricId;

    use super::*;

    #[test]
    fn fn_sensor_passes_errors_through() {
        let mut calls = 0;
        let mut flaky = FnSensor::new(MetricId::TEMPERATURE.series(), || {
            calls += 1;
            if calls == 1 {
                Err(SensorErrorKind::NotReady)
            } else {
                Ok(20.0)
            }
        });
        assert_eq!(flaky.read().map_err(|e| e.kind()), Err(SensorErrorKind::NotReady));
        assert_eq!(flaky.read().map(|s| s.value), Ok(20.0));
        assert_eq!(flaky.series(), MetricId::TEMPERATURE.series());
    }
}
