// @ts-check
// The credit a city database's licence asks for wherever its locations are shown
// (DB-IP City Lite is CC BY 4.0). The server says whether one is needed.

/**
 * @typedef {object} Locations
 * @property {{ text: string, url: string } | undefined} attribution
 */

async function showAttribution() {
  const element = document.getElementById('geo-attribution');
  if (!element) return;
  try {
    const response = await fetch('/api/locations', { headers: { Accept: 'application/json' } });
    if (!response.ok) return;
    /** @type {Locations} */
    const { attribution } = await response.json();
    if (!attribution || !/^https:\/\//.test(attribution.url)) return;
    const link = document.createElement('a');
    link.href = attribution.url;
    link.textContent = attribution.text;
    link.rel = 'noopener';
    link.target = '_blank';
    element.replaceChildren(link);
    element.hidden = false;
  } catch {
    // Unreachable now: the page works without the credit line and the next load shows it.
  }
}

showAttribution();
