// Wagtail autosaves a page as the editor types. A page cannot be saved, not even as a draft,
// without its title and the few values the database needs (marked data-cdp-required-on-save by
// cms.admin_forms.CmsPageForm): autosave would answer "errori di validazione" to an editor who
// has just started typing a new page. So autosave stays paused until those fields are filled in.
(function () {
  "use strict";
  function setUp() {
    var form = document.querySelector("form[data-controller~='w-autosave']");
    if (!form) return;
    if (!form.querySelector("[data-cdp-required-on-save]")) return;
    function ready() {
      // asked each time: Wagtail replaces some inputs after the page has loaded
      var required = Array.prototype.slice.call(form.querySelectorAll("[data-cdp-required-on-save]"));
      return required.every(function (field) { return (field.value || "").trim() !== ""; });
    }
    var wasReady = ready();
    function sync() {
      var now = ready();
      form.setAttribute("data-w-autosave-active-value", now ? "true" : "false");
      if (now && !wasReady) {
        // what was typed while paused is saved as soon as the draft can be saved
        form.dispatchEvent(new CustomEvent("w-unsaved:add", { bubbles: true, cancelable: true, detail: { type: "edits" } }));
      }
      wasReady = now;
    }
    form.setAttribute("data-w-autosave-active-value", wasReady ? "true" : "false");
    // checked after Wagtail's own handlers of the same event: the slug is written from the title on
    // keyup and change, after the input event
    function later() { window.setTimeout(sync, 0); }
    ["input", "keyup", "change", "focusout"].forEach(function (type) { form.addEventListener(type, later, true); });
    // and now and then: the slug is written from the title a moment later, without an event
    window.setInterval(sync, 400);
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", setUp);
  else setUp();
})();
