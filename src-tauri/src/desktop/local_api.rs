//! The local API inside the desktop app: started at launch when `server.enabled` is true (the
//! same server as `hearth serve`, loopback only). A change of the setting applies at the next
//! start.

use hearth_gateway::events::Event;
use hearth_gateway::server;
use hearth_gateway::Gateway;

/// Starts the local API in the background when the configuration enables it. A failure (port
/// taken, bad address) is logged and shown in the window; the app keeps running.
pub fn start_if_enabled(gateway: &Gateway) {
    let config = gateway.config();
    if !config.server.enabled {
        return;
    }
    let listen = config.server.listen.clone();
    let gateway = gateway.clone();
    tauri::async_runtime::spawn(async move {
        let result = match server::bind(&listen, false).await {
            Ok((listener, addr)) => {
                tracing::info!(%addr, "local API listening");
                server::run(gateway.clone(), listener, std::future::pending()).await
            }
            Err(error) => Err(error),
        };
        if let Err(error) = result {
            tracing::error!(%error, "the local API is not running");
            gateway.bus().publish(Event::Error {
                conversation_id: None,
                message: format!("The local API is not running: {error}"),
            });
        }
    });
}
