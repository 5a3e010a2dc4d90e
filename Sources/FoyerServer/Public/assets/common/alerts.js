// @ts-check
/**
 * New-chat alerts for every signed-in page: a count badge on the **Chats** nav link
 * (unread visitor messages in chats the agent is not looking at) and, when the agent
 * allowed it, a browser notification for each new chat or visitor message. Never
 * prompts on load: `enableButton()` offers the permission request.
 *
 * Every signed-in page gets one from its page chrome (chrome.js), which hands it each
 * feed message.
 */
import { el } from './dom.js';

/** @typedef {{id: number, chat: string, from: 'visitor' | 'agent', text: string, at: number, state: string}} ChatMessage */
/** @typedef {{id: string, entryId: string, visitor: string, startedAt: number, lastMessage: ChatMessage | null, waitingSince: number | null, unread: number}} ChatSummary */

/** Longest message text shown in a notification, in characters. */
const NOTIFICATION_TEXT_CHARACTERS = 140;

export class ChatAlerts {
  /**
   * @param {object} [options]
   * @param {HTMLAnchorElement | null} [options.link] the Chats nav link (found when omitted)
   * @param {(count: number) => void} [options.onCount] called whenever the count changes
   */
  constructor({ link, onCount } = {}) {
    this.link = link ?? /** @type {HTMLAnchorElement | null} */ (document.querySelector('nav a[href="/chats"]'));
    this.onCount = onCount;
    /** @type {Map<string, ChatSummary>} */
    this.chats = new Map();
    /** The chat the agent is looking at, or null. @type {string | null} */
    this.watching = null;
    this.live = false;
    /** Chats that started since the page connected (their first message says "New chat"). @type {Set<string>} */
    this.fresh = new Set();
    this.count = 0;
    this.badgeCount = el('span');
    this.badge = el('span', { class: 'nav-badge' }, [this.badgeCount, el('span', { class: 'visually-hidden', text: ' unread' })]);
    this.badge.hidden = true;
    this.link?.append(this.badge);
    document.addEventListener('visibilitychange', () => this.render());
  }

  /** Whether the agent is looking at this chat right now. @param {string} id */
  looking(id) {
    return this.watching === id && document.visibilityState === 'visible';
  }

  /** Sets the chat on screen (null for none). @param {string | null} id */
  watch(id) {
    this.watching = id;
    this.render();
  }

  /** Takes any feed message; only chat ones matter. Never throws into its page. @param {any} message */
  apply(message) {
    try {
      this.take(message);
    } catch {
      // A malformed message must not break the page that shares its feed.
    }
  }

  /** @param {any} message */
  take(message) {
    switch (message?.type) {
      case 'snapshot':
        this.chats = new Map((message.chats ?? []).map((/** @type {ChatSummary} */ chat) => [chat.id, chat]));
        this.live = true;
        break;
      case 'chat':
        if (this.live && !this.chats.has(message.chat.id)) this.fresh.add(message.chat.id);
        this.chats.set(message.chat.id, message.chat);
        break;
      case 'chatArchived':
        this.chats.delete(message.id);
        this.fresh.delete(message.id);
        break;
      case 'message': {
        const first = this.fresh.delete(message.message.chat);
        if (this.live && message.message.from === 'visitor' && message.message.state === 'sent' && !this.looking(message.message.chat)) {
          this.notify(message.message, first);
        }
        break;
      }
      default:
        return;
    }
    this.render();
  }

  render() {
    let count = 0;
    for (const chat of this.chats.values()) if (!this.looking(chat.id)) count += chat.unread;
    if (count === this.count) return;
    this.count = count;
    this.badgeCount.textContent = String(count);
    this.badge.hidden = count === 0;
    this.onCount?.(count);
  }

  /**
   * A browser notification for a visitor message, if the agent allowed them.
   * @param {ChatMessage} message
   * @param {boolean} first whether it started the chat
   */
  notify(message, first) {
    if (!('Notification' in window) || Notification.permission !== 'granted') return;
    const chat = this.chats.get(message.chat);
    const who = chat?.visitor ?? 'A visitor';
    const text = message.text.length > NOTIFICATION_TEXT_CHARACTERS ? `${message.text.slice(0, NOTIFICATION_TEXT_CHARACTERS)}…` : message.text;
    try {
      // One notification per chat (tag): a newer message replaces the older one, and
      // several open Foyer pages do not stack duplicates.
      const notification = new Notification(first ? `New chat: ${who}` : who, { body: text, tag: `foyer-chat-${message.chat}` });
      notification.onclick = () => {
        window.focus();
        window.location.assign(`/chats/${encodeURIComponent(message.chat)}`);
        notification.close();
      };
    } catch {
      // Some browsers only allow notifications from a service worker; the badge remains.
    }
  }
}

/**
 * An "Enable notifications" button, shown only while the browser can still ask.
 * @param {HTMLButtonElement} button
 * @param {HTMLElement} [status] where to say the outcome
 */
export function enableButton(button, status) {
  const supported = 'Notification' in window;
  const update = () => {
    button.hidden = !supported || Notification.permission !== 'default';
    if (status && supported && Notification.permission === 'denied') status.textContent = 'Notifications are blocked for Foyer in this browser.';
  };
  button.addEventListener('click', async () => {
    try {
      const result = await Notification.requestPermission();
      if (status) status.textContent = result === 'granted' ? 'Notifications are on.' : 'Notifications stay off.';
    } catch {
      if (status) status.textContent = 'This browser cannot show notifications.';
    }
    update();
  });
  update();
}
