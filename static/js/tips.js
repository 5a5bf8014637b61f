// Tips ("flowers") in the live room: the sheet with the fixed amounts → POST /api/v1/shows/<id>/tips/ (with an
// Idempotency-Key) → the sandbox pay page in a new tab, so the room keeps playing. When a tip is paid the
// room's socket brings a `tip` frame (live-room.js hands every frame on as a "live:frame" event) and flowers
// float up. On the page the pay tab returns to (tips/paid.html) the tab closes itself when the room opened it.
(function () {
  "use strict";
  if (document.getElementById("tips-paid")) {
    if (window.opener) setTimeout(function () { window.close(); }, 1500);
    return;
  }
  var root = document.getElementById("tips");
  if (!root) return;
  var button = document.getElementById("tips-button");
  var sheet = document.getElementById("tips-sheet");
  var rain = document.getElementById("tips-rain");
  var error = document.getElementById("tips-error");
  var wait = document.getElementById("tips-wait");
  var waitMarkup = wait ? wait.innerHTML : "";  // the page's own markup: "approve in the new tab" and its link

  function csrfToken() {
    return decodeURIComponent((document.cookie.match(/(?:^|; )csrftoken=([^;]+)/) || [])[1] || "");
  }

  function newKey() {
    if (window.crypto && window.crypto.randomUUID) return window.crypto.randomUUID();
    return "tip-" + Date.now() + "-" + Math.random().toString(36).slice(2);
  }

  function showError(message) {
    if (!error) return;
    error.textContent = message;
    error.hidden = !message;
  }

  function open() {
    showError("");
    if (wait) wait.hidden = true;
    sheet.hidden = false;
  }

  function close() { sheet.hidden = true; }

  function send(amountButton) {
    var amounts = sheet.querySelectorAll(".tips-amount");
    // Opened now, in the click: a tab opened after the answer would be blocked as a popup.
    var tab = window.open("", "_blank");
    showError("");
    amounts.forEach(function (b) { b.disabled = true; });
    fetch(root.dataset.url, {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRFToken": csrfToken(), "Idempotency-Key": newKey() },
      body: JSON.stringify({ amount: amountButton.dataset.amount })
    }).then(function (response) {
      return response.json().catch(function () { return {}; }).then(function (body) {
        if (!response.ok) throw new Error((body.error && body.error.message) || root.dataset.failed);
        return body;
      });
    }).then(function (body) {
      var url = body.payment.pay_url;
      if (tab) tab.location.href = url;
      if (!wait) return;
      wait.innerHTML = waitMarkup;
      wait.hidden = false;
      var payLink = document.getElementById("tips-pay-link");
      if (payLink) {
        payLink.href = url;
        payLink.textContent = root.dataset.blocked;
        payLink.hidden = !!tab;
      }
    }).catch(function (err) {
      if (tab) tab.close();
      showError(err.message || root.dataset.failed);
    }).then(function () {
      amounts.forEach(function (b) { b.disabled = false; });
    });
  }

  function flower(tip) {
    var item = document.createElement("div");
    item.className = "tips-flower";
    var icon = document.createElement("span");
    icon.textContent = "🌸";
    var name = document.createElement("b");
    name.textContent = tip.sender.username;
    item.appendChild(icon);
    item.appendChild(name);
    item.appendChild(document.createTextNode(" ¥" + Number(tip.amount).toFixed(0)));
    item.style.right = Math.floor(Math.random() * 60) + "px";
    item.addEventListener("animationend", function () { item.remove(); });
    rain.appendChild(item);
    while (rain.children.length > 12) rain.firstChild.remove();
  }

  if (button) button.addEventListener("click", open);
  sheet.addEventListener("click", function (event) {
    if (event.target === sheet || event.target.closest("[data-tips-close]")) { close(); return; }
    var amountButton = event.target.closest(".tips-amount");
    if (amountButton && !amountButton.disabled) send(amountButton);
  });
  document.addEventListener("keydown", function (event) { if (event.key === "Escape" && !sheet.hidden) close(); });
  document.addEventListener("live:frame", function (event) {
    var frame = event.detail || {};
    if (frame.type === "tip" && frame.tip) {
      flower(frame.tip);
      if (wait && !wait.hidden && String(frame.tip.sender.id) === root.dataset.user) {
        wait.textContent = root.dataset.thanks;  // this viewer's own tip is paid
        setTimeout(close, 2000);
      }
    }
    else if (frame.type === "status" && button) {
      button.hidden = frame.status !== "live";
      if (frame.status !== "live") close();
    }
  });
})();
