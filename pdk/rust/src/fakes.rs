//! Fakes of the host for a plugin's native unit tests (`./build.sh test`,
//! `cargo test`): outside WebAssembly, every wrapper of [`crate::host`] is
//! answered here, so a test can run the plugin's handler end to end.
//!
//! A test sets what the host would answer, calls the handler, then reads
//! back what the plugin did:
//!
//! ```ignore
//! use fluent_pdk::fakes;
//!
//! #[test]
//! fn asks_the_api_with_the_configured_key() {
//!     fakes::config::set("api_key", "k-1");
//!     fakes::http::respond_with(200, r#"{"answer":"hi"}"#);
//!     let response = handle(Request::new("hello")).unwrap();
//!     assert_eq!(response.content, "hi");
//!     let sent = fakes::http::requests();
//!     assert_eq!(sent[0].headers[0], ("Authorization".into(), "Bearer k-1".into()));
//! }
//! ```
//!
//! Without settings the fakes behave like an empty host: configuration
//! and environment values are unset (`Ok(None)`), the cache is empty, files
//! do not exist (`Err(NotFound)`) until written or set, log lines and
//! metrics are recorded, and an HTTP request without an answer fails with
//! `HostError::Failed` naming the call to make.
//!
//! The fakes belong to the calling thread. Rust runs each test on a thread
//! of its own, so tests running in parallel never see each other's fakes;
//! [`reset`] clears the current thread's. They check no manifest: which
//! calls a plugin may make is the platform's business, tested by
//! `fluent-plugin security-test`.

use crate::host::{HostError, HttpRequest, HttpResponse, LogLevel};
use crate::json;
use alloc::collections::BTreeMap;
use alloc::string::String;
use alloc::vec::Vec;
use std::cell::RefCell;

/// Everything the fakes hold for one thread.
#[derive(Default)]
struct FakeHost {
    config: BTreeMap<String, String>,
    env: BTreeMap<String, String>,
    http_answers: Vec<(String, Result<HttpResponse, String>)>,
    http_default: Option<Result<HttpResponse, String>>,
    http_requests: Vec<HttpRequest>,
    cache: BTreeMap<String, (Vec<u8>, u32)>,
    files: BTreeMap<String, Vec<u8>>,
    log: Vec<(LogLevel, String)>,
    metrics: Vec<(i32, String, i64)>,
    imports: imports::FakeImports,
}

std::thread_local! {
    static HOST: RefCell<FakeHost> = RefCell::new(FakeHost::default());
}

fn with<T>(f: impl FnOnce(&mut FakeHost) -> T) -> T {
    HOST.with(|host| f(&mut host.borrow_mut()))
}

/// Clears every fake of the current thread: settings, answers and records.
pub fn reset() {
    with(|h| *h = FakeHost::default());
}

pub mod imports;

/// `config_get`'s answers (ConfigurationAccess).
pub mod config {
    use super::with;

    /// `config_get(key)` answers `value`.
    pub fn set(key: &str, value: &str) {
        with(|h| h.config.insert(key.into(), value.into()));
    }

    /// `config_get(key)` answers `Ok(None)` again.
    pub fn unset(key: &str) {
        with(|h| h.config.remove(key));
    }
}

/// `env_get`'s answers (EnvironmentAccess).
pub mod env {
    use super::with;

    /// `env_get(name)` answers `value`.
    pub fn set(name: &str, value: &str) {
        with(|h| h.env.insert(name.into(), value.into()));
    }

    /// `env_get(name)` answers `Ok(None)` again.
    pub fn unset(name: &str) {
        with(|h| h.env.remove(name));
    }
}

/// `http_request`'s answers and the requests made (NetworkAccess).
pub mod http {
    use super::with;
    use crate::host::{HttpRequest, HttpResponse};
    use alloc::string::String;
    use alloc::vec::Vec;

    fn response(url: &str, status: u16, body: Vec<u8>) -> HttpResponse {
        HttpResponse { status, url: url.into(), headers: Vec::new(), body }
    }

    /// Every request without an answer of its own gets this status and
    /// body (the response's `url` is the request's).
    pub fn respond_with(status: u16, body: impl Into<Vec<u8>>) {
        let answer = Ok(response("", status, body.into()));
        with(|h| h.http_default = Some(answer));
    }

    /// A request to exactly `url` gets this status and body.
    pub fn respond_to(url: &str, status: u16, body: impl Into<Vec<u8>>) {
        respond_to_with(url, response(url, status, body.into()));
    }

    /// A request to exactly `url` gets this whole response (headers in
    /// lower case, as the host gives them).
    pub fn respond_to_with(url: &str, response: HttpResponse) {
        with(|h| h.http_answers.push((url.into(), Ok(response))));
    }

    /// A request to exactly `url` gets no response: `HostError::Failed`
    /// with this message, as for a refused connection or a timeout.
    pub fn fail_to(url: &str, message: &str) {
        with(|h| h.http_answers.push((url.into(), Err(String::from(message)))));
    }

    /// The requests the plugin made, in order.
    pub fn requests() -> Vec<HttpRequest> {
        with(|h| h.http_requests.clone())
    }
}

/// The plugin's cache (CacheAccess), in memory.
pub mod cache {
    use super::with;
    use alloc::vec::Vec;

    /// Puts a value in the cache, as an earlier execution would have.
    pub fn set(key: &str, value: impl Into<Vec<u8>>) {
        with(|h| h.cache.insert(key.into(), (value.into(), 0)));
    }

    /// A value in the cache, with the `ttl_seconds` it was put with.
    pub fn get(key: &str) -> Option<(Vec<u8>, u32)> {
        with(|h| h.cache.get(key).cloned())
    }
}

/// The plugin's files (FileSystemRead, FileSystemWrite), in memory, by the
/// path the plugin names.
pub mod fs {
    use super::with;
    use alloc::vec::Vec;

    /// A file `fs_read(path)` finds.
    pub fn set_file(path: &str, contents: impl Into<Vec<u8>>) {
        with(|h| h.files.insert(path.into(), contents.into()));
    }

    /// A file's contents, as set or as the plugin wrote them.
    pub fn file(path: &str) -> Option<Vec<u8>> {
        with(|h| h.files.get(path).cloned())
    }
}

/// The plugin's log lines (LoggingAccess).
pub mod log {
    use super::with;
    use crate::host::LogLevel;
    use alloc::string::String;
    use alloc::vec::Vec;

    /// Every line logged, in order.
    pub fn lines() -> Vec<(LogLevel, String)> {
        with(|h| h.log.clone())
    }
}

/// The plugin's metrics (MetricsAccess).
pub mod metrics {
    use super::with;
    use alloc::vec::Vec;

    fn values(kind: i32, name: &str) -> Vec<i64> {
        with(|h| h.metrics.iter().filter(|(k, n, _)| *k == kind && n == name).map(|(_, _, v)| *v).collect())
    }

    /// The sum of what was added to a counter (0 if nothing was).
    pub fn counter(name: &str) -> i64 {
        values(0, name).iter().sum()
    }

    /// The last value a gauge was set to.
    pub fn gauge(name: &str) -> Option<i64> {
        values(1, name).last().copied()
    }

    /// Every duration recorded for a timer, in milliseconds, in order.
    pub fn timings(name: &str) -> Vec<i64> {
        values(2, name)
    }
}

/// The fakes behind [`crate::host`]'s wrappers, with the signatures its
/// WebAssembly imports have there.
pub(crate) mod host {
    use super::{encode, with, HostError};
    use crate::host::{HttpRequest, LogLevel};
    use alloc::format;
    use alloc::string::String;
    use alloc::vec::Vec;

    type Answer = Result<Option<Vec<u8>>, HostError>;

    fn text(value: Option<&String>) -> Answer {
        Ok(value.map(|v| v.as_bytes().to_vec()))
    }

    pub fn log(level: LogLevel, message: &str) {
        with(|h| h.log.push((level, message.into())));
    }

    pub fn http_request(request: &HttpRequest) -> Answer {
        with(|h| {
            h.http_requests.push(request.clone());
            let answer = h.http_answers.iter().rev().find(|(url, _)| *url == request.url).map(|(_, a)| a.clone());
            match answer.or_else(|| h.http_default.clone()) {
                Some(Ok(mut response)) => {
                    if response.url.is_empty() {
                        response.url = request.url.clone();
                    }
                    Ok(Some(encode(&response)))
                }
                Some(Err(message)) => Err(HostError::Failed(message)),
                None => Err(HostError::Failed(format!(
                    "no fake answer for {} {}: call fakes::http::respond_with or respond_to in the test",
                    request.method, request.url
                ))),
            }
        })
    }

    pub fn fs_read(path: &str) -> Answer {
        with(|h| Ok(h.files.get(path).cloned()))
    }

    pub fn fs_write(path: &str, data: &[u8], flags: i32) -> Answer {
        with(|h| {
            let file = h.files.entry(path.into()).or_default();
            if flags & 1 == 0 {
                file.clear();
            }
            file.extend_from_slice(data);
        });
        Ok(Some(Vec::new()))
    }

    pub fn env_get(name: &str) -> Answer {
        with(|h| text(h.env.get(name)))
    }

    pub fn config_get(key: &str) -> Answer {
        with(|h| text(h.config.get(key)))
    }

    pub fn cache_get(key: &str) -> Answer {
        with(|h| Ok(h.cache.get(key).map(|(value, _)| value.clone())))
    }

    pub fn cache_put(key: &str, value: &[u8], ttl_seconds: u32) -> Answer {
        with(|h| h.cache.insert(key.into(), (value.to_vec(), ttl_seconds)));
        Ok(Some(Vec::new()))
    }

    pub fn metric(kind: i32, name: &str, value: i64) -> Answer {
        with(|h| h.metrics.push((kind, name.into(), value)));
        Ok(Some(Vec::new()))
    }
}

/// A response as the host hands it over: a 4-byte little-endian head
/// length, the head JSON, then the body; the wrapper decodes it as it
/// decodes the host's.
fn encode(response: &HttpResponse) -> Vec<u8> {
    let mut head = String::from("{\"status\":");
    json::write_u64(&mut head, u64::from(response.status));
    head.push_str(",\"url\":");
    json::write_string(&mut head, &response.url);
    head.push_str(",\"headers\":{");
    for (i, (name, value)) in response.headers.iter().enumerate() {
        if i > 0 {
            head.push(',');
        }
        json::write_string(&mut head, name);
        head.push(':');
        json::write_string(&mut head, value);
    }
    head.push_str("}}");
    let mut out = (head.len() as u32).to_le_bytes().to_vec();
    out.extend_from_slice(head.as_bytes());
    out.extend_from_slice(&response.body);
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::host;

    #[test]
    fn an_empty_host_until_the_test_sets_it() {
        assert_eq!(host::config_get("api_key"), Ok(None));
        assert_eq!(host::env_get("HOME"), Ok(None));
        assert_eq!(host::cache_get("k"), Ok(None));
        assert_eq!(host::fs_read("a.txt"), Err(HostError::NotFound));
        let e = host::http_request(&HttpRequest::get("https://api.example.com/x")).unwrap_err();
        assert_eq!(
            e,
            HostError::Failed(String::from(
                "no fake answer for GET https://api.example.com/x: call fakes::http::respond_with or respond_to in the test"
            ))
        );
    }

    #[test]
    fn answers_what_the_test_set() {
        config::set("api_key", "k-1");
        env::set("REGION", "eu");
        assert_eq!(host::config_get("api_key"), Ok(Some(String::from("k-1"))));
        assert_eq!(host::env_get("REGION"), Ok(Some(String::from("eu"))));
        config::unset("api_key");
        assert_eq!(host::config_get("api_key"), Ok(None));

        fs::set_file("docs/a.txt", "first");
        assert_eq!(host::fs_read_string("docs/a.txt"), Ok(String::from("first")));
        host::fs_append("docs/a.txt", b" second").unwrap();
        assert_eq!(fs::file("docs/a.txt"), Some(b"first second".to_vec()));
        host::fs_write("docs/a.txt", b"new").unwrap();
        assert_eq!(fs::file("docs/a.txt"), Some(b"new".to_vec()));

        cache::set("seen", "1");
        assert_eq!(host::cache_get("seen"), Ok(Some(b"1".to_vec())));
        host::cache_put("seen", b"2", 60).unwrap();
        assert_eq!(cache::get("seen"), Some((b"2".to_vec(), 60)));
    }

    #[test]
    fn http_answers_by_url_then_the_default_and_records_requests() {
        http::respond_with(200, "default");
        http::respond_to("https://a.example/1", 404, "missing");
        http::fail_to("https://a.example/down", "connection refused");
        let mut with_headers = HttpResponse { status: 201, url: String::new(), headers: Vec::new(), body: Vec::new() };
        with_headers.headers.push((String::from("content-type"), String::from("text/plain")));
        http::respond_to_with("https://a.example/h", with_headers);

        let other = host::http_request(&HttpRequest::post("https://a.example/other", "{}")).unwrap();
        assert_eq!((other.status, other.text().unwrap(), other.url.as_str()), (200, "default", "https://a.example/other"));
        let missing = host::http_request(&HttpRequest::get("https://a.example/1")).unwrap();
        assert_eq!((missing.status, missing.body.as_slice()), (404, &b"missing"[..]));
        assert_eq!(
            host::http_request(&HttpRequest::get("https://a.example/down")),
            Err(HostError::Failed(String::from("connection refused")))
        );
        let headed = host::http_request(&HttpRequest::get("https://a.example/h")).unwrap();
        assert_eq!(headed.header("Content-Type"), Some("text/plain"));

        let sent = http::requests();
        assert_eq!(sent.len(), 4);
        assert_eq!((sent[0].method.as_str(), sent[0].body.as_slice()), ("POST", &b"{}"[..]));
    }

    #[test]
    fn records_log_lines_and_metrics() {
        host::info("started");
        host::warn("slow");
        host::counter("requests", 2).unwrap();
        host::counter("requests", 3).unwrap();
        host::gauge("queue", 7).unwrap();
        host::gauge("queue", 4).unwrap();
        host::timer_ms("latency", 12).unwrap();
        assert_eq!(log::lines(), [(LogLevel::Info, String::from("started")), (LogLevel::Warn, String::from("slow"))]);
        assert_eq!(metrics::counter("requests"), 5);
        assert_eq!(metrics::gauge("queue"), Some(4));
        assert_eq!(metrics::timings("latency"), [12]);
        assert_eq!(metrics::counter("other"), 0);
        reset();
        assert!(log::lines().is_empty());
        assert_eq!(metrics::gauge("queue"), None);
    }

    #[test]
    fn each_test_thread_has_its_own_fakes() {
        config::set("who", "this thread");
        let other = std::thread::spawn(|| host::config_get("who")).join().unwrap();
        assert_eq!(other, Ok(None));
        assert_eq!(host::config_get("who"), Ok(Some(String::from("this thread"))));
    }
}
