// @ts-check
/**
 * What the chats page knows from the feed: the active chats and the visitors' entries
 * (for who a chat is with, where they are and whether they left), with the server's
 * clock. Holds data only; the views read it.
 */

/** @typedef {import('../common/alerts.js').ChatMessage} ChatMessage */
/** @typedef {import('../common/alerts.js').ChatSummary} ChatSummary */
/**
 * @typedef {object} Entry
 * @property {string} id
 * @property {string} name
 * @property {'online' | 'idle' | 'chatting' | 'offline'} status
 * @property {number | null} leftAt
 * @property {string} url
 * @property {string} title
 * @property {{country?: string, city?: string} | null} location
 * @property {string | null} chatId
 */

/** A visitor counts as gone once their entry has been Offline this long. */
const GONE_AFTER_MS = 2 * 60_000;

export class ChatModel {
  constructor() {
    /** @type {Map<string, ChatSummary>} */
    this.chats = new Map();
    /** @type {Map<string, Entry>} */
    this.entries = new Map();
    /** Whether a snapshot arrived (before it, nobody can be called gone). */
    this.live = false;
    /** Server time minus local time, from the snapshot. */
    this.clockOffset = 0;
  }

  /** @param {any} snapshot the feed's snapshot message */
  reset(snapshot) {
    this.live = true;
    this.clockOffset = (snapshot.now ?? Date.now()) - Date.now();
    this.entries = new Map(snapshot.entries.map((/** @type {Entry} */ entry) => [entry.id, entry]));
    this.chats = new Map((snapshot.chats ?? []).map((/** @type {ChatSummary} */ chat) => [chat.id, chat]));
  }

  /** The server's clock now. */
  now() {
    return Date.now() + this.clockOffset;
  }

  /** @param {ChatSummary} chat @returns {Entry | undefined} */
  entryOf(chat) {
    const entry = this.entries.get(chat.entryId);
    if (entry) return entry;
    for (const candidate of this.entries.values()) if (candidate.chatId === chat.id) return candidate;
    return undefined;
  }

  /**
   * The visitor is gone once their entry has been Offline for 2 minutes (or is no more):
   * a page change or a short drop is not leaving.
   * @param {Entry | undefined} entry
   */
  isGone(entry) {
    if (!this.live) return false;
    if (!entry) return true;
    return entry.status === 'offline' && entry.leftAt != null && this.now() - entry.leftAt >= GONE_AFTER_MS;
  }

  /** @param {ChatSummary} chat @returns {string} */
  nameOf(chat) {
    return this.entryOf(chat)?.name ?? chat.visitor;
  }

  /** Unanswered chats first (longest waiting on top), then the most recently active. */
  ordered() {
    return [...this.chats.values()].sort((a, b) => {
      if ((a.waitingSince == null) !== (b.waitingSince == null)) return a.waitingSince == null ? 1 : -1;
      if (a.waitingSince != null && b.waitingSince != null && a.waitingSince !== b.waitingSince) return a.waitingSince - b.waitingSince;
      return (b.lastMessage?.at ?? b.startedAt) - (a.lastMessage?.at ?? a.startedAt);
    });
  }
}

/** @param {Entry | undefined} entry @returns {string} */
export function place(entry) {
  const location = entry?.location;
  if (!location) return 'Location unknown';
  return [location.city, location.country].filter(Boolean).join(', ') || 'Location unknown';
}

/** @param {Entry | undefined} entry @returns {string} */
export function page(entry) {
  if (!entry) return '';
  return entry.title ? `${entry.title} — ${entry.url}` : entry.url;
}
