// The live room: the player (native HLS, else hls.js over MediaSource), the room socket (/ws/shows/<id>/),
// chat, likes and the viewer count. The state ("starting soon", "live", "ended — watch the replay") follows
// the server's `status` frames.
(function () {
  "use strict";
  var configNode = document.getElementById("live-config");
  if (!configNode) return;
  var config = JSON.parse(configNode.textContent);
  var strings = document.getElementById("live-strings").dataset;
  var room = document.querySelector(".live-room");
  var video = document.getElementById("live-video");
  var list = document.getElementById("live-messages");
  var notice = document.getElementById("live-notice");
  var form = document.getElementById("live-send");
  var input = document.getElementById("live-text");
  var likeButton = document.getElementById("live-like");
  var stateLabel = document.getElementById("live-state");
  var lastId = 0;  // the newest message id seen: a reconnect asks for what came after it
  var seen = {};  // ids shown (messages can arrive out of id order: two viewers' messages committed together)
  var socket = null;
  var retry = 0;
  var hls = null;
  var pendingLikes = 0;
  var closedForGood = false;

  function setStatus(status, hlsUrl) {
    config.status = status;
    if (hlsUrl !== undefined) config.hls_url = hlsUrl;
    room.dataset.status = status;
    stateLabel.textContent = stateLabel.dataset[status] || status;
    // Before the show there is nothing to play: no player controls over the chat row.
    video.controls = status !== "scheduled";
    if (status === "live") startPlayer();
    if (status === "ended") stopPlayer();
  }

  function startPlayer() {
    if (!config.hls_url || video.dataset.src === config.hls_url) return;
    video.dataset.src = config.hls_url;
    if (window.Hls && window.Hls.isSupported()) {
      var player = new window.Hls({ liveSyncDurationCount: 2, manifestLoadingMaxRetry: 30, manifestLoadingRetryDelay: 1000 });
      hls = player;
      room.liveHls = player;  // its `latency` (seconds behind the live edge) is read by the browser test
      player.loadSource(config.hls_url);
      player.attachMedia(video);
      player.on(window.Hls.Events.MANIFEST_PARSED, function () { video.play().catch(function () {}); });
      player.on(window.Hls.Events.ERROR, function (_event, data) {
        if (!data.fatal || hls !== player) return;  // a player destroyed meanwhile (the show ended) stays stopped
        if (data.type === window.Hls.ErrorTypes.MEDIA_ERROR) { player.recoverMediaError(); return; }
        // The playlist is not there yet (the first segment takes a couple of seconds after the stream
        // starts) or the network failed: start again shortly, while the show is live.
        player.destroy();
        hls = null;
        delete video.dataset.src;
        setTimeout(function () { if (config.status === "live" && !hls) startPlayer(); }, 1500);
      });
    } else if (video.canPlayType("application/vnd.apple.mpegurl")) {
      video.src = config.hls_url;
      video.play().catch(function () {});
    }
  }

  function stopPlayer() {
    if (hls) { hls.destroy(); hls = null; }
    delete video.dataset.src;
    if (config.replay_url) { video.src = config.replay_url; } else { video.removeAttribute("src"); video.load(); }
  }

  function showNotice(text) {
    if (!notice) return;
    notice.textContent = text;
    notice.hidden = !text;
    if (text) setTimeout(function () { if (notice.textContent === text) notice.hidden = true; }, 6000);
  }

  function addMessage(message) {
    if (seen[message.id]) return;
    seen[message.id] = true;
    if (message.id > lastId) lastId = message.id;
    var item = document.createElement("li");
    item.className = "live-message live-message--" + message.sender.role;
    item.dataset.id = message.id;
    var who = document.createElement("b");
    who.textContent = message.sender.username;
    if (message.sender.role !== "viewer") {
      var badge = document.createElement("span");
      badge.className = "live-role";
      badge.textContent = strings[message.sender.role] || message.sender.role;
      who.appendChild(badge);
    }
    var text = document.createElement("span");
    text.className = "live-message__text";
    text.textContent = message.text;
    item.appendChild(who);
    item.appendChild(text);
    if (config.signed_in) {
      var report = document.createElement("button");
      report.type = "button";
      report.className = "live-report";
      report.textContent = strings.report;
      report.addEventListener("click", function () { reportMessage(message.id); });
      item.appendChild(report);
    }
    list.appendChild(item);
    while (list.children.length > 200) {
      delete seen[list.firstChild.dataset.id];
      list.removeChild(list.firstChild);
    }
    list.scrollTop = list.scrollHeight;
  }

  function reportMessage(id) {
    var reason = window.prompt(strings.reportReason);
    if (!reason) return;
    var csrf = (document.cookie.match(/(?:^|; )csrftoken=([^;]+)/) || [])[1] || "";
    fetch("/api/v1/shows/" + config.show + "/messages/" + id + "/report/", {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRFToken": decodeURIComponent(csrf) },
      body: JSON.stringify({ reason: reason }),
    }).then(function (response) { if (response.ok) showNotice(strings.reported); });
  }

  function connect() {
    if (closedForGood) return;
    var scheme = location.protocol === "https:" ? "wss://" : "ws://";
    var url = scheme + location.host + config.socket + (lastId ? "?after=" + lastId : "");
    socket = new WebSocket(url);
    socket.onopen = function () { retry = 0; showNotice(""); setSendable(true); };
    socket.onmessage = function (event) {
      var frame = JSON.parse(event.data);
      // The show's parts (live.extensions.SHOW_PARTS: deals, tips) read the frames they own from this event.
      document.dispatchEvent(new CustomEvent("live:frame", { detail: frame }));
      // A big room batches its chat: one `chat_batch` frame carries every message since the last one.
      if (frame.type === "chat_batch") frame.messages.forEach(addMessage);
      else if (frame.type === "message") addMessage(frame.message);
      else if (frame.type === "stats") {
        document.getElementById("live-viewers").textContent = frame.viewers;
        document.getElementById("live-likes").textContent = frame.likes;
      } else if (frame.type === "status") setStatus(frame.status, frame.hls_url);
      else if (frame.type === "pinned") {
        // The same product again: its stock moved (others bought); an open sheet shows the SKUs' new stock.
        var same = pinned && frame.product && pinned.id === frame.product.id;
        renderPin(frame.product);
        if (same && sheet && !sheet.hidden && buyForm && !buyForm.hidden) renderSkus();
      }
      else if (frame.type === "message_hidden") {
        var hidden = list.querySelector('[data-id="' + frame.id + '"]');
        if (hidden) hidden.remove();
      } else if (frame.type === "error" || frame.type === "notice") showNotice(frame.message);
    };
    socket.onclose = function (event) {
      setSendable(false);
      if (event.code === 4403 || event.code === 4404) { closedForGood = true; return; }
      showNotice(strings.reconnecting);
      retry = Math.min(retry + 1, 6);
      setTimeout(connect, 500 * retry);
    };
  }

  // Sending waits for the socket: the button is enabled while it is open.
  function setSendable(open) {
    if (form) form.querySelector("button[type=submit]").disabled = !open;
  }

  if (form) {
    setSendable(false);
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      var text = input.value.trim();
      if (!text || !socket || socket.readyState !== 1) return;
      var clientId = (window.crypto && crypto.randomUUID) ? crypto.randomUUID() : String(Date.now()) + Math.random();
      socket.send(JSON.stringify({ type: "message", text: text, client_id: clientId }));
      input.value = "";
    });
  }
  if (likeButton) {
    likeButton.hidden = false;
    likeButton.addEventListener("click", function () {
      if (socket && socket.readyState === 1) socket.send(JSON.stringify({ type: "like" }));
      pendingLikes += 1;
      likeButton.classList.remove("pop"); void likeButton.offsetWidth; likeButton.classList.add("pop");
    });
  }
  // --- the pinned product: the card under the video, and "buy now" in a sheet over the room (the video
  // keeps playing): SKU, quantity, address → the checkout API (source "show:<id>") → the sandbox pay page
  // in a new tab, while this sheet waits for the payment.
  var pin = document.getElementById("live-pin");
  var sheet = document.getElementById("live-sheet");
  var buyForm = document.getElementById("live-buy-form");
  var pinned = config.pinned;
  var payPoll = null;

  function csrfToken() {
    return decodeURIComponent((document.cookie.match(/(?:^|; )csrftoken=([^;]+)/) || [])[1] || "");
  }

  function stockText(stock) {
    return stock > 0 ? strings.stockLeft.replace("%(n)s", stock) : strings.soldOut;
  }

  function renderPin(product) {
    pinned = product;
    if (!pin) return;
    pin.hidden = !product;
    if (!product) { if (sheet && !sheet.hidden && !sheet.dataset.placed) closeSheet(); return; }
    var img = document.getElementById("live-pin-img");
    if (product.thumbnail_url) { img.src = product.thumbnail_url; img.hidden = false; } else { img.hidden = true; }
    document.getElementById("live-pin-title").textContent = product.title;
    document.getElementById("live-pin-price").textContent = product.price_min;
    document.getElementById("live-pin-stock").textContent = stockText(product.stock);
    document.getElementById("live-pin-buy").disabled = product.stock <= 0;
    pin.dataset.product = product.id;
  }

  function selectedSku() {
    var checked = buyForm && buyForm.querySelector("input[name=sku]:checked");
    if (!checked || !pinned) return null;
    return pinned.skus.filter(function (sku) { return String(sku.id) === checked.value; })[0] || null;
  }

  function updateTotal() {
    var sku = selectedSku();
    var qty = parseInt(document.getElementById("live-qty").value, 10) || 0;
    document.getElementById("live-total").textContent = sku ? (Number(sku.price) * qty).toFixed(2) : "—";
  }

  function renderSkus() {
    var box = document.getElementById("live-skus");
    if (!box) return;
    var before = selectedSku();
    var chosen = false;
    box.textContent = "";
    pinned.skus.forEach(function (sku) {
      var label = document.createElement("label");
      label.className = "live-sku";
      var radio = document.createElement("input");
      radio.type = "radio"; radio.name = "sku"; radio.value = sku.id;
      radio.disabled = sku.stock <= 0;
      radio.addEventListener("change", updateTotal);
      var name = document.createElement("span");
      name.textContent = sku.name + " · ¥" + sku.price + " · " + stockText(sku.stock);
      label.appendChild(radio); label.appendChild(name);
      box.appendChild(label);
    });
    // Keep the buyer's choice; else the first SKU in stock.
    Array.prototype.forEach.call(box.querySelectorAll("input:not(:disabled)"), function (radio) {
      if (!chosen && (!before || String(before.id) === radio.value)) { radio.checked = true; chosen = true; }
    });
    if (!chosen) { var first = box.querySelector("input:not(:disabled)"); if (first) first.checked = true; }
    updateTotal();
  }

  function openSheet() {
    if (!pinned || !sheet) return;
    fetch("/api/v1/shows/" + config.show + "/clicks/", {
      method: "POST", credentials: "same-origin", keepalive: true,
      headers: { "Content-Type": "application/json", "X-CSRFToken": csrfToken() },
      body: JSON.stringify({ product: pinned.id }),
    }).catch(function () {});
    document.getElementById("live-sheet-title").textContent = pinned.title;
    delete sheet.dataset.placed;
    if (buyForm) { buyForm.hidden = false; document.getElementById("live-pay").hidden = true; renderSkus(); }
    sheet.hidden = false;
    // The stock may have moved since the pin: read the card again.
    fetch("/api/v1/shows/" + config.show + "/", { credentials: "same-origin" })
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (show) { if (show && show.pinned && pinned && show.pinned.id === pinned.id) { renderPin(show.pinned); renderSkus(); } })
      .catch(function () {});
  }

  function closeSheet() {
    if (sheet) sheet.hidden = true;
    if (payPoll) { clearInterval(payPoll); payPoll = null; }
  }

  function buyError(text) {
    var node = document.getElementById("live-buy-error");
    node.textContent = text || "";
    node.hidden = !text;
  }

  // Shared with the parts' sheets (deals, tips: their scripts call window.liveRoom in their handlers):
  // a JSON POST with the CSRF token and a fresh Idempotency-Key → {ok, body}; the address fields of a form
  // (templates/live/_address_fieldset.html). An error answer's words and marks: window.formErrors (site.js).
  function postJson(url, payload) {
    var key = (window.crypto && crypto.randomUUID) ? crypto.randomUUID() : String(Date.now()) + Math.random();
    return fetch(url, {
      method: "POST", credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRFToken": csrfToken(), "Idempotency-Key": key },
      body: JSON.stringify(payload),
    }).then(function (response) {
      return response.json().then(function (body) { return { ok: response.ok, body: body }; });
    });
  }

  function addressOf(form) {
    var data = new FormData(form);
    var address = {};
    ["name", "phone", "province", "city", "line"].forEach(function (field) { address[field] = String(data.get(field) || "").trim(); });
    return address;
  }

  window.liveRoom = { csrfToken: csrfToken, postJson: postJson, addressOf: addressOf };

  function placeOrder(event) {
    event.preventDefault();
    buyError("");
    window.formErrors.mark(buyForm, null);
    var sku = selectedSku();
    if (!sku) { buyError(strings.chooseSku); return; }
    var button = document.getElementById("live-place");
    button.disabled = true;
    var quantity = parseInt(document.getElementById("live-qty").value, 10) || 0;
    postJson(config.checkout_url, { items: [{ sku: sku.id, quantity: quantity }], address: addressOf(buyForm), source: config.source })
      .then(function (answer) {
        button.disabled = false;
        if (!answer.ok) {
          buyError(window.formErrors.text(answer.body, strings.buyFailed));
          window.formErrors.mark(buyForm, answer.body, document.getElementById("live-buy-error"));
          return;
        }
        placed(answer.body);
      }).catch(function () { button.disabled = false; buyError(strings.buyFailed); });
  }

  function placed(checkout) {
    sheet.dataset.placed = "1";
    buyForm.hidden = true;
    var order = checkout.orders[0];
    var link = document.getElementById("live-order-link");
    link.textContent = order.number;
    link.href = "/orders/" + order.number + "/";
    document.getElementById("live-pay-link").href = checkout.payment.pay_url;
    document.getElementById("live-pay").hidden = false;
    document.getElementById("live-paid").hidden = true;
    payPoll = setInterval(function () {
      fetch(config.payment_url + checkout.payment.id + "/", { credentials: "same-origin" })
        .then(function (response) { return response.ok ? response.json() : null; })
        .then(function (payment) {
          if (!payment || payment.status !== "succeeded") return;
          clearInterval(payPoll); payPoll = null;
          document.getElementById("live-paid").hidden = false;
          document.getElementById("live-pay-link").hidden = true;
          document.getElementById("live-pay-wait").hidden = true;
        }).catch(function () {});
    }, 2000);
  }

  if (pin) document.getElementById("live-pin-buy").addEventListener("click", openSheet);
  if (sheet) {
    document.getElementById("live-sheet-close").addEventListener("click", closeSheet);
    sheet.addEventListener("click", function (event) { if (event.target === sheet) closeSheet(); });
  }
  if (buyForm) {
    buyForm.addEventListener("submit", placeOrder);
    document.getElementById("live-qty").addEventListener("input", updateTotal);
  }
  renderPin(pinned);

  // Replay chapters: each pinned product, from its offset into the video.
  Array.prototype.forEach.call(document.querySelectorAll(".live-chapter"), function (button) {
    button.addEventListener("click", function () {
      video.currentTime = Number(button.dataset.offset) || 0;
      video.play().catch(function () {});
    });
  });

  setStatus(config.status);
  connect();
})();
