// Foyer tracker: one WebSocket per tab reporting the page the visitor is on.
// Loaded on every page of a site, so it is kept tiny, never throws into the page
// and never logs. Wire format: docs/PROTOCOL.md section 1.
(function (w, d) {
  try {
    var me = d.currentScript, site = me && me.getAttribute("data-site");
    if (!site || !w.WebSocket) return;
    var endpoint = new URL("/track?site=" + encodeURIComponent(site), me.src);
    endpoint.protocol = endpoint.protocol == "https:" ? "wss:" : "ws:";
    var HEARTBEAT_MS = 25e3, MAX_BACKOFF_MS = 3e4, TITLE_DELAY_MS = 1e3;
    var ws, stopped, off, failures = 0, timer, heartbeat, titleTimer, sentURL, sentTitle;

    /** @param {Storage} store @param {string} key @returns {string} a random id kept in `store` */
    var id = function (store, key) {
      var value;
      try { value = store.getItem(key); } catch (e) {}
      if (!value) {
        value = "";
        for (var i = 0; i < 22; i++) value += "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"[Math.random() * 62 | 0];
        try { store.setItem(key, value); } catch (e) {}
      }
      return value;
    };
    var tab = id(sessionStorage, "foyer.tab"), vid = id(localStorage, "foyer.vid");
    // The chat widget (/widget.js) loads only when the launcher is used and talks
    // through this tab's socket: it sets `on` to receive chat messages.
    var chat = w.FoyerChat = { send: function (m) { send(m); }, on: 0 };

    /** @param {Object} message */
    var send = function (message) {
      try { if (ws && ws.readyState == 1 && (!off || message.t == "h")) ws.send(JSON.stringify(message)); } catch (e) {}
    };
    var hello = function () {
      sentURL = location.href; sentTitle = d.title;
      var tz = "";
      try { tz = Intl.DateTimeFormat().resolvedOptions().timeZone; } catch (e) {}
      send({ t: "hello", tab: tab, vid: vid, url: sentURL, title: sentTitle, ref: d.referrer, lang: navigator.language, tz: tz });
    };

    var connect = function () {
      if (stopped || ws) return;
      try { ws = new WebSocket(endpoint); } catch (e) { return retry(); }
      ws.onopen = function () {
        off = 0;
        hello();
        heartbeat = setInterval(function () { send({ t: "h" }); }, HEARTBEAT_MS);
      };
      ws.onmessage = function (event) {
        var m = {}, t;
        try { m = JSON.parse(event.data); t = m.t; if (chat.on) chat.on(m); } catch (e) {}
        if (t == "ok" || t == "wait" || t == "off") failures = 0;
        // Tracking switched off: collect nothing until the server says it is back on.
        if (t == "off") off = 1;
        if (t == "on") { off = 0; hello(); }
      };
      ws.onclose = function (event) {
        clearInterval(heartbeat);
        ws = null;
        // 4001: the site key changed — stop for this page.
        if (event.code == 4001) stopped = 1;
        retry();
      };
    };

    // Jittered exponential backoff: 1 s doubling to 30 s, each ±50 %.
    var retry = function () {
      if (stopped) return;
      clearTimeout(timer);
      timer = setTimeout(connect, Math.min(MAX_BACKOFF_MS, 1e3 * Math.pow(2, failures++)) * (0.5 + Math.random()));
    };

    var changed = function () {
      if (location.href != sentURL) {
        sentURL = location.href; sentTitle = d.title;
        send({ t: "page", url: sentURL, title: sentTitle });
      } else if (d.title != sentTitle) {
        sentTitle = d.title;
        send({ t: "title", title: sentTitle });
      }
    };

    // Single-page apps: route changes through the History API and back/forward.
    ["pushState", "replaceState"].forEach(function (name) {
      var original = history[name];
      history[name] = function () {
        var result = original.apply(this, arguments);
        try { changed(); } catch (e) {}
        return result;
      };
    });
    w.addEventListener("popstate", changed);
    // Title changes, debounced so an animated title cannot flood the socket.
    new MutationObserver(function () {
      clearTimeout(titleTimer);
      titleTimer = setTimeout(changed, TITLE_DELAY_MS);
    }).observe(d.head || d.documentElement, { subtree: true, childList: true, characterData: true });
    // Leaving the page closes the socket at once; a page restored from the
    // back/forward cache reconnects and resumes the same entry.
    w.addEventListener("pagehide", function () { if (ws) ws.close(1000); });
    w.addEventListener("pageshow", function (event) { if (event.persisted) { failures = 0; connect(); } });
    connect();

    // Chat launcher, isolated from the page's CSS in a shadow root.
    var widget = function () {
      if (chat.l) return;
      chat.l = 1;
      var script = d.createElement("script");
      script.src = new URL("/widget.js", me.src);
      d.head.appendChild(script);
    };
    var launch = function () {
      var host = d.createElement("div"), root = host.attachShadow({ mode: "open" }), button = d.createElement("button");
      button.textContent = "Chat with us";
      button.style.cssText = "position:fixed;right:20px;bottom:20px;z-index:2147483647;padding:12px 18px;border:0;border-radius:24px;background:#1f6feb;color:#fff;font:600 15px system-ui,sans-serif;cursor:pointer;box-shadow:0 4px 14px #0004";
      button.onclick = function () { try { sessionStorage.setItem("foyer.chat", 1); } catch (e) {} widget(); };
      chat.button = button;
      root.appendChild(button);
      d.body.appendChild(host);
      try { if (sessionStorage.getItem("foyer.chat")) widget(); } catch (e) {}
    };
    if (d.body) launch(); else d.addEventListener("DOMContentLoaded", launch);
  } catch (e) {}
})(window, document);
