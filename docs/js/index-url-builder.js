// Builds an Artifactory index URL from its parts, percent-encoding the user name and the token as
// Python's urllib.parse.quote(value, safe="+") does, like the guide's recipes. It runs in the browser alone and
// sends nothing.
(function () {
  function encode(value) {
    // encodeURIComponent leaves ! ' ( ) * as they are and encodes +; quote(safe="+") does the opposite.
    return encodeURIComponent(value).replace(/[!'()*]/g, function (c) {
      return "%" + c.charCodeAt(0).toString(16).toUpperCase();
    }).replace(/%2B/g, "+");
  }

  // A part not filled in yet shows as <part>, as in the URL at the top of the page.
  function build(form) {
    var value = function (name) { return form.querySelector("[name=" + name + "]").value; };
    var host = value("host").trim().replace(/^https?:\/\//, "").replace(/\/+$/, "");
    var repository = value("repository").trim();
    var user = value("user");
    var token = value("token");
    return "https://" + (user ? encode(user) : "<user>") + ":" + (token ? encode(token) : "<token>") + "@" +
      (host || "<host>") + "/artifactory/api/pypi/" + (repository ? encodeURIComponent(repository) : "<repository>") +
      "/simple";
  }

  function attach() {
    var form = document.getElementById("index-url-builder");
    if (!form || form.dataset.attached) {
      return;
    }
    form.dataset.attached = "yes";
    var output = form.querySelector("output");
    var update = function () { output.value = build(form); };
    form.addEventListener("input", update);
    form.addEventListener("submit", function (event) { event.preventDefault(); update(); });
    update();
  }

  if (window.document$) {
    window.document$.subscribe(attach);  // mkdocs-material's instant navigation
  } else {
    document.addEventListener("DOMContentLoaded", attach);
  }
})();
