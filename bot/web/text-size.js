/* 大字模式 (适老化): apply the size remembered on this device before the page is first drawn.
 * Loaded synchronously in <head> (the CSP forbids inline scripts); app.js owns the switch.
 * localStorage may be missing or throw (private mode, some in-app browsers): then standard size. */
(function () {
  "use strict";
  try {
    if (window.localStorage && window.localStorage.getItem("assistant_text_size") === "large") {
      document.documentElement.className += " large-text";
    }
  } catch (err) { /* storage unavailable: standard size */ }
})();
