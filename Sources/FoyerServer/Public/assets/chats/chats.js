// @ts-check
/**
 * The agents' chat view (/chats and /chats/<id>): active chats on the left, the chosen
 * conversation on the right. Live data comes from the dashboard feed (docs/PROTOCOL.md
 * sections 2 and 3); actions go through the JSON API. Visitor text only ever goes
 * through textContent.
 */
import { api, sentence } from '../settings/api.js';
import { FeedClient } from '../visitors/feed.js';
import { ChatAlerts, enableButton } from './alerts.js';

/** @typedef {import('./alerts.js').ChatMessage} ChatMessage */
/** @typedef {import('./alerts.js').ChatSummary} ChatSummary */
/**
 * @typedef {object} Entry
 * @property {string} id
 * @property {string} name
 * @property {'online' | 'chatting' | 'offline'} status
 * @property {number | null} leftAt
 * @property {string} url
 * @property {string} title
 * @property {{country?: string, city?: string} | null} location
 * @property {string | null} chatId
 */

/** A visitor counts as gone once their entry has been Offline this long. */
const GONE_AFTER_MS = 2 * 60_000;
/** Waiting times and gone visitors are re-evaluated this often. */
const TICK_MS = 1_000;
/** The reply field shows its length once it gets this close to the limit. */
const MAX_CHARACTERS = 4000;
const COUNT_FROM_CHARACTERS = 3500;
/** @type {Record<string, number>} */
const STATE_RANK = { sent: 0, delivered: 1, read: 2 };
/** @type {Record<string, [string, string]>} */
const MARKS = { sending: ['…', 'Sending'], sent: ['✓', 'Sent'], delivered: ['✓✓', 'Delivered'], read: ['✓✓', 'Read'] };

const $ = (/** @type {string} */ id) => /** @type {HTMLElement} */ (document.getElementById(id));
const list = $('chat-list');
const conversation = $('conversation');
const placeholder = $('placeholder');
const messagesList = $('messages');
const reply = /** @type {HTMLTextAreaElement} */ ($('reply'));
const sendButton = /** @type {HTMLButtonElement} */ ($('send'));
const archiveButton = /** @type {HTMLButtonElement} */ ($('archive'));
const errorLine = $('conversation-error');
const note = $('conversation-note');

/** @type {Map<string, ChatSummary>} */
const chats = new Map();
/** @type {Map<string, Entry>} */
const entries = new Map();
/** List rows by chat id. @type {Map<string, HTMLLIElement>} */
const rows = new Map();
/** The selected conversation's messages by id. @type {Map<number, {message: ChatMessage, item: HTMLLIElement}>} */
let shown = new Map();
/** @type {string | null} */
let selected = null;
/** Whether the selected chat can still be answered (false once archived or not found). */
let active = false;
/** Highest visitor message id this page already reported as read, per chat. @type {Map<string, number>} */
const readSent = new Map();
/** Server time minus local time, from the snapshot. */
let clockOffset = 0;
/** Bumped on each selection so a slow response for an older one is dropped. */
let loadToken = 0;
let live = false;

const alerts = new ChatAlerts({
  onCount: (count) => { document.title = count > 0 ? `(${count}) Chats · Foyer` : 'Chats · Foyer'; },
});
enableButton(/** @type {HTMLButtonElement} */ ($('notify')), $('notify-status'));

const serverNow = () => Date.now() + clockOffset;

/**
 * @template {keyof HTMLElementTagNameMap} K
 * @param {K} tag @param {string} [className] @param {string} [text]
 * @returns {HTMLElementTagNameMap[K]}
 */
function el(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}

/** @param {Element} node @param {string} text */
function setText(node, text) {
  if (node.textContent !== text) node.textContent = text;
}

/** @param {number} ms @returns {string} */
function duration(ms) {
  const seconds = Math.max(0, Math.floor(ms / 1000));
  if (seconds < 60) return `${seconds} s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes} min`;
  return `${Math.floor(minutes / 60)} h ${minutes % 60} min`;
}

/** @param {number} at @returns {string} */
function clock(at) {
  const date = new Date(at);
  const time = date.toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' });
  return date.toDateString() === new Date().toDateString() ? time : `${date.toLocaleDateString()} ${time}`;
}

/** @param {ChatSummary} chat @returns {Entry | undefined} */
function entryOf(chat) {
  const entry = entries.get(chat.entryId);
  if (entry) return entry;
  for (const candidate of entries.values()) if (candidate.chatId === chat.id) return candidate;
  return undefined;
}

/** The visitor is gone once their entry has been Offline for 2 minutes (or is no more). @param {Entry | undefined} entry */
function isGone(entry) {
  if (!live) return false;
  if (!entry) return true;
  return entry.status === 'offline' && entry.leftAt != null && serverNow() - entry.leftAt >= GONE_AFTER_MS;
}

/** @param {Entry | undefined} entry @returns {string} */
function place(entry) {
  const location = entry?.location;
  if (!location) return 'Location unknown';
  return [location.city, location.country].filter(Boolean).join(', ') || 'Location unknown';
}

/** @param {Entry | undefined} entry @returns {string} */
function page(entry) {
  if (!entry) return '';
  return entry.title ? `${entry.title} — ${entry.url}` : entry.url;
}

/** @param {ChatSummary} chat @returns {string} */
function nameOf(chat) {
  return entryOf(chat)?.name ?? chat.visitor;
}

// MARK: The list of chats

/** Unanswered chats first (longest waiting on top), then the most recently active. */
function ordered() {
  return [...chats.values()].sort((a, b) => {
    if ((a.waitingSince == null) !== (b.waitingSince == null)) return a.waitingSince == null ? 1 : -1;
    if (a.waitingSince != null && b.waitingSince != null && a.waitingSince !== b.waitingSince) return a.waitingSince - b.waitingSince;
    return (b.lastMessage?.at ?? b.startedAt) - (a.lastMessage?.at ?? a.startedAt);
  });
}

/** @param {string} id @returns {HTMLLIElement} */
function makeRow(id) {
  const item = el('li');
  const link = el('a', 'chat-link');
  link.href = `/chats/${encodeURIComponent(id)}`;
  const name = el('span', 'chat-name');
  name.append(el('span', 'name-text'), el('span', 'gone'));
  const side = el('span', 'chat-side');
  const unread = el('span', 'chat-unread');
  unread.append(el('span', 'unread-count'), el('span', 'visually-hidden', ' unread'));
  side.append(el('span', 'chat-wait'), unread);
  link.append(name, side, el('span', 'chat-place'), el('span', 'chat-page'), el('span', 'chat-last'));
  link.addEventListener('click', (event) => {
    if (event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
    event.preventDefault();
    select(id, { push: true, focus: true });
  });
  item.append(link);
  return item;
}

/** @param {HTMLLIElement} item @param {ChatSummary} chat */
function fillRow(item, chat) {
  const entry = entryOf(chat);
  const q = (/** @type {string} */ selector) => /** @type {HTMLElement} */ (item.querySelector(selector));
  const link = /** @type {HTMLAnchorElement} */ (q('.chat-link'));
  if (chat.id === selected) link.setAttribute('aria-current', 'page');
  else link.removeAttribute('aria-current');
  setText(q('.name-text'), nameOf(chat));
  setText(q('.gone'), isGone(entry) ? 'left the site' : '');
  const wait = q('.chat-wait');
  setText(wait, chat.waitingSince != null ? `Waiting ${duration(serverNow() - chat.waitingSince)}` : '');
  const unreadCount = chat.id === selected && document.visibilityState === 'visible' ? 0 : chat.unread;
  setText(q('.unread-count'), String(unreadCount));
  q('.chat-unread').hidden = unreadCount === 0;
  setText(q('.chat-place'), place(entry));
  setText(q('.chat-page'), entry ? page(entry) : '');
  const last = chat.lastMessage;
  setText(q('.chat-last'), last ? `${last.from === 'agent' ? 'You: ' : ''}${last.text}` : '');
}

function renderList() {
  const order = ordered();
  for (const [id, item] of rows) {
    if (!chats.has(id)) {
      item.remove();
      rows.delete(id);
    }
  }
  order.forEach((chat, index) => {
    let item = rows.get(chat.id);
    if (!item) {
      item = makeRow(chat.id);
      rows.set(chat.id, item);
    }
    fillRow(item, chat);
    // Move only rows out of place, so a focused row keeps its focus.
    if (list.children[index] !== item) list.insertBefore(item, list.children[index] ?? null);
  });
  $('list-empty').hidden = !live || chats.size > 0;
}

// MARK: The conversation

/** @param {HTMLElement} node @param {string} state */
function mark(node, state) {
  const [symbol, label] = MARKS[state] ?? MARKS.sent;
  setText(node, symbol);
  node.className = `mark ${state}`;
  node.setAttribute('aria-label', label);
  node.title = label;
}

/** Shows a message once (by id) or moves its state forward. @param {ChatMessage} message */
function upsert(message) {
  if (message.chat !== selected) return;
  const known = shown.get(message.id);
  if (known) {
    if ((STATE_RANK[message.state] ?? 0) > (STATE_RANK[known.message.state] ?? 0)) {
      known.message = message;
      const node = known.item.querySelector('.mark');
      if (node) mark(/** @type {HTMLElement} */ (node), message.state);
    }
    return;
  }
  const mine = message.from === 'agent';
  const item = el('li', mine ? 'mine' : 'theirs');
  item.dataset.id = String(message.id);
  const chat = chats.get(message.chat);
  const meta = el('span', 'meta', `${mine ? 'Agent' : chat ? nameOf(chat) : 'Visitor'} · ${clock(message.at)}`);
  item.append(el('div', 'bubble', message.text), meta);
  if (mine) {
    const node = el('span', 'mark');
    node.setAttribute('role', 'img');
    mark(node, message.state);
    meta.append(node);
  }
  const atBottom = messagesList.scrollHeight - messagesList.scrollTop - messagesList.clientHeight < 40;
  // Keep id order even when a message overtakes an older one on the wire.
  let before = null;
  for (const [id, other] of shown) if (id > message.id && (!before || id < Number(before.dataset.id))) before = other.item;
  messagesList.insertBefore(item, before);
  shown.set(message.id, { message, item });
  if (atBottom || mine) messagesList.scrollTop = messagesList.scrollHeight;
}

/** Marks the visitor's messages read while the agent can see them. */
async function markRead() {
  const chatId = selected;
  if (!chatId || !active || document.visibilityState !== 'visible') return;
  let upTo = 0;
  for (const { message } of shown.values()) if (message.from === 'visitor' && message.state !== 'read' && message.id > upTo) upTo = message.id;
  if (upTo <= (readSent.get(chatId) ?? 0)) return;
  readSent.set(chatId, upTo);
  try {
    await api('POST', `/api/chats/${encodeURIComponent(chatId)}/read`, { upTo });
  } catch {
    readSent.delete(chatId);
  }
}

function renderHeader() {
  const chat = selected ? chats.get(selected) : undefined;
  if (!chat) return;
  const entry = entryOf(chat);
  setText($('conversation-title'), nameOf(chat));
  // A page change or a short drop is not leaving: only 2 minutes Offline is.
  const status = isGone(entry) ? 'Left the site' : 'On the site';
  setText($('conversation-info'), [place(entry), entry ? page(entry) : '', status].filter(Boolean).join(' · '));
}

/** @param {boolean} open */
function setActive(open) {
  active = open;
  reply.disabled = !open;
  sendButton.disabled = !open;
  archiveButton.disabled = !open;
}

/**
 * Shows a conversation (or none) and makes the URL follow.
 * @param {string | null} id
 * @param {{push?: boolean, focus?: boolean}} [options]
 */
async function select(id, { push = false, focus = false } = {}) {
  if (push) history.pushState({ chat: id }, '', id ? `/chats/${encodeURIComponent(id)}` : '/chats');
  const token = ++loadToken;
  const changed = id !== selected;
  selected = id;
  alerts.watch(id);
  renderList();
  conversation.hidden = !id;
  placeholder.hidden = Boolean(id);
  if (!id) return;
  if (changed) {
    shown = new Map();
    messagesList.replaceChildren();
    setText(errorLine, '');
    setText(note, '');
    reply.value = '';
    updateCount();
    const known = chats.get(id);
    setText($('conversation-title'), known ? nameOf(known) : 'Chat');
    setText($('conversation-info'), '');
  }
  setActive(true);
  if (focus) reply.focus();
  try {
    const data = await api('GET', `/api/chats/${encodeURIComponent(id)}/messages`);
    if (token !== loadToken) return;
    if (!chats.has(id) || live === false) chats.set(id, data.chat);
    for (const message of data.messages) upsert(message);
    messagesList.scrollTop = messagesList.scrollHeight;
    renderHeader();
    renderList();
    markRead();
  } catch (error) {
    if (token !== loadToken) return;
    setActive(false);
    setText(note, /\bno such active chat\b/i.test(/** @type {Error} */ (error).message)
      ? 'This chat has ended or does not exist.'
      : /** @type {Error} */ (error).message);
  }
}

function updateCount() {
  const length = reply.value.length;
  setText($('reply-count'), length >= COUNT_FROM_CHARACTERS ? `${length} / ${MAX_CHARACTERS} characters` : '');
}

$('reply-form').addEventListener('submit', async (event) => {
  event.preventDefault();
  const chatId = selected;
  const text = reply.value;
  if (!chatId || !active) return;
  if (!text.trim()) {
    setText(errorLine, 'Type a reply first.');
    return;
  }
  sendButton.disabled = true;
  setText(errorLine, '');
  try {
    const data = await api('POST', `/api/chats/${encodeURIComponent(chatId)}/messages`, { text });
    if (selected === chatId) {
      if (reply.value === text) reply.value = '';
      updateCount();
      upsert(data.message);
    }
  } catch (error) {
    if (selected === chatId) setText(errorLine, /** @type {Error} */ (error).message);
  } finally {
    sendButton.disabled = !active;
    if (selected === chatId) reply.focus();
  }
});

reply.addEventListener('keydown', (event) => {
  if (event.key === 'Enter' && !event.shiftKey && !event.isComposing) {
    event.preventDefault();
    /** @type {HTMLFormElement} */ ($('reply-form')).requestSubmit();
  }
});
reply.addEventListener('input', () => {
  updateCount();
  if (errorLine.textContent) setText(errorLine, '');
});

archiveButton.addEventListener('click', async () => {
  const chatId = selected;
  if (!chatId) return;
  archiveButton.disabled = true;
  try {
    await api('POST', `/api/chats/${encodeURIComponent(chatId)}/archive`, {});
    archived(chatId);
  } catch (error) {
    setText(errorLine, /** @type {Error} */ (error).message);
    archiveButton.disabled = !active;
  }
});

/** A chat left the list (archived here or by a teammate). @param {string} chatId */
function archived(chatId) {
  const wasSelected = selected === chatId;
  const hadFocus = wasSelected && conversation.contains(document.activeElement);
  chats.delete(chatId);
  if (wasSelected) {
    select(null, { push: true });
    setText($('placeholder-text'), 'The chat was archived. Select another chat on the left.');
    if (hadFocus) (/** @type {HTMLElement | null} */ (list.querySelector('.chat-link')) ?? $('chats-heading')).focus();
  } else {
    renderList();
  }
}
$('chats-heading').tabIndex = -1;

// MARK: The feed

/** @param {any} message */
function onFeed(message) {
  alerts.apply(message);
  switch (message.type) {
    case 'snapshot':
      live = true;
      clockOffset = (message.now ?? Date.now()) - Date.now();
      entries.clear();
      for (const entry of message.entries) entries.set(entry.id, entry);
      chats.clear();
      for (const chat of message.chats ?? []) chats.set(chat.id, chat);
      if (selected && !chats.has(selected) && active) {
        setActive(false);
        setText(note, 'This chat was archived.');
      }
      // Catch up on what arrived while disconnected.
      if (selected && chats.has(selected)) select(selected);
      break;
    case 'added':
      entries.set(message.entry.id, message.entry);
      break;
    case 'changed': {
      // Only the fields that changed come (docs/PROTOCOL.md section 2); no history is read here.
      const held = entries.get(message.id);
      if (held && message.set && typeof message.set === 'object') entries.set(message.id, { ...held, ...message.set });
      break;
    }
    case 'removed':
      entries.delete(message.id);
      break;
    case 'chat':
      chats.set(message.chat.id, message.chat);
      if (message.chat.id === selected && !active) {
        setActive(true);
        setText(note, '');
      }
      break;
    case 'message':
      upsert(message.message);
      if (message.message.chat === selected && message.message.from === 'visitor') markRead();
      return renderList();
    case 'chatArchived':
      archived(message.id);
      return;
    default:
      return;
  }
  renderList();
  renderHeader();
}

const banner = $('connection');
new FeedClient({
  url: `${location.protocol === 'https:' ? 'wss:' : 'ws:'}//${location.host}/feed`,
  onMessage: onFeed,
  onState: (state, { retryInMs }) => {
    banner.hidden = state === 'live' || state === 'connecting';
    if (state === 'reconnecting') setText(banner, `Connection lost. Reconnecting${retryInMs > 1500 ? ` in ${Math.round(retryInMs / 1000)} s` : ''}…`);
    if (state === 'signed-out') {
      banner.hidden = false;
      setText(banner, 'Your session ended. Redirecting to sign-in…');
      location.assign(`/signin?next=${encodeURIComponent(location.pathname)}`);
    }
  },
}).start();

setInterval(() => {
  renderList();
  renderHeader();
}, TICK_MS);

document.addEventListener('visibilitychange', () => {
  renderList();
  markRead();
});

/** The chat named by the URL (/chats/<id>), or null. @returns {string | null} */
function fromURL() {
  const match = /^\/chats\/([^/]+)\/?$/.exec(location.pathname);
  return match ? decodeURIComponent(match[1]) : null;
}
window.addEventListener('popstate', () => select(fromURL()));

$('signout').addEventListener('click', async () => {
  await fetch('/api/session', { method: 'DELETE', headers: { 'Content-Type': 'application/json' }, body: '{}' });
  location.assign('/signin');
});

api('GET', '/api/me').then((me) => {
  $('who').textContent = `${me.user.email} · ${sentence(me.user.role).slice(0, -1)}`;
}).catch(() => {});

select(fromURL(), { focus: Boolean(fromURL()) });
