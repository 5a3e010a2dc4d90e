// @ts-check
/**
 * The reply form under a conversation: Enter sends, Shift+Enter starts a new line, the
 * length shows near the limit, and an empty reply is refused here. Sending itself is
 * the conversation's job (`onSend`).
 */
import { setText } from '../common/dom.js';

/** The server's limit for one message, in characters. */
const MAX_CHARACTERS = 4000;
/** The reply field shows its length once it gets this close to the limit. */
const COUNT_FROM_CHARACTERS = 3500;

export class Composer {
  /**
   * @param {object} options
   * @param {HTMLFormElement} options.form
   * @param {HTMLTextAreaElement} options.field the **Reply** field
   * @param {HTMLButtonElement} options.button **Send**
   * @param {HTMLElement} options.count where the length shows
   * @param {HTMLElement} options.error the conversation's error line
   * @param {(text: string) => Promise<boolean>} options.onSend sends to the chat on screen;
   *   resolves whether that chat is still on screen, rejects with the reason to show
   */
  constructor({ form, field, button, count, error, onSend }) {
    this.form = form;
    this.field = field;
    this.button = button;
    this.count = count;
    this.error = error;
    this.onSend = onSend;
    this.open = false;
    form.addEventListener('submit', (event) => {
      event.preventDefault();
      this.send();
    });
    field.addEventListener('keydown', (event) => {
      if (event.key === 'Enter' && !event.shiftKey && !event.isComposing) {
        event.preventDefault();
        form.requestSubmit();
      }
    });
    field.addEventListener('input', () => {
      this.updateCount();
      if (error.textContent) setText(error, '');
    });
  }

  /** Whether replies can be sent (not while the chat is archived or missing). @param {boolean} open */
  setOpen(open) {
    this.open = open;
    this.field.disabled = !open;
    this.button.disabled = !open;
  }

  /** Empties the field and the error line (another chat was opened). */
  clear() {
    this.field.value = '';
    setText(this.error, '');
    this.updateCount();
  }

  focus() {
    this.field.focus();
  }

  /** @param {string} text */
  showError(text) {
    setText(this.error, text);
  }

  async send() {
    const text = this.field.value;
    if (!this.open) return;
    if (!text.trim()) {
      setText(this.error, 'Type a reply first.');
      return;
    }
    this.button.disabled = true;
    setText(this.error, '');
    let stillShown = true;
    try {
      stillShown = await this.onSend(text);
      // Keep what the agent typed meanwhile; after a switch of chat the field is another's.
      if (stillShown && this.field.value === text) this.field.value = '';
      if (stillShown) this.updateCount();
    } catch (error) {
      setText(this.error, /** @type {Error} */ (error).message);
    } finally {
      this.button.disabled = !this.open;
      if (stillShown) this.focus();
    }
  }

  updateCount() {
    const length = this.field.value.length;
    setText(this.count, length >= COUNT_FROM_CHARACTERS ? `${length} / ${MAX_CHARACTERS} characters` : '');
  }
}
