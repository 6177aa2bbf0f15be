//! What the bytes of a request head received so far call for: wait for
//! more, answer the request, or refuse it.

use super::MAX_HEAD_BYTES;

/// A complete request head's method and target.
#[derive(Debug, PartialEq, Eq)]
pub(super) struct Request {
    /// `GET`, `HEAD`, …
    pub(super) method: String,
    /// The path and query, as sent.
    pub(super) target: String,
}

/// The verdict on a request head so far.
#[derive(Debug, PartialEq, Eq)]
pub(super) enum Verdict {
    /// Not a whole head yet, and nothing wrong so far: wait for more.
    Partial,
    /// A whole request, to answer.
    Request(Request),
    /// Answer this status and message, then close.
    Refuse(u16, String),
}

/// Judges `head`, the bytes received so far (at most [`MAX_HEAD_BYTES`]).
pub(super) fn judge(head: &[u8]) -> Verdict {
    let mut headers = [httparse::EMPTY_HEADER; 32];
    let mut request = httparse::Request::new(&mut headers);
    match request.parse(head) {
        Ok(httparse::Status::Complete(_)) => {
            let content_length = request
                .headers
                .iter()
                .find(|h| h.name.eq_ignore_ascii_case("content-length"))
                .and_then(|h| std::str::from_utf8(h.value).ok()?.trim().parse::<u64>().ok());
            let chunked = request.headers.iter().any(|h| h.name.eq_ignore_ascii_case("transfer-encoding"));
            if content_length.is_some_and(|n| n > 0) || chunked {
                return Verdict::Refuse(413, "request bodies are not accepted\n".to_owned());
            }
            Verdict::Request(Request {
                method: request.method.unwrap_or("").to_owned(),
                target: request.path.unwrap_or("/").to_owned(),
            })
        }
        Ok(httparse::Status::Partial) if head.len() >= MAX_HEAD_BYTES => {
            Verdict::Refuse(431, "request head larger than 8 KiB\n".to_owned())
        }
        Ok(httparse::Status::Partial) => Verdict::Partial,
        Err(error) => Verdict::Refuse(400, format!("malformed request: {error}\n")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn refused(head: &[u8]) -> u16 {
        match judge(head) {
            Verdict::Refuse(status, _) => status,
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn a_whole_get_is_a_request_and_a_prefix_of_one_is_partial() {
        let head = b"GET /metrics?x=1 HTTP/1.1\r\nHost: a\r\n\r\n";
        let wanted = Request { method: "GET".into(), target: "/metrics?x=1".into() };
        assert_eq!(judge(head), Verdict::Request(wanted));
        for end in 0..head.len() {
            assert_eq!(judge(&head[..end]), Verdict::Partial, "{end}");
        }
    }

    #[test]
    fn bodies_oversized_and_malformed_heads_are_refused() {
        assert_eq!(refused(b"POST / HTTP/1.1\r\nContent-Length: 3\r\n\r\n"), 413);
        assert_eq!(refused(b"GET / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n"), 413);
        let mut long = b"GET / HTTP/1.1\r\nX: ".to_vec();
        long.resize(MAX_HEAD_BYTES, b'a');
        assert_eq!(refused(&long), 431);
        assert_eq!(refused(b"GET /metrics\r\n\r\n"), 400);
        assert_eq!(refused(b"PRI * HTTP/2.0\r\n\r\n"), 400);
        // An empty body is no body.
        assert!(matches!(judge(b"GET / HTTP/1.1\r\nContent-Length: 0\r\n\r\n"), Verdict::Request(_)));
    }
}
