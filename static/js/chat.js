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
      if (m.offer) {
        var offer = el("div", "msg-product msg-offer");
        offer.setAttribute("data-offer-id", String(m.offer.id));
        offer.appendChild(el("span", "msg-product-ph", "🏷"));
        var terms = el("span", "msg-product-body");
        var lines = (m.offer.lines || []).map(function (l) {
          return l.title + " · " + l.sku_name + " × " + l.quantity + " ¥" + l.price;
        });
        terms.appendChild(el("span", "msg-product-title", S.offer + ": " + lines.join("; ")));
        var total = el("span", "price");
        total.appendChild(el("small", null, "¥"));
        total.appendChild(document.createTextNode(m.offer.total));
        terms.appendChild(total);
        if (m.offer.shipping_fee && m.offer.shipping_fee !== "0.00") {
          terms.appendChild(el("span", "faint", S.shipping.replace("%s", m.offer.shipping_fee)));
        }
        offer.appendChild(terms);
        li.appendChild(offer);
      }
      if ((m.flags || []).indexOf("contact_details") !== -1) {
        li.appendChild(el("div", "msg-flag faint", S.masked));
      }
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
    toBottom();
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
