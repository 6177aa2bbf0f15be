//! Parsing record payloads: every read goes through [`Fields`], which
//! answers `Truncated` instead of panicking on short input.

use super::{
    RecordError, DESCRIBE_LABEL, DESCRIBE_METRIC, EVENT_ANCHOR, EVENT_BOOT, EVENT_DROPPED, EVENT_THRESHOLD,
    LOG_TRUNCATED, METRIC_HAS_INSTANCE, NO_LEVEL, VALUE_F32, VALUE_F64, VALUE_INT,
};
use crate::entry::{Crossing, Description, EntryKind, Event, LogRecord, ResetReason, Sample};
use crate::level::Level;
use crate::metric::{self, MetricId, MetricKind, Series, Unit};
use crate::varint;

/// The unread rest of a payload.
pub(crate) struct Fields<'a> {
    rest: &'a [u8],
}

impl<'a> Fields<'a> {
    pub(crate) fn new(payload: &'a [u8]) -> Self {
        Fields { rest: payload }
    }

    /// What is left, all of it.
    pub(crate) fn rest(self) -> &'a [u8] {
        self.rest
    }

    pub(crate) fn take(&mut self, len: usize) -> Result<&'a [u8], RecordError> {
        let taken = self.rest.get(..len).ok_or(RecordError::Truncated)?;
        self.rest = self.rest.get(len..).unwrap_or_default();
        Ok(taken)
    }

    pub(crate) fn byte(&mut self) -> Result<u8, RecordError> {
        let (&byte, rest) = self.rest.split_first().ok_or(RecordError::Truncated)?;
        self.rest = rest;
        Ok(byte)
    }

    pub(crate) fn varint(&mut self) -> Result<u64, RecordError> {
        let (value, used) = varint::read(self.rest).ok_or(RecordError::Truncated)?;
        self.rest = self.rest.get(used..).unwrap_or_default();
        Ok(value)
    }

    fn u16(&mut self) -> Result<u16, RecordError> {
        u16::try_from(self.varint()?).map_err(|_| RecordError::BadField)
    }

    fn array<const N: usize>(&mut self) -> Result<[u8; N], RecordError> {
        self.take(N)?.try_into().map_err(|_| RecordError::Truncated)
    }

    fn f64(&mut self) -> Result<f64, RecordError> {
        Ok(f64::from_le_bytes(self.array()?))
    }

    fn text(self) -> Result<&'a str, RecordError> {
        crate::bytes::utf8(self.rest).ok_or(RecordError::BadField)
    }
}

fn level_or_none(code: u8) -> Result<Option<Level>, RecordError> {
    match code {
        NO_LEVEL => Ok(None),
        code => Level::from_u8(code).map(Some).ok_or(RecordError::UnknownTag),
    }
}

pub(crate) fn parse_log(tag: u8, payload: &[u8]) -> Result<EntryKind<'_>, RecordError> {
    if tag & 0b1100_0000 != 0 {
        return Err(RecordError::UnknownTag);
    }
    let level = Level::from_u8((tag >> 2) & 0b111).ok_or(RecordError::UnknownTag)?;
    let mut fields = Fields::new(payload);
    let target_len = usize::try_from(fields.varint()?).map_err(|_| RecordError::BadField)?;
    let target = fields.take(target_len)?;
    let message = fields.rest();
    Ok(EntryKind::Log(LogRecord { level, target, message, truncated: tag & LOG_TRUNCATED != 0 }))
}

pub(crate) fn parse_metric(tag: u8, payload: &[u8]) -> Result<EntryKind<'_>, RecordError> {
    if tag & 0b1110_0000 != 0 {
        return Err(RecordError::UnknownTag);
    }
    let mut fields = Fields::new(payload);
    let metric = fields.u16()?;
    let instance = if tag & METRIC_HAS_INSTANCE != 0 { fields.u16()? } else { 0 };
    let value = match (tag >> 2) & 0b11 {
        VALUE_INT => varint::unzigzag(fields.varint()?) as f64,
        VALUE_F32 => f64::from(f32::from_le_bytes(fields.array()?)),
        VALUE_F64 => fields.f64()?,
        _ => return Err(RecordError::UnknownTag),
    };
    if !fields.rest().is_empty() {
        return Err(RecordError::BadField);
    }
    Ok(EntryKind::Metric(Sample { series: Series::new(MetricId(metric), instance), value }))
}

pub(crate) fn parse_event(tag: u8, payload: &[u8]) -> Result<EntryKind<'_>, RecordError> {
    if tag & 0b1100_0000 != 0 {
        return Err(RecordError::UnknownTag);
    }
    let mut fields = Fields::new(payload);
    let event = match (tag >> 2) & 0b1111 {
        EVENT_DROPPED => Event::Dropped { count: fields.varint()? },
        EVENT_BOOT => Event::Boot { reason: ResetReason::from_code(fields.byte()?) },
        EVENT_ANCHOR => Event::Anchor { unix_us: fields.varint()? },
        EVENT_THRESHOLD => {
            let series = Series::new(MetricId(fields.u16()?), fields.u16()?);
            let [from, to] = fields.array()?;
            Event::Threshold(Crossing {
                series,
                from: level_or_none(from)?,
                to: level_or_none(to)?,
                value: fields.f64()?,
                threshold: fields.f64()?,
            })
        }
        _ => return Err(RecordError::UnknownTag),
    };
    Ok(EntryKind::Event(event))
}

pub(crate) fn parse_description(tag: u8, payload: &[u8]) -> Result<EntryKind<'_>, RecordError> {
    if tag & 0b1100_0000 != 0 {
        return Err(RecordError::UnknownTag);
    }
    let mut fields = Fields::new(payload);
    let description = match (tag >> 2) & 0b1111 {
        DESCRIBE_METRIC => {
            let metric = MetricId(fields.u16()?);
            let [unit, kind] = fields.array()?;
            let unit = Unit::from_code(unit).ok_or(RecordError::UnknownTag)?;
            let kind = match kind {
                0 => MetricKind::Gauge,
                1 => MetricKind::Counter,
                _ => return Err(RecordError::UnknownTag),
            };
            let name = fields.text()?;
            if !metric::valid_name(name) {
                return Err(RecordError::BadField);
            }
            Description::Metric { metric, name, unit, kind }
        }
        DESCRIBE_LABEL => {
            let series = Series::new(MetricId(fields.u16()?), fields.u16()?);
            let label = fields.text()?;
            if label.is_empty() || label.len() > metric::MAX_NAME_LEN {
                return Err(RecordError::BadField);
            }
            Description::Label { series, label }
        }
        _ => return Err(RecordError::UnknownTag),
    };
    Ok(EntryKind::Describe(description))
}
