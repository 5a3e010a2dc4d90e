// @ts-check
/**
 * The Settings page (/settings): the Visitor Tracking switch, site setup and the team.
 * Every value shown comes from the API and is set with textContent; the server
 * enforces every permission, the page only hides what would be refused.
 */
import { api, capitalise } from '../common/api.js';
import { PageChrome } from '../common/chrome.js';
import { byId, el } from '../common/dom.js';
import { startNotices } from './notices.js';
import { startTriggers } from './triggers.js';
import { showProfileSettings } from './profile.js';
import { showInvitationSettings } from './invitations.js';
import { startDisplayName } from './display-name.js';
import { loadBlocked } from './blocked.js';
import { say } from './status.js';

const chrome = new PageChrome();
const trackingSwitch = /** @type {HTMLButtonElement} */ (byId('tracking'));
let canManage = false;
/** @type {string} */
let myRole = 'agent';

/** @param {{tracking: boolean, snippet: string, allowedOrigins: string[], canManage: boolean, rememberVisitors: boolean, identitySecret?: string, invitationMessage: string, customInvitationMessage: boolean}} settings */
function showSettings(settings) {
  canManage = settings.canManage;
  showProfileSettings(settings);
  showInvitationSettings(settings);
  showTracking(settings.tracking);
  byId('snippet').textContent = settings.snippet;
  /** @type {HTMLTextAreaElement} */ (byId('origins')).value = settings.allowedOrigins.join('\n');
  for (const id of ['tracking', 'save-origins', 'rotate', 'origins']) {
    /** @type {HTMLButtonElement} */ (byId(id)).disabled = !canManage;
  }
  byId('manage-note').hidden = canManage;
  byId('add-member').hidden = !canManage;
}

/** @param {boolean} on */
function showTracking(on) {
  trackingSwitch.setAttribute('aria-checked', String(on));
  byId('tracking-state').textContent = on ? 'On' : 'Off';
}

trackingSwitch.addEventListener('click', async () => {
  if (!canManage) return;
  const wanted = trackingSwitch.getAttribute('aria-checked') !== 'true';
  showTracking(wanted);
  trackingSwitch.disabled = true;
  try {
    showSettings(await api('PUT', '/api/settings/tracking', { enabled: wanted }));
    say('tracking-status', wanted ? 'Saved: Visitor Tracking is on.' : 'Saved: Visitor Tracking is off.');
  } catch (error) {
    showTracking(!wanted);
    say('tracking-status', /** @type {Error} */ (error).message, true);
  } finally {
    trackingSwitch.disabled = !canManage;
  }
});

byId('copy').addEventListener('click', async () => {
  try {
    await navigator.clipboard.writeText(byId('snippet').textContent || '');
    say('copy-status', 'Copied.');
  } catch {
    const range = document.createRange();
    range.selectNodeContents(byId('snippet'));
    getSelection()?.removeAllRanges();
    getSelection()?.addRange(range);
    say('copy-status', 'Selected: press Ctrl+C to copy.');
  }
});

byId('origins-form').addEventListener('submit', async (event) => {
  event.preventDefault();
  const origins = /** @type {HTMLTextAreaElement} */ (byId('origins')).value.split('\n').map((line) => line.trim()).filter(Boolean);
  try {
    showSettings(await api('PUT', '/api/settings/origins', { origins }));
    say('origins-status', origins.length ? 'Saved: only these origins can send visitors.' : 'Saved: any origin can send visitors.');
  } catch (error) {
    say('origins-status', /** @type {Error} */ (error).message, true);
  }
});

byId('rotate').addEventListener('click', async () => {
  if (!confirm('Rotate the site key? The old key stops working at once.')) return;
  try {
    showSettings(await api('POST', '/api/settings/site-key'));
    say('rotate-status', 'New site key saved. Update the snippet on your site.');
  } catch (error) {
    say('rotate-status', /** @type {Error} */ (error).message, true);
  }
});

/** @param {{id: string, email: string, role: string, you: boolean, displayName?: string | null}[]} members */
function showTeam(members) {
  byId('members').replaceChildren(...members.map(memberRow));
}

/**
 * A team member's row: a role menu and a Remove button when this user may change them.
 * @param {{id: string, email: string, role: string, you: boolean, displayName?: string | null}} member
 */
function memberRow(member) {
  const named = member.displayName ? `${member.email} · ${member.displayName}` : member.email;
  const email = el('td', { text: member.you ? `${named} (you)` : named });
  const mayChange = canManage && (member.role !== 'owner' || myRole === 'owner');
  if (!mayChange) return el('tr', {}, [email, el('td', { text: capitalise(member.role) }), el('td')]);
  const path = `/api/team/${encodeURIComponent(member.id)}`;
  const roles = myRole === 'owner' ? ['owner', 'admin', 'agent'] : ['admin', 'agent'];
  const select = el('select', { attrs: { 'aria-label': `Role of ${member.email}` } },
    roles.map((role) => el('option', { text: capitalise(role), attrs: { value: role } })));
  select.value = member.role;
  select.addEventListener('change', () => change(() => api('PATCH', path, { role: select.value }), `${member.email} is now ${select.value}.`));
  const remove = el('button', { class: 'quiet-button', text: 'Remove', attrs: { type: 'button', 'aria-label': `Remove ${member.email}` } });
  remove.addEventListener('click', () => {
    if (confirm(`Remove ${member.email} from the team?`)) change(() => api('DELETE', path), `${member.email} was removed.`);
  });
  return el('tr', {}, [email, el('td', {}, [select]), el('td', {}, [remove])]);
}

/** @param {() => Promise<unknown>} request @param {string} done */
async function change(request, done) {
  try {
    await request();
    say('team-status', done);
  } catch (error) {
    say('team-status', /** @type {Error} */ (error).message, true);
  }
  await loadTeam();
}

async function loadTeam() {
  showTeam((await api('GET', '/api/team')).members);
}

byId('add-member').addEventListener('submit', async (event) => {
  event.preventDefault();
  const email = /** @type {HTMLInputElement} */ (byId('member-email'));
  const role = /** @type {HTMLSelectElement} */ (byId('member-role'));
  const password = /** @type {HTMLInputElement} */ (byId('member-password'));
  await change(() => api('POST', '/api/team', { email: email.value, role: role.value, password: password.value }), `${email.value} was added as ${role.value}.`);
  if (!byId('team-status').classList.contains('error')) {
    email.value = '';
    password.value = '';
  }
});

async function start() {
  try {
    const me = await chrome.me;
    if (!me) throw new Error('Foyer cannot be reached. Reload the page to try again.');
    myRole = me.user.role;
    startDisplayName(me.user, () => void loadTeam());
    const roleSelect = /** @type {HTMLSelectElement} */ (byId('member-role'));
    if (myRole !== 'owner') roleSelect.querySelector('option[value="owner"]')?.remove();
    showSettings(await api('GET', '/api/settings'));
    await loadTeam();
    await startTriggers();
    await startNotices();
    if (me.user.role !== 'agent') await loadBlocked();
    // A switch flipped elsewhere (another tab, a teammate) shows here too.
    chrome.follow((message) => {
      if (message.type === 'snapshot') showTracking(message.tracking);
      if (message.type === 'tracking') showTracking(message.enabled);
    }, { watches: false });
  } catch (error) {
    say('tracking-status', /** @type {Error} */ (error).message, true);
  }
}

start();
