#!/usr/bin/env python3
"""Front-end benchmark of the Visitors page, in headless Chromium.

    python3 Tests/browser/visitors_bench.py [--json]

The real page, scripts, styles and map data are served straight from
Sources/FoyerServer/Public through Playwright request routing, with the same
Content-Security-Policy as the server. The dashboard feed is replaced by an
in-page generator (a stand-in `WebSocket` class installed before the page's own
scripts run) that speaks docs/PROTOCOL.md section 2, so the numbers measure the
page alone, without a server or network in the way, and are not capped by the
server's entry limit.

Measured (each in a fresh page, 1280x800):
  * initial render of a 500-entry snapshot: synchronous work from the snapshot
    message to every view updated, and to the next painted frame;
  * one filter keystroke over 5,000 entries: the input handler (filter + list +
    map pins) and input -> next frame;
  * 1,000 feed updates per second for 5 s over 5,000 entries: frame intervals;
  * dragging the map for 3 s with 5,000 pins (5,000 distinct places, the worst
    case for grouping): frame intervals.
"""
from __future__ import annotations

import argparse
import json
import mimetypes
import os
import platform
import statistics
import sys
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
# generated snapshot and, on request, a steady stream of updates.
FAKE_FEED = r"""
(() => {
  const params = new URLSearchParams(location.hash.slice(1));
  const count = Number(params.get('n') || 500);
  const places = params.get('places') || 'cities';
  let seed = 42;
  const rand = () => ((seed = (seed * 1103515245 + 12345) >>> 0) / 4294967296);
  const CITIES = [['TR','Türkiye','Istanbul',41.01,28.97],['US','United States','New York',40.71,-74.0],
    ['DE','Germany','Berlin',52.52,13.4],['JP','Japan','Tokyo',35.68,139.69],['BR','Brazil','São Paulo',-23.55,-46.63],
    ['GB','United Kingdom','London',51.5,-0.12],['IN','India','Mumbai',19.07,72.87],['FR','France','Paris',48.85,2.35],
    ['AU','Australia','Sydney',-33.87,151.2],['ZA','South Africa','Johannesburg',-26.2,28.04],['MX','Mexico','Mexico City',19.43,-99.13],
    ['CI',"Côte d'Ivoire",'Abidjan',5.35,-4.0]];
  const TITLES = ['Pricing','Home','Docs — Getting started','Blog: Ünïcödé tips','Contact us','Checkout','Careers','Status'];
  const now = Date.now();
  let next = 1;
  function makeEntry(i) {
    const n = next++;
    let location;
    if (places === 'distinct') {
      location = { countryCode: 'XX', country: 'Nowhere', city: 'Place ' + n,
        latitude: -55 + rand() * 130, longitude: -180 + rand() * 360, source: 'database' };
    } else {
      const c = CITIES[Math.floor(rand() * CITIES.length)];
      location = { countryCode: c[0], country: c[1], city: c[2] + ' ' + Math.floor(rand() * 40),
        latitude: c[3] + rand() * 6 - 3, longitude: c[4] + rand() * 6 - 3, source: 'timezone' };
    }
    const title = TITLES[Math.floor(rand() * TITLES.length)] + ' ' + n;
    const url = 'https://shop.example.com/p/' + n;
    return { id: 'e_' + n, number: n, name: 'Visitor ' + n, status: rand() < 0.8 ? 'online' : 'offline',
      connectedAt: now - i * 1000, pageSince: now - i * 500, leftAt: null, url, title, referrer: '',
      language: 'en-US', timezone: 'Europe/Istanbul', returning: rand() < 0.3, location,
      pages: [{ url, title, at: now - i * 500 }], chatId: null };
  }
  const entries = [];
  for (let i = 0; i < count; i++) entries.push(makeEntry(i));
  window.__bench = { entries, sockets: [] };

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
          counters: { live: entries.length, chats: 0, waiting: 0 }, now: Date.now() });
      }, 0);
    }
    emit(message) { this.dispatchEvent(new MessageEvent('message', { data: JSON.stringify(message) })); }
    send(text) { if (text.includes('ping')) setTimeout(() => this.emit({ type: 'pong' }), 0); }
    close() { this.readyState = 3; }
  }
  window.WebSocket = BenchFeedSocket;

  // A steady stream of feed messages: mostly page/status changes, some arrivals and departures.
  window.__bench.stream = (perSecond, seconds) => new Promise((resolve) => {
    const socket = window.__bench.sockets[0];
    const live = new Map(entries.map((e) => [e.id, e]));
    const ids = [...live.keys()];
    const start = performance.now();
    let sent = 0;
    const timer = setInterval(() => {
      const elapsed = performance.now() - start;
      const due = Math.min(perSecond * seconds, Math.floor(elapsed / 1000 * perSecond));
      while (sent < due) {
        sent++;
        const r = rand();
        if (r < 0.1) {
          const e = makeEntry(0); e.connectedAt = Date.now(); live.set(e.id, e); ids.push(e.id);
          socket.emit({ type: 'added', entry: e });
        } else if (r < 0.2 && ids.length > 1) {
          const id = ids.splice(Math.floor(rand() * ids.length), 1)[0]; live.delete(id);
          socket.emit({ type: 'removed', id, reason: 'expired' });
        } else {
          const id = ids[Math.floor(rand() * ids.length)];
          const e = { ...live.get(id) };
          e.title = 'Page ' + sent; e.pageSince = Date.now();
          e.status = rand() < 0.5 ? 'online' : rand() < 0.5 ? 'chatting' : 'offline';
          e.chatId = e.status === 'chatting' ? 'c_' + id : null;
          live.set(id, e);
          socket.emit({ type: 'changed', entry: e });
        }
        if (sent % 10 === 0) socket.emit({ type: 'counters', counters: { live: live.size, chats: 0, waiting: 0 } });
      }
      if (sent >= perSecond * seconds) { clearInterval(timer); resolve(sent); }
    }, 4);
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


def serve(route: Route) -> None:
    path = route.request.url[len(ORIGIN):].split("?")[0].split("#")[0]
    headers = {"Content-Security-Policy": CSP, "Cache-Control": "no-store"}
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
    return {
        "frames": len(intervals),
        "fps": round(len(intervals) / seconds, 1),
        "p50_ms": round(percentile(intervals, 50), 1),
        "p95_ms": round(percentile(intervals, 95), 1),
        "max_ms": round(max(intervals), 1),
        "over_20ms": sum(1 for v in intervals if v > 20),
        "over_33ms": sum(1 for v in intervals if v > 33.4),
    }


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


def bench_initial_render(browser, runs: int) -> dict:
    sync_ms, painted_ms = [], []
    for _ in range(runs):
        context, page, errors = open_page(browser, 500)
        assert not errors, errors
        sync_ms.append(measures(page, "foyer:snapshot")[0])
        # Snapshot arrival to the end of the next frame's rendering.
        painted_ms.append(page.evaluate("""async () => {
          const socket = window.__bench.sockets[0];
          const start = performance.now();
          socket.emit({ type: 'snapshot', tracking: true, limit: 100000, entries: window.__bench.entries,
            counters: { live: 500, chats: 0, waiting: 0 }, now: Date.now() });
          await new Promise((r) => requestAnimationFrame(() => setTimeout(r, 0)));
          return performance.now() - start;
        }"""))
        context.close()
    return {
        "entries": 500, "runs": runs,
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


def bench_updates(browser, per_second: int, seconds: int) -> dict:
    context, page, errors = open_page(browser, 5000)
    page.evaluate("performance.clearMeasures('foyer:render-update')")
    intervals = page.evaluate("(a) => window.__bench.frames(() => window.__bench.stream(a[0], a[1]))",
                              [per_second, seconds])
    renders = measures(page, "foyer:render-update")
    assert not errors, errors
    context.close()
    summary = frame_summary(intervals, seconds)
    summary.update({
        "entries": 5000, "updates_per_second": per_second, "seconds": seconds,
        "render_per_frame_ms": {"median": round(statistics.median(renders), 2),
                                "p95": round(percentile(renders, 95), 2), "max": round(max(renders), 2)},
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
    args = parser.parse_args()
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM)
        results = {
            "browser": f"Chromium {browser.version}",
            "machine": f"{platform.machine()}, {os.cpu_count()} CPUs",
            "initial_render_500": bench_initial_render(browser, args.runs),
            "filter_keystroke_5000": bench_filter(browser),
            "updates_1000_per_s": bench_updates(browser, 1000, 5),
            "pan_5000_pins_cities": bench_pan(browser, "cities", 3),
            "pan_5000_pins_distinct": bench_pan(browser, "distinct", 3),
        }
        browser.close()
    print(json.dumps(results, indent=2, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
