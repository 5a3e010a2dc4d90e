// @ts-check
import { el } from '../common/dom.js';
import { STATUS_LABEL, STATUS_RANK } from './format.js';
import { project } from './map.js';

/** Buttons this far (px) outside the panel are still laid out. */
const BUTTON_MARGIN_PX = 24;
const PIN_RADIUS_PX = 6;
const GROUP_RADIUS_PX = 8.5;
/**
 * Pins closer than this on screen merge into one group pin. It is the width of a
 * group pin's button (visitors.css), so no two pins or buttons ever overlap.
 */
export const MERGE_DISTANCE_PX = 32;
/**
 * Pins are regrouped at these zoom steps per doubling, not at every scale, so the
 * groups hold still while a zoom animates; between steps the map is zoomed in
 * further than the grouping assumed, which only spreads pins further apart.
 */
const MERGE_STEPS_PER_DOUBLING = 4;
/** New arrivals get a widening ring; more at once would only be noise. */
const MAX_ARRIVAL_RINGS = 8;
const BADGE_FONT = '700 11px system-ui, sans-serif';
const BADGE_HEIGHT_PX = 18;
/** Projected places kept between regroupings (a long-open page sees many). */
const MAX_CACHED_PLACES = 20_000;

/** @typedef {import('./store.js').Entry} Entry */
/** @typedef {import('./format.js').Status} Status */

/**
 * Every visible entry with a place on the map, by city.
 * @typedef {object} Place
 * @property {string} key
 * @property {Set<string>} members
 * @property {number} x world units
 * @property {number} y world units
 * @property {string} name "Istanbul, Türkiye"
 * @property {Status} status the liveliest member's status
 * @property {string} group key of the pin that shows it
 */

/**
 * One pin on the map: a place, with the places that would overlap it on screen
 * at the current zoom.
 * @typedef {object} Group
 * @property {string} key the key of its first place
 * @property {Place[]} places the largest first; the pin stands on the first
 * @property {number} size visitors in all its places
 * @property {number} x world units
 * @property {number} y world units
 * @property {string} place "Istanbul, Türkiye", or "Istanbul, Türkiye and 2 more places"
 * @property {Status} status the liveliest member's status
 * @property {HTMLButtonElement | null} button
 * @property {string} label the button's accessible name
 * @property {string[] | null} ids members, most recently connected first (built when asked for)
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
 *
 * Entries are grouped by city (places); places whose pins would overlap at the
 * current zoom are merged into one group pin, which splits again as the map
 * zooms in.
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
    /** @type {Map<string, Place>} */
    this.places = new Map();
    /** @type {Map<string, string>} entry id → place key */
    this.placeOf = new Map();
    /** @type {Map<string, Group>} the pins shown, by key */
    this.groups = new Map();
    /** @type {number | null} zoom step the groups were made for */
    this.mergeStep = null;
    /** @type {string | null} */
    this.selectedId = null;
    /** @type {Map<string, [number, number]>} */
    this.projected = new Map();
    /** @type {Map<string, HTMLCanvasElement>} */
    this.sprites = new Map();
    this.spriteDpr = 0;
    /** @type {Map<string, number> | null} CSS px per badge character, measured once */
    this.badgeAdvances = null;
    this.buttonsStale = true;
    this.layoutKey = '';
    /** @type {string | null} place whose pin had focus when its button went away in a regrouping */
    this.refocusPlace = null;
    /** @type {Set<HTMLElement>} */
    this.rings = new Set();
    this.reducedMotion = window.matchMedia('(prefers-reduced-motion: reduce)');

    layer.addEventListener('click', (event) => {
      const button = /** @type {HTMLElement} */ (event.target).closest('button.pin');
      if (!(button instanceof HTMLButtonElement) || !button.dataset.key) return;
      const group = this.groups.get(button.dataset.key);
      if (!group) return;
      const ids = this.idsOf(group);
      if (ids.length === 1) this.onSelect(ids[0]);
      else if (ids.length > 1) this.onGroup(group, button);
    });
  }

  /** @param {import('./store.js').Change} change */
  update(change) {
    let regroup = false;
    /** @type {Set<Place>} */
    const dirty = new Set();
    if (change.reset || change.filterChanged) {
      this.rebuild();
      regroup = true;
    } else {
      if (change.touched.size === 0) return;
      const visible = this.store.visibleSet;
      for (const id of change.touched) {
        const entry = this.store.get(id);
        const key = entry && visible.has(id) && isPlaced(entry) ? groupKey(entry) : null;
        const oldKey = this.placeOf.get(id);
        if (oldKey !== undefined && oldKey !== key) {
          const old = this.places.get(oldKey);
          if (old) {
            old.members.delete(id);
            dirty.add(old);
          }
          this.placeOf.delete(id);
        }
        if (key !== null && entry) {
          let place = this.places.get(key);
          if (!place) {
            place = this.createPlace(key, entry);
            regroup = true;
          }
          place.members.add(id);
          this.placeOf.set(id, key);
          dirty.add(place);
        }
      }
    }
    /** @type {Set<Group>} */
    const groups = new Set();
    for (const place of dirty) {
      if (place.members.size === 0) {
        this.places.delete(place.key);
        regroup = true;
        continue;
      }
      this.refreshPlace(place);
      const group = this.groups.get(place.group);
      if (group) groups.add(group);
    }
    if (regroup) this.regroup();
    else for (const group of groups) this.refreshGroup(group);
    if (!change.reset && change.arrived.size > 0) this.ringArrivals(change.arrived);
    if (regroup || groups.size > 0) this.map.requestDraw();
  }

  /** Place every visible entry again (after a snapshot or a filter change). */
  rebuild() {
    const entries = this.store.entries;
    this.places.clear();
    this.placeOf.clear();
    for (const id of this.store.visible) {
      const entry = entries.get(id);
      if (!entry || !isPlaced(entry)) continue;
      const key = groupKey(entry);
      const place = this.places.get(key) ?? this.createPlace(key, entry);
      place.members.add(id);
      this.placeOf.set(id, key);
    }
    for (const place of this.places.values()) this.refreshPlace(place);
  }

  /**
   * @param {string} key
   * @param {Entry} entry
   * @returns {Place}
   */
  createPlace(key, entry) {
    const loc = /** @type {import('./store.js').Location} */ (entry.location);
    let point = this.projected.get(key);
    if (!point) {
      if (this.projected.size > MAX_CACHED_PLACES) this.projected.clear();
      point = project(Number(loc.longitude), Number(loc.latitude));
      this.projected.set(key, point);
    }
    const name = [loc.city, loc.country || loc.countryCode].filter(Boolean).join(', ') || 'Unknown place';
    /** @type {Place} */
    const place = { key, members: new Set(), x: point[0], y: point[1], name, status: 'online', group: '' };
    this.places.set(key, place);
    return place;
  }

  /** @param {Place} place */
  refreshPlace(place) {
    const entries = this.store.entries;
    /** @type {Status} */
    let status = 'offline';
    for (const id of place.members) {
      const s = /** @type {Entry} */ (entries.get(id)).status;
      if (STATUS_RANK[s] > STATUS_RANK[status]) status = s;
      if (status === 'chatting') break;
    }
    place.status = status;
  }

  /**
   * The zoom step for a scale: the groups made for it hold up to the next step.
   * @param {number} scale
   */
  mergeStepFor(scale) {
    return Math.max(0, Math.floor(Math.log2(scale / this.map.minScale) * MERGE_STEPS_PER_DOUBLING + 1e-9));
  }

  /**
   * Merge places whose pins would overlap at the current zoom step. In turn, each
   * place joins the nearest pin already standing within MERGE_DISTANCE_PX, or
   * stands as a new pin; so pins stand at least that far apart. A grid of that
   * cell size keeps it linear (about 1 ms for 5,000 places).
   */
  regroup() {
    const step = this.mergeStepFor(this.map.scale);
    this.mergeStep = step;
    const scale = this.map.minScale * 2 ** (step / MERGE_STEPS_PER_DOUBLING);
    const distance = MERGE_DISTANCE_PX / scale;
    const limit = distance * distance;
    // Places that already stand as pins go first, so a live change or a zoom step
    // moves as few pins (and their buttons) as possible; the rest, largest first.
    /** @type {Place[]} */
    const standing = [];
    /** @type {Place[]} */
    const others = [];
    for (const place of this.places.values()) (this.groups.has(place.key) ? standing : others).push(place);
    const largestFirst = (/** @type {Place} */ a, /** @type {Place} */ b) =>
      b.members.size - a.members.size || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0);
    const order = standing.sort(largestFirst).concat(others.sort(largestFirst));
    /** @type {Map<number, Group[]>} */
    const grid = new Map();
    const ROW = 1e7;
    /** @type {Map<string, Group>} */
    const next = new Map();
    for (const place of order) {
      const gx = Math.floor(place.x / distance);
      const gy = Math.floor(place.y / distance);
      /** @type {Group | null} */
      let nearest = null;
      let best = limit;
      for (let ix = gx - 1; ix <= gx + 1; ix++) {
        for (let iy = gy - 1; iy <= gy + 1; iy++) {
          const cell = grid.get(ix * ROW + iy);
          if (!cell) continue;
          for (const group of cell) {
            const dx = group.x - place.x;
            const dy = group.y - place.y;
            const d = dx * dx + dy * dy;
            if (d < best) {
              best = d;
              nearest = group;
            }
          }
        }
      }
      if (nearest) {
        nearest.places.push(place);
        place.group = nearest.key;
        continue;
      }
      /** @type {Group} */
      const group = this.groups.get(place.key) ?? {
        key: place.key, places: [], size: 0, x: 0, y: 0, place: '', status: 'online', button: null, label: '', ids: null,
      };
      group.places = [place];
      group.x = place.x;
      group.y = place.y;
      place.group = place.key;
      next.set(place.key, group);
      const cellKey = gx * ROW + gy;
      const cell = grid.get(cellKey);
      if (cell) cell.push(group); else grid.set(cellKey, [group]);
    }
    const focused = document.activeElement;
    for (const [key, group] of this.groups) {
      if (next.has(key) || !group.button) continue;
      if (group.button === focused) this.refocusPlace = key;
      group.button.remove();
      group.button = null;
    }
    this.groups = next;
    for (const group of next.values()) this.refreshGroup(group);
    this.buttonsStale = true;
  }

  /**
   * Bring a group's count, status and button up to date.
   * @param {Group} group
   */
  refreshGroup(group) {
    let size = 0;
    /** @type {Status} */
    let status = 'offline';
    for (const place of group.places) {
      size += place.members.size;
      if (STATUS_RANK[place.status] > STATUS_RANK[status]) status = place.status;
    }
    group.size = size;
    group.status = status;
    const more = group.places.length - 1;
    group.place = more === 0 ? group.places[0].name
      : `${group.places[0].name} and ${more} more ${more === 1 ? 'place' : 'places'}`;
    group.ids = null;
    this.paintButton(group);
  }

  /**
   * The visitors of a pin, most recently connected first.
   * @param {Group} group
   * @returns {string[]}
   */
  idsOf(group) {
    if (group.ids) return group.ids;
    const entries = this.store.entries;
    /** @type {string[]} */
    const ids = [];
    // A member the store no longer has was removed since this view last updated (it
    // redraws at most every 200 ms while the feed is busy): it is not listed.
    for (const place of group.places) for (const id of place.members) if (entries.has(id)) ids.push(id);
    if (ids.length > 1) {
      ids.sort((a, b) => {
        const x = /** @type {Entry} */ (entries.get(a));
        const y = /** @type {Entry} */ (entries.get(b));
        return y.connectedAt - x.connectedAt || y.number - x.number;
      });
    }
    group.ids = ids;
    return ids;
  }

  /**
   * The pin that shows an entry, if it is on the map.
   * @param {string} id
   * @returns {Group | undefined}
   */
  groupOfEntry(id) {
    const key = this.placeOf.get(id);
    const place = key ? this.places.get(key) : undefined;
    return place ? this.groups.get(place.group) : undefined;
  }

  /** @param {Group} group */
  paintButton(group) {
    let button = group.button;
    if (!button) {
      button = el('button', { class: 'pin', attrs: { type: 'button', 'data-key': group.key } });
      button.hidden = true;
      group.button = button;
      group.label = '';
      this.layer.append(button);
      this.buttonsStale = true;
    }
    let label;
    if (group.size === 1) {
      const entry = this.store.get(this.idsOf(group)[0] ?? '');
      // Removed since this view last updated: the pending update repaints the pin.
      if (!entry) return;
      label = `${entry.name}, ${STATUS_LABEL[entry.status]}, ${group.place}`;
      button.dataset.id = entry.id;
    } else {
      label = `${group.size} visitors in ${group.place}`;
      delete button.dataset.id;
    }
    if (label !== group.label) {
      group.label = label;
      button.setAttribute('aria-label', label);
      button.title = label;
    }
    const selected = this.selectedId !== null && this.groupOfEntry(this.selectedId) === group;
    const className = `pin status-${group.status}${group.size > 1 ? ' group' : ''}${selected ? ' selected' : ''}`;
    if (button.className !== className) button.className = className;
    if (selected) button.setAttribute('aria-current', 'true');
    else if (button.hasAttribute('aria-current')) button.removeAttribute('aria-current');
  }

  /** @param {string | null} id */
  setSelected(id) {
    const previous = this.selectedId;
    this.selectedId = id;
    for (const other of [previous, id]) {
      const group = other ? this.groupOfEntry(other) : undefined;
      if (group) this.paintButton(group);
    }
    this.map.requestDraw();
  }

  /**
   * World point of an entry's own place, or null when it is not on the map.
   * @param {string} id
   * @returns {[number, number] | null}
   */
  pointOf(id) {
    const key = this.placeOf.get(id);
    const place = key ? this.places.get(key) : undefined;
    return place ? [place.x, place.y] : null;
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
      this.clearRings();
      return;
    }
    if (this.mergeStep !== this.mergeStepFor(map.scale)) this.regroup();
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
    if (this.refocusPlace !== null) {
      // The focused pin merged into another (or split): keep focus on the pin now showing its place.
      const place = this.places.get(this.refocusPlace);
      const button = place ? this.groups.get(place.group)?.button : null;
      this.refocusPlace = null;
      if (button && !button.hidden && (document.activeElement === document.body || document.activeElement === null)) {
        button.focus({ preventScroll: true });
      }
    }
  }

  /**
   * A widening ring over the pins of new arrivals. It is a CSS animation of
   * `scale` and `opacity`, which the compositor runs without the page, so a
   * busy feed does not redraw the whole map canvas every frame for it.
   * @param {Set<string>} arrived
   */
  ringArrivals(arrived) {
    if (this.reducedMotion.matches || this.map.moving) return;
    const { scale, cx, cy, width, height } = this.map;
    for (const id of arrived) {
      if (this.rings.size >= MAX_ARRIVAL_RINGS) return;
      const group = this.groupOfEntry(id);
      if (!group) continue;
      const sx = Math.round((group.x - cx) * scale + width / 2);
      const sy = Math.round((group.y - cy) * scale + height / 2);
      if (sx < 0 || sx > width || sy < 0 || sy > height) continue;
      const ring = el('span', { class: 'arrival-ring', attrs: { 'aria-hidden': 'true' } });
      ring.style.translate = `${sx}px ${sy}px`;
      ring.addEventListener('animationend', () => {
        ring.remove();
        this.rings.delete(ring);
      }, { once: true });
      this.rings.add(ring);
      this.layer.append(ring);
    }
  }

  clearRings() {
    for (const ring of this.rings) ring.remove();
    this.rings.clear();
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
    if (this.mergeStep !== this.mergeStepFor(map.scale)) this.regroup();
    const { scale, cx, cy, width, height } = map;
    const halfW = width / 2;
    const halfH = height / 2;
    const margin = 40;
    /** @type {Record<Status, Group[]>} */
    const buckets = { offline: [], online: [], chatting: [] };
    for (const group of this.groups.values()) {
      const sx = (group.x - cx) * scale + halfW;
      const sy = (group.y - cy) * scale + halfH;
      if (sx < -margin || sx > width + margin || sy < -margin || sy > height + margin) continue;
      buckets[group.status].push(group);
    }
    /** @param {Group} group */
    const screenX = (group) => (group.x - cx) * scale + halfW;
    /** @param {Group} group */
    const screenY = (group) => (group.y - cy) * scale + halfH;
    /** @type {Group[]} */
    const grouped = [];
    for (const status of /** @type {Status[]} */ (['offline', 'online', 'chatting'])) {
      for (const group of buckets[status]) {
        const multi = group.size > 1;
        const sprite = this.sprite(status, multi);
        const half = sprite.width / dpr / 2;
        ctx.drawImage(sprite, Math.round((screenX(group) - half) * dpr) / dpr, Math.round((screenY(group) - half) * dpr) / dpr,
          sprite.width / dpr, sprite.height / dpr);
        if (multi) grouped.push(group);
      }
    }
    for (const group of grouped) {
      this.drawBadge(ctx, group.size > 999 ? '999+' : String(group.size),
        Math.round((screenX(group) + 5) * dpr) / dpr, Math.round((screenY(group) - 19) * dpr) / dpr);
    }

    // The selected visitor's pin: a glowing ring on top of everything.
    const selected = this.selectedId ? this.groupOfEntry(this.selectedId) : undefined;
    if (selected) {
      const x = screenX(selected);
      const y = screenY(selected);
      const r = (selected.size > 1 ? GROUP_RADIUS_PX : PIN_RADIUS_PX) + 5;
      ctx.save();
      ctx.translate(x, y);
      ctx.shadowColor = 'rgba(255, 209, 102, 0.8)';
      ctx.shadowBlur = 12;
      ctx.lineWidth = 3;
      ctx.strokeStyle = COLORS.selected;
      ctx.beginPath();
      ctx.arc(0, 0, r, 0, Math.PI * 2);
      ctx.stroke();
      ctx.restore();
      ctx.save();
      ctx.translate(x, y);
      drawShape(ctx, selected.status, selected.size > 1 ? GROUP_RADIUS_PX : PIN_RADIUS_PX);
      ctx.restore();
    }
  }

  /**
   * @param {Status} status
   * @param {boolean} multi
   * @returns {HTMLCanvasElement}
   */
  sprite(status, multi) {
    const r = multi ? GROUP_RADIUS_PX : PIN_RADIUS_PX;
    const size = Math.ceil((r + 6) * 2);
    return this.cached(`${status}|${multi}`, size, size, (ctx) => {
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
    });
  }

  /**
   * A sprite drawn once at the device pixel ratio and kept under `name`.
   * @param {string} name
   * @param {number} width CSS pixels
   * @param {number} height CSS pixels
   * @param {(ctx: CanvasRenderingContext2D) => void} draw in CSS pixels
   * @returns {HTMLCanvasElement}
   */
  cached(name, width, height, draw) {
    let sprite = this.sprites.get(name);
    if (sprite) return sprite;
    const dpr = this.spriteDpr;
    sprite = document.createElement('canvas');
    sprite.width = width * dpr;
    sprite.height = height * dpr;
    const ctx = /** @type {CanvasRenderingContext2D} */ (sprite.getContext('2d'));
    ctx.scale(dpr, dpr);
    draw(ctx);
    this.sprites.set(name, sprite);
    return sprite;
  }

  /**
   * A count badge: a pill sized for its text, with the
   * characters stamped on it from pre-drawn glyphs. Group counts change with
   * nearly every update, so a sprite per count (a canvas each) kept being made.
   * @param {CanvasRenderingContext2D} ctx
   * @param {string} text digits, or "999+"
   * @param {number} x left, CSS pixels
   * @param {number} y top, CSS pixels
   */
  drawBadge(ctx, text, x, y) {
    const dpr = this.spriteDpr;
    const advances = this.glyphAdvances();
    let textWidth = 0;
    for (const ch of text) textWidth += advances.get(ch) ?? 0;
    const base = this.badgeBase(Math.ceil(textWidth));
    const width = base.width / dpr;
    ctx.drawImage(base, x, y, width, base.height / dpr);
    let cursor = x + (width - textWidth) / 2;
    for (const ch of text) {
      const glyph = this.glyph(ch);
      const advance = advances.get(ch) ?? 0;
      const gx = Math.round((cursor + advance / 2 - glyph.width / dpr / 2) * dpr) / dpr;
      ctx.drawImage(glyph, gx, y, glyph.width / dpr, glyph.height / dpr);
      cursor += advance;
    }
  }

  /** Advance width (CSS px) of each badge character, measured once. */
  glyphAdvances() {
    if (this.badgeAdvances) return this.badgeAdvances;
    const measure = /** @type {CanvasRenderingContext2D} */ (document.createElement('canvas').getContext('2d'));
    measure.font = BADGE_FONT;
    /** @type {Map<string, number>} */
    const advances = new Map();
    for (const ch of '0123456789+') advances.set(ch, measure.measureText(ch).width);
    this.badgeAdvances = advances;
    return advances;
  }

  /**
   * The pill for a text this wide (whole CSS px).
   * @param {number} textWidth
   * @returns {HTMLCanvasElement}
   */
  badgeBase(textWidth) {
    const width = Math.max(BADGE_HEIGHT_PX, textWidth + 10);
    return this.cached(`badge|${textWidth}`, width, BADGE_HEIGHT_PX, (ctx) => {
      ctx.fillStyle = '#f5f7fb';
      ctx.beginPath();
      ctx.roundRect(0.5, 0.5, width - 1, BADGE_HEIGHT_PX - 1, 8.5);
      ctx.fill();
      ctx.strokeStyle = COLORS.outline;
      ctx.lineWidth = 1;
      ctx.stroke();
    });
  }

  /**
   * @param {string} ch
   * @returns {HTMLCanvasElement}
   */
  glyph(ch) {
    const width = Math.ceil(this.glyphAdvances().get(ch) ?? 8) + 2;
    return this.cached(`glyph|${ch}`, width, BADGE_HEIGHT_PX, (ctx) => {
      ctx.fillStyle = COLORS.outline;
      ctx.font = BADGE_FONT;
      ctx.textAlign = 'center';
      ctx.textBaseline = 'middle';
      ctx.fillText(ch, width / 2, BADGE_HEIGHT_PX / 2 + 0.5);
    });
  }
}
