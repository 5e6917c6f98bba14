// Sends a pasted execution log to the section of this guide that explains its failure. The rules come inline with
// the page, derived from the guide's own failure logs (harness/explain_rules.py); explain() is preflight/explain.py's
// algorithm, and the tests check that both give the same answers. It runs in the browser alone and sends nothing.
(function () {
  var LINE_BREAK = /\r\n|\r|\n/;
  var COLOUR = /\x1b\[[0-9;]*m/g; // a terminal's colours, if the log was copied from one

  // The sections of every rule the log matches (each of its patterns finds a line), unless the log matches a fuller
  // rule too: one with the same patterns and more.
  function explain(text, data) {
    var lines = text.replace(COLOUR, "").split(LINE_BREAK);
    var found = new Map();
    var finds = function (pattern) {
      if (!found.has(pattern)) {
        var expression = new RegExp(pattern);
        found.set(pattern, lines.some(function (line) { return expression.test(line); }));
      }
      return found.get(pattern);
    };
    var matched = data.rules.filter(function (rule) { return rule.patterns.every(finds); });
    var fuller = function (rule, other) {
      return other.patterns.length > rule.patterns.length &&
        rule.patterns.every(function (pattern) { return other.patterns.indexOf(pattern) >= 0; });
    };
    var sections = [];
    matched.forEach(function (rule) {
      var explained = matched.some(function (other) { return fuller(rule, other); });
      if (!explained && sections.indexOf(rule.section) < 0) {
        sections.push(rule.section);
      }
    });
    return sections;
  }

  // Markdown's `code` as <code>, the rest as text.
  function append(parent, markdown) {
    markdown.split("`").forEach(function (part, n) {
      var node = n % 2 ? document.createElement("code") : document.createTextNode(part);
      if (n % 2) {
        node.textContent = part;
      }
      parent.appendChild(node);
    });
  }

  function link(form, url, title) {
    var anchor = document.createElement("a");
    var page = url.split("#")[0];
    anchor.href = page === form.dataset.page ? url.slice(page.length) : form.dataset.root + url;
    append(anchor, title);
    return anchor;
  }

  function show(form, result, text, data) {
    result.textContent = "";
    if (!text.trim()) {
      return;
    }
    var sections = explain(text, data);
    var lead = document.createElement("p");
    if (!sections.length) {
      lead.append("Nothing in this log matches a failure this guide explains. Compare what it says with ",
                  link(form, data.table.url, "the list of symptoms"), ".");
      result.appendChild(lead);
      return;
    }
    lead.textContent = sections.length > 1 ? "Your log shows more than one failure:" : "Your log shows:";
    result.appendChild(lead);
    sections.forEach(function (name) {
      var section = data.sections[name];
      var item = document.createElement("p");
      var title = document.createElement("strong");
      title.appendChild(link(form, section.url, section.title));
      item.append(title, document.createElement("br"));
      append(item, section.cause);
      result.appendChild(item);
    });
  }

  function attach() {
    var form = document.getElementById("explain-log");
    if (!form || form.dataset.attached) {
      return;
    }
    form.dataset.attached = "yes";
    var data = JSON.parse(form.querySelector(".explain-log__rules").textContent);
    var textarea = form.querySelector("textarea");
    var result = form.querySelector(".explain-log__result");
    var update = function () { show(form, result, textarea.value, data); };
    textarea.addEventListener("input", update);
    form.addEventListener("submit", function (event) { event.preventDefault(); update(); });
  }

  window.explainLog = explain; // what the tests compare with preflight/explain.py
  if (window.document$) {
    window.document$.subscribe(attach); // mkdocs-material's instant navigation
  } else {
    document.addEventListener("DOMContentLoaded", attach);
  }
})();
