// @ts-check
/**
 * Which places share a pin: places whose pins would overlap on screen at the current
 * zoom are merged into one group pin, which splits again as the map zooms in. Pure
 * functions of the places and the zoom; the pin layer owns the result.
 */
import { STATUS_RANK } from './format.js';

/** @typedef {import('./places.js').Place} Place */
/** @typedef {import('./format.js').Status} Status */
/** @typedef {import('./store.js').Entry} Entry */

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
/** Grid cells are keyed by `x * ROW + y`: more cells than any zoom makes across a row. */
const ROW = 1e7;

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
 * @property {HTMLButtonElement | null} button its button (pin-buttons.js)
 * @property {HTMLElement | null} [invited] its **Invited** badge while a member is invited (pin-buttons.js)
 * @property {string} label the button's accessible name
 * @property {string[] | null} ids members, most recently connected first (built when asked for)
 */

/**
 * The zoom step for a scale: the groups made for it hold up to the next step.
 * @param {number} scale
 * @param {number} minScale the map's scale when zoomed out fully
 */
export function mergeStepFor(scale, minScale) {
  return Math.max(0, Math.floor(Math.log2(scale / minScale) * MERGE_STEPS_PER_DOUBLING + 1e-9));
}

/**
 * Merges places whose pins would overlap at a zoom step. In turn, each place joins
 * the nearest pin already standing within MERGE_DISTANCE_PX, or stands as a new pin;
 * so pins stand at least that far apart. A grid of that cell size keeps it linear
 * (about 1 ms for 5,000 places). Groups of `previous` are reused for the places that
 * still stand, so their buttons stay.
 * @param {Iterable<Place>} places
 * @param {Map<string, Group>} previous the groups until now
 * @param {number} step from mergeStepFor
 * @param {number} minScale
 * @returns {Map<string, Group>} the new groups by key (not yet summarised)
 */
export function cluster(places, previous, step, minScale) {
  const scale = minScale * 2 ** (step / MERGE_STEPS_PER_DOUBLING);
  const distance = MERGE_DISTANCE_PX / scale;
  const limit = distance * distance;
  // Places that already stand as pins go first, so a live change or a zoom step
  // moves as few pins (and their buttons) as possible; the rest, largest first.
  /** @type {Place[]} */
  const standing = [];
  /** @type {Place[]} */
  const others = [];
  for (const place of places) (previous.has(place.key) ? standing : others).push(place);
  const largestFirst = (/** @type {Place} */ a, /** @type {Place} */ b) =>
    b.members.size - a.members.size || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0);
  const order = standing.sort(largestFirst).concat(others.sort(largestFirst));
  /** @type {Map<number, Group[]>} */
  const grid = new Map();
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
    const group = previous.get(place.key) ?? {
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
  return next;
}

/**
 * Brings a group's count, status and place name up to date with its places.
 * @param {Group} group
 */
export function summarise(group) {
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
}

/**
 * The visitors of a pin, most recently connected first (kept on the group until it changes).
 * @param {Group} group
 * @param {Map<string, Entry>} entries the store's entries
 * @returns {string[]}
 */
export function membersOf(group, entries) {
  if (group.ids) return group.ids;
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
