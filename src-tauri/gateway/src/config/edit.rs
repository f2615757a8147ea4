//! Comment-preserving edits of `config.toml` (toml_edit), validated before they are written.

use super::{Config, ConfigError};
use std::path::Path;
use toml_edit::DocumentMut;

/// Applies `change` to the document at `path`, checks the result is a valid [`Config`], and
/// writes it atomically (0600). On any error the file is left as it was.
pub fn edit_config(
    path: &Path,
    change: impl FnOnce(&mut DocumentMut) -> Result<(), ConfigError>,
) -> Result<Config, ConfigError> {
    let io = |source| ConfigError::Io {
        path: path.to_path_buf(),
        source,
    };
    let text = match std::fs::read_to_string(path) {
        Ok(text) => text,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            super::template::DEFAULT_CONFIG.to_string()
        }
        Err(e) => return Err(io(e)),
    };
    let mut doc: DocumentMut =
        text.parse()
            .map_err(|e: toml_edit::TomlError| ConfigError::Invalid {
                path: path.to_path_buf(),
                message: e.to_string().trim().to_string(),
            })?;
    change(&mut doc)?;
    let new_text = doc.to_string();
    let config = Config::parse(&new_text, path)?;
    crate::paths::write_private_atomic(path, new_text.as_bytes()).map_err(io)?;
    Ok(config)
}

/// The table at `key` under the document root, created (as a standard table) if missing.
pub fn table_mut<'a>(doc: &'a mut DocumentMut, key: &str) -> &'a mut toml_edit::Table {
    let item = doc
        .as_table_mut()
        .entry(key)
        .or_insert_with(|| toml_edit::Item::Table(toml_edit::Table::new()));
    if !item.is_table() {
        *item = toml_edit::Item::Table(toml_edit::Table::new());
    }
    let table = item.as_table_mut().expect("just made a table");
    table.set_implicit(true);
    table
}

/// Adds provider `id` to `[providers]`; refuses an id that exists.
pub fn add_provider(
    path: &Path,
    id: &str,
    provider: &super::ProviderConfig,
) -> Result<Config, ConfigError> {
    super::providers::validate_id(id).map_err(ConfigError::Rejected)?;
    let text = toml::to_string(provider).map_err(|e| ConfigError::Rejected(e.to_string()))?;
    let table: DocumentMut = text
        .parse()
        .map_err(|e: toml_edit::TomlError| ConfigError::Rejected(e.to_string()))?;
    edit_config(path, |doc| {
        let providers = table_mut(doc, "providers");
        if providers.contains_key(id) {
            return Err(ConfigError::Rejected(format!(
                "provider '{id}' already exists: remove it first"
            )));
        }
        providers.insert(id, toml_edit::Item::Table(table.as_table().clone()));
        Ok(())
    })
}

/// Removes provider `id`; refuses an unknown id.
pub fn remove_provider(path: &Path, id: &str) -> Result<Config, ConfigError> {
    edit_config(path, |doc| {
        let providers = table_mut(doc, "providers");
        if providers.remove(id).is_none() {
            return Err(ConfigError::Rejected(format!(
                "no provider '{id}' (see `hearth provider list`)"
            )));
        }
        Ok(())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn edits_keep_comments_and_validate() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("config.toml");
        Config::load_or_init(&path).unwrap();
        let config = edit_config(&path, |doc| {
            table_mut(doc, "server")["listen"] = toml_edit::value("127.0.0.1:9999");
            Ok(())
        })
        .unwrap();
        assert_eq!(config.server.listen, "127.0.0.1:9999");
        let text = std::fs::read_to_string(&path).unwrap();
        assert!(text.contains("# Hearth configuration."));
        assert!(text.contains("127.0.0.1:9999"));
    }

    #[test]
    fn an_invalid_edit_leaves_the_file_untouched() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("config.toml");
        Config::load_or_init(&path).unwrap();
        let before = std::fs::read_to_string(&path).unwrap();
        let err = edit_config(&path, |doc| {
            table_mut(doc, "server")["listen"] = toml_edit::value(5);
            Ok(())
        });
        assert!(err.is_err());
        assert_eq!(std::fs::read_to_string(&path).unwrap(), before);
    }

    #[test]
    fn providers_are_added_and_removed() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("config.toml");
        Config::load_or_init(&path).unwrap();
        let provider = crate::config::ProviderConfig {
            kind: crate::config::ProviderKind::OpenAiCompatible,
            base_url: Some("http://127.0.0.1:11434/v1".into()),
            models: vec!["llama3".into()],
            key_env: None,
            fallback: vec![],
            max_tokens: None,
        };
        let config = add_provider(&path, "local", &provider).unwrap();
        assert_eq!(config.providers["local"], provider);
        assert!(add_provider(&path, "local", &provider).is_err());
        assert!(add_provider(&path, "bad id", &provider).is_err());
        let config = remove_provider(&path, "local").unwrap();
        assert!(config.providers.is_empty());
        assert!(remove_provider(&path, "local").is_err());
        assert!(std::fs::read_to_string(&path)
            .unwrap()
            .contains("# Hearth configuration."));
    }
}
