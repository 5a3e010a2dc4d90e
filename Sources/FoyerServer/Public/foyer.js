// Foyer tracker, one WebSocket per tab. Why each part is there: docs/PROTOCOL.md 1.
((w, d) => {
  try {
    let me = d.currentScript, site = me && me.dataset.site;
    if (!site || !w.WebSocket) return;
    let HEARTBEAT_MS = 25e3, MAX_BACKOFF_MS = 3e4, TITLE_DELAY_MS = 1e3;
    let ws, stopped, off, failures = 0, timer, heartbeat, titleTimer, sentURL, sentTitle;

    // A random id kept in `store`: at least 22 characters of [0-9a-z].
    let id = (store, key) => {
      let value;
      try { value = store.getItem(key); } catch {}
      if (!value) {
        value = "";
        while (value.length < 22) value += Math.random().toString(36).slice(2);
        try { store.setItem(key, value); } catch {}
      }
      return value;
    };
    let tab = id(sessionStorage, "foyer.tab"), vid = id(localStorage, "foyer.vid");

    let send = (message) => {
      try { if (ws && ws.readyState == 1 && (!off || message.t == "h")) ws.send(JSON.stringify(message)); } catch {}
    };
    // The chat widget (/widget.js) talks through this socket; it sets `on`.
    let chat = w.FoyerChat = { send, on: 0 };
    let hello = () => {
      let tz = "";
      try { tz = Intl.DateTimeFormat().resolvedOptions().timeZone; } catch {}
      send({ t: "hello", tab, vid, url: sentURL = location.href, title: sentTitle = d.title, ref: d.referrer, lang: navigator.language, tz });
    };

    let connect = () => {
      if (stopped || ws) return;
      try { ws = new WebSocket(new URL("/track?site=" + encodeURIComponent(site), me.src.replace(/^http/, "ws"))); } catch { return retry(); }
      ws.onopen = () => {
        off = 0;
        hello();
        heartbeat = setInterval(() => send({ t: "h" }), HEARTBEAT_MS);
      };
      ws.onmessage = event => {
        let m, t;
        failures = 0;
        try { m = JSON.parse(event.data); t = m.t; if (chat.on) chat.on(m); } catch {}
        if (t == "off") off = 1;
        if (t == "on") { off = 0; hello(); }
      };
      ws.onclose = event => {
        clearInterval(heartbeat);
        ws = null;
        // 4001: the site key changed.
        if (event.code == 4001) stopped = 1;
        retry();
      };
    };

    // Backoff: 1 s doubling to 30 s, ±50 %.
    let retry = () => {
      if (stopped) return;
      clearTimeout(timer);
      timer = setTimeout(connect, Math.min(MAX_BACKOFF_MS, 1e3 * 2 ** failures++) * (0.5 + Math.random()));
    };

    let changed = () => {
      if (location.href != sentURL) send({ t: "page", url: sentURL = location.href, title: sentTitle = d.title });
      else if (d.title != sentTitle) send({ t: "title", title: sentTitle = d.title });
    };

    // Single-page apps.
    for (let name of ["pushState", "replaceState"]) {
      let original = history[name];
      history[name] = function () {
        let result = original.apply(this, arguments);
        try { changed(); } catch {}
        return result;
      };
    }
    w.addEventListener("popstate", changed);
    // Titles, debounced: an animated title must not flood the socket.
    new MutationObserver(() => {
      clearTimeout(titleTimer);
      titleTimer = setTimeout(changed, TITLE_DELAY_MS);
    }).observe(d.head || d.documentElement, { subtree: 1, childList: 1, characterData: 1 });
    // Back/forward cache: close on leaving, resume the same entry on return.
    w.addEventListener("pagehide", () => { if (ws) ws.close(1000); });
    w.addEventListener("pageshow", event => { if (event.persisted) { failures = 0; connect(); } });
    connect();

    // Chat launcher, in a shadow root so the page's CSS cannot reach it.
    let widget = () => {
      if (chat.l) return;
      chat.l = 1;
      let script = d.createElement("script");
      script.src = new URL("/widget.js", me.src);
      d.head.append(script);
    };
    let launch = () => {
      let host = d.createElement("div"), button = d.createElement("button");
      button.textContent = "Chat with us";
      button.style.cssText = "position:fixed;right:20px;bottom:20px;z-index:2147483647;padding:12px 18px;border:0;border-radius:24px;background:#1f6feb;color:#fff;font:600 15px system-ui,sans-serif;cursor:pointer;box-shadow:0 4px 14px #0004";
      button.onclick = () => { try { sessionStorage.setItem("foyer.chat", 1); } catch {} widget(); };
      chat.button = button;
      host.attachShadow({ mode: "open" }).append(button);
      d.body.append(host);
      try { if (sessionStorage.getItem("foyer.chat")) widget(); } catch {}
    };
    if (d.body) launch(); else d.addEventListener("DOMContentLoaded", launch);
  } catch {}
})(window, document);
