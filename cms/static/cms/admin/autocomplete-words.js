// wagtail-autocomplete writes two words of its own in English ("Nothing selected.", "Remove" for
// screen readers). The page forms' pickers (cms/admin_autocomplete.py) show them in the editor's
// language: the translations come from Django's catalog, in this script tag's data attributes.
(function () {
  "use strict";
  var script = document.currentScript;
  if (!script) return;
  var words = { "Nothing selected.": script.dataset.nothingSelected, "Remove": script.dataset.remove };
  function translate(root) {
    root.querySelectorAll(".c-wagtailautocomplete span").forEach(function (span) {
      var wanted = words[span.textContent];
      if (span.children.length === 0 && wanted) span.textContent = wanted;
    });
  }
  function setUp() {
    var pickers = document.querySelectorAll("[data-controller~='autocomplete-controller']");
    if (!pickers.length) return;
    var observer = new MutationObserver(function () { pickers.forEach(translate); });
    pickers.forEach(function (picker) {
      translate(picker);
      observer.observe(picker, { childList: true, subtree: true, characterData: true });
    });
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", setUp);
  else setUp();
})();
