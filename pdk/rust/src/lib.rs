//! Plugin development kit for Fluent plugins written in Rust.
//!
//! A plugin is a function from [`Request`] to [`Response`] (or a
//! [`PluginError`]); [`fluent_plugin!`] turns it into a WebAssembly module
//! that speaks ABI version 1 (see `docs/abi.md` in the repository):
//!
//! ```ignore
//! use fluent_pdk::{fluent_plugin, PluginError, Request, Response};
//!
//! fn handle(request: Request) -> Result<Response, PluginError> {
//!     Ok(Response::new(request.payload).with_model("echo"))
//! }
//!
//! fluent_plugin!(handle);
//! ```
//!
//! The crate has no dependencies and, in WebAssembly, needs only `core` and
//! `alloc`, so it works in `std` and `no_std` plugins alike. Build the plugin
//! as a `cdylib` for `wasm32-wasip1` (`wasm32-wasi` before Rust 1.78) or
//! `wasm32-unknown-unknown`. Natively (a plugin's unit tests) it uses `std`
//! for [`fakes`], which stand in for the host.

#![cfg_attr(all(target_arch = "wasm32", not(test)), no_std)]

extern crate alloc;

pub mod abi;
#[cfg(not(target_arch = "wasm32"))]
pub mod fakes;
pub mod host;
pub mod imports;
pub mod json;

use alloc::string::String;
use core::fmt;

pub use json::{JsonError, Value};

/// The ABI version this crate implements; `fluent_abi_version` returns it.
pub const ABI_VERSION: i32 = 1;

/// Largest request the host sends, in bytes.
pub const MAX_REQUEST_BYTES: usize = 16 * 1024 * 1024;

/// Largest response JSON the host accepts, in bytes (the frame's length field).
pub const MAX_RESPONSE_BYTES: usize = 16 * 1024 * 1024;

/// Error code the PDK uses when the request cannot be decoded.
pub const BAD_REQUEST: &str = "BAD_REQUEST";

/// Error code the PDK uses when the handler's response exceeds [`MAX_RESPONSE_BYTES`].
pub const RESPONSE_TOO_LARGE: &str = "RESPONSE_TOO_LARGE";

/// One execution's input.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Request {
    /// The flow the request belongs to, if the caller named one.
    pub flowname: Option<String>,
    /// The caller's input text.
    pub payload: String,
    /// The host's id for this execution (for logs and correlation).
    pub request_id: Option<String>,
}

impl Request {
    /// A request with this payload and no flow name or id.
    pub fn new(payload: impl Into<String>) -> Request {
        Request { flowname: None, payload: payload.into(), request_id: None }
    }

    pub fn with_flowname(mut self, flowname: impl Into<String>) -> Request {
        self.flowname = Some(flowname.into());
        self
    }

    pub fn with_request_id(mut self, request_id: impl Into<String>) -> Request {
        self.request_id = Some(request_id.into());
        self
    }

    /// Decodes the request JSON the host sends. Unknown members are ignored;
    /// errors carry the code [`BAD_REQUEST`].
    pub fn from_json(text: &str) -> Result<Request, PluginError> {
        let mut value = json::parse(text)
            .map_err(|e| PluginError::bad_request(alloc::format!("request is not valid JSON: {}", e)))?;
        if !matches!(value, Value::Object(_)) {
            return Err(PluginError::bad_request("request must be a JSON object"));
        }
        let payload = match value.take("payload") {
            Some(Value::String(s)) => s,
            Some(_) => return Err(PluginError::bad_request("request field 'payload' must be a string")),
            None => return Err(PluginError::bad_request("request field 'payload' is missing")),
        };
        let flowname = optional_string(&mut value, "flowname")?;
        let request_id = optional_string(&mut value, "request_id")?;
        Ok(Request { flowname, payload, request_id })
    }

    /// Encodes the request as the host would send it (useful in tests).
    pub fn to_json(&self) -> String {
        let mut out = String::new();
        out.push_str("{\"flowname\":");
        match &self.flowname {
            Some(name) => json::write_string(&mut out, name),
            None => out.push_str("null"),
        }
        out.push_str(",\"payload\":");
        json::write_string(&mut out, &self.payload);
        if let Some(id) = &self.request_id {
            out.push_str(",\"request_id\":");
            json::write_string(&mut out, id);
        }
        out.push('}');
        out
    }
}

fn optional_string(value: &mut Value, key: &'static str) -> Result<Option<String>, PluginError> {
    match value.take(key) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) => Ok(Some(s)),
        Some(_) => Err(PluginError::bad_request(alloc::format!(
            "request field '{}' must be a string or null",
            key
        ))),
    }
}

/// Token counts. Each is at most 2^63 - 1.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Usage {
    pub prompt_tokens: u64,
    pub completion_tokens: u64,
    pub total_tokens: u64,
}

impl Usage {
    /// Usage with `total_tokens` = `prompt_tokens` + `completion_tokens`.
    pub fn new(prompt_tokens: u64, completion_tokens: u64) -> Usage {
        Usage {
            prompt_tokens,
            completion_tokens,
            total_tokens: prompt_tokens.saturating_add(completion_tokens),
        }
    }
}

/// Costs, in whatever currency unit the plugin documents. Must be finite.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Cost {
    pub prompt_cost: f64,
    pub completion_cost: f64,
    pub total_cost: f64,
}

impl Cost {
    pub const ZERO: Cost = Cost { prompt_cost: 0.0, completion_cost: 0.0, total_cost: 0.0 };

    /// Cost with `total_cost` = `prompt_cost` + `completion_cost`.
    pub fn new(prompt_cost: f64, completion_cost: f64) -> Cost {
        Cost { prompt_cost, completion_cost, total_cost: prompt_cost + completion_cost }
    }
}

/// One execution's successful output.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Response {
    pub content: String,
    pub usage: Usage,
    pub model: Option<String>,
    pub finish_reason: Option<String>,
    pub cost: Cost,
}

impl Response {
    /// A response with this content, zero usage and cost, no model and no
    /// finish reason.
    pub fn new(content: impl Into<String>) -> Response {
        Response { content: content.into(), ..Response::default() }
    }

    pub fn with_usage(mut self, usage: Usage) -> Response {
        self.usage = usage;
        self
    }

    /// Same as `with_usage(Usage::new(prompt_tokens, completion_tokens))`.
    pub fn with_tokens(self, prompt_tokens: u64, completion_tokens: u64) -> Response {
        self.with_usage(Usage::new(prompt_tokens, completion_tokens))
    }

    pub fn with_model(mut self, model: impl Into<String>) -> Response {
        self.model = Some(model.into());
        self
    }

    pub fn with_finish_reason(mut self, finish_reason: impl Into<String>) -> Response {
        self.finish_reason = Some(finish_reason.into());
        self
    }

    pub fn with_cost(mut self, cost: Cost) -> Response {
        self.cost = cost;
        self
    }

    /// The response JSON. `model` and `finish_reason` are left out when `None`.
    pub fn to_json(&self) -> String {
        let mut out = String::new();
        self.write_json(&mut out);
        out
    }

    /// An upper bound of the length of [`Response::to_json`], so the output
    /// (megabytes, for a large content) is allocated once.
    fn json_len_bound(&self) -> usize {
        // Member names and punctuation take under 200 bytes; each of the
        // three integers at most 20, each of the three floats at most 25.
        let opt = |s: &Option<String>| s.as_deref().map_or(0, json::string_len);
        json::string_len(&self.content) + opt(&self.model) + opt(&self.finish_reason) + 200 + 60 + 75
    }

    /// Appends the response JSON to `out`.
    pub fn write_json(&self, out: &mut String) {
        out.reserve(self.json_len_bound());
        out.push_str("{\"content\":");
        json::write_string(out, &self.content);
        out.push_str(",\"usage\":{\"prompt_tokens\":");
        json::write_u64(out, self.usage.prompt_tokens);
        out.push_str(",\"completion_tokens\":");
        json::write_u64(out, self.usage.completion_tokens);
        out.push_str(",\"total_tokens\":");
        json::write_u64(out, self.usage.total_tokens);
        out.push('}');
        if let Some(model) = &self.model {
            out.push_str(",\"model\":");
            json::write_string(out, model);
        }
        if let Some(reason) = &self.finish_reason {
            out.push_str(",\"finish_reason\":");
            json::write_string(out, reason);
        }
        out.push_str(",\"cost\":{\"prompt_cost\":");
        json::write_f64(out, self.cost.prompt_cost);
        out.push_str(",\"completion_cost\":");
        json::write_f64(out, self.cost.completion_cost);
        out.push_str(",\"total_cost\":");
        json::write_f64(out, self.cost.total_cost);
        out.push_str("}}");
    }
}

/// A failure the plugin reports on purpose. The host passes `code` and
/// `message` on to the caller as a `PLUGIN_ERROR`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PluginError {
    /// A stable, machine-readable code, by convention `UPPER_SNAKE_CASE`.
    pub code: String,
    /// Text for a human: what went wrong and, where possible, how to fix it.
    pub message: String,
}

impl PluginError {
    pub fn new(code: impl Into<String>, message: impl Into<String>) -> PluginError {
        PluginError { code: code.into(), message: message.into() }
    }

    /// An error with the code [`BAD_REQUEST`].
    pub fn bad_request(message: impl Into<String>) -> PluginError {
        PluginError::new(BAD_REQUEST, message)
    }

    /// The error response JSON: `{"error":{"code":…,"message":…}}`.
    pub fn to_json(&self) -> String {
        let mut out = String::new();
        self.write_json(&mut out);
        out
    }

    /// Appends the error response JSON to `out`.
    pub fn write_json(&self, out: &mut String) {
        out.push_str("{\"error\":{\"code\":");
        json::write_string(out, &self.code);
        out.push_str(",\"message\":");
        json::write_string(out, &self.message);
        out.push_str("}}");
    }
}

impl fmt::Display for PluginError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.code, self.message)
    }
}

/// Generates the module's ABI exports (`fluent_abi_version`, `fluent_alloc`,
/// `execute_request`) around a handler
/// `fn(Request) -> Result<Response, PluginError>`.
///
/// Use it once, in the plugin's crate root; build the crate as a `cdylib`.
/// A request that cannot be decoded is answered with a `BAD_REQUEST` error
/// without calling the handler. A panic in the handler aborts: the host
/// reports the execution as a `TRAP`.
#[macro_export]
macro_rules! fluent_plugin {
    ($handler:expr) => {
        #[no_mangle]
        pub extern "C" fn fluent_abi_version() -> i32 {
            $crate::ABI_VERSION
        }

        #[no_mangle]
        pub extern "C" fn fluent_alloc(size: i32) -> i32 {
            $crate::abi::fluent_alloc(size)
        }

        #[no_mangle]
        pub extern "C" fn execute_request(ptr: i32, len: i32) -> i32 {
            $crate::abi::execute_request(ptr, len, $handler)
        }
    };
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decodes_request_and_ignores_unknown_fields() {
        let r = Request::from_json(
            r#"{"flowname":"f","payload":"p \u00e9","request_id":"r-1","extra":{"x":[1]}}"#,
        )
        .unwrap();
        assert_eq!(r, Request::new("p é").with_flowname("f").with_request_id("r-1"));
        let r = Request::from_json(r#"{"payload":"","flowname":null}"#).unwrap();
        assert_eq!(r, Request::new(""));
    }

    #[test]
    fn rejects_bad_requests_with_bad_request_code() {
        for (text, message) in [
            ("", "request is not valid JSON: unexpected end of input at byte 0"),
            ("[]", "request must be a JSON object"),
            ("{\"flowname\":null}", "request field 'payload' is missing"),
            ("{\"payload\":1}", "request field 'payload' must be a string"),
            ("{\"payload\":\"\",\"flowname\":2}", "request field 'flowname' must be a string or null"),
            ("{\"payload\":\"\",\"request_id\":[]}", "request field 'request_id' must be a string or null"),
            ("{\"payload\":\"a\",\"payload\":\"b\"}", "request is not valid JSON: duplicate member name in object at byte 0"),
        ] {
            let e = Request::from_json(text).unwrap_err();
            assert_eq!(e.code, BAD_REQUEST, "{}", text);
            assert_eq!(e.message, message, "{}", text);
        }
    }

    #[test]
    fn request_round_trips() {
        let r = Request::new("a\"b\n").with_flowname("flow").with_request_id("id");
        assert_eq!(Request::from_json(&r.to_json()).unwrap(), r);
        assert_eq!(Request::new("x").to_json(), r#"{"flowname":null,"payload":"x"}"#);
    }

    #[test]
    fn encodes_responses() {
        let r = Response::new("hi \"there\"")
            .with_tokens(2, 3)
            .with_model("m")
            .with_finish_reason("stop")
            .with_cost(Cost::new(0.5, 0.25));
        assert_eq!(
            r.to_json(),
            r#"{"content":"hi \"there\"","usage":{"prompt_tokens":2,"completion_tokens":3,"total_tokens":5},"model":"m","finish_reason":"stop","cost":{"prompt_cost":0.5,"completion_cost":0.25,"total_cost":0.75}}"#
        );
        let minimal = Response::new("").to_json();
        assert_eq!(
            minimal,
            r#"{"content":"","usage":{"prompt_tokens":0,"completion_tokens":0,"total_tokens":0},"cost":{"prompt_cost":0.0,"completion_cost":0.0,"total_cost":0.0}}"#
        );
        let v = json::parse(&minimal).unwrap();
        assert_eq!(v.get("usage").unwrap().get("total_tokens").unwrap().as_u64(), Some(0));
        assert_eq!(Usage::new(u64::MAX, 1).total_tokens, u64::MAX);
    }

    #[test]
    fn reserves_enough_for_any_response() {
        let extremes = [
            Response::new(""),
            Response::new("\u{1}\"x\n")
                .with_usage(Usage { prompt_tokens: u64::MAX, completion_tokens: u64::MAX, total_tokens: u64::MAX })
                .with_model("\u{0}\u{1f}\\")
                .with_finish_reason("\"")
                .with_cost(Cost { prompt_cost: -2.2250738585072014e-308, completion_cost: -f64::MAX, total_cost: -1.2345678901234567e-300 }),
            Response::new("a").with_cost(Cost { prompt_cost: -0.000001234567890123456, completion_cost: -123456789012345680000.0, total_cost: -5e-324 }),
        ];
        for r in extremes {
            assert!(r.to_json().len() <= r.json_len_bound(), "{}", r.to_json());
            let mut out = String::new();
            r.write_json(&mut out);
            assert_eq!(out.capacity(), r.json_len_bound(), "grew while writing: {}", out);
        }
    }

    #[test]
    fn encodes_errors() {
        let e = PluginError::new("QUOTA", "out of \"quota\"");
        assert_eq!(e.to_json(), r#"{"error":{"code":"QUOTA","message":"out of \"quota\""}}"#);
        assert_eq!(e.to_string(), "QUOTA: out of \"quota\"");
    }
}
