// @ts-check
/**
 * "Notice first" on the Visitors and Chats pages: a short sound (WebAudio, no file) and
 * a desktop notification when a visitor arrives (`added`, never a snapshot or a tab that
 * resumed) and when a trigger fires (an entry's `invitation` with `trigger` set turns
 * `sent`). Each member switches them on in Settings (GET/PUT /api/me/notifications).
 */
import { api } from './api.js';

export class Notices {
  constructor() {
    this.sound = false;
    this.desktop = false;
    /** Entry names by id, to say who a `changed` message is about. @type {Map<string, string>} */
    this.names = new Map();
    /** @type {AudioContext | null} */
    this.audio = null;
    /** Settles once the switches are known, so an arrival right after load is not missed. */
    this.ready = api('GET', '/api/me/notifications').then((settings) => {
      this.sound = settings.sound === true;
      this.desktop = settings.desktop === true;
    }).catch(() => {});
  }

  /** One feed message. @param {any} message */
  apply(message) {
    if (message.type === 'snapshot') {
      this.names.clear();
      for (const entry of message.entries || []) this.names.set(entry.id, entry.name);
    } else if (message.type === 'added' && message.entry) {
      this.names.set(message.entry.id, message.entry.name);
      this.notify(`${message.entry.name} arrived`, message.entry.url || '');
    } else if (message.type === 'changed') {
      const set = message.set || {};
      if (typeof set.name === 'string') this.names.set(message.id, set.name);
      const invitation = set.invitation;
      if (invitation && invitation.trigger && invitation.state === 'sent') {
        this.notify(`A trigger invited ${this.names.get(message.id) || 'a visitor'}`, String(invitation.message || ''));
      }
    } else if (message.type === 'removed') {
      this.names.delete(message.id);
    }
  }

  /** @param {string} title @param {string} body */
  notify(title, body) {
    this.ready.then(() => this.show(title, body));
  }

  /** @param {string} title @param {string} body */
  show(title, body) {
    if (this.sound) this.beep();
    if (this.desktop && 'Notification' in window && Notification.permission === 'granted') {
      try {
        new Notification(title, { body, tag: 'foyer' });
      } catch {
        // Some browsers allow notifications only from a service worker: the sound still plays.
      }
    }
  }

  /** A 120 ms tone; browsers keep audio silent until the page had a user gesture. */
  beep() {
    try {
      this.audio = this.audio || new AudioContext();
      const oscillator = this.audio.createOscillator();
      const gain = this.audio.createGain();
      oscillator.frequency.value = 880;
      gain.gain.setValueAtTime(0.08, this.audio.currentTime);
      gain.gain.exponentialRampToValueAtTime(0.0001, this.audio.currentTime + 0.12);
      oscillator.connect(gain).connect(this.audio.destination);
      oscillator.start();
      oscillator.stop(this.audio.currentTime + 0.12);
    } catch {
      // No audio: nothing to do.
    }
  }
}
