#!/usr/bin/env python3
"""Front-end benchmark of the Visitors page, in headless Chromium.

    python3 Tests/browser/visitors_bench.py [--runs N] [--only NAME ...]

The real page, scripts, styles and map data are served straight from
Sources/FoyerServer/Public through Playwright request routing, with the same
Content-Security-Policy as the server. The dashboard feed is replaced by a
stand-in `WebSocket` class installed before the page's own scripts run; it
speaks docs/PROTOCOL.md section 2 (entries with page histories of up to 50
pages, `counters` whenever the numbers change), so the numbers measure the page
alone, without a server or network in the way, and are not capped by the
server's entry limit. Live messages are encoded before measuring and played
from a worker, one message per task, so the generator costs the page's main
thread nothing a real socket would not.

Measured (each in a fresh page, 1280x800):
  * initial render of a 500- and a 5,000-entry snapshot: synchronous work from
    the decoded snapshot to every view updated, and from the snapshot's text
    arriving to the next frame;
  * one filter keystroke over 5,000 entries: the input handler (filter + list +
    map pins) and input -> next frame;
  * 1,000 entry updates per second for 5 s over 5,000 entries (in ~480 cities,
    and at 5,000 distinct places, the worst case for merging pins): frame intervals
    (a frame is dropped when its interval is over 1.5x the median vsync
    interval), long animation frames, each message's delay until drawn, the
    renderer's main-thread time and every Chromium process's CPU time;
  * dragging the map for 3 s with 5,000 pins (5,000 distinct places, the worst
    case for grouping): frame intervals.
The output records the date and the load average before and after: other work
on the machine shows up as dropped frames.
"""
from __future__ import annotations

import argparse
import json
import mimetypes
import os
import platform
import statistics
import sys
import time
from pathlib import Path

from playwright.sync_api import Route, sync_playwright

ROOT = Path(__file__).resolve().parents[2]
PUBLIC = ROOT / "Sources" / "FoyerServer" / "Public"
ORIGIN = "http://foyer.bench"
CHROMIUM = os.environ.get("FOYER_CHROMIUM", "/usr/bin/chromium")
CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
       "connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'none'; "
       "form-action 'self'; frame-ancestors 'none'")

# Installed before the page's scripts: a WebSocket stand-in for /feed that sends a
# generated snapshot and, on request, a prepared stream of live messages.
FAKE_FEED = r"""
(() => {
  const params = new URLSearchParams(location.hash.slice(1));
  const count = Number(params.get('n') || 500);
  const places = params.get('places') || 'cities';
  // xorshift32: a fixed seed for repeatable runs (a plain LCG's correlated draws skewed the cities).
  let seed = 2463534242;
  const rand = () => { seed ^= seed << 13; seed ^= seed >>> 17; seed ^= seed << 5; return (seed >>> 0) / 4294967296; };
  const pick = (list) => list[Math.floor(rand() * list.length)];
  const CITIES = [['TR','Türkiye','Istanbul',41.01,28.97,'Europe/Istanbul','tr-TR'],
    ['US','United States','New York',40.71,-74.0,'America/New_York','en-US'],
    ['DE','Germany','Berlin',52.52,13.4,'Europe/Berlin','de-DE'],['JP','Japan','Tokyo',35.68,139.69,'Asia/Tokyo','ja-JP'],
    ['BR','Brazil','São Paulo',-23.55,-46.63,'America/Sao_Paulo','pt-BR'],['GB','United Kingdom','London',51.5,-0.12,'Europe/London','en-GB'],
    ['IN','India','Mumbai',19.07,72.87,'Asia/Kolkata','hi-IN'],['FR','France','Paris',48.85,2.35,'Europe/Paris','fr-FR'],
    ['AU','Australia','Sydney',-33.87,151.2,'Australia/Sydney','en-AU'],['ZA','South Africa','Johannesburg',-26.2,28.04,'Africa/Johannesburg','en-ZA'],
    ['MX','Mexico','Mexico City',19.43,-99.13,'America/Mexico_City','es-MX'],['CI',"Côte d'Ivoire",'Abidjan',5.35,-4.0,'Africa/Abidjan','fr-CI']];
  const PAGES = [['/', 'Home'], ['/pricing', 'Pricing'], ['/docs/getting-started', 'Docs — Getting started'],
    ['/blog/unicode-tips', 'Blog: Ünïcödé tips'], ['/contact', 'Contact us'], ['/checkout', 'Checkout'],
    ['/careers', 'Careers'], ['/status', 'Status'], ['/products/', 'Product']];
  const REFERRERS = ['', '', '', 'https://www.google.com/', 'https://news.ycombinator.com/', 'https://t.co/'];
  const MAX_PAGES = 50;  // docs/PROTOCOL.md: page history, oldest first, at most 50
  const start = Date.now();
  let next = 1;
  function visit(at) {
    const [path, title] = pick(PAGES);
    const n = Math.floor(rand() * 900);
    return { url: 'https://shop.example.com' + path + (path.endsWith('/') ? 'item-' + n : ''),
             title: title + (path.endsWith('/') ? ' ' + n : '') + ' · Example Shop', at };
  }
  // An entry as the server sends it: a page history of 1 to 50 pages (most short).
  function makeEntry(connectedAt, now) {
    const n = next++;
    const c = pick(CITIES);
    let location;
    if (places === 'distinct') {
      location = { countryCode: 'XX', country: 'Nowhere', city: 'Place ' + n,
        latitude: -55 + rand() * 130, longitude: -180 + rand() * 360, source: 'database' };
    } else {
      location = { countryCode: c[0], country: c[1], city: c[2] + ' ' + Math.floor(rand() * 40),
        latitude: c[3] + rand() * 6 - 3, longitude: c[4] + rand() * 6 - 3, source: rand() < 0.5 ? 'database' : 'timezone' };
    }
    const views = Math.min(MAX_PAGES, 1 + Math.floor(-Math.log(1 - rand()) * 5));
    const pages = [];
    for (let i = 0; i < views; i++) pages.push(visit(connectedAt + (now - connectedAt) * i / views));
    const last = pages[pages.length - 1];
    const r = rand();
    const status = r < 0.75 ? 'online' : r < 0.8 ? 'chatting' : 'offline';
    return { id: 'e_' + n.toString(36) + 'x' + Math.floor(rand() * 1e9).toString(36), number: n, name: 'Visitor ' + n,
      status, connectedAt, pageSince: last.at, leftAt: status === 'offline' ? now - Math.floor(rand() * 600000) : null,
      url: last.url, title: last.title, referrer: pick(REFERRERS), language: c[6], timezone: c[5],
      returning: rand() < 0.3, location, pages, chatId: status === 'chatting' ? 'c_' + n : null };
  }
  const entries = [];
  for (let i = 0; i < count; i++) entries.push(makeEntry(start - (count - i) * 1000, start));
  const chatsOf = (list) => list.filter((e) => e.status === 'chatting').length;
  window.__bench = { entries, sockets: [], dispatchedAt: null };

  class BenchFeedSocket extends EventTarget {
    static CONNECTING = 0; static OPEN = 1; static CLOSING = 2; static CLOSED = 3;
    constructor(url) {
      super();
      this.url = url; this.readyState = 0;
      window.__bench.sockets.push(this);
      setTimeout(() => {
        this.readyState = 1;
        this.dispatchEvent(new Event('open'));
        this.emit({ type: 'snapshot', tracking: true, limit: 100000, entries,
          counters: { live: entries.length, chats: chatsOf(entries), waiting: 0 }, chats: [], now: Date.now() });
      }, 0);
    }
    emit(message) { this.emitText(JSON.stringify(message)); }
    emitText(text) { this.dispatchEvent(new MessageEvent('message', { data: text })); }
    send(text) { if (text.includes('ping')) setTimeout(() => this.emit({ type: 'pong' }), 0); }
    close() { this.readyState = 3; }
  }
  window.WebSocket = BenchFeedSocket;

  // The live feed of a busy site, prepared as JSON text before anything is
  // measured: of the entry messages, 70 % navigations (new page, appended to the
  // history), 10 % status changes (leaving, coming back, starting a chat),
  // 10 % arrivals, 10 % removals (expired offline entries, archived chats); a
  // `counters` message follows whenever the overlay card's numbers change, as
  // the server sends them.
  window.__bench.prepare = (perSecond, seconds) => {
    const live = new Map(entries.map((e) => [e.id, e]));
    const ids = [...live.keys()];
    const messages = [];
    let chats = chatsOf(entries);
    const total = perSecond * seconds;
    for (let sent = 0; sent < total; sent++) {
      const now = start + 60000 + (sent / perSecond) * 1000;
      const r = rand();
      const before = { live: live.size, chats };
      let message;
      if (r < 0.1) {
        const e = makeEntry(now, now);
        e.status = 'online'; e.chatId = null; e.leftAt = null;
        e.pages = [visit(now)]; e.url = e.pages[0].url; e.title = e.pages[0].title; e.pageSince = now;
        live.set(e.id, e); ids.push(e.id);
        message = { type: 'added', entry: e };
      } else if (r < 0.2 && ids.length > 1) {
        // Offline entries expire; a chatting one goes when its chat is archived.
        let index = Math.floor(rand() * ids.length);
        for (let tries = 0; tries < 20 && live.get(ids[index]).status === 'online'; tries++) index = Math.floor(rand() * ids.length);
        const id = ids[index];
        const gone = live.get(id);
        ids[index] = ids[ids.length - 1]; ids.pop(); live.delete(id);
        if (gone.status === 'chatting') chats--;
        message = { type: 'removed', id, reason: gone.status === 'chatting' ? 'archived' : 'expired' };
      } else {
        const id = ids[Math.floor(rand() * ids.length)];
        const e = { ...live.get(id) };
        // Only what changed travels, as the server sends it (docs/PROTOCOL.md section 2).
        if (r < 0.3) {
          if (e.status === 'offline') { e.status = 'online'; e.leftAt = null; }
          else if (e.status === 'online' && rand() < 0.3) { e.status = 'chatting'; e.chatId = 'c_' + e.number; chats++; }
          else { if (e.status === 'chatting') chats--; e.status = 'offline'; e.leftAt = now; e.chatId = null; }
          message = { type: 'changed', id, set: { status: e.status, leftAt: e.leftAt, chatId: e.chatId } };
        } else {
          const page = visit(now);
          if (e.status === 'offline') { e.status = 'online'; e.leftAt = null; }
          e.url = page.url; e.title = page.title; e.pageSince = now;
          const drop = e.pages.length >= MAX_PAGES ? 1 : 0;
          const keep = e.pages.length - drop;
          e.pages = [...e.pages.slice(drop), page];
          message = {
            type: 'changed', id,
            set: { status: e.status, leftAt: e.leftAt, url: e.url, title: e.title, pageSince: e.pageSince },
            pages: { drop, keep, add: [page] },
          };
        }
        live.set(id, e);
      }
      messages.push(JSON.stringify(message));
      if (before.live !== live.size || before.chats !== chats) {
        messages.push(JSON.stringify({ type: 'counters', counters: { live: live.size, chats, waiting: 0 } }));
      }
    }
    window.__bench.prepared = { messages, perSecond, entryMessages: total };
    return { messages: messages.length, bytes: messages.reduce((n, m) => n + m.length, 0) };
  };

  // Play the prepared stream from a worker, one message per task as a socket
  // delivers them, so the page's main thread does only what it does with a
  // real feed: dispatch, JSON.parse and the page's own work.
  window.__bench.play = () => new Promise((resolve) => {
    const { messages, perSecond } = window.__bench.prepared;
    const socket = window.__bench.sockets[0];
    const dispatchedAt = new Float64Array(messages.length);
    const worker = new Worker('/__bench/feed-worker.js');
    let index = 0;
    worker.onmessage = (event) => {
      if (event.data === null) { worker.terminate(); window.__bench.dispatchedAt = dispatchedAt; resolve(index); return; }
      dispatchedAt[index++] = performance.now();
      socket.emitText(event.data);
    };
    worker.postMessage({ messages, perSecond: perSecond * messages.length / window.__bench.prepared.entryMessages });
  });

  // Frame intervals (rAF to rAF) while `work` runs.
  window.__bench.frames = async (work) => {
    const intervals = [];
    let last = performance.now();
    let running = true;
    const tick = (t) => { intervals.push(t - last); last = t; if (running) requestAnimationFrame(tick); };
    requestAnimationFrame((t) => { last = t; requestAnimationFrame(tick); });
    await work();
    running = false;
    return intervals;
  };

  // Drag the map with pointer events, one step per frame, for `ms` milliseconds.
  window.__bench.pan = (ms) => new Promise((resolve) => {
    const panel = document.getElementById('map-panel');
    const rect = panel.getBoundingClientRect();
    let x = rect.left + rect.width / 2, y = rect.top + rect.height / 2;
    const opts = (px, py) => ({ bubbles: true, cancelable: true, pointerId: 7, pointerType: 'mouse',
      button: 0, buttons: 1, clientX: px, clientY: py, isPrimary: true });
    panel.dispatchEvent(new PointerEvent('pointerdown', opts(x, y)));
    const start = performance.now();
    const step = (t) => {
      const phase = (t - start) / 700;
      x += Math.cos(phase) * 9; y += Math.sin(phase * 0.7) * 5;
      panel.dispatchEvent(new PointerEvent('pointermove', opts(x, y)));
      if (t - start < ms) requestAnimationFrame(step);
      else { panel.dispatchEvent(new PointerEvent('pointerup', opts(x, y))); resolve(); }
    };
    requestAnimationFrame(step);
  });
})();
"""

# The worker that paces the prepared messages (served by the benchmark only).
FEED_WORKER = r"""
onmessage = (event) => {
  const { messages, perSecond } = event.data;
  const start = performance.now();
  let sent = 0;
  const timer = setInterval(() => {
    const due = Math.min(messages.length, Math.floor((performance.now() - start) / 1000 * perSecond));
    while (sent < due) postMessage(messages[sent++]);
    if (sent >= messages.length) { clearInterval(timer); postMessage(null); }
  }, 2);
};
"""


def serve(route: Route) -> None:
    path = route.request.url[len(ORIGIN):].split("?")[0].split("#")[0]
    headers = {"Content-Security-Policy": CSP, "Cache-Control": "no-store"}
    if path == "/__bench/feed-worker.js":
        route.fulfill(status=200, headers=headers, content_type="text/javascript", body=FEED_WORKER)
        return
    if path == "/api/me":
        body = {"user": {"email": "bench@example.com", "role": "owner"},
                "account": {"name": "Bench", "siteKey": "bench", "tracking": True}}
        route.fulfill(status=200, headers=headers, content_type="application/json", body=json.dumps(body))
        return
    file = PUBLIC / "visitors.html" if path == "/visitors" else (PUBLIC / path.lstrip("/")).resolve()
    if not file.is_file() or PUBLIC.resolve() not in file.resolve().parents:
        route.fulfill(status=404, headers=headers, body="not found")
        return
    kind = "text/javascript" if file.suffix == ".js" else (mimetypes.guess_type(file.name)[0] or "application/octet-stream")
    route.fulfill(status=200, headers=headers, content_type=kind, body=file.read_bytes())


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    k = max(0, min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1))))
    return ordered[k]


def frame_summary(intervals: list[float], seconds: float) -> dict:
    """Frame intervals (rAF to rAF). A frame counts as dropped when its interval is
    over 1.5 times the median (the vsync interval), i.e. at least one vsync was
    missed; `missed_vsyncs` adds up how many."""
    vsync = statistics.median(intervals)
    return {
        "frames": len(intervals),
        "fps": round(len(intervals) / seconds, 1),
        "p50_ms": round(vsync, 1),
        "p95_ms": round(percentile(intervals, 95), 1),
        "max_ms": round(max(intervals), 1),
        "dropped_frames": sum(1 for v in intervals if v > 1.5 * vsync),
        "missed_vsyncs": sum(max(0, round(v / vsync) - 1) for v in intervals),
        "over_20ms": sum(1 for v in intervals if v > 20),
        "over_33ms": sum(1 for v in intervals if v > 33.4),
    }


def stats(values: list[float], digits: int = 1) -> dict:
    if not values:
        return {}
    return {"median": round(statistics.median(values), digits), "p95": round(percentile(values, 95), digits),
            "max": round(max(values), digits)}


def chromium_cpu_ms() -> dict[str, float]:
    """CPU time (user + system) of every Chromium process, by process type, from /proc."""
    tick = os.sysconf("SC_CLK_TCK")
    by_kind: dict[str, float] = {}
    for pid in os.listdir("/proc"):
        if not pid.isdigit():
            continue
        try:
            command = open(f"/proc/{pid}/cmdline", "rb").read().replace(b"\0", b" ")
            if b"chromium" not in command.split(b" ")[0]:
                continue
            kind = command.split(b"--type=")[1].split(b" ")[0].decode() if b"--type=" in command else "browser"
            fields = open(f"/proc/{pid}/stat").read().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue
        by_kind[f"{kind}:{pid}"] = (int(fields[11]) + int(fields[12])) * 1000 / tick
    return by_kind


def cpu_delta(before: dict[str, float], after: dict[str, float], seconds: float) -> dict:
    """CPU milliseconds per second of wall time, per process type."""
    out: dict[str, float] = {}
    for key, value in after.items():
        kind = key.split(":")[0]
        out[kind] = out.get(kind, 0) + value - before.get(key, 0)
    return {kind: round(ms / seconds) for kind, ms in sorted(out.items()) if ms > 0}


def measures(page, name: str) -> list[float]:
    return page.evaluate("(n) => performance.getEntriesByName(n).map((m) => m.duration)", name)


def open_page(browser, n: int, places: str = "cities"):
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    context.add_init_script(FAKE_FEED)
    context.route(f"{ORIGIN}/**", serve)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(f"{ORIGIN}/visitors#n={n}&places={places}")
    page.wait_for_function("performance.getEntriesByName('foyer:snapshot').length > 0")
    page.wait_for_function("document.querySelectorAll('#visitor-list li').length > 0")
    return context, page, errors


def bench_initial_render(browser, runs: int, n: int) -> dict:
    sync_ms, painted_ms = [], []
    for _ in range(runs):
        context, page, errors = open_page(browser, n)
        assert not errors, errors
        sync_ms.append(measures(page, "foyer:snapshot")[0])
        # Snapshot arrival to the end of the next frame's rendering (the message is
        # encoded before the clock starts: a socket hands the page text).
        painted_ms.append(page.evaluate("""async () => {
          const socket = window.__bench.sockets[0];
          const entries = window.__bench.entries;
          const text = JSON.stringify({ type: 'snapshot', tracking: true, limit: 100000, entries,
            counters: { live: entries.length, chats: 0, waiting: 0 }, chats: [], now: Date.now() });
          const start = performance.now();
          socket.emitText(text);
          await new Promise((r) => requestAnimationFrame(() => setTimeout(r, 0)));
          return performance.now() - start;
        }"""))
        context.close()
    return {
        "entries": n, "runs": runs,
        "first_snapshot_sync_ms": {"median": round(statistics.median(sync_ms), 1), "max": round(max(sync_ms), 1)},
        "resnapshot_to_frame_ms": {"median": round(statistics.median(painted_ms), 1), "max": round(max(painted_ms), 1)},
    }


def bench_filter(browser) -> dict:
    context, page, errors = open_page(browser, 5000)
    filter_box = page.get_by_label("Filter visitors")
    filter_box.click()
    page.evaluate("""() => {
      window.__bench.keyToFrame = [];
      document.getElementById('filter').addEventListener('input', () => {
        const start = performance.now();
        requestAnimationFrame(() => setTimeout(() => window.__bench.keyToFrame.push(performance.now() - start), 0));
      }, { capture: true });
    }""")
    page.evaluate("performance.clearMeasures('foyer:filter')")
    for text in ["istanbul", "visitor 12", "côte", "pricing 4", "tr"]:
        for ch in text:
            page.keyboard.type(ch)
            page.wait_for_timeout(30)
        for _ in text:
            page.keyboard.press("Backspace")
            page.wait_for_timeout(30)
    handler = measures(page, "foyer:filter")
    to_frame = page.evaluate("window.__bench.keyToFrame")
    assert not errors, errors
    context.close()
    return {
        "entries": 5000, "keystrokes": len(handler),
        "handler_ms": {"median": round(statistics.median(handler), 2), "p95": round(percentile(handler, 95), 2),
                       "max": round(max(handler), 2)},
        "input_to_frame_ms": {"median": round(statistics.median(to_frame), 1), "p95": round(percentile(to_frame, 95), 1),
                              "max": round(max(to_frame), 1)},
    }


def bench_updates(browser, per_second: int, seconds: int, places: str = "cities") -> dict:
    context, page, errors = open_page(browser, 5000, places)
    prepared = page.evaluate("(a) => window.__bench.prepare(a[0], a[1])", [per_second, seconds])
    page.evaluate("""() => {
      performance.clearMeasures('foyer:render-update');
      window.__bench.loaf = [];
      new PerformanceObserver((list) => { for (const e of list.getEntries()) window.__bench.loaf.push(e.duration); })
        .observe({ type: 'long-animation-frame' });
    }""")
    cdp = context.new_cdp_session(page)
    cdp.send("Performance.enable")
    page.wait_for_timeout(500)
    metrics = lambda: {m["name"]: m["value"] for m in cdp.send("Performance.getMetrics")["metrics"]}  # noqa: E731
    m0, c0 = metrics(), chromium_cpu_ms()
    intervals = page.evaluate("() => window.__bench.frames(() => window.__bench.play())")
    m1, c1 = metrics(), chromium_cpu_ms()
    # Each message's delay until the page had drawn it: dispatch -> end of the
    # first view update after it.
    timing = page.evaluate("""() => {
      const renders = performance.getEntriesByName('foyer:render-update');
      const sent = window.__bench.dispatchedAt;
      const delays = [];
      let r = 0;
      for (const at of sent) {
        while (r < renders.length && renders[r].startTime < at) r++;
        if (r < renders.length) delays.push(renders[r].startTime + renders[r].duration - at);
      }
      return { renders: renders.map((m) => m.duration), delays, loaf: window.__bench.loaf, delivered: sent.length };
    }""")
    assert not errors, errors
    context.close()
    busy = {name: round((m1[key] - m0[key]) * 1000 / seconds) for name, key in [
        ("task", "TaskDuration"), ("script", "ScriptDuration"), ("style", "RecalcStyleDuration"), ("layout", "LayoutDuration")]}
    summary = frame_summary(intervals, seconds)
    summary.update({
        "entries": 5000, "places": places, "updates_per_second": per_second, "seconds": seconds,
        "messages_with_counters": prepared["messages"], "delivered": timing["delivered"],
        "mean_message_bytes": round(prepared["bytes"] / prepared["messages"]),
        "view_updates": len(timing["renders"]),
        "page_work_per_view_update_ms": stats(timing["renders"], 2),
        "message_to_view_ms": stats(timing["delays"]),
        "long_animation_frames_over_50ms": len(timing["loaf"]),
        "renderer_main_thread_ms_per_s": busy,
        "chromium_cpu_ms_per_s": cpu_delta(c0, c1, seconds),
    })
    return summary


def bench_pan(browser, places: str, seconds: float) -> dict:
    context, page, errors = open_page(browser, 5000, places)
    pins = page.evaluate("document.querySelectorAll('#pin-layer button.pin').length")
    # Zoom in once so that panning is possible on both axes.
    page.get_by_role("button", name="Zoom in").click()
    page.wait_for_timeout(700)
    intervals = page.evaluate("(ms) => window.__bench.frames(() => window.__bench.pan(ms))", int(seconds * 1000))
    assert not errors, errors
    context.close()
    summary = frame_summary(intervals, seconds)
    summary.update({"entries": 5000, "places": places, "pin_buttons": pins})
    return summary


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--json", action="store_true", help="print JSON only")
    parser.add_argument("--runs", type=int, default=10, help="page loads for the initial-render measurement")
    parser.add_argument("--only", nargs="*", help="run only these measurements (names as in the output)")
    args = parser.parse_args()
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM)
        runs = {
            "initial_render_500": lambda: bench_initial_render(browser, args.runs, 500),
            "initial_render_5000": lambda: bench_initial_render(browser, max(3, args.runs // 2), 5000),
            "filter_keystroke_5000": lambda: bench_filter(browser),
            "updates_1000_per_s": lambda: bench_updates(browser, 1000, 5),
            "updates_1000_per_s_distinct": lambda: bench_updates(browser, 1000, 5, "distinct"),
            "pan_5000_pins_cities": lambda: bench_pan(browser, "cities", 3),
            "pan_5000_pins_distinct": lambda: bench_pan(browser, "distinct", 3),
        }
        results = {
            "browser": f"Chromium {browser.version}",
            "machine": f"{platform.machine()}, {os.cpu_count()} CPUs",
            "date": time.strftime("%Y-%m-%d %H:%M %Z"),
            "load_average_at_start": [round(v, 2) for v in os.getloadavg()],
        }
        for name, run in runs.items():
            if not args.only or name in args.only:
                results[name] = run()
        browser.close()
    results["load_average_at_end"] = [round(v, 2) for v in os.getloadavg()]
    print(json.dumps(results, indent=2, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
