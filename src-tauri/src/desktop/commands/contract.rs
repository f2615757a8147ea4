//! Each command's TypeScript contract (its argument object and its result), read off the command
//! function's own type, so the generated `Commands` map in `ui/src/ipc/bindings.ts` cannot
//! disagree with the Rust signature: change a parameter or a result type in Rust, regenerate, and
//! the TypeScript build fails wherever the UI (or the fake backend) no longer fits.
//!
//! The convention the inference relies on (a command that breaks it does not compile in tests):
//! a command takes the parameters Tauri injects first ([`State`], [`AppHandle`]), then at most
//! ONE argument struct (sent as `{ args: {...} }`), and returns `Result<R, IpcError>`, sync or
//! async; `R` may be wrapped in [`Redacted`], which is the same on the wire.

use super::Redacted;
use crate::desktop::error::IpcError;
use crate::desktop::AppState;
use std::future::Future;
use tauri::{AppHandle, State};
use ts_rs::{Config, TS};

/// One command's contract, as the bindings print it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Contract {
    /// The command name (the Rust function's name).
    pub name: &'static str,
    /// The TypeScript type of the argument object; `None` when the command takes no arguments.
    pub args: Option<ArgsType>,
    /// The TypeScript type of the result (`null` for `()`).
    pub result: String,
}

/// A command's argument struct in TypeScript.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ArgsType {
    /// Its name.
    pub name: String,
    /// Its declaration (`type X = {...};`), with its documentation.
    pub decl: String,
    /// Its doc comment.
    pub docs: Option<String>,
}

/// A parameter that Tauri fills in itself (never sent by the webview).
pub trait Injected {}
impl Injected for State<'_, AppState> {}
impl Injected for AppHandle {}

/// What a command's `Ok` value looks like on the wire.
pub trait WireResult {
    /// Its TypeScript type.
    fn ts(cfg: &Config) -> String;
}
impl<T: TS> WireResult for T {
    fn ts(cfg: &Config) -> String {
        T::name(cfg)
    }
}
impl<T: TS> WireResult for Redacted<T> {
    fn ts(cfg: &Config) -> String {
        T::name(cfg)
    }
}

/// A command function; `Marker` records its shape (sync/async, injected parameters, arguments)
/// and is inferred, so callers never name it.
#[diagnostic::on_unimplemented(
    message = "`{Self}` does not have the shape of an IPC command",
    note = "a command takes the parameters Tauri injects (State, AppHandle) first, then at most \
            ONE argument struct (Deserialize + ts_rs::TS, sent as `{{ args }}`), and returns \
            `Result<T, IpcError>` where `T` (or `Redacted<T>`) implements ts_rs::TS"
)]
pub trait CommandFn<Marker> {
    /// The argument struct's TypeScript type, if any.
    fn args(cfg: &Config) -> Option<ArgsType>;
    /// The result's TypeScript type.
    fn result(cfg: &Config) -> String;
}

/// Shape marker: a synchronous command.
pub struct Sync;
/// Shape marker: an `async` command.
pub struct Async;

fn args_type<A: TS>(cfg: &Config) -> Option<ArgsType> {
    Some(ArgsType {
        name: A::name(cfg),
        decl: A::decl(cfg),
        docs: A::docs(),
    })
}

/// Implements [`CommandFn`] for every shape with the injected parameters `$i`.
macro_rules! command_shapes {
    ($($i:ident),*) => {
        impl<F, R: WireResult, $($i: Injected),*> CommandFn<(Sync, ($($i,)*))> for F
        where
            F: Fn($($i),*) -> Result<R, IpcError>,
        {
            fn args(_: &Config) -> Option<ArgsType> {
                None
            }
            fn result(cfg: &Config) -> String {
                R::ts(cfg)
            }
        }
        impl<F, Fut, R: WireResult, $($i: Injected),*> CommandFn<(Async, ($($i,)*))> for F
        where
            F: Fn($($i),*) -> Fut,
            Fut: Future<Output = Result<R, IpcError>>,
        {
            fn args(_: &Config) -> Option<ArgsType> {
                None
            }
            fn result(cfg: &Config) -> String {
                R::ts(cfg)
            }
        }
        impl<F, A: TS, R: WireResult, $($i: Injected),*> CommandFn<(Sync, ($($i,)*), A)> for F
        where
            F: Fn($($i,)* A) -> Result<R, IpcError>,
        {
            fn args(cfg: &Config) -> Option<ArgsType> {
                args_type::<A>(cfg)
            }
            fn result(cfg: &Config) -> String {
                R::ts(cfg)
            }
        }
        impl<F, Fut, A: TS, R: WireResult, $($i: Injected),*> CommandFn<(Async, ($($i,)*), A)> for F
        where
            F: Fn($($i,)* A) -> Fut,
            Fut: Future<Output = Result<R, IpcError>>,
        {
            fn args(cfg: &Config) -> Option<ArgsType> {
                args_type::<A>(cfg)
            }
            fn result(cfg: &Config) -> String {
                R::ts(cfg)
            }
        }
    };
}

command_shapes!();
command_shapes!(I1);
command_shapes!(I1, I2);

/// The contract of `command` (pass the function item itself; its types are inferred).
pub fn of<Marker, F: CommandFn<Marker>>(name: &'static str, _command: F, cfg: &Config) -> Contract {
    Contract {
        name,
        args: F::args(cfg),
        result: F::result(cfg),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A sample argument struct.
    #[derive(serde::Deserialize, ts_rs::TS)]
    struct SampleArgs {
        /// A field.
        #[allow(dead_code)]
        text: String,
    }

    async fn with_args(
        _: State<'_, AppState>,
        _: SampleArgs,
    ) -> Result<Redacted<Vec<String>>, IpcError> {
        Err(IpcError::invalid("unused"))
    }

    fn without_args(_: AppHandle, _: State<'_, AppState>) -> Result<(), IpcError> {
        Ok(())
    }

    #[test]
    fn contracts_are_read_off_the_function_types() {
        let cfg = Config::new();
        let contract = of("with_args", with_args, &cfg);
        let args = contract.args.unwrap();
        assert_eq!(args.name, "SampleArgs");
        assert!(args.decl.contains("text: string"), "{}", args.decl);
        assert_eq!(contract.result, "Array<string>");
        let contract = of("without_args", without_args, &cfg);
        assert_eq!(contract.args, None);
        assert_eq!(contract.result, "null");
    }
}
