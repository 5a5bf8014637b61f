// Flash deals in the live room: the deal card (countdown on the server's clock, what is left), "grab it"
// → quantity and address in a sheet → the claim API (Idempotency-Key) → the sandbox pay page in a new tab.
// The card follows the room's `deal` frames (live-room.js's `live:frame` events).
// In the seller's live console, the deal form posts to the seller's deals API and reloads the console.
(function () {
  "use strict";
  var consoleForm = document.getElementById("deal-console-form");
  if (consoleForm) {
    consoleForm.addEventListener("submit", function (event) {
      event.preventDefault();
      var data = new FormData(consoleForm);
      var error = document.getElementById("deal-console-error");
      var failed = document.getElementById("deal-console-strings").dataset.failed;
      window.formErrors.mark(consoleForm, null);
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
        error.textContent = window.formErrors.text(answer.body, failed);
        error.hidden = false;
        window.formErrors.mark(consoleForm, answer.body, error);
      }).catch(function () {
        error.textContent = failed;
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
    // An ended deal says so for a few seconds, then leaves the room (the show's detail no longer has it).
    card.hidden = status === "ended" && serverNow() > Date.parse(deal.ends_at) + 10000;
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
    deal = next;
    render();
  }

  // --- the room's frames (live-room.js owns the socket and hands every frame to the show's parts) ----------
  document.addEventListener("live:frame", function (event) {
    var frame = event.detail;
    if (frame && frame.type === "deal") update(frame.deal);
  });

  // --- grab it: the sheet, then the claim (window.liveRoom: CSRF, a fresh Idempotency-Key, the address) ------
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
    var room = window.liveRoom;
    window.formErrors.mark(form, null);
    var button = document.getElementById("deal-claim");
    button.disabled = true;
    var quantity = parseInt(document.getElementById("deal-qty").value, 10) || 0;
    room.postJson("/api/v1/shows/" + showId + "/deals/" + deal.id + "/claim/", { quantity: quantity, address: room.addressOf(form) })
      .then(function (answer) {
        button.disabled = false;
        if (!answer.ok) {
          showError(window.formErrors.text(answer.body, strings.failed));
          window.formErrors.mark(form, answer.body, document.getElementById("deal-error"));
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
})();
