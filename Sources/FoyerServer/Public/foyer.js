// Foyer tracker: one WebSocket per tab (docs/PROTOCOL.md 1, "What foyer.js does").
// Loaded on every page of a site, so what is served (this file minified by the server,
// which drops comments and spaces and gives local names one or two letters, see
// ScriptMinifier+Renaming: so no global's name is declared here, and no template
// literal names a local) is budgeted at 1,536 bytes gzipped (test_tracker_budget).
// It is 1,522 B: the server makes the tab's and the browser's ids (an `id` frame), which
// saved 108 B and brought it back within budget after issues 15 and 18. The times are
// numbers where they are used, each with its comment: as named constants (HEARTBEAT_MS…)
// they cost bytes.
(() => {
  try {
    // One short name for the page's document (its uses add up, even gzipped).
    const doc = document, script = doc.currentScript;
    const site = script && script.dataset.site;
    if (!site) return;
    let socket, stopped, off, failures = 0, retryTimer, heartbeat, titleTimer, sentURL, sentTitle, greeted, idleAfter, idle, idleTimer, tab, vid;
    // Script commands (`foyer('identify', …)`) waiting for the server's `ok`/`wait`, as
    // argument lists: first those the site made before this script loaded (the snippet's
    // queue `foyer.q`).
    const commands = (window.foyer || 0).q || [];

    // The tab's id (it lets its holder resume its entry) and the browser's (only while
    // the account remembers browsers) are made by the server and sent in `id` frames.
    try { tab = sessionStorage["foyer.tab"]; vid = localStorage["foyer.vid"]; } catch {}

    // After `off`, only heartbeats. (A socket still connecting throws: the frame is not
    // needed then, `hello` follows the opening.)
    const send = (message) => {
      try { if (!off || message.t == "h") socket.send(JSON.stringify(message)); } catch {}
    };
    // Commands go once, after the greeting (never replayed: the server keeps them).
    const flush = () => {
      while (greeted && commands[0]) {
        const args = commands.shift();
        send({ t: "api", c: args[0], a: args[1] });
      }
    };
    window.foyer = function () {
      commands.push(arguments);
      flush();
    };
    // The chat widget (/widget.js) talks through this socket; it sets `on`.
    const chat = window.FoyerChat = { send, on: 0 };
    // Greeting (again after `on`): the server sends the tab's state on its answer.
    const hello = () => {
      off = 0;
      send({ t: "hello", tab, vid, url: sentURL = location.href, title: sentTitle = doc.title, ref: doc.referrer, lang: navigator.language, tz: Intl.DateTimeFormat().resolvedOptions().timeZone });
    };

    const connect = () => {
      if (stopped || socket) return;
      // The script's own origin: ws: for http:, wss: for https:.
      try { socket = new WebSocket(new URL("/track?site=" + encodeURIComponent(site), script.src.replace(/^http/, "ws"))); } catch { return retry(); }
      socket.onopen = () => {
        hello();
        // Heartbeat every 25 s.
        heartbeat = setInterval(() => send({ t: "h" }), 25e3);
      };
      socket.onmessage = (event) => {
        let message, type;
        // Any reply means the server took the tab.
        failures = 0;
        try { message = JSON.parse(event.data); type = message.t; if (chat.on) chat.on(message); } catch {}
        // Kept for the next page of this tab (and the next visit, while remembered).
        if (type == "id") {
          tab = message.tab;
          vid = message.vid;
          // Apart: a full sessionStorage must not keep foyer.vid that is to be removed.
          try { sessionStorage["foyer.tab"] = tab; } catch {}
          try { localStorage[vid ? "setItem" : "removeItem"]("foyer.vid", vid); } catch {}
        }
        if (type == "off") off = 1;
        if (type == "on") hello();
        if (type == "ok" || type == "wait") {
          greeted = 1;
          idleAfter = message.idle;
          // A new socket may reach a new entry: say again that the tab is idle.
          if (idle) send({ t: "idle" });
          activity();
          flush();
        }
        // A mistake in the site's code (`foyer('…')`), not normal operation.
        if (type == "refused" && message.c) console.warn("Foyer:", message.reason);
        if (type == "invite") { chat.invite = message.inv; loadWidget(); }
      };
      socket.onclose = (event) => {
        clearInterval(heartbeat);
        greeted = 0;
        socket = null;
        // 4001: the site key changed.
        stopped = event.code == 4001;
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
      if (location.href != sentURL) send({ t: "page", url: sentURL = location.href, title: sentTitle = doc.title });
      else if (doc.title != sentTitle) send({ t: "title", title: sentTitle = doc.title });
    };

    // Single-page apps.
    for (const name of ["pushState", "replaceState"]) {
      const original = history[name];
      // Read once the page changed it.
      history[name] = function () {
        setTimeout(changed);
        return original.apply(this, arguments);
      };
    }
    addEventListener("popstate", changed);
    // Titles, debounced by 1 s: an animated title must not flood the socket.
    new MutationObserver(() => {
      clearTimeout(titleTimer);
      titleTimer = setTimeout(changed, 1e3);
    }).observe(doc.head || doc.documentElement, { subtree: 1, childList: 1, characterData: 1 });
    // Back/forward cache: close on leaving (the entry starts its grace), resume the same entry on return.
    addEventListener("pagehide", () => { if (socket) socket.close(1000); });
    addEventListener("pageshow", (event) => { if (event.persisted) { failures = 0; connect(); } });
    connect();

    // Idle: no input for `idle` ms (from `ok`), or hidden that long. One frame when the
    // tab turns idle and one when it is used (or shown) again, never one per event.
    const activity = () => {
      if (idle && !doc.hidden) { idle = 0; send({ t: "active" }); }
      clearTimeout(idleTimer);
      if (idleAfter) idleTimer = setTimeout(() => { idle = 1; send({ t: "idle" }); }, idleAfter);
    };
    for (const name of ["pointerdown", "pointermove", "keydown", "scroll", "visibilitychange"]) addEventListener(name, activity, 1);

    // The widget loads only once the visitor uses the launcher (or already chats in this tab).
    const loadWidget = () => {
      if (chat.loading) return;
      chat.loading = 1;
      const widget = doc.createElement("script");
      widget.src = new URL("/widget.js", script.src);
      doc.head.append(widget);
    };
    // Chat launcher, in a shadow root so the page's CSS cannot reach it.
    const showLauncher = () => {
      const host = doc.createElement("div"), button = doc.createElement("button");
      button.textContent = "Chat with us";
      button.style.cssText = "position:fixed;right:20px;bottom:20px;z-index:2147483647;padding:12px 18px;border:0;border-radius:24px;background:#1f6feb;color:#fff;font:600 15px sans-serif;cursor:pointer;box-shadow:0 4px 14px #0004";
      button.onclick = () => { try { sessionStorage.setItem("foyer.chat", 1); } catch {} loadWidget(); };
      chat.button = button;
      host.attachShadow({ mode: "open" }).append(button);
      doc.body.append(host);
      try { if (sessionStorage.getItem("foyer.chat")) loadWidget(); } catch {}
    };
    if (doc.body) showLauncher(); else doc.addEventListener("DOMContentLoaded", showLauncher);
  } catch {}
})();
