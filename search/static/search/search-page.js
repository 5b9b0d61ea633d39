/* Search page: ticking a facet or changing the order submits the form (it also works without JS). */
(function () {
  "use strict";
  var form = document.getElementById("search-form");
  if (!form || !form.hasAttribute("data-autosubmit")) { return; }
  form.classList.add("js-autosubmit");
  var note = form.querySelector(".search-autosubmit-note");
  if (note) { note.hidden = false; }  // users are told before a change reloads the page (WCAG 3.2.2)
  form.addEventListener("change", function (event) {
    var target = event.target;
    if (target.matches('input[type="checkbox"], select')) {
      var page = form.querySelector('input[name="pagina"]');
      if (page) { page.remove(); }
      form.submit();
    }
  });
  // Back/forward: the browser brings the page back with the boxes as they were last ticked
  // (back-forward cache or form restoration); show the filters of this URL, as rendered.
  window.addEventListener("pageshow", function () { form.reset(); });
})();
