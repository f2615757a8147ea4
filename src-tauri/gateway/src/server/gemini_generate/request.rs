//! A Gemini `GenerateContentRequest` → the shared [`ChatRequest`]: `systemInstruction` → the
//! system prompt; `user` / `model` turns → user / assistant messages; `functionCall` parts →
//! tool call blocks and `functionResponse` parts → a tool message before the user's own text;
//! function declarations (Gemini `Schema` or JSON Schema) → [`ToolSpec`]s. Gemini's calls
//! often carry no id: calls get generated ids and each response is matched to its call by id,
//! else to the earliest unanswered call of the same name (Gemini's own rule: by name, in
//! order). `generationConfig.thinkingConfig` → [`Reasoning`] ([`reasoning`]).

use super::wire::{
    Content, FunctionCall, FunctionResponse, GenerateContentRequest, Part, ThinkingConfig, Tool,
};
use super::FORMAT;
use crate::conversation::{Block, Message, Role};
use crate::providers::{ChatRequest, Reasoning, ToolSpec};
use crate::server::error::{ApiError, ErrorKind};
use serde_json::{Map, Value};

fn invalid(message: impl Into<String>) -> ApiError {
    ApiError::new(ErrorKind::InvalidRequest, FORMAT, message)
}

/// The shared request for a Gemini body sent to `model` (the name in the URL).
pub fn to_chat_request(
    body: &GenerateContentRequest,
    model: &str,
) -> Result<ChatRequest, ApiError> {
    if body.cached_content.is_some() {
        return Err(invalid(
            "cachedContent is not supported: Hearth sends the whole context on every call",
        ));
    }
    let config = body.generation_config.as_ref();
    if config
        .and_then(|c| c.candidate_count)
        .is_some_and(|n| n > 1)
    {
        return Err(invalid("candidateCount above 1 is not supported"));
    }
    if body.contents.is_empty() {
        return Err(invalid("contents is not specified"));
    }
    let system = body
        .system_instruction
        .as_ref()
        .map(system_text)
        .transpose()?
        .filter(|s| !s.is_empty());
    let mut calls = CallIds::default();
    let mut messages = Vec::new();
    for content in &body.contents {
        messages.extend(turn(content, &mut calls)?);
    }
    Ok(ChatRequest {
        model: model.to_string(),
        system,
        messages,
        tools: tool_specs(&body.tools)?,
        max_tokens: config.and_then(|c| c.max_output_tokens),
        temperature: config.and_then(|c| c.temperature),
        reasoning: match config.and_then(|c| c.thinking_config.as_ref()) {
            Some(thinking) => reasoning(thinking)?,
            None => None,
        },
    })
}

/// Whether the client asked for thoughts in the answer (`includeThoughts: true`).
pub fn include_thoughts(body: &GenerateContentRequest) -> bool {
    body.generation_config
        .as_ref()
        .and_then(|c| c.thinking_config.as_ref())
        .and_then(|t| t.include_thoughts)
        .unwrap_or(false)
}

/// The reasoning a `thinkingConfig` asks for: a budget (0 off, -1 the model decides), else a
/// level, else `includeThoughts: true` alone (the model's default thinking); else none.
pub fn reasoning(config: &ThinkingConfig) -> Result<Option<Reasoning>, ApiError> {
    if let Some(budget) = config.thinking_budget {
        return match budget {
            -1 => Ok(Some(Reasoning::Auto)),
            0.. => Ok(Some(Reasoning::from_budget(
                u32::try_from(budget).unwrap_or(u32::MAX),
            ))),
            _ => Err(invalid(format!(
                "thinkingBudget {budget} is invalid: use 0 (off), -1 (automatic) or a token count"
            ))),
        };
    }
    let level = config
        .thinking_level
        .as_deref()
        .filter(|l| !l.eq_ignore_ascii_case("THINKING_LEVEL_UNSPECIFIED"));
    if let Some(level) = level {
        return match Reasoning::from_effort_name(level) {
            Some(reasoning) => Ok(Some(reasoning)),
            None => Err(invalid(format!(
                "thinkingLevel '{level}' is not supported: use MINIMAL, LOW, MEDIUM or HIGH"
            ))),
        };
    }
    Ok((config.include_thoughts == Some(true)).then_some(Reasoning::Auto))
}

fn unsupported_part() -> ApiError {
    invalid("only text, functionCall and functionResponse parts are supported")
}

/// The system instruction's text parts, joined.
fn system_text(content: &Content) -> Result<String, ApiError> {
    let mut texts = Vec::new();
    for part in &content.parts {
        match &part.text {
            Some(text) if !part.is_unsupported() => texts.push(text.as_str()),
            _ => return Err(invalid("systemInstruction may only hold text parts")),
        }
    }
    Ok(texts.join("\n"))
}

/// Ids of the calls in `contents` and which of them are still unanswered.
#[derive(Default)]
struct CallIds {
    /// Unanswered calls: id, name.
    pending: Vec<(String, String)>,
    generated: usize,
}

impl CallIds {
    /// The id of a call the model made (its own, or a generated one).
    fn call(&mut self, call: &FunctionCall) -> String {
        let id = match call.id.as_deref().filter(|id| !id.is_empty()) {
            Some(id) => id.to_string(),
            None => {
                self.generated += 1;
                format!("gemini_call_{}", self.generated)
            }
        };
        self.pending.push((id.clone(), call.name.clone()));
        id
    }

    /// The id of the call `response` answers.
    fn response(&mut self, response: &FunctionResponse) -> Result<String, ApiError> {
        let by_id = response
            .id
            .as_deref()
            .filter(|id| !id.is_empty())
            .and_then(|id| self.pending.iter().position(|(p, _)| p == id));
        let index = by_id
            .or_else(|| self.pending.iter().position(|(_, n)| n == &response.name))
            .ok_or_else(|| {
                invalid(format!(
                    "functionResponse '{}' answers no earlier functionCall in contents",
                    response.name
                ))
            })?;
        Ok(self.pending.remove(index).0)
    }
}

/// One turn as shared messages (a user turn with function responses becomes a tool message
/// followed by the user's own text, if any).
fn turn(content: &Content, calls: &mut CallIds) -> Result<Vec<Message>, ApiError> {
    let model_turn = match content.role.as_deref() {
        None | Some("" | "user" | "function") => false,
        Some("model") => true,
        Some(other) => {
            return Err(invalid(format!(
                "unknown role '{other}': use 'user' or 'model'"
            )))
        }
    };
    let mut results = Vec::new();
    let mut own = Vec::new();
    for part in &content.parts {
        if part.is_unsupported() {
            return Err(unsupported_part());
        }
        // Thoughts from an earlier answer are only valid for the provider that made them.
        if part.thought {
            continue;
        }
        own.extend(part_block(part, model_turn, calls)?);
        if let Some(response) = &part.function_response {
            if model_turn {
                return Err(invalid("functionResponse parts belong in a user turn"));
            }
            let (content, is_error) = result_content(&response.response);
            results.push(Block::ToolResult {
                call_id: calls.response(response)?,
                content,
                is_error,
            });
        }
    }
    let mut messages = Vec::new();
    if !results.is_empty() {
        messages.push(Message::new(Role::Tool, results));
    }
    if !own.is_empty() {
        let role = if model_turn {
            Role::Assistant
        } else {
            Role::User
        };
        messages.push(Message::new(role, own));
    }
    Ok(messages)
}

/// The text or call block of a part, if it has one.
fn part_block(
    part: &Part,
    model_turn: bool,
    calls: &mut CallIds,
) -> Result<Option<Block>, ApiError> {
    if let Some(call) = &part.function_call {
        if !model_turn {
            return Err(invalid("functionCall parts belong in a model turn"));
        }
        let arguments = match &call.args {
            Some(Value::Object(args)) => Value::Object(args.clone()),
            None | Some(Value::Null) => Value::Object(Map::new()),
            Some(_) => return Err(invalid("functionCall args must be an object")),
        };
        return Ok(Some(Block::ToolCall {
            id: calls.call(call),
            name: call.name.clone(),
            arguments,
            opaque: None,
        }));
    }
    Ok(part
        .text
        .as_ref()
        .filter(|text| !text.is_empty())
        .map(|text| Block::text(text.clone())))
}

/// A function response object as tool result text: the value of a lone `result`, `output`
/// or `content` field (or of `error`, marking a failure), else the whole object as JSON.
fn result_content(response: &Value) -> (String, bool) {
    let text = |value: &Value| match value {
        Value::String(text) => text.clone(),
        other => other.to_string(),
    };
    if let Value::Object(fields) = response {
        if let (1, Some((name, value))) = (fields.len(), fields.iter().next()) {
            match name.as_str() {
                "result" | "output" | "content" => return (text(value), false),
                "error" => return (text(value), true),
                _ => {}
            }
        }
    }
    (text(response), false)
}

/// Function declarations as tool specs; Google's built-in tools are refused.
fn tool_specs(tools: &[Tool]) -> Result<Vec<ToolSpec>, ApiError> {
    let mut specs = Vec::new();
    for tool in tools {
        if let Some(kind) = tool.other.keys().next() {
            return Err(invalid(format!(
                "tool '{kind}' runs on Google's side and is not supported: declare functions \
                 (functionDeclarations) and run them in the client"
            )));
        }
        for declaration in &tool.function_declarations {
            let parameters = match (&declaration.parameters_json_schema, &declaration.parameters) {
                (Some(schema), _) => schema.clone(),
                (None, Some(schema)) => json_schema(schema),
                (None, None) => serde_json::json!({"type": "object", "properties": {}}),
            };
            specs.push(ToolSpec {
                name: declaration.name.clone(),
                description: declaration.description.clone().unwrap_or_default(),
                parameters,
            });
        }
    }
    Ok(specs)
}

/// A Gemini `Schema` (OpenAPI subset: upper-case `type`, `nullable`, `propertyOrdering`) as
/// JSON Schema: types in lower case, `nullable` as a `"null"` type, Gemini-only keys dropped.
pub fn json_schema(schema: &Value) -> Value {
    let Value::Object(fields) = schema else {
        return schema.clone();
    };
    let mut out = Map::new();
    for (key, value) in fields {
        let converted = match key.as_str() {
            "type" => match value.as_str() {
                Some("TYPE_UNSPECIFIED") => continue,
                Some(name) => Value::String(name.to_ascii_lowercase()),
                None => value.clone(),
            },
            "nullable" | "propertyOrdering" | "example" => continue,
            "items" | "not" | "additionalProperties" => json_schema(value),
            "anyOf" | "oneOf" | "allOf" | "prefixItems" => match value {
                Value::Array(items) => Value::Array(items.iter().map(json_schema).collect()),
                other => other.clone(),
            },
            "properties" | "$defs" | "definitions" => match value {
                Value::Object(properties) => Value::Object(
                    properties
                        .iter()
                        .map(|(name, schema)| (name.clone(), json_schema(schema)))
                        .collect(),
                ),
                other => other.clone(),
            },
            _ => value.clone(),
        };
        out.insert(key.clone(), converted);
    }
    if fields.get("nullable").and_then(Value::as_bool) == Some(true) {
        if let Some(Value::String(kind)) = out.get("type").cloned() {
            out.insert("type".into(), serde_json::json!([kind, "null"]));
        }
    }
    Value::Object(out)
}
