//! The readiness loop: one thread accepts connections and reads the request
//! heads of all of them without blocking, and hands only complete requests
//! to handler threads. A connection that sends nothing costs a socket and a
//! slot here, never a handler.

use std::io::{self, Read, Write};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use mio::net::{TcpListener, TcpStream};
use mio::{Events, Interest, Poll, Token};

use super::head::{judge, Request, Verdict};
use super::routes::{respond, route};
use super::{HEAD_TIMEOUT, MAX_CONNECTIONS, MAX_HEAD_BYTES, MAX_PENDING};
use crate::hub::Hub;

/// The listener's token; connection slot `i` has `Token(i + 1)`.
const LISTENER: Token = Token(0);
/// How long to wait before accepting again after the OS refused to
/// (out of file descriptors or memory) with no waiting connection to drop.
const ACCEPT_RETRY: Duration = Duration::from_millis(100);
/// The answer to a connection that finds the exporter full.
const BUSY: &str = "too many connections; retry\n";

/// A connection still sending its request head.
struct Pending {
    stream: TcpStream,
    /// The head so far, at most [`MAX_HEAD_BYTES`].
    head: Vec<u8>,
    /// When it must have sent the whole head: [`HEAD_TIMEOUT`] after accept.
    deadline: Instant,
}

/// The listener, the connections sending their heads, and the count of
/// handler threads at work.
pub(super) struct Server {
    poll: Poll,
    listener: TcpListener,
    hub: &'static Hub,
    /// Connections by slot; `free` lists the empty slots.
    slots: Vec<Option<Pending>>,
    free: Vec<usize>,
    /// No waiting connection's deadline is earlier than this.
    next_deadline: Option<Instant>,
    /// When to accept again after the OS refused to.
    accept_again_at: Option<Instant>,
    handlers: Arc<AtomicUsize>,
    /// Where reads land before they are appended to a head.
    scratch: Box<[u8]>,
}

impl Server {
    /// Watches `listener` (already bound) for connections.
    pub(super) fn new(listener: std::net::TcpListener, hub: &'static Hub) -> io::Result<Server> {
        listener.set_nonblocking(true)?;
        let mut listener = TcpListener::from_std(listener);
        let poll = Poll::new()?;
        poll.registry().register(&mut listener, LISTENER, Interest::READABLE)?;
        Ok(Server {
            poll,
            listener,
            hub,
            slots: (0..MAX_PENDING).map(|_| None).collect(),
            free: (0..MAX_PENDING).rev().collect(),
            next_deadline: None,
            accept_again_at: None,
            handlers: Arc::new(AtomicUsize::new(0)),
            scratch: vec![0; MAX_HEAD_BYTES].into_boxed_slice(),
        })
    }

    /// Serves for the life of the process. It sleeps in `poll` until a
    /// connection arrives, one is readable, or the next deadline passes.
    pub(super) fn run(mut self) {
        let mut events = Events::with_capacity(256);
        loop {
            let wake = self.next_deadline.into_iter().chain(self.accept_again_at).min();
            let timeout = wake.map(|at| at.saturating_duration_since(Instant::now()));
            if let Err(error) = self.poll.poll(&mut events, timeout) {
                if error.kind() != io::ErrorKind::Interrupted {
                    // Not expected from epoll/kqueue; never spin on it.
                    std::thread::sleep(ACCEPT_RETRY);
                }
                continue;
            }
            for event in &events {
                match event.token() {
                    LISTENER => self.accept(),
                    Token(n) => self.read(n - 1),
                }
            }
            let now = Instant::now();
            if self.accept_again_at.is_some_and(|at| at <= now) {
                self.accept();
            }
            if self.next_deadline.is_some_and(|at| at <= now) {
                self.expire(now);
            }
        }
    }

    /// Accepts every connection waiting in the listener's backlog.
    fn accept(&mut self) {
        self.accept_again_at = None;
        loop {
            match self.listener.accept() {
                Ok((stream, _)) => self.admit(stream),
                Err(e) if e.kind() == io::ErrorKind::WouldBlock => return,
                // Trouble with that one connection: go on with the next.
                Err(e)
                    if matches!(
                        e.kind(),
                        io::ErrorKind::Interrupted
                            | io::ErrorKind::ConnectionAborted
                            | io::ErrorKind::ConnectionReset
                            | io::ErrorKind::PermissionDenied
                    ) => {}
                // Out of file descriptors or memory: make room by dropping
                // the oldest waiting connection, or try again shortly.
                Err(_) => {
                    if !self.evict_oldest() {
                        self.accept_again_at = Some(Instant::now() + ACCEPT_RETRY);
                        return;
                    }
                }
            }
        }
    }

    /// Starts waiting for `stream`'s request head, dropping the oldest
    /// waiting connection first if every slot is taken.
    fn admit(&mut self, mut stream: TcpStream) {
        if self.free.is_empty() {
            self.evict_oldest();
        }
        let Some(slot) = self.free.pop() else { return };
        if self.poll.registry().register(&mut stream, Token(slot + 1), Interest::READABLE).is_err() {
            self.free.push(slot);
            return;
        }
        let deadline = Instant::now() + HEAD_TIMEOUT;
        self.next_deadline.get_or_insert(deadline);
        if let Some(entry) = self.slots.get_mut(slot) {
            *entry = Some(Pending { stream, head: Vec::new(), deadline });
        }
    }

    /// Reads what `slot`'s connection has sent, until the OS has no more
    /// or its head is judged.
    fn read(&mut self, slot: usize) {
        let verdict = loop {
            let Some(pending) = self.slots.get_mut(slot).and_then(Option::as_mut) else { return };
            let room = MAX_HEAD_BYTES.saturating_sub(pending.head.len());
            let Some(buffer) = self.scratch.get_mut(..room) else { return };
            let n = match pending.stream.read(buffer) {
                Ok(0) => break None,
                Ok(n) => n,
                Err(e) if e.kind() == io::ErrorKind::WouldBlock => return,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(_) => break None,
            };
            let new = buffer.get(..n).unwrap_or_default();
            let first = pending.head.is_empty();
            // Grow by doubling but never past the limit.
            let want = (pending.head.len() + n).max(2 * pending.head.capacity()).min(MAX_HEAD_BYTES);
            pending.head.reserve_exact(want.saturating_sub(pending.head.len()));
            pending.head.extend_from_slice(new);
            // A head can only end with a line feed: judging it again only
            // then (and on its first bytes, and when full) keeps a client
            // trickling bytes from making this loop parse 8 KiB per byte.
            let full = pending.head.len() >= MAX_HEAD_BYTES;
            if first || full || new.contains(&b'\n') {
                match judge(&pending.head) {
                    Verdict::Partial => {}
                    verdict => break Some(verdict),
                }
            }
        };
        let Some(pending) = self.take(slot) else { return };
        match verdict {
            Some(Verdict::Request(request)) => self.dispatch(pending, request),
            Some(Verdict::Refuse(status, message)) => refuse(pending, status, &message),
            // Closed by the client, a read error, or nothing to answer.
            Some(Verdict::Partial) | None => {}
        }
    }

    /// Hands a complete request to a handler thread, or answers `503`
    /// when [`MAX_CONNECTIONS`] are already at work.
    fn dispatch(&mut self, pending: Pending, request: Request) {
        if self.handlers.fetch_add(1, Ordering::AcqRel) >= MAX_CONNECTIONS {
            self.handlers.fetch_sub(1, Ordering::AcqRel);
            refuse(pending, 503, BUSY);
            return;
        }
        let done = Arc::clone(&self.handlers);
        let hub = self.hub;
        let stream = std::net::TcpStream::from(pending.stream);
        let spawned = std::thread::Builder::new().name("vitals-http".into()).spawn(move || {
            let _ = answer(stream, &request, hub);
            done.fetch_sub(1, Ordering::AcqRel);
        });
        if spawned.is_err() {
            // The closure never ran, so its decrement must happen here; the
            // connection closed when the closure was dropped.
            self.handlers.fetch_sub(1, Ordering::AcqRel);
        }
    }

    /// Answers `408` to every connection past its deadline, and notes the
    /// next deadline.
    fn expire(&mut self, now: Instant) {
        let late: Vec<usize> = (0..self.slots.len())
            .filter(|&slot| self.deadline(slot).is_some_and(|deadline| deadline <= now))
            .collect();
        for slot in late {
            if let Some(pending) = self.take(slot) {
                refuse(pending, 408, "request took too long\n");
            }
        }
        self.next_deadline = (0..self.slots.len()).filter_map(|slot| self.deadline(slot)).min();
    }

    /// Drops the connection that has waited longest, answering `503`;
    /// whether there was one.
    fn evict_oldest(&mut self) -> bool {
        let oldest = (0..self.slots.len()).filter_map(|slot| Some((self.deadline(slot)?, slot))).min();
        match oldest.and_then(|(_, slot)| self.take(slot)) {
            Some(pending) => {
                refuse(pending, 503, BUSY);
                true
            }
            None => false,
        }
    }

    fn deadline(&self, slot: usize) -> Option<Instant> {
        self.slots.get(slot)?.as_ref().map(|pending| pending.deadline)
    }

    /// Removes `slot`'s connection from the loop. (`next_deadline` may now
    /// be early, which costs one needless wake-up at most.)
    fn take(&mut self, slot: usize) -> Option<Pending> {
        let mut pending = self.slots.get_mut(slot)?.take()?;
        self.free.push(slot);
        let _ = self.poll.registry().deregister(&mut pending.stream);
        Some(pending)
    }
}

/// Answers `status` and `message` without waiting (a short answer fits in
/// a fresh socket's send buffer; if not, the client is not reading) and
/// closes the connection.
fn refuse(mut pending: Pending, status: u16, message: &str) {
    let mut response = Vec::new();
    let _ = respond(&mut response, false, status, "text/plain", message.as_bytes());
    let _ = pending.stream.write_all(&response);
}

/// A handler thread's work: the response to one request, written with
/// blocking writes of at most [`HEAD_TIMEOUT`] each.
fn answer(mut stream: std::net::TcpStream, request: &Request, hub: &Hub) -> io::Result<()> {
    stream.set_nonblocking(false)?;
    stream.set_write_timeout(Some(HEAD_TIMEOUT))?;
    let (status, kind, body) = route(&request.method, &request.target, hub);
    respond(&mut stream, request.method == "HEAD", status, kind, &body)
}
