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

  // Version links jump to the same article in the other version: the passage in the URL's #p…
  // goes to the server, which pairs it (web/document_page.py same_article).
  function retargetVersions() {
    var at = /^#p(\d+)(?:-|$)/.exec(location.hash || "");
    document.querySelectorAll("a[data-switch]").forEach(function (link) {
      var base = link.getAttribute("data-switch");
      link.href = at ? base + "?p=" + at[1] : base;
    });
  }

  // Suggestions under the search box (ARIA 1.2 combobox with a listbox popup): names of laws
  // and the articles of a named law, from /api/suggest. Arrow keys move, Enter or a click
  // puts the suggestion in the box, Escape closes. Without this script the box just searches.
  function suggestBox(input) {
    var list = document.createElement("ul");
    var status = document.createElement("p");
    var items = [], active = -1, seq = 0, timer = null;
    list.id = input.id + "-suggest";
    list.className = "suggest-list";
    list.setAttribute("role", "listbox");
    list.setAttribute("aria-label", "输入建议");
    list.hidden = true;
    status.className = "visually-hidden";
    status.setAttribute("role", "status");
    input.parentNode.appendChild(list);
    input.parentNode.appendChild(status);
    input.setAttribute("role", "combobox");
    input.setAttribute("aria-autocomplete", "list");
    input.setAttribute("aria-controls", list.id);
    input.setAttribute("aria-expanded", "false");

    function close() {
      list.hidden = true;
      active = -1;
      input.setAttribute("aria-expanded", "false");
      input.removeAttribute("aria-activedescendant");
    }
    function mark(index) {
      active = index;
      Array.prototype.forEach.call(list.children, function (li, i) {
        li.setAttribute("aria-selected", i === index ? "true" : "false");
      });
      if (index >= 0) input.setAttribute("aria-activedescendant", list.children[index].id);
      else input.removeAttribute("aria-activedescendant");
    }
    function choose(index) {
      input.value = items[index].text;
      close();
      input.focus();
    }
    function show(found) {
      items = found;
      list.textContent = "";
      found.forEach(function (s, i) {
        var li = document.createElement("li");
        var label = document.createElement("span");
        var detail = document.createElement("span");
        li.id = list.id + "-" + i;
        li.setAttribute("role", "option");
        li.setAttribute("aria-selected", "false");
        li.setAttribute("data-text", s.text);
        label.className = "s-label";
        label.textContent = s.label;
        detail.className = "s-detail";
        detail.textContent = s.detail;
        li.appendChild(label);
        li.appendChild(detail);
        li.addEventListener("mousedown", function (event) { event.preventDefault(); choose(i); });
        list.appendChild(li);
      });
      status.textContent = found.length ? found.length + " 条建议，按上下键选择" : "";
      if (!found.length) { close(); return; }
      list.hidden = false;
      input.setAttribute("aria-expanded", "true");
      mark(-1);
    }
    function fetchSuggestions() {
      var typed = input.value.trim();
      var mine = ++seq;
      if (!typed || typed.length > 100) { show([]); return; }
      fetch("/api/suggest?limit=8&q=" + encodeURIComponent(typed), { headers: { Accept: "application/json" } })
        .then(function (r) { return r.ok ? r.json() : { suggestions: [] }; })
        .then(function (body) { if (mine === seq) show(body.suggestions || []); })
        .catch(function () { if (mine === seq) show([]); });
    }
    input.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(fetchSuggestions, 80);
    });
    input.addEventListener("keydown", function (event) {
      if (list.hidden) {
        if (event.key === "ArrowDown" && input.value.trim()) { fetchSuggestions(); event.preventDefault(); }
        return;
      }
      if (event.key === "ArrowDown") { mark((active + 1) % items.length); event.preventDefault(); }
      else if (event.key === "ArrowUp") { mark(active <= 0 ? items.length - 1 : active - 1); event.preventDefault(); }
      else if (event.key === "Enter" && active >= 0) { choose(active); event.preventDefault(); }
      else if (event.key === "Escape") { close(); event.preventDefault(); }
      else if (event.key === "Tab") { close(); }
    });
    input.addEventListener("blur", function () { setTimeout(close, 150); });
  }

  // An article's side panel: filled from /api/passages/<id>/links the first time it opens.
  var LISTS = [["cites", "引用"], ["cited_by", "被引用"], ["implemented_by", "地方实施"],
    ["implements", "实施的条文"], ["related", "相关规定"]];

  function el(tag, text, cls) {
    var node = document.createElement(tag);
    if (text) node.textContent = text;
    if (cls) node.className = cls;
    return node;
  }

  function entry(link) {
    var li = el("li");
    var a = el("a", link.passage.citation.label);
    a.href = link.passage.url;
    li.appendChild(a);
    if (link.text) { li.appendChild(document.createTextNode(" ")); li.appendChild(el("q", link.text)); }
    return li;
  }

  function drawLinks(body, data) {
    body.textContent = "";
    LISTS.forEach(function (pair) {
      var items = data[pair[0]] || [];
      if (!items.length && (pair[0] === "related" || pair[0] === "implements")) return;
      var section = el("section", null, "links-list " + pair[0].replace("_", "-"));
      section.appendChild(el("h4", pair[1] + " " + ((data.counts || {})[pair[0]] || items.length)));
      if (!items.length) section.appendChild(el("p", "无", "none"));
      var groups = {};
      var order = [];
      items.forEach(function (link) {
        var key = pair[0] === "implemented_by" ? (link.passage.document.region || "全国") : "";
        if (!groups[key]) { groups[key] = el("ul"); order.push(key); }
        groups[key].appendChild(entry(link));
      });
      order.forEach(function (key) {
        if (key) section.appendChild(el("h5", key));
        section.appendChild(groups[key]);
      });
      body.appendChild(section);
    });
  }

  function openLinks(details) {
    if (!details.open || details.getAttribute("data-loaded")) return;
    details.setAttribute("data-loaded", "1");
    var body = details.querySelector(".links-body");
    fetch(details.getAttribute("data-links"), { headers: { Accept: "application/json" } })
      .then(function (r) { return r.json(); })
      .then(function (data) { if (data.ok) drawLinks(body, data); })
      .catch(function () { details.removeAttribute("data-loaded"); });
  }

  document.addEventListener("toggle", function (event) {
    var target = event.target;
    if (target.classList && target.classList.contains("links-panel")) openLinks(target);
  }, true);

  document.addEventListener("keydown", focusSearch);
  document.addEventListener("click", function (event) {
    var button = event.target.closest && event.target.closest("button.copy");
    if (button) copy(button);
    if (event.target.closest && event.target.closest("button.print")) window.print();
  });
  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("button.copy[hidden], button.print[hidden]").forEach(function (b) { b.hidden = false; });
    var box = document.querySelector("input[data-suggest]");
    if (box && window.fetch) suggestBox(box);
    if (document.querySelector("a[data-switch]")) {
      if (location.hash) retargetVersions();
      window.addEventListener("hashchange", retargetVersions);
    }
  });
})();
