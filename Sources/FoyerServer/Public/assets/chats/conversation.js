// @ts-check
/**
 * The conversation on the right: its header (who, where, still on the site?), the
 * message log in id order with delivery marks, the composer and the Archive button.
 * Loads a chat's history when it is opened; live messages come through `upsert`.
 */
import { api } from '../common/api.js';
import { byId, el, setText } from '../common/dom.js';
import { Composer } from './composer.js';
import { clock } from './format.js';
import { page, place } from './model.js';
import { ReadReceipts, isLater, showMark } from './receipts.js';

/** @typedef {import('./model.js').ChatMessage} ChatMessage */

/** Within this many pixels of the bottom, the log follows new messages. */
const FOLLOW_WITHIN_PX = 40;

export class Conversation {
  /**
   * @param {object} options
   * @param {import('./model.js').ChatModel} options.model
   * @param {() => void} options.onChange the chat list needs a render (a chat loaded)
   * @param {(id: string) => void} options.onArchived the agent archived the chat on screen
   */
  constructor({ model, onChange, onArchived }) {
    this.model = model;
    this.onChange = onChange;
    this.onArchived = onArchived;
    this.root = byId('conversation');
    this.placeholder = byId('placeholder');
    this.log = byId('messages');
    this.title = byId('conversation-title');
    this.info = byId('conversation-info');
    this.note = byId('conversation-note');
    this.archiveButton = /** @type {HTMLButtonElement} */ (byId('archive'));
    this.receipts = new ReadReceipts();
    this.composer = new Composer({
      form: /** @type {HTMLFormElement} */ (byId('reply-form')),
      field: /** @type {HTMLTextAreaElement} */ (byId('reply')),
      button: /** @type {HTMLButtonElement} */ (byId('send')),
      count: byId('reply-count'),
      error: byId('conversation-error'),
      onSend: (text) => this.send(text),
    });
    this.archiveButton.addEventListener('click', () => this.archive());
    /** @type {string | null} */
    this.selected = null;
    /** Whether the chat on screen can still be answered (false once archived or not found). */
    this.active = false;
    /** The messages on screen by id. @type {Map<number, {message: ChatMessage, item: HTMLLIElement}>} */
    this.shown = new Map();
    /** Bumped on each opening so a slow response for an older one is dropped. */
    this.loadToken = 0;
  }

  /**
   * Opens a chat (or none) and loads its history.
   * @param {string | null} id
   * @param {{focus?: boolean}} [options] focus the Reply field
   */
  async show(id, { focus = false } = {}) {
    const token = ++this.loadToken;
    const changed = id !== this.selected;
    this.selected = id;
    this.root.hidden = !id;
    this.placeholder.hidden = Boolean(id);
    if (!id) return;
    if (changed) {
      this.shown = new Map();
      this.log.replaceChildren();
      setText(this.note, '');
      this.composer.clear();
      const known = this.model.chats.get(id);
      setText(this.title, known ? this.model.nameOf(known) : 'Chat');
      setText(this.info, '');
    }
    this.setActive(true);
    if (focus) this.composer.focus();
    try {
      const data = await api('GET', `/api/chats/${encodeURIComponent(id)}/messages`);
      if (token !== this.loadToken) return;
      if (!this.model.chats.has(id) || !this.model.live) this.model.chats.set(id, data.chat);
      for (const message of data.messages) this.upsert(message);
      this.log.scrollTop = this.log.scrollHeight;
      this.renderHeader();
      this.onChange();
      this.markRead();
    } catch (error) {
      if (token !== this.loadToken) return;
      this.setActive(false);
      const text = /** @type {Error} */ (error).message;
      setText(this.note, /\bno such active chat\b/i.test(text) ? 'This chat has ended or does not exist.' : text);
    }
  }

  /** @param {boolean} open */
  setActive(open) {
    this.active = open;
    this.composer.setOpen(open);
    this.archiveButton.disabled = !open;
  }

  /** The chat on screen ended elsewhere (archived by a teammate while disconnected). */
  ended() {
    this.setActive(false);
    setText(this.note, 'This chat was archived.');
  }

  /** The chat on screen is active again (it came back in the feed). */
  resumed() {
    this.setActive(true);
    setText(this.note, '');
  }

  renderHeader() {
    const chat = this.selected ? this.model.chats.get(this.selected) : undefined;
    if (!chat) return;
    const entry = this.model.entryOf(chat);
    setText(this.title, this.model.nameOf(chat));
    const status = this.model.isGone(entry) ? 'Left the site' : 'On the site';
    setText(this.info, [place(entry), entry ? page(entry) : '', status].filter(Boolean).join(' · '));
  }

  /** Shows a message of the chat on screen once (by id), or moves its state forward. @param {ChatMessage} message */
  upsert(message) {
    if (message.chat !== this.selected) return;
    const known = this.shown.get(message.id);
    if (known) {
      if (isLater(message.state, known.message.state)) {
        known.message = message;
        const mark = known.item.querySelector('.mark');
        if (mark) showMark(/** @type {HTMLElement} */ (mark), message.state);
      }
      return;
    }
    const mine = message.from === 'agent';
    const chat = this.model.chats.get(message.chat);
    const meta = el('span', { class: 'meta', text: `${mine ? 'Agent' : chat ? this.model.nameOf(chat) : 'Visitor'} · ${clock(message.at)}` });
    if (mine) {
      const mark = el('span', { attrs: { role: 'img' } });
      showMark(mark, message.state);
      meta.append(mark);
    }
    const item = el('li', { class: mine ? 'mine' : 'theirs', attrs: { 'data-id': String(message.id) } }, [
      el('div', { class: 'bubble', text: message.text }),
      meta,
    ]);
    const log = this.log;
    const atBottom = log.scrollHeight - log.scrollTop - log.clientHeight < FOLLOW_WITHIN_PX;
    // Keep id order even when a message overtakes an older one on the wire.
    let before = null;
    for (const [id, other] of this.shown) if (id > message.id && (!before || id < Number(before.dataset.id))) before = other.item;
    log.insertBefore(item, before);
    this.shown.set(message.id, { message, item });
    if (atBottom || mine) log.scrollTop = log.scrollHeight;
  }

  /** Marks the visitor's messages read while the agent can see them. */
  markRead() {
    if (!this.selected || !this.active) return;
    this.receipts.report(this.selected, [...this.shown.values()].map(({ message }) => message));
  }

  /** @param {string} text @returns {Promise<boolean>} whether the chat is still on screen */
  async send(text) {
    const chatId = this.selected;
    if (!chatId) return false;
    try {
      const data = await api('POST', `/api/chats/${encodeURIComponent(chatId)}/messages`, { text });
      if (this.selected !== chatId) return false;
      this.upsert(data.message);
      return true;
    } catch (error) {
      if (this.selected !== chatId) return false;
      throw error;
    }
  }

  async archive() {
    const chatId = this.selected;
    if (!chatId) return;
    this.archiveButton.disabled = true;
    try {
      await api('POST', `/api/chats/${encodeURIComponent(chatId)}/archive`, {});
      this.onArchived(chatId);
    } catch (error) {
      this.composer.showError(/** @type {Error} */ (error).message);
      this.archiveButton.disabled = !this.active;
    }
  }
}
