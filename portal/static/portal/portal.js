/* Site-wide behaviour. No inline scripts: the CSP allows only same-origin files. */
(function () {
  "use strict";
  var fontsPath = document.body.getAttribute("data-fonts-path");
  if (window.bootstrap && window.bootstrap.loadFonts && fontsPath) {
    window.bootstrap.loadFonts(fontsPath);
  }
})();
