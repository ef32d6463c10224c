/* Wide tables scroll sideways inside Material's wrapper; on a narrow screen nothing showed that they do.
   This marks each wrapper whose table is wider than the screen with a visible line above it ("scroll
   sideways") and a fading right edge, and keeps that up to date when the window is resized. The words come
   from the page (data-scroll-hint on #pt-strings, from templates/i18n.yaml). */
(function () {
  "use strict";
  var strings = document.getElementById("pt-strings");
  var text = strings ? strings.getAttribute("data-scroll-hint") : "";
  function update() {
    document.querySelectorAll(".md-typeset__scrollwrap").forEach(function (wrap) {
      var hint = wrap.previousElementSibling;
      var has = hint && hint.classList.contains("pt-scroll-hint");
      var wide = wrap.scrollWidth > wrap.clientWidth + 1;
      if (wide && !has) {
        hint = document.createElement("p");
        hint.className = "pt-scroll-hint";
        hint.textContent = text;
        wrap.parentNode.insertBefore(hint, wrap);
      }
      if (has || wide) hint.hidden = !wide;
      wrap.classList.toggle("pt-scrolls", wide);
      // A region that scrolls must be reachable by keyboard (WCAG 2.1.1; axe: scrollable-region-focusable).
      if (wide) { wrap.tabIndex = 0; wrap.setAttribute("role", "region"); wrap.setAttribute("aria-label", text); }
      else if (wrap.getAttribute("role") === "region") { wrap.removeAttribute("tabindex"); wrap.removeAttribute("role"); wrap.removeAttribute("aria-label"); }
    });
  }
  // Material wraps the tables after DOMContentLoaded; run after it, and again on resize.
  window.addEventListener("load", update);
  window.addEventListener("resize", update);
  if (document.readyState === "complete") update();
})();
