// @ts-check
/**
 * Settings → Blocked visitors (owners and admins): who is blocked, why, by whom, when and
 * until when, each with an Unblock button. Reasons are the agents' text: set as text only.
 */

import { api } from '../common/api.js';
import { byId, el } from '../common/dom.js';
import { statusLine } from './status.js';

/** @typedef {{id: string, visitor: string, reason: string, blockedBy: string, blockedAt: number, until: number}} Block */

/** @param {number} millis */
function when(millis) {
  return new Date(millis).toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' });
}

const say = statusLine('blocked-status');

/** @param {Block} block */
function row(block) {
  const unblock = el('button', {
    class: 'quiet-button', text: 'Unblock', attrs: { type: 'button', 'aria-label': `Unblock ${block.visitor}` },
  });
  unblock.addEventListener('click', async () => {
    try {
      await api('DELETE', `/api/blocked/${encodeURIComponent(block.id)}`);
      say(`${block.visitor} was unblocked. They show again the next time they open a page.`);
    } catch (error) {
      say(/** @type {Error} */ (error).message, true);
    }
    await loadBlocked();
  });
  return el('tr', {}, [
    el('td', { text: block.visitor }),
    el('td', { text: block.reason || '—' }),
    el('td', { text: block.blockedBy }),
    el('td', {}, [el('time', { text: when(block.blockedAt), attrs: { datetime: new Date(block.blockedAt).toISOString() } })]),
    el('td', {}, [el('time', { text: when(block.until), attrs: { datetime: new Date(block.until).toISOString() } })]),
    el('td', {}, [unblock]),
  ]);
}

/** Shows the section and fills it from the server (owners and admins only). */
export async function loadBlocked() {
  byId('blocked-section').hidden = false;
  /** @type {Block[]} */
  const blocks = (await api('GET', '/api/blocked')).blocked;
  byId('blocked').replaceChildren(...blocks.map(row));
  byId('blocked-empty').hidden = blocks.length > 0;
}
