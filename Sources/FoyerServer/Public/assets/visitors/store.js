// @ts-check
import { profileSearchTexts } from './profile.js';
import { fold, normaliseStatus } from './format.js';

/**
 * @typedef {object} Location
 * @property {string} countryCode
 * @property {string} country
 * @property {string} city
 * @property {number | null} latitude  null when only the country is known
 * @property {number | null} longitude
 * @property {string} source
 */

/**
 * @typedef {object} PageView
 * @property {string} url
 * @property {string} title
 * @property {number} at
 */

/**
 * One visitor entry as the feed sends it (docs/PROTOCOL.md section 2).
 * @typedef {object} Entry
 * @property {string} id
 * @property {number} number
 * @property {string} name
 * @property {import('./format.js').Status} status
 * @property {number} connectedAt
 * @property {number} pageSince
 * @property {number | null} leftAt
 * @property {string} url
 * @property {string} title
 * @property {string} referrer
 * @property {string} language
 * @property {string} timezone
 * @property {boolean} returning
 * @property {Location | null} location
 * @property {unknown[]} pages the history as sent (oldest first); read it through pageViews()
 * @property {string | null} chatId
 * @property {unknown} [profile] who the visitor is, as sent; read it through profile.js
 * @property {unknown} [device]
 * @property {number | null} [visits]
 * @property {unknown} [campaign]
 * @property {unknown[]} [events]
 * @property {number} pageCount pages viewed in this visit (the history keeps only the last ones)
 * @property {Invitation | null} invitation
 */

/**
 * An invitation to chat (docs/PROTOCOL.md section 2); pending while sent or seen.
 * @typedef {object} Invitation
 * @property {string} id
 * @property {string} message
 * @property {string} agent
 * @property {string | null} trigger
 * @property {'sent' | 'seen' | 'accepted' | 'dismissed' | 'expired'} state
 * @property {number} sentAt
 * @property {number} updatedAt
 */

/**
 * @typedef {object} Counters
 * @property {number} live
 * @property {number} chats
 * @property {number} [waiting]
 */

/**
 * What the views get when something changed since the last frame.
 * @typedef {object} Change
 * @property {boolean} reset        a snapshot replaced everything
 * @property {boolean} listChanged  the filtered, ordered list may differ
 * @property {boolean} filterChanged the filter text changed (any entry may have left or joined the view)
 * @property {Set<string>} touched  ids added, changed or removed
 * @property {Set<string>} arrived  ids that arrived live (not from a snapshot)
 * @property {boolean} countersChanged
 * @property {boolean} trackingChanged
 */

/**
 * While the feed is busy, live changes reach the views at most this often. Each
 * redraw costs the browser a fixed few milliseconds (style, paint, the map canvas
 * copied to the compositor) whatever the number of changes in it, so at 1,000
 * messages/s drawing every frame kept a 2-core machine's renderer busy and
 * dropped frames; five redraws a second are still "within a second" (SPEC) and
 * a lone change after a quiet spell is drawn on the next frame.
 */
export const LIVE_REDRAW_INTERVAL_MS = 200;

/**
 * Holds the page's state: every entry by id, the order (most recently connected
 * first), the filter and the filtered view. Feed messages change it at once;
 * subscribers are told on an animation frame, at most every
 * LIVE_REDRAW_INTERVAL_MS for live changes, with everything that changed.
 */
export class VisitorStore {
  constructor() {
    /** @type {Map<string, Entry>} */
    this.entries = new Map();
    /** @type {Map<string, string>} folded search text per id */
    this.searchText = new Map();
    /** @type {string[]} every id, most recently connected first */
    this.order = [];
    /** @type {string[]} ids passing the filter, in order */
    this.visible = [];
    /** @type {Set<string>} */
    this.visibleSet = new Set();
    this.query = '';
    this.foldedQuery = '';
    /** @type {Counters} */
    this.counters = { live: 0, chats: 0, waiting: 0 };
    /** @type {boolean | null} null until the first snapshot */
    this.tracking = null;
    this.limit = 0;
    /** server clock minus ours, in ms */
    this.clockSkew = 0;
    /** @type {Map<string, {entry: Entry, reason: string}>} entries removed while open in the drawer */
    this.removed = new Map();
    /** @type {Set<(change: Change) => void>} */
    this.listeners = new Set();
    this.filterDirty = false;
    /** @type {Change} */
    this.pending = VisitorStore.emptyChange();
    this.flushScheduled = false;
    /** @type {number | undefined} */
    this.flushFrame = undefined;
    /** @type {ReturnType<typeof setTimeout> | undefined} */
    this.flushTimer = undefined;
    /** performance.now() of the last flush */
    this.lastFlushAt = -Infinity;
    /** Set by tests and benchmarks to flush synchronously instead of per frame. */
    this.synchronous = false;
  }

  /** @returns {Change} */
  static emptyChange() {
    return {
      reset: false, listChanged: false, filterChanged: false, touched: new Set(), arrived: new Set(),
      countersChanged: false, trackingChanged: false,
    };
  }

  /** @param {(change: Change) => void} listener */
  subscribe(listener) {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Server time now, in ms since the epoch. */
  now() {
    return Date.now() + this.clockSkew;
  }

  /**
   * Apply one feed message.
   * @param {any} message
   */
  apply(message) {
    if (!message || typeof message !== 'object') return;
    switch (message.type) {
      case 'snapshot': this.applySnapshot(message); break;
      case 'added': {
        const entry = sanitiseEntry(message.entry);
        if (!entry) return;
        const isNew = !this.entries.has(entry.id);
        this.put(entry);
        if (isNew) this.pending.arrived.add(entry.id);
        break;
      }
      case 'changed': {
        // Only what changed comes; an id we do not hold has nothing to merge into
        // (the feed never skips a message: a gap means a new snapshot).
        const previous = this.entries.get(String(message.id));
        if (!previous) return;
        const entry = mergeChange(previous, message);
        if (!entry) return;
        this.put(entry);
        break;
      }
      case 'removed': this.remove(String(message.id), String(message.reason ?? '')); break;
      case 'counters': this.setCounters(message.counters); break;
      case 'tracking': {
        this.tracking = Boolean(message.enabled);
        this.pending.trackingChanged = true;
        if (!this.tracking) this.clearAll('cleared');
        break;
      }
      default: return;
    }
    this.schedule();
  }

  /** @param {any} message */
  applySnapshot(message) {
    this.entries.clear();
    this.searchText.clear();
    this.removed.clear();
    this.order = [];
    this.tracking = message.tracking !== false;
    this.limit = Number(message.limit) || 0;
    if (typeof message.now === 'number') this.clockSkew = message.now - Date.now();
    const list = Array.isArray(message.entries) ? message.entries : [];
    for (const raw of list) {
      const entry = sanitiseEntry(raw);
      if (!entry) continue;
      if (!this.entries.has(entry.id)) this.order.push(entry.id);
      this.entries.set(entry.id, entry);
      this.searchText.set(entry.id, searchTextOf(entry));
    }
    const entries = this.entries;
    this.order.sort((a, b) => compareEntries(/** @type {Entry} */ (entries.get(a)), /** @type {Entry} */ (entries.get(b))));
    this.filterDirty = true;
    this.pending = VisitorStore.emptyChange();
    this.pending.reset = true;
    this.pending.listChanged = true;
    this.pending.trackingChanged = true;
    this.setCounters(message.counters);
  }

  /** @param {any} counters */
  setCounters(counters) {
    if (counters && typeof counters === 'object') {
      this.counters = {
        live: Number(counters.live) || 0,
        chats: Number(counters.chats) || 0,
        waiting: Number(counters.waiting) || 0,
      };
    } else {
      let chats = 0;
      for (const entry of this.entries.values()) if (entry.chatId && entry.status === 'chatting') chats++;
      this.counters = { live: this.entries.size, chats, waiting: 0 };
    }
    this.pending.countersChanged = true;
  }

  /** @param {Entry} entry */
  put(entry) {
    const previous = this.entries.get(entry.id);
    this.entries.set(entry.id, entry);
    this.removed.delete(entry.id);
    const text = searchTextOf(entry);
    const textChanged = this.searchText.get(entry.id) !== text;
    this.searchText.set(entry.id, text);
    if (!previous) {
      this.insertInOrder(entry);
      this.filterDirty = true;
    } else if (previous.connectedAt !== entry.connectedAt || previous.number !== entry.number) {
      this.removeFromOrder(entry.id, previous);
      this.insertInOrder(entry);
      this.filterDirty = true;
    } else if (textChanged && this.foldedQuery) {
      this.filterDirty = true;
    }
    this.pending.touched.add(entry.id);
  }

  /**
   * @param {string} id
   * @param {string} reason
   */
  remove(id, reason) {
    const entry = this.entries.get(id);
    if (!entry) return;
    this.entries.delete(id);
    this.searchText.delete(id);
    this.removeFromOrder(id, entry);
    this.removed.set(id, { entry, reason });
    if (this.removed.size > 200) {
      const oldest = this.removed.keys().next().value;
      if (oldest !== undefined) this.removed.delete(oldest);
    }
    this.filterDirty = true;
    this.pending.touched.add(id);
  }

  /**
   * Binary-insert an id into the order (most recently connected first).
   * @param {Entry} entry
   */
  insertInOrder(entry) {
    let low = 0;
    let high = this.order.length;
    while (low < high) {
      const mid = (low + high) >>> 1;
      const other = /** @type {Entry} */ (this.entries.get(this.order[mid]));
      if (compareEntries(other, entry) <= 0) low = mid + 1; else high = mid;
    }
    this.order.splice(low, 0, entry.id);
  }

  /**
   * Remove an id from the order by binary search (an indexOf over 5,000 ids for
   * each removal was the page's costliest line at 1,000 updates/s).
   * @param {string} id
   * @param {Entry} entry the entry as it was when it was put in the order
   */
  removeFromOrder(id, entry) {
    const order = this.order;
    let low = 0;
    let high = order.length;
    while (low < high) {
      const mid = (low + high) >>> 1;
      if (order[mid] === id) {
        order.splice(mid, 1);
        return;
      }
      const other = /** @type {Entry} */ (this.entries.get(order[mid]));
      if (compareEntries(other, entry) < 0) low = mid + 1; else high = mid;
    }
    const index = order.indexOf(id);
    if (index >= 0) order.splice(index, 1);
  }

  /** @param {string} reason */
  clearAll(reason) {
    for (const id of [...this.entries.keys()]) this.remove(id, reason);
  }

  /**
   * Change the filter text; the views are updated before this returns.
   * @param {string} query
   */
  setQuery(query) {
    const folded = fold(query.trim());
    this.query = query;
    if (folded === this.foldedQuery) return;
    this.foldedQuery = folded;
    this.filterDirty = true;
    this.pending.filterChanged = true;
    this.flush();
  }

  schedule() {
    if (this.synchronous) {
      this.flush();
      return;
    }
    if (this.flushScheduled) return;
    this.flushScheduled = true;
    const onFrame = () => {
      this.flushFrame = undefined;
      this.flush();
    };
    const wait = this.lastFlushAt + LIVE_REDRAW_INTERVAL_MS - performance.now();
    if (wait <= 0) {
      this.flushFrame = requestAnimationFrame(onFrame);
    } else {
      this.flushTimer = setTimeout(() => {
        this.flushTimer = undefined;
        this.flushFrame = requestAnimationFrame(onFrame);
      }, wait);
    }
  }

  /** Bring the derived lists up to date and tell the listeners. */
  flush() {
    if (this.flushScheduled) {
      clearTimeout(this.flushTimer);
      if (this.flushFrame !== undefined) cancelAnimationFrame(this.flushFrame);
      this.flushTimer = undefined;
      this.flushFrame = undefined;
      this.flushScheduled = false;
    }
    this.lastFlushAt = performance.now();
    if (this.filterDirty) {
      this.recomputeVisible();
      this.filterDirty = false;
      this.pending.listChanged = true;
    }
    const change = this.pending;
    this.pending = VisitorStore.emptyChange();
    for (const listener of this.listeners) listener(change);
  }

  recomputeVisible() {
    const query = this.foldedQuery;
    if (!query) {
      this.visible = this.order.slice();
    } else {
      const texts = this.searchText;
      const entries = this.entries;
      this.visible = this.order.filter((id) => matches(/** @type {string} */ (texts.get(id)),
        /** @type {Entry} */ (entries.get(id)), query));
    }
    this.visibleSet = new Set(this.visible);
  }

  /** @param {string} id */
  get(id) {
    return this.entries.get(id);
  }
}

/**
 * Most recently connected first; ties by the higher number first.
 * @param {Entry} a
 * @param {Entry} b
 */
function compareEntries(a, b) {
  return b.connectedAt - a.connectedAt || b.number - a.number || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
}

/** Field separator inside the folded search text; never typed by a person. */
const SEP = '\u0001';

/** @param {Entry} entry */
function searchTextOf(entry) {
  const loc = entry.location;
  return fold([entry.name, loc?.city ?? '', loc?.country ?? '', entry.title, ...profileSearchTexts(entry)].join(SEP));
}

/**
 * @param {string} text folded search text
 * @param {Entry} entry
 * @param {string} query folded query
 */
function matches(text, entry, query) {
  if (text.includes(query)) return true;
  const code = entry.location?.countryCode;
  return Boolean(code) && code.toLowerCase() === query;
}

/**
 * Accept an entry only in the documented shape; anything odd is coerced to
 * strings and numbers so the views never meet surprises.
 * @param {any} raw
 * @returns {Entry | null}
 */
export function sanitiseEntry(raw) {
  if (!raw || typeof raw !== 'object' || typeof raw.id !== 'string') return null;
  const str = (/** @type {any} */ v) => (typeof v === 'string' ? v : v == null ? '' : String(v));
  const num = (/** @type {any} */ v, /** @type {number} */ fallback) => (Number.isFinite(v) ? Number(v) : fallback);
  const number = num(raw.number, 0);
  let location = null;
  const l = raw.location;
  if (l && typeof l === 'object') {
    const placed = Number.isFinite(l.latitude) && Number.isFinite(l.longitude);
    location = {
      countryCode: str(l.countryCode).toUpperCase(),
      country: str(l.country),
      city: str(l.city),
      latitude: placed ? Math.max(-85, Math.min(85, l.latitude)) : null,
      longitude: placed ? Math.max(-180, Math.min(180, l.longitude)) : null,
      source: str(l.source),
    };
  }
  const connectedAt = num(raw.connectedAt, Date.now());
  return {
    id: raw.id,
    number,
    name: str(raw.name) || `Visitor ${number}`,
    status: normaliseStatus(str(raw.status)),
    connectedAt,
    pageSince: num(raw.pageSince, connectedAt),
    leftAt: Number.isFinite(raw.leftAt) ? raw.leftAt : null,
    url: str(raw.url),
    title: str(raw.title),
    referrer: str(raw.referrer),
    language: str(raw.language),
    timezone: str(raw.timezone),
    returning: raw.returning === true,
    location,
    // Only the drawer reads the history (up to 50 pages): it is checked there, not for every message.
    pages: Array.isArray(raw.pages) ? raw.pages : [],
    chatId: raw.chatId == null || raw.chatId === '' ? null : str(raw.chatId),
    // Read through profile.js, which checks their shape where they are shown.
    profile: raw.profile && typeof raw.profile === 'object' ? raw.profile : null,
    device: raw.device && typeof raw.device === 'object' ? raw.device : null,
    visits: Number.isFinite(raw.visits) ? raw.visits : null,
    campaign: raw.campaign && typeof raw.campaign === 'object' ? raw.campaign : null,
    events: Array.isArray(raw.events) ? raw.events : [],
    pageCount: Number.isInteger(raw.pageCount) && raw.pageCount > 0 ? raw.pageCount : 1,
    invitation: sanitiseInvitation(raw.invitation),
  };
}

/** The states an invitation may be in (docs/PROTOCOL.md section 2). */
const INVITATION_STATES = ['sent', 'seen', 'accepted', 'dismissed', 'expired'];

/**
 * An entry's invitation in the documented shape, or null.
 * @param {any} raw
 * @returns {Invitation | null}
 */
function sanitiseInvitation(raw) {
  if (!raw || typeof raw !== 'object' || typeof raw.id !== 'string') return null;
  const state = INVITATION_STATES.includes(raw.state) ? raw.state : 'expired';
  return {
    id: raw.id,
    message: text(raw.message),
    agent: text(raw.agent),
    trigger: typeof raw.trigger === 'string' ? raw.trigger : null,
    state,
    sentAt: Number.isFinite(raw.sentAt) ? Number(raw.sentAt) : 0,
    updatedAt: Number.isFinite(raw.updatedAt) ? Number(raw.updatedAt) : 0,
  };
}

/** Entry fields a `changed` message may set (docs/PROTOCOL.md section 2). */
const CHANGEABLE = ['number', 'name', 'status', 'connectedAt', 'pageSince', 'leftAt', 'url', 'title', 'referrer',
  'language', 'timezone', 'returning', 'location', 'chatId', 'pageCount', 'invitation', 'profile', 'device', 'visits', 'campaign', 'events'];

/**
 * The entry after a `changed` message: `set` holds the fields that changed, `pages`
 * (when the history changed) says which old pages stay (`drop`, `keep`) and which
 * come after them (`add`).
 * @param {Entry} previous
 * @param {any} message
 * @returns {Entry | null}
 */
export function mergeChange(previous, message) {
  /** @type {any} */
  const raw = { ...previous };
  const set = message.set;
  if (set && typeof set === 'object') {
    for (const key of CHANGEABLE) if (Object.prototype.hasOwnProperty.call(set, key)) raw[key] = set[key];
  }
  const pages = message.pages;
  if (pages && typeof pages === 'object') {
    const drop = Number.isInteger(pages.drop) && pages.drop > 0 ? pages.drop : 0;
    const keep = Number.isInteger(pages.keep) && pages.keep > 0 ? pages.keep : 0;
    const added = Array.isArray(pages.add) ? pages.add : [];
    raw.pages = previous.pages.slice(drop, drop + keep).concat(added);
  }
  return sanitiseEntry(raw);
}

/**
 * An entry's page history in the documented shape, oldest first.
 * @param {Entry} entry
 * @returns {PageView[]}
 */
export function pageViews(entry) {
  /** @type {PageView[]} */
  const views = [];
  for (const p of entry.pages) {
    if (!p || typeof p !== 'object') continue;
    const page = /** @type {any} */ (p);
    views.push({ url: text(page.url), title: text(page.title), at: Number.isFinite(page.at) ? Number(page.at) : 0 });
  }
  return views;
}

/** @param {any} value */
function text(value) {
  return typeof value === 'string' ? value : value == null ? '' : String(value);
}
