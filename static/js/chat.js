/* Chat pages: live conversation, my chats, seller inbox, live unread badges.
 * Vanilla JS. Everything a person typed is put on the page with textContent, never as HTML.
 * Protocol: /ws/chat/<id>/ (API.md "Chat") and /ws/chat/inbox/ (unread frames only). */
(function () {
  "use strict";

  function readJSON(id) {
    var el = document.getElementById(id);
    return el ? JSON.parse(el.textContent) : null;
  }
  var S = readJSON("chat-strings") || {};

  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined && text !== null) node.textContent = String(text);
    return node;
  }

  function wsUrl(path) {
    return (location.protocol === "https:" ? "wss://" : "ws://") + location.host + path;
  }

  function newClientId() {
    if (window.crypto && crypto.randomUUID) return crypto.randomUUID();
    return Date.now().toString(36) + "-" + Math.random().toString(36).slice(2, 12);
  }

  /* Times in the site's zone (S.timeZone), the same rule as the server's time_label: "12:30" today,
   * "11-20 12:30" before. Never the browser's own zone: a page must not show two zones at once. */
  var zoneParts = null;
  try {
    zoneParts = new Intl.DateTimeFormat("en-GB", {
      timeZone: S.timeZone || "Asia/Shanghai", year: "numeric", month: "2-digit", day: "2-digit",
      hour: "2-digit", minute: "2-digit", hourCycle: "h23"
    });
  } catch (e) { zoneParts = null; }
  function inZone(d) {
    if (!zoneParts) return null;
    var out = {};
    zoneParts.formatToParts(d).forEach(function (p) { out[p.type] = p.value; });
    return out;
  }
  function timeLabel(iso) {
    if (!iso) return "";
    var t = inZone(new Date(iso)), today = inZone(new Date());
    if (!t) return "";
    var hm = t.hour + ":" + t.minute;
    if (t.year === today.year && t.month === today.month && t.day === today.day) return hm;
    return t.month + "-" + t.day + " " + hm;
  }
  function timeTitle(iso) {
    var t = iso && inZone(new Date(iso));
    return t ? t.year + "-" + t.month + "-" + t.day + " " + t.hour + ":" + t.minute + " " + (S.zoneLabel || "") : "";
  }

  function safeUrl(url) {
    // Only our own relative paths or http(s) links become hrefs.
    if (typeof url !== "string") return "#";
    if (url.charAt(0) === "/" && url.charAt(1) !== "/") return url;
    if (/^https?:\/\//i.test(url)) return url;
    return "#";
  }

  /* A WebSocket that reconnects with exponential backoff and jitter. */
  function LiveSocket(path, handlers) {
    var ws = null, attempt = 0, stopped = false, timer = null;
    function connect() {
      timer = null;
      ws = new WebSocket(wsUrl(path));
      ws.onopen = function () { attempt = 0; if (handlers.open) handlers.open(); };
      ws.onmessage = function (event) {
        var frame;
        try { frame = JSON.parse(event.data); } catch (e) { return; }
        handlers.frame(frame);
      };
      ws.onclose = function (event) {
        if (stopped) return;
        if (event.code === 4401 || event.code === 4404) {
          stopped = true;
          if (handlers.fatal) handlers.fatal(event.code);
          return;
        }
        if (handlers.lost) handlers.lost();
        var delay = Math.min(15000, 500 * Math.pow(2, attempt++)) * (0.7 + Math.random() * 0.6);
        timer = setTimeout(connect, delay);
      };
    }
    function reconnectNow() {
      if (stopped || !ws || ws.readyState !== WebSocket.CLOSED || !timer) return;
      clearTimeout(timer);
      connect();
    }
    window.addEventListener("online", reconnectNow);
    document.addEventListener("visibilitychange", function () { if (!document.hidden) reconnectNow(); });
    connect();
    return {
      send: function (obj) {
        if (ws && ws.readyState === WebSocket.OPEN) { ws.send(JSON.stringify(obj)); return true; }
        return false;
      },
      isOpen: function () { return !!ws && ws.readyState === WebSocket.OPEN; }
    };
  }

  /* Badges: the header's chat icon and the seller center's inbox link. */
  function setBadge(node, n) {
    if (!node) return;
    node.textContent = String(n);
    node.setAttribute("data-count", String(n));
  }
  function updateBadges(frame, shopInboxUrl) {
    setBadge(document.getElementById("chat-badge"), frame.total);
    var seller = document.getElementById("seller-inbox-badge");
    if (!seller && frame.seller > 0 && shopInboxUrl) {
      var link = document.querySelector('.seller-nav a[href="' + shopInboxUrl + '"]');
      if (link) {
        seller = el("span", "badge");
        seller.id = "seller-inbox-badge";
        link.appendChild(document.createTextNode(" "));
        link.appendChild(seller);
      }
    }
    setBadge(seller, frame.seller);
  }

  /* ---------------------------------------------------------------- conversation page */
  function startConversation(cfg) {
    var root = document.getElementById("chat");
    var list = document.getElementById("chat-list");
    var scroller = document.getElementById("chat-scroll");
    var form = document.getElementById("chat-form");
    var input = document.getElementById("chat-input");
    var status = document.getElementById("chat-status");
    var conn = document.getElementById("chat-conn");
    var olderButton = document.getElementById("chat-older");
    var productButton = document.getElementById("chat-send-product");

    var deals = Deals(readJSON("offer-config"), root, cfg);
    var lastId = cfg.lastId || 0;
    var firstId = cfg.firstId || 0;
    var otherLastRead = cfg.otherLastRead || 0;
    var myLastReadSent = 0;
    var outbox = {};       // client_id -> frame, until the server's copy arrives
    var lastTypingSent = 0;
    var typingTimer = null;
    var catchingUp = false;
    var socket;

    function nearBottom() { return scroller.scrollHeight - scroller.scrollTop - scroller.clientHeight < 120; }
    function toBottom() { scroller.scrollTop = scroller.scrollHeight; }

    function receipt(node, id) {
      var r = node.querySelector(".receipt");
      if (!r) return;
      var read = id && id <= otherLastRead;
      r.classList.toggle("is-read", !!read);
      r.textContent = read ? S.read : S.unread;
    }

    function buildMessage(m, mine) {
      var li = el("li", "msg " + (mine ? "mine" : "theirs"));
      if (m.id) li.setAttribute("data-id", String(m.id));
      if (m.client_id) li.setAttribute("data-client-id", m.client_id);
      if (m.text) li.appendChild(el("div", "bubble", m.text));
      if (m.product) {
        var card = el("a", "msg-product");
        card.href = safeUrl(m.product.url);
        if (m.product.image_url) {
          var img = el("img");
          img.src = safeUrl(m.product.image_url);
          img.alt = "";
          img.loading = "lazy";
          card.appendChild(img);
        } else {
          card.appendChild(el("span", "msg-product-ph", "🛍"));
        }
        var body = el("span", "msg-product-body");
        body.appendChild(el("span", "msg-product-title", m.product.title));
        var price = el("span", "price");
        price.appendChild(el("small", null, "¥"));
        price.appendChild(document.createTextNode(m.product.price));
        body.appendChild(price);
        card.appendChild(body);
        li.appendChild(card);
      }
      if (m.offer && deals) li.appendChild(deals.offerCard(m.offer));
      if (m.proposal && deals) li.appendChild(deals.proposalCard(m.proposal));
      if ((m.flags || []).indexOf("contact_details") !== -1) {
        li.appendChild(el("div", "msg-flag faint", S.masked));
      }
      if ((m.flags || []).indexOf("photo_held") !== -1) li.appendChild(el("div", "msg-flag faint", S.photoHeld));
      if ((m.flags || []).indexOf("photo_rejected") !== -1) li.appendChild(el("div", "msg-flag faint", S.photoRejected));
      if (m.image_url) {
        var a = el("a", "msg-image");
        a.href = safeUrl(m.image_url);
        var photo = el("img");
        photo.src = safeUrl(m.image_url);
        photo.alt = "";
        a.appendChild(photo);
        li.appendChild(a);
      }
      var meta = el("div", "msg-meta");
      var t = el("time", null, m.created_at ? timeLabel(m.created_at) : S.sending);
      if (m.created_at) { t.setAttribute("datetime", m.created_at); t.title = timeTitle(m.created_at); }
      meta.appendChild(t);
      if (mine) {
        meta.appendChild(document.createTextNode(" "));
        meta.appendChild(el("span", "receipt"));
      }
      li.appendChild(meta);
      if (mine && m.id) receipt(li, m.id);
      return li;
    }

    function findByClientId(clientId) {
      var nodes = list.querySelectorAll("li.msg[data-client-id]");
      for (var i = 0; i < nodes.length; i++) {
        if (nodes[i].getAttribute("data-client-id") === clientId) return nodes[i];
      }
      return null;
    }

    function insertInOrder(li, id) {
      // Confirmed messages stay in id order; pending ones stay at the bottom.
      var node = list.lastElementChild;
      while (node) {
        var nid = parseInt(node.getAttribute("data-id") || "0", 10);
        if (nid && nid < id) break;
        node = node.previousElementSibling;
      }
      if (!node) {
        list.insertBefore(li, list.firstElementChild);
        return;
      }
      // Right after the last confirmed message with a smaller id: before any pending one.
      list.insertBefore(li, node.nextElementSibling);
    }

    function render(m) {
      if (list.querySelector('li.msg[data-id="' + m.id + '"]')) return false;
      var mine = m.sender && m.sender.role === cfg.role;
      var follow = nearBottom() || mine;
      var li = buildMessage(m, mine);
      var pending = m.client_id ? findByClientId(m.client_id) : null;
      if (pending && !pending.getAttribute("data-id")) {
        pending.parentNode.removeChild(pending);
        delete outbox[m.client_id];
      }
      insertInOrder(li, m.id);
      if (m.id > lastId) lastId = m.id;
      if (!firstId || m.id < firstId) firstId = m.id;
      if (follow) toBottom();
      return !mine;
    }

    function markRead() {
      if (document.hidden || lastId <= myLastReadSent) return;
      if (socket && socket.send({ type: "read", up_to: lastId })) myLastReadSent = lastId;
    }

    function setConn(text, bad) {
      if (!text) { conn.hidden = true; return; }
      conn.hidden = false;
      conn.textContent = text;
      conn.classList.toggle("bad", !!bad);
    }

    function showTyping() {
      status.textContent = S.typing;
      status.classList.add("is-typing");
      clearTimeout(typingTimer);
      typingTimer = setTimeout(function () {
        status.textContent = status.getAttribute("data-default") || "";
        status.classList.remove("is-typing");
      }, 4000);
    }

    function fail(clientId, text) {
      var li = clientId ? findByClientId(clientId) : null;
      delete outbox[clientId];
      if (!li || li.getAttribute("data-id")) { setConn(text, true); setTimeout(function () { setConn(""); }, 4000); return; }
      li.classList.remove("pending");
      li.classList.add("failed");
      var meta = li.querySelector(".msg-meta");
      meta.textContent = text + " " + S.failed;
    }

    function retry(li) {
      var clientId = li.getAttribute("data-client-id");
      var frame = li._frame;
      if (!clientId || !frame) return;
      li.classList.remove("failed");
      li.classList.add("pending");
      li.querySelector(".msg-meta").textContent = S.sending;
      outbox[clientId] = frame;
      socket.send(frame);
    }

    function sendFrame(frame, preview) {
      frame.client_id = newClientId();
      var li = buildMessage({ text: preview.text, product: preview.product, client_id: frame.client_id }, true);
      li.classList.add("pending");
      li._frame = frame;
      list.appendChild(li);
      toBottom();
      outbox[frame.client_id] = frame;
      socket.send(frame);  // if closed, the outbox is flushed after the reconnect
    }

    function catchUp(done) {
      if (catchingUp) return;
      catchingUp = true;
      var url = cfg.messagesUrl + "?after=" + lastId + "&limit=200";
      (function page(next) {
        fetch(next, { credentials: "same-origin", headers: { Accept: "application/json" } })
          .then(function (r) { if (!r.ok) throw new Error(String(r.status)); return r.json(); })
          .then(function (body) {
            body.results.forEach(render);
            if (body.next) { page(cfg.messagesUrl + "?after=" + lastId + "&limit=200"); return; }
            catchingUp = false;
            if (done) done();
          })
          .catch(function () { catchingUp = false; if (done) done(); });
      })(url);
    }

    function flushOutbox() {
      Object.keys(outbox).forEach(function (clientId) { socket.send(outbox[clientId]); });
    }

    socket = LiveSocket(cfg.ws, {
      open: function () {
        root.setAttribute("data-live", "1");
        setConn("");
        catchUp(function () { flushOutbox(); markRead(); });
      },
      lost: function () { root.setAttribute("data-live", "0"); setConn(S.reconnecting); },
      fatal: function (code) {
        setConn(code === 4401 ? S.loggedOut : S.gone, true);
        input.disabled = true;
      },
      frame: function (frame) {
        if (frame.type === "message") {
          if (render(frame.message)) markRead();
        } else if (frame.type === "read") {
          if (frame.role !== cfg.role && frame.up_to > otherLastRead) {
            otherLastRead = frame.up_to;
            var mine = list.querySelectorAll("li.msg.mine[data-id]");
            for (var i = 0; i < mine.length; i++) receipt(mine[i], parseInt(mine[i].getAttribute("data-id"), 10));
          }
        } else if (frame.type === "typing") {
          if (frame.role !== cfg.role) showTyping();
        } else if (frame.type === "error") {
          var text = frame.code === "message_too_long" ? S.tooLong
            : frame.code === "rate_limited" ? S.rateLimited : frame.message;
          fail(frame.client_id, text);
        } else if (frame.type === "unread") {
          updateBadges(frame, cfg.shopInboxUrl);
        } else if (frame.type === "offer" && deals) {
          deals.update(frame.offer);
        }
      }
    });

    form.addEventListener("submit", function (event) {
      event.preventDefault();
      var text = input.value.replace(/^\s+|\s+$/g, "");
      if (!text) return;
      if (text.length > 2000) { setConn(S.tooLong, true); return; }
      input.value = "";
      autosize();
      sendFrame({ type: "message", text: text }, { text: text });
      input.focus();
    });
    input.addEventListener("keydown", function (event) {
      if (event.key === "Enter" && !event.shiftKey && !event.isComposing) {
        event.preventDefault();
        form.requestSubmit ? form.requestSubmit() : form.dispatchEvent(new Event("submit", { cancelable: true }));
      }
    });
    function autosize() {
      input.style.height = "auto";
      input.style.height = Math.min(input.scrollHeight + 2, 130) + "px";
    }
    input.addEventListener("input", function () {
      autosize();
      var now = Date.now();
      if (now - lastTypingSent > 3000 && input.value) {
        lastTypingSent = now;
        socket.send({ type: "typing" });
      }
    });
    list.addEventListener("click", function (event) {
      var li = event.target.closest ? event.target.closest("li.msg.failed") : null;
      if (li) retry(li);
    });
    if (productButton) {
      productButton.addEventListener("click", function () {
        var id = parseInt(productButton.getAttribute("data-product"), 10);
        var title = (document.querySelector(".chat-pinned-title") || {}).textContent || "";
        sendFrame({ type: "product", product: id }, { text: "", product: { title: title, price: "", url: "#" } });
      });
    }
    if (olderButton) {
      olderButton.addEventListener("click", function () {
        olderButton.disabled = true;
        fetch(cfg.messagesUrl + "?before=" + firstId + "&limit=50", { credentials: "same-origin" })
          .then(function (r) { return r.json(); })
          .then(function (body) {
            var height = scroller.scrollHeight;
            body.results.forEach(function (m) {
              if (list.querySelector('li.msg[data-id="' + m.id + '"]')) return;
              insertInOrder(buildMessage(m, m.sender.role === cfg.role), m.id);
              if (m.id < firstId) firstId = m.id;
            });
            scroller.scrollTop += scroller.scrollHeight - height;
            olderButton.disabled = false;
            if (!body.previous) olderButton.parentNode.removeChild(olderButton);
          })
          .catch(function () { olderButton.disabled = false; });
      });
    }
    document.addEventListener("visibilitychange", markRead);
    if (deals) deals.upgrade(list);
    toBottom();
  }

  /* ---------------------------------------------------------------- offers in the chat
   * The shop's offer cards (state live from `offer` frames), the seller's offer form, the buyer's accept
   * sheet (address prefilled, an Idempotency-Key, then the payment page) and counter-proposal form. */
  function money(n) { return (Math.round(n * 100) / 100).toFixed(2); }
  function csrfToken() {
    var input = document.querySelector("input[name=csrfmiddlewaretoken]");
    return input ? input.value : "";
  }
  function postJSON(url, body, headers) {
    var h = { "Content-Type": "application/json", Accept: "application/json", "X-CSRFToken": csrfToken() };
    Object.keys(headers || {}).forEach(function (k) { h[k] = headers[k]; });
    return fetch(url, { method: "POST", credentials: "same-origin", headers: h, body: JSON.stringify(body || {}) })
      .then(function (r) {
        return r.json().catch(function () { return {}; }).then(function (data) { return { ok: r.ok, status: r.status, body: data }; });
      });
  }
  function validUntil(iso) {
    var t = iso && inZone(new Date(iso));
    return t ? t.month + "-" + t.day + " " + t.hour + ":" + t.minute : "";
  }

  function Deals(dc, root, cfg) {
    if (!dc) return null;
    var T = dc.strings || {};
    var offers = {};  // id -> the offer as the API shapes it (OfferOut), or its card until the state is known
    Object.keys(dc.states || {}).forEach(function (id) { offers[id] = dc.states[id]; });

    function statusClass(status) {
      return status === "pending" ? "brand" : status === "accepted" ? "ok" : status === "declined" ? "bad" : "";
    }
    function orderUrl(number) {
      return dc.role === "buyer" ? dc.orderUrl.replace("00000000", number) : dc.orderUrl + "#order-" + number;
    }
    function linesList(lines, proposal) {
      var ul = el("ul", "deal-lines");
      (lines || []).forEach(function (l) {
        var li = el("li");
        li.appendChild(el("span", "deal-line-name", l.title + " · " + l.sku_name));
        li.appendChild(el("span", "deal-line-qty", "× " + l.quantity));
        var price = el("span", "deal-line-price");
        if (l.price !== null && l.price !== undefined) price.appendChild(document.createTextNode("¥" + l.price + " "));
        if (l.list_price && l.list_price !== l.price) price.appendChild(el("s", null, "¥" + l.list_price));
        li.appendChild(price);
        ul.appendChild(li);
      });
      return ul;
    }
    function head(tag, status) {
      var h = el("div", "deal-head");
      h.appendChild(el("span", "deal-tag", tag));
      if (status) h.appendChild(el("span", "pill deal-status " + statusClass(status), (T.status || {})[status] || status));
      return h;
    }
    function button(text, action, primary, testid) {
      var b = el("button", "btn btn-sm" + (primary ? " btn-primary" : ""), text);
      b.type = "button";
      b.setAttribute("data-offer-action", action);
      if (testid) b.setAttribute("data-testid", testid);
      return b;
    }

    function offerCard(card) {
      var o = offers[card.id];
      if (!o) {  // a card that just arrived: pending until its state says otherwise
        o = offers[card.id] = Object.assign({ status: "pending", order: null }, card);
        fetchState(card.id);
      }
      var status = o.status;
      var node = el("div", "deal-card offer-card is-" + status);
      node.setAttribute("data-offer-id", String(card.id));
      node.setAttribute("data-status", status);
      node.setAttribute("data-testid", "offer-card");
      node.appendChild(head("🏷 " + T.offer, status));  // a card that just arrived is pending
      node.appendChild(linesList(o.lines));
      var sum = el("div", "deal-sum");
      sum.appendChild(el("span", "faint", o.shipping_fee && o.shipping_fee !== "0.00" ? T.shipping + " ¥" + o.shipping_fee : T.freeShipping));
      var total = el("span", null, T.total + " ");
      total.appendChild(el("strong", "price", "¥" + o.total));
      sum.appendChild(total);
      node.appendChild(sum);
      if (o.note) node.appendChild(el("p", "deal-note", o.note));
      if (o.order) {
        var orderStatus = (T.orderStatus || {})[o.order.status];
        var link = el("a", "deal-order", T.order.replace("%s", o.order.number) + " · " + (orderStatus || T.viewOrder) + " ›");
        link.href = safeUrl(orderUrl(o.order.number));
        link.setAttribute("data-testid", "offer-order");
        node.appendChild(link);
      } else if (status === "pending") {
        node.appendChild(el("div", "deal-foot faint", T.validUntil.replace("%s", validUntil(o.expires_at))));
        var actions = el("div", "deal-actions");
        if (dc.role === "buyer") {
          actions.appendChild(button(T.decline, "decline", false, "offer-decline"));
          actions.appendChild(button(T.accept, "accept", true, "offer-accept"));
        } else {
          actions.appendChild(button(T.withdraw, "withdraw", false, "offer-withdraw"));
        }
        node.appendChild(actions);
      }
      return node;
    }

    function proposalCard(card) {
      var node = el("div", "deal-card proposal-card");
      node.setAttribute("data-proposal-id", String(card.id));
      node.setAttribute("data-testid", "proposal-card");
      node._proposal = card;
      node.appendChild(head("💬 " + T.proposal));
      node.appendChild(linesList(card.lines, true));
      if (card.total) {
        var sum = el("div", "deal-sum");
        sum.appendChild(el("span", "faint", T.proposedTotal));
        sum.appendChild(el("strong", "price", "¥" + card.total));
        node.appendChild(sum);
      }
      if (card.note) node.appendChild(el("p", "deal-note", card.note));
      if (dc.role === "seller") {
        var actions = el("div", "deal-actions");
        var b = el("button", "btn btn-sm btn-primary", T.makeOffer);
        b.type = "button";
        b.setAttribute("data-proposal-action", "offer");
        b.setAttribute("data-testid", "proposal-make-offer");
        actions.appendChild(b);
        node.appendChild(actions);
      }
      return node;
    }

    var fetching = {};
    function fetchState(id) {
      if (fetching[id]) return;
      fetching[id] = true;
      fetch(dc.offerUrl.replace("/0/", "/" + id + "/"), { credentials: "same-origin", headers: { Accept: "application/json" } })
        .then(function (r) { return r.ok ? r.json() : null; })
        .then(function (o) { if (o && o.status) update(o); })
        .catch(function () {});
    }

    /* "Tap again to confirm" on a card's decline/withdraw button, until `until` (ms since the epoch). */
    function arm(b, until) {
      b._label = b.textContent;
      b._armedUntil = until;
      b.textContent = b.getAttribute("data-offer-action") === "decline" ? T.confirmDecline : T.confirmWithdraw;
      b.classList.add("is-armed");
      setTimeout(function () {
        if (b.isConnected && !b.disabled) { b.textContent = b._label; b.classList.remove("is-armed"); }
      }, Math.max(0, until - Date.now()));
    }

    function update(o) {
      offers[o.id] = o;
      var nodes = root.querySelectorAll('.offer-card[data-offer-id="' + o.id + '"]');
      for (var i = 0; i < nodes.length; i++) {
        var fresh = offerCard(o);
        // A frame that re-renders the card between a button's two taps keeps it armed (the second tap counts;
        // not once it was tapped twice: its request is on the way).
        var armed = nodes[i].querySelector("[data-offer-action].is-armed");
        if (armed && !armed.disabled && armed._armedUntil > Date.now()) {
          var twin = fresh.querySelector('[data-offer-action="' + armed.getAttribute("data-offer-action") + '"]');
          if (twin) arm(twin, armed._armedUntil);
        }
        nodes[i].parentNode.replaceChild(fresh, nodes[i]);
      }
      if (acceptSheet && acceptSheet.offerId === o.id && o.status !== "pending" && !acceptSheet.busy) acceptSheet.close();
    }

    /* Server-rendered cards: rebuilt with their state and buttons. */
    function upgrade(list) {
      var nodes = list.querySelectorAll(".offer-card[data-offer-id]");
      for (var i = 0; i < nodes.length; i++) {
        var id = nodes[i].getAttribute("data-offer-id");
        if (offers[id]) nodes[i].parentNode.replaceChild(offerCard(offers[id]), nodes[i]);
        else fetchState(id);
      }
      var cards = list.querySelectorAll(".proposal-card[data-proposal-id]");
      for (var j = 0; j < cards.length; j++) {
        var card = (cfg.proposals || {})[cards[j].getAttribute("data-proposal-id")];
        if (card) cards[j].parentNode.replaceChild(proposalCard(card), cards[j]);
      }
    }

    /* ---- sheets */
    function Sheet(id) {
      var dialog = document.getElementById(id);
      if (!dialog) return null;
      var form = dialog.querySelector("form");
      var errorBox = dialog.querySelector("[data-sheet-error]");
      var sheet = { dialog: dialog, form: form, busy: false };
      sheet.open = function () {
        sheet.clearErrors();
        if (dialog.showModal) dialog.showModal(); else dialog.setAttribute("open", "");
      };
      sheet.close = function () { if (dialog.close) dialog.close(); else dialog.removeAttribute("open"); };
      sheet.clearErrors = function () {
        var old = dialog.querySelectorAll(".field-error");
        for (var i = 0; i < old.length; i++) old[i].parentNode.removeChild(old[i]);
        var bad = dialog.querySelectorAll(".has-error");
        for (var j = 0; j < bad.length; j++) bad[j].classList.remove("has-error");
        errorBox.hidden = true;
        errorBox.textContent = "";
      };
      sheet.showErrors = function (answer) {
        var error = (answer && answer.error) || {};
        var fields = error.fields || {};
        var unplaced = [];
        Object.keys(fields).forEach(function (key) {
          var target = dialog.querySelector('[data-field="' + key + '"]');
          if (!target) {
            var input = dialog.querySelector('[name="' + key.replace(/\./g, "-") + '"]');
            target = input && input.closest(".field");
          }
          var text = [].concat(fields[key]).join(" ");
          if (!target) { unplaced.push(text); return; }
          target.classList.add("has-error");
          var e = el("div", "field-error", text);
          e.setAttribute("role", "alert");
          target.appendChild(e);
        });
        var general = unplaced.length ? unplaced.join(" ") : (Object.keys(fields).length ? "" : (error.message || T.failed));
        if (general) { errorBox.textContent = general; errorBox.hidden = false; }
        var first = dialog.querySelector(".has-error input, .has-error select, .has-error textarea");
        if (first) first.focus();
      };
      sheet.submitting = function (on) {
        sheet.busy = on;
        var submit = form.querySelector("[type=submit]");
        if (!submit) return;
        if (on) { submit._label = submit.textContent; submit.textContent = T.sending; }
        else if (submit._label) submit.textContent = submit._label;
        submit.disabled = on;
      };
      dialog.addEventListener("input", function (event) {  // a corrected field loses its error
        var field = event.target.closest && event.target.closest(".has-error");
        if (!field) return;
        field.classList.remove("has-error");
        var errors = field.querySelectorAll(":scope > .field-error");
        for (var i = 0; i < errors.length; i++) field.removeChild(errors[i]);
      });
      dialog.addEventListener("click", function (event) {
        if (event.target === dialog || (event.target.closest && event.target.closest("[data-sheet-close]"))) sheet.close();
      });
      return sheet;
    }

    /* A list of lines (SKU, quantity, price) in a sheet, from its <template>. */
    function LineEditor(sheet, templateId, onChange) {
      var box = sheet.dialog.querySelector("[data-lines]");
      var tpl = document.getElementById(templateId);
      var addButton = sheet.dialog.querySelector("[data-line-add]");
      function renumber() {
        var rows = box.querySelectorAll("[data-line]");
        for (var i = 0; i < rows.length; i++) {
          var parts = rows[i].querySelectorAll("[data-part]");
          for (var j = 0; j < parts.length; j++) parts[j].setAttribute("data-field", "lines." + i + "." + parts[j].getAttribute("data-part"));
          rows[i].setAttribute("data-field", "lines." + i);
          rows[i].querySelector("[data-line-remove]").hidden = rows.length === 1;
        }
        if (addButton) addButton.hidden = rows.length >= (dc.linesMax || 20);
        onChange();
      }
      function add(line) {
        var row = tpl.content.firstElementChild.cloneNode(true);
        var select = row.querySelector("select");
        var price = row.querySelector("[name=price]");
        var autoPrice = price.required;  // the offer form starts from the list price; a proposal from nothing
        if (line && line.sku) select.value = String(line.sku);
        else if (line && line.product) {
          var option = select.querySelector('option[data-product="' + line.product + '"]');
          if (option) select.value = option.value;
        }
        if (line && line.quantity) row.querySelector("[name=quantity]").value = line.quantity;
        function listPrice() { var o = select.options[select.selectedIndex]; return o ? o.getAttribute("data-price") : ""; }
        if (line && line.price) price.value = line.price;
        else if (autoPrice) price.value = listPrice();
        else price.placeholder = "¥" + listPrice();
        select.addEventListener("change", function () {
          if (autoPrice) price.value = listPrice(); else price.placeholder = "¥" + listPrice();
          onChange();
        });
        row.addEventListener("input", onChange);
        row.querySelector("[data-line-remove]").addEventListener("click", function () { box.removeChild(row); renumber(); });
        box.appendChild(row);
        renumber();
      }
      if (addButton) addButton.addEventListener("click", function () { add(null); });
      return {
        reset: function (lines) {
          box.textContent = "";
          (lines && lines.length ? lines : [{ product: dc.product }]).forEach(add);
        },
        read: function () {
          var rows = box.querySelectorAll("[data-line]");
          var out = [];
          for (var i = 0; i < rows.length; i++) {
            var line = {
              sku: parseInt(rows[i].querySelector("[name=sku]").value, 10),
              quantity: parseInt(rows[i].querySelector("[name=quantity]").value, 10) || rows[i].querySelector("[name=quantity]").value
            };
            var price = rows[i].querySelector("[name=price]").value.replace(/^\s+|\s+$/g, "");
            if (price) line.price = price;
            out.push(line);
          }
          return out;
        },
        listTotal: function () {
          var rows = box.querySelectorAll("[data-line]"), sum = 0;
          for (var i = 0; i < rows.length; i++) {
            var s = rows[i].querySelector("[name=sku]"), o = s.options[s.selectedIndex];
            sum += (parseFloat(o ? o.getAttribute("data-price") : "0") || 0) * (parseInt(rows[i].querySelector("[name=quantity]").value, 10) || 0);
          }
          return sum;
        }
      };
    }

    /* The seller's offer form. */
    var offerSheet = Sheet("offer-sheet");
    var offerLines = null;
    if (offerSheet && !(dc.skus || []).length) {  // nothing on sale: the sheet only says so
      var lonely = document.getElementById("offer-open");
      if (lonely) lonely.addEventListener("click", function () { offerSheet.open(); });
    } else if (offerSheet) {
      var f = offerSheet.form;
      var hint = offerSheet.dialog.querySelector("[data-proposal-hint]");
      var totalNode = offerSheet.dialog.querySelector("[data-total]");
      var totalNote = offerSheet.dialog.querySelector("[data-total-note]");
      var recount = function () {
        if (!offerLines) return;
        var lines = offerLines.read(), sum = parseFloat(f.shipping_fee.value) || 0;
        lines.forEach(function (l) { sum += (parseFloat(l.price) || 0) * (parseInt(l.quantity, 10) || 0); });
        totalNode.textContent = "¥" + money(sum);
        var list = offerLines.listTotal() + (parseFloat(f.shipping_fee.value) || 0);
        totalNote.textContent = list > sum + 0.004 ? T.youSave.replace("%s", money(list - sum)) : "";
      };
      offerLines = LineEditor(offerSheet, "offer-line-template", recount);
      f.shipping_fee.addEventListener("input", recount);
      var openOffer = function (proposal) {
        f.reset();
        offerLines.reset(proposal ? proposal.lines.map(function (l) {
          return { sku: l.sku, quantity: l.quantity, price: l.price };
        }) : null);
        hint.hidden = !(proposal && proposal.total);
        if (proposal && proposal.total) hint.textContent = T.proposalHint.replace("%s", proposal.total);
        recount();
        offerSheet.open();
      };
      var opener = document.getElementById("offer-open");
      if (opener) opener.addEventListener("click", function () { openOffer(null); });
      root.addEventListener("click", function (event) {
        var b = event.target.closest && event.target.closest("[data-proposal-action]");
        var card = b && b.closest(".proposal-card");
        if (card && card._proposal) openOffer(card._proposal);
      });
      f.addEventListener("submit", function (event) {
        event.preventDefault();
        if (offerSheet.busy) return;
        offerSheet.clearErrors();
        var body = { lines: offerLines.read(), shipping_fee: f.shipping_fee.value.trim() || "0", note: f.note.value };
        var hours = f.expires_in_hours.value.trim();
        body.expires_in_hours = /^\d+$/.test(hours) ? parseInt(hours, 10) : hours;
        offerSheet.submitting(true);
        postJSON(dc.offersUrl, body).then(function (answer) {
          offerSheet.submitting(false);
          if (answer.ok) { update(answer.body); offerSheet.close(); return; }
          offerSheet.showErrors(answer.body);
        }).catch(function () { offerSheet.submitting(false); offerSheet.showErrors({ error: { message: T.offline } }); });
      });
    }

    /* The buyer's counter-proposal form. */
    var proposalSheet = Sheet("proposal-sheet");
    if (proposalSheet) {
      var pf = proposalSheet.form;
      var pnote = proposalSheet.dialog.querySelector("[data-total-note]");
      var proposalLines = null;
      var precount = function () {
        if (proposalLines) pnote.textContent = T.listTotal.replace("%s", money(proposalLines.listTotal()));
      };
      proposalLines = LineEditor(proposalSheet, "proposal-line-template", precount);
      var popen = document.getElementById("proposal-open");
      if (popen) popen.addEventListener("click", function () {
        pf.reset();
        proposalLines.reset(null);
        precount();
        proposalSheet.open();
      });
      pf.addEventListener("submit", function (event) {
        event.preventDefault();
        if (proposalSheet.busy) return;
        proposalSheet.clearErrors();
        var body = { lines: proposalLines.read(), note: pf.note.value };
        if (pf.total.value.trim()) body.total = pf.total.value.trim();
        proposalSheet.submitting(true);
        postJSON(dc.proposalsUrl, body).then(function (answer) {
          proposalSheet.submitting(false);
          if (answer.ok) { proposalSheet.close(); return; }
          proposalSheet.showErrors(answer.body);
        }).catch(function () { proposalSheet.submitting(false); proposalSheet.showErrors({ error: { message: T.offline } }); });
      });
    }

    /* The buyer's accept-and-pay sheet: one Idempotency-Key per attempt (a retry after a lost answer reuses
     * it, so a double tap or a resend makes one order), then the payment page. */
    var acceptSheet = Sheet("accept-sheet");
    if (acceptSheet) {
      var summary = acceptSheet.dialog.querySelector("[data-accept-summary]");
      var payButton = acceptSheet.form.querySelector("[type=submit]");
      acceptSheet.openFor = function (o) {
        acceptSheet.offerId = o.id;
        acceptSheet.key = newClientId();
        summary.textContent = "";
        summary.appendChild(linesList(o.lines));
        var sum = el("div", "deal-sum");
        sum.appendChild(el("span", "faint", o.shipping_fee && o.shipping_fee !== "0.00" ? T.shipping + " ¥" + o.shipping_fee : T.freeShipping));
        var total = el("span", null, T.total + " ");
        total.appendChild(el("strong", "price", "¥" + o.total));
        sum.appendChild(total);
        summary.appendChild(sum);
        payButton.textContent = T.acceptTotal.replace("%s", o.total);
        acceptSheet.open();
      };
      acceptSheet.form.addEventListener("submit", function (event) {
        event.preventDefault();
        if (acceptSheet.busy) return;
        acceptSheet.clearErrors();
        var address = {};
        ["name", "phone", "province", "city", "line"].forEach(function (k) {
          var input = acceptSheet.form.querySelector('[name="address-' + k + '"]');
          address[k] = input ? input.value : "";
        });
        acceptSheet.submitting(true);
        postJSON(dc.offerUrl.replace("/0/", "/" + acceptSheet.offerId + "/") + "accept/", { address: address },
          { "Idempotency-Key": acceptSheet.key })
          .then(function (answer) {
            if (answer.ok && answer.body.payment) { location.assign(safeUrl(answer.body.payment.pay_url)); return; }
            acceptSheet.submitting(false);
            if (answer.status !== 409 || (answer.body.error || {}).code !== "idempotency_key_in_flight") acceptSheet.key = newClientId();
            acceptSheet.showErrors(answer.body);
          })
          .catch(function () { acceptSheet.submitting(false); acceptSheet.showErrors({ error: { message: T.offline } }); });
      });
    }

    /* The cards' buttons. */
    root.addEventListener("click", function (event) {
      var b = event.target.closest && event.target.closest("[data-offer-action]");
      if (!b) return;
      var card = b.closest(".offer-card");
      var id = card.getAttribute("data-offer-id");
      var o = offers[id];
      var action = b.getAttribute("data-offer-action");
      if (action === "accept") { if (acceptSheet && o) acceptSheet.openFor(o); return; }
      // Declining or withdrawing cannot be undone: the button asks to be tapped again.
      if (!b.classList.contains("is-armed")) {
        arm(b, Date.now() + 4000);
        return;
      }
      b.disabled = true;
      var problem = function (text) {
        b.disabled = false;
        var note = card.querySelector(".deal-error") || card.appendChild(el("div", "deal-error"));
        note.setAttribute("role", "alert");
        note.textContent = text;
      };
      postJSON(dc.offerUrl.replace("/0/", "/" + id + "/") + action + "/").then(function (answer) {
        if (answer.ok) { update(answer.body); return; }
        problem((answer.body.error || {}).message || T.failed);
        fetchState(id);
      }).catch(function () { problem(T.offline); });
    });

    return { offerCard: offerCard, proposalCard: proposalCard, update: update, upgrade: upgrade };
  }

  /* ---------------------------------------------------------------- my chats / seller inbox */
  function startInbox(cfg) {
    var list = document.getElementById("conv-list");

    function buildRow(c) {
      var li = el("li", "conv-row");
      li.setAttribute("data-conversation", String(c.id));
      var a = el("a");
      a.href = cfg.rowUrl.replace("/0/", "/" + c.id + "/");
      var name = c.role === "buyer" ? c.shop.name : c.buyer.username;
      a.appendChild(el("span", "conv-avatar" + (c.role === "buyer" ? " shop" : ""), (name || "?").charAt(0).toUpperCase()));
      var body = el("span", "conv-body");
      var top = el("span", "conv-top");
      top.appendChild(el("strong", "conv-name", name));
      top.appendChild(el("time", "conv-time"));
      body.appendChild(top);
      if (c.product) body.appendChild(el("span", "conv-product", "🛍 " + c.product.title));
      var bottom = el("span", "conv-bottom");
      bottom.appendChild(el("span", "conv-preview"));
      bottom.appendChild(el("span", "badge conv-unread"));
      body.appendChild(bottom);
      a.appendChild(body);
      li.appendChild(a);
      return li;
    }

    function fill(li, c) {
      var preview = li.querySelector(".conv-preview");
      var last = c.last_message;
      preview.textContent = last ? last.text : (S.noMessages || "");
      li.querySelector(".conv-time").textContent = timeLabel(c.last_message_at);
      li.querySelector(".conv-time").title = timeTitle(c.last_message_at);
      setBadge(li.querySelector(".conv-unread"), c.unread);
      li.classList.toggle("has-unread", c.unread > 0);
      var product = li.querySelector(".conv-product");
      if (c.product && product) product.textContent = "🛍 " + c.product.title;
    }

    function apply(c) {
      if (!c || c.role !== cfg.role || !list) return;
      if (cfg.role === "seller" && !c.last_message) return;
      var li = list.querySelector('li[data-conversation="' + c.id + '"]');
      var lastMessageId = c.last_message ? String(c.last_message.id) : "0";
      // Pushes from two senders can cross: a row older than the one shown changes nothing.
      if (li && parseInt(li.getAttribute("data-last") || "0", 10) > parseInt(lastMessageId, 10)) return;
      var moved = !li || li.getAttribute("data-last") !== lastMessageId;
      if (!li) li = buildRow(c);
      fill(li, c);
      li.setAttribute("data-last", lastMessageId);
      if (moved) {
        list.insertBefore(li, list.firstElementChild);
        li.classList.remove("flash");
        void li.offsetWidth;
        li.classList.add("flash");
        var empty = document.getElementById("conv-empty");
        if (empty) empty.parentNode.removeChild(empty);
      }
    }

    /* On every (re)connect, catch up with what changed while the socket was not listening. */
    function resync() {
      var url = "/api/v1/conversations/" + (cfg.role === "seller" ? "?as=seller" : "");
      fetch(url, {credentials: "same-origin", headers: {"Accept": "application/json"}})
        .then(function (r) { return r.ok ? r.json() : null; })
        .then(function (page) {
          if (!page || !page.results) return;
          page.results.slice().reverse().forEach(apply);  // oldest first: the newest ends on top
        })
        .catch(function () {});
    }

    LiveSocket(cfg.ws, {
      open: resync,
      frame: function (frame) {
        if (frame.type !== "unread") return;
        updateBadges(frame, cfg.shopInboxUrl);
        apply(frame.conversation);
      }
    });
  }

  function boot() {
    var conversation = readJSON("chat-config");
    if (conversation) { startConversation(conversation); return; }
    var inbox = readJSON("chat-list-config");
    if (inbox) startInbox(inbox);
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", boot);
  else boot();
})();
