// @ts-check
/**
 * Settings → Your profile: the signed-in member's own **Display name**, the name
 * visitors see on the invitations they send (empty: a name made from the email).
 */
import { api } from '../common/api.js';
import { byId } from '../common/dom.js';
import { statusLine } from './status.js';

const field = /** @type {HTMLInputElement} */ (byId('display-name'));
/** Called after a save (the team list shows names too). */
let afterSave = () => {};

const say = statusLine('display-name-status');

/** @param {{displayName?: string | null, shownName: string}} user */
function showDisplayName(user) {
  field.value = user.displayName || '';
  byId('display-name-shown').textContent = user.shownName;
}

/**
 * Shows the signed-in member's name; `saved` runs after each save.
 * @param {{displayName?: string | null, shownName: string}} user
 * @param {() => void} saved
 */
export function startDisplayName(user, saved) {
  showDisplayName(user);
  afterSave = saved;
}

byId('display-name-form').addEventListener('submit', async (event) => {
  event.preventDefault();
  const name = field.value.trim();
  try {
    const saved = await api('PUT', '/api/me/name', { name: name || null });
    showDisplayName(saved);
    say(`Saved: visitors see \u201c${saved.shownName}\u201d.`);
    afterSave();
  } catch (error) {
    say(/** @type {Error} */ (error).message, true);
  }
});
