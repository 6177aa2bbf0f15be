//! Python modules through `pip`, for the seed's baseline benchmark.

use crate::command::Cmd;
use crate::error::Result;

/// Installs `package` with `python3 -m pip` unless `python3` can already
/// `import module`.
pub(crate) fn ensure_module(module: &str, package: &str) -> Result<()> {
    let import = format!("import {module}");
    if Cmd::new("python3").args(["-c", &import]).probe().is_some() {
        println!("Python module present: {module}");
        return Ok(());
    }
    Cmd::new("python3").args(["-m", "pip", "install", package]).run()
}
