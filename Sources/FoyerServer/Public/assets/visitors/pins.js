// @ts-check
import { el, setText } from './dom.js';
import { STATUS_LABEL, STATUS_RANK } from './format.js';
import { project } from './map.js';

/** Pins further than this many panel sizes outside the view are not laid out. */
const CULL_MARGIN = 0.5;
const ARRIVAL_MS = 1200;

/** @typedef {import('./store.js').Entry} Entry */

/**
 * Every visible entry with a location, grouped by city.
 * @typedef {object} Group
 * @property {string} key
 * @property {string[]} ids  most recently connected first
 * @property {number} x world units
 * @property {number} y world units
 * @property {string} place "Istanbul, Türkiye"
 * @property {import('./format.js').Status} status the liveliest member's status
 */

/**
 * @typedef {object} PinView
 * @property {HTMLButtonElement} button
 * @property {HTMLSpanElement} count
 * @property {Group} group
 * @property {string} signature what was last drawn (to skip unchanged pins)
 * @property {number} sx last laid-out screen x (NaN when culled)
 * @property {number} sy
 */

/**
 * @param {Entry} entry
 */
function groupKey(entry) {
  const loc = /** @type {import('./store.js').Location} */ (entry.location);
  if (loc.city) return `${loc.countryCode}|${loc.city}`;
  return `${loc.countryCode}|${loc.latitude.toFixed(2)},${loc.longitude.toFixed(2)}`;
}

/**
 * The pins: one `<button>` per city group, positioned over the map canvas.
 * Panning moves the whole layer (one compositor transform per frame); the
 * individual pins are laid out again only when the zoom or the set changes, or
 * when a pan ends. Off-screen pins are hidden, which also keeps them out of the
 * keyboard order.
 */
export class PinLayer {
  /**
   * @param {object} options
   * @param {HTMLElement} options.layer
   * @param {import('./map.js').WorldMap} options.map
   * @param {import('./store.js').VisitorStore} options.store
   * @param {(id: string) => void} options.onSelect a single pin was chosen
   * @param {(group: Group, button: HTMLButtonElement) => void} options.onGroup a group pin was chosen
   */
  constructor({ layer, map, store, onSelect, onGroup }) {
    this.layer = layer;
    this.map = map;
    this.store = store;
    this.onSelect = onSelect;
    this.onGroup = onGroup;
    /** @type {Map<string, Group>} */
    this.groups = new Map();
    /** @type {Map<string, string>} entry id → group key */
    this.groupOf = new Map();
    /** @type {Map<string, PinView>} */
    this.pins = new Map();
    /** @type {string | null} */
    this.selectedId = null;
    /** @type {Map<string, number>} id → arrival time */
    this.arrivals = new Map();
    /** View the pins were last laid out for. */
    this.layoutScale = NaN;
    this.layoutCx = NaN;
    this.layoutCy = NaN;
    this.layoutWidth = 0;
    this.layoutHeight = 0;
    /** world points per location, cached (projection is not free) */
    /** @type {Map<string, [number, number]>} */
    this.projected = new Map();

    layer.addEventListener('click', (event) => {
      const button = /** @type {HTMLElement} */ (event.target).closest('button.pin');
      if (!(button instanceof HTMLButtonElement) || !button.dataset.key) return;
      const pin = this.pins.get(button.dataset.key);
      if (!pin) return;
      if (pin.group.ids.length === 1) this.onSelect(pin.group.ids[0]);
      else this.onGroup(pin.group, button);
    });
  }

  /** @param {import('./store.js').Change} change */
  update(change) {
    const now = performance.now();
    for (const id of change.arrived) this.arrivals.set(id, now);
    if (!change.listChanged && !change.reset && change.touched.size === 0) return;
    this.regroup(change);
  }

  /**
   * Rebuild the groups from the filtered entries, then update only the pins whose
   * look changed.
   * @param {import('./store.js').Change} change
   */
  regroup(change) {
    /** @type {Map<string, Group>} */
    const groups = new Map();
    /** @type {Map<string, string>} */
    const groupOf = new Map();
    const entries = this.store.entries;
    for (const id of this.store.visible) {
      const entry = /** @type {Entry} */ (entries.get(id));
      const loc = entry.location;
      if (!loc) continue;
      const key = groupKey(entry);
      groupOf.set(id, key);
      let group = groups.get(key);
      if (!group) {
        let point = this.projected.get(key);
        if (!point) {
          point = project(loc.longitude, loc.latitude);
          this.projected.set(key, point);
        }
        const place = [loc.city, loc.country || loc.countryCode].filter(Boolean).join(', ') || 'Unknown place';
        group = { key, ids: [], x: point[0], y: point[1], place, status: entry.status };
        groups.set(key, group);
      } else if (STATUS_RANK[entry.status] > STATUS_RANK[group.status]) {
        group.status = entry.status;
      }
      group.ids.push(id);
    }
    this.groups = groups;
    this.groupOf = groupOf;

    let added = false;
    for (const [key, pin] of this.pins) {
      if (!groups.has(key)) {
        pin.button.remove();
        this.pins.delete(key);
      }
    }
    for (const [key, group] of groups) {
      let pin = this.pins.get(key);
      if (!pin) {
        pin = this.createPin(group);
        this.pins.set(key, pin);
        this.layer.append(pin.button);
        added = true;
      }
      pin.group = group;
      const signature = this.signatureOf(group);
      if (signature !== pin.signature || (!change.reset && group.ids.some((id) => change.arrived.has(id)))) {
        this.paint(pin, signature);
      }
    }
    if (added) this.layout(true);
  }

  /**
   * @param {Group} group
   * @returns {string}
   */
  signatureOf(group) {
    const selected = this.selectedId !== null && group.ids.includes(this.selectedId);
    if (group.ids.length === 1) {
      const entry = /** @type {Entry} */ (this.store.get(group.ids[0]));
      return `1|${entry.name}|${entry.status}|${selected}`;
    }
    return `${group.ids.length}|${group.status}|${selected}`;
  }

  /**
   * @param {Group} group
   * @returns {PinView}
   */
  createPin(group) {
    const count = el('span', { class: 'pin-count', attrs: { 'aria-hidden': 'true' } });
    const button = el('button', { class: 'pin', attrs: { type: 'button', 'data-key': group.key } }, [
      el('span', { class: 'pin-mark', attrs: { 'aria-hidden': 'true' } }),
      count,
    ]);
    return { button, count, group, signature: '', sx: NaN, sy: NaN };
  }

  /**
   * @param {PinView} pin
   * @param {string} signature
   */
  paint(pin, signature) {
    const { group, button } = pin;
    pin.signature = signature;
    const size = group.ids.length;
    const selected = this.selectedId !== null && group.ids.includes(this.selectedId);
    /** @type {string} */
    let label;
    if (size === 1) {
      const entry = /** @type {Entry} */ (this.store.get(group.ids[0]));
      label = `${entry.name}, ${STATUS_LABEL[entry.status]}, ${group.place}`;
      button.dataset.id = entry.id;
    } else {
      label = `${size} visitors in ${group.place}`;
      delete button.dataset.id;
    }
    button.setAttribute('aria-label', label);
    button.title = label;
    button.className = `pin status-${group.status}${size > 1 ? ' group' : ''}${selected ? ' selected' : ''}`;
    if (selected) button.setAttribute('aria-current', 'true');
    else button.removeAttribute('aria-current');
    setText(pin.count, size > 1 ? (size > 999 ? '999+' : String(size)) : '');
    const now = performance.now();
    const fresh = group.ids.some((id) => {
      const at = this.arrivals.get(id);
      return at !== undefined && now - at < ARRIVAL_MS;
    });
    if (fresh) {
      button.classList.remove('arrive');
      void button.offsetWidth; // restart the animation
      button.classList.add('arrive');
    }
    if (this.arrivals.size > 0) {
      for (const [id, at] of this.arrivals) if (now - at >= ARRIVAL_MS) this.arrivals.delete(id);
    }
  }

  /** @param {string | null} id */
  setSelected(id) {
    const previousKey = this.selectedId ? this.groupOf.get(this.selectedId) : undefined;
    this.selectedId = id;
    const nextKey = id ? this.groupOf.get(id) : undefined;
    for (const key of [previousKey, nextKey]) {
      const pin = key ? this.pins.get(key) : undefined;
      if (pin) this.paint(pin, this.signatureOf(pin.group));
    }
  }

  /**
   * World point of an entry's pin, or null when it has none on the map.
   * @param {string} id
   * @returns {[number, number] | null}
   */
  pointOf(id) {
    const key = this.groupOf.get(id);
    const group = key ? this.groups.get(key) : undefined;
    return group ? [group.x, group.y] : null;
  }

  /**
   * @param {string} key
   * @returns {HTMLButtonElement | null}
   */
  buttonOf(key) {
    return this.pins.get(key)?.button ?? null;
  }

  /**
   * Follow the map's view. A pure pan only shifts the layer; anything else, or a
   * pan that has gone far, lays the pins out again.
   * @param {boolean} [force]
   */
  layout(force = false) {
    const map = this.map;
    const sameZoom = map.scale === this.layoutScale && map.width === this.layoutWidth && map.height === this.layoutHeight;
    if (sameZoom && !force && map.interacting) {
      const dx = (this.layoutCx - map.cx) * map.scale;
      const dy = (this.layoutCy - map.cy) * map.scale;
      const far = Math.abs(dx) > map.width * CULL_MARGIN * 0.8 || Math.abs(dy) > map.height * CULL_MARGIN * 0.8;
      if (!far) {
        this.layer.style.transform = `translate3d(${dx}px, ${dy}px, 0)`;
        return;
      }
    }
    this.layoutScale = map.scale;
    this.layoutCx = map.cx;
    this.layoutCy = map.cy;
    this.layoutWidth = map.width;
    this.layoutHeight = map.height;
    this.layer.style.transform = '';
    const marginX = map.width * CULL_MARGIN;
    const marginY = map.height * CULL_MARGIN;
    const halfW = map.width / 2;
    const halfH = map.height / 2;
    const { scale, cx, cy } = map;
    for (const pin of this.pins.values()) {
      const sx = Math.round((pin.group.x - cx) * scale + halfW);
      const sy = Math.round((pin.group.y - cy) * scale + halfH);
      const inside = sx > -marginX && sx < map.width + marginX && sy > -marginY && sy < map.height + marginY;
      if (!inside) {
        if (!pin.button.hidden) pin.button.hidden = true;
        pin.sx = NaN;
        continue;
      }
      if (pin.button.hidden) pin.button.hidden = false;
      if (sx !== pin.sx || sy !== pin.sy) {
        pin.button.style.transform = `translate(${sx}px, ${sy}px)`;
        pin.sx = sx;
        pin.sy = sy;
      }
    }
  }
}
