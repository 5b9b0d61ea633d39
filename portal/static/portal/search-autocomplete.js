/* Header search: a combobox with suggestions from /cerca/suggerimenti/ (ARIA 1.2 combobox pattern).
 * Keyboard: ArrowDown/ArrowUp move through the suggestions, Enter opens the chosen one
 * (or searches the typed text when none is chosen), Escape closes the list (a second
 * Escape clears the field). Without JS the form is a plain GET search. */
(function () {
  "use strict";
  var form = document.querySelector("form[data-autocomplete-url]");
  if (!form || !window.fetch) { return; }
  var input = form.querySelector('[role="combobox"]');
  var listbox = document.getElementById(input && input.getAttribute("aria-controls"));
  if (!input || !listbox) { return; }
  var url = form.getAttribute("data-autocomplete-url");
  var items = [];
  var active = -1;
  var timer = null;
  var lastQuery = "";
  var controller = null;
  var status = document.createElement("div");
  status.className = "visually-hidden";
  status.setAttribute("role", "status");
  status.setAttribute("aria-live", "polite");
  form.appendChild(status);

  var english = (document.documentElement.lang || "it").slice(0, 2) === "en";
  function countText(n) {
    if (english) { return n === 1 ? "1 suggestion available" : n + " suggestions available"; }
    return n === 1 ? "1 suggerimento disponibile" : n + " suggerimenti disponibili";
  }

  function close() {
    listbox.hidden = true;
    input.setAttribute("aria-expanded", "false");
    input.removeAttribute("aria-activedescendant");
    active = -1;
  }

  function highlight(index) {
    var options = listbox.querySelectorAll('[role="option"]');
    active = index;
    for (var i = 0; i < options.length; i++) {
      options[i].setAttribute("aria-selected", i === index ? "true" : "false");
    }
    if (index >= 0 && options[index]) {
      input.setAttribute("aria-activedescendant", options[index].id);
      options[index].scrollIntoView({ block: "nearest" });
    } else {
      input.removeAttribute("aria-activedescendant");
    }
  }

  function render(suggestions) {
    items = suggestions;
    listbox.textContent = "";
    suggestions.forEach(function (item, index) {
      var option = document.createElement("li");
      option.id = listbox.id + "-option-" + index;
      option.setAttribute("role", "option");
      option.setAttribute("aria-selected", "false");
      var title = document.createElement("span");
      title.textContent = item.title;
      option.appendChild(title);
      if (item.type_label) {
        var type = document.createElement("span");
        type.className = "suggest-type";
        type.textContent = item.type_label;
        option.appendChild(type);
      }
      option.addEventListener("mousedown", function (event) { event.preventDefault(); });
      option.addEventListener("click", function () { go(index); });
      listbox.appendChild(option);
    });
    active = -1;
    if (suggestions.length) {
      listbox.hidden = false;
      input.setAttribute("aria-expanded", "true");
      status.textContent = countText(suggestions.length);
    } else {
      close();
      status.textContent = "";
    }
  }

  function go(index) {
    var item = items[index];
    if (item && item.url) { window.location.assign(item.url); }
  }

  function fetchSuggestions(query) {
    if (controller) { controller.abort(); }
    controller = window.AbortController ? new AbortController() : null;
    fetch(url + "?q=" + encodeURIComponent(query), {
      headers: { Accept: "application/json" },
      credentials: "same-origin",
      signal: controller ? controller.signal : undefined
    })
      .then(function (response) { return response.ok ? response.json() : { suggestions: [] }; })
      .then(function (data) { if (input.value.trim() === query) { render(data.suggestions || []); } })
      .catch(function () { /* aborted or offline: keep the plain search */ });
  }

  input.addEventListener("input", function () {
    var query = input.value.trim();
    window.clearTimeout(timer);
    if (query.length < 2) { lastQuery = ""; render([]); return; }
    if (query === lastQuery) { return; }
    timer = window.setTimeout(function () { lastQuery = query; fetchSuggestions(query); }, 200);
  });

  input.addEventListener("keydown", function (event) {
    var open = !listbox.hidden && items.length > 0;
    switch (event.key) {
      case "ArrowDown":
        if (!open && items.length) { listbox.hidden = false; input.setAttribute("aria-expanded", "true"); }
        if (items.length) { event.preventDefault(); highlight(active + 1 >= items.length ? 0 : active + 1); }
        break;
      case "ArrowUp":
        if (open) { event.preventDefault(); highlight(active <= 0 ? items.length - 1 : active - 1); }
        break;
      case "Enter":
        if (open && active >= 0) { event.preventDefault(); go(active); }
        break;
      case "Escape":
        if (open) { event.preventDefault(); close(); }
        else if (input.value) { event.preventDefault(); input.value = ""; lastQuery = ""; items = []; }
        break;
      default:
        break;
    }
  });

  input.addEventListener("blur", function () { window.setTimeout(close, 100); });
})();
