// Flash deals in the live room: the deal card (countdown on the server's clock, what is left), "grab it"
// → quantity and address in a sheet → the claim API (Idempotency-Key) → the sandbox pay page in a new tab.
// The card follows the room's `deal` frames: from live-room.js's `live:frame` events when it sends them,
// else from this script's own socket to the room.
// In the seller's live console, the deal form posts to the seller's deals API and reloads the console.
(function () {
  "use strict";
  var consoleForm = document.getElementById("deal-console-form");
  if (consoleForm) {
    consoleForm.addEventListener("submit", function (event) {
      event.preventDefault();
      var data = new FormData(consoleForm);
      var error = document.getElementById("deal-console-error");
      var minutes = Number(data.get("duration_minutes"));
      var body = {
        sku: Number(data.get("sku")) || data.get("sku"),
        price: String(data.get("price") || "").trim(),
        quantity: Number(data.get("quantity")),
        per_buyer_limit: Number(data.get("per_buyer_limit")),
        starts_in_seconds: Number(data.get("starts_in_seconds")),
        duration_seconds: Number.isFinite(minutes) ? Math.round(minutes * 60) : data.get("duration_minutes"),
      };
      var token = decodeURIComponent((document.cookie.match(/(?:^|; )csrftoken=([^;]+)/) || [])[1] || "");
      fetch("/api/v1/seller/shows/" + consoleForm.dataset.show + "/deals/", {
        method: "POST", credentials: "same-origin",
        headers: { "Content-Type": "application/json", "X-CSRFToken": token },
        body: JSON.stringify(body),
      }).then(function (response) {
        return response.json().then(function (answer) { return { ok: response.ok, body: answer }; });
      }).then(function (answer) {
        if (answer.ok) { location.reload(); return; }
        var e = answer.body.error || {};
        var fields = e.fields ? Object.keys(e.fields).map(function (k) { return [].concat(e.fields[k]).join(" "); }) : [];
        error.textContent = fields.length ? fields.join(" ") : (e.message || "");
        error.hidden = false;
      }).catch(function () {
        error.textContent = document.getElementById("deal-console-strings").dataset.failed;
        error.hidden = false;
      });
    });
  }
  var card = document.getElementById("deal-card");
  if (!card) return;
  var showId = card.dataset.show;
  var strings = document.getElementById("deal-strings").dataset;
  var dataNode = document.getElementById("deal-data");
  var deal = dataNode ? JSON.parse(dataNode.textContent) : null;
  var offsetMs = 0; // the server's clock minus this one's
  var sheet = document.getElementById("deal-sheet");
  var form = document.getElementById("deal-form");
  var grab = document.getElementById("deal-grab");

  function fmt(template, values) {
    return template.replace(/%\((\w+)\)s/g, function (_m, key) { return values[key]; });
  }

  function clock(ms) {
    var s = Math.max(0, Math.ceil(ms / 1000));
    var m = Math.floor(s / 60);
    return m + ":" + String(s % 60).padStart(2, "0");
  }

  function serverNow() { return Date.now() + offsetMs; }

  function statusNow() {
    if (!deal) return null;
    var now = serverNow();
    if (now < Date.parse(deal.starts_at)) return "upcoming";
    if (now < Date.parse(deal.ends_at)) return "open";
    return "ended";
  }

  function render() {
    if (!deal) { card.hidden = true; return; }
    var status = statusNow();
    card.hidden = false;
    card.dataset.status = status;
    document.getElementById("deal-title").textContent = deal.title + (deal.sku_name ? " · " + deal.sku_name : "");
    document.getElementById("deal-price").textContent = deal.price;
    document.getElementById("deal-list-price").textContent = deal.list_price;
    document.getElementById("deal-bar").style.width = (100 * deal.remaining / Math.max(deal.quantity, 1)) + "%";
    document.getElementById("deal-left").textContent = deal.remaining > 0
      ? fmt(strings.left, { n: deal.remaining, total: deal.quantity }) : strings.soldOut;
    var text = status === "upcoming" ? fmt(strings.opensIn, { t: clock(Date.parse(deal.starts_at) - serverNow()) })
      : status === "open" ? fmt(strings.endsIn, { t: clock(Date.parse(deal.ends_at) - serverNow()) }) : strings.ended;
    document.getElementById("deal-clock").textContent = text;
    grab.disabled = status !== "open" || deal.remaining <= 0;
    var qty = document.getElementById("deal-qty");
    if (qty) {
      qty.max = deal.per_buyer_limit;
      document.getElementById("deal-limit").textContent = fmt(strings.limit, { n: deal.per_buyer_limit });
      document.getElementById("deal-total").textContent = (Number(deal.price) * (parseInt(qty.value, 10) || 0)).toFixed(2);
    }
  }

  function update(next) {
    if (next && next.now) offsetMs = Date.parse(next.now) - Date.now();
    // An ended deal stays on the card a moment, then leaves it.
    deal = next;
    render();
  }

  // --- the room's frames ------------------------------------------------------------------------------
  var ownSocket = null;
  var shared = false;
  document.addEventListener("live:frame", function (event) {
    if (!shared) { shared = true; if (ownSocket) { ownSocket.onclose = null; ownSocket.close(); } }
    var frame = event.detail;
    if (frame && frame.type === "deal") update(frame.deal);
  });

  function connect(retry) {
    if (shared) return;
    var scheme = location.protocol === "https:" ? "wss://" : "ws://";
    ownSocket = new WebSocket(scheme + location.host + "/ws/shows/" + showId + "/");
    ownSocket.onopen = function () { retry = 0; };
    ownSocket.onmessage = function (event) {
      var frame = JSON.parse(event.data);
      if (frame.type === "deal") update(frame.deal);
    };
    ownSocket.onclose = function (event) {
      if (shared || event.code === 4403 || event.code === 4404) return;
      retry = Math.min((retry || 0) + 1, 6);
      setTimeout(function () { connect(retry); }, 500 * retry);
      refresh();
    };
  }

  function refresh() {
    fetch("/api/v1/shows/" + showId + "/", { credentials: "same-origin" })
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (show) { if (show && !shared) update(show.deal || null); })
      .catch(function () {});
  }

  // --- grab it -----------------------------------------------------------------------------------------
  function csrfToken() {
    return decodeURIComponent((document.cookie.match(/(?:^|; )csrftoken=([^;]+)/) || [])[1] || "");
  }

  function showError(text) {
    var node = document.getElementById("deal-error");
    node.textContent = text || "";
    node.hidden = !text;
  }

  function openSheet() {
    if (!deal || !sheet) return;
    if (form) { form.hidden = false; document.getElementById("deal-pay").hidden = true; showError(""); }
    sheet.hidden = false;
    render();
  }

  function claim(event) {
    event.preventDefault();
    showError("");
    var data = new FormData(form);
    var address = {};
    ["name", "phone", "province", "city", "line"].forEach(function (f) { address[f] = String(data.get(f) || "").trim(); });
    var button = document.getElementById("deal-claim");
    button.disabled = true;
    var key = (window.crypto && crypto.randomUUID) ? crypto.randomUUID() : String(Date.now()) + Math.random();
    fetch("/api/v1/shows/" + showId + "/deals/" + deal.id + "/claim/", {
      method: "POST", credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRFToken": csrfToken(), "Idempotency-Key": key },
      body: JSON.stringify({ quantity: parseInt(data.get("quantity"), 10) || 0, address: address }),
    }).then(function (response) {
      return response.json().then(function (body) { return { ok: response.ok, body: body }; });
    }).then(function (answer) {
      button.disabled = false;
      if (!answer.ok) {
        var error = answer.body.error || {};
        var fields = error.fields ? Object.keys(error.fields).map(function (k) { return [].concat(error.fields[k]).join(" "); }) : [];
        showError(fields.length ? fields.join(" ") : (error.message || strings.failed));
        return;
      }
      var order = answer.body.orders[0];
      var link = document.getElementById("deal-order-link");
      link.textContent = order.number;
      link.href = "/orders/" + order.number + "/";
      document.getElementById("deal-pay-link").href = answer.body.payment.pay_url;
      form.hidden = true;
      document.getElementById("deal-pay").hidden = false;
    }).catch(function () { button.disabled = false; showError(strings.failed); });
  }

  grab.addEventListener("click", openSheet);
  if (sheet) {
    document.getElementById("deal-sheet-close").addEventListener("click", function () { sheet.hidden = true; });
    sheet.addEventListener("click", function (event) { if (event.target === sheet) sheet.hidden = true; });
  }
  if (form) {
    form.addEventListener("submit", claim);
    document.getElementById("deal-qty").addEventListener("input", render);
  }
  update(deal);
  setInterval(function () { if (deal) render(); }, 250);
  // live-room.js may announce its frames on the next tick; otherwise this script listens itself.
  setTimeout(function () { connect(0); }, 0);
})();
