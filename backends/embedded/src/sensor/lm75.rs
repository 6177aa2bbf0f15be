//! LM75 / TMP102 family temperature sensors over `embedded_hal::i2c::I2c`.
//!
//! These parts share one register map: the temperature at pointer 0x00, a
//! two's-complement value left-justified in 16 bits, most significant byte
//! first; the configuration at 0x01 (one byte on the LM75, two on the
//! TMP102) with shutdown in bit 0 of its first byte.
//!
//! | model            | bits | °C per LSB | range          |
//! |------------------|------|------------|----------------|
//! | LM75 (A)         | 9    | 0.5        | −55 … +125     |
//! | LM75B, LM75-11   | 11   | 0.125      | −55 … +125     |
//! | TMP102           | 12   | 0.0625     | −40 … +125     |
//! | TMP102, EM = 1   | 13   | 0.0625     | −55 … +150     |
//!
//! The TMP102's extended mode is read from the flag it sets in bit 0 of the
//! temperature register, so both modes read right without asking.
//!
//! # Example
//!
//! ```
//! use embedded_hal_mock::eh1::i2c::{Mock, Transaction};
//! use vitals_embedded::sensor::{Lm75, Model, Sensor};
//!
//! // -25 °C as a TMP102 reports it: 0xE70 left-justified.
//! let bus = Mock::new(&[Transaction::write_read(0x48, vec![0x00], vec![0xE7, 0x00])]);
//! let mut sensor = Lm75::new(bus, 0x48, Model::Tmp102);
//! assert_eq!(sensor.read()?.value, -25.0);
//! sensor.release().done();
//! # Ok::<(), vitals_embedded::sensor::Lm75Error<embedded_hal::i2c::ErrorKind>>(())
//! ```

use core::fmt;

use embedded_hal::i2c::{self, I2c};
use vitals_core::{MetricId, Sample, Series};

use super::{Sensor, SensorError, SensorErrorKind};

const REG_TEMPERATURE: u8 = 0x00;
const REG_CONFIG: u8 = 0x01;
/// Shutdown: bit 0 of the first configuration byte on every model.
const CONFIG_SHUTDOWN: u8 = 0x01;

/// Which member of the family: it fixes the resolution and the width of
/// the configuration register.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
#[non_exhaustive]
pub enum Model {
    /// The original LM75 (and LM75A, DS75 at power-on): 9 bits, 0.5 °C.
    Lm75,
    /// The LM75B and other 11-bit parts: 0.125 °C.
    Lm75b,
    /// The TI TMP102 (and TMP112): 12 bits, 0.0625 °C, 13 in extended mode.
    Tmp102,
}

impl Model {
    /// Temperature in °C from the temperature register as read (most
    /// significant byte first).
    ///
    /// ```
    /// use vitals_embedded::sensor::Model;
    /// assert_eq!(Model::Lm75.celsius([0xE7, 0x00]), -25.0);
    /// assert_eq!(Model::Tmp102.celsius([0xFF, 0xC0]), -0.25);
    /// assert_eq!(Model::Tmp102.celsius([0x4B, 0x01]), 150.0); // extended mode
    /// ```
    pub fn celsius(self, register: [u8; 2]) -> f64 {
        let raw = i16::from_be_bytes(register);
        // An arithmetic shift keeps the sign: negative values stay negative.
        let (shift, per_lsb) = match self {
            Model::Lm75 => (7, 0.5),
            Model::Lm75b => (5, 0.125),
            Model::Tmp102 if raw & 1 == 1 => (3, 0.0625), // EM flag: 13-bit format
            Model::Tmp102 => (4, 0.0625),
        };
        f64::from(raw >> shift) * per_lsb
    }

    /// Bytes in the configuration register.
    const fn config_len(self) -> usize {
        match self {
            Model::Lm75 | Model::Lm75b => 1,
            Model::Tmp102 => 2,
        }
    }
}

/// An LM75 / TMP102 family sensor on an I²C bus.
#[derive(Debug)]
pub struct Lm75<I2C> {
    i2c: I2C,
    address: u8,
    model: Model,
    series: Series,
}

impl<I2C: I2c> Lm75<I2C> {
    /// The 7-bit address with every address pin low.
    pub const DEFAULT_ADDRESS: u8 = 0x48;

    /// A sensor of `model` at 7-bit `address`, reporting as instance 0 of
    /// [`MetricId::TEMPERATURE`]. Nothing is sent to the device yet.
    pub const fn new(i2c: I2C, address: u8, model: Model) -> Self {
        Lm75 { i2c, address, model, series: MetricId::TEMPERATURE.instance(0) }
    }

    /// Reports as another instance of [`MetricId::TEMPERATURE`] (several sensors).
    pub const fn with_instance(mut self, instance: u16) -> Self {
        self.series = MetricId::TEMPERATURE.instance(instance);
        self
    }

    /// The temperature in °C.
    ///
    /// # Errors
    /// [`Lm75Error::I2c`] when the bus transfer fails.
    pub fn read_celsius(&mut self) -> Result<f64, Lm75Error<I2C::Error>> {
        let mut register = [0u8; 2];
        self.i2c.write_read(self.address, &[REG_TEMPERATURE], &mut register).map_err(Lm75Error::I2c)?;
        Ok(self.model.celsius(register))
    }

    /// The configuration register: one byte on the LM75s (in the low 8
    /// bits), two on the TMP102 (first byte in the high 8 bits).
    ///
    /// # Errors
    /// [`Lm75Error::I2c`] when the bus transfer fails.
    pub fn read_config(&mut self) -> Result<u16, Lm75Error<I2C::Error>> {
        let mut register = [0u8; 2];
        let len = self.model.config_len();
        let read = register.get_mut(..len).unwrap_or_default(); // `len` is 1 or 2
        self.i2c.write_read(self.address, &[REG_CONFIG], read).map_err(Lm75Error::I2c)?;
        Ok(match len {
            1 => u16::from(register[0]),
            _ => u16::from_be_bytes(register),
        })
    }

    /// Writes the configuration register (laid out as [`Lm75::read_config`] returns it).
    ///
    /// # Errors
    /// [`Lm75Error::I2c`] when the bus transfer fails.
    pub fn write_config(&mut self, config: u16) -> Result<(), Lm75Error<I2C::Error>> {
        let [high, low] = config.to_be_bytes();
        let result = match self.model.config_len() {
            1 => self.i2c.write(self.address, &[REG_CONFIG, low]),
            _ => self.i2c.write(self.address, &[REG_CONFIG, high, low]),
        };
        result.map_err(Lm75Error::I2c)
    }

    /// Stops (`true`) or restarts (`false`) conversions; a stopped sensor
    /// draws about a microamp and keeps reporting its last value.
    ///
    /// # Errors
    /// [`Lm75Error::I2c`] when the bus transfer fails.
    pub fn set_shutdown(&mut self, shutdown: bool) -> Result<(), Lm75Error<I2C::Error>> {
        let config = self.read_config()?;
        let bit = match self.model.config_len() {
            1 => u16::from(CONFIG_SHUTDOWN),
            _ => u16::from(CONFIG_SHUTDOWN) << 8,
        };
        self.write_config(if shutdown { config | bit } else { config & !bit })
    }

    /// Gives the bus back.
    pub fn release(self) -> I2C {
        self.i2c
    }
}

impl<I2C: I2c> Sensor for Lm75<I2C> {
    type Error = Lm75Error<I2C::Error>;

    fn series(&self) -> Series {
        self.series
    }

    fn read(&mut self) -> Result<Sample, Self::Error> {
        Ok(Sample { series: self.series, value: self.read_celsius()? })
    }
}

/// An [`Lm75`] failure.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
#[non_exhaustive]
pub enum Lm75Error<E> {
    /// The I²C transfer failed (no acknowledge usually means a wrong
    /// address or an unpowered sensor).
    I2c(E),
}

impl<E: i2c::Error> Lm75Error<E> {
    /// The bus error's `embedded-hal` kind.
    pub fn i2c_kind(&self) -> i2c::ErrorKind {
        match self {
            Lm75Error::I2c(error) => error.kind(),
        }
    }
}

impl<E: i2c::Error> SensorError for Lm75Error<E> {
    fn kind(&self) -> SensorErrorKind {
        match self {
            Lm75Error::I2c(_) => SensorErrorKind::Bus,
        }
    }
}

impl<E: fmt::Debug> fmt::Display for Lm75Error<E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Lm75Error::I2c(error) => write!(
                f,
                "I2C transfer to the temperature sensor failed ({error:?}): check its address, wiring and pull-ups"
            ),
        }
    }
}

impl<E: fmt::Debug> core::error::Error for Lm75Error<E> {}
