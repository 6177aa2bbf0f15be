//! The HTTP endpoint: `/metrics` in Prometheus text format,
//! `/entries?since=SEQ` as JSON Lines, and `/entries.bin?since=SEQ` in the
//! core's wire format (what `vitals decode` and the dashboard page read).
//!
//! One thread waits on every connection at once (a `mio` readiness loop)
//! until it has sent a whole request head, so connections that are idle or
//! trickle their request cost a socket and a few bytes, never a handler: up
//! to [`MAX_PENDING`] (512) of them are held, and beyond that the oldest is
//! answered `503` and closed to make room. Each must send its head, at most
//! [`MAX_HEAD_BYTES`] (8 KiB), within 5 s of connecting (`408` otherwise).
//! Only complete requests are handed to a handler thread, at most
//! [`MAX_CONNECTIONS`] (16) at once (`503` beyond), so an idle client can
//! no longer lock a scraper out. Requests are parsed by `httparse`; bodies
//! are refused (`413`), as are oversized heads (`431`) and malformed ones
//! (`400`), and the connection is closed after every answer. Nothing a
//! client sends can crash the process or make it hold more than those limits.

mod event_loop;
mod head;
mod routes;

use std::io;
use std::net::{SocketAddr, TcpListener};
use std::time::Duration;

pub use routes::metrics_text;

use crate::hub::Hub;

/// Largest request head (request line and headers) accepted.
pub const MAX_HEAD_BYTES: usize = 8 * 1024;
/// Requests answered at once, each on its own thread from its complete
/// request head to the last byte of its response; more get `503`.
/// Connections still sending their head do not count: see [`MAX_PENDING`].
pub const MAX_CONNECTIONS: usize = 16;
/// Connections held while they send their request head; when one more
/// arrives, the oldest of them is answered `503` and closed.
pub const MAX_PENDING: usize = 512;
/// Entries one `/entries` response holds at most.
pub const MAX_ENTRIES: usize = 10_000;
/// Time to send a whole request head, from the connection being accepted;
/// also the limit on each write of a response.
const HEAD_TIMEOUT: Duration = Duration::from_secs(5);

/// Why the exporter could not start.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ExporterError {
    /// The address could not be bound.
    #[error("cannot listen on {addr}: {source}. {}", bind_hint(.source))]
    Bind {
        /// The address.
        addr: String,
        /// The OS error.
        source: io::Error,
    },
}

/// What to do about a failed bind, by its cause: the port in use is not
/// the only way (a typo, an address not on this machine, a low port).
fn bind_hint(error: &io::Error) -> &'static str {
    match error.kind() {
        io::ErrorKind::AddrInUse => {
            "Is another process using the port? Pick another with --serve 127.0.0.1:PORT"
        }
        io::ErrorKind::AddrNotAvailable => {
            "That address is not on this machine: use 127.0.0.1:PORT, or 0.0.0.0:PORT for every interface"
        }
        io::ErrorKind::PermissionDenied => "Ports below 1024 need privileges: pick one above 1024",
        _ => "Give an address and port such as --serve 127.0.0.1:9184",
    }
}

/// A running exporter.
///
/// ```no_run
/// let hub = vitals_desktop::Hub::new(&Default::default());
/// let exporter = vitals_desktop::Exporter::serve("127.0.0.1:9184", hub)?;
/// println!("scrape http://{}/metrics", exporter.local_addr());
/// # Ok::<(), vitals_desktop::ExporterError>(())
/// ```
#[derive(Debug)]
pub struct Exporter {
    addr: SocketAddr,
}

impl Exporter {
    /// Binds `addr` (use `127.0.0.1:PORT`; port 0 picks a free one) and
    /// serves on a background thread for the life of the process.
    ///
    /// # Errors
    /// [`ExporterError::Bind`] naming the address and the OS reason.
    pub fn serve(addr: &str, hub: &'static Hub) -> Result<Exporter, ExporterError> {
        let bind_error = |source| ExporterError::Bind { addr: addr.to_owned(), source };
        let listener = TcpListener::bind(addr).map_err(bind_error)?;
        let local = listener.local_addr().map_err(bind_error)?;
        let server = event_loop::Server::new(listener, hub).map_err(bind_error)?;
        std::thread::Builder::new()
            .name("vitals-exporter".into())
            .spawn(move || server.run())
            .map_err(bind_error)?;
        Ok(Exporter { addr: local })
    }

    /// The address it listens on.
    pub fn local_addr(&self) -> SocketAddr {
        self.addr
    }
}
