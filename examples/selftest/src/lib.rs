//! The platform's self-test plugin. The runtime embeds this module and runs
//! it once each time it starts: a known-answer test, on this JVM, of what
//! every plugin load and execution relies on (parsing, validation,
//! compilation, instantiation, the ABI both ways, and the reset between two
//! executions). Running it also warms those code paths up, so the first
//! plugin an operator loads does not pay for them.
//!
//! The answer to a payload is computed in a way the host recomputes in Java:
//! `content` is `"<words> words, <chars> chars, fnv1a64 <16 hex digits>"` over
//! the payload's UTF-8 bytes; usage is (words, chars); cost is
//! (words / 1000, chars / 1000000).

use fluent_pdk::{fluent_plugin, Cost, PluginError, Request, Response, Usage};

/// FNV-1a, 64 bits, over `bytes`.
pub fn fnv1a64(bytes: &[u8]) -> u64 {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for &b in bytes {
        hash ^= b as u64;
        hash = hash.wrapping_mul(0x0000_0100_0000_01b3);
    }
    hash
}

/// `value` as 16 lowercase hex digits.
fn hex16(value: u64) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut out = String::with_capacity(16);
    for shift in (0..16).rev() {
        out.push(DIGITS[((value >> (shift * 4)) & 0xf) as usize] as char);
    }
    out
}

fn handle(request: Request) -> Result<Response, PluginError> {
    let text = request.payload;
    let words = text.split_whitespace().count() as u64;
    let chars = text.chars().count() as u64;
    let content = words.to_string() + " words, " + &chars.to_string() + " chars, fnv1a64 "
        + &hex16(fnv1a64(text.as_bytes()));
    Ok(Response::new(content)
        .with_model("selftest")
        .with_finish_reason("stop")
        .with_usage(Usage::new(words, chars))
        .with_cost(Cost::new(words as f64 / 1000.0, chars as f64 / 1_000_000.0)))
}

fluent_plugin!(handle);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fnv1a64_matches_the_published_vectors() {
        assert_eq!(fnv1a64(b""), 0xcbf29ce484222325);
        assert_eq!(fnv1a64(b"a"), 0xaf63dc4c8601ec8c);
        assert_eq!(fnv1a64(b"foobar"), 0x85944171f73967e8);
    }

    #[test]
    fn answers_counts_and_digest() {
        let r = handle(Request::new("héllo  wide world")).unwrap();
        assert_eq!(r.content, "3 words, 17 chars, fnv1a64 ".to_string() + &hex16(fnv1a64("héllo  wide world".as_bytes())));
        assert_eq!(r.usage, Usage::new(3, 17));
        assert_eq!(r.cost, Cost::new(0.003, 0.000017));
        assert_eq!(r.model.as_deref(), Some("selftest"));
    }
}
