// @ts-check
/** Formatting and text helpers shared by the Visitors page modules. */

/** @typedef {'online' | 'idle' | 'chatting' | 'offline'} Status */

/** @type {Record<Status, string>} */
export const STATUS_LABEL = { online: 'Online', idle: 'Idle', chatting: 'Chatting', offline: 'Offline' };

/** Higher is "more active"; used to colour a group pin by its liveliest member. */
/** @type {Record<Status, number>} */
export const STATUS_RANK = { chatting: 4, online: 3, idle: 2, offline: 1 };

/**
 * @param {string} status
 * @returns {Status}
 */
export function normaliseStatus(status) {
  return status === 'chatting' || status === 'offline' || status === 'idle' ? status : 'online';
}

/**
 * Lower-case and strip accents so "istanbul" finds "İstanbul" and "cote" finds "Côte".
 * @param {string} text
 */
export function fold(text) {
  return text
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/ı/g, 'i')
    .replace(/ß/g, 'ss');
}

/**
 * The flag emoji for an ISO 3166-1 alpha-2 code ("" when the code is not two letters).
 * @param {string | null | undefined} code
 */
export function flagEmoji(code) {
  if (!code || !/^[A-Za-z]{2}$/.test(code)) return '';
  const base = 0x1f1e6 - 65;
  const upper = code.toUpperCase();
  return String.fromCodePoint(base + upper.charCodeAt(0), base + upper.charCodeAt(1));
}

/**
 * "1:05:09" / "4:07" style duration.
 * @param {number} ms
 */
export function formatDuration(ms) {
  const total = Math.max(0, Math.floor(ms / 1000));
  const hours = Math.floor(total / 3600);
  const minutes = Math.floor((total % 3600) / 60);
  const seconds = total % 60;
  const two = (/** @type {number} */ n) => String(n).padStart(2, '0');
  return hours > 0 ? `${hours}:${two(minutes)}:${two(seconds)}` : `${minutes}:${two(seconds)}`;
}

const dateTimeFormat = new Intl.DateTimeFormat(undefined, {
  year: 'numeric', month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit', second: '2-digit',
});
const timeFormat = new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit', second: '2-digit' });

/** @param {number} ms */
export function formatDateTime(ms) {
  return dateTimeFormat.format(new Date(ms));
}

/** @param {number} ms */
export function formatTime(ms) {
  return timeFormat.format(new Date(ms));
}

/**
 * Human text for where a location came from.
 * @param {string | undefined} source
 * @returns {{ text: string, approximate: boolean }}
 */
export function describeLocationSource(source) {
  switch (source) {
    case 'timezone':
      return { text: "approximate, from the browser's timezone", approximate: true };
    case 'edge':
    case 'header':
    case 'headers':
      return { text: 'from the edge proxy', approximate: false };
    case 'mmdb':
    case 'database':
    case 'ip':
      return { text: 'from the IP location database', approximate: false };
    default:
      return { text: source ? `from ${source}` : '', approximate: false };
  }
}

/**
 * A URL to show as a link, or null when it is not plain http(s).
 * @param {string} url
 */
export function safeHttpUrl(url) {
  try {
    const parsed = new URL(url);
    return parsed.protocol === 'http:' || parsed.protocol === 'https:' ? parsed.href : null;
  } catch {
    return null;
  }
}
