//! A command line to run: built like `std::process::Command`, printable so a
//! failure names exactly what to re-run, and run from the workspace root with
//! inherited stdio and an optional time limit.

use std::fmt;
use std::fs::File;
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::thread;
use std::time::{Duration, Instant};

use crate::error::{Error, Result};
use crate::{process_tree, workspace};

/// How often a command with a time limit is polled for exit.
const POLL: Duration = Duration::from_millis(200);

/// A program with its arguments, extra environment, directory and time limit.
#[derive(Clone, Debug)]
pub(crate) struct Cmd {
    program: String,
    args: Vec<String>,
    envs: Vec<(String, String)>,
    dir: PathBuf,
    timeout: Option<Duration>,
}

impl Cmd {
    /// `program`, run from the workspace root with no arguments.
    pub(crate) fn new(program: impl Into<String>) -> Self {
        Self {
            program: program.into(),
            args: Vec::new(),
            envs: Vec::new(),
            dir: workspace::root(),
            timeout: None,
        }
    }

    /// `cargo` through the rustup proxy on `PATH`, so `+nightly` works and the
    /// toolchain that started the xtask (`RUSTUP_TOOLCHAIN`) is used otherwise.
    pub(crate) fn cargo() -> Self {
        Self::new("cargo")
    }

    /// Appends one argument.
    pub(crate) fn arg(mut self, arg: impl Into<String>) -> Self {
        self.args.push(arg.into());
        self
    }

    /// Appends several arguments.
    pub(crate) fn args<I, S>(mut self, args: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.args.extend(args.into_iter().map(Into::into));
        self
    }

    /// Sets an environment variable for this command only.
    pub(crate) fn env(mut self, key: impl Into<String>, value: impl Into<String>) -> Self {
        self.envs.push((key.into(), value.into()));
        self
    }

    /// Runs the command from `dir` instead of the workspace root.
    pub(crate) fn dir(mut self, dir: impl Into<PathBuf>) -> Self {
        self.dir = dir.into();
        self
    }

    /// Ends the command, and everything it started, if it runs longer than `limit`.
    pub(crate) fn timeout(mut self, limit: Duration) -> Self {
        self.timeout = Some(limit);
        self
    }

    /// The `std` command this describes, stdio not yet chosen.
    fn command(&self) -> Command {
        let mut command = Command::new(&self.program);
        command.args(&self.args).envs(self.envs.iter().map(|(k, v)| (k, v))).current_dir(&self.dir);
        command
    }

    /// Starts the command, or says which program could not be started.
    fn spawn(&self, mut command: Command) -> Result<Child> {
        command.spawn().map_err(|e| {
            Error::new(format!(
                "could not start `{self}`: {e} (is `{}` installed and on PATH?)",
                self.program
            ))
        })
    }

    /// Turns a non-zero exit into an error naming the command line.
    fn check(&self, status: ExitStatus) -> Result<()> {
        if status.success() {
            Ok(())
        } else {
            Err(Error::new(format!("`{self}` failed ({status})")))
        }
    }

    /// Prints the command line, runs it with inherited stdio, and fails on a
    /// non-zero exit or when the time limit runs out.
    pub(crate) fn run(&self) -> Result<()> {
        println!("$ {self}");
        let mut child = self.spawn(self.command())?;
        let status = match self.timeout {
            None => child.wait(),
            Some(limit) => return self.wait_with_limit(child, limit),
        };
        let status = status.map_err(|e| Error::new(format!("could not wait for `{self}`: {e}")))?;
        self.check(status)
    }

    /// Waits for `child`, ending its whole process tree once `limit` has passed.
    fn wait_with_limit(&self, mut child: Child, limit: Duration) -> Result<()> {
        let deadline = Instant::now() + limit;
        loop {
            match child.try_wait() {
                Ok(Some(status)) => return self.check(status),
                Ok(None) if Instant::now() >= deadline => {
                    process_tree::kill(child.id());
                    // The tree is already gone; this only reaps the zombie.
                    let _ = child.kill();
                    let _ = child.wait();
                    return Err(Error::new(format!(
                        "`{self}` ran past its limit of {} s and was stopped",
                        limit.as_secs()
                    )));
                }
                Ok(None) => thread::sleep(POLL),
                Err(e) => return Err(Error::new(format!("could not wait for `{self}`: {e}"))),
            }
        }
    }

    /// Like [`Cmd::run`], but also copies the command's stdout into `file`.
    pub(crate) fn run_tee(&self, file: &Path) -> Result<()> {
        println!("$ {self} | tee {}", file.display());
        let sink = File::create(file)
            .map_err(|e| Error::new(format!("could not create {}: {e}", file.display())))?;
        let mut command = self.command();
        command.stdout(Stdio::piped());
        let mut child = self.spawn(command)?;
        if let Some(mut stdout) = child.stdout.take() {
            let mut tee = Tee(io::stdout().lock(), sink);
            io::copy(&mut stdout, &mut tee).map_err(|e| {
                Error::new(format!("could not copy the output of `{self}` to {}: {e}", file.display()))
            })?;
        }
        let status = child.wait().map_err(|e| Error::new(format!("could not wait for `{self}`: {e}")))?;
        self.check(status)
    }

    /// Runs the command quietly and returns its stdout if it exited with 0.
    ///
    /// For questions such as "is this package installed?": any failure,
    /// including a missing program, is just `None`.
    pub(crate) fn probe(&self) -> Option<String> {
        let output = self.command().stdin(Stdio::null()).stderr(Stdio::null()).output().ok()?;
        output.status.success().then(|| String::from_utf8_lossy(&output.stdout).into_owned())
    }
}

/// Shell-like rendering, ready to paste: `(cd DIR && K=V program 'arg with space')`.
impl fmt::Display for Cmd {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let root = workspace::root();
        let subdir = (self.dir != root)
            .then(|| self.dir.strip_prefix(&root).unwrap_or(&self.dir).display().to_string());
        if let Some(dir) = &subdir {
            write!(f, "(cd {} && ", quote(dir))?;
        }
        for (key, value) in &self.envs {
            write!(f, "{key}={} ", quote(value))?;
        }
        f.write_str(&quote(&self.program))?;
        for arg in &self.args {
            write!(f, " {}", quote(arg))?;
        }
        if subdir.is_some() {
            f.write_str(")")?;
        }
        Ok(())
    }
}

/// Quotes `word` for a POSIX shell when it holds anything but plain characters.
fn quote(word: &str) -> String {
    let plain =
        !word.is_empty() && word.chars().all(|c| c.is_ascii_alphanumeric() || "-_./=+,:@%".contains(c));
    if plain {
        word.to_owned()
    } else {
        format!("'{}'", word.replace('\'', r"'\''"))
    }
}

/// A writer that writes everything to two writers.
struct Tee<A, B>(A, B);

impl<A: Write, B: Write> Write for Tee<A, B> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.0.write_all(buf)?;
        self.1.write_all(buf)?;
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        self.0.flush()?;
        self.1.flush()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn display_is_a_pasteable_shell_line() {
        let cmd = Cmd::cargo()
            .args(["build", "--features", "log,defmt"])
            .env("MIRIFLAGS", "-Zmiri-disable-isolation -Zfoo")
            .arg("it's");
        assert_eq!(
            cmd.to_string(),
            "MIRIFLAGS='-Zmiri-disable-isolation -Zfoo' cargo build --features log,defmt 'it'\\''s'"
        );
    }

    #[test]
    fn display_names_the_directory_when_not_the_root() {
        let cmd = Cmd::cargo().arg("build").dir(workspace::root().join("nostd-check"));
        assert_eq!(cmd.to_string(), "(cd nostd-check && cargo build)");
    }

    #[test]
    fn a_missing_program_is_an_error_that_names_it() {
        let err = Cmd::new("xtask-no-such-program").run().unwrap_err();
        assert!(err.to_string().contains("xtask-no-such-program"), "{err}");
    }

    #[test]
    fn a_failing_command_is_an_error_that_names_it() {
        let err = Cmd::new("false").run().unwrap_err();
        assert!(err.to_string().starts_with("`false` failed"), "{err}");
    }

    #[test]
    fn a_command_past_its_limit_is_stopped() {
        let started = Instant::now();
        let err = Cmd::new("sleep").arg("30").timeout(Duration::from_millis(300)).run().unwrap_err();
        assert!(started.elapsed() < Duration::from_secs(10));
        assert!(err.to_string().contains("limit"), "{err}");
    }

    #[test]
    fn probe_returns_stdout_only_on_success() {
        assert_eq!(Cmd::new("echo").arg("hi").probe().as_deref(), Some("hi\n"));
        assert_eq!(Cmd::new("false").probe(), None);
    }
}
