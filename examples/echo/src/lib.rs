//! The echo plugin: answers every request with its payload, unchanged.
//!
//! Usage counts the payload's whitespace-separated words (Unicode
//! whitespace) as both prompt and completion tokens; the cost is zero.

use fluent_pdk::{fluent_plugin, Cost, PluginError, Request, Response, Usage};

fn handle(request: Request) -> Result<Response, PluginError> {
    let words = request.payload.split_whitespace().count() as u64;
    Ok(Response::new(request.payload)
        .with_model("echo")
        .with_finish_reason("stop")
        .with_usage(Usage::new(words, words))
        .with_cost(Cost::ZERO))
}

fluent_plugin!(handle);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn echoes_payload_and_counts_words() {
        let r = handle(Request::new("  hello   wide\tworld\n").with_flowname("f")).unwrap();
        assert_eq!(r.content, "  hello   wide\tworld\n");
        assert_eq!(r.usage, Usage::new(3, 3));
        assert_eq!(r.usage.total_tokens, 6);
        assert_eq!(r.model.as_deref(), Some("echo"));
        assert_eq!(r.finish_reason.as_deref(), Some("stop"));
        assert_eq!(r.cost, Cost::ZERO);
        assert_eq!(handle(Request::new("")).unwrap().usage, Usage::new(0, 0));
    }
}
