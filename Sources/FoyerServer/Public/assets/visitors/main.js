// @ts-check
/**
 * The Visitors page (/visitors): wires the store, fed by the dashboard feed, to the
 * list, the map with its pins and group popup, the details drawer and the overlay card.
 */
import { PageChrome } from '../common/chrome.js';
import { byId, el, setText } from '../common/dom.js';
import { BlockForm } from './blocking.js';
import { VisitorDrawer } from './drawer.js';
import { VisitorList } from './list.js';
import { BUTTON_ZOOM_FACTOR, WorldMap } from './map.js';
import { PinLayer } from './pins.js';
import { GroupPopup } from './popup.js';
import { VisitorStore } from './store.js';

/** Zoom at least this far when flying to a chosen visitor. */
const FLY_MIN_ZOOM = 4;

function start() {
  const store = new VisitorStore();
  const chrome = new PageChrome({ notices: true });
  /** @type {import('../common/chrome.js').Me | null} */
  let me = null;
  /** @type {string | null} */
  let selectedId = null;

  const panel = byId('map-panel');
  const wrap = /** @type {HTMLElement} */ (panel.parentElement);
  const drawerRoot = byId('drawer');
  const map = new WorldMap({
    panel,
    canvas: /** @type {HTMLCanvasElement} */ (byId('map-canvas')),
    onViewChange: () => {
      pins.layout();
      if (map.moving) popup.close(false);
      else popup.follow();
    },
    onDraw: (ctx, dpr) => pins.draw(ctx, dpr),
    rightInset: () => (drawerRoot.hidden ? 0 : drawerRoot.offsetWidth),
  });
  const pins = new PinLayer({
    layer: byId('pin-layer'),
    map,
    store,
    onSelect: (id) => select(id, { fly: true, focusDrawer: true }),
    onGroup: (group, button) => popup.open(group, button),
  });
  const popup = new GroupPopup({
    root: byId('group-popup'),
    panel: wrap,
    store,
    pins,
    onSelect: (id) => select(id, { fly: true, focusDrawer: true }),
    onInvite: (id) => {
      select(id, { fly: true });
      drawer.invite();
    },
  });
  const list = new VisitorList({
    scroller: byId('list-scroll'),
    list: /** @type {HTMLUListElement} */ (byId('visitor-list')),
    empty: byId('list-empty'),
    store,
    onSelect: (id, byKeyboard) => select(id, { fly: true, focusDrawer: byKeyboard }),
  });
  const drawer = new VisitorDrawer({ root: drawerRoot, store, onClose: () => select(null) });
  const blockForm = new BlockForm({ root: drawerRoot, entryId: () => drawer.id });

  /**
   * @param {string | null} id
   * @param {{ fly?: boolean, focusDrawer?: boolean }} [options]
   */
  function select(id, options = {}) {
    selectedId = id;
    list.setSelected(id);
    pins.setSelected(id);
    if (!id) {
      drawer.close();
      return;
    }
    if (id !== drawer.id) blockForm.reset();
    drawer.open(id, options.focusDrawer);
    list.reveal(id);
    const point = pins.pointOf(id);
    if (options.fly && point) map.flyTo(point[0], point[1], Math.max(map.scale, map.minScale * FLY_MIN_ZOOM), true);
  }

  // Overlay card.
  const liveCount = byId('count-live');
  const chatCount = byId('count-chats');
  const waitingRow = byId('waiting');
  const waitingCount = byId('count-waiting');
  const emptyBox = byId('map-empty');

  function renderCounters() {
    setText(liveCount, String(store.counters.live));
    const title = `(${store.counters.live}) Visitors · Foyer`;
    // Every title change is a round trip to the browser process.
    if (document.title !== title) document.title = title;
    setText(chatCount, String(store.counters.chats));
    const waiting = store.counters.waiting ?? 0;
    waitingRow.hidden = waiting === 0;
    setText(waitingCount, String(waiting));
  }

  function renderEmpty() {
    /** @type {(Node | string)[]} */
    let content = [];
    let kind = '';
    if (store.tracking === false) {
      kind = 'disabled';
      const role = me?.user.role;
      content = [
        el('h2', { text: 'Visitor tracking is disabled' }),
        el('p', { text: 'Foyer is not collecting visitors for this account, so the map stays empty.' }),
        role === 'owner' || role === 'admin'
          ? el('p', {}, ['Turn on ', el('strong', { text: 'Visitor Tracking' }), ' in ', el('a', { text: 'Settings → Visitors', attrs: { href: '/settings' } }), '.'])
          : el('p', { text: 'Ask an admin or the owner of this account to turn on Visitor Tracking in Settings.' }),
      ];
    } else if (store.tracking === true && store.entries.size === 0) {
      kind = 'nobody';
      const origin = window.location.origin;
      const snippet = `<script async src="${origin}/foyer.js" data-site="${me?.account.siteKey ?? 'SITE_KEY'}"></script>`;
      content = [
        el('h2', { text: 'Nobody is on your site right now' }),
        el('p', { text: 'Visitors appear here the moment they open a page that has the Foyer script:' }),
        el('code', { class: 'snippet', text: snippet }),
      ];
    } else if (store.tracking === true && store.visible.length === 0) {
      kind = 'filtered';
      content = [el('p', { text: 'No visitors match the filter.' })];
    } else if (store.tracking === true && pins.groups.size === 0) {
      kind = 'unplaced';
      const n = store.visible.length;
      content = [el('p', { text: `${n === 1 ? '1 visitor has' : `${n} visitors have`} no known location; see the list on the left.` })];
    }
    const detail = kind === 'unplaced' ? String(store.visible.length) : me?.account.siteKey ?? '';
    if (emptyBox.dataset.kind === kind && emptyBox.dataset.detail === detail) return;
    emptyBox.dataset.kind = kind;
    emptyBox.dataset.detail = detail;
    emptyBox.hidden = kind === '';
    emptyBox.classList.toggle('is-note', kind === 'filtered' || kind === 'unplaced');
    emptyBox.replaceChildren(...content);
    document.body.classList.toggle('tracking-off', store.tracking === false);
  }

  store.subscribe((change) => {
    const start = performance.now();
    list.update(change);
    pins.update(change);
    popup.update();
    drawer.update(change);
    if (change.countersChanged) renderCounters();
    if (change.reset || change.trackingChanged || change.listChanged || change.touched.size > 0) renderEmpty();
    if (selectedId && !store.entries.has(selectedId)) {
      list.setSelected(null);
      pins.setSelected(null);
      if (!drawer.isOpen) selectedId = null;
    }
    performance.measure(change.reset ? 'foyer:render-snapshot' : 'foyer:render-update', { start });
  });

  // Filter: every keystroke narrows the list and the map before the next frame.
  const filter = /** @type {HTMLInputElement} */ (byId('filter'));
  filter.addEventListener('input', () => {
    const start = performance.now();
    store.setQuery(filter.value);
    performance.measure('foyer:filter', { start });
  });

  byId('zoom-in').addEventListener('click', () => map.zoomButton(BUTTON_ZOOM_FACTOR));
  byId('zoom-out').addEventListener('click', () => map.zoomButton(1 / BUTTON_ZOOM_FACTOR));

  document.addEventListener('keydown', (event) => {
    if (event.key === 'Escape' && drawer.isOpen && !event.defaultPrevented) select(null);
  });

  // The map data first (its request is preloaded), then the feed.
  map.load('/assets/world.json').catch(() => {
    panel.classList.add('map-unavailable');
  });
  chrome.follow((message) => {
    if (message.type === 'snapshot') {
      const start = performance.now();
      store.apply(message);
      store.flush();
      performance.measure('foyer:snapshot', { start });
    } else {
      store.apply(message);
    }
  });

  chrome.me.then((result) => {
    me = result;
    blockForm.allow(result?.user.role);
    renderEmpty();
  });
}

start();
