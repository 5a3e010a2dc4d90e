// @ts-check
import { el } from './dom.js';
import { STATUS_LABEL, STATUS_RANK } from './format.js';
import { project } from './map.js';

/** Buttons this far (px) outside the panel are still laid out. */
const BUTTON_MARGIN_PX = 24;
const ARRIVAL_MS = 1200;
const PIN_RADIUS_PX = 6;
const GROUP_RADIUS_PX = 8.5;
/** Projected places kept between regroupings (a long-open page sees many). */
const MAX_CACHED_PLACES = 20_000;

/** @typedef {import('./store.js').Entry} Entry */
/** @typedef {import('./format.js').Status} Status */

/**
 * Every visible entry with a place on the map, grouped by city.
 * @typedef {object} Group
 * @property {string} key
 * @property {Set<string>} members
 * @property {string[]} ids  members, most recently connected first
 * @property {number} x world units
 * @property {number} y world units
 * @property {string} place "Istanbul, Türkiye"
 * @property {Status} status the liveliest member's status
 * @property {HTMLButtonElement | null} button
 * @property {string} label the button's accessible name
 */

const COLORS = {
  online: '#2ecc71',
  chatting: '#3d8bfd',
  offline: '#8a94a6',
  outline: '#0b1220',
  selected: '#ffd166',
};

/** @param {Entry} entry */
function groupKey(entry) {
  const loc = /** @type {import('./store.js').Location} */ (entry.location);
  if (loc.city) return `${loc.countryCode}|${loc.city}`;
  return `${loc.countryCode}|${Number(loc.latitude).toFixed(2)},${Number(loc.longitude).toFixed(2)}`;
}

/** @param {Entry | undefined} entry */
function isPlaced(entry) {
  return Boolean(entry && entry.location && entry.location.latitude !== null && entry.location.longitude !== null);
}

/**
 * Draw one pin shape centred on (0, 0). The shape repeats the status for people
 * who cannot tell the colours apart: a filled dot (Online), a speech bubble
 * (Chatting), a hollow ring (Offline).
 * @param {CanvasRenderingContext2D} ctx
 * @param {Status} status
 * @param {number} r
 */
function drawShape(ctx, status, r) {
  ctx.lineWidth = 2;
  ctx.strokeStyle = COLORS.outline;
  ctx.beginPath();
  if (status === 'chatting') {
    // Bubble: round except for a sharp bottom-left corner (the tail).
    ctx.moveTo(-r, r + 1.5);
    ctx.lineTo(-r, 0);
    ctx.arc(0, 0, r, Math.PI, Math.PI * 2.5, false);
    ctx.closePath();
  } else {
    ctx.arc(0, 0, r, 0, Math.PI * 2);
  }
  if (status === 'offline') {
    ctx.fillStyle = COLORS.outline;
    ctx.fill();
    ctx.lineWidth = 2.4;
    ctx.strokeStyle = COLORS.offline;
    ctx.stroke();
  } else {
    ctx.fillStyle = COLORS[status];
    ctx.fill();
    ctx.stroke();
  }
}

/**
 * Pins of the Visitors map. They are drawn on the map's canvas (fast enough for
 * 5,000 at 60 frames/s) and each one, single or group, also has a transparent
 * `<button>` on top of it for the mouse, the keyboard and screen readers. The
 * buttons are laid out when the map comes to rest and hidden while it moves.
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
    /** @type {string | null} */
    this.selectedId = null;
    /** @type {Map<string, number>} entry id → arrival time (performance.now) */
    this.arrivals = new Map();
    /** @type {Map<string, [number, number]>} */
    this.projected = new Map();
    /** @type {Map<string, HTMLCanvasElement>} */
    this.sprites = new Map();
    this.spriteDpr = 0;
    this.buttonsStale = true;
    this.layoutKey = '';
    this.reducedMotion = window.matchMedia('(prefers-reduced-motion: reduce)');

    layer.addEventListener('click', (event) => {
      const button = /** @type {HTMLElement} */ (event.target).closest('button.pin');
      if (!(button instanceof HTMLButtonElement) || !button.dataset.key) return;
      const group = this.groups.get(button.dataset.key);
      if (!group) return;
      if (group.ids.length === 1) this.onSelect(group.ids[0]);
      else this.onGroup(group, button);
    });
  }

  /** @param {import('./store.js').Change} change */
  update(change) {
    const now = performance.now();
    if (!change.reset) for (const id of change.arrived) this.arrivals.set(id, now);
    /** @type {Set<Group>} */
    const dirty = new Set();
    if (change.reset || change.filterChanged) {
      this.rebuild(dirty);
    } else {
      if (change.touched.size === 0) return;
      const visible = this.store.visibleSet;
      for (const id of change.touched) {
        const entry = this.store.get(id);
        const key = entry && visible.has(id) && isPlaced(entry) ? groupKey(entry) : null;
        const oldKey = this.groupOf.get(id);
        if (oldKey !== undefined && oldKey !== key) {
          const old = this.groups.get(oldKey);
          if (old) {
            old.members.delete(id);
            dirty.add(old);
          }
          this.groupOf.delete(id);
        }
        if (key !== null && entry) {
          const group = this.groups.get(key) ?? this.createGroup(key, entry);
          group.members.add(id);
          this.groupOf.set(id, key);
          dirty.add(group);
        }
      }
    }
    for (const group of dirty) this.refresh(group);
    if (dirty.size > 0) this.map.requestDraw();
  }

  /**
   * Regroup every visible entry (after a snapshot or a filter change).
   * @param {Set<Group>} dirty
   */
  rebuild(dirty) {
    const entries = this.store.entries;
    for (const group of this.groups.values()) group.members.clear();
    this.groupOf.clear();
    for (const id of this.store.visible) {
      const entry = entries.get(id);
      if (!entry || !isPlaced(entry)) continue;
      const key = groupKey(entry);
      const group = this.groups.get(key) ?? this.createGroup(key, entry);
      group.members.add(id);
      this.groupOf.set(id, key);
    }
    for (const group of this.groups.values()) dirty.add(group);
  }

  /**
   * @param {string} key
   * @param {Entry} entry
   * @returns {Group}
   */
  createGroup(key, entry) {
    const loc = /** @type {import('./store.js').Location} */ (entry.location);
    let point = this.projected.get(key);
    if (!point) {
      if (this.projected.size > MAX_CACHED_PLACES) this.projected.clear();
      point = project(Number(loc.longitude), Number(loc.latitude));
      this.projected.set(key, point);
    }
    const place = [loc.city, loc.country || loc.countryCode].filter(Boolean).join(', ') || 'Unknown place';
    /** @type {Group} */
    const group = { key, members: new Set(), ids: [], x: point[0], y: point[1], place, status: 'online', button: null, label: '' };
    this.groups.set(key, group);
    return group;
  }

  /**
   * Bring a changed group's order, status and button up to date.
   * @param {Group} group
   */
  refresh(group) {
    if (group.members.size === 0) {
      group.button?.remove();
      this.groups.delete(group.key);
      return;
    }
    const entries = this.store.entries;
    const ids = [...group.members];
    if (ids.length > 1) {
      ids.sort((a, b) => {
        const x = /** @type {Entry} */ (entries.get(a));
        const y = /** @type {Entry} */ (entries.get(b));
        return y.connectedAt - x.connectedAt || y.number - x.number;
      });
    }
    group.ids = ids;
    /** @type {Status} */
    let status = 'offline';
    for (const id of ids) {
      const s = /** @type {Entry} */ (entries.get(id)).status;
      if (STATUS_RANK[s] > STATUS_RANK[status]) status = s;
      if (status === 'chatting') break;
    }
    group.status = status;
    this.paintButton(group);
  }

  /** @param {Group} group */
  paintButton(group) {
    let button = group.button;
    if (!button) {
      button = el('button', { class: 'pin', attrs: { type: 'button', 'data-key': group.key } });
      button.hidden = true;
      group.button = button;
      this.layer.append(button);
      this.buttonsStale = true;
    }
    const size = group.ids.length;
    let label;
    if (size === 1) {
      const entry = /** @type {Entry} */ (this.store.get(group.ids[0]));
      label = `${entry.name}, ${STATUS_LABEL[entry.status]}, ${group.place}`;
      button.dataset.id = entry.id;
    } else {
      label = `${size} visitors in ${group.place}`;
      delete button.dataset.id;
    }
    if (label !== group.label) {
      group.label = label;
      button.setAttribute('aria-label', label);
      button.title = label;
    }
    const selected = this.selectedId !== null && group.members.has(this.selectedId);
    const className = `pin status-${group.status}${size > 1 ? ' group' : ''}${selected ? ' selected' : ''}`;
    if (button.className !== className) button.className = className;
    if (selected) button.setAttribute('aria-current', 'true');
    else button.removeAttribute('aria-current');
  }

  /** @param {string | null} id */
  setSelected(id) {
    const previous = this.selectedId;
    this.selectedId = id;
    for (const other of [previous, id]) {
      const key = other ? this.groupOf.get(other) : undefined;
      const group = key ? this.groups.get(key) : undefined;
      if (group) this.paintButton(group);
    }
    this.map.requestDraw();
  }

  /**
   * World point of an entry's pin, or null when it is not on the map.
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
    return this.groups.get(key)?.button ?? null;
  }

  /** Place the buttons over their pins, or hide them all while the map moves. */
  layout() {
    const map = this.map;
    if (map.moving) {
      this.layer.classList.add('is-moving');
      this.buttonsStale = true;
      return;
    }
    const { scale, cx, cy, width, height } = map;
    const viewKey = `${scale}|${cx}|${cy}|${width}|${height}`;
    if (!this.buttonsStale && viewKey === this.layoutKey) return;
    this.layoutKey = viewKey;
    this.layer.classList.remove('is-moving');
    const halfW = width / 2;
    const halfH = height / 2;
    for (const group of this.groups.values()) {
      const button = group.button;
      if (!button) continue;
      const sx = Math.round((group.x - cx) * scale + halfW);
      const sy = Math.round((group.y - cy) * scale + halfH);
      const inside = sx > -BUTTON_MARGIN_PX && sx < width + BUTTON_MARGIN_PX && sy > -BUTTON_MARGIN_PX && sy < height + BUTTON_MARGIN_PX;
      if (!inside) {
        if (!button.hidden) button.hidden = true;
        continue;
      }
      if (button.hidden) button.hidden = false;
      const transform = `translate(${sx}px, ${sy}px)`;
      if (button.style.transform !== transform) button.style.transform = transform;
    }
    this.buttonsStale = false;
  }

  /**
   * Draw the pins onto the map canvas (called by the map after the land).
   * @param {CanvasRenderingContext2D} ctx with a device-pixel-ratio transform
   * @param {number} dpr
   */
  draw(ctx, dpr) {
    const map = this.map;
    if (this.spriteDpr !== dpr) {
      this.sprites.clear();
      this.spriteDpr = dpr;
    }
    const { scale, cx, cy, width, height } = map;
    const halfW = width / 2;
    const halfH = height / 2;
    const margin = 40;
    /** @type {Record<Status, Group[]>} */
    const buckets = { offline: [], online: [], chatting: [] };
    /** @type {Float64Array} */
    const xs = new Float64Array(this.groups.size);
    const ys = new Float64Array(this.groups.size);
    const index = new Map();
    let n = 0;
    for (const group of this.groups.values()) {
      const sx = (group.x - cx) * scale + halfW;
      const sy = (group.y - cy) * scale + halfH;
      if (sx < -margin || sx > width + margin || sy < -margin || sy > height + margin) continue;
      xs[n] = sx;
      ys[n] = sy;
      index.set(group, n++);
      buckets[group.status].push(group);
    }
    /** @type {Group[]} */
    const grouped = [];
    for (const status of /** @type {Status[]} */ (['offline', 'online', 'chatting'])) {
      for (const group of buckets[status]) {
        const i = index.get(group);
        const multi = group.ids.length > 1;
        const sprite = this.sprite(status, multi);
        const half = sprite.width / dpr / 2;
        ctx.drawImage(sprite, Math.round((xs[i] - half) * dpr) / dpr, Math.round((ys[i] - half) * dpr) / dpr, sprite.width / dpr, sprite.height / dpr);
        if (multi) grouped.push(group);
      }
    }
    for (const group of grouped) {
      const i = index.get(group);
      const badge = this.badge(group.ids.length > 999 ? '999+' : String(group.ids.length));
      ctx.drawImage(badge, Math.round((xs[i] + 5) * dpr) / dpr, Math.round((ys[i] - 19) * dpr) / dpr, badge.width / dpr, badge.height / dpr);
    }

    // The selected visitor's pin: a glowing ring on top of everything.
    const selectedKey = this.selectedId ? this.groupOf.get(this.selectedId) : undefined;
    const selected = selectedKey ? this.groups.get(selectedKey) : undefined;
    if (selected && index.has(selected)) {
      const i = index.get(selected);
      const r = (selected.ids.length > 1 ? GROUP_RADIUS_PX : PIN_RADIUS_PX) + 5;
      ctx.save();
      ctx.translate(xs[i], ys[i]);
      ctx.shadowColor = 'rgba(255, 209, 102, 0.8)';
      ctx.shadowBlur = 12;
      ctx.lineWidth = 3;
      ctx.strokeStyle = COLORS.selected;
      ctx.beginPath();
      ctx.arc(0, 0, r, 0, Math.PI * 2);
      ctx.stroke();
      ctx.restore();
      ctx.save();
      ctx.translate(xs[i], ys[i]);
      drawShape(ctx, selected.status, selected.ids.length > 1 ? GROUP_RADIUS_PX : PIN_RADIUS_PX);
      ctx.restore();
    }

    // New arrivals: a ring that widens and fades for a moment.
    if (this.arrivals.size > 0) {
      const now = performance.now();
      const still = !this.reducedMotion.matches;
      for (const [id, at] of this.arrivals) {
        const age = now - at;
        if (age >= ARRIVAL_MS || !still) {
          this.arrivals.delete(id);
          continue;
        }
        const key = this.groupOf.get(id);
        const group = key ? this.groups.get(key) : undefined;
        if (!group || !index.has(group)) continue;
        const i = index.get(group);
        const t = age / ARRIVAL_MS;
        ctx.beginPath();
        ctx.arc(xs[i], ys[i], PIN_RADIUS_PX + t * 22, 0, Math.PI * 2);
        ctx.lineWidth = 2.5 * (1 - t) + 0.5;
        ctx.strokeStyle = `rgba(46, 204, 113, ${(1 - t).toFixed(3)})`;
        ctx.stroke();
      }
      if (this.arrivals.size > 0) map.requestDraw();
    }
  }

  /**
   * @param {Status} status
   * @param {boolean} multi
   * @returns {HTMLCanvasElement}
   */
  sprite(status, multi) {
    const name = `${status}|${multi}`;
    let sprite = this.sprites.get(name);
    if (sprite) return sprite;
    const dpr = this.spriteDpr;
    const r = multi ? GROUP_RADIUS_PX : PIN_RADIUS_PX;
    const size = Math.ceil((r + 6) * 2);
    sprite = document.createElement('canvas');
    sprite.width = size * dpr;
    sprite.height = size * dpr;
    const ctx = /** @type {CanvasRenderingContext2D} */ (sprite.getContext('2d'));
    ctx.scale(dpr, dpr);
    ctx.translate(size / 2, size / 2);
    if (multi) {
      // A faint second ring says "several people here".
      ctx.beginPath();
      ctx.arc(0, 0, r + 3.5, 0, Math.PI * 2);
      ctx.lineWidth = 1.5;
      ctx.strokeStyle = status === 'offline' ? 'rgba(138, 148, 166, 0.6)' : status === 'chatting' ? 'rgba(61, 139, 253, 0.6)' : 'rgba(46, 204, 113, 0.6)';
      ctx.stroke();
    }
    drawShape(ctx, status, r);
    this.sprites.set(name, sprite);
    return sprite;
  }

  /**
   * A count badge, drawn once per distinct count.
   * @param {string} text
   * @returns {HTMLCanvasElement}
   */
  badge(text) {
    const name = `badge|${text}`;
    let sprite = this.sprites.get(name);
    if (sprite) return sprite;
    if (this.sprites.size > 600) this.sprites.clear();
    const dpr = this.spriteDpr;
    const font = '700 11px system-ui, sans-serif';
    const measure = /** @type {CanvasRenderingContext2D} */ (document.createElement('canvas').getContext('2d'));
    measure.font = font;
    const width = Math.max(18, Math.ceil(measure.measureText(text).width) + 10);
    const height = 18;
    sprite = document.createElement('canvas');
    sprite.width = width * dpr;
    sprite.height = height * dpr;
    const ctx = /** @type {CanvasRenderingContext2D} */ (sprite.getContext('2d'));
    ctx.scale(dpr, dpr);
    ctx.fillStyle = '#f5f7fb';
    ctx.beginPath();
    ctx.roundRect(0.5, 0.5, width - 1, height - 1, 8.5);
    ctx.fill();
    ctx.strokeStyle = COLORS.outline;
    ctx.lineWidth = 1;
    ctx.stroke();
    ctx.fillStyle = COLORS.outline;
    ctx.font = font;
    ctx.textAlign = 'center';
    ctx.textBaseline = 'middle';
    ctx.fillText(text, width / 2, height / 2 + 0.5);
    this.sprites.set(name, sprite);
    return sprite;
  }
}
