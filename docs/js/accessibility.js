// Names and keyboard access that mkdocs-material's own markup leaves out, found by axe-core
// (tests/test_browser.py): the search dialog's name, a name for each code annotation's number, and a tab stop
// on every table that scrolls sideways, so that a keyboard can scroll it.
(function () {
  function nameAnnotations(root) {
    root.querySelectorAll("a.md-annotation__index:not([aria-label])").forEach(function (link) {
      var number = link.querySelector("[data-md-annotation-id]");
      link.setAttribute("aria-label", "Annotation " + (number ? number.dataset.mdAnnotationId : ""));
    });
  }

  function focusScrollingTables() {
    document.querySelectorAll(".md-typeset__scrollwrap").forEach(function (wrap) {
      if (wrap.scrollWidth > wrap.clientWidth) {
        wrap.setAttribute("tabindex", "0");
        wrap.setAttribute("role", "region");
        wrap.setAttribute("aria-label", "Table, scrolls sideways");
      } else if (wrap.getAttribute("role") === "region") {
        wrap.removeAttribute("tabindex");
        wrap.removeAttribute("role");
        wrap.removeAttribute("aria-label");
      }
    });
  }

  function attach() {
    var search = document.querySelector(".md-search[role=dialog]");
    if (search) {
      search.setAttribute("aria-label", "Search");
    }
    var content = document.querySelector(".md-content");
    if (content) {
      nameAnnotations(content);
      // material adds the annotation markers as it mounts each code block, possibly after this runs
      new MutationObserver(function () { nameAnnotations(content); }).observe(content, {childList: true, subtree: true});
    }
    focusScrollingTables();
  }

  window.addEventListener("resize", focusScrollingTables);
  if (window.document$) {
    window.document$.subscribe(attach);  // mkdocs-material's instant navigation
  } else {
    document.addEventListener("DOMContentLoaded", attach);
  }
})();
