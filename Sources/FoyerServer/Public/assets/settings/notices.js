// @ts-check
/**
 * Settings → Notifications: this member's **Sound** and **Desktop notifications**
 * switches (stored on the server per member). Turning desktop notifications on asks the
 * browser's permission first.
 */
import { api } from '../common/api.js';
import { byId } from '../common/dom.js';
import { statusLine } from './status.js';

const sound = /** @type {HTMLButtonElement} */ (byId('notice-sound'));
const desktop = /** @type {HTMLButtonElement} */ (byId('notice-desktop'));

const say = statusLine('notices-status');

/** @param {{sound: boolean, desktop: boolean}} settings */
function show(settings) {
  sound.setAttribute('aria-checked', String(settings.sound));
  desktop.setAttribute('aria-checked', String(settings.desktop));
}

const current = () => ({ sound: sound.getAttribute('aria-checked') === 'true', desktop: desktop.getAttribute('aria-checked') === 'true' });

/** @param {{sound: boolean, desktop: boolean}} wanted @param {string} done */
async function save(wanted, done) {
  try {
    show(await api('PUT', '/api/me/notifications', wanted));
    say(done);
  } catch (error) {
    say(/** @type {Error} */ (error).message, true);
  }
}

sound.addEventListener('click', () => {
  const wanted = { ...current(), sound: !current().sound };
  save(wanted, wanted.sound ? 'Sound is on.' : 'Sound is off.');
});

desktop.addEventListener('click', async () => {
  const wanted = { ...current(), desktop: !current().desktop };
  if (wanted.desktop) {
    if (!('Notification' in window)) return say('This browser cannot show notifications.', true);
    const permission = await Notification.requestPermission().catch(() => 'denied');
    if (permission !== 'granted') return say('Notifications are blocked for Foyer in this browser.', true);
  }
  save(wanted, wanted.desktop ? 'Desktop notifications are on.' : 'Desktop notifications are off.');
});

/** Loads this member's switches. */
export async function startNotices() {
  try {
    show(await api('GET', '/api/me/notifications'));
  } catch (error) {
    say(/** @type {Error} */ (error).message, true);
  }
}
