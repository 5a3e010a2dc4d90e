// @ts-check
/**
 * Who the visitor is (issue 18): Name, Email, User ID (verified or not, said in words),
 * custom attributes, Device, Visits, Campaign, and the page journey with the time
 * spent on each page and the tracked events. Everything here is visitor-supplied
 * text: it is only ever set with textContent (el's `text`).
 */
import { el } from '../common/dom.js';
import { formatDuration, formatTime } from './format.js';

/** @typedef {import('./store.js').Entry} Entry */

/**
 * @typedef {object} Profile
 * @property {string} id
 * @property {string} name
 * @property {string} email
 * @property {boolean} verified
 * @property {{name: string, value: string}[]} attributes values as text
 */

/** @param {any} value */
function text(value) {
  return typeof value === 'string' ? value : value == null ? '' : String(value);
}

/**
 * The entry's profile in the documented shape, or null.
 * @param {Entry} entry
 * @returns {Profile | null}
 */
export function profileOf(entry) {
  const raw = /** @type {any} */ (entry).profile;
  if (!raw || typeof raw !== 'object') return null;
  const attributes = Array.isArray(raw.attributes)
    ? raw.attributes.filter((/** @type {any} */ a) => a && typeof a === 'object')
      .map((/** @type {any} */ a) => ({ name: text(a.name), value: text(a.value) }))
    : [];
  return { id: text(raw.id), name: text(raw.name), email: text(raw.email), verified: raw.verified === true, attributes };
}

/**
 * The name the site gave the visitor ('' when none), shown beside `Visitor N`.
 * @param {Entry} entry
 */
export function displayName(entry) {
  return profileOf(entry)?.name ?? '';
}

/**
 * What the filter also matches: name, email and attribute values.
 * @param {Entry} entry
 * @returns {string[]}
 */
export function profileSearchTexts(entry) {
  const profile = profileOf(entry);
  if (!profile) return [];
  return [profile.name, profile.email, ...profile.attributes.map((a) => a.value)];
}

/**
 * @param {HTMLElement} dl
 * @param {string} term
 * @param {Node | string} value
 */
function row(dl, term, value) {
  dl.append(el('dt', { text: term }), el('dd', {}, [value]));
}

/**
 * Fills the drawer's profile list (a `<dl>`) and journey list for one entry.
 * @param {Entry} entry
 * @param {HTMLElement} dl the profile `<dl>`
 * @param {HTMLElement} journey the journey list (newest first)
 * @param {number} now
 */
export function renderProfile(entry, dl, journey, now) {
  const any = /** @type {any} */ (entry);
  dl.replaceChildren();
  const profile = profileOf(entry);
  if (profile) {
    if (profile.name) row(dl, 'Name', profile.name);
    if (profile.email) row(dl, 'Email', profile.email);
    if (profile.id) {
      // The hash covers the id only: name and email are what the page said, so the
      // mark belongs to the id (a visitor can pair their own valid id and hash with
      // someone else's email from the console).
      const mark = profile.verified ? 'verified' : 'unverified';
      row(dl, 'User ID', el('span', {}, [
        el('span', { text: profile.id }),
        el('span', { class: `identity-mark identity-${mark}`, text: ` (${mark})` }),
      ]));
    }
    for (const attribute of profile.attributes) row(dl, attribute.name, attribute.value);
  }
  const device = any.device;
  if (device && typeof device === 'object') {
    const kind = { desktop: 'Desktop', mobile: 'Mobile', tablet: 'Tablet' }[text(device.type)] ?? 'Other device';
    row(dl, 'Device', `${kind} · ${text(device.browser)} · ${text(device.os)}`);
  }
  if (Number.isFinite(any.visits)) row(dl, 'Visits', String(any.visits));
  const campaign = any.campaign;
  if (campaign && typeof campaign === 'object') {
    const parts = [['source', campaign.source], ['medium', campaign.medium], ['campaign', campaign.campaign]]
      .filter(([, value]) => typeof value === 'string' && value)
      .map(([label, value]) => `${label}: ${value}`);
    if (parts.length) row(dl, 'Campaign', parts.join(' · '));
  }
  dl.hidden = dl.childElementCount === 0;

  // The journey: pages (with the time until the next one) and events, newest first.
  const pages = Array.isArray(any.pages) ? any.pages.filter((/** @type {any} */ p) => p && typeof p === 'object') : [];
  const events = Array.isArray(any.events) ? any.events.filter((/** @type {any} */ e) => e && typeof e === 'object') : [];
  /** @type {{at: number, node: HTMLElement}[]} */
  const items = [];
  pages.forEach((/** @type {any} */ page, /** @type {number} */ index) => {
    const at = Number.isFinite(page.at) ? page.at : 0;
    const next = pages[index + 1];
    const end = next && Number.isFinite(next.at) ? next.at : (entry.status === 'offline' && entry.leftAt ? entry.leftAt : now);
    items.push({ at, node: el('li', { class: 'journey-page' }, [
      el('span', { class: 'page-title', text: text(page.title) || 'Untitled page' }),
      el('span', { class: 'page-url', text: text(page.url) }),
      el('span', { class: 'journey-time', text: `${formatTime(at)} · ${formatDuration(Math.max(0, end - at))}` }),
    ]) });
  });
  for (const event of events) {
    const at = Number.isFinite(event.at) ? event.at : 0;
    items.push({ at, node: el('li', { class: 'journey-event' }, [
      el('span', { class: 'event-name', text: `Event: ${text(event.name)}` }),
      el('span', { class: 'journey-time', text: formatTime(at) }),
    ]) });
  }
  items.sort((a, b) => b.at - a.at);
  journey.replaceChildren(...items.map((item) => item.node));
}
