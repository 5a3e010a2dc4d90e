// Foyer chat widget: loaded by foyer.js when the visitor opens the launcher (or on
// every page of a tab that already chats). It talks through the tab's tracker socket
// via window.FoyerChat (docs/PROTOCOL.md section 3), draws its panel in its own
// shadow root, sets every message with textContent, never throws into the page and
// never logs. Served minified (ScriptMinifier): no nested template literals.
(function (w, d) {
  try {
    var chat = w.FoyerChat;
    if (!chat || chat.panel) return;
    var MAX_CHARACTERS = 4000, MAX_FRAME_BYTES = 15000, OPEN_KEY = "foyer.chat.open";
    var REASONS = {
      "too long": "Your message is too long: at most 4,000 characters.",
      "too fast": "You are sending messages too fast. Wait a moment and send again.",
      "empty": "Type a message first.",
      "try again": "Your message could not be sent. Please try again."
    };
    var OFF = "Chat is not available right now. Please try again later.";
    var MARKS = { sending: ["…", "Sending"], sent: ["✓", "Sent"], delivered: ["✓✓", "Delivered"], read: ["✓✓", "Read"] };
    var CSS = [
      ":host{all:initial}",
      ".panel{position:fixed;right:20px;bottom:76px;z-index:2147483647;width:340px;max-width:calc(100vw - 40px);height:460px;max-height:calc(100vh - 100px);display:flex;flex-direction:column;background:#fff;color:#1f2328;border-radius:12px;box-shadow:0 8px 30px #0005;font:14px/1.4 system-ui,sans-serif;overflow:hidden}",
      ".panel[hidden]{display:none}",
      ".head{display:flex;align-items:center;justify-content:space-between;padding:10px 14px;background:#1f6feb;color:#fff}",
      "h2{margin:0;font-size:15px}",
      "button{font:inherit;cursor:pointer}",
      ".close{background:none;border:0;color:#fff;font-size:22px;line-height:1;padding:0 4px;border-radius:4px}",
      ".log{flex:1;overflow-y:auto;margin:0;padding:12px;list-style:none;background:#f6f8fa}",
      ".log li{display:flex;flex-direction:column;align-items:flex-start;margin:0 0 8px}",
      ".log li.me{align-items:flex-end}",
      ".bubble{max-width:80%;padding:7px 10px;border-radius:12px;background:#fff;border:1px solid #d0d7de;white-space:pre-wrap;overflow-wrap:anywhere}",
      ".me .bubble{background:#1f6feb;border-color:#1f6feb;color:#fff}",
      ".meta{font-size:11px;color:#57606a;margin-top:2px}",
      ".mark{margin-left:4px}",
      ".mark.read{color:#1f6feb;font-weight:700}",
      ".note{text-align:center;color:#57606a;font-style:italic}",
      ".error{margin:0;padding:6px 12px;background:#ffebe9;color:#a40e26}",
      ".error:empty{display:none}",
      "form{display:flex;gap:8px;padding:10px;border-top:1px solid #d0d7de}",
      "textarea{flex:1;resize:none;height:40px;padding:8px;border:1px solid #d0d7de;border-radius:8px;font:inherit;color:inherit;background:#fff}",
      ".send{border:0;border-radius:8px;padding:0 14px;background:#1f6feb;color:#fff;font-weight:600}",
      ":focus-visible{outline:2px solid #0969da;outline-offset:2px}",
      ".close:focus-visible{outline-color:#fff}",
      ".badge{margin-left:8px;padding:0 6px;border-radius:9px;background:#cf222e;color:#fff;font-size:12px}"
    ].join("");

    /** Runs `fn` without ever letting an error reach the host page. @param {Function} fn */
    var safe = function (fn) {
      return function () { try { return fn.apply(this, arguments); } catch (e) {} };
    };
    /** @param {string} tag @param {string} [cls] @param {string} [text] @returns {HTMLElement} */
    var el = function (tag, cls, text) {
      var node = d.createElement(tag);
      if (cls) node.className = cls;
      if (text != null) node.textContent = text;
      return node;
    };
    /** @returns {string} a client id for a message (`cid`) */
    var randomId = function () {
      var value = "";
      for (var i = 0; i < 22; i++) value += "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"[Math.random() * 62 | 0];
      return value;
    };
    /** @param {number} at @returns {string} */
    var clock = function (at) {
      try { return new Date(at).toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" }); } catch (e) { return ""; }
    };
    var store = function (key, value) {
      try { if (value == null) return sessionStorage.getItem(key); sessionStorage.setItem(key, value); } catch (e) {}
    };

    // The panel: a non-modal dialog with the conversation, an error line and the form.
    var host = el("div"), root = host.attachShadow({ mode: "open" });
    var style = el("style", "", CSS);
    var panel = el("section", "panel");
    panel.setAttribute("role", "dialog");
    panel.setAttribute("aria-label", "Chat");
    var head = el("div", "head"), title = el("h2", "", "Chat with us"), close = el("button", "close", "×");
    close.type = "button";
    close.setAttribute("aria-label", "Close chat");
    head.append(title, close);
    var log = el("ol", "log");
    log.setAttribute("role", "log");
    log.setAttribute("aria-label", "Conversation");
    log.setAttribute("aria-live", "polite");
    var error = el("p", "error");
    error.setAttribute("role", "alert");
    var form = el("form"), field = el("textarea"), sendButton = el("button", "send", "Send");
    field.setAttribute("aria-label", "Type your message");
    field.placeholder = "Type your message…";
    field.maxLength = MAX_CHARACTERS;
    field.rows = 2;
    sendButton.type = "submit";
    form.append(field, sendButton);
    panel.append(head, log, error, form);
    root.append(style, panel);
    d.body.appendChild(host);
    chat.panel = panel;

    var launcher = chat.button, badge = el("span", "badge");
    badge.setAttribute("aria-hidden", "true");
    badge.hidden = true;
    if (launcher) {
      launcher.setAttribute("aria-expanded", "false");
      launcher.appendChild(badge);
    }

    /** Rendered messages by id, pending ones by cid, and the conversation state. */
    var shown = {}, pending = {}, ended = false, chatId = null, gotUpTo = 0, seenUpTo = 0, unseen = 0;

    /** @param {HTMLElement} row @param {string} state */
    var mark = function (row, state) {
      var marks = MARKS[state] || MARKS.sent, node = row.querySelector(".mark");
      if (!node) return;
      node.textContent = marks[0];
      node.className = "mark " + state;
      node.setAttribute("aria-label", marks[1]);
      node.title = marks[1];
    };
    /** @param {boolean} mine @param {string} text @param {number} at @returns {HTMLElement} */
    var row = function (mine, text, at) {
      var item = el("li", mine ? "me" : "them"), meta = el("span", "meta", (mine ? "You" : "Agent") + " · " + clock(at));
      item.append(el("div", "bubble", text), meta);
      if (mine) {
        var node = el("span", "mark");
        node.setAttribute("role", "img");
        meta.appendChild(node);
      }
      return item;
    };
    var scroll = function () { log.scrollTop = log.scrollHeight; };

    /** Shows a stored message once (by id), or updates its state. @param {any} message */
    var upsert = function (message) {
      if (!message || typeof message.id != "number") return;
      if (message.chat) chatId = message.chat;
      var existing = shown[message.id];
      if (existing) {
        if (message.from == "visitor") mark(existing, message.state);
        return existing;
      }
      var item = row(message.from == "visitor", String(message.text), message.at);
      item.dataset.id = message.id;
      if (message.from == "visitor") mark(item, message.state);
      // Keep id order even when a late reply overtakes a newer one.
      var next = null;
      for (var key in shown) if (+key > message.id && (!next || +key < +next.dataset.id)) next = shown[key];
      log.insertBefore(item, next);
      shown[message.id] = item;
      return item;
    };

    var isOpen = function () { return !panel.hidden; };
    var visible = function () { return isOpen() && d.visibilityState != "hidden"; };

    /** Delivery and read receipts for the agent's messages. */
    var receipts = function () {
      var last = 0;
      for (var key in shown) if (shown[key].className == "them" && +key > last) last = +key;
      if (last > gotUpTo) { gotUpTo = last; chat.send({ t: "got", id: last }); }
      if (last > seenUpTo && visible()) { seenUpTo = last; chat.send({ t: "seen", id: last }); }
      unseen = 0;
      for (key in shown) if (shown[key].className == "them" && +key > seenUpTo) unseen++;
      badge.textContent = unseen;
      badge.hidden = !unseen || isOpen();
    };

    var notice = function (text) {
      var item = el("li", "note", text);
      log.appendChild(item);
      scroll();
    };
    var fail = function (reason) { error.textContent = REASONS[reason] || REASONS["try again"]; };

    /** Starts afresh after the chat ended: the next message opens a new chat. */
    var restart = function () {
      ended = false;
      chatId = null;
      shown = {};
      gotUpTo = seenUpTo = 0;
      log.textContent = "";
      for (var cid in pending) log.appendChild(pending[cid].item);
    };

    var say = function (cid) {
      chat.send({ t: "say", cid: cid, text: pending[cid].text });
    };
    var submit = function () {
      var text = field.value;
      if (!text.trim()) return fail("empty");
      if (text.length > MAX_CHARACTERS || new TextEncoder().encode(JSON.stringify(text)).length > MAX_FRAME_BYTES) return fail("too long");
      error.textContent = "";
      if (ended) restart();
      var cid = randomId(), item = row(true, text, Date.now());
      mark(item, "sending");
      pending[cid] = { text: text, item: item };
      log.appendChild(item);
      field.value = "";
      scroll();
      say(cid);
    };

    /** Every message the server sends on the tab's socket. @param {any} m */
    var receive = function (m) {
      var entry;
      switch (m && m.t) {
        case "off":
          // Tracking is off for the site: nothing can be sent until it is back on.
          error.textContent = OFF;
          break;
        case "ok":
          // (Re)connected: fetch what we missed, then resend what was never acknowledged
          // (the server keeps one message per cid, so a resend cannot duplicate).
          if (error.textContent == OFF) error.textContent = "";
          chat.send({ t: "history" });
          for (var cid in pending) say(cid);
          break;
        case "history":
          if (!m.chat) {
            if (chatId && !ended) { ended = true; notice("This chat has ended"); }
            break;
          }
          if (chatId && m.chat != chatId) restart();
          chatId = m.chat;
          (m.messages || []).forEach(upsert);
          scroll();
          receipts();
          break;
        case "said":
          entry = pending[m.cid];
          if (!entry) { upsert(m.message); break; }
          delete pending[m.cid];
          if (m.message && shown[m.message.id]) entry.item.remove();
          else if (m.message) {
            entry.item.dataset.id = m.message.id;
            shown[m.message.id] = entry.item;
            mark(entry.item, m.message.state);
            if (m.message.chat) chatId = m.message.chat;
          }
          break;
        case "refused":
          entry = pending[m.cid];
          if (entry) {
            delete pending[m.cid];
            entry.item.remove();
            if (!field.value) field.value = entry.text;
          }
          fail(m.reason);
          break;
        case "message":
          if (ended && m.message && m.message.chat != chatId) restart();
          upsert(m.message);
          scroll();
          receipts();
          break;
        case "receipt":
          if (shown[m.id]) mark(shown[m.id], m.state);
          // A receipt covers every earlier message of the visitor too.
          for (var key in shown) if (+key < m.id && shown[key].className == "me" && m.state == "read") mark(shown[key], "read");
          break;
        case "archived":
          ended = true;
          notice("This chat has ended");
          break;
      }
    };

    var open = function (focus) {
      panel.hidden = false;
      store(OPEN_KEY, "1");
      if (launcher) launcher.setAttribute("aria-expanded", "true");
      scroll();
      receipts();
      if (focus) field.focus();
    };
    var shut = function () {
      panel.hidden = true;
      store(OPEN_KEY, "0");
      if (launcher) { launcher.setAttribute("aria-expanded", "false"); launcher.focus(); }
      receipts();
    };

    chat.on = safe(receive);
    close.addEventListener("click", safe(shut));
    form.addEventListener("submit", safe(function (event) { event.preventDefault(); submit(); field.focus(); }));
    field.addEventListener("keydown", safe(function (event) {
      if (event.key == "Enter" && !event.shiftKey && !event.isComposing) { event.preventDefault(); submit(); }
    }));
    field.addEventListener("input", safe(function () { if (error.textContent) error.textContent = ""; }));
    panel.addEventListener("keydown", safe(function (event) {
      if (event.key == "Escape") { event.stopPropagation(); shut(); }
    }));
    if (launcher) launcher.addEventListener("click", safe(function () { if (isOpen()) shut(); else open(true); }));
    d.addEventListener("visibilitychange", safe(receipts));

    // Opened from the launcher: focus the field. After a navigation the panel comes
    // back as the visitor left it, without taking focus from the page.
    var was = store(OPEN_KEY);
    if (was == "0") panel.hidden = true;
    else open(!was);
    chat.send({ t: "history" });
  } catch (e) {}
})(window, document);
