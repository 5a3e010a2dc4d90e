// @ts-check
/**
 * Tiny DOM helpers. Visitor-supplied text only ever goes through `textContent`
 * (never innerHTML), so a page title such as `<img src=x onerror=…>` stays text.
 */

/**
 * Create an element.
 * @template {keyof HTMLElementTagNameMap} K
 * @param {K} tag
 * @param {{ class?: string, text?: string, attrs?: Record<string, string> }} [options]
 * @param {(Node | null | undefined | false)[]} [children]
 * @returns {HTMLElementTagNameMap[K]}
 */
export function el(tag, options = {}, children = []) {
  const node = document.createElement(tag);
  if (options.class) node.className = options.class;
  if (options.text !== undefined) node.textContent = options.text;
  if (options.attrs) {
    for (const [name, value] of Object.entries(options.attrs)) {
      if (name === 'style' || name.startsWith('on')) throw new Error(`refusing attribute ${name}`);
      node.setAttribute(name, value);
    }
  }
  for (const child of children) if (child) node.append(child);
  return node;
}

/**
 * Set an element's text only when it differs (avoids needless layout work).
 * @param {Element} node
 * @param {string} text
 */
export function setText(node, text) {
  if (node.textContent !== text) node.textContent = text;
}

/**
 * @param {string} id
 * @returns {HTMLElement}
 */
export function byId(id) {
  const node = document.getElementById(id);
  if (!node) throw new Error(`missing #${id}`);
  return node;
}

/** @returns {boolean} */
export function prefersReducedMotion() {
  return window.matchMedia('(prefers-reduced-motion: reduce)').matches;
}
