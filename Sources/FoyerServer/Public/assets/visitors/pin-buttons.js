// @ts-check
/**
 * What makes canvas pins clickable: each pin, single or group, has a transparent
 * `<button>` over it for the mouse, the keyboard and screen readers (its name starts
 * with the visitor's name, or the count for a group). The buttons are laid out when
 * the map comes to rest and hidden while it moves; focus follows a pin that merges
 * into another or splits.
 */
import { el } from '../common/dom.js';
import { invitedBadge } from './invitation.js';

/** @typedef {import('./clustering.js').Group} Group */

/** Buttons this far (px) outside the panel are still laid out. */
const BUTTON_MARGIN_PX = 24;

export class PinButtons {
  /**
   * @param {object} options
   * @param {HTMLElement} options.layer the element over the canvas that holds the buttons
   * @param {(key: string, button: HTMLButtonElement) => void} options.onPick a pin's button was pressed
   */
  constructor({ layer, onPick }) {
    this.layer = layer;
    this.stale = true;
    this.viewKey = '';
    /** The place whose pin had focus when its button went away in a regrouping. @type {string | null} */
    this.refocusPlace = null;
    layer.addEventListener('click', (event) => {
      const button = /** @type {HTMLElement} */ (event.target).closest('button.pin');
      if (!(button instanceof HTMLButtonElement) || !button.dataset.key) return;
      onPick(button.dataset.key, button);
    });
  }

  /**
   * The group's button, made (hidden until laid out) when it has none.
   * @param {Group} group
   * @returns {HTMLButtonElement}
   */
  ensure(group) {
    if (group.button) return group.button;
    const button = el('button', { class: 'pin', attrs: { type: 'button', 'data-key': group.key } });
    button.hidden = true;
    group.button = button;
    group.label = '';
    this.layer.append(button);
    this.stale = true;
    return button;
  }

  /**
   * Brings a group's button up to date, making it when the group has none.
   * @param {Group} group
   * @param {{ label: string, id: string | null, selected: boolean, invited?: boolean }} look its name, its only
   *   visitor, whether selected, whether a visitor of it has a pending invitation (the **Invited** badge)
   */
  paint(group, { label, id, selected, invited = false }) {
    const button = this.ensure(group);
    if (invited && !group.invited) {
      // Beside the button, not in it: a button's content is not read out apart from its name.
      group.invited = invitedBadge();
      group.invited.classList.add('pin-badge');
      group.invited.style.transform = button.style.transform;
      group.invited.hidden = button.hidden;
      button.after(group.invited);
    } else if (!invited && group.invited) {
      group.invited.remove();
      group.invited = null;
    }
    if (id) button.dataset.id = id;
    else delete button.dataset.id;
    if (label !== group.label) {
      group.label = label;
      button.setAttribute('aria-label', label);
      button.title = label;
    }
    const className = `pin status-${group.status}${group.size > 1 ? ' group' : ''}${selected ? ' selected' : ''}`;
    if (button.className !== className) button.className = className;
    if (selected) button.setAttribute('aria-current', 'true');
    else if (button.hasAttribute('aria-current')) button.removeAttribute('aria-current');
  }

  /**
   * Removes the buttons of groups that no longer stand, remembering a focused one.
   * @param {Map<string, Group>} before the groups until now
   * @param {Map<string, Group>} after the groups from now on
   */
  retire(before, after) {
    const focused = document.activeElement;
    for (const [key, group] of before) {
      if (after.has(key) || !group.button) continue;
      if (group.button === focused) this.refocusPlace = key;
      group.button.remove();
      group.button = null;
      group.invited?.remove();
      group.invited = null;
    }
    this.stale = true;
  }

  /** Hides every button while the map moves (they would trail behind the pins). */
  hide() {
    this.layer.classList.add('is-moving');
    this.stale = true;
  }

  /**
   * Places the buttons over their pins.
   * @param {Iterable<Group>} groups
   * @param {{ scale: number, cx: number, cy: number, width: number, height: number }} view the map's view
   * @param {(placeKey: string) => HTMLButtonElement | null} buttonOfPlace the button now showing a place
   */
  layout(groups, view, buttonOfPlace) {
    const { scale, cx, cy, width, height } = view;
    const viewKey = `${scale}|${cx}|${cy}|${width}|${height}`;
    if (!this.stale && viewKey === this.viewKey) return;
    this.viewKey = viewKey;
    this.layer.classList.remove('is-moving');
    const halfW = width / 2;
    const halfH = height / 2;
    for (const group of groups) {
      const button = group.button;
      if (!button) continue;
      const sx = Math.round((group.x - cx) * scale + halfW);
      const sy = Math.round((group.y - cy) * scale + halfH);
      const inside = sx > -BUTTON_MARGIN_PX && sx < width + BUTTON_MARGIN_PX && sy > -BUTTON_MARGIN_PX && sy < height + BUTTON_MARGIN_PX;
      if (!inside) {
        if (!button.hidden) button.hidden = true;
        if (group.invited) group.invited.hidden = true;
        continue;
      }
      if (button.hidden) button.hidden = false;
      const transform = `translate(${sx}px, ${sy}px)`;
      if (button.style.transform !== transform) button.style.transform = transform;
      if (group.invited) {
        group.invited.hidden = false;
        group.invited.style.transform = transform;
      }
    }
    this.stale = false;
    if (this.refocusPlace !== null) {
      // The focused pin merged into another (or split): keep focus on the pin now showing its place.
      const button = buttonOfPlace(this.refocusPlace);
      this.refocusPlace = null;
      if (button && !button.hidden && (document.activeElement === document.body || document.activeElement === null)) {
        button.focus({ preventScroll: true });
      }
    }
  }
}
