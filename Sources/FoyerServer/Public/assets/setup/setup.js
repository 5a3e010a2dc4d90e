// @ts-check
/** The first-run page: creates the account's first owner. The one-time token is the last part of the address. */
import { request, sentence } from '../common/api.js';
import { byId } from '../common/dom.js';

const form = /** @type {HTMLFormElement} */ (byId('setup'));
const error = byId('error');
const token = location.pathname.split('/').pop() || '';

form.addEventListener('submit', async (event) => {
  event.preventDefault();
  const data = new FormData(form);
  error.hidden = true;
  const answer = await request('POST', '/api/setup', { token, email: data.get('email'), password: data.get('password') }).catch(() => null);
  if (answer?.ok) {
    location.assign('/signin');
    return;
  }
  error.textContent = sentence(answer?.data.error || 'Foyer cannot be reached. Try again.');
  error.hidden = false;
});
