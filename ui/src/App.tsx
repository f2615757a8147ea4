import { useEffect, useState } from "react";
import { ipc, type AppInfo } from "./ipc";

/** The main window. */
export function App() {
  const [info, setInfo] = useState<AppInfo | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    ipc.appInfo().then(setInfo, (e) => setError(e?.message ?? String(e)));
  }, []);
  return (
    <main className="app">
      <h1>Hearth</h1>
      {info && (
        <p className="about">
          Version <span id="app-version">{info.version}</span> · data in{" "}
          <code id="app-data-dir">{info.data_dir}</code>
        </p>
      )}
      {error && <p role="alert">{error}</p>}
    </main>
  );
}
