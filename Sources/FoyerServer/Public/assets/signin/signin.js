// @ts-check
/** The sign-in page: posts the credentials as JSON and opens the Visitors page. */
import { request, sentence } from '../common/api.js';
import { byId } from '../common/dom.js';

const form = /** @type {HTMLFormElement} */ (byId('signin'));
const error = byId('error');

form.addEventListener('submit', async (event) => {
  event.preventDefault();
  const data = new FormData(form);
  const button = /** @type {HTMLButtonElement} */ (form.querySelector('button'));
  button.disabled = true;
  error.hidden = true;
  try {
    const answer = await request('POST', '/api/session', { email: data.get('email'), password: data.get('password') });
    if (answer.ok) {
      location.assign('/visitors');
      return;
    }
    error.textContent = answer.data.error ? sentence(answer.data.error) : 'Sign-in failed.';
  } catch {
    error.textContent = 'Foyer cannot be reached. Check your connection and try again.';
  }
  error.hidden = false;
  button.disabled = false;
});
