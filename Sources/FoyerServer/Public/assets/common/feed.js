// @ts-check
/**
 * The dashboard feed (docs/PROTOCOL.md section 2): one WebSocket to /feed that
 * delivers a snapshot, then live changes. When it drops, the client reconnects
 * with jittered exponential backoff; every (re)connection starts with a fresh
 * snapshot, which replaces the page's whole state, so nothing drifts.
 */

export const RECONNECT_MIN_MS = 500;
export const RECONNECT_MAX_MS = 15_000;
/** How often the page checks that the connection is alive. */
export const PING_INTERVAL_MS = 20_000;
/** A ping not answered within this long means the connection is dead. */
export const PONG_TIMEOUT_MS = 10_000;
const SESSION_ENDED_CODE = 4401;

/** @typedef {'connecting' | 'live' | 'reconnecting' | 'signed-out'} FeedState */

/** This server's feed, over wss: when the page came over https. */
export function feedURL() {
  return `${location.protocol === 'https:' ? 'wss:' : 'ws:'}//${location.host}/feed`;
}

export class FeedClient {
  /**
   * @param {object} options
   * @param {string} [options.url] the feed (this server's /feed when omitted)
   * @param {(message: any) => void} options.onMessage
   * @param {(state: FeedState, detail: { attempt: number, retryInMs: number }) => void} options.onState
   */
  constructor({ url = feedURL(), onMessage, onState }) {
    this.url = url;
    this.onMessage = onMessage;
    this.onState = onState;
    /** @type {WebSocket | null} */
    this.socket = null;
    this.attempt = 0;
    /** @type {ReturnType<typeof setTimeout> | undefined} */
    this.retryTimer = undefined;
    /** @type {ReturnType<typeof setInterval> | undefined} */
    this.pingTimer = undefined;
    /** @type {ReturnType<typeof setTimeout> | undefined} */
    this.pongTimer = undefined;
    this.stopped = false;
    /** @type {FeedState} */
    this.state = 'connecting';
  }

  start() {
    this.stopped = false;
    this.connect();
    window.addEventListener('online', () => this.reconnectNow());
    document.addEventListener('visibilitychange', () => {
      if (document.visibilityState === 'visible' && this.state === 'reconnecting') this.reconnectNow();
    });
  }

  stop() {
    this.stopped = true;
    clearTimeout(this.retryTimer);
    this.clearPing();
    this.socket?.close(1000, 'bye');
  }

  /** Skip the remaining backoff (the network came back, or the tab became visible). */
  reconnectNow() {
    if (this.stopped || this.state === 'live' || this.state === 'signed-out') return;
    if (this.socket && this.socket.readyState === WebSocket.CONNECTING) return;
    clearTimeout(this.retryTimer);
    this.connect();
  }

  connect() {
    let socket;
    try {
      socket = new WebSocket(this.url);
    } catch {
      this.scheduleReconnect();
      return;
    }
    this.socket = socket;
    socket.addEventListener('message', (event) => {
      if (this.socket !== socket || typeof event.data !== 'string') return;
      let message;
      try {
        message = JSON.parse(event.data);
      } catch {
        return;
      }
      if (message && message.type === 'pong') {
        clearTimeout(this.pongTimer);
        return;
      }
      if (message && message.type === 'snapshot') {
        this.attempt = 0;
        this.setState('live', 0);
        this.startPing(socket);
      }
      this.onMessage(message);
    });
    socket.addEventListener('close', (event) => {
      if (this.socket !== socket) return;
      this.socket = null;
      this.clearPing();
      if (this.stopped) return;
      if (event.code === SESSION_ENDED_CODE) {
        this.setState('signed-out', 0);
        return;
      }
      // Anything else (1001 shutting down, 4008 too far behind, a lost network):
      // reconnect; the fresh snapshot replaces whatever was missed.
      this.scheduleReconnect();
    });
  }

  scheduleReconnect() {
    const base = Math.min(RECONNECT_MAX_MS, RECONNECT_MIN_MS * 2 ** this.attempt);
    const delay = Math.round(base * (0.5 + Math.random() * 0.5));
    this.attempt += 1;
    this.setState('reconnecting', delay);
    clearTimeout(this.retryTimer);
    this.retryTimer = setTimeout(() => this.connect(), delay);
  }

  /**
   * @param {FeedState} state
   * @param {number} retryInMs
   */
  setState(state, retryInMs) {
    this.state = state;
    this.onState(state, { attempt: this.attempt, retryInMs });
  }

  /** @param {WebSocket} socket */
  startPing(socket) {
    this.clearPing();
    this.pingTimer = setInterval(() => {
      if (socket.readyState !== WebSocket.OPEN) return;
      socket.send('{"type":"ping"}');
      clearTimeout(this.pongTimer);
      this.pongTimer = setTimeout(() => this.abandon(socket), PONG_TIMEOUT_MS);
    }, PING_INTERVAL_MS);
  }

  /**
   * Give up on a connection that stopped answering, without waiting for its
   * close handshake (which a dead network never completes).
   * @param {WebSocket} socket
   */
  abandon(socket) {
    if (this.socket !== socket) return;
    this.socket = null;
    this.clearPing();
    try { socket.close(4000, 'no pong'); } catch { /* already closed */ }
    if (!this.stopped) this.scheduleReconnect();
  }

  clearPing() {
    clearInterval(this.pingTimer);
    clearTimeout(this.pongTimer);
  }
}
