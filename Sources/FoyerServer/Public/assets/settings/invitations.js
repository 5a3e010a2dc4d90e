// @ts-check
/**
 * Settings → Invitations: the account's **Default invitation message**, what the
 * drawer's **Invitation message** and a new trigger's **Message** start with. Owners and
 * admins change it (the server refuses everyone else); agents see it.
 */
import { api } from '../common/api.js';
import { byId } from '../common/dom.js';
import { statusLine } from './status.js';

/** Longest message the server takes, in characters (after cleaning). */
const MAX_CHARACTERS = 500;
const field = /** @type {HTMLTextAreaElement} */ (byId('default-invitation-message'));
const saveButton = /** @type {HTMLButtonElement} */ (byId('save-invitation-message'));
const builtInButton = /** @type {HTMLButtonElement} */ (byId('builtin-invitation-message'));
let canManage = false;
let current = '';
/** @type {((previous: string, next: string) => void)[]} */
const followers = [];

const say = statusLine('invitation-message-status');

function count() {
  // Characters as the server counts them (user-perceived characters), not UTF-16 units.
  const used = [...new Intl.Segmenter().segment(field.value.trim())].length;
  const counter = byId('invitation-message-count');
  counter.textContent = `${used} / ${MAX_CHARACTERS} characters`;
  counter.classList.toggle('error', used > MAX_CHARACTERS);
}
field.addEventListener('input', count);

/** The message a new invitation or trigger starts with. */
export function defaultInvitationMessage() {
  return current;
}

/**
 * Calls `follower` with the previous and the new message whenever the default changes.
 * @param {(previous: string, next: string) => void} follower
 */
export function followDefaultInvitationMessage(follower) {
  followers.push(follower);
}

/** @param {{canManage: boolean, invitationMessage: string, customInvitationMessage: boolean}} settings */
export function showInvitationSettings(settings) {
  canManage = settings.canManage;
  const previous = current;
  current = settings.invitationMessage;
  if (previous !== current) for (const follower of followers) follower(previous, current);
  field.value = current;
  field.readOnly = !canManage;
  saveButton.disabled = !canManage;
  builtInButton.disabled = !canManage || !settings.customInvitationMessage;
  count();
}

/** @param {string | null} message null: back to the built-in message */
async function save(message) {
  if (!canManage) return;
  saveButton.disabled = builtInButton.disabled = true;
  try {
    showInvitationSettings(await api('PUT', '/api/settings/invitation-message', { message }));
    say(message === null ? 'Saved: invitations start with the built-in message.' : 'Saved: new invitations start with this message.');
  } catch (error) {
    say(/** @type {Error} */ (error).message, true);
    saveButton.disabled = false;
    builtInButton.disabled = false;
  }
}

byId('invitation-message-form').addEventListener('submit', (event) => {
  event.preventDefault();
  void save(field.value);
});
builtInButton.addEventListener('click', () => void save(null));
