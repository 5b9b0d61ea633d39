// Wagtail autosaves a page as the editor types. A page cannot be saved, not even as a draft,
// without its title and the few values the database needs (marked data-cdp-required-on-save by
// cms.admin_forms.CmsPageForm): autosave would answer "errori di validazione" to an editor who
// has just started typing a new page. So autosave stays paused until those fields are filled in.
(function () {
  "use strict";
  function setUp() {
    var form = document.querySelector("form[data-controller~='w-autosave']");
    if (!form) return;
    var required = Array.prototype.slice.call(form.querySelectorAll("[data-cdp-required-on-save]"));
    if (!required.length) return;
    function ready() {
      return required.every(function (field) { return (field.value || "").trim() !== ""; });
    }
    function sync() {
      form.setAttribute("data-w-autosave-active-value", ready() ? "true" : "false");
    }
    sync();
    // capture: decided before Wagtail's own listeners ask autosave to save
    form.addEventListener("input", sync, true);
    form.addEventListener("change", sync, true);
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", setUp);
  else setUp();
})();
