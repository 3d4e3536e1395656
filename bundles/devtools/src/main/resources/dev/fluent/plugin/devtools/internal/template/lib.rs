//! The {{name}} plugin: a {{engine_type}} engine for the Fluent Plugin Platform.
//!
//! `handle` turns one request into a response; `fluent_plugin!` exports it with
//! the platform's ABI. Host functions of the declared capabilities are in
//! `fluent_pdk::host`; calling one the manifest does not declare makes the
//! platform refuse the plugin at load. In the unit tests below (run natively
//! by `./build.sh test`), `fluent_pdk::fakes` answers those calls: set what
//! the host would answer, then check what the plugin did.

use fluent_pdk::{fluent_plugin, PluginError, Request, Response, Usage};

fn handle(request: Request) -> Result<Response, PluginError> {
    if request.payload.trim().is_empty() {
        return Err(PluginError::new("EMPTY_PAYLOAD", "the payload is empty"));
    }
{{capability_calls}}    let words = request.payload.split_whitespace().count() as u64;
    Ok(Response::new(request.payload)
        .with_model("{{name}}")
        .with_finish_reason("stop")
        .with_usage(Usage::new(words, words)))
}

fluent_plugin!(handle);

#[cfg(test)]
mod tests {
    use super::*;
    use fluent_pdk::fakes;

    #[test]
    fn answers_with_the_payload() {
        let response = handle(Request::new("hello world")).unwrap();
        assert_eq!(response.content, "hello world");
        assert_eq!(response.usage, Usage::new(2, 2));
    }

    #[test]
    fn refuses_an_empty_payload() {
        assert!(handle(Request::new("  ")).is_err());
    }

{{capability_tests}}}
