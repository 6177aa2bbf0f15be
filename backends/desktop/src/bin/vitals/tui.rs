//! The live terminal view: each series with its value, a gauge for
//! percentages, a sparkline of recent samples, and the latest alerts.

use std::io;
use std::time::Duration;

use ratatui::crossterm::event::{self, Event, KeyCode, KeyEventKind, KeyModifiers};
use ratatui::layout::{Constraint, Layout};
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::Span;
use ratatui::widgets::{Block, Borders, Gauge, List, ListItem, Paragraph, Sparkline};
use ratatui::DefaultTerminal;
use vitals_core::Level;

/// One series on screen.
pub(crate) struct Row {
    pub(crate) name: String,
    pub(crate) value: String,
    /// 0–1 for percentages (drawn as a gauge).
    pub(crate) ratio: Option<f64>,
    /// Recent samples, oldest first.
    pub(crate) history: Vec<u64>,
}

/// A log line on screen.
#[derive(Clone)]
pub(crate) struct Line {
    pub(crate) level: Level,
    pub(crate) text: String,
}

/// Everything one frame shows.
pub(crate) struct View {
    pub(crate) title: String,
    pub(crate) rows: Vec<Row>,
    pub(crate) alerts: Vec<Line>,
}

/// The terminal in raw mode on the alternate screen; restored on drop.
pub(crate) struct Tui {
    terminal: DefaultTerminal,
}

impl Tui {
    pub(crate) fn enter() -> io::Result<Tui> {
        Ok(Tui { terminal: ratatui::try_init()? })
    }

    /// Waits up to `timeout` for a key; true for q, Esc or Ctrl-C.
    pub(crate) fn wait_for_quit(&mut self, timeout: Duration) -> io::Result<bool> {
        if !event::poll(timeout)? {
            return Ok(false);
        }
        Ok(match event::read()? {
            Event::Key(key) if key.kind == KeyEventKind::Press => {
                matches!(key.code, KeyCode::Char('q') | KeyCode::Esc)
                    || (key.code == KeyCode::Char('c') && key.modifiers.contains(KeyModifiers::CONTROL))
            }
            _ => false,
        })
    }

    pub(crate) fn draw(&mut self, view: &View) -> io::Result<()> {
        self.terminal.draw(|frame| {
            let area = frame.area();
            let alert_height = (view.alerts.len() as u16 + 2).clamp(3, 14);
            let [metrics_area, alerts_area] =
                Layout::vertical([Constraint::Min(3), Constraint::Length(alert_height)]).areas(area);
            let block = Block::default().borders(Borders::ALL).title(view.title.as_str());
            let inner = block.inner(metrics_area);
            frame.render_widget(block, metrics_area);
            let visible = inner.height as usize;
            let rows =
                Layout::vertical(vec![Constraint::Length(1); visible.min(view.rows.len())]).split(inner);
            for (row, rect) in view.rows.iter().zip(rows.iter()) {
                let [name_area, value_area, bar_area, spark_area] = Layout::horizontal([
                    Constraint::Length(28),
                    Constraint::Length(14),
                    Constraint::Length(22),
                    Constraint::Min(10),
                ])
                .areas(*rect);
                frame.render_widget(Paragraph::new(row.name.as_str()), name_area);
                frame.render_widget(
                    Paragraph::new(Span::styled(
                        row.value.as_str(),
                        Style::default().add_modifier(Modifier::BOLD),
                    )),
                    value_area,
                );
                if let Some(ratio) = row.ratio {
                    let colour = match ratio {
                        r if r >= 0.9 => Color::Red,
                        r if r >= 0.8 => Color::Yellow,
                        _ => Color::Green,
                    };
                    frame.render_widget(
                        Gauge::default().gauge_style(Style::default().fg(colour)).ratio(ratio),
                        bar_area,
                    );
                }
                frame.render_widget(
                    Sparkline::default()
                        .data(row.history.as_slice())
                        .max(100)
                        .style(Style::default().fg(Color::Cyan)),
                    spark_area,
                );
            }
            let items: Vec<ListItem<'_>> = view
                .alerts
                .iter()
                .map(|line| {
                    let colour = match line.level {
                        Level::Critical | Level::Error => Color::Red,
                        Level::Warn => Color::Yellow,
                        _ => Color::Gray,
                    };
                    ListItem::new(Span::styled(line.text.as_str(), Style::default().fg(colour)))
                })
                .collect();
            frame.render_widget(
                List::new(items)
                    .block(Block::default().borders(Borders::ALL).title(" latest log lines and alerts ")),
                alerts_area,
            );
        })?;
        Ok(())
    }
}

impl Drop for Tui {
    fn drop(&mut self) {
        ratatui::restore();
    }
}
