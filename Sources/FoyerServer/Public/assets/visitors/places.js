// @ts-check
/**
 * Where the visible entries are on the map, by city ("places"): which entry stands in
 * which place, each place's projected point and its liveliest status. Kept up to date
 * entry by entry from the store's changes, or rebuilt after a snapshot or a filter.
 */
import { STATUS_RANK } from './format.js';
import { project } from './map.js';

/** Projected places kept between rebuilds (a long-open page sees many). */
const MAX_CACHED_POINTS = 20_000;

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
 * @property {string} group key of the pin that shows it (clustering.js)
 */

/** @param {Entry | undefined} entry */
export function isPlaced(entry) {
  return Boolean(entry && entry.location && entry.location.latitude !== null && entry.location.longitude !== null);
}

/** The city an entry is in, or its rounded point when the city is unknown. @param {Entry} entry */
function placeKey(entry) {
  const location = /** @type {import('./store.js').Location} */ (entry.location);
  if (location.city) return `${location.countryCode}|${location.city}`;
  return `${location.countryCode}|${Number(location.latitude).toFixed(2)},${Number(location.longitude).toFixed(2)}`;
}

export class Places {
  /** @param {import('./store.js').VisitorStore} store */
  constructor(store) {
    this.store = store;
    /** @type {Map<string, Place>} */
    this.byKey = new Map();
    /** Entry id → place key. @type {Map<string, string>} */
    this.keyOf = new Map();
    /** Projection is the costly part of a place: kept by key across rebuilds. @type {Map<string, [number, number]>} */
    this.points = new Map();
  }

  /** Places every visible entry again (after a snapshot or a filter change). */
  rebuild() {
    const entries = this.store.entries;
    this.byKey.clear();
    this.keyOf.clear();
    for (const id of this.store.visible) {
      const entry = entries.get(id);
      if (!entry || !isPlaced(entry)) continue;
      const key = placeKey(entry);
      const place = this.byKey.get(key) ?? this.create(key, entry);
      place.members.add(id);
      this.keyOf.set(id, key);
    }
    for (const place of this.byKey.values()) this.refresh(place);
  }

  /**
   * Moves changed entries to their places. The caller refreshes the places it gets
   * back (`refresh`, or `remove` when one is left empty).
   * @param {Iterable<string>} ids entries that changed
   * @returns {{ dirty: Set<Place>, created: boolean }} places that changed; whether one is new
   */
  move(ids) {
    const visible = this.store.visibleSet;
    /** @type {Set<Place>} */
    const dirty = new Set();
    let created = false;
    for (const id of ids) {
      const entry = this.store.get(id);
      const key = entry && visible.has(id) && isPlaced(entry) ? placeKey(entry) : null;
      const oldKey = this.keyOf.get(id);
      if (oldKey !== undefined && oldKey !== key) {
        const old = this.byKey.get(oldKey);
        if (old) {
          old.members.delete(id);
          dirty.add(old);
        }
        this.keyOf.delete(id);
      }
      if (key !== null && entry) {
        let place = this.byKey.get(key);
        if (!place) {
          place = this.create(key, entry);
          created = true;
        }
        place.members.add(id);
        this.keyOf.set(id, key);
        dirty.add(place);
      }
    }
    return { dirty, created };
  }

  /**
   * @param {string} key
   * @param {Entry} entry its first member
   * @returns {Place}
   */
  create(key, entry) {
    const location = /** @type {import('./store.js').Location} */ (entry.location);
    let point = this.points.get(key);
    if (!point) {
      if (this.points.size > MAX_CACHED_POINTS) this.points.clear();
      point = project(Number(location.longitude), Number(location.latitude));
      this.points.set(key, point);
    }
    const name = [location.city, location.country || location.countryCode].filter(Boolean).join(', ') || 'Unknown place';
    /** @type {Place} */
    const place = { key, members: new Set(), x: point[0], y: point[1], name, status: 'online', group: '' };
    this.byKey.set(key, place);
    return place;
  }

  /** @param {Place} place an empty place */
  remove(place) {
    this.byKey.delete(place.key);
  }

  /** Takes the liveliest status of the place's members. @param {Place} place */
  refresh(place) {
    const entries = this.store.entries;
    /** @type {Status} */
    let status = 'offline';
    for (const id of place.members) {
      const memberStatus = /** @type {Entry} */ (entries.get(id)).status;
      if (STATUS_RANK[memberStatus] > STATUS_RANK[status]) status = memberStatus;
      if (status === 'chatting') break;
    }
    place.status = status;
  }

  /** @param {string} id an entry @returns {Place | undefined} */
  of(id) {
    const key = this.keyOf.get(id);
    return key ? this.byKey.get(key) : undefined;
  }
}
