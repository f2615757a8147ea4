//! [`ToolRegistry`]: the one list of tools that the agent loop, the CLI and the UI all read.
//! Later sources (MCP servers) register and unregister tools at runtime.

use super::Tool;
use crate::providers::ToolSpec;
use std::collections::BTreeMap;
use std::sync::{Arc, RwLock};

/// Errors changing the registry.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RegistryError {
    /// A tool of that name is already registered.
    #[error("a tool named '{0}' is already registered")]
    Duplicate(String),
}

/// Tools by name. Cheap to clone: every clone shares the same list, so a tool registered
/// through one (an MCP server coming up) is seen by all.
#[derive(Default, Clone)]
pub struct ToolRegistry {
    tools: Arc<RwLock<BTreeMap<String, Arc<dyn Tool>>>>,
}

impl std::fmt::Debug for ToolRegistry {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_list().entries(self.names()).finish()
    }
}

impl ToolRegistry {
    /// An empty registry.
    pub fn new() -> Self {
        ToolRegistry::default()
    }

    fn read(&self) -> std::sync::RwLockReadGuard<'_, BTreeMap<String, Arc<dyn Tool>>> {
        self.tools.read().unwrap_or_else(|p| p.into_inner())
    }

    fn write(&self) -> std::sync::RwLockWriteGuard<'_, BTreeMap<String, Arc<dyn Tool>>> {
        self.tools.write().unwrap_or_else(|p| p.into_inner())
    }

    /// Adds a tool; a name can be registered only once.
    pub fn register(&self, tool: Arc<dyn Tool>) -> Result<(), RegistryError> {
        let mut tools = self.write();
        let name = tool.name().to_string();
        if tools.contains_key(&name) {
            return Err(RegistryError::Duplicate(name));
        }
        tools.insert(name, tool);
        Ok(())
    }

    /// Removes a tool, returning it if it was there.
    pub fn unregister(&self, name: &str) -> Option<Arc<dyn Tool>> {
        self.write().remove(name)
    }

    /// The tool called `name`.
    pub fn get(&self, name: &str) -> Option<Arc<dyn Tool>> {
        self.read().get(name).cloned()
    }

    /// Every tool, sorted by name.
    pub fn list(&self) -> Vec<Arc<dyn Tool>> {
        self.read().values().cloned().collect()
    }

    /// Every tool name, sorted.
    pub fn names(&self) -> Vec<String> {
        self.read().keys().cloned().collect()
    }

    /// The tools offered to models: every registered tool that is not switched off.
    pub fn specs(&self) -> Vec<ToolSpec> {
        self.read()
            .values()
            .filter(|tool| tool.disabled_reason().is_none())
            .map(|tool| tool.spec())
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tools::{Risk, ToolContext, ToolError, ToolOutput};
    use serde_json::Value;

    struct Fake(&'static str, bool);

    #[async_trait::async_trait]
    impl Tool for Fake {
        fn name(&self) -> &str {
            self.0
        }
        fn description(&self) -> &str {
            "fake"
        }
        fn parameters(&self) -> Value {
            serde_json::json!({"type": "object"})
        }
        fn risk(&self) -> Risk {
            Risk::Read
        }
        fn preview(&self, _args: &Value) -> String {
            String::new()
        }
        fn disabled_reason(&self) -> Option<String> {
            self.1.then(|| "off".to_string())
        }
        async fn run(&self, _args: Value, _ctx: ToolContext) -> Result<ToolOutput, ToolError> {
            Ok(ToolOutput::ok("", ""))
        }
    }

    #[test]
    fn register_lookup_unregister_and_specs() {
        let registry = ToolRegistry::new();
        let shared = registry.clone();
        shared.register(Arc::new(Fake("b.tool", false))).unwrap();
        registry.register(Arc::new(Fake("a.tool", false))).unwrap();
        registry.register(Arc::new(Fake("c.off", true))).unwrap();
        assert_eq!(
            registry.register(Arc::new(Fake("a.tool", false))),
            Err(RegistryError::Duplicate("a.tool".into()))
        );
        assert_eq!(registry.names(), ["a.tool", "b.tool", "c.off"]);
        let specs: Vec<String> = registry.specs().into_iter().map(|s| s.name).collect();
        assert_eq!(
            specs,
            ["a.tool", "b.tool"],
            "disabled tools are not offered"
        );
        assert!(registry.unregister("a.tool").is_some());
        assert!(registry.get("a.tool").is_none());
        assert!(registry.get("b.tool").is_some());
    }
}
