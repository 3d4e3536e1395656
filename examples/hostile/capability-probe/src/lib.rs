//! hostile-capability-probe: reaches for whatever the payload names, so the
//! host's tests can check that each capability stays inside its grant.
//!
//! The payload is a JSON command:
//!
//! | command | does |
//! |---|---|
//! | `{"op":"http","url":U}` | one GET of U; answers `<status> <body>` |
//! | `{"op":"requests","url":U,"count":N}` | N GETs of U; answers how many succeeded |
//! | `{"op":"env","name":V}` | reads environment variable V |
//! | `{"op":"read","path":P}` | reads file P |
//! | `{"op":"log_flood"}` | logs until the host stops it |
//! | `{"op":"cache_flood"}` | fills its cache with 64 KiB values until the host stops it |
//!
//! Host failures the plugin may handle come back as error responses with
//! code `HOST_FAILED`/`NOT_FOUND`; denials end the execution on the host side.

use fluent_pdk::host::{self, HostError, HttpRequest};
use fluent_pdk::{fluent_plugin, json, PluginError, Request, Response, Value};

fn host_error(e: HostError) -> PluginError {
    match e {
        HostError::NotFound => PluginError::new("NOT_FOUND", "not found"),
        other => PluginError::new("HOST_FAILED", other.to_string()),
    }
}

fn text<'a>(command: &'a Value, key: &str) -> Result<&'a str, PluginError> {
    command
        .get(key)
        .and_then(Value::as_str)
        .ok_or_else(|| PluginError::bad_request(format!("the command needs a string '{}'", key)))
}

fn handle(request: Request) -> Result<Response, PluginError> {
    let command = json::parse(&request.payload)
        .map_err(|e| PluginError::bad_request(format!("the payload is not a JSON command: {}", e)))?;
    let answer = match text(&command, "op")? {
        "http" => {
            let reply = host::http_request(&HttpRequest::get(text(&command, "url")?)).map_err(host_error)?;
            format!("{} {}", reply.status, String::from_utf8_lossy(&reply.body))
        }
        "requests" => {
            let url = text(&command, "url")?;
            let count = command.get("count").and_then(Value::as_u64).unwrap_or(1);
            let mut ok = 0;
            for _ in 0..count {
                if host::http_request(&HttpRequest::get(url)).is_ok() {
                    ok += 1;
                }
            }
            format!("{} requests answered", ok)
        }
        "env" => host::env_get(text(&command, "name")?).map_err(host_error)?.unwrap_or_default(),
        "read" => String::from_utf8_lossy(&host::fs_read(text(&command, "path")?).map_err(host_error)?).into_owned(),
        "log_flood" => {
            let mut i: u64 = 0;
            loop {
                host::info(&format!("flood line {}", i));
                i += 1;
            }
        }
        "cache_flood" => {
            let value = vec![b'x'; 64 * 1024];
            let mut i: u64 = 0;
            loop {
                host::cache_put(&format!("flood-{}", i), &value, 0).map_err(host_error)?;
                i += 1;
            }
        }
        other => return Err(PluginError::bad_request(format!("unknown op '{}'", other))),
    };
    Ok(Response::new(answer).with_model("probe"))
}

fluent_plugin!(handle);
