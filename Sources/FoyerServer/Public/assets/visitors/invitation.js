// @ts-check
/**
 * Invitations to chat on the Visitors page (SPEC section 10): the drawer's invitation
 * section (its state, **Invite to chat**, the form with **Invitation message** and
 * **Send invitation**), and the **Invited** badge of rows and pins.
 */
import { el, setText } from '../common/dom.js';
import { api } from '../common/api.js';
import { formatTime } from './format.js';

/** @typedef {import('./store.js').Entry} Entry */

/** What the form starts with: the built-in message until the account's own default
 * (Settings → Invitations) has been read. */
let defaultMessage = 'Hi! Can I help you with anything?';

/** Reads the account's default invitation message again; a failure keeps the last one. */
async function readDefaultMessage() {
  try {
    // /api/me, not /api/settings: reading settings as an owner may write (it makes the
    // identity secret the first time).
    const me = await api('GET', '/api/me');
    if (typeof me?.account?.invitationMessage === 'string') defaultMessage = me.account.invitationMessage;
  } catch {
    // The form keeps the message it has; sending reports its own errors.
  }
}
void readDefaultMessage();
/** Longest message the server takes, in characters. */
const MAX_CHARACTERS = 500;

/** @type {Record<string, string>} */
const STATE_LABEL = { sent: 'Sent', seen: 'Seen', accepted: 'Accepted', dismissed: 'Dismissed', expired: 'Expired' };

/**
 * Whether the entry's invitation waits for the visitor (sent or seen).
 * @param {Entry | null | undefined} entry
 */
export function isInvited(entry) {
  const state = entry?.invitation?.state;
  return state === 'sent' || state === 'seen';
}

/** Whether the entry may be invited now: Online, no chat, nothing pending. @param {Entry} entry */
export function canInvite(entry) {
  return entry.status !== 'offline' && entry.status !== 'chatting' && !entry.chatId && !isInvited(entry);
}

/** The **Invited** badge (a letter icon and its accessible name; colour is never the only signal). */
export function invitedBadge() {
  return el('span', { class: 'badge-invited', text: '✉', attrs: { role: 'img', 'aria-label': 'Invited', title: 'Invited' } });
}

/** The drawer's invitation section. */
export class InvitationPanel {
  /** @param {HTMLElement} parent where the section goes */
  constructor(parent) {
    /** @type {Entry | null} */
    this.entry = null;
    this.sending = false;
    this.state = el('p', { class: 'invitation-state', attrs: { 'data-field': 'invitation' } });
    this.button = el('button', { class: 'primary', text: 'Invite to chat', attrs: { type: 'button', 'aria-expanded': 'false' } });
    this.field = /** @type {HTMLTextAreaElement} */ (el('textarea', { attrs: { id: 'invitation-message', rows: '3', maxlength: String(MAX_CHARACTERS) } }));
    this.error = el('p', { class: 'form-error', attrs: { role: 'alert' } });
    this.submit = /** @type {HTMLButtonElement} */ (el('button', { class: 'primary', text: 'Send invitation', attrs: { type: 'submit' } }));
    this.form = el('form', { class: 'invitation-form' }, [
      el('label', { text: 'Invitation message', attrs: { for: 'invitation-message' } }),
      this.field,
      this.error,
      this.submit,
    ]);
    this.form.hidden = true;
    this.root = el('section', { class: 'invitation', attrs: { 'aria-label': 'Invitation' } }, [this.state, this.button, this.form]);
    parent.append(this.root);
    this.button.addEventListener('click', () => this.openForm());
    this.form.addEventListener('submit', (event) => {
      event.preventDefault();
      void this.send();
    });
  }

  /** Opens the form, pre-filled, and focuses its field. */
  openForm() {
    if (!this.entry || !canInvite(this.entry)) return;
    this.form.hidden = false;
    this.button.setAttribute('aria-expanded', 'true');
    const prefill = defaultMessage;
    if (!this.field.value) this.field.value = prefill;
    setText(this.error, '');
    this.field.focus();
    // Settings may have changed the default since this page loaded: take the new one
    // unless the agent has started typing.
    void readDefaultMessage().then(() => {
      if (this.field.value === prefill && prefill !== defaultMessage) this.field.value = defaultMessage;
    });
  }

  closeForm() {
    this.form.hidden = true;
    this.button.setAttribute('aria-expanded', 'false');
    setText(this.error, '');
  }

  async send() {
    const entry = this.entry;
    if (!entry || this.sending) return;
    this.sending = true;
    this.submit.disabled = true;
    try {
      await api('POST', `/api/visitors/${encodeURIComponent(entry.id)}/invitation`, { message: this.field.value });
      this.field.value = '';
      this.closeForm();
    } catch (error) {
      setText(this.error, error instanceof Error ? error.message : 'The invitation could not be sent.');
    } finally {
      this.sending = false;
      this.submit.disabled = false;
    }
  }

  /**
   * Shows the entry's invitation state and whether it may be invited.
   * @param {Entry | null} entry null when the entry is gone
   */
  show(entry) {
    const changed = this.entry?.id !== entry?.id;
    this.entry = entry;
    if (changed) {
      this.field.value = '';
      this.closeForm();
    }
    const invitation = entry?.invitation;
    this.state.hidden = !invitation;
    if (invitation) {
      const by = invitation.trigger ? 'automatic' : `by ${invitation.agent}`;
      setText(this.state, `Invitation: ${STATE_LABEL[invitation.state] ?? invitation.state} (${by}, sent ${formatTime(invitation.sentAt)})`);
      this.state.className = `invitation-state invitation-${invitation.state}`;
    }
    const allowed = Boolean(entry) && canInvite(/** @type {Entry} */ (entry));
    this.button.hidden = !allowed;
    if (!allowed && !this.form.hidden) this.closeForm();
  }
}
