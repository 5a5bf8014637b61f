// Suggestions under the search box of every page: GET /api/v1/search/suggest/?q= (debounced), shown as an
// ARIA combobox listbox; arrows move, Enter picks, Escape closes. Without script the box is a plain form.
(function () {
  var input = document.querySelector("[data-suggest]");
  if (!input || !window.fetch) return;
  var form = input.form;
  var list = document.getElementById(input.getAttribute("aria-controls"));
  var url = input.getAttribute("data-suggest");
  var timer = null;
  var active = -1;
  var items = [];
  var asked = "";

  function close() {
    list.hidden = true;
    input.setAttribute("aria-expanded", "false");
    input.removeAttribute("aria-activedescendant");
    active = -1;
  }

  function mark(index) {
    items.forEach(function (li, i) {
      li.setAttribute("aria-selected", i === index ? "true" : "false");
    });
    active = index;
    if (index >= 0) input.setAttribute("aria-activedescendant", items[index].id);
    else input.removeAttribute("aria-activedescendant");
  }

  function pick(text) {
    input.value = text;
    close();
    form.submit();
  }

  function show(suggestions) {
    list.textContent = "";
    items = suggestions.map(function (s, i) {
      var li = document.createElement("li");
      li.id = "suggest-option-" + i;
      li.setAttribute("role", "option");
      li.setAttribute("aria-selected", "false");
      li.className = "suggest-option" + (s.source === "query" ? " popular" : "");
      li.textContent = s.text;
      li.addEventListener("mousedown", function (event) {
        event.preventDefault(); // keep the focus in the box
        pick(s.text);
      });
      list.appendChild(li);
      return li;
    });
    if (items.length) {
      list.hidden = false;
      input.setAttribute("aria-expanded", "true");
      active = -1;
    } else {
      close();
    }
  }

  function ask() {
    var q = input.value.trim();
    if (!q || q.length > 100) { close(); return; }
    if (q === asked) return;
    asked = q;
    fetch(url + "?q=" + encodeURIComponent(q), { headers: { Accept: "application/json" }, credentials: "same-origin" })
      .then(function (r) { return r.ok ? r.json() : { suggestions: [] }; })
      .then(function (body) { if (input.value.trim() === q) show(body.suggestions || []); })
      .catch(function () { close(); });
  }

  input.addEventListener("input", function () {
    clearTimeout(timer);
    asked = asked === input.value.trim() ? asked : "";
    timer = setTimeout(ask, 150);
  });
  input.addEventListener("keydown", function (event) {
    if (list.hidden || !items.length) return;
    if (event.key === "ArrowDown") { event.preventDefault(); mark((active + 1) % items.length); }
    else if (event.key === "ArrowUp") { event.preventDefault(); mark(active <= 0 ? items.length - 1 : active - 1); }
    else if (event.key === "Enter" && active >= 0) { event.preventDefault(); pick(items[active].textContent); }
    else if (event.key === "Escape") { close(); }
  });
  input.addEventListener("blur", function () { setTimeout(close, 100); });
})();
