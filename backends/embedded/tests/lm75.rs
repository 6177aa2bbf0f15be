//! The LM75 / TMP102 driver against mocked I2C transactions: positive and
//! negative temperatures at each resolution, the configuration register,
//! and a bus error on its way through the `Sensor` trait into the ring.

use embedded_hal::i2c::ErrorKind;
use embedded_hal_mock::eh1::i2c::{Mock, Transaction};
use vitals_embedded::mcu::McuSampler;
use vitals_embedded::sensor::{Lm75, Model, Sensor, SensorError, SensorErrorKind};
use vitals_embedded::{CounterClock, EntryKind, Level, MetricId, Policy, Rule, SharedRing};

const ADDRESS: u8 = 0x48;

fn temperature_read(msb: u8, lsb: u8) -> Transaction {
    Transaction::write_read(ADDRESS, vec![0x00], vec![msb, lsb])
}

fn read_all(model: Model, registers: &[[u8; 2]]) -> Vec<f64> {
    let expectations: Vec<Transaction> = registers.iter().map(|r| temperature_read(r[0], r[1])).collect();
    let mut sensor = Lm75::new(Mock::new(&expectations), ADDRESS, model);
    let values = registers.iter().map(|_| sensor.read_celsius().expect("mocked bus")).collect();
    sensor.release().done();
    values
}

#[test]
fn lm75_nine_bit_half_degrees() {
    // Datasheet table: +125, +25, +0.5, 0, -0.5, -25, -55 °C.
    let registers =
        [[0x7D, 0x00], [0x19, 0x00], [0x00, 0x80], [0x00, 0x00], [0xFF, 0x80], [0xE7, 0x00], [0xC9, 0x00]];
    assert_eq!(read_all(Model::Lm75, &registers), [125.0, 25.0, 0.5, 0.0, -0.5, -25.0, -55.0]);
}

#[test]
fn lm75_ignores_bits_below_its_resolution() {
    // Some parts leave noise in the unused low bits.
    assert_eq!(read_all(Model::Lm75, &[[0x19, 0x7F], [0xE7, 0x7F]]), [25.0, -25.0]);
}

#[test]
fn lm75b_eleven_bit_eighths() {
    assert_eq!(
        read_all(Model::Lm75b, &[[0x19, 0x20], [0xFF, 0xE0], [0xE6, 0xE0]]),
        [25.125, -0.125, -25.125]
    );
}

#[test]
fn tmp102_twelve_bit_sixteenths() {
    // TMP102 datasheet table 5: 127.9375, 100, 80, 75, 50, 25, 0.25, 0, -0.25, -25, -55.
    let registers = [
        [0x7F, 0xF0],
        [0x64, 0x00],
        [0x50, 0x00],
        [0x4B, 0x00],
        [0x32, 0x00],
        [0x19, 0x00],
        [0x00, 0x40],
        [0x00, 0x00],
        [0xFF, 0xC0],
        [0xE7, 0x00],
        [0xC9, 0x00],
    ];
    assert_eq!(
        read_all(Model::Tmp102, &registers),
        [127.9375, 100.0, 80.0, 75.0, 50.0, 25.0, 0.25, 0.0, -0.25, -25.0, -55.0]
    );
}

#[test]
fn tmp102_extended_mode_is_read_from_its_flag() {
    // EM = 1 sets bit 0; the 13-bit value sits one bit lower: 150, 128, -55 °C.
    let registers = [[0x4B, 0x01], [0x40, 0x01], [0xE4, 0x81]];
    assert_eq!(read_all(Model::Tmp102, &registers), [150.0, 128.0, -55.0]);
}

#[test]
fn configuration_register_widths_and_shutdown() {
    // LM75: one byte; shutdown is bit 0.
    let lm75 = [
        Transaction::write_read(ADDRESS, vec![0x01], vec![0x18]),
        Transaction::write(ADDRESS, vec![0x01, 0x19]),
        Transaction::write_read(ADDRESS, vec![0x01], vec![0x19]),
        Transaction::write(ADDRESS, vec![0x01, 0x18]),
    ];
    let mut sensor = Lm75::new(Mock::new(&lm75), ADDRESS, Model::Lm75);
    sensor.set_shutdown(true).unwrap();
    sensor.set_shutdown(false).unwrap();
    sensor.release().done();

    // TMP102: two bytes, power-on value 0x60A0; shutdown is bit 0 of the first.
    let tmp102 = [
        Transaction::write_read(ADDRESS, vec![0x01], vec![0x60, 0xA0]),
        Transaction::write(ADDRESS, vec![0x01, 0x61, 0xA0]),
        Transaction::write(ADDRESS, vec![0x01, 0x60, 0xB0]),
    ];
    let mut sensor = Lm75::new(Mock::new(&tmp102), ADDRESS, Model::Tmp102);
    sensor.set_shutdown(true).unwrap();
    sensor.write_config(0x60B0).unwrap(); // extended mode on
    sensor.release().done();
}

#[test]
fn bus_error_is_a_bus_kind_and_a_warn_entry() {
    let expectations = [
        temperature_read(0x19, 0x00),
        Transaction::write_read(ADDRESS, vec![0x00], vec![0, 0]).with_error(ErrorKind::Other),
    ];
    let mut sensor = Lm75::new(Mock::new(&expectations), ADDRESS, Model::Tmp102).with_instance(2);
    assert_eq!(sensor.series(), MetricId::TEMPERATURE.instance(2));

    let ring: SharedRing<[u8; 1024]> = SharedRing::new([0; 1024], Policy::OverwriteOldest);
    let mut sampler: McuSampler<'_, _, 1> = McuSampler::new(CounterClock::new());
    sampler.add_rule(Rule::above(MetricId::TEMPERATURE.instance(2), 20.0, 30.0, 40.0)).unwrap();

    assert_eq!(sampler.sample_sensor(&ring, &mut sensor), Ok(25.0));
    let error = sampler.sample_sensor(&ring, &mut sensor).unwrap_err();
    assert_eq!(error.kind(), SensorErrorKind::Bus);
    assert_eq!(error.i2c_kind(), ErrorKind::Other);
    assert!(error.to_string().contains("check its address"), "{error}");
    sensor.release().done();

    let entries: Vec<String> = ring.with(|ring| {
        ring.iter()
            .map(|e| match e.kind {
                EntryKind::Log(log) => {
                    format!("{} {}", log.level.as_str(), String::from_utf8_lossy(log.message))
                }
                EntryKind::Metric(s) => {
                    format!("metric {}#{} {}", s.series.metric, s.series.instance, s.value)
                }
                EntryKind::Event(_) => "event".into(),
                _ => "other".into(),
            })
            .collect()
    });
    assert_eq!(
        entries,
        [
            "metric temperature#2 25",
            "event", // the WARN crossing at 20 °C …
            "WARN value #2 25°C ≥ 20°C",
            "WARN reading temperature #2 failed: bus error",
        ]
    );
    assert_eq!(ring.stats().written_at(Level::Warn), 2);
}
