//! [`TurnMachine`]: the agent loop as a pure state machine. The driver ([`super::turn`]) feeds it
//! what happened ([`Input`]) and performs what it asks ([`Effect`]); every transition is tested
//! here without I/O or async.
//!
//! One turn: call the model → if it asked for tools, run them (through the permission gate) →
//! call the model again with the results → … until it answers without tool calls, fails, is
//! cancelled, or reaches the step limit. A model call that fails *before producing anything* moves
//! to the next model of the fallback chain; once content has streamed, a failure ends the turn
//! (the partial answer is kept by the driver).

use super::model_ref::ModelRef;
use std::collections::VecDeque;

/// What happened, as told by the driver.
#[derive(Debug, Clone, PartialEq)]
pub enum Input {
    /// The turn begins.
    Start,
    /// The model call finished normally; it asked for this many tool calls.
    ModelFinished { tool_calls: usize },
    /// The model call failed.
    ModelFailed {
        /// Whether any content had streamed before the failure.
        received_content: bool,
        /// Whether another model might succeed (false for e.g. a cancelled call).
        can_fall_back: bool,
        /// A redacted description for people.
        reason: String,
    },
    /// Every tool call of the last answer has a result.
    ToolsFinished,
    /// The user stopped the turn.
    Cancelled,
}

/// What the driver must do next.
#[derive(Debug, Clone, PartialEq)]
pub enum Effect {
    /// Stream one model call from this model.
    CallModel(ModelRef),
    /// Record and announce a switch to a fallback model (a `CallModel` follows).
    FallBack {
        /// The model that failed.
        from: ModelRef,
        /// The model tried next.
        to: ModelRef,
        /// Why.
        reason: String,
    },
    /// Gate and run the tool calls of the last answer.
    RunTools,
    /// The turn is over.
    Finish(Outcome),
}

/// How a turn ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// The model answered without asking for more tools.
    Completed,
    /// A model call failed (after fallbacks).
    Failed(String),
    /// The user stopped it.
    Cancelled,
    /// The step limit was reached with tool calls still coming.
    StepLimit(u32),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum State {
    Idle,
    Calling,
    RunningTools,
    Done,
}

/// The state of one agent turn.
#[derive(Debug, Clone)]
pub struct TurnMachine {
    current: ModelRef,
    fallbacks: VecDeque<ModelRef>,
    max_steps: u32,
    steps: u32,
    state: State,
}

impl TurnMachine {
    /// A turn on `model`, falling back through `fallbacks` in order, with at most `max_steps`
    /// model calls.
    pub fn new(model: ModelRef, fallbacks: Vec<ModelRef>, max_steps: u32) -> Self {
        TurnMachine {
            current: model,
            fallbacks: fallbacks.into(),
            max_steps: max_steps.max(1),
            steps: 0,
            state: State::Idle,
        }
    }

    /// The model in use now.
    pub fn model(&self) -> &ModelRef {
        &self.current
    }

    /// Model calls made so far.
    pub fn steps(&self) -> u32 {
        self.steps
    }

    /// Whether the turn has finished.
    pub fn is_done(&self) -> bool {
        self.state == State::Done
    }

    /// Feeds one input; returns the effects to perform, in order.
    pub fn handle(&mut self, input: Input) -> Vec<Effect> {
        if self.state == State::Done {
            return Vec::new();
        }
        match (self.state, input) {
            (_, Input::Cancelled) => self.finish(Outcome::Cancelled),
            (State::Idle, Input::Start) => self.call(),
            (State::Calling, Input::ModelFinished { tool_calls: 0 }) => {
                self.finish(Outcome::Completed)
            }
            (State::Calling, Input::ModelFinished { .. }) => {
                self.state = State::RunningTools;
                vec![Effect::RunTools]
            }
            (
                State::Calling,
                Input::ModelFailed {
                    received_content,
                    can_fall_back,
                    reason,
                },
            ) => {
                if received_content || !can_fall_back {
                    return self.finish(Outcome::Failed(reason));
                }
                match self.fallbacks.pop_front() {
                    Some(next) => {
                        let from = std::mem::replace(&mut self.current, next.clone());
                        // A fallback retries the same step; it does not count as a new one.
                        self.steps -= 1;
                        let mut effects = vec![Effect::FallBack {
                            from,
                            to: next,
                            reason,
                        }];
                        effects.extend(self.call());
                        effects
                    }
                    None => self.finish(Outcome::Failed(reason)),
                }
            }
            (State::RunningTools, Input::ToolsFinished) => {
                if self.steps >= self.max_steps {
                    self.finish(Outcome::StepLimit(self.max_steps))
                } else {
                    self.call()
                }
            }
            (state, input) => {
                tracing::error!(?state, ?input, "agent turn: unexpected input ignored");
                Vec::new()
            }
        }
    }

    fn call(&mut self) -> Vec<Effect> {
        self.steps += 1;
        self.state = State::Calling;
        vec![Effect::CallModel(self.current.clone())]
    }

    fn finish(&mut self, outcome: Outcome) -> Vec<Effect> {
        self.state = State::Done;
        vec![Effect::Finish(outcome)]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn m(s: &str) -> ModelRef {
        s.parse().unwrap()
    }

    fn failed(received_content: bool) -> Input {
        Input::ModelFailed {
            received_content,
            can_fall_back: true,
            reason: "overloaded".into(),
        }
    }

    #[test]
    fn a_plain_answer_completes() {
        let mut turn = TurnMachine::new(m("a/x"), vec![], 4);
        assert_eq!(turn.handle(Input::Start), vec![Effect::CallModel(m("a/x"))]);
        assert_eq!(
            turn.handle(Input::ModelFinished { tool_calls: 0 }),
            vec![Effect::Finish(Outcome::Completed)]
        );
        assert!(turn.is_done());
        assert!(turn.handle(Input::Start).is_empty());
    }

    #[test]
    fn tool_calls_loop_back_to_the_model() {
        let mut turn = TurnMachine::new(m("a/x"), vec![], 4);
        turn.handle(Input::Start);
        assert_eq!(
            turn.handle(Input::ModelFinished { tool_calls: 2 }),
            vec![Effect::RunTools]
        );
        assert_eq!(
            turn.handle(Input::ToolsFinished),
            vec![Effect::CallModel(m("a/x"))]
        );
        assert_eq!(turn.steps(), 2);
    }

    #[test]
    fn the_step_limit_ends_the_turn() {
        let mut turn = TurnMachine::new(m("a/x"), vec![], 2);
        turn.handle(Input::Start);
        turn.handle(Input::ModelFinished { tool_calls: 1 });
        turn.handle(Input::ToolsFinished);
        turn.handle(Input::ModelFinished { tool_calls: 1 });
        assert_eq!(
            turn.handle(Input::ToolsFinished),
            vec![Effect::Finish(Outcome::StepLimit(2))]
        );
    }

    #[test]
    fn failure_before_content_falls_back_in_order() {
        let mut turn = TurnMachine::new(m("a/x"), vec![m("b/y"), m("c/z")], 4);
        turn.handle(Input::Start);
        let effects = turn.handle(failed(false));
        assert_eq!(
            effects,
            vec![
                Effect::FallBack {
                    from: m("a/x"),
                    to: m("b/y"),
                    reason: "overloaded".into()
                },
                Effect::CallModel(m("b/y"))
            ]
        );
        assert_eq!(turn.steps(), 1, "a fallback is not a new step");
        turn.handle(failed(false));
        assert_eq!(turn.model(), &m("c/z"));
        assert_eq!(
            turn.handle(failed(false)),
            vec![Effect::Finish(Outcome::Failed("overloaded".into()))]
        );
    }

    #[test]
    fn failure_after_content_keeps_the_partial_answer_and_stops() {
        let mut turn = TurnMachine::new(m("a/x"), vec![m("b/y")], 4);
        turn.handle(Input::Start);
        assert_eq!(
            turn.handle(failed(true)),
            vec![Effect::Finish(Outcome::Failed("overloaded".into()))]
        );
    }

    #[test]
    fn non_fallback_errors_stop_at_once() {
        let mut turn = TurnMachine::new(m("a/x"), vec![m("b/y")], 4);
        turn.handle(Input::Start);
        let effects = turn.handle(Input::ModelFailed {
            received_content: false,
            can_fall_back: false,
            reason: "bad key".into(),
        });
        assert_eq!(
            effects,
            vec![Effect::Finish(Outcome::Failed("bad key".into()))]
        );
    }

    #[test]
    fn cancel_wins_in_any_state() {
        let mut turn = TurnMachine::new(m("a/x"), vec![], 4);
        turn.handle(Input::Start);
        turn.handle(Input::ModelFinished { tool_calls: 1 });
        assert_eq!(
            turn.handle(Input::Cancelled),
            vec![Effect::Finish(Outcome::Cancelled)]
        );
    }
}
