// @ts-check
/**
 * The agents' chat view (/chats and /chats/<id>): active chats on the left (list.js),
 * the chosen conversation on the right (conversation.js). Live data comes from the
 * dashboard feed (docs/PROTOCOL.md sections 2 and 3) into the model (model.js); actions
 * go through the JSON API. Visitor text only ever goes through textContent.
 */
import { enableButton } from '../common/alerts.js';
import { PageChrome } from '../common/chrome.js';
import { byId, setText } from '../common/dom.js';
import { Conversation } from './conversation.js';
import { ChatList } from './list.js';
import { ChatModel } from './model.js';

/** Waiting times and gone visitors are re-evaluated this often. */
const TICK_MS = 1_000;

const model = new ChatModel();
const chrome = new PageChrome({
  notices: true,
  onUnread: (count) => { document.title = count > 0 ? `(${count}) Chats · Foyer` : 'Chats · Foyer'; },
});
enableButton(/** @type {HTMLButtonElement} */ (byId('notify')), byId('notify-status'));

const list = new ChatList({
  list: byId('chat-list'),
  empty: byId('list-empty'),
  model,
  onOpen: (id) => select(id, { push: true, focus: true }),
});
const conversation = new Conversation({
  model,
  onChange: () => list.render(conversation.selected),
  onArchived: (id) => archived(id),
});
const heading = byId('chats-heading');
// Focus lands here when the open chat goes away and no other is listed.
heading.tabIndex = -1;

/**
 * Shows a conversation (or none) and makes the URL follow.
 * @param {string | null} id
 * @param {{push?: boolean, focus?: boolean}} [options]
 */
function select(id, { push = false, focus = false } = {}) {
  if (push) history.pushState({ chat: id }, '', id ? `/chats/${encodeURIComponent(id)}` : '/chats');
  chrome.alerts.watch(id);
  const shown = conversation.show(id, { focus });
  list.render(id);
  return shown;
}

/** A chat left the list (archived here or by a teammate). @param {string} chatId */
function archived(chatId) {
  const wasSelected = conversation.selected === chatId;
  const hadFocus = wasSelected && conversation.root.contains(document.activeElement);
  model.chats.delete(chatId);
  if (wasSelected) {
    select(null, { push: true });
    setText(byId('placeholder-text'), 'The chat was archived. Select another chat on the left.');
    if (hadFocus) (list.firstLink() ?? heading).focus();
  } else {
    list.render(conversation.selected);
  }
}

/** @param {any} message a feed message */
function onFeed(message) {
  const selected = conversation.selected;
  switch (message.type) {
    case 'snapshot':
      model.reset(message);
      if (selected && !model.chats.has(selected) && conversation.active) conversation.ended();
      // Catch up on what arrived while disconnected.
      if (selected && model.chats.has(selected)) select(selected);
      break;
    case 'added':
      model.entries.set(message.entry.id, message.entry);
      break;
    case 'changed': {
      // Only the fields that changed come (docs/PROTOCOL.md section 2); no history is read here.
      const held = model.entries.get(message.id);
      if (held && message.set && typeof message.set === 'object') model.entries.set(message.id, { ...held, ...message.set });
      break;
    }
    case 'removed':
      model.entries.delete(message.id);
      break;
    case 'chat':
      model.chats.set(message.chat.id, message.chat);
      if (message.chat.id === selected && !conversation.active) conversation.resumed();
      break;
    case 'message':
      conversation.upsert(message.message);
      if (message.message.chat === selected && message.message.from === 'visitor') conversation.markRead();
      list.render(selected);
      return;
    case 'chatArchived':
      archived(message.id);
      return;
    default:
      return;
  }
  list.render(conversation.selected);
  conversation.renderHeader();
}

chrome.follow(onFeed);

setInterval(() => {
  list.render(conversation.selected);
  conversation.renderHeader();
}, TICK_MS);

document.addEventListener('visibilitychange', () => {
  list.render(conversation.selected);
  conversation.markRead();
});

/** The chat named by the URL (/chats/<id>), or null. @returns {string | null} */
function fromURL() {
  const match = /^\/chats\/([^/]+)\/?$/.exec(location.pathname);
  return match ? decodeURIComponent(match[1]) : null;
}
window.addEventListener('popstate', () => select(fromURL()));

select(fromURL(), { focus: Boolean(fromURL()) });
