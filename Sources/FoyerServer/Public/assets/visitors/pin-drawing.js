// @ts-check
/**
 * Draws the pins onto the map's canvas after the land: Offline under Online under
 * Chatting, count badges over all pins, and the selected visitor's pin on top with a
 * glowing ring.
 */
import { COLORS, GROUP_RADIUS_PX, PIN_RADIUS_PX, drawShape } from './sprites.js';

/** @typedef {import('./clustering.js').Group} Group */
/** @typedef {import('./format.js').Status} Status */

/** Pins this far (px) outside the canvas are still drawn: their edge shows. */
const DRAW_MARGIN_PX = 40;
/** Where a group's count badge sits, from the pin's centre (CSS px). */
const BADGE_OFFSET_X_PX = 5;
const BADGE_OFFSET_Y_PX = -19;

/**
 * @param {CanvasRenderingContext2D} ctx with a device-pixel-ratio transform
 * @param {number} dpr
 * @param {object} scene
 * @param {Iterable<Group>} scene.groups
 * @param {Group | undefined} scene.selected the pin of the selected visitor
 * @param {{ scale: number, cx: number, cy: number, width: number, height: number }} scene.view the map's view
 * @param {import('./sprites.js').SpriteCache} scene.sprites
 */
export function drawPins(ctx, dpr, { groups, selected, view, sprites }) {
  const { scale, cx, cy, width, height } = view;
  const halfW = width / 2;
  const halfH = height / 2;
  /** @param {Group} group */
  const screenX = (group) => (group.x - cx) * scale + halfW;
  /** @param {Group} group */
  const screenY = (group) => (group.y - cy) * scale + halfH;
  // Snap to device pixels so sprites stay sharp.
  const snap = (/** @type {number} */ value) => Math.round(value * dpr) / dpr;

  /** @type {Record<Status, Group[]>} */
  const buckets = { offline: [], idle: [], online: [], chatting: [] };
  for (const group of groups) {
    const sx = screenX(group);
    const sy = screenY(group);
    if (sx < -DRAW_MARGIN_PX || sx > width + DRAW_MARGIN_PX || sy < -DRAW_MARGIN_PX || sy > height + DRAW_MARGIN_PX) continue;
    buckets[group.status].push(group);
  }
  /** @type {Group[]} */
  const grouped = [];
  for (const status of /** @type {Status[]} */ (['offline', 'idle', 'online', 'chatting'])) {
    for (const group of buckets[status]) {
      const multi = group.size > 1;
      const sprite = sprites.pin(status, multi);
      const half = sprite.width / dpr / 2;
      ctx.drawImage(sprite, snap(screenX(group) - half), snap(screenY(group) - half), sprite.width / dpr, sprite.height / dpr);
      if (multi) grouped.push(group);
    }
  }
  for (const group of grouped) {
    sprites.drawBadge(ctx, group.size > 999 ? '999+' : String(group.size),
      snap(screenX(group) + BADGE_OFFSET_X_PX), snap(screenY(group) + BADGE_OFFSET_Y_PX));
  }
  if (selected) drawSelected(ctx, selected, screenX(selected), screenY(selected));
}

/**
 * The selected visitor's pin: a glowing ring, and the pin again over any neighbour.
 * @param {CanvasRenderingContext2D} ctx
 * @param {Group} group
 * @param {number} x
 * @param {number} y
 */
function drawSelected(ctx, group, x, y) {
  const radius = group.size > 1 ? GROUP_RADIUS_PX : PIN_RADIUS_PX;
  ctx.save();
  ctx.translate(x, y);
  ctx.shadowColor = 'rgba(255, 209, 102, 0.8)';
  ctx.shadowBlur = 12;
  ctx.lineWidth = 3;
  ctx.strokeStyle = COLORS.selected;
  ctx.beginPath();
  ctx.arc(0, 0, radius + 5, 0, Math.PI * 2);
  ctx.stroke();
  ctx.restore();
  ctx.save();
  ctx.translate(x, y);
  drawShape(ctx, group.status, radius);
  ctx.restore();
}
