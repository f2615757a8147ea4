// The entry point: small on purpose. The window first paints the frame in index.html, then the
// app's code (React and every screen, ./start) is loaded and mounted. Parsing that code before the
// first paint would delay it; loading it right after costs one frame.
import "./styles.css";

let started = false;

function startOnce() {
  if (started) return;
  started = true;
  void import("./start").then((app) => app.start());
}

const quickAsk = window.location.hash.startsWith("#/quick-ask");
if (quickAsk || document.visibilityState !== "visible") {
  // A hidden window may get no animation frames: start at once.
  startOnce();
} else {
  requestAnimationFrame(() => setTimeout(startOnce, 0));
  setTimeout(startOnce, 200);
}
