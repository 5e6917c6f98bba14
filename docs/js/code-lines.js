// Lays out each line of a code block for wrapping (docs/stylesheets/extra.css). A wrapped line continues under
// a hanging indent 4 columns deeper than where its text starts, after its indent and, in YAML, its list dash,
// so that a continuation never lines up with a key or an item of its own. A first word too long for what is
// left of the row breaks where the row ends, instead of leaving the row empty but for the indent.
(function () {
  function splitFirstWord(line, start) {
    var walker = document.createTreeWalker(line, NodeFilter.SHOW_TEXT);
    for (var node = walker.nextNode(), seen = 0; node; seen += node.length, node = walker.nextNode()) {
      if (seen + node.length <= start || node.parentElement.closest(".md-annotation")) {
        continue;
      }
      var word = node.splitText(Math.max(0, start - seen));
      var end = word.data.search(/\s/);
      if (end > 0) {
        word.splitText(end);
      }
      var wrapper = document.createElement("span");
      wrapper.className = "code-first-word";
      word.replaceWith(wrapper);
      wrapper.append(word);
      return;
    }
  }

  function layOut(code) {
    code.querySelectorAll(':scope > span[id^="__span-"]:not([style])').forEach(function (line) {
      var start = /^\s*(- )?/.exec(line.textContent)[0].length;
      line.style.setProperty("--hang", (start + 4) + "ch");
      if (start > 0) {
        splitFirstWord(line, start);
      }
    });
  }

  function attach() {
    document.querySelectorAll(".md-typeset pre > code").forEach(layOut);
  }

  if (window.document$) {
    window.document$.subscribe(attach);  // mkdocs-material's instant navigation
  } else {
    document.addEventListener("DOMContentLoaded", attach);
  }
})();
