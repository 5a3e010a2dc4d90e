// @ts-check
/**
 * **Block visitor** in the drawer (owners and admins only; agents never see the form and
 * the server refuses them). Blocking hides every tab of the visitor's browser from every
 * dashboard; the drawer then says so from the feed's `removed` message.
 */

import { api } from '../common/api.js';
import { setText } from '../common/dom.js';

export class BlockForm {
  /**
   * @param {object} options
   * @param {HTMLElement} options.root the drawer element
   * @param {() => string | null} options.entryId the entry the drawer shows
   */
  constructor({ root, entryId }) {
    this.form = /** @type {HTMLFormElement} */ (root.querySelector('[data-field="block"]'));
    this.reason = /** @type {HTMLInputElement} */ (this.form.querySelector('input'));
    this.status = /** @type {HTMLElement} */ (this.form.querySelector('[data-field="block-status"]'));
    this.form.addEventListener('submit', async (event) => {
      event.preventDefault();
      const id = entryId();
      if (!id) return;
      const button = /** @type {HTMLButtonElement} */ (this.form.querySelector('button'));
      button.disabled = true;
      try {
        await api('POST', `/api/visitors/${encodeURIComponent(id)}/block`, { reason: this.reason.value });
        this.reason.value = '';
        setText(this.status, 'Blocked. Unblock at Settings → Blocked visitors.');
      } catch (error) {
        setText(this.status, /** @type {Error} */ (error).message);
      } finally {
        button.disabled = false;
      }
    });
  }

  /** Shows the form to owners and admins only. @param {string | undefined} role */
  allow(role) {
    this.form.hidden = !(role === 'owner' || role === 'admin');
  }

  /** A new visitor in the drawer: a fresh form. */
  reset() {
    this.reason.value = '';
    setText(this.status, '');
  }
}
