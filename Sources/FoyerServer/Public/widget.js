// Foyer chat widget: loaded by foyer.js when the visitor opens the launcher (or on
// every page of a tab that already chats). It talks through the tab's tracker socket
// via window.FoyerChat (docs/PROTOCOL.md section 3), draws its panel in its own
// shadow root, sets every message with textContent, never throws into the page and
// never logs. Same dialect as foyer.js (const/let, arrow functions, window/document by
// name). Served minified (ScriptMinifier): no nested template literals, and comments
// stay on lines of their own (test_widget_script_is_served compares the two).
(() => {
  try {
    const chat = window.FoyerChat;
    if (!chat || chat.panel) return;
    const MAX_CHARACTERS = 4000, MAX_FRAME_BYTES = 15000, OPEN_KEY = "foyer.chat.open";
    const REASONS = {
      "too long": "Your message is too long: at most 4,000 characters.",
      "too fast": "You are sending messages too fast. Wait a moment and send again.",
      "empty": "Type a message first.",
      "try again": "Your message could not be sent. Please try again."
    };
    const OFF = "Chat is not available right now. Please try again later.";
    const MARKS = { sending: ["…", "Sending"], sent: ["✓", "Sent"], delivered: ["✓✓", "Delivered"], read: ["✓✓", "Read"] };
    const CSS = [
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
      ".badge{margin-left:8px;padding:0 6px;border-radius:9px;background:#cf222e;color:#fff;font-size:12px}",
      ".invite{position:fixed;right:20px;bottom:76px;z-index:2147483647;width:320px;max-width:calc(100vw - 40px);background:#fff;color:#1f2328;border-radius:12px;box-shadow:0 8px 30px #0005;font:14px/1.4 system-ui,sans-serif;padding:14px}",
      ".invite[hidden]{display:none}",
      ".invite .bubble{max-width:none;margin:0 0 4px}",
      ".invite form{padding:10px 0 0;border:0}",
      ".dismiss{border:1px solid #d0d7de;border-radius:8px;padding:0 10px;background:#fff;color:#1f2328}"
    ].join("");

    /**
     * Runs `fn` without ever letting an error reach the host page. (A function, not an
     * arrow, so `this` and `arguments` reach `fn`.) @param {Function} fn
     */
    const safe = (fn) => {
      return function () { try { return fn.apply(this, arguments); } catch {} };
    };
    /** @param {string} tag @param {string} [cls] @param {string} [text] @returns {HTMLElement} */
    const el = (tag, cls, text) => {
      const node = document.createElement(tag);
      if (cls) node.className = cls;
      if (text != null) node.textContent = text;
      return node;
    };
    /** @returns {string} a client id for a message (`cid`) */
    const randomId = () => {
      let value = "";
      for (let i = 0; i < 22; i++) value += "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"[Math.random() * 62 | 0];
      return value;
    };
    /** @param {number} at @returns {string} */
    const clock = (at) => {
      try { return new Date(at).toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" }); } catch { return ""; }
    };
    const store = (key, value) => {
      try { if (value == null) return sessionStorage.getItem(key); sessionStorage.setItem(key, value); } catch {}
    };

    // The panel: a non-modal dialog with the conversation, an error line and the form.
    const host = el("div"), root = host.attachShadow({ mode: "open" });
    const style = el("style", "", CSS);
    const panel = el("section", "panel");
    panel.setAttribute("role", "dialog");
    panel.setAttribute("aria-label", "Chat");
    const head = el("div", "head"), title = el("h2", "", "Chat with us"), close = el("button", "close", "×");
    close.type = "button";
    close.setAttribute("aria-label", "Close chat");
    head.append(title, close);
    const log = el("ol", "log");
    log.setAttribute("role", "log");
    log.setAttribute("aria-label", "Conversation");
    log.setAttribute("aria-live", "polite");
    const error = el("p", "error");
    error.setAttribute("role", "alert");
    const form = el("form"), field = el("textarea"), sendButton = el("button", "send", "Send");
    field.setAttribute("aria-label", "Type your message");
    field.placeholder = "Type your message…";
    field.maxLength = MAX_CHARACTERS;
    field.rows = 2;
    sendButton.type = "submit";
    form.append(field, sendButton);
    panel.append(head, log, error, form);
    // The invitation (SPEC section 10): the agent's message and name, a reply field,
    // Send and Dismiss; a reply is an ordinary chat message (the server starts the chat
    // with the invitation's message first).
    const invite = el("section", "invite"), inviteText = el("p", "bubble"), inviteFrom = el("p", "meta");
    invite.setAttribute("role", "region");
    invite.setAttribute("aria-label", "Chat invitation");
    invite.hidden = true;
    const inviteForm = el("form"), inviteField = el("textarea"), inviteSend = el("button", "send", "Send"), dismiss = el("button", "dismiss", "Dismiss");
    inviteField.setAttribute("aria-label", "Type your message");
    inviteField.placeholder = "Type your message…";
    inviteField.maxLength = MAX_CHARACTERS;
    inviteField.rows = 2;
    inviteSend.type = "submit";
    dismiss.type = "button";
    inviteForm.append(inviteField, inviteSend, dismiss);
    invite.append(inviteText, inviteFrom, inviteForm);
    root.append(style, panel, invite);
    document.body.appendChild(host);
    chat.panel = panel;

    const launcher = chat.button, badge = el("span", "badge");
    badge.setAttribute("aria-hidden", "true");
    badge.hidden = true;
    if (launcher) {
      launcher.setAttribute("aria-expanded", "false");
      launcher.appendChild(badge);
    }

    /** Rendered messages by id, pending ones by cid, and the conversation state. */
    let shown = {}, pending = {}, ended = false, chatId = null, gotUpTo = 0, seenUpTo = 0, unseen = 0;

    /** @param {HTMLElement} row @param {string} state */
    const mark = (row, state) => {
      const marks = MARKS[state] || MARKS.sent, node = row.querySelector(".mark");
      if (!node) return;
      node.textContent = marks[0];
      node.className = "mark " + state;
      node.setAttribute("aria-label", marks[1]);
      node.title = marks[1];
    };
    /** @param {boolean} mine @param {string} text @param {number} at @returns {HTMLElement} */
    const row = (mine, text, at) => {
      const item = el("li", mine ? "me" : "them"), meta = el("span", "meta", (mine ? "You" : "Agent") + " · " + clock(at));
      item.append(el("div", "bubble", text), meta);
      if (mine) {
        const node = el("span", "mark");
        node.setAttribute("role", "img");
        meta.appendChild(node);
      }
      return item;
    };
    const scroll = () => { log.scrollTop = log.scrollHeight; };

    /** Shows a stored message once (by id), or updates its state. @param {any} message */
    const upsert = (message) => {
      if (!message || typeof message.id != "number") return;
      if (message.chat) chatId = message.chat;
      const existing = shown[message.id];
      if (existing) {
        if (message.from == "visitor") mark(existing, message.state);
        return existing;
      }
      const item = row(message.from == "visitor", String(message.text), message.at);
      item.dataset.id = message.id;
      if (message.from == "visitor") mark(item, message.state);
      // Keep id order even when a late reply overtakes a newer one.
      let next = null;
      for (const key in shown) if (+key > message.id && (!next || +key < +next.dataset.id)) next = shown[key];
      // Stored messages go before the visitor's not yet acknowledged ones (an
      // invitation's message arrives as the reply that started the chat is stored).
      log.insertBefore(item, next || log.querySelector("li.me:not([data-id])"));
      shown[message.id] = item;
      return item;
    };

    const isOpen = () => { return !panel.hidden; };
    const visible = () => { return isOpen() && document.visibilityState != "hidden"; };

    /** Delivery and read receipts for the agent's messages. */
    const receipts = () => {
      let last = 0;
      for (const key in shown) if (shown[key].className == "them" && +key > last) last = +key;
      if (last > gotUpTo) { gotUpTo = last; chat.send({ t: "got", id: last }); }
      if (last > seenUpTo && visible()) { seenUpTo = last; chat.send({ t: "seen", id: last }); }
      unseen = 0;
      for (const key in shown) if (shown[key].className == "them" && +key > seenUpTo) unseen++;
      badge.textContent = unseen;
      badge.hidden = !unseen || isOpen();
    };

    const notice = (text) => {
      const item = el("li", "note", text);
      log.appendChild(item);
      scroll();
    };
    const fail = (reason) => { error.textContent = REASONS[reason] || REASONS["try again"]; };

    /** Starts afresh after the chat ended: the next message opens a new chat. */
    const restart = () => {
      ended = false;
      chatId = null;
      shown = {};
      gotUpTo = seenUpTo = 0;
      log.textContent = "";
      for (const cid in pending) log.appendChild(pending[cid].item);
    };

    const say = (cid) => {
      chat.send({ t: "say", cid: cid, text: pending[cid].text });
    };
    const submit = () => {
      const text = field.value;
      if (!text.trim()) return fail("empty");
      if (text.length > MAX_CHARACTERS || new TextEncoder().encode(JSON.stringify(text)).length > MAX_FRAME_BYTES) return fail("too long");
      error.textContent = "";
      if (ended) restart();
      const cid = randomId(), item = row(true, text, Date.now());
      mark(item, "sending");
      pending[cid] = { text: text, item: item };
      log.appendChild(item);
      field.value = "";
      scroll();
      say(cid);
    };

    /** The pending invitation shown, if any. */
    let invited = null;
    /** Shows an invitation (again after a navigation) and reports it seen. @param {any} inv */
    const showInvite = (inv) => {
      if (!inv || typeof inv.id != "string") return;
      invited = inv;
      inviteText.textContent = String(inv.message);
      inviteFrom.textContent = String(inv.agent);
      invite.hidden = false;
      chat.send({ t: "invite-seen", inv: inv.id });
    };
    const hideInvite = () => {
      invited = null;
      invite.hidden = true;
    };
    /** The visitor answers: the reply goes as a chat message, in the opened panel. */
    const answer = () => {
      if (!inviteField.value.trim()) return;
      field.value = inviteField.value;
      inviteField.value = "";
      hideInvite();
      open(true);
      submit();
    };

    /** Every frame the server sends on the tab's socket. @param {any} frame */
    const receive = (frame) => {
      let entry;
      switch (frame && frame.t) {
        case "invite":
          if (!invited || invited.id != (frame.inv && frame.inv.id)) showInvite(frame.inv);
          break;
        case "invite-end":
          if (invited && invited.id == frame.id) hideInvite();
          break;
        case "off":
          // Tracking is off for the site: nothing can be sent until it is back on.
          error.textContent = OFF;
          break;
        case "ok":
          // (Re)connected: fetch what we missed, then resend what was never acknowledged
          // (the server keeps one message per cid, so a resend cannot duplicate).
          if (error.textContent == OFF) error.textContent = "";
          chat.send({ t: "history" });
          for (const cid in pending) say(cid);
          break;
        case "history":
          if (!frame.chat) {
            if (chatId && !ended) { ended = true; notice("This chat has ended"); }
            break;
          }
          if (chatId && frame.chat != chatId) restart();
          chatId = frame.chat;
          (frame.messages || []).forEach(upsert);
          scroll();
          receipts();
          break;
        case "said":
          entry = pending[frame.cid];
          if (!entry) { upsert(frame.message); break; }
          delete pending[frame.cid];
          if (frame.message && shown[frame.message.id]) entry.item.remove();
          else if (frame.message) {
            entry.item.dataset.id = frame.message.id;
            shown[frame.message.id] = entry.item;
            mark(entry.item, frame.message.state);
            if (frame.message.chat) chatId = frame.message.chat;
          }
          break;
        case "refused":
          entry = pending[frame.cid];
          if (entry) {
            delete pending[frame.cid];
            entry.item.remove();
            if (!field.value) field.value = entry.text;
          }
          fail(frame.reason);
          break;
        case "message":
          if (ended && frame.message && frame.message.chat != chatId) restart();
          upsert(frame.message);
          scroll();
          receipts();
          break;
        case "receipt":
          if (shown[frame.id]) mark(shown[frame.id], frame.state);
          // A receipt covers every earlier message of the visitor too.
          for (const key in shown) if (+key < frame.id && shown[key].className == "me" && frame.state == "read") mark(shown[key], "read");
          break;
        case "archived":
          ended = true;
          notice("This chat has ended");
          break;
      }
    };

    const open = (focus) => {
      panel.hidden = false;
      store(OPEN_KEY, "1");
      if (launcher) launcher.setAttribute("aria-expanded", "true");
      scroll();
      receipts();
      if (focus) field.focus();
    };
    const shut = () => {
      panel.hidden = true;
      store(OPEN_KEY, "0");
      if (launcher) { launcher.setAttribute("aria-expanded", "false"); launcher.focus(); }
      receipts();
    };

    chat.on = safe(receive);
    close.addEventListener("click", safe(shut));
    form.addEventListener("submit", safe((event) => { event.preventDefault(); submit(); field.focus(); }));
    field.addEventListener("keydown", safe((event) => {
      if (event.key == "Enter" && !event.shiftKey && !event.isComposing) { event.preventDefault(); submit(); }
    }));
    field.addEventListener("input", safe(() => { if (error.textContent) error.textContent = ""; }));
    panel.addEventListener("keydown", safe((event) => {
      if (event.key == "Escape") { event.stopPropagation(); shut(); }
    }));
    if (launcher) launcher.addEventListener("click", safe(() => { if (isOpen()) shut(); else { hideInvite(); open(true); } }));
    inviteForm.addEventListener("submit", safe((event) => { event.preventDefault(); answer(); }));
    inviteField.addEventListener("keydown", safe((event) => {
      if (event.key == "Enter" && !event.shiftKey && !event.isComposing) { event.preventDefault(); answer(); }
    }));
    dismiss.addEventListener("click", safe(() => {
      if (invited) chat.send({ t: "invite-dismiss", inv: invited.id });
      hideInvite();
    }));
    document.addEventListener("visibilitychange", safe(receipts));

    // Opened from the launcher: focus the field. After a navigation the panel comes
    // back as the visitor left it, without taking focus from the page.
    // Loaded for an invitation (foyer.js sets FoyerChat.invite): the invitation shows, the panel waits.
    const was = store(OPEN_KEY);
    if (was == "0" || (chat.invite && !was)) panel.hidden = true;
    else open(!was);
    if (chat.invite) showInvite(chat.invite);
    chat.send({ t: "history" });
  } catch {}
})();
