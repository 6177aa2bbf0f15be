//! The report's charts, drawn as SVG with plotters. Without plotters' font
//! features the text is laid out with estimated glyph widths and written
//! as SVG `<text>` for the viewer to render in its own sans-serif font.

use std::path::Path;

use plotters::prelude::*;

use crate::error::{Error, Result};

/// Chart size in pixels.
const SIZE: (u32, u32) = (760, 400);

/// Series colours, in order: Vitals first, then its peers.
const COLOURS: [RGBColor; 4] = [
    RGBColor(0x1f, 0x77, 0xb4),
    RGBColor(0xd6, 0x27, 0x28),
    RGBColor(0x2c, 0xa0, 0x2c),
    RGBColor(0x94, 0x67, 0xbd),
];

/// A named line of `(x, y)` points.
pub(crate) struct Line {
    pub(crate) name: String,
    pub(crate) points: Vec<(f64, f64)>,
}

/// A bar group: a name and its values (one bar per value label).
pub(crate) struct Bars {
    pub(crate) name: String,
    pub(crate) values: Vec<f64>,
}

fn plot_error(path: &Path, e: impl std::fmt::Display) -> Error {
    Error::new(format!("could not draw {}: {e}", path.display()))
}

/// The upper end of an axis holding `max`, with `factor` of headroom (room
/// for the legend above the data).
fn headroom(max: f64, factor: f64) -> f64 {
    if max.is_finite() && max > 0.0 {
        max * factor
    } else {
        1.0
    }
}

/// Lines over a shared x axis, with a legend: latency by size, CPU and RSS over time.
pub(crate) fn lines(path: &Path, title: &str, x_label: &str, y_label: &str, lines: &[Line]) -> Result<()> {
    let points = || lines.iter().flat_map(|l| l.points.iter());
    let x_max = points().map(|p| p.0).fold(0.0, f64::max);
    let y_max = points().map(|p| p.1).fold(0.0, f64::max);
    let root = SVGBackend::new(path, SIZE).into_drawing_area();
    root.fill(&WHITE).map_err(|e| plot_error(path, e))?;
    let mut chart = ChartBuilder::on(&root)
        .caption(title, ("sans-serif", 20))
        .margin(12)
        .x_label_area_size(40)
        .y_label_area_size(64)
        .build_cartesian_2d(0.0..x_max.max(1.0), 0.0..headroom(y_max, 1.5))
        .map_err(|e| plot_error(path, e))?;
    chart
        .configure_mesh()
        .x_desc(x_label)
        .x_label_formatter(&|x| format!("{x:.0}"))
        .y_desc(y_label)
        .label_style(("sans-serif", 13))
        .light_line_style(RGBColor(0xee, 0xee, 0xee))
        .draw()
        .map_err(|e| plot_error(path, e))?;
    for (i, line) in lines.iter().enumerate() {
        let colour = COLOURS[i % COLOURS.len()];
        chart
            .draw_series(LineSeries::new(line.points.iter().copied(), colour.stroke_width(2)))
            .map_err(|e| plot_error(path, e))?
            .label(line.name.as_str())
            .legend(move |(x, y)| PathElement::new([(x, y), (x + 18, y)], colour.stroke_width(2)));
        if line.points.len() <= 16 {
            chart
                .draw_series(line.points.iter().map(|&p| Circle::new(p, 3, colour.filled())))
                .map_err(|e| plot_error(path, e))?;
        }
    }
    chart
        .configure_series_labels()
        .position(SeriesLabelPosition::UpperRight)
        .background_style(WHITE.mix(0.85))
        .border_style(RGBColor(0xbb, 0xbb, 0xbb))
        .label_font(("sans-serif", 13))
        .draw()
        .map_err(|e| plot_error(path, e))?;
    root.present().map_err(|e| plot_error(path, e))
}

/// Grouped bars: one group per entry of `groups`, one bar per value, the
/// value written above each bar by `label`.
pub(crate) fn bars(
    path: &Path,
    title: &str,
    y_label: &str,
    value_names: &[&str],
    groups: &[Bars],
    label: impl Fn(f64) -> String,
) -> Result<()> {
    let y_max = groups.iter().flat_map(|g| g.values.iter().copied()).fold(0.0, f64::max);
    let names: Vec<String> = groups.iter().map(|g| g.name.clone()).collect();
    let root = SVGBackend::new(path, SIZE).into_drawing_area();
    root.fill(&WHITE).map_err(|e| plot_error(path, e))?;
    let mut chart = ChartBuilder::on(&root)
        .caption(title, ("sans-serif", 20))
        .margin(12)
        .x_label_area_size(40)
        .y_label_area_size(64)
        .build_cartesian_2d(-0.5..groups.len() as f64 - 0.5, 0.0..headroom(y_max, 1.15))
        .map_err(|e| plot_error(path, e))?;
    chart
        .configure_mesh()
        .disable_x_mesh()
        .x_labels(groups.len().max(1))
        .x_label_formatter(&|x| {
            let i = x.round();
            if (x - i).abs() < 0.01 && i >= 0.0 {
                names.get(i as usize).cloned().unwrap_or_default()
            } else {
                String::new()
            }
        })
        .y_desc(y_label)
        .label_style(("sans-serif", 13))
        .light_line_style(RGBColor(0xee, 0xee, 0xee))
        .draw()
        .map_err(|e| plot_error(path, e))?;
    let per_group = value_names.len().max(1) as f64;
    let width = 0.8 / per_group;
    for (v, value_name) in value_names.iter().enumerate() {
        let colour = COLOURS[v % COLOURS.len()];
        let bars = groups.iter().enumerate().filter_map(|(g, group)| {
            let value = *group.values.get(v)?;
            let left = g as f64 - 0.4 + v as f64 * width;
            Some(Rectangle::new([(left + 0.02, 0.0), (left + width - 0.02, value)], colour.filled()))
        });
        chart
            .draw_series(bars)
            .map_err(|e| plot_error(path, e))?
            .label(*value_name)
            .legend(move |(x, y)| Rectangle::new([(x, y - 5), (x + 14, y + 5)], colour.filled()));
        let texts = groups.iter().enumerate().filter_map(|(g, group)| {
            let value = *group.values.get(v)?;
            let left = g as f64 - 0.4 + v as f64 * width;
            Some(Text::new(label(value), (left + 0.03, value + y_max * 0.05), ("sans-serif", 12)))
        });
        chart.draw_series(texts).map_err(|e| plot_error(path, e))?;
    }
    chart
        .configure_series_labels()
        .position(SeriesLabelPosition::UpperRight)
        .background_style(WHITE.mix(0.85))
        .border_style(RGBColor(0xbb, 0xbb, 0xbb))
        .label_font(("sans-serif", 13))
        .draw()
        .map_err(|e| plot_error(path, e))?;
    root.present().map_err(|e| plot_error(path, e))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn charts_are_svg_with_their_text() {
        let dir = std::env::temp_dir().join(format!("xtask-plots-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let line = dir.join("line.svg");
        let points = vec![(0.0, 25.0), (64.0, 30.0), (512.0, 48.0)];
        lines(&line, "ring push by size", "message bytes", "ns", &[Line { name: "Vitals".into(), points }])
            .unwrap();
        let svg = std::fs::read_to_string(&line).unwrap();
        assert!(svg.starts_with("<svg"), "{}", &svg[..80.min(svg.len())]);
        assert!(svg.contains("ring push by size") && svg.contains("message bytes") && svg.contains("Vitals"));

        let bar = dir.join("bars.svg");
        let groups = [
            Bars { name: "vitals-wasm".into(), values: vec![101_706.0, 45_841.0] },
            Bars { name: "console_log".into(), values: vec![17_900.0, 7_900.0] },
        ];
        bars(&bar, "wasm size", "KiB", &["raw", "gzip -9"], &groups, |v| format!("{v:.0}")).unwrap();
        let svg = std::fs::read_to_string(&bar).unwrap();
        assert!(svg.contains("console_log") && svg.contains("gzip -9") && svg.contains("101706"));
        let _ = std::fs::remove_dir_all(&dir);
    }
}
