//! The guest side of ABI version 1: request buffers, decoding, response
//! frames. [`fluent_plugin!`](crate::fluent_plugin) calls into this module;
//! plugins normally do not use it directly.
//!
//! Pointers cross the ABI as `i32` holding an unsigned 32-bit address, so the
//! `i32` entry points are meaningful on 32-bit wasm only. The pointer-level
//! functions ([`alloc_buffer`], [`execute`]) and [`handle`] work anywhere,
//! which lets the whole path be tested natively.

use crate::{PluginError, Request, Response, MAX_REQUEST_BYTES, MAX_RESPONSE_BYTES, RESPONSE_TOO_LARGE};
use alloc::format;
use alloc::string::String;
use alloc::vec::Vec;
use core::cell::UnsafeCell;

/// Module-level state. A wasm instance runs one call at a time and the host
/// never enters `execute_request` re-entrantly, so plain cells suffice.
struct Global<T>(UnsafeCell<T>);

// SAFETY: see above; the state is only touched from the exported functions.
unsafe impl<T> Sync for Global<T> {}

/// A buffer handed out by `fluent_alloc` and not yet reclaimed.
#[derive(Clone, Copy)]
struct Pending {
    ptr: usize,
    len: usize,
    capacity: usize,
}

/// Buffers handed to the host, waiting to come back in `execute_request`.
static PENDING: Global<Vec<Pending>> = Global(UnsafeCell::new(Vec::new()));

/// The last response frame; kept until the next `execute_request`.
static FRAME: Global<Vec<u8>> = Global(UnsafeCell::new(Vec::new()));

/// `fluent_alloc(size) -> ptr`, with `i32` addresses.
pub fn fluent_alloc(size: i32) -> i32 {
    if size < 0 {
        return 0;
    }
    alloc_buffer(size as usize) as usize as i32
}

/// `execute_request(ptr, len) -> frame`, with `i32` addresses.
pub fn execute_request<F>(ptr: i32, len: i32, handler: F) -> i32
where
    F: FnOnce(Request) -> Result<Response, PluginError>,
{
    execute(ptr as u32 as usize as *mut u8, len as u32 as usize, handler) as usize as i32
}

/// Returns `size` zeroed, writable bytes owned by the PDK until they come
/// back through [`execute`], or null if memory cannot be had.
pub fn alloc_buffer(size: usize) -> *mut u8 {
    let mut buffer: Vec<u8> = Vec::new();
    // At least one byte, so that every buffer has its own address.
    if buffer.try_reserve_exact(size.max(1)).is_err() {
        return core::ptr::null_mut();
    }
    buffer.resize(size, 0);
    // SAFETY: single-threaded, not re-entered (see `Global`).
    let pending = unsafe { &mut *PENDING.0.get() };
    if pending.try_reserve(1).is_err() {
        return core::ptr::null_mut();
    }
    let ptr = buffer.as_mut_ptr();
    pending.push(Pending { ptr: ptr as usize, len: buffer.len(), capacity: buffer.capacity() });
    core::mem::forget(buffer);
    ptr
}

/// Takes back the buffer at `ptr` (from [`alloc_buffer`]) holding a request
/// of `len` bytes, runs `handler` on it and returns the response frame,
/// valid until the next call of `execute`.
pub fn execute<F>(ptr: *mut u8, len: usize, handler: F) -> *const u8
where
    F: FnOnce(Request) -> Result<Response, PluginError>,
{
    // Free the previous frame before doing any new work.
    // SAFETY: single-threaded, not re-entered (see `Global`).
    drop(core::mem::take(unsafe { &mut *FRAME.0.get() }));
    let frame = match reclaim(ptr, len) {
        Ok(request) => handle(request, handler),
        Err(error) => error_frame(&error),
    };
    // SAFETY: as above; no other reference to FRAME is live.
    let slot = unsafe { &mut *FRAME.0.get() };
    *slot = frame;
    slot.as_ptr()
}

fn reclaim(ptr: *mut u8, len: usize) -> Result<Vec<u8>, PluginError> {
    // SAFETY: single-threaded, not re-entered (see `Global`).
    let pending = unsafe { &mut *PENDING.0.get() };
    let index = match pending.iter().position(|p| p.ptr == ptr as usize) {
        Some(index) => index,
        None => {
            return Err(PluginError::bad_request(
                "the request pointer was not obtained from fluent_alloc",
            ))
        }
    };
    let buffer = pending.swap_remove(index);
    // SAFETY: `ptr` and `capacity` come from a Vec<u8> we leaked in
    // `alloc_buffer`, whose first `buffer.len` bytes are initialized.
    let mut bytes = unsafe { Vec::from_raw_parts(buffer.ptr as *mut u8, buffer.len, buffer.capacity) };
    if len > buffer.len {
        return Err(PluginError::bad_request(format!(
            "the request length {} exceeds the {} bytes obtained from fluent_alloc",
            len, buffer.len
        )));
    }
    bytes.truncate(len);
    Ok(bytes)
}

/// Decodes a request, runs the handler and returns the response frame
/// (4-byte little-endian length, then the JSON).
pub fn handle<F>(request: Vec<u8>, handler: F) -> Vec<u8>
where
    F: FnOnce(Request) -> Result<Response, PluginError>,
{
    let decoded = decode(request);
    let mut out = String::new();
    out.push_str("\0\0\0\0"); // room for the length
    match decoded.and_then(handler) {
        Ok(response) => response.write_json(&mut out),
        Err(error) => error.write_json(&mut out),
    }
    finish_frame(out)
}

fn decode(request: Vec<u8>) -> Result<Request, PluginError> {
    if request.len() > MAX_REQUEST_BYTES {
        return Err(PluginError::bad_request(format!(
            "the request is {} bytes; the limit is {}",
            request.len(),
            MAX_REQUEST_BYTES
        )));
    }
    let text = String::from_utf8(request)
        .map_err(|e| PluginError::bad_request(format!("the request is not valid UTF-8 (byte {})", e.utf8_error().valid_up_to())))?;
    Request::from_json(&text)
    // `text` is dropped here, before the handler runs.
}

/// The frame for an error response.
pub fn error_frame(error: &PluginError) -> Vec<u8> {
    let mut out = String::new();
    out.push_str("\0\0\0\0");
    error.write_json(&mut out);
    finish_frame(out)
}

fn finish_frame(out: String) -> Vec<u8> {
    let len = out.len() - 4;
    if len > MAX_RESPONSE_BYTES {
        drop(out);
        return error_frame(&PluginError::new(
            RESPONSE_TOO_LARGE,
            format!("the response is {} bytes; the limit is {}", len, MAX_RESPONSE_BYTES),
        ));
    }
    let mut bytes = out.into_bytes();
    bytes[..4].copy_from_slice(&(len as u32).to_le_bytes());
    bytes
}

/// Takes back a buffer the host filled during a host function call (it
/// obtained it from `fluent_alloc`), truncated to `len` bytes; `None` if
/// `ptr` was not handed out by [`alloc_buffer`] or `len` exceeds it.
/// [`host`](crate::host) uses this to collect results.
pub fn take_buffer(ptr: usize, len: usize) -> Option<Vec<u8>> {
    reclaim(ptr as *mut u8, len).ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{json, Value, BAD_REQUEST};

    fn echo(request: Request) -> Result<Response, PluginError> {
        if request.payload == "fail" {
            return Err(PluginError::new("NOPE", "asked to fail"));
        }
        Ok(Response::new(request.payload).with_model("t"))
    }

    fn body(frame: &[u8]) -> Value {
        assert!(frame.len() >= 4);
        let len = u32::from_le_bytes([frame[0], frame[1], frame[2], frame[3]]) as usize;
        assert_eq!(len, frame.len() - 4);
        json::parse(core::str::from_utf8(&frame[4..]).unwrap()).unwrap()
    }

    fn error_code(frame: &[u8]) -> String {
        let v = body(frame);
        v.get("error").unwrap().get("code").unwrap().as_str().unwrap().into()
    }

    #[test]
    fn frames_responses_and_errors() {
        let v = body(&handle(br#"{"payload":"hi","flowname":null}"#.to_vec(), echo));
        assert_eq!(v.get("content").unwrap().as_str(), Some("hi"));
        assert_eq!(v.get("model").unwrap().as_str(), Some("t"));
        assert_eq!(error_code(&handle(br#"{"payload":"fail"}"#.to_vec(), echo)), "NOPE");
    }

    #[test]
    fn malformed_requests_never_reach_the_handler() {
        let never = |_: Request| -> Result<Response, PluginError> { panic!("handler called") };
        for request in [&b""[..], b"{", b"\xff\xfe", b"{\"payload\":\"\xc3\"}", b"null", b"{\"payload\":null}"] {
            assert_eq!(error_code(&handle(request.to_vec(), never)), BAD_REQUEST);
        }
    }

    #[test]
    fn oversized_responses_become_errors() {
        let big = |_: Request| Ok(Response::new("x".repeat(MAX_RESPONSE_BYTES)));
        assert_eq!(error_code(&handle(br#"{"payload":""}"#.to_vec(), big)), RESPONSE_TOO_LARGE);
    }

    // The only test that touches the module-level state.
    #[test]
    fn alloc_then_execute() {
        let request = br#"{"flowname":"f","payload":"h\u00e9llo","request_id":"1"}"#;
        let ptr = alloc_buffer(request.len() + 10);
        assert!(!ptr.is_null());
        unsafe { core::ptr::copy_nonoverlapping(request.as_ptr(), ptr, request.len()) };
        let frame = execute(ptr, request.len(), echo);
        let len = unsafe { u32::from_le_bytes(*(frame as *const [u8; 4])) } as usize;
        let bytes = unsafe { core::slice::from_raw_parts(frame, len + 4) };
        assert_eq!(body(bytes).get("content").unwrap().as_str(), Some("héllo"));

        // The buffer was reclaimed: using it again is refused, not a crash.
        let again = execute(ptr, request.len(), echo);
        let len = unsafe { u32::from_le_bytes(*(again as *const [u8; 4])) } as usize;
        let bytes = unsafe { core::slice::from_raw_parts(again, len + 4) };
        assert_eq!(error_code(bytes), BAD_REQUEST);

        // A length beyond the buffer is refused.
        let ptr = alloc_buffer(2);
        let frame = execute(ptr, 3, echo);
        let len = unsafe { u32::from_le_bytes(*(frame as *const [u8; 4])) } as usize;
        let bytes = unsafe { core::slice::from_raw_parts(frame, len + 4) };
        assert_eq!(error_code(bytes), BAD_REQUEST);

        // Zero-sized buffers get distinct addresses.
        let a = alloc_buffer(0);
        let b = alloc_buffer(0);
        assert!(!a.is_null() && a != b);
        let frame = execute(a, 0, echo);
        let len = unsafe { u32::from_le_bytes(*(frame as *const [u8; 4])) } as usize;
        assert_eq!(error_code(unsafe { core::slice::from_raw_parts(frame, len + 4) }), BAD_REQUEST);

        assert_eq!(fluent_alloc(-1), 0);
    }
}
