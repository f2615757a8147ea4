// Runs before the app's own script (a classic script is not deferred). The quick-ask window does
// not show the main window's frame from index.html; the main window tells the core when that frame
// has been painted, for the start-up timing (src-tauri/src/desktop/startup.rs). Outside the app (a
// browser, tests) it only does the former.
(function () {
  // Milliseconds since navigation start, for diagnosing start-up (read over WebDriver).
  var marks = (window.__hearthStartup = { boot_script: performance.now() });
  if (location.hash.indexOf("#/quick-ask") === 0) {
    var root = document.getElementById("root");
    if (root) root.textContent = "";
    return;
  }
  var ipc = window.__TAURI_INTERNALS__;
  if (!ipc || typeof ipc.invoke !== "function") return;
  requestAnimationFrame(function () {
    marks.first_frame_callback = performance.now();
    // The frame callback runs just before the paint; a task queued from it runs after.
    setTimeout(function () {
      marks.painted = performance.now();
      ipc.invoke("startup_painted").catch(function () {});
    }, 0);
  });
})();
