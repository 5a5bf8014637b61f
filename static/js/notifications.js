// The header bell: a live unread count over /ws/notifications/, reconnecting with backoff.
(function () {
  var badge = document.getElementById("notif-badge");
  if (!badge || !window.WebSocket) { return; }
  var delay = 1000;
  function setCount(n) { badge.textContent = n; badge.dataset.count = n; }
  function toast(text) {
    var el = document.createElement("div");
    el.className = "toast";
    el.textContent = text;  // text, never HTML
    document.body.appendChild(el);
    setTimeout(function () { el.remove(); }, 5000);
  }
  function connect() {
    var ws = new WebSocket((location.protocol === "https:" ? "wss://" : "ws://") + location.host + "/ws/notifications/");
    ws.onopen = function () { delay = 1000; };
    ws.onmessage = function (e) {
      var data = JSON.parse(e.data);
      if (typeof data.unread === "number") { setCount(data.unread); }
      if (data.type === "notification") { toast(data.notification.text); }
    };
    ws.onclose = function (e) {
      if (e.code === 4401) { return; }
      setTimeout(connect, delay);
      delay = Math.min(delay * 2, 30000);
    };
  }
  connect();
})();
