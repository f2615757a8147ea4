//! The agent loop: one turn = assemble context → stream from a provider → gate each tool call →
//! run it → loop. The decisions live in the pure [`machine`]; the driver performs the I/O.

pub mod answer;
pub mod context;
pub mod gate;
pub mod machine;
pub mod model_ref;
pub mod policy_gate;
pub mod probe;
pub mod turn;

pub use answer::AnswerBuilder;
pub use context::{ContextWatcher, PersonalContext};
pub use machine::{Effect, Input, Outcome, TurnMachine};
pub use model_ref::{BadModelRef, ModelRef};

#[cfg(test)]
mod turn_tests;
