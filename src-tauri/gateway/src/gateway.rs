//! [`Gateway`]: the one facade both shells hold. It opens the data directory and wires the
//! modules together.

use crate::config::{Config, ConfigError};
use crate::events::EventBus;
use crate::paths::{DataDir, PathsError};
use std::sync::{Arc, RwLock};

/// Errors opening the gateway.
#[derive(Debug, thiserror::Error)]
pub enum GatewayError {
    /// The data directory could not be prepared.
    #[error(transparent)]
    Paths(#[from] PathsError),
    /// The configuration could not be read.
    #[error(transparent)]
    Config(#[from] ConfigError),
}

/// The gateway core, shared by every shell. Cheap to clone.
#[derive(Clone)]
pub struct Gateway {
    inner: Arc<Inner>,
}

struct Inner {
    data_dir: DataDir,
    config: RwLock<Config>,
    bus: EventBus,
}

impl Gateway {
    /// Opens (creating if needed) the data directory and loads its configuration.
    pub fn open(data_dir: DataDir) -> Result<Gateway, GatewayError> {
        data_dir.ensure()?;
        let config = Config::load_or_init(&data_dir.config_path())?;
        Ok(Gateway {
            inner: Arc::new(Inner {
                data_dir,
                config: RwLock::new(config),
                bus: EventBus::default(),
            }),
        })
    }

    /// The data directory in use.
    pub fn data_dir(&self) -> &DataDir {
        &self.inner.data_dir
    }

    /// A snapshot of the configuration in force.
    pub fn config(&self) -> Config {
        self.inner
            .config
            .read()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .clone()
    }

    /// The event bus every shell subscribes to.
    pub fn bus(&self) -> &EventBus {
        &self.inner.bus
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn open_creates_the_data_dir_and_config() {
        let dir = tempfile::tempdir().unwrap();
        let gateway = Gateway::open(DataDir::at(&dir.path().join("h"))).unwrap();
        assert!(gateway.data_dir().config_path().exists());
        assert!(gateway.data_dir().logs_dir().is_dir());
        assert_eq!(gateway.config().server.listen, "127.0.0.1:8765");
    }
}
