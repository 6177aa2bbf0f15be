//! The step runner: named steps run in order, each under a `==> name` banner
//! and timed, stopping at the first failure, then a summary table and a
//! closing `xtask: N passed, N failed` line that CI reads.
//!
//! A suite is plain data, a `Vec<Step>`: adding a step (a QEMU run, a browser
//! test, a Prometheus scrape) is one more entry in that list.

use std::time::{Duration, Instant};

use crate::command::Cmd;
use crate::error::Result;

/// One thing a step does: run a command, or call Rust code (installs, checks).
pub(crate) enum Task {
    /// Run a command line; a non-zero exit fails the step.
    Run(Cmd),
    /// Call a function; an `Err` fails the step.
    Call(Box<dyn FnOnce() -> Result<()>>),
}

/// A named, timed unit of the suite: its tasks run in order, the first error
/// fails the step.
pub(crate) struct Step {
    /// What the banner and the summary call this step.
    name: String,
    /// What the step does, in order.
    tasks: Vec<Task>,
    /// Set when the step is not to run, with the reason shown in the summary.
    skip: Option<String>,
}

impl Step {
    /// A step with no tasks yet.
    pub(crate) fn new(name: impl Into<String>) -> Self {
        Self { name: name.into(), tasks: Vec::new(), skip: None }
    }

    /// Adds a command to run.
    pub(crate) fn run(mut self, cmd: Cmd) -> Self {
        self.tasks.push(Task::Run(cmd));
        self
    }

    /// Adds a function to call.
    pub(crate) fn call(mut self, f: impl FnOnce() -> Result<()> + 'static) -> Self {
        self.tasks.push(Task::Call(Box::new(f)));
        self
    }

    /// Adds a function to call before the tasks added so far.
    pub(crate) fn first(mut self, f: impl FnOnce() -> Result<()> + 'static) -> Self {
        self.tasks.insert(0, Task::Call(Box::new(f)));
        self
    }

    /// Marks the step as not to run when `reason` is `Some`; the summary shows why.
    pub(crate) fn skip_if(mut self, reason: Option<&str>) -> Self {
        self.skip = reason.map(str::to_owned);
        self
    }

    /// Runs the tasks in order, stopping at the first error.
    fn execute(self) -> Result<()> {
        for task in self.tasks {
            match task {
                Task::Run(cmd) => cmd.run()?,
                Task::Call(f) => f()?,
            }
        }
        Ok(())
    }
}

/// How a step ended.
#[derive(Clone, Debug, PartialEq, Eq)]
enum Outcome {
    /// Every task succeeded.
    Passed,
    /// A task failed.
    Failed,
    /// Not run, for the given reason.
    Skipped(String),
}

/// What happened to each step, and the counts CI reads.
#[derive(Debug, Default)]
pub(crate) struct Summary {
    /// Each step's name, time taken, and outcome, in run order.
    rows: Vec<(String, Duration, Outcome)>,
}

impl Summary {
    /// True when no step failed.
    pub(crate) fn all_passed(&self) -> bool {
        self.count(|o| *o == Outcome::Failed) == 0
    }

    /// How many steps ended as `pred` says.
    fn count(&self, pred: impl Fn(&Outcome) -> bool) -> usize {
        self.rows.iter().filter(|(_, _, o)| pred(o)).count()
    }

    /// The closing line, `xtask: P passed, F failed` with `, S skipped` when any were.
    fn closing_line(&self) -> String {
        let passed = self.count(|o| *o == Outcome::Passed);
        let failed = self.count(|o| *o == Outcome::Failed);
        let skipped = self.count(|o| matches!(o, Outcome::Skipped(_)));
        let mut line = format!("xtask: {passed} passed, {failed} failed");
        if skipped > 0 {
            line.push_str(&format!(", {skipped} skipped"));
        }
        line
    }

    /// The table of step → seconds → result, then the closing line.
    fn render(&self) -> String {
        let width = self.rows.iter().map(|(name, _, _)| name.len()).chain([4]).max().unwrap_or(4);
        let mut out = format!("{:<width$}  {:>8}  result\n", "step", "seconds");
        for (name, elapsed, outcome) in &self.rows {
            let result = match outcome {
                Outcome::Passed => "ok".to_owned(),
                Outcome::Failed => "FAILED".to_owned(),
                Outcome::Skipped(why) => format!("skipped ({why})"),
            };
            let seconds = match outcome {
                Outcome::Skipped(_) => "-".to_owned(),
                _ => format!("{:.1}", elapsed.as_secs_f64()),
            };
            out.push_str(&format!("{name:<width$}  {seconds:>8}  {result}\n"));
        }
        out.push_str(&self.closing_line());
        out
    }
}

/// Runs `steps` in order and prints the summary; after a failure the rest are
/// skipped. The summary's closing line is the last thing printed.
pub(crate) fn run_all(steps: Vec<Step>) -> Summary {
    let mut summary = Summary::default();
    let mut failed_step: Option<String> = None;
    for step in steps {
        let name = step.name.clone();
        let skip = match (&step.skip, &failed_step) {
            (Some(reason), _) => Some(reason.clone()),
            (None, Some(failed)) => Some(format!("after `{failed}` failed")),
            (None, None) => None,
        };
        if let Some(reason) = skip {
            summary.rows.push((name, Duration::ZERO, Outcome::Skipped(reason)));
            continue;
        }
        println!("\n==> {name}");
        let started = Instant::now();
        let result = step.execute();
        let elapsed = started.elapsed();
        let outcome = match result {
            Ok(()) => {
                println!("<== {name}: ok in {:.1} s", elapsed.as_secs_f64());
                Outcome::Passed
            }
            Err(e) => {
                let e = crate::disk::explain(e);
                eprintln!("\nerror: step `{name}` failed after {:.1} s: {e}", elapsed.as_secs_f64());
                failed_step = Some(name.clone());
                Outcome::Failed
            }
        };
        summary.rows.push((name, elapsed, outcome));
    }
    println!("\n{}", summary.render());
    summary
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::Error;

    #[test]
    fn a_failure_skips_the_rest_and_is_counted() {
        let steps = vec![
            Step::new("first").call(|| Ok(())),
            Step::new("second").call(|| Err(Error::new("boom"))),
            Step::new("third").call(|| panic!("must not run")),
        ];
        let summary = run_all(steps);
        assert!(!summary.all_passed());
        assert_eq!(summary.closing_line(), "xtask: 1 passed, 1 failed, 1 skipped");
        assert!(summary.render().contains("skipped (after `second` failed)"));
    }

    #[test]
    fn all_passing_closes_with_zero_failed() {
        let steps = vec![Step::new("a").call(|| Ok(())), Step::new("b").call(|| Ok(()))];
        let summary = run_all(steps);
        assert!(summary.all_passed());
        assert_eq!(summary.closing_line(), "xtask: 2 passed, 0 failed");
        assert!(summary.render().ends_with("xtask: 2 passed, 0 failed"));
    }

    #[test]
    fn a_skipped_step_does_not_run() {
        let steps = vec![Step::new("miri").call(|| panic!("must not run")).skip_if(Some("--skip-miri"))];
        let summary = run_all(steps);
        assert!(summary.all_passed());
        assert!(summary.render().contains("skipped (--skip-miri)"));
    }
}
