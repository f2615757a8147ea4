// Runs before the app's own script (a classic script is not deferred): once the frame in
// index.html has been painted, tells the core when, for the start-up timing
// (src-tauri/src/desktop/startup.rs). Outside the app (a browser, tests) it does nothing.
(function () {
  var ipc = window.__TAURI_INTERNALS__;
  if (!ipc || typeof ipc.invoke !== "function") return;
  requestAnimationFrame(function () {
    // The frame callback runs just before the paint; a task queued from it runs after.
    setTimeout(function () {
      ipc.invoke("startup_painted").catch(function () {});
    }, 0);
  });
})();
