//! An LM75 temperature sensor simulated on a fake I²C bus, so the demo runs
//! the real [`Lm75`](vitals_embedded::sensor::Lm75) driver on a board that
//! has no such sensor. Each temperature read returns the next value of a
//! scripted ramp.
//!
//! # Example
//!
//! ```ignore
//! use vitals_embedded::sensor::{Lm75, Model, Sensor};
//! let bus = SimulatedLm75Bus::new(&[40.0, 41.5]);
//! let mut lm75 = Lm75::new(bus, SimulatedLm75Bus::ADDRESS, Model::Lm75);
//! assert_eq!(lm75.read()?.value, 40.0);
//! ```

use embedded_hal::i2c::{ErrorKind, ErrorType, I2c, NoAcknowledgeSource, Operation, SevenBitAddress};

/// Register pointer of the temperature.
const REG_TEMPERATURE: u8 = 0x00;

/// A fake I²C bus with one LM75 on it, answering temperature reads from a
/// script of °C values (repeating the last one when it runs out).
#[derive(Debug)]
pub struct SimulatedLm75Bus {
    script: &'static [f32],
    next: usize,
    pointer: u8,
}

impl SimulatedLm75Bus {
    /// The sensor's address with A2..A0 tied low.
    pub const ADDRESS: u8 = 0x48;

    /// A bus whose LM75 reads `script`, one value per temperature read.
    pub const fn new(script: &'static [f32]) -> Self {
        SimulatedLm75Bus { script, next: 0, pointer: REG_TEMPERATURE }
    }

    /// The temperature register for the next value: 9 bits, 0.5 °C per
    /// step, two's complement, left-justified, most significant byte first.
    fn temperature_register(&mut self) -> [u8; 2] {
        let celsius = self.script.get(self.next).or(self.script.last()).copied().unwrap_or(25.0);
        self.next += 1;
        let half_degrees = (celsius * 2.0) as i16;
        (half_degrees << 7).to_be_bytes()
    }
}

impl ErrorType for SimulatedLm75Bus {
    type Error = ErrorKind;
}

impl I2c<SevenBitAddress> for SimulatedLm75Bus {
    fn transaction(&mut self, address: u8, operations: &mut [Operation<'_>]) -> Result<(), ErrorKind> {
        if address != Self::ADDRESS {
            return Err(ErrorKind::NoAcknowledge(NoAcknowledgeSource::Address));
        }
        for operation in operations {
            match operation {
                Operation::Write(bytes) => {
                    if let Some(&pointer) = bytes.first() {
                        self.pointer = pointer;
                    }
                }
                Operation::Read(buffer) => {
                    let register = if self.pointer == REG_TEMPERATURE {
                        self.temperature_register()
                    } else {
                        [0, 0] // configuration: running, comparator mode
                    };
                    for (byte, value) in buffer.iter_mut().zip(register.iter().chain(core::iter::repeat(&0)))
                    {
                        *byte = *value;
                    }
                }
            }
        }
        Ok(())
    }
}
