// Light / dark: follow the system (prefers-color-scheme) unless the user chose one. `?theme=dark`
// in the URL forces a theme (screenshots, tests).
import { useEffect } from "react";
import type { Appearance } from "../ipc";

export function useTheme(appearance: Appearance | undefined): void {
  useEffect(() => {
    const forced = new URLSearchParams(window.location.search).get("theme");
    const theme = forced === "light" || forced === "dark" ? forced : appearance;
    const root = document.documentElement;
    if (theme === "light" || theme === "dark") root.dataset.theme = theme;
    else delete root.dataset.theme;
  }, [appearance]);
}
