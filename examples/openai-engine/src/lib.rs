//! The openai-engine plugin: a chat completion engine for any
//! OpenAI-compatible endpoint (`POST …/v1/chat/completions`).
//!
//! The payload is the user's message. Settings come from the plugin's own
//! configuration (ConfigurationAccess), which the operator writes in
//! `etc/dev.fluent.plugin.host.config-openai-engine.cfg`:
//!
//! | key | meaning | default |
//! |---|---|---|
//! | `api_key` | sent as `Authorization: Bearer …` | required |
//! | `endpoint` | the chat completions URL | `https://api.openai.com/v1/chat/completions` |
//! | `model` | the model asked for | `gpt-4o-mini` |
//! | `system_prompt` | a system message sent first | none |
//! | `max_tokens` | a cap on the completion | none |
//! | `prompt_price_per_million`, `completion_price_per_million` | prices, for the response's cost | 0 |
//!
//! The request goes out over NetworkAccess; the endpoint's host must be in
//! the manifest's `allowed_hosts`. The reply's first choice becomes the
//! response: its message content, finish reason, the reply's model and
//! token usage.

use fluent_pdk::host::{self, HostError, HttpRequest, HttpResponse};
use fluent_pdk::{fluent_plugin, json, Cost, PluginError, Request, Response, Usage, Value};

const DEFAULT_ENDPOINT: &str = "https://api.openai.com/v1/chat/completions";
const DEFAULT_MODEL: &str = "gpt-4o-mini";

/// The plugin's settings, read from its configuration.
#[derive(Debug, PartialEq)]
struct Settings {
    endpoint: String,
    api_key: String,
    model: String,
    system_prompt: Option<String>,
    max_tokens: Option<u64>,
    prompt_price: f64,
    completion_price: f64,
}

impl Settings {
    fn load(get: impl Fn(&str) -> Result<Option<String>, HostError>) -> Result<Settings, PluginError> {
        let read = |key: &str| {
            get(key).map_err(|e| PluginError::new("NOT_CONFIGURED", format!("cannot read setting {}: {}", key, e)))
        };
        let api_key = read("api_key")?.filter(|k| !k.trim().is_empty()).ok_or_else(|| {
            PluginError::new(
                "NOT_CONFIGURED",
                "no api_key: set api_key in etc/dev.fluent.plugin.host.config-openai-engine.cfg",
            )
        })?;
        let number = |key: &str| -> Result<Option<f64>, PluginError> {
            match read(key)? {
                None => Ok(None),
                Some(text) => text.trim().parse::<f64>().map(Some).map_err(|_| {
                    PluginError::new("NOT_CONFIGURED", format!("setting {} = '{}' is not a number", key, text))
                }),
            }
        };
        Ok(Settings {
            endpoint: read("endpoint")?.unwrap_or_else(|| DEFAULT_ENDPOINT.into()),
            api_key: api_key.trim().into(),
            model: read("model")?.unwrap_or_else(|| DEFAULT_MODEL.into()),
            system_prompt: read("system_prompt")?,
            max_tokens: number("max_tokens")?.map(|n| n as u64),
            prompt_price: number("prompt_price_per_million")?.unwrap_or(0.0),
            completion_price: number("completion_price_per_million")?.unwrap_or(0.0),
        })
    }
}

/// The chat completion request body.
fn request_body(settings: &Settings, user_message: &str) -> String {
    let mut messages = Vec::new();
    if let Some(system) = &settings.system_prompt {
        messages.push(Value::Object(vec![
            ("role".into(), "system".into()),
            ("content".into(), system.as_str().into()),
        ]));
    }
    messages.push(Value::Object(vec![
        ("role".into(), "user".into()),
        ("content".into(), user_message.into()),
    ]));
    let mut body = vec![
        ("model".into(), settings.model.as_str().into()),
        ("messages".into(), Value::Array(messages)),
    ];
    if let Some(max) = settings.max_tokens {
        body.push(("max_tokens".into(), max.into()));
    }
    Value::Object(body).to_json()
}

/// Maps the endpoint's reply to the response, or to the error it reports.
fn map_reply(settings: &Settings, reply: &HttpResponse) -> Result<Response, PluginError> {
    let text = reply
        .text()
        .map_err(|_| PluginError::new("UPSTREAM_BAD_REPLY", "the endpoint answered with a body that is not UTF-8"))?;
    let value = json::parse(text).ok();
    if !reply.is_success() {
        let detail = value
            .as_ref()
            .and_then(|v| v.get("error"))
            .and_then(|e| e.get("message"))
            .and_then(Value::as_str)
            .unwrap_or("no error message");
        return Err(PluginError::new(
            "UPSTREAM_ERROR",
            format!("{} answered HTTP {}: {}", settings.endpoint, reply.status, detail),
        ));
    }
    let bad = |what: &str| PluginError::new("UPSTREAM_BAD_REPLY", format!("the endpoint's reply has no {}", what));
    let value = value.ok_or_else(|| bad("JSON body"))?;
    let choice = value
        .get("choices")
        .and_then(Value::as_array)
        .and_then(|c| c.first())
        .ok_or_else(|| bad("choices"))?;
    let content = choice
        .get("message")
        .and_then(|m| m.get("content"))
        .and_then(Value::as_str)
        .ok_or_else(|| bad("choices[0].message.content"))?;
    let usage = value.get("usage");
    let count = |key: &str| usage.and_then(|u| u.get(key)).and_then(Value::as_u64).unwrap_or(0);
    let (prompt, completion) = (count("prompt_tokens"), count("completion_tokens"));
    let mut response = Response::new(content)
        .with_usage(Usage { prompt_tokens: prompt, completion_tokens: completion, total_tokens: count("total_tokens").max(prompt + completion) })
        .with_model(value.get("model").and_then(Value::as_str).unwrap_or(&settings.model))
        .with_cost(Cost::new(
            prompt as f64 * settings.prompt_price / 1e6,
            completion as f64 * settings.completion_price / 1e6,
        ));
    if let Some(reason) = choice.get("finish_reason").and_then(Value::as_str) {
        response = response.with_finish_reason(reason);
    }
    Ok(response)
}

/// One completion, with the host calls passed in (so tests can stand in for them).
fn complete(
    request: &Request,
    config: impl Fn(&str) -> Result<Option<String>, HostError>,
    send: impl FnOnce(&HttpRequest) -> Result<HttpResponse, HostError>,
) -> Result<Response, PluginError> {
    if request.payload.trim().is_empty() {
        return Err(PluginError::bad_request("the payload (the user's message) is empty"));
    }
    let settings = Settings::load(config)?;
    let http = HttpRequest::post(settings.endpoint.as_str(), request_body(&settings, &request.payload))
        .with_header("Authorization", format!("Bearer {}", settings.api_key))
        .with_header("Content-Type", "application/json")
        .with_header("Accept", "application/json");
    let reply = send(&http).map_err(|e| {
        PluginError::new("UPSTREAM_UNREACHABLE", format!("no answer from {}: {}", settings.endpoint, e))
    })?;
    map_reply(&settings, &reply)
}

fn handle(request: Request) -> Result<Response, PluginError> {
    complete(&request, host::config_get, host::http_request)
}

fluent_plugin!(handle);

#[cfg(test)]
mod tests {
    use super::*;

    fn config(key: &str) -> Result<Option<String>, HostError> {
        Ok(match key {
            "api_key" => Some("sk-test".into()),
            "endpoint" => Some("http://127.0.0.1:9/v1/chat/completions".into()),
            "system_prompt" => Some("Be brief.".into()),
            "prompt_price_per_million" => Some("2".into()),
            "completion_price_per_million" => Some("4".into()),
            _ => None,
        })
    }

    fn reply(status: u16, body: &str) -> HttpResponse {
        HttpResponse { status, url: String::new(), headers: Vec::new(), body: body.as_bytes().to_vec() }
    }

    #[test]
    fn sends_a_chat_completion_and_maps_the_reply() {
        let response = complete(&Request::new("Hello?"), config, |http| {
            assert_eq!(http.method, "POST");
            assert_eq!(http.url, "http://127.0.0.1:9/v1/chat/completions");
            assert!(http.headers.contains(&("Authorization".into(), "Bearer sk-test".into())));
            assert_eq!(
                std::str::from_utf8(&http.body).unwrap(),
                r#"{"model":"gpt-4o-mini","messages":[{"role":"system","content":"Be brief."},{"role":"user","content":"Hello?"}]}"#
            );
            Ok(reply(200, r#"{"id":"x","model":"gpt-4o-mini-2024","choices":[{"index":0,"message":{"role":"assistant","content":"Hi!"},"finish_reason":"stop"}],"usage":{"prompt_tokens":10,"completion_tokens":3,"total_tokens":13}}"#))
        })
        .unwrap();
        assert_eq!(response.content, "Hi!");
        assert_eq!(response.model.as_deref(), Some("gpt-4o-mini-2024"));
        assert_eq!(response.finish_reason.as_deref(), Some("stop"));
        assert_eq!(response.usage, Usage { prompt_tokens: 10, completion_tokens: 3, total_tokens: 13 });
        assert_eq!(response.cost, Cost::new(10.0 * 2.0 / 1e6, 3.0 * 4.0 / 1e6));
    }

    #[test]
    fn reports_the_endpoints_error() {
        let e = complete(&Request::new("x"), config, |_| {
            Ok(reply(401, r#"{"error":{"message":"Incorrect API key provided","type":"invalid_request_error"}}"#))
        })
        .unwrap_err();
        assert_eq!(e.code, "UPSTREAM_ERROR");
        assert!(e.message.contains("HTTP 401: Incorrect API key provided"), "{}", e.message);
    }

    #[test]
    fn reports_bad_replies_and_no_answer() {
        let e = complete(&Request::new("x"), config, |_| Ok(reply(200, "{\"choices\":[]}"))).unwrap_err();
        assert_eq!(e.code, "UPSTREAM_BAD_REPLY");
        let e = complete(&Request::new("x"), config, |_| Err(HostError::Failed("connection refused".into()))).unwrap_err();
        assert_eq!(e.code, "UPSTREAM_UNREACHABLE");
        assert!(e.message.ends_with("connection refused"), "{}", e.message);
    }

    #[test]
    fn needs_an_api_key_and_a_message() {
        let e = complete(&Request::new("x"), |_| Ok(None), |_| panic!("nothing to send")).unwrap_err();
        assert_eq!(e.code, "NOT_CONFIGURED");
        let e = complete(&Request::new("  "), config, |_| panic!("nothing to send")).unwrap_err();
        assert_eq!(e.code, "BAD_REQUEST");
    }

    /// `handle` itself, with the PDK's fakes standing in for the host's configuration and network.
    #[test]
    fn handle_reads_its_configuration_and_calls_the_endpoint_through_the_host() {
        fluent_pdk::fakes::config::set("api_key", "sk-fake");
        fluent_pdk::fakes::http::respond_with(200, r#"{"model":"m","choices":[{"message":{"content":"Hello from the fake"},"finish_reason":"stop"}],"usage":{"prompt_tokens":1,"completion_tokens":4,"total_tokens":5}}"#);
        let response = handle(Request::new("Hi")).unwrap();
        assert_eq!(response.content, "Hello from the fake");
        let sent = fluent_pdk::fakes::http::requests();
        assert_eq!(sent.len(), 1);
        assert_eq!(sent[0].url, DEFAULT_ENDPOINT);
        assert!(sent[0].headers.contains(&("Authorization".into(), "Bearer sk-fake".into())));
    }

    #[test]
    fn uses_defaults() {
        let settings = Settings::load(|k| Ok(if k == "api_key" { Some(" k ".into()) } else { None })).unwrap();
        assert_eq!(settings.endpoint, DEFAULT_ENDPOINT);
        assert_eq!(settings.model, DEFAULT_MODEL);
        assert_eq!(settings.api_key, "k");
        assert_eq!(request_body(&settings, "q"), r#"{"model":"gpt-4o-mini","messages":[{"role":"user","content":"q"}]}"#);
    }
}
