// @ts-check
/**
 * A widening ring over the pins of new arrivals. It is a CSS animation of `scale` and
 * `opacity`, which the compositor runs without the page, so a busy feed does not
 * redraw the whole map canvas every frame for it.
 */
import { el } from '../common/dom.js';

/** More rings at once would only be noise. */
const MAX_ARRIVAL_RINGS = 8;

export class ArrivalRings {
  /** @param {HTMLElement} layer where the rings go (over the canvas) */
  constructor(layer) {
    this.layer = layer;
    /** @type {Set<HTMLElement>} */
    this.rings = new Set();
    this.reducedMotion = window.matchMedia('(prefers-reduced-motion: reduce)');
  }

  /**
   * Rings each of these screen points (CSS px in the map panel), up to the limit.
   * @param {Iterable<[number, number]>} points
   */
  show(points) {
    if (this.reducedMotion.matches) return;
    for (const [x, y] of points) {
      if (this.rings.size >= MAX_ARRIVAL_RINGS) return;
      const ring = el('span', { class: 'arrival-ring', attrs: { 'aria-hidden': 'true' } });
      ring.style.translate = `${x}px ${y}px`;
      ring.addEventListener('animationend', () => {
        ring.remove();
        this.rings.delete(ring);
      }, { once: true });
      this.rings.add(ring);
      this.layer.append(ring);
    }
  }

  clear() {
    for (const ring of this.rings) ring.remove();
    this.rings.clear();
  }
}
