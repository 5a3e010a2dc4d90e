// @ts-check
/**
 * Settings → Triggers: the account's automatic invitations, their counts, and (for
 * owners and admins) the form to create and edit them, reorder, switch and delete.
 * Agents see the list only; the server refuses their changes anyway. Names and
 * messages are shown with textContent.
 */
import { api } from '../common/api.js';
import { byId, el } from '../common/dom.js';
import { defaultInvitationMessage, followDefaultInvitationMessage } from './invitations.js';
import { statusLine } from './status.js';

/**
 * @typedef {object} Conditions
 * @property {string} [urlContains]
 * @property {number} [secondsOnPage]
 * @property {number} [pagesViewed]
 * @property {boolean} [returning]
 * @property {string} [referrerHost]
 * @property {string[]} [countries]
 */
/**
 * @typedef {object} TriggerView
 * @property {string} id
 * @property {string} name
 * @property {string} message
 * @property {boolean} enabled
 * @property {Conditions} conditions
 * @property {number} shown
 * @property {number} accepted
 * @property {number} dismissed
 */

let canManage = false;
/** @type {TriggerView[]} */
let triggers = [];
/** @type {string | null} the trigger being edited, or null for a new one */
let editing = null;

const form = /** @type {HTMLFormElement} */ (byId('trigger-form'));
const enabledSwitch = /** @type {HTMLButtonElement} */ (byId('trigger-enabled'));
/** @param {string} id */
const input = (id) => /** @type {HTMLInputElement} */ (byId(id));

const say = statusLine('triggers-status');

/** A short line saying what a trigger waits for. @param {Conditions} c */
export function describe(c) {
  const parts = [];
  if (c.urlContains) parts.push(`page URL contains “${c.urlContains}”`);
  if (c.secondsOnPage) parts.push(`${c.secondsOnPage} s on page`);
  if (c.pagesViewed) parts.push(`${c.pagesViewed}+ pages`);
  if (c.returning === true) parts.push('returning visitors');
  if (c.returning === false) parts.push('first visits');
  if (c.referrerHost) parts.push(`from ${c.referrerHost}`);
  if (c.countries && c.countries.length) parts.push(`in ${c.countries.join(', ')}`);
  return parts.length ? parts.join(' · ') : 'every visitor';
}

/** @param {{triggers: TriggerView[], canManage: boolean}} list */
function show(list) {
  triggers = list.triggers;
  canManage = list.canManage;
  form.hidden = !canManage;
  byId('triggers-empty').hidden = triggers.length > 0;
  byId('trigger-list').replaceChildren(...triggers.map(row));
}

/** @param {TriggerView} trigger @param {number} index */
function row(trigger, index) {
  const counts = `Shown ${trigger.shown} · Accepted ${trigger.accepted} · Dismissed ${trigger.dismissed}`;
  const text = el('div', { class: 'trigger-text' }, [
    el('strong', { text: trigger.name }),
    el('span', { class: 'trigger-state', text: trigger.enabled ? ' (enabled)' : ' (disabled)' }),
    el('p', { class: 'trigger-message', text: trigger.message }),
    el('p', { class: 'help', text: describe(trigger.conditions) }),
    el('p', { class: 'trigger-counts', text: counts }),
  ]);
  if (!canManage) return el('li', { class: 'trigger' }, [text]);
  const name = trigger.name;
  const toggle = el('button', {
    class: 'switch',
    attrs: { type: 'button', role: 'switch', 'aria-checked': String(trigger.enabled), 'aria-label': `Enabled: ${name}` },
  }, [el('span', { class: 'knob' })]);
  toggle.addEventListener('click', () => change(() => api('PUT', `/api/triggers/${encodeURIComponent(trigger.id)}`, {
    name: trigger.name, message: trigger.message, enabled: !trigger.enabled, conditions: trigger.conditions,
  }), `${name} is ${trigger.enabled ? 'disabled' : 'enabled'}.`));
  const edit = button('Edit', name, () => startEditing(trigger));
  const up = button('Move up', name, () => move(index, -1));
  const down = button('Move down', name, () => move(index, 1));
  /** @type {HTMLButtonElement} */ (up).disabled = index === 0;
  /** @type {HTMLButtonElement} */ (down).disabled = index === triggers.length - 1;
  const remove = button('Delete', name, () => {
    if (confirm(`Delete the trigger ${name}?`)) {
      change(() => api('DELETE', `/api/triggers/${encodeURIComponent(trigger.id)}`), `${name} was deleted.`);
    }
  });
  return el('li', { class: 'trigger' }, [text, el('div', { class: 'trigger-actions' }, [toggle, edit, up, down, remove])]);
}

/** @param {string} label @param {string} name @param {() => void} action */
function button(label, name, action) {
  const node = el('button', { class: 'quiet-button', text: label, attrs: { type: 'button', 'aria-label': `${label} ${name}` } });
  node.addEventListener('click', action);
  return node;
}

/** @param {number} index @param {number} by */
function move(index, by) {
  const ids = triggers.map((t) => t.id);
  const [moved] = ids.splice(index, 1);
  ids.splice(index + by, 0, moved);
  change(() => api('PUT', '/api/triggers/order', { ids }), `${triggers[index].name} moved ${by < 0 ? 'up' : 'down'}.`);
}

/** @param {() => Promise<any>} request @param {string} done */
async function change(request, done) {
  try {
    show(await request());
    say(done);
    return true;
  } catch (error) {
    say(/** @type {Error} */ (error).message, true);
    return false;
  }
}

/** @param {boolean} on */
function setEnabled(on) {
  enabledSwitch.setAttribute('aria-checked', String(on));
}
enabledSwitch.addEventListener('click', () => setEnabled(enabledSwitch.getAttribute('aria-checked') !== 'true'));

/** @param {TriggerView | null} trigger */
function startEditing(trigger) {
  editing = trigger ? trigger.id : null;
  const c = trigger ? trigger.conditions : {};
  byId('trigger-form-heading').textContent = trigger ? `Edit trigger ${trigger.name}` : 'New trigger';
  input('trigger-name').value = trigger ? trigger.name : '';
  /** @type {HTMLTextAreaElement} */ (byId('trigger-message')).value = trigger ? trigger.message : defaultInvitationMessage();
  input('trigger-url').value = c.urlContains || '';
  input('trigger-seconds').value = c.secondsOnPage ? String(c.secondsOnPage) : '';
  input('trigger-pages').value = c.pagesViewed ? String(c.pagesViewed) : '';
  /** @type {HTMLSelectElement} */ (byId('trigger-returning')).value = c.returning === true ? 'yes' : c.returning === false ? 'no' : '';
  input('trigger-referrer').value = c.referrerHost || '';
  input('trigger-countries').value = (c.countries || []).join(', ');
  setEnabled(trigger ? trigger.enabled : true);
  byId('trigger-cancel').hidden = !trigger;
  if (trigger) input('trigger-name').focus();
}

byId('trigger-cancel').addEventListener('click', () => startEditing(null));

/** @param {string} id @returns {number | undefined} */
function number(id) {
  const text = input(id).value.trim();
  return text === '' ? undefined : Number(text);
}

form.addEventListener('submit', async (event) => {
  event.preventDefault();
  const returning = /** @type {HTMLSelectElement} */ (byId('trigger-returning')).value;
  const countries = input('trigger-countries').value.split(',').map((code) => code.trim()).filter(Boolean);
  const body = {
    name: input('trigger-name').value,
    message: /** @type {HTMLTextAreaElement} */ (byId('trigger-message')).value,
    enabled: enabledSwitch.getAttribute('aria-checked') === 'true',
    conditions: {
      urlContains: input('trigger-url').value.trim() || undefined,
      secondsOnPage: number('trigger-seconds'),
      pagesViewed: number('trigger-pages'),
      returning: returning === 'yes' ? true : returning === 'no' ? false : undefined,
      referrerHost: input('trigger-referrer').value.trim() || undefined,
      countries: countries.length ? countries : undefined,
    },
  };
  const path = editing ? `/api/triggers/${encodeURIComponent(editing)}` : '/api/triggers';
  if (await change(() => api(editing ? 'PUT' : 'POST', path, body), `Saved: ${body.name.trim()}.`)) startEditing(null);
});

/** Loads the list; call once the page knows who is signed in. */
export async function startTriggers() {
  const message = /** @type {HTMLTextAreaElement} */ (byId('trigger-message'));
  if (!editing && !message.value) message.value = defaultInvitationMessage();
  // A new trigger's untouched message follows a new default.
  followDefaultInvitationMessage((previous, next) => {
    if (!editing && message.value === previous) message.value = next;
  });
  try {
    show(await api('GET', '/api/triggers'));
  } catch (error) {
    say(/** @type {Error} */ (error).message, true);
  }
}
