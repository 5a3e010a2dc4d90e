// Small JSON client for Foyer's API: same-origin, JSON bodies (the server requires them
// for every change), errors as readable messages.

/**
 * @param {string} method
 * @param {string} path
 * @param {unknown} [body]
 * @returns {Promise<any>}
 */
export async function api(method, path, body) {
  const response = await fetch(path, {
    method,
    headers: { "Content-Type": "application/json" },
    body: body === undefined ? (method === "GET" ? undefined : "{}") : JSON.stringify(body),
  });
  if (response.status === 401) {
    location.assign("/signin");
    throw new Error("Signed out.");
  }
  const data = response.status === 204 ? {} : await response.json().catch(() => ({}));
  if (!response.ok) throw new Error(sentence(data.error || `Request failed (${response.status})`));
  return data;
}

/** @param {string} text */
export function sentence(text) {
  const capital = text.charAt(0).toUpperCase() + text.slice(1);
  return /[.!?]$/.test(capital) ? capital : capital + ".";
}
