//! `vitals snapshot`: one sample, printed as human lines, JSON Lines or
//! Prometheus text.

use std::process::ExitCode;

use vitals_core::{format, Entry, EntryKind, LatestValues, Sample};
use vitals_desktop::{Names, SysinfoSampler};

use crate::Failure;

/// Options of `vitals snapshot`.
#[derive(Debug, clap::Args)]
pub(crate) struct Args {
    /// Print JSON Lines.
    #[arg(long, conflicts_with = "prometheus")]
    json: bool,
    /// Print Prometheus exposition text.
    #[arg(long)]
    prometheus: bool,
}

pub(crate) fn run(args: &Args) -> Result<ExitCode, Failure> {
    let mut sampler = SysinfoSampler::new(Default::default()).map_err(Failure::runtime)?;
    // CPU figures need two readings some time apart; the first has none.
    sampler.sample(&mut |_, _| {});
    std::thread::sleep(crate::cpu_settle());
    let mut samples = Vec::new();
    sampler.sample(&mut |series, value| samples.push((series, value)));
    let mut names = Names::new();
    for (series, label) in sampler.labels() {
        let _ = names.set_label(*series, label);
    }
    let mut out = String::new();
    if args.prometheus {
        let mut latest: LatestValues<{ vitals_desktop::hub::MAX_SERIES }> = LatestValues::new();
        for &(series, value) in &samples {
            latest.observe(series, value, 0);
        }
        let _ = format::prometheus(&mut out, &latest, &names);
    } else {
        let unix_us = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_micros() as i64);
        for (seq, &(series, value)) in samples.iter().enumerate() {
            let entry =
                Entry { seq: seq as u64, timestamp_us: 0, kind: EntryKind::Metric(Sample { series, value }) };
            let _ = if args.json {
                format::json(&mut out, &entry, Some(unix_us), &names)
            } else {
                format::human(&mut out, &entry, Some(unix_us), &names)
            };
            out.push('\n');
        }
    }
    print!("{out}");
    Ok(ExitCode::SUCCESS)
}
