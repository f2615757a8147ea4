// The one place the UI talks to the core. The UI holds no secret and decides no permission.
import { invoke } from "@tauri-apps/api/core";

/** Returned by the `app_info` command. */
export interface AppInfo {
  version: string;
  data_dir: string;
}

/** Error shape every command rejects with. */
export interface IpcError {
  kind: string;
  message: string;
}

export const ipc = {
  appInfo: () => invoke<AppInfo>("app_info"),
};
