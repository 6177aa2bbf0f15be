//! Durations on the command line: `1s`, `500ms`, `2m`, `1h`, or plain seconds.

use std::time::Duration;

/// Parses `500ms`, `1s`, `1.5s`, `2m`, `1h` or a plain number of seconds.
pub(crate) fn parse(text: &str) -> Result<Duration, String> {
    let text = text.trim();
    let split = text.find(|c: char| !(c.is_ascii_digit() || c == '.')).unwrap_or(text.len());
    let (number, unit) = text.split_at(split);
    let value: f64 = number.parse().map_err(|_| accepted(text))?;
    let seconds = match unit.trim() {
        "" | "s" => value,
        "ms" => value / 1000.0,
        "m" | "min" => value * 60.0,
        "h" => value * 3600.0,
        _ => return Err(accepted(text)),
    };
    if !(seconds.is_finite() && seconds > 0.0 && seconds < 1e9) {
        return Err(accepted(text));
    }
    Ok(Duration::from_secs_f64(seconds))
}

fn accepted(text: &str) -> String {
    format!("invalid duration {text:?}: expected a positive number with an optional unit, e.g. 500ms, 1s, 2.5s, 10m, 1h")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn forms() {
        assert_eq!(parse("1s"), Ok(Duration::from_secs(1)));
        assert_eq!(parse("250ms"), Ok(Duration::from_millis(250)));
        assert_eq!(parse("2"), Ok(Duration::from_secs(2)));
        assert_eq!(parse("1.5m"), Ok(Duration::from_secs(90)));
        for bad in ["", "0", "-1s", "fast", "1d", "NaNs"] {
            assert!(parse(bad).unwrap_err().contains("e.g. 500ms"), "{bad}");
        }
    }
}
