// @ts-check
/**
 * Receipts both ways: the mark beside each agent message (sending, sent, delivered,
 * read by the visitor), and telling the server which visitor messages the agent has
 * read (docs/PROTOCOL.md section 3).
 */
import { api } from '../common/api.js';
import { setText } from '../common/dom.js';

/** @typedef {import('./model.js').ChatMessage} ChatMessage */

/** A message's state only moves forward. @type {Record<string, number>} */
const STATE_RANK = { sent: 0, delivered: 1, read: 2 };
/** The symbol and the accessible name of each state. @type {Record<string, [string, string]>} */
const MARKS = { sending: ['…', 'Sending'], sent: ['✓', 'Sent'], delivered: ['✓✓', 'Delivered'], read: ['✓✓', 'Read'] };

/**
 * Whether `state` is further along than `than` (a late "delivered" must not undo "read").
 * @param {string} state @param {string} than
 */
export function isLater(state, than) {
  return (STATE_RANK[state] ?? 0) > (STATE_RANK[than] ?? 0);
}

/**
 * Shows a state on a mark element (a `role="img"` span).
 * @param {HTMLElement} node @param {string} state
 */
export function showMark(node, state) {
  const [symbol, label] = MARKS[state] ?? MARKS.sent;
  setText(node, symbol);
  node.className = `mark ${state}`;
  node.setAttribute('aria-label', label);
  node.title = label;
}

/** Reports visitor messages as read, each at most once. */
export class ReadReceipts {
  constructor() {
    /** Highest visitor message id already reported, per chat. @type {Map<string, number>} */
    this.reported = new Map();
  }

  /**
   * Reports every visitor message of a chat the agent can see now, unless done already.
   * @param {string} chatId
   * @param {Iterable<ChatMessage>} messages the messages on screen
   */
  async report(chatId, messages) {
    if (document.visibilityState !== 'visible') return;
    let upTo = 0;
    for (const message of messages) if (message.from === 'visitor' && message.state !== 'read' && message.id > upTo) upTo = message.id;
    if (upTo <= (this.reported.get(chatId) ?? 0)) return;
    this.reported.set(chatId, upTo);
    try {
      await api('POST', `/api/chats/${encodeURIComponent(chatId)}/read`, { upTo });
    } catch {
      // Report again next time.
      this.reported.delete(chatId);
    }
  }
}
