// @ts-check
/**
 * Pins of the Visitors map. Entries are grouped by city (places.js); places whose pins
 * would overlap at the current zoom share one group pin (clustering.js), which splits
 * again as the map zooms in. Pins are drawn on the map's canvas from kept sprites
 * (pin-drawing.js, sprites.js) and each one also has a transparent button on top for
 * the mouse, the keyboard and screen readers (pin-buttons.js). This layer keeps them
 * in step with the store and the map.
 */
import { cluster, membersOf, mergeStepFor, summarise } from './clustering.js';
import { ArrivalRings } from './arrivals.js';
import { STATUS_LABEL } from './format.js';
import { isInvited } from './invitation.js';
import { PinButtons } from './pin-buttons.js';
import { drawPins } from './pin-drawing.js';
import { Places } from './places.js';
import { SpriteCache } from './sprites.js';

/** @typedef {import('./clustering.js').Group} Group */

export class PinLayer {
  /**
   * @param {object} options
   * @param {HTMLElement} options.layer
   * @param {import('./map.js').WorldMap} options.map
   * @param {import('./store.js').VisitorStore} options.store
   * @param {(id: string) => void} options.onSelect a single pin was chosen
   * @param {(group: Group, button: HTMLButtonElement) => void} options.onGroup a group pin was chosen
   */
  constructor({ layer, map, store, onSelect, onGroup }) {
    this.map = map;
    this.store = store;
    this.places = new Places(store);
    /** The pins shown, by key. @type {Map<string, Group>} */
    this.groups = new Map();
    /** The zoom step the groups were made for. @type {number | null} */
    this.mergeStep = null;
    /** @type {string | null} */
    this.selectedId = null;
    this.sprites = new SpriteCache();
    this.rings = new ArrivalRings(layer);
    this.buttons = new PinButtons({
      layer,
      onPick: (key, button) => {
        const group = this.groups.get(key);
        if (!group) return;
        const ids = this.idsOf(group);
        if (ids.length === 1) onSelect(ids[0]);
        else if (ids.length > 1) onGroup(group, button);
      },
    });
  }

  /** @param {import('./store.js').Change} change */
  update(change) {
    let regroup = false;
    /** @type {Set<import('./places.js').Place>} */
    let dirty = new Set();
    if (change.reset || change.filterChanged) {
      this.places.rebuild();
      regroup = true;
    } else {
      if (change.touched.size === 0) return;
      const moved = this.places.move(change.touched);
      dirty = moved.dirty;
      regroup = moved.created;
    }
    /** @type {Set<Group>} */
    const groups = new Set();
    for (const place of dirty) {
      if (place.members.size === 0) {
        this.places.remove(place);
        regroup = true;
        continue;
      }
      this.places.refresh(place);
      const group = this.groups.get(place.group);
      if (group) groups.add(group);
    }
    if (regroup) this.regroup();
    else for (const group of groups) this.refreshGroup(group);
    if (!change.reset && change.arrived.size > 0) this.ringArrivals(change.arrived);
    if (regroup || groups.size > 0) this.map.requestDraw();
  }

  /** Groups the places again for the map's current zoom step. */
  regroup() {
    const step = mergeStepFor(this.map.scale, this.map.minScale);
    this.mergeStep = step;
    const next = cluster(this.places.byKey.values(), this.groups, step, this.map.minScale);
    this.buttons.retire(this.groups, next);
    this.groups = next;
    for (const group of next.values()) this.refreshGroup(group);
  }

  /** Regroups when the map zoomed past a step since the last grouping. */
  regroupIfZoomed() {
    if (this.mergeStep !== mergeStepFor(this.map.scale, this.map.minScale)) this.regroup();
  }

  /**
   * Brings a group's count, status and button up to date.
   * @param {Group} group
   */
  refreshGroup(group) {
    summarise(group);
    this.paintButton(group);
  }

  /**
   * The visitors of a pin, most recently connected first.
   * @param {Group} group
   * @returns {string[]}
   */
  idsOf(group) {
    return membersOf(group, this.store.entries);
  }

  /**
   * The pin that shows an entry, if it is on the map.
   * @param {string} id
   * @returns {Group | undefined}
   */
  groupOfEntry(id) {
    const place = this.places.of(id);
    return place ? this.groups.get(place.group) : undefined;
  }

  /** @param {Group} group */
  paintButton(group) {
    let label;
    let id = null;
    if (group.size === 1) {
      const entry = this.store.get(this.idsOf(group)[0] ?? '');
      if (!entry) {
        // Removed since this view last updated: the pending update repaints the pin.
        this.buttons.ensure(group);
        return;
      }
      label = `${entry.name}, ${STATUS_LABEL[entry.status]}, ${group.place}`;
      id = entry.id;
    } else {
      label = `${group.size} visitors in ${group.place}`;
    }
    const selected = this.selectedId !== null && this.groupOfEntry(this.selectedId) === group;
    const invited = this.idsOf(group).some((member) => isInvited(this.store.get(member)));
    this.buttons.paint(group, { label, id, selected, invited });
  }

  /** @param {string | null} id */
  setSelected(id) {
    const previous = this.selectedId;
    this.selectedId = id;
    for (const other of [previous, id]) {
      const group = other ? this.groupOfEntry(other) : undefined;
      if (group) this.paintButton(group);
    }
    this.map.requestDraw();
  }

  /**
   * World point of an entry's own place, or null when it is not on the map.
   * @param {string} id
   * @returns {[number, number] | null}
   */
  pointOf(id) {
    const place = this.places.of(id);
    return place ? [place.x, place.y] : null;
  }

  /**
   * @param {string} key
   * @returns {HTMLButtonElement | null}
   */
  buttonOf(key) {
    return this.groups.get(key)?.button ?? null;
  }

  /** Places the buttons over their pins, or hides them all while the map moves. */
  layout() {
    if (this.map.moving) {
      this.buttons.hide();
      this.rings.clear();
      return;
    }
    this.regroupIfZoomed();
    this.buttons.layout(this.groups.values(), this.map, (placeKey) => {
      const place = this.places.byKey.get(placeKey);
      return place ? this.groups.get(place.group)?.button ?? null : null;
    });
  }

  /**
   * Rings the pins of new arrivals that are on screen.
   * @param {Set<string>} arrived
   */
  ringArrivals(arrived) {
    if (this.map.moving) return;
    const { scale, cx, cy, width, height } = this.map;
    const groupOf = (/** @type {string} */ id) => this.groupOfEntry(id);
    this.rings.show((function* () {
      for (const id of arrived) {
        const group = groupOf(id);
        if (!group) continue;
        const sx = Math.round((group.x - cx) * scale + width / 2);
        const sy = Math.round((group.y - cy) * scale + height / 2);
        if (sx < 0 || sx > width || sy < 0 || sy > height) continue;
        yield /** @type {[number, number]} */ ([sx, sy]);
      }
    })());
  }

  /**
   * Draws the pins onto the map canvas (called by the map after the land).
   * @param {CanvasRenderingContext2D} ctx with a device-pixel-ratio transform
   * @param {number} dpr
   */
  draw(ctx, dpr) {
    this.sprites.useDpr(dpr);
    this.regroupIfZoomed();
    const selected = this.selectedId ? this.groupOfEntry(this.selectedId) : undefined;
    drawPins(ctx, dpr, { groups: this.groups.values(), selected, view: this.map, sprites: this.sprites });
  }
}
