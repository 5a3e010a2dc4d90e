// @ts-check
import { el, setText } from '../common/dom.js';
import {
  STATUS_LABEL, describeLocationSource, flagEmoji, formatDateTime, formatDuration, formatTime, safeHttpUrl,
} from './format.js';
import { pageViews } from './store.js';
import { InvitationPanel, invitedBadge, isInvited } from './invitation.js';
import { renderProfile } from './profile.js';

/** @typedef {import('./store.js').Entry} Entry */

const TICK_MS = 1000;

/** @type {Record<string, string>} */
const REMOVED_TEXT = {
  expired: 'This visitor was offline for 30 minutes and has been removed.',
  archived: 'This visitor’s chat was archived and the entry has been removed.',
  cleared: 'Visitor tracking was turned off and the entry has been removed.',
  blocked: 'This visitor was blocked and the entry has been removed.',
};

/**
 * The **Visitor details** drawer. It shows one entry, follows its live changes,
 * ticks the time on the current page every second, and says so when the entry
 * is removed (keeping the last known details readable).
 */
export class VisitorDrawer {
  /**
   * @param {object} options
   * @param {HTMLElement} options.root the drawer element
   * @param {import('./store.js').VisitorStore} options.store
   * @param {() => void} options.onClose
   */
  constructor({ root, store, onClose }) {
    this.root = root;
    this.store = store;
    this.onClose = onClose;
    /** @type {string | null} */
    this.id = null;
    /** @type {Entry | null} */
    this.entry = null;
    this.gone = false;
    /** @type {ReturnType<typeof setInterval> | undefined} */
    this.timer = undefined;
    /** @type {HTMLElement | null} where focus returns on close */
    this.returnFocus = null;

    const q = (/** @type {string} */ selector) => {
      const node = root.querySelector(selector);
      if (!(node instanceof HTMLElement)) throw new Error(`drawer: missing ${selector}`);
      return node;
    };
    this.nameNode = q('[data-field="name"]');
    this.dot = q('[data-field="dot"]');
    this.badge = q('[data-field="returning"]');
    this.goneNode = q('[data-field="gone"]');
    this.status = q('[data-field="status"]');
    this.location = q('[data-field="location"]');
    this.connectedAt = q('[data-field="connectedAt"]');
    this.timeOnPage = q('[data-field="timeOnPage"]');
    this.language = q('[data-field="language"]');
    this.timezone = q('[data-field="timezone"]');
    this.referrer = q('[data-field="referrer"]');
    this.lastViewed = q('[data-field="lastViewed"]');
    this.pages = q('[data-field="pages"]');
    this.pagesCount = q('[data-field="pagesCount"]');
    this.profile = q('[data-field="profile"]');
    this.journey = q('[data-field="journey"]');
    this.openChat = /** @type {HTMLButtonElement} */ (q('[data-action="open-chat"]'));
    const close = q('[data-action="close"]');
    this.invitation = new InvitationPanel(q('[data-field="invitation-slot"]'));
    this.invitedBadge = invitedBadge();
    this.badge.after(this.invitedBadge);

    close.addEventListener('click', () => this.onClose());
    root.addEventListener('keydown', (event) => {
      if (event.key === 'Escape') {
        event.preventDefault();
        this.onClose();
      }
    });
    this.openChat.addEventListener('click', () => {
      const chatId = this.entry?.chatId;
      if (chatId && !this.gone) window.location.assign(`/chats/${encodeURIComponent(chatId)}`);
    });
  }

  get isOpen() {
    return !this.root.hidden;
  }

  /**
   * @param {string} id
   * @param {boolean} [focus]
   */
  open(id, focus = false) {
    const entry = this.store.get(id);
    if (!entry) return;
    if (!this.isOpen && document.activeElement instanceof HTMLElement && document.activeElement !== document.body) {
      this.returnFocus = document.activeElement;
    }
    this.id = id;
    this.gone = false;
    this.root.hidden = false;
    this.root.classList.remove('is-gone');
    this.show(entry);
    clearInterval(this.timer);
    this.timer = setInterval(() => this.tick(), TICK_MS);
    if (focus) this.root.focus({ preventScroll: true });
  }

  /** Opens the invitation form of the entry shown (the pin popup's **Invite to chat**). */
  invite() {
    this.invitation.openForm();
  }

  close() {
    this.root.hidden = true;
    this.id = null;
    this.entry = null;
    clearInterval(this.timer);
    const target = this.returnFocus;
    this.returnFocus = null;
    if (target && target.isConnected && this.root.contains(document.activeElement)) target.focus({ preventScroll: true });
  }

  /** @param {import('./store.js').Change} change */
  update(change) {
    if (!this.id || this.gone) return;
    if (!change.reset && !change.touched.has(this.id)) return;
    const entry = this.store.get(this.id);
    if (entry) {
      this.show(entry);
      return;
    }
    const removed = this.store.removed.get(this.id);
    this.markGone(removed?.reason ?? '');
  }

  /** @param {string} reason */
  markGone(reason) {
    this.gone = true;
    this.root.classList.add('is-gone');
    this.goneNode.hidden = false;
    setText(this.goneNode, REMOVED_TEXT[reason] ?? 'This visitor is no longer on the site and has been removed.');
    this.openChat.hidden = true;
    this.invitation.show(null);
    clearInterval(this.timer);
  }

  /** @param {Entry} entry */
  show(entry) {
    this.entry = entry;
    this.goneNode.hidden = true;
    setText(this.nameNode, entry.name);
    const statusText = STATUS_LABEL[entry.status];
    this.dot.setAttribute('aria-label', statusText);
    this.dot.className = `status-dot status-${entry.status}`;
    this.badge.hidden = !entry.returning;
    this.invitedBadge.hidden = !isInvited(entry);
    this.invitation.show(entry);
    setText(this.status, entry.status === 'offline' && entry.leftAt
      ? `${statusText} since ${formatTime(entry.leftAt)}`
      : statusText);
    this.status.className = `status-text status-${entry.status}`;

    const loc = entry.location;
    if (loc) {
      const flag = flagEmoji(loc.countryCode);
      const place = [loc.city, loc.country || loc.countryCode].filter(Boolean).join(', ');
      const source = describeLocationSource(loc.source);
      this.location.replaceChildren(
        flag ? el('span', { class: 'flag', text: flag, attrs: { 'aria-hidden': 'true' } }) : '',
        el('span', { text: place || 'Unknown' }),
        source.text ? el('span', { class: source.approximate ? 'hint approx' : 'hint', text: ` (${source.text})` }) : '',
        loc.latitude === null ? el('span', { class: 'hint', text: ' — not on the map' }) : '',
      );
    } else {
      this.location.replaceChildren(el('span', { class: 'hint', text: 'Unknown (not on the map)' }));
    }

    this.connectedAt.replaceChildren(el('time', {
      text: formatDateTime(entry.connectedAt),
      attrs: { datetime: new Date(entry.connectedAt).toISOString() },
    }));
    setText(this.language, entry.language || 'Unknown');
    setText(this.timezone, entry.timezone || 'Unknown');
    this.referrer.replaceChildren(entry.referrer ? this.link(entry.referrer, entry.referrer) : 'Direct');
    this.lastViewed.replaceChildren(
      entry.url ? this.link(entry.url, entry.url) : 'Unknown',
      entry.title ? el('span', { class: 'last-title', text: entry.title }) : '',
    );

    const history = pageViews(entry);
    const pages = history.length > 0 ? history : [{ url: entry.url, title: entry.title, at: entry.pageSince }];
    setText(this.pagesCount, String(pages.length));
    const items = [];
    for (let i = pages.length - 1; i >= 0; i--) {
      const page = pages[i];
      items.push(el('li', {}, [
        el('span', { class: 'page-title', text: page.title || 'Untitled page' }),
        el('span', { class: 'page-url', text: page.url }),
        page.at ? el('time', { class: 'page-at', text: formatTime(page.at), attrs: { datetime: new Date(page.at).toISOString() } }) : null,
      ]));
    }
    this.pages.replaceChildren(...items);
    renderProfile(entry, this.profile, this.journey, this.store.now());

    this.openChat.hidden = !entry.chatId;
    this.tick();
  }

  /**
   * A link that opens outside Foyer, only for http(s) URLs; otherwise plain text.
   * @param {string} url
   * @param {string} text
   * @returns {Node}
   */
  link(url, text) {
    const href = safeHttpUrl(url);
    if (!href) return document.createTextNode(text);
    return el('a', { text, attrs: { href, target: '_blank', rel: 'noopener noreferrer nofollow', referrerpolicy: 'no-referrer' } });
  }

  tick() {
    const entry = this.entry;
    if (!entry) return;
    const end = entry.status === 'offline' && entry.leftAt ? entry.leftAt : this.store.now();
    setText(this.timeOnPage, formatDuration(end - entry.pageSince));
  }
}
