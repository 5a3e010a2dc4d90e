// @ts-check
import { prefersReducedMotion } from '../common/dom.js';

/** Latitude band shown when the whole world fits (Mercator blows up the poles). */
const FIT_NORTH_LAT = 78;
const FIT_SOUTH_LAT = -56;
export const MAX_ZOOM = 64;
const WHEEL_ZOOM_PER_PIXEL = 0.0018;
const KEY_PAN_PX = 80;
const BUTTON_ZOOM_FACTOR = 2;
const FLY_MS = 450;
const DRAG_THRESHOLD_PX = 4;
/** The wheel counts as "still zooming" until it has been quiet this long. */
const WHEEL_SETTLE_MS = 160;

const COLORS = {
  ocean: '#0b1220',
  land: '#1c2738',
  border: '#31425c',
  graticule: 'rgba(120, 150, 200, 0.07)',
};

/**
 * Web-Mercator projection of a longitude/latitude into world units (0…1 both ways,
 * x east, y south).
 * @param {number} lon
 * @param {number} lat
 * @returns {[number, number]}
 */
export function project(lon, lat) {
  const clamped = Math.max(-85, Math.min(85, lat));
  const phi = (clamped * Math.PI) / 180;
  return [(lon + 180) / 360, (1 - Math.log(Math.tan(Math.PI / 4 + phi / 2)) / Math.PI) / 2];
}

/**
 * The dark world map: a `<canvas>` with land drawn from the bundled Natural Earth
 * outlines, and the view (centre and scale) that the pin layer follows. Pans by
 * dragging or arrow keys, zooms by wheel, pinch, +/− keys and the buttons.
 */
export class WorldMap {
  /**
   * @param {object} options
   * @param {HTMLElement} options.panel the element labelled "Visitors map"
   * @param {HTMLCanvasElement} options.canvas
   * @param {() => void} options.onViewChange called after each frame drawn
   * @param {(ctx: CanvasRenderingContext2D, dpr: number) => void} [options.onDraw] draws over the land (the pins)
   * @param {() => number} [options.rightInset] pixels covered on the right (the drawer)
   */
  constructor({ panel, canvas, onViewChange, onDraw = () => {}, rightInset = () => 0 }) {
    this.panel = panel;
    this.canvas = canvas;
    this.onViewChange = onViewChange;
    this.onDraw = onDraw;
    this.rightInset = rightInset;
    const context = canvas.getContext('2d', { alpha: false });
    if (!context) throw new Error('canvas 2D is not available');
    this.ctx = context;
    /** @type {Path2D | null} */
    this.land = null;
    /** @type {HTMLCanvasElement | null} the land as last drawn, reused while only pins change */
    this.landCache = null;
    this.landKey = '';
    this.graticule = this.buildGraticule();
    this.width = 1;
    this.height = 1;
    this.dpr = 1;
    // View: world point at the panel's centre, and pixels per world unit.
    this.cx = 0.5;
    this.cy = 0.5;
    this.scale = 1;
    this.minScale = 1;
    this.fitted = false;
    this.frameRequested = false;
    /** @type {number | null} */
    this.animation = null;
    /** Pointer ids → last position, for drag and pinch. */
    /** @type {Map<number, {x: number, y: number}>} */
    this.pointers = new Map();
    this.dragDistance = 0;
    this.suppressClick = false;
    /** @type {{ distance: number, midX: number, midY: number } | null} */
    this.pinch = null;
    this.interacting = false;
    /** @type {ReturnType<typeof setTimeout> | undefined} */
    this.wheelTimer = undefined;
    this.wheeling = false;

    new ResizeObserver(() => this.resize()).observe(panel);
    this.resize();
    this.attachPointer();
    this.attachKeyboard();
  }

  /**
   * Load the outlines written by scripts/make_world_map.py.
   * @param {string} url
   */
  async load(url) {
    const response = await fetch(url, { credentials: 'same-origin' });
    if (!response.ok) throw new Error(`map data: HTTP ${response.status}`);
    const data = await response.json();
    const q = Number(data.q) || 100;
    const path = new Path2D();
    for (const ring of data.rings) {
      let lon = ring[0];
      let lat = ring[1];
      let [x, y] = project(lon / q, lat / q);
      path.moveTo(x, y);
      for (let i = 2; i < ring.length; i += 2) {
        lon += ring[i];
        lat += ring[i + 1];
        [x, y] = project(lon / q, lat / q);
        path.lineTo(x, y);
      }
      path.closePath();
    }
    this.land = path;
    this.requestDraw();
  }

  buildGraticule() {
    const path = new Path2D();
    for (let lon = -180; lon <= 180; lon += 30) {
      const [x, y0] = project(lon, 85);
      const [, y1] = project(lon, -85);
      path.moveTo(x, y0);
      path.lineTo(x, y1);
    }
    for (let lat = -60; lat <= 80; lat += 20) {
      const [x0, y] = project(-180, lat);
      const [x1] = project(180, lat);
      path.moveTo(x0, y);
      path.lineTo(x1, y);
    }
    return path;
  }

  resize() {
    const rect = this.panel.getBoundingClientRect();
    const width = Math.max(1, Math.round(rect.width));
    const height = Math.max(1, Math.round(rect.height));
    const dpr = Math.min(2, window.devicePixelRatio || 1);
    if (width === this.width && height === this.height && dpr === this.dpr && this.fitted) return;
    this.width = width;
    this.height = height;
    this.dpr = dpr;
    this.canvas.width = Math.round(width * dpr);
    this.canvas.height = Math.round(height * dpr);
    this.canvas.style.width = `${width}px`;
    this.canvas.style.height = `${height}px`;
    const [, north] = project(0, FIT_NORTH_LAT);
    const [, south] = project(0, FIT_SOUTH_LAT);
    this.minScale = Math.min(width / 1, height / (south - north));
    if (!this.fitted) {
      this.scale = this.minScale;
      this.cx = 0.5;
      this.cy = (north + south) / 2;
      this.fitted = true;
    }
    this.setView(this.cx, this.cy, this.scale);
  }

  /** Show the whole world again. */
  reset() {
    const [, north] = project(0, FIT_NORTH_LAT);
    const [, south] = project(0, FIT_SOUTH_LAT);
    this.flyTo(0.5, (north + south) / 2, this.minScale);
  }

  /** True while the view is being dragged, pinched, wheeled or animated. */
  get moving() {
    return this.interacting || this.wheeling || this.animation !== null || this.pinch !== null;
  }

  get zoom() {
    return this.scale / this.minScale;
  }

  /**
   * Set the view, clamped so the world never leaves the panel.
   * @param {number} cx
   * @param {number} cy
   * @param {number} scale
   */
  setView(cx, cy, scale) {
    this.scale = Math.max(this.minScale, Math.min(this.minScale * MAX_ZOOM, scale));
    const halfW = this.width / 2 / this.scale;
    const halfH = this.height / 2 / this.scale;
    this.cx = halfW >= 0.5 ? 0.5 : Math.max(halfW, Math.min(1 - halfW, cx));
    const [, top] = project(0, 84);
    const [, bottom] = project(0, -70);
    this.cy = halfH >= (bottom - top) / 2 ? (top + bottom) / 2 : Math.max(top + halfH, Math.min(bottom - halfH, cy));
    this.requestDraw();
  }

  /**
   * World units → panel pixels.
   * @param {number} x
   * @param {number} y
   * @returns {[number, number]}
   */
  toScreen(x, y) {
    return [(x - this.cx) * this.scale + this.width / 2, (y - this.cy) * this.scale + this.height / 2];
  }

  /**
   * Zoom by `factor` keeping the panel point (px, py) fixed.
   * @param {number} factor
   * @param {number} px
   * @param {number} py
   */
  zoomAt(factor, px, py) {
    this.stopAnimation();
    const wx = this.cx + (px - this.width / 2) / this.scale;
    const wy = this.cy + (py - this.height / 2) / this.scale;
    const scale = Math.max(this.minScale, Math.min(this.minScale * MAX_ZOOM, this.scale * factor));
    this.setView(wx - (px - this.width / 2) / scale, wy - (py - this.height / 2) / scale, scale);
  }

  /** @param {number} dx @param {number} dy */
  panBy(dx, dy) {
    this.stopAnimation();
    this.setView(this.cx - dx / this.scale, this.cy - dy / this.scale, this.scale);
  }

  /** @param {number} factor */
  zoomButton(factor) {
    const target = Math.max(this.minScale, Math.min(this.minScale * MAX_ZOOM, this.scale * factor));
    this.flyTo(this.cx, this.cy, target);
  }

  /**
   * Animate to a world point (placed in the middle of the uncovered part of the panel).
   * @param {number} x
   * @param {number} y
   * @param {number} scale
   * @param {boolean} [offsetForInset]
   */
  flyTo(x, y, scale, offsetForInset = false) {
    this.stopAnimation();
    const endScale = Math.max(this.minScale, Math.min(this.minScale * MAX_ZOOM, scale));
    const inset = offsetForInset ? Math.min(this.rightInset(), this.width / 2) : 0;
    const endX = x + inset / 2 / endScale;
    const startX = this.cx;
    const startY = this.cy;
    const startScale = this.scale;
    if (prefersReducedMotion()) {
      this.setView(endX, y, endScale);
      return;
    }
    const start = performance.now();
    const step = (/** @type {number} */ now) => {
      const t = Math.min(1, (now - start) / FLY_MS);
      const e = t < 0.5 ? 4 * t * t * t : 1 - (-2 * t + 2) ** 3 / 2;
      // Interpolate the scale geometrically so zooming feels even.
      const s = startScale * (endScale / startScale) ** e;
      this.setView(startX + (endX - startX) * e, startY + (y - startY) * e, s);
      this.animation = t < 1 ? requestAnimationFrame(step) : null;
    };
    this.animation = requestAnimationFrame(step);
  }

  stopAnimation() {
    if (this.animation !== null) cancelAnimationFrame(this.animation);
    this.animation = null;
  }

  requestDraw() {
    if (this.frameRequested) return;
    this.frameRequested = true;
    requestAnimationFrame(() => {
      this.frameRequested = false;
      this.draw();
      this.onViewChange();
    });
  }

  draw() {
    const { ctx, dpr } = this;
    const key = `${this.cx}|${this.cy}|${this.scale}|${this.width}|${this.height}|${dpr}|${this.land !== null}`;
    if (this.moving) {
      // The view changes every frame: draw straight onto the screen.
      this.drawLand(ctx);
      this.landKey = '';
    } else {
      // At rest only the pins change (live updates): reuse the land drawn for this view.
      if (key !== this.landKey || !this.landCache) {
        this.landCache ??= document.createElement('canvas');
        if (this.landCache.width !== this.canvas.width || this.landCache.height !== this.canvas.height) {
          this.landCache.width = this.canvas.width;
          this.landCache.height = this.canvas.height;
        }
        this.drawLand(/** @type {CanvasRenderingContext2D} */ (this.landCache.getContext('2d', { alpha: false })));
        this.landKey = key;
      }
      ctx.setTransform(1, 0, 0, 1, 0, 0);
      ctx.drawImage(this.landCache, 0, 0);
    }
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    this.onDraw(ctx, dpr);
  }

  /**
   * Ocean, graticule and land for the current view.
   * @param {CanvasRenderingContext2D} ctx
   */
  drawLand(ctx) {
    const { dpr, scale } = this;
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    ctx.fillStyle = COLORS.ocean;
    ctx.fillRect(0, 0, this.width, this.height);
    const tx = this.width / 2 - this.cx * scale;
    const ty = this.height / 2 - this.cy * scale;
    ctx.setTransform(dpr * scale, 0, 0, dpr * scale, dpr * tx, dpr * ty);
    ctx.lineWidth = 1 / scale;
    ctx.strokeStyle = COLORS.graticule;
    ctx.stroke(this.graticule);
    if (this.land) {
      ctx.fillStyle = COLORS.land;
      ctx.fill(this.land, 'nonzero');
      ctx.lineWidth = 0.8 / scale;
      ctx.strokeStyle = COLORS.border;
      ctx.stroke(this.land);
    }
  }

  attachPointer() {
    const panel = this.panel;
    /** Pointer gestures start only on the map itself, not on its controls or cards. */
    const isMapSurface = (/** @type {EventTarget | null} */ target) =>
      target instanceof Element && !target.closest('[data-no-pan]');

    panel.addEventListener('pointerdown', (event) => {
      if (!isMapSurface(event.target) || (event.pointerType === 'mouse' && event.button !== 0)) return;
      this.stopAnimation();
      this.pointers.set(event.pointerId, { x: event.clientX, y: event.clientY });
      if (this.pointers.size === 1) {
        this.dragDistance = 0;
        this.suppressClick = false;
      }
      if (this.pointers.size === 2) this.pinch = this.pinchState();
    });
    panel.addEventListener('pointermove', (event) => {
      const last = this.pointers.get(event.pointerId);
      if (!last) return;
      const dx = event.clientX - last.x;
      const dy = event.clientY - last.y;
      last.x = event.clientX;
      last.y = event.clientY;
      if (this.pointers.size >= 2 && this.pinch) {
        const next = this.pinchState();
        const rect = panel.getBoundingClientRect();
        this.zoomAt(next.distance / Math.max(1, this.pinch.distance), next.midX - rect.left, next.midY - rect.top);
        this.panBy(next.midX - this.pinch.midX, next.midY - this.pinch.midY);
        this.pinch = next;
        this.suppressClick = true;
        return;
      }
      this.dragDistance += Math.abs(dx) + Math.abs(dy);
      if (this.dragDistance > DRAG_THRESHOLD_PX) {
        if (!this.interacting) {
          this.interacting = true;
          panel.classList.add('is-dragging');
          try { panel.setPointerCapture(event.pointerId); } catch { /* pointer already gone */ }
        }
        this.suppressClick = true;
        this.panBy(dx, dy);
      }
    });
    const end = (/** @type {PointerEvent} */ event) => {
      if (!this.pointers.delete(event.pointerId)) return;
      if (this.pointers.size < 2 && this.pinch) {
        this.pinch = null;
        this.requestDraw();
      }
      if (this.pointers.size === 0 && this.interacting) {
        this.interacting = false;
        panel.classList.remove('is-dragging');
        this.requestDraw();
      }
    };
    panel.addEventListener('pointerup', end);
    panel.addEventListener('pointercancel', end);
    // A drag that ends over a pin must not also "click" it.
    panel.addEventListener('click', (event) => {
      if (this.suppressClick) {
        this.suppressClick = false;
        event.stopPropagation();
        event.preventDefault();
      }
    }, true);
    panel.addEventListener('wheel', (event) => {
      if (!isMapSurface(event.target)) return;
      event.preventDefault();
      const rect = panel.getBoundingClientRect();
      const pixels = event.deltaMode === 1 ? event.deltaY * 16 : event.deltaMode === 2 ? event.deltaY * 400 : event.deltaY;
      this.wheeling = true;
      clearTimeout(this.wheelTimer);
      this.wheelTimer = setTimeout(() => {
        this.wheeling = false;
        this.requestDraw();
      }, WHEEL_SETTLE_MS);
      this.zoomAt(Math.exp(-pixels * WHEEL_ZOOM_PER_PIXEL), event.clientX - rect.left, event.clientY - rect.top);
    }, { passive: false });
  }

  pinchState() {
    const [a, b] = [...this.pointers.values()];
    return { distance: Math.hypot(a.x - b.x, a.y - b.y), midX: (a.x + b.x) / 2, midY: (a.y + b.y) / 2 };
  }

  attachKeyboard() {
    this.panel.addEventListener('keydown', (event) => {
      if (event.target !== this.panel || event.altKey || event.ctrlKey || event.metaKey) return;
      switch (event.key) {
        case 'ArrowLeft': this.panBy(KEY_PAN_PX, 0); break;
        case 'ArrowRight': this.panBy(-KEY_PAN_PX, 0); break;
        case 'ArrowUp': this.panBy(0, KEY_PAN_PX); break;
        case 'ArrowDown': this.panBy(0, -KEY_PAN_PX); break;
        case '+': case '=': this.zoomButton(BUTTON_ZOOM_FACTOR); break;
        case '-': case '_': this.zoomButton(1 / BUTTON_ZOOM_FACTOR); break;
        case '0': this.reset(); break;
        default: return;
      }
      event.preventDefault();
    });
  }
}

export { BUTTON_ZOOM_FACTOR };
