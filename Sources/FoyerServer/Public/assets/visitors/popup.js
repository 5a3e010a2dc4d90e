// @ts-check
import { el, setText } from '../common/dom.js';
import { STATUS_LABEL } from './format.js';
import { canInvite, invitedBadge, isInvited } from './invitation.js';

/** @typedef {import('./pins.js').Group} Group */

/**
 * The list that opens from a group pin: one button per visitor in that city.
 * Follows live changes while open; Escape or a click elsewhere closes it.
 */
export class GroupPopup {
  /**
   * @param {object} options
   * @param {HTMLElement} options.root
   * @param {HTMLElement} options.panel the map panel (for positioning)
   * @param {import('./store.js').VisitorStore} options.store
   * @param {import('./pins.js').PinLayer} options.pins
   * @param {(id: string) => void} options.onSelect
   * @param {(id: string) => void} options.onInvite **Invite to chat** was pressed for this visitor
   */
  constructor({ root, panel, store, pins, onSelect, onInvite }) {
    this.root = root;
    this.onInvite = onInvite;
    this.panel = panel;
    this.store = store;
    this.pins = pins;
    this.onSelect = onSelect;
    /** @type {string | null} */
    this.key = null;
    const heading = root.querySelector('[data-field="heading"]');
    const list = root.querySelector('[data-field="list"]');
    if (!(heading instanceof HTMLElement) || !(list instanceof HTMLElement)) throw new Error('popup markup');
    this.heading = heading;
    this.list = list;

    root.addEventListener('click', (event) => {
      const target = /** @type {HTMLElement} */ (event.target);
      if (target.closest('[data-action="close"]')) {
        this.close(true);
        return;
      }
      const invite = target.closest('button[data-invite]');
      if (invite instanceof HTMLElement && invite.dataset.invite) {
        const id = invite.dataset.invite;
        this.close(false);
        this.onInvite(id);
        return;
      }
      const item = target.closest('button[data-id]');
      if (item instanceof HTMLElement && item.dataset.id) {
        const id = item.dataset.id;
        this.close(false);
        this.onSelect(id);
      }
    });
    root.addEventListener('keydown', (event) => {
      if (event.key === 'Escape') {
        event.preventDefault();
        event.stopPropagation();
        this.close(true);
      }
    });
    document.addEventListener('pointerdown', (event) => {
      if (this.key === null) return;
      const target = /** @type {Node} */ (event.target);
      if (!this.root.contains(target) && !(target instanceof Element && target.closest('button.pin.group'))) this.close(false);
    });
  }

  /**
   * @param {Group} group
   * @param {HTMLButtonElement} anchor
   */
  open(group, anchor) {
    this.key = group.key;
    this.root.hidden = false;
    this.render(group);
    this.place(anchor);
    const first = this.list.querySelector('button');
    if (first instanceof HTMLElement) first.focus({ preventScroll: true });
  }

  /** @param {boolean} restoreFocus */
  close(restoreFocus) {
    if (this.key === null) return;
    const anchor = this.pins.buttonOf(this.key);
    this.key = null;
    this.root.hidden = true;
    if (restoreFocus && anchor && !anchor.hidden) anchor.focus({ preventScroll: true });
  }

  /** Keep the list in step with live changes (or close it when the group is gone). */
  update() {
    if (this.key === null) return;
    const group = this.pins.groups.get(this.key);
    const anchor = this.pins.buttonOf(this.key);
    if (!group || group.size < 2 || !anchor) {
      this.close(false);
      return;
    }
    this.render(group);
  }

  /** Follow the anchor pin when the map moves. */
  follow() {
    if (this.key === null) return;
    const anchor = this.pins.buttonOf(this.key);
    if (!anchor || anchor.hidden) this.close(false);
    else this.place(anchor);
  }

  /** @param {Group} group */
  render(group) {
    const label = `${group.size} visitors in ${group.place}`;
    setText(this.heading, label);
    this.root.setAttribute('aria-label', label);
    const focusedId = document.activeElement instanceof HTMLElement && this.root.contains(document.activeElement)
      ? document.activeElement.dataset.id : undefined;
    // A pin of several places says which place each visitor is in.
    const several = group.places.length > 1;
    const items = this.pins.idsOf(group).map((id) => {
      const entry = /** @type {import('./store.js').Entry} */ (this.store.get(id));
      const page = entry.title || entry.url;
      const where = several ? entry.location?.city || entry.location?.country || '' : '';
      const detail = where ? `${where} · ${page}` : page;
      return el('li', {}, [
        el('button', {
          class: `popup-item status-${entry.status}`,
          attrs: { type: 'button', 'data-id': id, 'aria-label': `${entry.name}, ${STATUS_LABEL[entry.status]}, ${detail}` },
        }, [
          el('span', { class: `status-dot status-${entry.status}`, attrs: { 'aria-hidden': 'true' } }),
          el('span', { class: 'popup-name', text: entry.name }),
          el('span', { class: 'popup-title', text: detail }),
        ]),
        isInvited(entry) ? invitedBadge() : null,
        canInvite(entry)
          ? el('button', { class: 'popup-invite', text: 'Invite to chat', attrs: { type: 'button', 'data-invite': id } })
          : null,
      ]);
    });
    this.list.replaceChildren(...items);
    if (focusedId) {
      const again = this.list.querySelector(`button[data-id="${CSS.escape(focusedId)}"]`);
      if (again instanceof HTMLElement) again.focus({ preventScroll: true });
    }
  }

  /** @param {HTMLElement} anchor */
  place(anchor) {
    const panelRect = this.panel.getBoundingClientRect();
    const pinRect = anchor.getBoundingClientRect();
    const width = this.root.offsetWidth;
    const height = this.root.offsetHeight;
    let left = pinRect.left - panelRect.left + pinRect.width / 2 - width / 2;
    let top = pinRect.bottom - panelRect.top + 8;
    if (top + height > panelRect.height - 8) top = pinRect.top - panelRect.top - height - 8;
    left = Math.max(8, Math.min(panelRect.width - width - 8, left));
    top = Math.max(8, top);
    this.root.style.transform = `translate(${Math.round(left)}px, ${Math.round(top)}px)`;
  }
}
