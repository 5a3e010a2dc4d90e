// @ts-check
/**
 * Settings → Knowing who is there: the Remember returning visitors switch and the
 * Identity secret (owners and admins only: the server sends it to no one else).
 */
import { api } from '../common/api.js';
import { byId } from '../common/dom.js';
import { say } from './status.js';

const rememberSwitch = /** @type {HTMLButtonElement} */ (byId('remember'));
let canManage = false;

/** @param {boolean} on */
function showRemember(on) {
  rememberSwitch.setAttribute('aria-checked', String(on));
  byId('remember-state').textContent = on ? 'On' : 'Off';
}

/** @param {{canManage: boolean, rememberVisitors: boolean, identitySecret?: string}} settings */
export function showProfileSettings(settings) {
  canManage = settings.canManage;
  showRemember(settings.rememberVisitors);
  rememberSwitch.disabled = !canManage;
  const secret = settings.identitySecret;
  byId('identity-secret-box').hidden = !secret;
  byId('identity-secret').textContent = secret || '';
}

rememberSwitch.addEventListener('click', async () => {
  if (!canManage) return;
  const wanted = rememberSwitch.getAttribute('aria-checked') !== 'true';
  showRemember(wanted);
  rememberSwitch.disabled = true;
  try {
    showProfileSettings(await api('PUT', '/api/settings/remember', { enabled: wanted }));
    say('remember-status', wanted ? 'Saved: returning visitors are remembered.' : 'Saved: nothing is kept in visitors\u2019 browsers beyond the tab.');
  } catch (error) {
    showRemember(!wanted);
    say('remember-status', /** @type {Error} */ (error).message, true);
  } finally {
    rememberSwitch.disabled = !canManage;
  }
});

byId('copy-identity-secret').addEventListener('click', async () => {
  try {
    await navigator.clipboard.writeText(byId('identity-secret').textContent || '');
    say('identity-secret-status', 'Copied.');
  } catch {
    const range = document.createRange();
    range.selectNodeContents(byId('identity-secret'));
    getSelection()?.removeAllRanges();
    getSelection()?.addRange(range);
    say('identity-secret-status', 'Selected: press Ctrl+C to copy.');
  }
});

byId('rotate-identity-secret').addEventListener('click', async () => {
  if (!confirm('Rotate the identity secret? Hashes made with the old one stop verifying at once.')) return;
  try {
    showProfileSettings(await api('POST', '/api/settings/identity-secret'));
    say('identity-secret-status', 'New identity secret saved. Update it on your server.');
  } catch (error) {
    say('identity-secret-status', /** @type {Error} */ (error).message, true);
  }
});
