// @ts-check
/**
 * The pictures the pins are stamped from: each pin shape and the count badges, drawn
 * once per device pixel ratio into small canvases and kept. Drawing a kept sprite is
 * what lets the map draw 5,000 pins at 60 frames/s.
 */

/** @typedef {import('./format.js').Status} Status */

export const PIN_RADIUS_PX = 6;
export const GROUP_RADIUS_PX = 8.5;
const BADGE_FONT = '700 11px system-ui, sans-serif';
const BADGE_HEIGHT_PX = 18;

export const COLORS = {
  online: '#2ecc71',
  chatting: '#3d8bfd',
  idle: '#f0a93b',
  offline: '#8a94a6',
  outline: '#0b1220',
  selected: '#ffd166',
};

/** The faint second ring of a group pin, per status. @type {Record<Status, string>} */
const GROUP_RING = {
  offline: 'rgba(138, 148, 166, 0.6)',
  chatting: 'rgba(61, 139, 253, 0.6)',
  online: 'rgba(46, 204, 113, 0.6)',
  idle: 'rgba(240, 169, 59, 0.6)',
};

/**
 * Draws one pin shape centred on (0, 0). The shape repeats the status for people
 * who cannot tell the colours apart: a filled dot (Online), a speech bubble
 * (Chatting), a half-filled ring (Idle), a hollow ring (Offline).
 * @param {CanvasRenderingContext2D} ctx
 * @param {Status} status
 * @param {number} r
 */
export function drawShape(ctx, status, r) {
  ctx.lineWidth = 2;
  ctx.strokeStyle = COLORS.outline;
  ctx.beginPath();
  if (status === 'chatting') {
    // Bubble: round except for a sharp bottom-left corner (the tail).
    ctx.moveTo(-r, r + 1.5);
    ctx.lineTo(-r, 0);
    ctx.arc(0, 0, r, Math.PI, Math.PI * 2.5, false);
    ctx.closePath();
  } else {
    ctx.arc(0, 0, r, 0, Math.PI * 2);
  }
  if (status === 'idle') {
    // Half moon: the ring in amber with only its left half filled.
    ctx.fillStyle = COLORS.outline;
    ctx.fill();
    ctx.lineWidth = 2.4;
    ctx.strokeStyle = COLORS.idle;
    ctx.stroke();
    ctx.beginPath();
    ctx.arc(0, 0, r, Math.PI / 2, Math.PI * 1.5);
    ctx.closePath();
    ctx.fillStyle = COLORS.idle;
    ctx.fill();
  } else if (status === 'offline') {
    ctx.fillStyle = COLORS.outline;
    ctx.fill();
    ctx.lineWidth = 2.4;
    ctx.strokeStyle = COLORS.offline;
    ctx.stroke();
  } else {
    ctx.fillStyle = COLORS[status];
    ctx.fill();
    ctx.stroke();
  }
}

export class SpriteCache {
  constructor() {
    /** @type {Map<string, HTMLCanvasElement>} */
    this.sprites = new Map();
    this.dpr = 0;
    /** CSS px per badge character, measured once. @type {Map<string, number> | null} */
    this.advances = null;
  }

  /** Drops every sprite when the device pixel ratio changed (another screen, a zoom). @param {number} dpr */
  useDpr(dpr) {
    if (this.dpr === dpr) return;
    this.sprites.clear();
    this.dpr = dpr;
  }

  /**
   * A pin's sprite (its centre is the sprite's centre).
   * @param {Status} status
   * @param {boolean} multi a group pin
   * @returns {HTMLCanvasElement}
   */
  pin(status, multi) {
    const r = multi ? GROUP_RADIUS_PX : PIN_RADIUS_PX;
    const size = Math.ceil((r + 6) * 2);
    return this.cached(`${status}|${multi}`, size, size, (ctx) => {
      ctx.translate(size / 2, size / 2);
      if (multi) {
        // A faint second ring says "several people here".
        ctx.beginPath();
        ctx.arc(0, 0, r + 3.5, 0, Math.PI * 2);
        ctx.lineWidth = 1.5;
        ctx.strokeStyle = GROUP_RING[status];
        ctx.stroke();
      }
      drawShape(ctx, status, r);
    });
  }

  /**
   * A count badge: a pill sized for its text, with the characters stamped on it from
   * pre-drawn glyphs. Group counts change with nearly every update, so a sprite per
   * count (a canvas each) kept being made.
   * @param {CanvasRenderingContext2D} ctx
   * @param {string} text digits, or "999+"
   * @param {number} x left, CSS pixels
   * @param {number} y top, CSS pixels
   */
  drawBadge(ctx, text, x, y) {
    const dpr = this.dpr;
    const advances = this.glyphAdvances();
    let textWidth = 0;
    for (const ch of text) textWidth += advances.get(ch) ?? 0;
    const base = this.badgeBase(Math.ceil(textWidth));
    const width = base.width / dpr;
    ctx.drawImage(base, x, y, width, base.height / dpr);
    let cursor = x + (width - textWidth) / 2;
    for (const ch of text) {
      const glyph = this.glyph(ch);
      const advance = advances.get(ch) ?? 0;
      const gx = Math.round((cursor + advance / 2 - glyph.width / dpr / 2) * dpr) / dpr;
      ctx.drawImage(glyph, gx, y, glyph.width / dpr, glyph.height / dpr);
      cursor += advance;
    }
  }

  /**
   * A sprite drawn once at the device pixel ratio and kept under `name`.
   * @param {string} name
   * @param {number} width CSS pixels
   * @param {number} height CSS pixels
   * @param {(ctx: CanvasRenderingContext2D) => void} draw in CSS pixels
   * @returns {HTMLCanvasElement}
   */
  cached(name, width, height, draw) {
    let sprite = this.sprites.get(name);
    if (sprite) return sprite;
    const dpr = this.dpr;
    sprite = document.createElement('canvas');
    sprite.width = width * dpr;
    sprite.height = height * dpr;
    const ctx = /** @type {CanvasRenderingContext2D} */ (sprite.getContext('2d'));
    ctx.scale(dpr, dpr);
    draw(ctx);
    this.sprites.set(name, sprite);
    return sprite;
  }

  /** Advance width (CSS px) of each badge character, measured once. */
  glyphAdvances() {
    if (this.advances) return this.advances;
    const measure = /** @type {CanvasRenderingContext2D} */ (document.createElement('canvas').getContext('2d'));
    measure.font = BADGE_FONT;
    /** @type {Map<string, number>} */
    const advances = new Map();
    for (const ch of '0123456789+') advances.set(ch, measure.measureText(ch).width);
    this.advances = advances;
    return advances;
  }

  /**
   * The pill for a text this wide (whole CSS px).
   * @param {number} textWidth
   * @returns {HTMLCanvasElement}
   */
  badgeBase(textWidth) {
    const width = Math.max(BADGE_HEIGHT_PX, textWidth + 10);
    return this.cached(`badge|${textWidth}`, width, BADGE_HEIGHT_PX, (ctx) => {
      ctx.fillStyle = '#f5f7fb';
      ctx.beginPath();
      ctx.roundRect(0.5, 0.5, width - 1, BADGE_HEIGHT_PX - 1, 8.5);
      ctx.fill();
      ctx.strokeStyle = COLORS.outline;
      ctx.lineWidth = 1;
      ctx.stroke();
    });
  }

  /**
   * @param {string} ch
   * @returns {HTMLCanvasElement}
   */
  glyph(ch) {
    const width = Math.ceil(this.glyphAdvances().get(ch) ?? 8) + 2;
    return this.cached(`glyph|${ch}`, width, BADGE_HEIGHT_PX, (ctx) => {
      ctx.fillStyle = COLORS.outline;
      ctx.font = BADGE_FONT;
      ctx.textAlign = 'center';
      ctx.textBaseline = 'middle';
      ctx.fillText(ch, width / 2, BADGE_HEIGHT_PX / 2 + 0.5);
    });
  }
}
