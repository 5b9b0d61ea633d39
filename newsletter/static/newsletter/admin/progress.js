/* Live progress of a sending edition: polls the JSON endpoint while the edition is sending or paused. */
(function () {
  "use strict";
  var box = document.querySelector("[data-newsletter-progress]");
  if (!box) { return; }
  var url = box.getAttribute("data-newsletter-progress");
  var active = ["sending", "paused", "scheduled"];
  var status = box.getAttribute("data-status");

  function show(data) {
    Object.keys(data).forEach(function (key) {
      document.querySelectorAll('[data-progress-field="' + key + '"]').forEach(function (node) {
        node.textContent = data[key];
      });
    });
    var bar = box.querySelector("[data-progress-bar]");
    if (bar) {
      bar.max = Math.max(1, data.total);
      bar.value = data.sent;
    }
    if (data.status !== status) {
      status = data.status;
      if (active.indexOf(status) === -1) { window.location.reload(); }
    }
  }

  function poll() {
    if (active.indexOf(status) === -1) { return; }
    fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (data) { if (data) { show(data); } })
      .catch(function () { /* try again at the next tick */ })
      .then(function () { window.setTimeout(poll, 2000); });
  }
  window.setTimeout(poll, 2000);
})();
