//! Safe wrappers for the host functions of import module `fluent`, one
//! group per capability (see `docs/abi.md`, section 7, and
//! `docs/capabilities.md`).
//!
//! A plugin may call a wrapper only if its manifest declares the matching
//! capability: the host refuses at load a module that imports a function
//! of an undeclared capability. Each wrapper is a separate import, and the
//! linker keeps only the imports a plugin actually calls, so a plugin
//! imports exactly what it uses.
//!
//! | wrappers | capability |
//! |---|---|
//! | [`log`], [`trace`], [`debug`], [`info`], [`warn`], [`error`] | `LoggingAccess` |
//! | [`http_request`] | `NetworkAccess` |
//! | [`fs_read`], [`fs_read_string`] | `FileSystemRead` |
//! | [`fs_write`], [`fs_append`] | `FileSystemWrite` |
//! | [`env_get`] | `EnvironmentAccess` |
//! | [`config_get`] | `ConfigurationAccess` |
//! | [`cache_get`], [`cache_put`] | `CacheAccess` |
//! | [`counter`], [`gauge`], [`timer_ms`] | `MetricsAccess` |
//!
//! Two kinds of failure. What the plugin may handle (a cache miss, a
//! refused connection, a missing file) comes back as `Ok(None)` or a
//! [`HostError`]. What breaks the plugin's grant (a host not in
//! `allowed_hosts`, a path outside `allowed_file_paths`, a variable the
//! operator does not expose, a limit passed) ends the execution on the host
//! side: the call does not return, and the caller of the plugin gets the
//! host's error code (`ACCESS_DENIED`, `LIMIT_EXCEEDED` …).
//!
//! Outside WebAssembly (in native unit tests) the wrappers are served by
//! the fakes of [`crate::fakes`], which a test sets (`fakes::config::set`,
//! `fakes::http::respond_with` …) and reads back (`fakes::log::lines` …).
//!
//! The functions of capabilities that other bundles add live in import
//! modules of their own: [`crate::import_module!`] declares them (see
//! [`crate::imports`]).

use crate::json::{self, Value};
use alloc::string::String;
use alloc::vec::Vec;
use core::fmt;

/// Result status: not found (a cache miss, an unset key, a missing file).
const NOT_FOUND: i64 = -1;
/// Result status: failed; `last_error` has the message.
const FAILED: i64 = -2;

/// What one host call answered: data (possibly empty), `None` for not
/// found, or a failure the plugin may handle.
type Answer = Result<Option<Vec<u8>>, HostError>;

/// The host's side of each call, in WebAssembly: the `fluent` imports, with
/// pointers and lengths as the ABI passes them. Natively, `crate::fakes`
/// answers the same functions.
#[cfg(target_arch = "wasm32")]
mod sys {
    use super::{decode, Answer, HttpRequest, LogLevel};
    use alloc::string::String;

    mod ffi {
        #[link(wasm_import_module = "fluent")]
        extern "C" {
            pub fn log(level: i32, ptr: i32, len: i32);
            pub fn http_request(head_ptr: i32, head_len: i32, body_ptr: i32, body_len: i32) -> i64;
            pub fn fs_read(path_ptr: i32, path_len: i32) -> i64;
            pub fn fs_write(path_ptr: i32, path_len: i32, data_ptr: i32, data_len: i32, flags: i32) -> i64;
            pub fn env_get(name_ptr: i32, name_len: i32) -> i64;
            pub fn config_get(key_ptr: i32, key_len: i32) -> i64;
            pub fn cache_get(key_ptr: i32, key_len: i32) -> i64;
            pub fn cache_put(key_ptr: i32, key_len: i32, value_ptr: i32, value_len: i32, ttl_seconds: i32) -> i64;
            pub fn metric(kind: i32, name_ptr: i32, name_len: i32, value: i64) -> i64;
            pub fn last_error() -> i64;
        }
    }

    /// A pointer and length as the ABI passes them.
    fn raw(bytes: &[u8]) -> (i32, i32) {
        (bytes.as_ptr() as usize as i32, bytes.len() as i32)
    }

    fn answer(result: i64) -> Answer {
        decode(result, last_error)
    }

    pub(super) fn last_error() -> String {
        // SAFETY: an import of the host; it takes no arguments.
        let result = unsafe { ffi::last_error() };
        match decode(result, || String::new()) {
            Ok(Some(bytes)) if !bytes.is_empty() => {
                String::from_utf8(bytes).unwrap_or_else(|_| String::from("the host call failed"))
            }
            _ => String::from("the host call failed"),
        }
    }

    pub fn log(level: LogLevel, message: &str) {
        let (ptr, len) = raw(message.as_bytes());
        // SAFETY: ptr/len describe `message`, alive for the call.
        unsafe { ffi::log(level as i32, ptr, len) }
    }

    pub fn http_request(request: &HttpRequest) -> Answer {
        let head = request.head_json();
        let (head_ptr, head_len) = raw(head.as_bytes());
        let (body_ptr, body_len) = raw(&request.body);
        // SAFETY: the pointers describe `head` and `request.body`, alive for the call.
        answer(unsafe { ffi::http_request(head_ptr, head_len, body_ptr, body_len) })
    }

    pub fn fs_read(path: &str) -> Answer {
        let (ptr, len) = raw(path.as_bytes());
        // SAFETY: ptr/len describe `path`, alive for the call.
        answer(unsafe { ffi::fs_read(ptr, len) })
    }

    pub fn fs_write(path: &str, data: &[u8], flags: i32) -> Answer {
        let (path_ptr, path_len) = raw(path.as_bytes());
        let (data_ptr, data_len) = raw(data);
        // SAFETY: the pointers describe `path` and `data`, alive for the call.
        answer(unsafe { ffi::fs_write(path_ptr, path_len, data_ptr, data_len, flags) })
    }

    pub fn env_get(name: &str) -> Answer {
        let (ptr, len) = raw(name.as_bytes());
        // SAFETY: ptr/len describe `name`, alive for the call.
        answer(unsafe { ffi::env_get(ptr, len) })
    }

    pub fn config_get(key: &str) -> Answer {
        let (ptr, len) = raw(key.as_bytes());
        // SAFETY: ptr/len describe `key`, alive for the call.
        answer(unsafe { ffi::config_get(ptr, len) })
    }

    pub fn cache_get(key: &str) -> Answer {
        let (ptr, len) = raw(key.as_bytes());
        // SAFETY: ptr/len describe `key`, alive for the call.
        answer(unsafe { ffi::cache_get(ptr, len) })
    }

    pub fn cache_put(key: &str, value: &[u8], ttl_seconds: u32) -> Answer {
        let (key_ptr, key_len) = raw(key.as_bytes());
        let (value_ptr, value_len) = raw(value);
        // SAFETY: the pointers describe `key` and `value`, alive for the call.
        answer(unsafe { ffi::cache_put(key_ptr, key_len, value_ptr, value_len, ttl_seconds as i32) })
    }

    pub fn metric(kind: i32, name: &str, value: i64) -> Answer {
        let (ptr, len) = raw(name.as_bytes());
        // SAFETY: ptr/len describe `name`, alive for the call.
        answer(unsafe { ffi::metric(kind, ptr, len, value) })
    }
}

#[cfg(not(target_arch = "wasm32"))]
use crate::fakes::host as sys;

/// Decodes the result of a function of any import module, as the wrappers
/// here decode theirs (for [`crate::import_module!`]).
#[doc(hidden)]
#[cfg(target_arch = "wasm32")]
pub fn __decode_with_last_error(result: i64) -> Answer {
    decode(result, sys::last_error)
}

/// A failure of a host call that the plugin may handle.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum HostError {
    /// The file (or other thing) asked for does not exist.
    NotFound,
    /// The operation failed; the message says why (a refused connection, a
    /// timeout, a folder that does not exist …).
    Failed(String),
    /// The host returned something this PDK does not know.
    Unavailable,
}

impl fmt::Display for HostError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            HostError::NotFound => f.write_str("not found"),
            HostError::Failed(message) => f.write_str(message),
            HostError::Unavailable => f.write_str("no Fluent host is available"),
        }
    }
}

/// Error code a [`HostError`] becomes as a [`PluginError`] (through `?`).
pub const HOST_ERROR: &str = "HOST_ERROR";

impl From<HostError> for crate::PluginError {
    /// `NotFound` becomes code `NOT_FOUND`; the others [`HOST_ERROR`], with the host's message.
    fn from(e: HostError) -> crate::PluginError {
        let code = if e == HostError::NotFound { "NOT_FOUND" } else { HOST_ERROR };
        crate::PluginError::new(code, alloc::format!("{}", e))
    }
}

/// Decodes a host function's `i64` result (docs/abi.md, section 7): the
/// bytes of a buffer result, `Ok(None)` for NOT_FOUND, `Ok(Some(empty))` for
/// 0, and for FAILED the message `last_error` gives.
#[cfg_attr(not(target_arch = "wasm32"), allow(dead_code))]
fn decode(result: i64, last_error: impl FnOnce() -> String) -> Answer {
    if result == 0 {
        return Ok(Some(Vec::new()));
    }
    if result == NOT_FOUND {
        return Ok(None);
    }
    if result == FAILED {
        return Err(HostError::Failed(last_error()));
    }
    if result < 0 {
        return Err(HostError::Unavailable);
    }
    let ptr = (result as u64 & 0xFFFF_FFFF) as usize;
    let len = (result as u64 >> 32) as usize;
    crate::abi::take_buffer(ptr, len).map(Some).ok_or(HostError::Unavailable)
}

fn text(answer: Answer) -> Result<Option<String>, HostError> {
    match answer? {
        None => Ok(None),
        Some(bytes) => String::from_utf8(bytes)
            .map(Some)
            .map_err(|_| HostError::Failed(String::from("the host returned text that is not UTF-8"))),
    }
}

// ---------------------------------------------------------------- logging

/// Severity of a log line.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LogLevel {
    Trace = 0,
    Debug = 1,
    Info = 2,
    Warn = 3,
    Error = 4,
}

/// Writes one line to the plugin's log (`LoggingAccess`). The host escapes
/// control characters, cuts long lines and drops lines beyond the
/// operator's rate; a flood of calls in one execution ends it.
pub fn log(level: LogLevel, message: &str) {
    sys::log(level, message)
}

pub fn trace(message: &str) {
    log(LogLevel::Trace, message)
}

pub fn debug(message: &str) {
    log(LogLevel::Debug, message)
}

pub fn info(message: &str) {
    log(LogLevel::Info, message)
}

pub fn warn(message: &str) {
    log(LogLevel::Warn, message)
}

pub fn error(message: &str) {
    log(LogLevel::Error, message)
}

// ---------------------------------------------------------------- network

/// An HTTP request for [`http_request`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HttpRequest {
    /// `GET`, `HEAD`, `POST`, `PUT`, `PATCH`, `DELETE` or `OPTIONS`.
    pub method: String,
    /// An `http` or `https` URL whose host is in the plugin's `allowed_hosts`.
    pub url: String,
    /// Header names and values. `Host`, `Content-Length`, `Connection`,
    /// `Expect` and `Upgrade` are the host's.
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl HttpRequest {
    pub fn new(method: impl Into<String>, url: impl Into<String>) -> HttpRequest {
        HttpRequest { method: method.into(), url: url.into(), headers: Vec::new(), body: Vec::new() }
    }

    pub fn get(url: impl Into<String>) -> HttpRequest {
        HttpRequest::new("GET", url)
    }

    pub fn post(url: impl Into<String>, body: impl Into<Vec<u8>>) -> HttpRequest {
        HttpRequest::new("POST", url).with_body(body)
    }

    pub fn with_header(mut self, name: impl Into<String>, value: impl Into<String>) -> HttpRequest {
        self.headers.push((name.into(), value.into()));
        self
    }

    pub fn with_body(mut self, body: impl Into<Vec<u8>>) -> HttpRequest {
        self.body = body.into();
        self
    }

    /// The head as the host reads it: `{"method":…,"url":…,"headers":{…}}`.
    pub fn head_json(&self) -> String {
        let mut out = String::new();
        out.push_str("{\"method\":");
        json::write_string(&mut out, &self.method);
        out.push_str(",\"url\":");
        json::write_string(&mut out, &self.url);
        out.push_str(",\"headers\":{");
        for (i, (name, value)) in self.headers.iter().enumerate() {
            if i > 0 {
                out.push(',');
            }
            json::write_string(&mut out, name);
            out.push(':');
            json::write_string(&mut out, value);
        }
        out.push_str("}}");
        out
    }
}

/// The response to an [`HttpRequest`], after any redirects.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HttpResponse {
    pub status: u16,
    /// The URL that answered (the last one, after redirects).
    pub url: String,
    /// Header names in lower case; repeated headers joined with `", "`.
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl HttpResponse {
    /// A header's value; the name in any case.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    /// Whether the status is 2xx.
    pub fn is_success(&self) -> bool {
        (200..300).contains(&self.status)
    }

    /// The body as UTF-8 text.
    pub fn text(&self) -> Result<&str, HostError> {
        core::str::from_utf8(&self.body)
            .map_err(|_| HostError::Failed(String::from("the response body is not UTF-8")))
    }

    /// Decodes the host's result: a 4-byte little-endian head length, the
    /// head JSON (`status`, `url`, `headers`), then the body.
    pub fn decode(mut bytes: Vec<u8>) -> Result<HttpResponse, HostError> {
        let bad = || HostError::Failed(String::from("the host returned a malformed HTTP response"));
        if bytes.len() < 4 {
            return Err(bad());
        }
        let head_len = u32::from_le_bytes([bytes[0], bytes[1], bytes[2], bytes[3]]) as usize;
        if bytes.len() - 4 < head_len {
            return Err(bad());
        }
        let body = bytes.split_off(4 + head_len);
        let head_text = core::str::from_utf8(&bytes[4..]).map_err(|_| bad())?;
        let head = json::parse(head_text).map_err(|_| bad())?;
        let status = head.get("status").and_then(Value::as_u64).filter(|s| *s <= 999).ok_or_else(bad)? as u16;
        let url = String::from(head.get("url").and_then(Value::as_str).unwrap_or(""));
        let mut headers = Vec::new();
        if let Some(members) = head.get("headers").and_then(Value::as_object) {
            for (name, value) in members {
                if let Some(v) = value.as_str() {
                    headers.push((name.clone(), String::from(v)));
                }
            }
        }
        Ok(HttpResponse { status, url, headers, body })
    }
}

/// Sends an HTTP request (`NetworkAccess`). Any status, 4xx and 5xx
/// included, is `Ok`; `Err(Failed)` means no response (refused connection,
/// timeout, TLS failure, unknown host). A host outside `allowed_hosts`, a
/// private address, a redirect to either, more than `max_network_requests`
/// requests, or a body over the operator's cap end the execution.
pub fn http_request(request: &HttpRequest) -> Result<HttpResponse, HostError> {
    match sys::http_request(request)? {
        Some(bytes) => HttpResponse::decode(bytes),
        None => Err(HostError::NotFound),
    }
}

// ------------------------------------------------------------- file system

/// Reads a whole file (`FileSystemRead`). Relative paths are under the
/// plugin's data folder. A missing file is `Err(NotFound)`; a path outside
/// `allowed_file_paths` (`..`, a symbolic link out) or a file larger than
/// `max_file_size_mb` ends the execution.
pub fn fs_read(path: &str) -> Result<Vec<u8>, HostError> {
    sys::fs_read(path)?.ok_or(HostError::NotFound)
}

/// [`fs_read`] as UTF-8 text.
pub fn fs_read_string(path: &str) -> Result<String, HostError> {
    String::from_utf8(fs_read(path)?).map_err(|_| HostError::Failed(alloc::format!("'{}' is not UTF-8 text", path)))
}

/// Writes a whole file, replacing it (`FileSystemWrite`). Its folder must
/// exist (the plugin's data folder is created for it).
pub fn fs_write(path: &str, data: &[u8]) -> Result<(), HostError> {
    write(path, data, 0)
}

/// Appends to a file, creating it if needed (`FileSystemWrite`).
pub fn fs_append(path: &str, data: &[u8]) -> Result<(), HostError> {
    write(path, data, 1)
}

fn write(path: &str, data: &[u8], flags: i32) -> Result<(), HostError> {
    sys::fs_write(path, data, flags).map(|_| ())
}

// ----------------------------------------------- environment, configuration

/// An environment variable the operator exposes to this plugin
/// (`EnvironmentAccess`); `Ok(None)` if it is exposed but not set. Asking
/// for one that is not exposed ends the execution.
pub fn env_get(name: &str) -> Result<Option<String>, HostError> {
    text(sys::env_get(name))
}

/// A value of this plugin's own configuration (`ConfigurationAccess`), set
/// by the operator; `Ok(None)` if the key is not set.
pub fn config_get(key: &str) -> Result<Option<String>, HostError> {
    text(sys::config_get(key))
}

// ------------------------------------------------------------------ cache

/// A value of this plugin's cache (`CacheAccess`); `Ok(None)` if absent or
/// expired. Keys are 1 to 256 bytes.
pub fn cache_get(key: &str) -> Result<Option<Vec<u8>>, HostError> {
    sys::cache_get(key)
}

/// Stores a value in this plugin's cache (`CacheAccess`) for `ttl_seconds`
/// (0: the operator's default; longer than the operator's maximum is
/// shortened). The cache is bounded: old entries make room for new ones.
/// Writing more than the whole cache in one execution ends it.
pub fn cache_put(key: &str, value: &[u8], ttl_seconds: u32) -> Result<(), HostError> {
    sys::cache_put(key, value, ttl_seconds).map(|_| ())
}

// ---------------------------------------------------------------- metrics

fn metric(kind: i32, name: &str, value: i64) -> Result<(), HostError> {
    sys::metric(kind, name, value).map(|_| ())
}

/// Adds to a counter (`MetricsAccess`). Names: 1-64 of `a-z 0-9 _ . -`.
pub fn counter(name: &str, delta: u64) -> Result<(), HostError> {
    metric(0, name, delta.min(i64::MAX as u64) as i64)
}

/// Sets a gauge (`MetricsAccess`).
pub fn gauge(name: &str, value: i64) -> Result<(), HostError> {
    metric(1, name, value)
}

/// Records a duration in milliseconds (`MetricsAccess`).
pub fn timer_ms(name: &str, millis: u64) -> Result<(), HostError> {
    metric(2, name, millis.min(i64::MAX as u64) as i64)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn encodes_request_heads() {
        let r = HttpRequest::post("https://api.example.com/v1?q=\"x\"", "{}")
            .with_header("Authorization", "Bearer k")
            .with_header("Content-Type", "application/json");
        assert_eq!(
            r.head_json(),
            r#"{"method":"POST","url":"https://api.example.com/v1?q=\"x\"","headers":{"Authorization":"Bearer k","Content-Type":"application/json"}}"#
        );
        assert_eq!(HttpRequest::get("http://h/").head_json(), r#"{"method":"GET","url":"http://h/","headers":{}}"#);
    }

    #[test]
    fn decodes_responses() {
        let head = br#"{"status":404,"url":"https://h/x","headers":{"content-type":"text/plain"}}"#;
        let mut bytes = (head.len() as u32).to_le_bytes().to_vec();
        bytes.extend_from_slice(head);
        bytes.extend_from_slice(b"not here");
        let r = HttpResponse::decode(bytes).unwrap();
        assert_eq!(r.status, 404);
        assert!(!r.is_success());
        assert_eq!(r.header("Content-Type"), Some("text/plain"));
        assert_eq!(r.text().unwrap(), "not here");
        assert_eq!(r.url, "https://h/x");
        assert!(HttpResponse::decode(vec![9, 0, 0, 0, b'{']).is_err());
        assert!(HttpResponse::decode(vec![1, 0]).is_err());
    }

    #[test]
    fn host_errors_become_plugin_errors() {
        let e: crate::PluginError = HostError::Failed(String::from("connection refused")).into();
        assert_eq!((e.code.as_str(), e.message.as_str()), (HOST_ERROR, "connection refused"));
        let e: crate::PluginError = HostError::NotFound.into();
        assert_eq!(e.code, "NOT_FOUND");
    }

    #[test]
    fn maps_statuses() {
        let why = || String::from("connection refused");
        assert_eq!(decode(0, why), Ok(Some(Vec::new())));
        assert_eq!(decode(NOT_FOUND, why), Ok(None));
        assert_eq!(decode(-7, why), Err(HostError::Unavailable));
        assert_eq!(decode(FAILED, why), Err(HostError::Failed(String::from("connection refused"))));
    }
}
