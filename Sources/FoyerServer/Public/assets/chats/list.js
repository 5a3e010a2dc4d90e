// @ts-check
/**
 * The list of active chats on the left: one link per chat with who, how long they have
 * waited, unread count, where they are and the last message. Rows are kept and updated
 * in place, and only rows out of order move, so a focused row keeps its focus.
 */
import { el, setText } from '../common/dom.js';
import { duration } from './format.js';
import { page, place } from './model.js';

/** @typedef {import('./model.js').ChatSummary} ChatSummary */

export class ChatList {
  /**
   * @param {object} options
   * @param {HTMLElement} options.list the `<ul>`
   * @param {HTMLElement} options.empty said when the account has no active chat
   * @param {import('./model.js').ChatModel} options.model
   * @param {(id: string) => void} options.onOpen a row was clicked (plain click only)
   */
  constructor({ list, empty, model, onOpen }) {
    this.list = list;
    this.empty = empty;
    this.model = model;
    this.onOpen = onOpen;
    /** List rows by chat id. @type {Map<string, HTMLLIElement>} */
    this.rows = new Map();
  }

  /** @param {string | null} selected the chat on screen */
  render(selected) {
    const { chats } = this.model;
    for (const [id, item] of this.rows) {
      if (!chats.has(id)) {
        item.remove();
        this.rows.delete(id);
      }
    }
    this.model.ordered().forEach((chat, index) => {
      let item = this.rows.get(chat.id);
      if (!item) {
        item = this.makeRow(chat.id);
        this.rows.set(chat.id, item);
      }
      this.fill(item, chat, selected);
      if (this.list.children[index] !== item) this.list.insertBefore(item, this.list.children[index] ?? null);
    });
    this.empty.hidden = !this.model.live || chats.size > 0;
  }

  /** The first row's link, if any (where focus goes when the open chat goes away). */
  firstLink() {
    return /** @type {HTMLElement | null} */ (this.list.querySelector('.chat-link'));
  }

  /** @param {string} id @returns {HTMLLIElement} */
  makeRow(id) {
    const link = el('a', { class: 'chat-link', attrs: { href: `/chats/${encodeURIComponent(id)}` } }, [
      el('span', { class: 'chat-name' }, [el('span', { class: 'name-text' }), el('span', { class: 'gone' })]),
      el('span', { class: 'chat-side' }, [
        el('span', { class: 'chat-wait' }),
        el('span', { class: 'chat-unread' }, [el('span', { class: 'unread-count' }), el('span', { class: 'visually-hidden', text: ' unread' })]),
      ]),
      el('span', { class: 'chat-place' }),
      el('span', { class: 'chat-page' }),
      el('span', { class: 'chat-last' }),
    ]);
    link.addEventListener('click', (event) => {
      // Let the browser open new tabs and windows itself.
      if (event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
      event.preventDefault();
      this.onOpen(id);
    });
    return el('li', {}, [link]);
  }

  /** @param {HTMLLIElement} item @param {ChatSummary} chat @param {string | null} selected */
  fill(item, chat, selected) {
    const { model } = this;
    const entry = model.entryOf(chat);
    const part = (/** @type {string} */ selector) => /** @type {HTMLElement} */ (item.querySelector(selector));
    const link = part('.chat-link');
    if (chat.id === selected) link.setAttribute('aria-current', 'page');
    else link.removeAttribute('aria-current');
    setText(part('.name-text'), model.nameOf(chat));
    setText(part('.gone'), model.isGone(entry) ? 'left the site' : '');
    setText(part('.chat-wait'), chat.waitingSince != null ? `Waiting ${duration(model.now() - chat.waitingSince)}` : '');
    // The chat on screen has nothing unread while the agent can see it.
    const unread = chat.id === selected && document.visibilityState === 'visible' ? 0 : chat.unread;
    setText(part('.unread-count'), String(unread));
    part('.chat-unread').hidden = unread === 0;
    setText(part('.chat-place'), place(entry));
    setText(part('.chat-page'), entry ? page(entry) : '');
    const last = chat.lastMessage;
    setText(part('.chat-last'), last ? `${last.from === 'agent' ? 'You: ' : ''}${last.text}` : '');
  }
}
