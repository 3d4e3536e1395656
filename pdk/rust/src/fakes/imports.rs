//! Answers of the functions [`crate::import_module!`] declares, and the
//! calls made, by import module and function name: a plugin's unit tests
//! stand in for a third party's capability with them.
//!
//! ```ignore
//! fakes::imports::respond_with("com.example.queue", "push", Ok(Some(b"7".to_vec())));
//! let position = handle(Request::new("order 1")).unwrap();
//! let calls = fakes::imports::calls("com.example.queue", "push");
//! assert_eq!(calls[0][0].text(), Some("orders"));
//! ```
//!
//! A function without an answer fails with `HostError::Failed` naming the
//! call to make.

use super::with;
use crate::host::HostError;
use crate::imports::{Answer, Arg};
use alloc::boxed::Box;
use alloc::collections::BTreeMap;
use alloc::format;
use alloc::string::String;
use alloc::vec::Vec;

/// How one function answers: computed from its arguments.
type Responder = Box<dyn Fn(&[Arg]) -> Answer>;

/// The imports' part of the fake host.
#[derive(Default)]
pub(super) struct FakeImports {
    answers: BTreeMap<(String, String), Responder>,
    calls: Vec<(String, String, Vec<Arg>)>,
}

/// Every call of `module`'s `function` answers `answer`.
pub fn respond_with(module: &str, function: &str, answer: Answer) {
    respond(module, function, move |_| answer.clone());
}

/// Every call of `module`'s `function` answers what `answer` computes from
/// its arguments.
pub fn respond(module: &str, function: &str, answer: impl Fn(&[Arg]) -> Answer + 'static) {
    with(|h| h.imports.answers.insert((module.into(), function.into()), Box::new(answer)));
}

/// The arguments of each call of `module`'s `function`, in order.
pub fn calls(module: &str, function: &str) -> Vec<Vec<Arg>> {
    with(|h| {
        h.imports.calls.iter()
            .filter(|(m, f, _)| m == module && f == function)
            .map(|(_, _, args)| args.clone())
            .collect()
    })
}

/// What a wrapper of [`crate::import_module!`] calls outside WebAssembly.
#[doc(hidden)]
pub fn __call(module: &str, function: &str, args: &[Arg]) -> Answer {
    let responder = with(|h| {
        h.imports.calls.push((module.into(), function.into(), args.to_vec()));
        h.imports.answers.remove(&(module.into(), function.into()))
    });
    // The responder runs outside the fakes' borrow, so that it may use the fakes itself.
    match responder {
        Some(responder) => {
            let answer = responder(args);
            with(|h| {
                h.imports.answers.entry((module.into(), function.into())).or_insert(responder);
            });
            answer
        }
        None => Err(HostError::Failed(format!(
            "no fake answer for {module}.{function}: set one with \
             fluent_pdk::fakes::imports::respond_with(\"{module}\", \"{function}\", …)"
        ))),
    }
}
