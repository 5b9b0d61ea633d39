// Filters a taxonomy checkbox list (zones, topics, norms) as the editor types: every word
// must appear in the label ("544", "dgr 2023", "lunig"). Ticked items always stay visible.
(function () {
  "use strict";
  function fold(text) {
    return text.toLowerCase().normalize("NFD").replace(/[\u0300-\u036f]/g, "");
  }
  document.addEventListener("input", function (event) {
    var filter = event.target;
    if (!filter.matches || !filter.matches("[data-cdp-choices-filter]")) return;
    var box = filter.closest("[data-cdp-choices]");
    var words = fold(filter.value).split(/\s+/).filter(Boolean);
    var shown = 0;
    box.querySelectorAll("label").forEach(function (label) {
      var input = label.querySelector("input");
      var text = fold(label.textContent);
      var match = (input && input.checked) || words.every(function (word) { return text.indexOf(word) !== -1; });
      var item = label.parentElement === box ? label : label.parentElement;
      item.hidden = !match;
      if (match) shown += 1;
    });
    var none = box.querySelector("[data-cdp-choices-none]");
    if (none) none.hidden = shown > 0;
  });
})();
