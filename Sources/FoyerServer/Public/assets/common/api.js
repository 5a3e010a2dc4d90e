// @ts-check
/**
 * The JSON client every page uses for Foyer's API: same-origin, JSON bodies (the server
 * requires one on every change, even an empty `{}`), and errors as readable sentences.
 * A 401 means the session ended: the page goes to sign-in and comes back afterwards.
 */

/** @typedef {'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE'} Method */

/**
 * One request, without judging the answer (sign-in and setup read their own errors).
 * Rejects only when the server cannot be reached.
 * @param {Method} method
 * @param {string} path
 * @param {unknown} [body]
 * @returns {Promise<{ ok: boolean, status: number, data: any }>}
 */
export async function request(method, path, body) {
  const response = await fetch(path, {
    method,
    credentials: 'same-origin',
    headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
    body: body === undefined ? (method === 'GET' ? undefined : '{}') : JSON.stringify(body),
  });
  const data = response.status === 204 ? {} : await response.json().catch(() => ({}));
  return { ok: response.ok, status: response.status, data };
}

/**
 * A request whose failure is an Error with the server's message as a sentence.
 * @param {Method} method
 * @param {string} path
 * @param {unknown} [body]
 * @returns {Promise<any>}
 */
export async function api(method, path, body) {
  const { ok, status, data } = await request(method, path, body);
  if (status === 401) {
    location.assign(signInURL());
    throw new Error('Signed out.');
  }
  if (!ok) throw new Error(sentence(data.error || `Request failed (${status})`));
  return data;
}

/** The sign-in page, asked to come back here. */
export function signInURL() {
  return `/signin?next=${encodeURIComponent(location.pathname)}`;
}

/**
 * An error text from the server as a sentence: capitalised, with a full stop.
 * @param {string} text
 */
export function sentence(text) {
  const capital = capitalise(text);
  return /[.!?]$/.test(capital) ? capital : `${capital}.`;
}

/** @param {string} text */
export function capitalise(text) {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
