//! Calling the host functions of any import module, so that a capability a
//! third-party bundle adds (`com.example.Queue` in module
//! `com.example.queue`) needs no change to this PDK.
//!
//! [`import_module!`](crate::import_module) declares the module's functions
//! once and generates a safe wrapper for each. Every function follows the
//! platform's convention (docs/abi.md, section 7): its arguments are byte
//! buffers, passed as a pointer and a length (`bytes` for `&[u8]`, `str`
//! for `&str`), and integers (`i32`, `i64`); it returns an `i64` that is a
//! buffer the host allocated, NOT_FOUND, or FAILED with the reason in
//! `last_error`. The wrapper decodes it into an [`Answer`], as the wrappers
//! of [`crate::host`] do:
//!
//! ```ignore
//! fluent_pdk::import_module! {
//!     /// The functions of capability `com.example.Queue`.
//!     pub mod queue = "com.example.queue" {
//!         /// Pushes one message; answers its position.
//!         fn push(topic: str, message: bytes, priority: i32);
//!     }
//! }
//!
//! let position = queue::push("orders", b"{\"id\":1}", 0)?;
//! ```
//!
//! The wrappers' WebAssembly types are `(i32, i32, i32, i32, i32) -> i64`
//! for `push` above: two `i32` per buffer, one per integer, in order. They
//! must match what the provider declares, or the platform refuses the module
//! at load, naming the function and both types. The plugin's manifest must
//! declare the capability too. A call beyond the plugin's grant (a limit
//! passed, a refused operation) ends the execution on the host side.
//!
//! Outside WebAssembly the wrappers call [`crate::fakes::imports`], which a
//! unit test sets (`respond_with`, `respond`) and reads back (`calls`).

use crate::host::HostError;
use alloc::vec::Vec;

/// What a function of [`import_module!`](crate::import_module) answers:
/// the host's bytes (possibly empty), `None` for NOT_FOUND, or a failure
/// the plugin may handle.
pub type Answer = Result<Option<Vec<u8>>, HostError>;

/// One argument of an imported function, as a fake sees it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Arg {
    /// A `bytes` or `str` argument.
    Bytes(Vec<u8>),
    /// An `i32` argument.
    I32(i32),
    /// An `i64` argument.
    I64(i64),
}

impl Arg {
    /// The text of a `str` (or UTF-8 `bytes`) argument.
    pub fn text(&self) -> Option<&str> {
        match self {
            Arg::Bytes(bytes) => core::str::from_utf8(bytes).ok(),
            _ => None,
        }
    }
}

/// Decodes an imported function's `i64` result, asking `fluent.last_error`
/// for the message of a FAILED one.
#[doc(hidden)]
#[cfg(target_arch = "wasm32")]
pub fn __decode(result: i64) -> Answer {
    crate::host::__decode_with_last_error(result)
}

/// Declares the functions of one import module and generates a safe
/// wrapper for each, in a Rust module of the given name (see
/// [`crate::imports`]). Argument kinds: `bytes` (`&[u8]`), `str` (`&str`),
/// `i32`, `i64`; every function returns [`Answer`](crate::imports::Answer).
#[macro_export]
macro_rules! import_module {
    (
        $(#[$module_meta:meta])*
        $vis:vis mod $name:ident = $module:literal {
            $(
                $(#[$meta:meta])*
                fn $function:ident($($arg:ident : $kind:ident),* $(,)?);
            )*
        }
    ) => {
        $(#[$module_meta])*
        $vis mod $name {
            $(
                $(#[$meta])*
                pub fn $function($($arg: $crate::__import_type!($kind)),*) -> $crate::imports::Answer {
                    #[cfg(target_arch = "wasm32")]
                    {
                        $crate::__import_call!($module, $function, [] [] $($arg: $kind,)*)
                    }
                    #[cfg(not(target_arch = "wasm32"))]
                    {
                        $crate::fakes::imports::__call($module, stringify!($function),
                            &[$($crate::__import_fake_arg!($kind, $arg)),*])
                    }
                }
            )*
        }
    };
}

/// The Rust type of an argument kind.
#[doc(hidden)]
#[macro_export]
macro_rules! __import_type {
    (bytes) => { &[u8] };
    (str) => { &str };
    (i32) => { i32 };
    (i64) => { i64 };
}

/// An argument as the fakes record it.
#[doc(hidden)]
#[macro_export]
macro_rules! __import_fake_arg {
    (bytes, $arg:ident) => { $crate::imports::Arg::Bytes($arg.to_vec()) };
    (str, $arg:ident) => { $crate::imports::Arg::Bytes($arg.as_bytes().to_vec()) };
    (i32, $arg:ident) => { $crate::imports::Arg::I32($arg) };
    (i64, $arg:ident) => { $crate::imports::Arg::I64($arg) };
}

/// Lowers the arguments one by one (a buffer becomes a pointer and a
/// length), then declares the import and calls it.
#[doc(hidden)]
#[macro_export]
macro_rules! __import_call {
    ($module:literal, $function:ident, [$($t:ty,)*] [$($e:expr,)*]) => {{
        #[link(wasm_import_module = $module)]
        extern "C" {
            fn $function($(_: $t),*) -> i64;
        }
        // SAFETY: an import of the host, which bounds-checks every pointer
        // and length; the buffers passed are borrowed for the whole call.
        $crate::imports::__decode(unsafe { $function($($e),*) })
    }};
    ($module:literal, $function:ident, [$($t:ty,)*] [$($e:expr,)*] $arg:ident: bytes, $($rest:tt)*) => {
        $crate::__import_call!($module, $function, [$($t,)* i32, i32,]
            [$($e,)* $arg.as_ptr() as usize as i32, $arg.len() as i32,] $($rest)*)
    };
    ($module:literal, $function:ident, [$($t:ty,)*] [$($e:expr,)*] $arg:ident: str, $($rest:tt)*) => {
        $crate::__import_call!($module, $function, [$($t,)* i32, i32,]
            [$($e,)* $arg.as_ptr() as usize as i32, $arg.len() as i32,] $($rest)*)
    };
    ($module:literal, $function:ident, [$($t:ty,)*] [$($e:expr,)*] $arg:ident: i32, $($rest:tt)*) => {
        $crate::__import_call!($module, $function, [$($t,)* i32,] [$($e,)* $arg,] $($rest)*)
    };
    ($module:literal, $function:ident, [$($t:ty,)*] [$($e:expr,)*] $arg:ident: i64, $($rest:tt)*) => {
        $crate::__import_call!($module, $function, [$($t,)* i64,] [$($e,)* $arg,] $($rest)*)
    };
}

#[cfg(test)]
mod tests {
    use super::Arg;
    use crate::fakes;
    use crate::host::HostError;

    crate::import_module! {
        /// A module of a made-up capability, as a third party would declare it.
        mod queue = "com.example.queue" {
            /// Pushes a message.
            fn push(topic: str, message: bytes, priority: i32, deadline: i64);
            /// Takes no arguments.
            fn size();
        }
    }

    #[test]
    fn calls_reach_the_fake_with_their_arguments() {
        fakes::imports::respond_with("com.example.queue", "push", Ok(Some(b"7".to_vec())));

        assert_eq!(queue::push("orders", b"{}", 2, -1), Ok(Some(b"7".to_vec())));

        let calls = fakes::imports::calls("com.example.queue", "push");
        assert_eq!(calls, vec![vec![Arg::Bytes(b"orders".to_vec()), Arg::Bytes(b"{}".to_vec()), Arg::I32(2),
            Arg::I64(-1)]]);
        assert_eq!(calls[0][0].text(), Some("orders"));
    }

    #[test]
    fn an_answer_may_depend_on_the_arguments() {
        fakes::imports::respond("com.example.queue", "push", |args| match args[0].text() {
            Some("full") => Err(HostError::Failed("queue full".into())),
            _ => Ok(None),
        });

        assert_eq!(queue::push("full", b"", 0, 0), Err(HostError::Failed("queue full".into())));
        assert_eq!(queue::push("other", b"", 0, 0), Ok(None));
    }

    #[test]
    fn a_call_without_an_answer_fails_naming_what_to_set() {
        let e = queue::size().unwrap_err();

        assert_eq!(e, HostError::Failed("no fake answer for com.example.queue.size: set one with \
            fluent_pdk::fakes::imports::respond_with(\"com.example.queue\", \"size\", …)".into()));
        fakes::reset();
        assert!(fakes::imports::calls("com.example.queue", "size").is_empty());
    }
}
