//! The kv-counter plugin: counts how often each name was sent to it.
//!
//! The payload is a counter name (1 to 64 characters; empty means
//! `default`). The plugin keeps the counts in its cache (CacheAccess), which
//! outlives a single execution, adds one, and answers the new count. It also
//! records the metrics (MetricsAccess) `kv_counter.increments` (a counter)
//! and `kv_counter.last_count` (a gauge), visible in the platform's stats.
//! Counts live as long as the cache keeps them: a day, or less when the
//! operator's cache settings are shorter.

use fluent_pdk::host::{self, HostError};
use fluent_pdk::{fluent_plugin, PluginError, Request, Response};

/// How long a count is kept, in seconds (the host may shorten it).
const TTL_SECONDS: u32 = 86_400;

/// The host calls the plugin needs, passed in so tests can stand in for them.
struct Host<G, P, M> {
    cache_get: G,
    cache_put: P,
    metric: M,
}

fn count<G, P, M>(request: &Request, host: &Host<G, P, M>) -> Result<Response, PluginError>
where
    G: Fn(&str) -> Result<Option<Vec<u8>>, HostError>,
    P: Fn(&str, &[u8], u32) -> Result<(), HostError>,
    M: Fn(&str, u64) -> Result<(), HostError>,
{
    let name = request.payload.trim();
    let name = if name.is_empty() { "default" } else { name };
    if name.chars().count() > 64 {
        return Err(PluginError::bad_request("a counter name is at most 64 characters"));
    }
    let key = format!("count:{}", name);
    let unavailable = |e: HostError| PluginError::new("CACHE_UNAVAILABLE", format!("the cache failed: {}", e));
    let previous = match (host.cache_get)(&key).map_err(unavailable)? {
        None => 0,
        Some(bytes) => std::str::from_utf8(&bytes).ok().and_then(|t| t.parse::<u64>().ok()).unwrap_or(0),
    };
    let current = previous.saturating_add(1);
    (host.cache_put)(&key, current.to_string().as_bytes(), TTL_SECONDS).map_err(unavailable)?;
    // Metrics are best effort: a count is still a count without them.
    let _ = (host.metric)("kv_counter.increments", 1);
    let _ = (host.metric)("kv_counter.last_count", current);
    Ok(Response::new(current.to_string()).with_model("kv-counter").with_finish_reason("stop"))
}

fn handle(request: Request) -> Result<Response, PluginError> {
    count(
        &request,
        &Host {
            cache_get: host::cache_get,
            cache_put: host::cache_put,
            metric: |name: &str, value: u64| {
                if name.ends_with("increments") {
                    host::counter(name, value)
                } else {
                    host::gauge(name, value.min(i64::MAX as u64) as i64)
                }
            },
        },
    )
}

fluent_plugin!(handle);

#[cfg(test)]
mod tests {
    use super::*;
    use std::cell::RefCell;
    use std::collections::HashMap;

    #[test]
    fn counts_per_name_through_the_cache() {
        let cache = RefCell::new(HashMap::<String, Vec<u8>>::new());
        let metrics = RefCell::new(Vec::<(String, u64)>::new());
        let host = Host {
            cache_get: |k: &str| Ok(cache.borrow().get(k).cloned()),
            cache_put: |k: &str, v: &[u8], ttl: u32| {
                assert_eq!(ttl, TTL_SECONDS);
                cache.borrow_mut().insert(k.into(), v.to_vec());
                Ok(())
            },
            metric: |n: &str, v: u64| {
                metrics.borrow_mut().push((n.into(), v));
                Ok(())
            },
        };
        assert_eq!(count(&Request::new("a"), &host).unwrap().content, "1");
        assert_eq!(count(&Request::new("a"), &host).unwrap().content, "2");
        assert_eq!(count(&Request::new(""), &host).unwrap().content, "1");
        assert_eq!(cache.borrow().get("count:a").unwrap(), b"2");
        assert_eq!(cache.borrow().get("count:default").unwrap(), b"1");
        assert_eq!(metrics.borrow()[3], ("kv_counter.last_count".into(), 2));
    }

    #[test]
    fn reports_a_failing_cache_and_long_names() {
        let host = Host {
            cache_get: |_: &str| Err(HostError::Unavailable),
            cache_put: |_: &str, _: &[u8], _: u32| Ok(()),
            metric: |_: &str, _: u64| Ok(()),
        };
        assert_eq!(count(&Request::new("a"), &host).unwrap_err().code, "CACHE_UNAVAILABLE");
        assert_eq!(count(&Request::new("x".repeat(65)), &host).unwrap_err().code, "BAD_REQUEST");
    }
}
