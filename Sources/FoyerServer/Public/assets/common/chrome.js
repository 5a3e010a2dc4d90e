// @ts-check
/**
 * The chrome every signed-in page shares (the `<header class="bar">` and the connection
 * line under it, same markup on each page): who is signed in, Sign out, the unread
 * badge on the Chats link, and what the feed connection is doing. A page makes one
 * `PageChrome` and opens its feed through it, so the badge sees every feed message.
 */
import { ChatAlerts } from './alerts.js';
import { api, capitalise, request, signInURL } from './api.js';
import { byId, setText } from './dom.js';
import { FeedClient, feedURL } from './feed.js';
import { Notices } from './notices.js';

/** The first connection says "Connecting…" only when it takes long enough to notice. */
const CONNECTING_NOTICE_MS = 800;
/** A retry sooner than this is not worth announcing. */
const ANNOUNCE_RETRY_FROM_MS = 1500;

/**
 * @typedef {object} Me
 * @property {{ email: string, role: 'owner' | 'admin' | 'agent', displayName?: string | null, shownName: string }} user
 * @property {{ name: string, siteKey: string, tracking: boolean, invitationMessage: string }} account
 */

export class PageChrome {
  /**
   * @param {object} [options]
   * @param {(count: number) => void} [options.onUnread] called when the unread count changes
   * @param {boolean} [options.notices] sound and desktop notifications (Visitors and Chats pages)
   */
  constructor({ onUnread, notices = false } = {}) {
    this.alerts = new ChatAlerts({ onCount: onUnread });
    this.notices = notices ? new Notices() : null;
    this.banner = byId('connection');
    /** @type {FeedClient | null} */
    this.feed = null;
    /** The signed-in user and account, or null when they could not be loaded. @type {Promise<Me | null>} */
    this.me = api('GET', '/api/me').catch(() => null);
    this.me.then((me) => {
      if (!me) return;
      setText(byId('account-name'), me.account.name);
      setText(byId('user-email'), `${me.user.email} · ${capitalise(me.user.role)}`);
    });
    byId('sign-out').addEventListener('click', () => this.signOut());
  }

  /**
   * Opens the account's feed; each message goes to the unread badge, then to the page.
   * @param {(message: any) => void} onMessage
   * @param {{watches?: boolean}} [options] false for a page that does not show visitors
   *   (Settings): it then does not count as someone watching for the triggers
   * @returns {FeedClient}
   */
  follow(onMessage, { watches = true } = {}) {
    const feed = new FeedClient({
      url: watches ? feedURL() : `${feedURL()}?watch=0`,
      onMessage: (message) => {
        this.alerts.apply(message);
        this.notices?.apply(message);
        onMessage(message);
      },
      onState: (state, { retryInMs }) => this.showConnection(state, retryInMs),
    });
    this.feed = feed;
    document.body.dataset.feed = 'connecting';
    setTimeout(() => {
      if (document.body.dataset.feed !== 'connecting') return;
      setText(this.banner, 'Connecting…');
      this.banner.hidden = false;
    }, CONNECTING_NOTICE_MS);
    feed.start();
    return feed;
  }

  /**
   * @param {import('./feed.js').FeedState} state
   * @param {number} retryInMs
   */
  showConnection(state, retryInMs) {
    // Styles and tests read the state from the body.
    document.body.dataset.feed = state;
    this.banner.hidden = state === 'live' || state === 'connecting';
    if (state === 'reconnecting') {
      const when = retryInMs > ANNOUNCE_RETRY_FROM_MS ? ` in ${Math.round(retryInMs / 1000)} s` : '';
      setText(this.banner, `Connection lost. Reconnecting${when}…`);
    } else if (state === 'signed-out') {
      setText(this.banner, 'Your session ended. Redirecting to sign-in…');
      location.assign(signInURL());
    }
  }

  async signOut() {
    this.feed?.stop();
    try {
      await request('DELETE', '/api/session');
    } catch {
      // Signed out already, or the server is away: sign-in is the right page either way.
    } finally {
      location.assign('/signin');
    }
  }
}
