// @ts-check
import { displayName } from './profile.js';
import { el, setText } from '../common/dom.js';
import { STATUS_LABEL, flagEmoji } from './format.js';
import { invitedBadge, isInvited } from './invitation.js';

/** Row height in CSS pixels; must match `.row` in visitors.css. */
export const ROW_HEIGHT_PX = 60;
/** Rows rendered above and below the visible ones, so fast scrolling never shows gaps. */
const OVERSCAN_ROWS = 6;

/** @typedef {import('./store.js').Entry} Entry */

/**
 * @typedef {object} RowView
 * @property {HTMLLIElement} li
 * @property {HTMLSpanElement} dot
 * @property {HTMLButtonElement} name
 * @property {HTMLSpanElement} badge
 * @property {HTMLElement} invited the **Invited** badge
 * @property {HTMLSpanElement} given the name the site gave the visitor (profile.js)
 * @property {HTMLSpanElement} flag
 * @property {HTMLSpanElement} title
 * @property {Entry | null} entry the entry last drawn into the row
 * @property {string} id
 */

/**
 * The sidebar list, virtualised: only the rows in view (plus a few) exist in the
 * DOM, so 5,000 entries scroll as smoothly as 5.
 */
export class VisitorList {
  /**
   * @param {object} options
   * @param {HTMLElement} options.scroller the scrolling box
   * @param {HTMLUListElement} options.list the `<ul aria-label="Visitors">`
   * @param {HTMLElement} options.empty message shown when no row matches
   * @param {import('./store.js').VisitorStore} options.store
   * @param {(id: string, byKeyboard: boolean) => void} options.onSelect
   */
  constructor({ scroller, list, empty, store, onSelect }) {
    this.scroller = scroller;
    this.list = list;
    this.empty = empty;
    this.store = store;
    this.onSelect = onSelect;
    /** @type {Map<string, RowView>} */
    this.rows = new Map();
    /** @type {RowView[]} */
    this.pool = [];
    /** @type {string | null} */
    this.selectedId = null;
    /** @type {string | null} the row that Tab lands on */
    this.activeId = null;
    /** @type {Set<string>} */
    this.arriving = new Set();
    this.viewportHeight = scroller.clientHeight;

    scroller.addEventListener('scroll', () => this.render(), { passive: true });
    new ResizeObserver(() => {
      this.viewportHeight = this.scroller.clientHeight;
      this.render();
    }).observe(scroller);
    list.addEventListener('click', (event) => {
      const target = /** @type {HTMLElement} */ (event.target);
      const li = target.closest('li[data-id]');
      if (li instanceof HTMLElement && li.dataset.id) {
        this.activeId = li.dataset.id;
        // A click with detail 0 came from the keyboard (Enter or Space on the row).
        this.onSelect(li.dataset.id, event.detail === 0);
      }
    });
    list.addEventListener('keydown', (event) => this.onKey(event));
    list.addEventListener('focusin', (event) => {
      const li = /** @type {HTMLElement} */ (event.target).closest('li[data-id]');
      if (li instanceof HTMLElement && li.dataset.id && li.dataset.id !== this.activeId) {
        this.activeId = li.dataset.id;
        this.updateTabStops();
      }
    });
  }

  /** @param {import('./store.js').Change} change */
  update(change) {
    for (const id of change.arrived) this.arriving.add(id);
    this.render(change.reset ? null : change.touched);
  }

  /** @param {string | null} id */
  setSelected(id) {
    this.selectedId = id;
    if (id) this.activeId = id;
    for (const [rowId, row] of this.rows) this.paintSelection(row, rowId === id);
    this.updateTabStops();
  }

  /**
   * Scroll so that the row of `id` is visible.
   * @param {string} id
   */
  reveal(id) {
    const index = this.store.visible.indexOf(id);
    if (index < 0) return;
    const top = index * ROW_HEIGHT_PX;
    const bottom = top + ROW_HEIGHT_PX;
    if (top < this.scroller.scrollTop) this.scroller.scrollTop = top;
    else if (bottom > this.scroller.scrollTop + this.viewportHeight) this.scroller.scrollTop = bottom - this.viewportHeight;
    this.render();
  }

  /**
   * Draw the rows in view.
   * @param {Set<string> | null} [touched] ids whose content may have changed (null: all)
   */
  render(touched = null) {
    const visible = this.store.visible;
    const total = visible.length;
    const height = `${total * ROW_HEIGHT_PX}px`;
    if (this.list.style.height !== height) this.list.style.height = height;
    this.empty.hidden = total > 0 || this.store.tracking === null;
    if (total === 0) {
      let text = 'No visitors right now.';
      if (this.store.tracking === false) text = 'Visitor tracking is off.';
      else if (this.store.entries.size > 0) text = `No visitors match “${this.store.query.trim()}”.`;
      setText(this.empty, text);
    }

    const scrollTop = this.scroller.scrollTop;
    const first = Math.max(0, Math.floor(scrollTop / ROW_HEIGHT_PX) - OVERSCAN_ROWS);
    const last = Math.min(total, Math.ceil((scrollTop + this.viewportHeight) / ROW_HEIGHT_PX) + OVERSCAN_ROWS);

    /** @type {Map<string, RowView>} */
    const next = new Map();
    /** @type {HTMLLIElement[]} */
    const ordered = [];
    for (let index = first; index < last; index++) {
      const id = visible[index];
      let row = this.rows.get(id);
      if (row) this.rows.delete(id);
      else row = this.pool.pop() ?? this.createRow();
      const entry = /** @type {Entry} */ (this.store.get(id));
      if (row.id !== id || row.entry !== entry || touched === null || touched.has(id)) this.fill(row, id, entry);
      const li = row.li;
      const y = `translateY(${index * ROW_HEIGHT_PX}px)`;
      if (li.style.transform !== y) li.style.transform = y;
      const position = String(index + 1);
      if (li.getAttribute('aria-posinset') !== position) li.setAttribute('aria-posinset', position);
      if (li.getAttribute('aria-setsize') !== String(total)) li.setAttribute('aria-setsize', String(total));
      next.set(id, row);
      ordered.push(li);
    }
    for (const row of this.rows.values()) {
      row.li.remove();
      row.entry = null;
      row.id = '';
      this.pool.push(row);
    }
    this.rows = next;
    this.placeInOrder(ordered);
    this.updateTabStops();
  }

  /**
   * Keep DOM order equal to visual order (screen readers read DOM order),
   * moving as few nodes as possible and keeping keyboard focus.
   * @param {HTMLLIElement[]} ordered
   */
  placeInOrder(ordered) {
    const children = this.list.children;
    let same = children.length === ordered.length;
    for (let i = 0; same && i < ordered.length; i++) same = children[i] === ordered[i];
    if (same) return;
    const focused = document.activeElement;
    const hadFocus = focused instanceof HTMLElement && this.list.contains(focused);
    let cursor = this.list.firstElementChild;
    for (const li of ordered) {
      if (li === cursor) {
        cursor = cursor.nextElementSibling;
      } else {
        this.list.insertBefore(li, cursor);
      }
    }
    while (cursor) {
      const after = cursor.nextElementSibling;
      cursor.remove();
      cursor = after;
    }
    if (hadFocus && focused.isConnected && document.activeElement !== focused) focused.focus({ preventScroll: true });
  }

  /** @returns {RowView} */
  createRow() {
    const dot = el('span', { class: 'status-dot', attrs: { role: 'img' } });
    const name = el('button', { class: 'row-name', attrs: { type: 'button', tabindex: '-1' } });
    const badge = el('span', { class: 'badge-returning', text: '↩', attrs: { role: 'img', 'aria-label': 'Returning visitor', title: 'Returning visitor' } });
    const invited = invitedBadge();
    const given = el('span', { class: 'row-given' });
    const flag = el('span', { class: 'flag', attrs: { role: 'img' } });
    const title = el('span', { class: 'row-title' });
    const li = el('li', { class: 'row' }, [
      dot,
      el('div', { class: 'row-body' }, [
        el('div', { class: 'row-head' }, [name, given, badge, invited]),
        el('div', { class: 'row-sub' }, [flag, title]),
      ]),
    ]);
    return { li, dot, name, badge, invited, given, flag, title, entry: null, id: '' };
  }

  /**
   * @param {RowView} row
   * @param {string} id
   * @param {Entry} entry
   */
  fill(row, id, entry) {
    row.id = id;
    row.entry = entry;
    row.li.dataset.id = id;
    row.li.className = `row status-${entry.status}`;
    const label = STATUS_LABEL[entry.status];
    if (row.dot.getAttribute('aria-label') !== label) {
      row.dot.setAttribute('aria-label', label);
      row.dot.title = label;
    }
    setText(row.name, entry.name);
    const given = displayName(entry);
    row.given.hidden = !given;
    setText(row.given, given);
    row.badge.hidden = !entry.returning;
    row.invited.hidden = !isInvited(entry);
    const loc = entry.location;
    const flag = flagEmoji(loc?.countryCode);
    row.flag.hidden = !flag;
    setText(row.flag, flag);
    const country = loc?.country || loc?.countryCode || '';
    if (row.flag.getAttribute('aria-label') !== country) {
      row.flag.setAttribute('aria-label', country);
      row.flag.title = country;
    }
    setText(row.title, entry.title || entry.url || 'Untitled page');
    this.paintSelection(row, id === this.selectedId);
    if (this.arriving.delete(id)) {
      row.li.classList.add('arrive');
      row.li.addEventListener('animationend', () => row.li.classList.remove('arrive'), { once: true });
    }
  }

  /**
   * @param {RowView} row
   * @param {boolean} selected
   */
  paintSelection(row, selected) {
    row.li.classList.toggle('selected', selected);
    if (selected) row.li.setAttribute('aria-current', 'true');
    else row.li.removeAttribute('aria-current');
  }

  /** Exactly one rendered row is reachable with Tab (roving tabindex). */
  updateTabStops() {
    let tabId = this.activeId && this.rows.has(this.activeId) ? this.activeId : null;
    if (!tabId) tabId = this.rows.keys().next().value ?? null;
    for (const [id, row] of this.rows) {
      const value = id === tabId ? '0' : '-1';
      if (row.name.getAttribute('tabindex') !== value) row.name.setAttribute('tabindex', value);
    }
  }

  /** @param {KeyboardEvent} event */
  onKey(event) {
    const target = /** @type {HTMLElement} */ (event.target);
    const li = target.closest('li[data-id]');
    if (!(li instanceof HTMLElement) || !li.dataset.id) return;
    const visible = this.store.visible;
    const index = visible.indexOf(li.dataset.id);
    const pageRows = Math.max(1, Math.floor(this.viewportHeight / ROW_HEIGHT_PX) - 1);
    /** @type {number | null} */
    let nextIndex = null;
    switch (event.key) {
      case 'ArrowDown': nextIndex = index + 1; break;
      case 'ArrowUp': nextIndex = index - 1; break;
      case 'PageDown': nextIndex = index + pageRows; break;
      case 'PageUp': nextIndex = index - pageRows; break;
      case 'Home': nextIndex = 0; break;
      case 'End': nextIndex = visible.length - 1; break;
      default: return;
    }
    event.preventDefault();
    nextIndex = Math.max(0, Math.min(visible.length - 1, nextIndex));
    const id = visible[nextIndex];
    if (!id) return;
    this.activeId = id;
    this.reveal(id);
    this.rows.get(id)?.name.focus({ preventScroll: true });
  }
}
