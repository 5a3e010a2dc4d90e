// @ts-check
/**
 * The status line under each Settings section (`role="status"`): what a change did, or
 * why it failed, in words, marked as an error when it is one.
 */
import { byId } from '../common/dom.js';

/**
 * Shows `text` in the status line `id`.
 * @param {string} id @param {string} text @param {boolean} [error]
 */
export function say(id, text, error = false) {
  const element = byId(id);
  element.textContent = text;
  element.classList.toggle('error', error);
}

/**
 * ``say`` bound to one status line.
 * @param {string} id
 * @returns {(text: string, error?: boolean) => void}
 */
export function statusLine(id) {
  return (text, error = false) => say(id, text, error);
}
