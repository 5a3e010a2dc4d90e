// Foyer tracker: one WebSocket per tab (docs/PROTOCOL.md 1, "What foyer.js does").
// Loaded on every page of a site, so what is served (this file minified by the server,
// which drops comments and spaces but renames nothing) is capped at 1,536 bytes
// gzipped (test_tracker_budget; 1,527 B with this source). Every name is the readable
// one. The times are numbers where they are used, each with its comment: as named
// constants (HEARTBEAT_MS…) they cost 56 bytes gzipped, measured, more than the budget
// had left.
(() => {
  try {
    const script = document.currentScript;
    const site = script && script.dataset.site;
    if (!site || !window.WebSocket) return;
    let socket, stopped, off, failures = 0, retryTimer, heartbeat, titleTimer, sentURL, sentTitle;

    // A random id kept in `storage`: 28 characters of [0-9a-z], 128 bits from the
    // browser's cryptographic generator (a tab's id lets its holder resume its entry).
    const randomId = (storage, key) => {
      let value;
      try { value = storage.getItem(key); } catch {}
      if (!value) {
        value = "";
        crypto.getRandomValues(new Uint32Array(4)).forEach((n) => value += n.toString(36).padStart(7, 0));
        try { storage.setItem(key, value); } catch {}
      }
      return value;
    };
    const tab = randomId(sessionStorage, "foyer.tab"), vid = randomId(localStorage, "foyer.vid");

    // After `off`, only heartbeats.
    const send = (message) => {
      try { if (socket && socket.readyState == 1 && (!off || message.t == "h")) socket.send(JSON.stringify(message)); } catch {}
    };
    // The chat widget (/widget.js) talks through this socket; it sets `on`.
    const chat = window.FoyerChat = { send, on: 0 };
    const hello = () => {
      let tz = "";
      try { tz = Intl.DateTimeFormat().resolvedOptions().timeZone; } catch {}
      send({ t: "hello", tab, vid, url: sentURL = location.href, title: sentTitle = document.title, ref: document.referrer, lang: navigator.language, tz });
    };

    const connect = () => {
      if (stopped || socket) return;
      // The script's own origin: ws: for http:, wss: for https:.
      try { socket = new WebSocket(new URL("/track?site=" + encodeURIComponent(site), script.src.replace(/^http/, "ws"))); } catch { return retry(); }
      socket.onopen = () => {
        off = 0;
        hello();
        // Heartbeat every 25 s.
        heartbeat = setInterval(() => send({ t: "h" }), 25e3);
      };
      socket.onmessage = (event) => {
        let message, type;
        // Any reply means the server took the tab.
        failures = 0;
        try { message = JSON.parse(event.data); type = message.t; if (chat.on) chat.on(message); } catch {}
        if (type == "off") off = 1;
        if (type == "on") { off = 0; hello(); }
      };
      socket.onclose = (event) => {
        clearInterval(heartbeat);
        socket = null;
        // 4001: the site key changed.
        if (event.code == 4001) stopped = 1;
        retry();
      };
    };

    // Backoff: 1 s (1e3) doubling to 30 s (3e4), ±50 %.
    const retry = () => {
      if (stopped) return;
      clearTimeout(retryTimer);
      retryTimer = setTimeout(connect, Math.min(3e4, 1e3 * 2 ** failures++) * (0.5 + Math.random()));
    };

    const changed = () => {
      if (location.href != sentURL) send({ t: "page", url: sentURL = location.href, title: sentTitle = document.title });
      else if (document.title != sentTitle) send({ t: "title", title: sentTitle = document.title });
    };

    // Single-page apps.
    for (const name of ["pushState", "replaceState"]) {
      const original = history[name];
      history[name] = function () {
        const result = original.apply(this, arguments);
        try { changed(); } catch {}
        return result;
      };
    }
    window.addEventListener("popstate", changed);
    // Titles, debounced by 1 s: an animated title must not flood the socket.
    new MutationObserver(() => {
      clearTimeout(titleTimer);
      titleTimer = setTimeout(changed, 1e3);
    }).observe(document.head || document.documentElement, { subtree: true, childList: true, characterData: true });
    // Back/forward cache: close on leaving (the entry starts its grace), resume the same entry on return.
    window.addEventListener("pagehide", () => { if (socket) socket.close(1000); });
    window.addEventListener("pageshow", (event) => { if (event.persisted) { failures = 0; connect(); } });
    connect();

    // The widget loads only once the visitor uses the launcher (or already chats in this tab).
    const loadWidget = () => {
      if (chat.loading) return;
      chat.loading = 1;
      const widget = document.createElement("script");
      widget.src = new URL("/widget.js", script.src);
      document.head.append(widget);
    };
    // Chat launcher, in a shadow root so the page's CSS cannot reach it.
    const showLauncher = () => {
      const host = document.createElement("div"), button = document.createElement("button");
      button.textContent = "Chat with us";
      button.style.cssText = "position:fixed;right:20px;bottom:20px;z-index:2147483647;padding:12px 18px;border:0;border-radius:24px;background:#1f6feb;color:#fff;font:600 15px system-ui,sans-serif;cursor:pointer;box-shadow:0 4px 14px #0004";
      button.onclick = () => { try { sessionStorage.setItem("foyer.chat", 1); } catch {} loadWidget(); };
      chat.button = button;
      host.attachShadow({ mode: "open" }).append(button);
      document.body.append(host);
      try { if (sessionStorage.getItem("foyer.chat")) loadWidget(); } catch {}
    };
    if (document.body) showLauncher(); else document.addEventListener("DOMContentLoaded", showLauncher);
  } catch {}
})();
