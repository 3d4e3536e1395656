//! Wrappers for the host functions of import module `fluent`.
//!
//! ABI version 1 reserves that module for capability host functions, one
//! group per capability (`log`, `http_request`, `fs_read`, `fs_write`,
//! `env_get`, `config_get`, `cache_get`/`cache_put`, `metric`, ...). None is
//! offered yet, so this module is empty. When they arrive, each will get a
//! safe wrapper here, declared with
//! `#[link(wasm_import_module = "fluent")] extern "C" { ... }` and compiled
//! only where used, so a plugin imports exactly the functions it calls and
//! the host can check them against the capabilities in its manifest.
