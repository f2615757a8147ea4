//! The tray / menu-bar assistant: Quick ask…, Open Hearth, Pending approvals (N), Pause / Resume
//! agent, Quit Hearth. Its labels, tooltip and icon follow the approvals waiting and the pause
//! switch ([`Tray::refresh`], called by the event forwarder).

use super::windows;
use super::AppState;
use hearth_gateway::policy::settings;
use std::sync::{Arc, OnceLock};
use tauri::image::Image;
use tauri::menu::{Menu, MenuItem, PredefinedMenuItem};
use tauri::tray::{MouseButton, MouseButtonState, TrayIcon, TrayIconBuilder, TrayIconEvent};
use tauri::{AppHandle, Manager, Wry};

const ID_QUICK_ASK: &str = "quick-ask";
const ID_OPEN: &str = "open";
const ID_APPROVALS: &str = "approvals";
const ID_PAUSE: &str = "pause";
const ID_QUIT: &str = "quit";

/// The tray icon and the menu items whose labels change.
pub struct Tray {
    icon: TrayIcon<Wry>,
    approvals: MenuItem<Wry>,
    pause: MenuItem<Wry>,
    normal: Image<'static>,
    attention: Image<'static>,
}

/// The tray once it is built (it is built after the window's first frame, see
/// `startup.rs`): Tauri state, shared with the event forwarder that keeps it current.
#[derive(Clone, Default)]
pub struct TraySlot(Arc<OnceLock<Tray>>);

impl TraySlot {
    /// The tray, when it has been built.
    pub fn get(&self) -> Option<&Tray> {
        self.0.get()
    }
}

/// Builds the tray on the main thread (once; the [`TraySlot`] must be managed) and shows the
/// current approvals and pause switch on it. A failure (no tray on this desktop) is logged.
pub fn install(app: &AppHandle<Wry>) {
    let handle = app.clone();
    let posted = app.run_on_main_thread(move || {
        let slot = handle.state::<TraySlot>();
        if slot.get().is_some() {
            return;
        }
        match Tray::build(&handle) {
            Ok(tray) => {
                let gateway = &handle.state::<AppState>().gateway;
                tray.refresh(
                    gateway.approvals().pending().len(),
                    gateway.live_config().is_paused(),
                );
                let _ = slot.0.set(tray);
            }
            Err(error) => tracing::warn!(%error, "no tray icon"),
        }
    });
    if let Err(error) = posted {
        tracing::warn!(%error, "no tray icon");
    }
}

/// The "Pending approvals" label for `count`.
pub fn approvals_label(count: usize) -> String {
    format!("Pending approvals ({count})")
}

/// The pause item's label for the switch's state.
pub fn pause_label(paused: bool) -> &'static str {
    if paused {
        "Resume agent"
    } else {
        "Pause agent"
    }
}

/// The tooltip for the current state.
pub fn tooltip(count: usize, paused: bool) -> String {
    let mut text = String::from("Hearth");
    if paused {
        text.push_str(" — agent paused");
    }
    match count {
        0 => {}
        1 => text.push_str(" — 1 approval waiting"),
        n => text.push_str(&format!(" — {n} approvals waiting")),
    }
    text
}

/// `rgba` (width × height) with an orange dot in the top-right corner: the "approval waiting"
/// variant of the icon.
pub fn with_attention_dot(rgba: &[u8], width: u32, height: u32) -> Vec<u8> {
    let mut out = rgba.to_vec();
    let radius = (width.min(height) as f32 * 0.22).max(2.0);
    let (cx, cy) = (width as f32 - radius - 0.5, radius + 0.5);
    for y in 0..height {
        for x in 0..width {
            let (dx, dy) = (x as f32 + 0.5 - cx, y as f32 + 0.5 - cy);
            if dx * dx + dy * dy <= radius * radius {
                let i = ((y * width + x) * 4) as usize;
                if let Some(px) = out.get_mut(i..i + 4) {
                    px.copy_from_slice(&[0xF9, 0x73, 0x16, 0xFF]);
                }
            }
        }
    }
    out
}

impl Tray {
    /// Builds the tray icon and its menu.
    pub fn build(app: &AppHandle<Wry>) -> tauri::Result<Tray> {
        let normal = Image::from_bytes(include_bytes!("../../../icons/32x32.png"))?.to_owned();
        let attention = Image::new_owned(
            with_attention_dot(normal.rgba(), normal.width(), normal.height()),
            normal.width(),
            normal.height(),
        );
        let quick = MenuItem::with_id(app, ID_QUICK_ASK, "Quick ask…", true, None::<&str>)?;
        let open = MenuItem::with_id(app, ID_OPEN, "Open Hearth", true, None::<&str>)?;
        let approvals =
            MenuItem::with_id(app, ID_APPROVALS, approvals_label(0), true, None::<&str>)?;
        let pause = MenuItem::with_id(app, ID_PAUSE, pause_label(false), true, None::<&str>)?;
        let quit = MenuItem::with_id(app, ID_QUIT, "Quit Hearth", true, None::<&str>)?;
        let menu = Menu::with_items(
            app,
            &[
                &quick,
                &open,
                &approvals,
                &PredefinedMenuItem::separator(app)?,
                &pause,
                &PredefinedMenuItem::separator(app)?,
                &quit,
            ],
        )?;
        let icon = TrayIconBuilder::with_id("hearth")
            .icon(normal.clone())
            .tooltip("Hearth")
            .menu(&menu)
            .show_menu_on_left_click(false)
            .on_menu_event(|app, event| on_menu(app, event.id().as_ref()))
            .on_tray_icon_event(|tray, event| {
                if let TrayIconEvent::Click {
                    button: MouseButton::Left,
                    button_state: MouseButtonState::Up,
                    ..
                } = event
                {
                    windows::show_main(tray.app_handle());
                }
            })
            .build(app)?;
        let tray = Tray {
            icon,
            approvals,
            pause,
            normal,
            attention,
        };
        Ok(tray)
    }

    /// Updates the labels, tooltip and icon from the pending approvals and the pause switch.
    pub fn refresh(&self, pending: usize, paused: bool) {
        let _ = self.approvals.set_text(approvals_label(pending));
        let _ = self.pause.set_text(pause_label(paused));
        let _ = self.icon.set_tooltip(Some(tooltip(pending, paused)));
        let image = if pending > 0 {
            self.attention.clone()
        } else {
            self.normal.clone()
        };
        let _ = self.icon.set_icon(Some(image));
    }
}

fn on_menu(app: &AppHandle<Wry>, id: &str) {
    match id {
        ID_QUICK_ASK => {
            if let Err(error) = windows::show_quick_ask(app) {
                tracing::warn!(%error, "cannot show the quick-ask window");
            }
        }
        ID_OPEN | ID_APPROVALS => windows::show_main(app),
        ID_PAUSE => {
            let state = app.state::<AppState>();
            let live = state.gateway.live_config();
            if let Err(error) = settings::set_paused(live, !live.is_paused()) {
                tracing::warn!(%error, "cannot change the pause switch from the tray");
            }
        }
        ID_QUIT => app.exit(0),
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_follow_the_state() {
        assert_eq!(approvals_label(3), "Pending approvals (3)");
        assert_eq!(pause_label(true), "Resume agent");
        assert_eq!(pause_label(false), "Pause agent");
        assert_eq!(tooltip(0, false), "Hearth");
        assert_eq!(tooltip(1, false), "Hearth — 1 approval waiting");
        assert_eq!(
            tooltip(2, true),
            "Hearth — agent paused — 2 approvals waiting"
        );
    }

    #[test]
    fn the_attention_variant_paints_a_dot_in_the_corner_only() {
        let rgba = vec![0u8; 32 * 32 * 4];
        let out = with_attention_dot(&rgba, 32, 32);
        assert_eq!(out.len(), rgba.len());
        let px = |x: usize, y: usize| &out[(y * 32 + x) * 4..(y * 32 + x) * 4 + 4];
        assert_eq!(px(27, 4), [0xF9, 0x73, 0x16, 0xFF]);
        assert_eq!(px(2, 28), [0, 0, 0, 0]);
    }
}
