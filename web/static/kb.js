/* kb — progressive enhancement only: the pages work without this file. */
(function () {
  "use strict";

  // "/" focuses the search box (unless the visitor is typing somewhere).
  function focusSearch(event) {
    if (event.key !== "/" || event.ctrlKey || event.metaKey || event.altKey) return;
    var active = document.activeElement;
    var tag = active && active.tagName;
    if (tag === "INPUT" || tag === "TEXTAREA" || tag === "SELECT" || (active && active.isContentEditable)) return;
    var box = document.querySelector("input[data-slash]");
    if (!box) return;
    event.preventDefault();
    box.focus();
    box.select();
  }

  // Copy through a hidden textarea where the Clipboard API is unavailable (plain http on a LAN).
  function fallbackCopy(text) {
    var area = document.createElement("textarea");
    area.value = text;
    area.setAttribute("readonly", "");
    area.className = "visually-hidden";
    document.body.appendChild(area);
    area.select();
    var ok = false;
    try { ok = document.execCommand("copy"); } catch (e) { ok = false; }
    document.body.removeChild(area);
    return ok ? Promise.resolve() : Promise.reject(new Error("copy refused"));
  }

  function copy(button) {
    var text = button.getAttribute("data-copy") || "";
    var done = navigator.clipboard && window.isSecureContext
      ? navigator.clipboard.writeText(text).catch(function () { return fallbackCopy(text); })
      : fallbackCopy(text);
    done.then(function () {
      document.body.setAttribute("data-copied", text);
      button.textContent = "已复制";
      button.classList.add("done");
      setTimeout(function () { button.textContent = "复制"; button.classList.remove("done"); }, 2000);
    }, function () {
      button.textContent = "复制失败";
    });
  }

  // Version links jump to the same article in the other version (the article in the URL's #p…).
  function retargetVersions() {
    var id = (location.hash || "").slice(1);
    var target = id ? document.getElementById(id.split("-")[0]) : null;
    var article = target && target.getAttribute("data-article");
    document.querySelectorAll("a[data-version]").forEach(function (link) {
      var base = "/documents/" + encodeURIComponent(link.getAttribute("data-version"));
      link.href = article ? base + "/articles/" + encodeURIComponent(article) : base;
    });
  }

  document.addEventListener("keydown", focusSearch);
  document.addEventListener("click", function (event) {
    var button = event.target.closest && event.target.closest("button.copy");
    if (button) copy(button);
    if (event.target.closest && event.target.closest("button.print")) window.print();
  });
  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("button.copy[hidden], button.print[hidden]").forEach(function (b) { b.hidden = false; });
    if (document.querySelector("a[data-version]")) {
      if (location.hash) retargetVersions();
      window.addEventListener("hashchange", retargetVersions);
    }
  });
})();
