#!/usr/bin/env python3
"""How the cluster's cost grows with its nodes (issue 17, item 4).

Many accounts, a fixed total rate of page changes, and 1, 2, 4 or 6 `foyer serve` nodes
on one throwaway PostgreSQL server (or one node on SQLite, the single-server baseline).
Every account's tabs are spread over all nodes, round robin, as a load balancer without
stickiness would; each account has one dashboard, on the node after the account's first
tab's, so most events cross nodes. What is reported, per node count:

* CPU seconds of every node and of every PostgreSQL process during the event phase
  (from /proc, so the generator's own CPU is not counted), and their sum per 1,000 events;
* receipts: every page change must reach its account's dashboard (missing ones counted);
* latency from the page change's send to its dashboard's receipt, p50 and p99, for the
  events whose tab and dashboard are on different nodes (same clock: one machine).

    python3 Benchmarks/cluster_scaling.py --bin .build/release/foyer --nodes 2 4 6
    python3 Benchmarks/cluster_scaling.py --bin .build/release/foyer --nodes 1 --sqlite   # baseline
    python3 Benchmarks/cluster_scaling.py --bin .build/release/foyer --nodes 2 --accounts 4 --tabs 10 --rate 50 --duration 5   # quick check

Needs the `websockets` package (pip) and scripts/start-postgres (PostgreSQL from Debian).
The generator is one Python process: keep the rate within what it can pace (it reports
how far behind its schedule it fell).
"""

import argparse
import asyncio
import http.client
import json
import os
import random
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time

import websockets

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
TICKS = os.sysconf("SC_CLK_TCK")
PASSWORD = "bench-" + os.urandom(8).hex()


def cpu_seconds(pid: int) -> float:
    """User + system CPU of one process so far (0 once it is gone)."""
    try:
        with open(f"/proc/{pid}/stat") as stat:
            fields = stat.read().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / TICKS
    except (FileNotFoundError, ProcessLookupError, IndexError):
        return 0.0


def children(parent: int) -> list[int]:
    found = []
    for name in os.listdir("/proc"):
        if not name.isdigit():
            continue
        try:
            with open(f"/proc/{name}/stat") as stat:
                if int(stat.read().rsplit(")", 1)[1].split()[1]) == parent:
                    found.append(int(name))
        except (FileNotFoundError, ProcessLookupError, IndexError):
            pass
    return found


class Postgres:
    """A throwaway PostgreSQL server (scripts/start-postgres) and its processes' CPU."""

    def __init__(self):
        self.folder = tempfile.mkdtemp(prefix="foyer-scaling-pg.")
        os.chmod(self.folder, 0o755)
        out = subprocess.run([os.path.join(ROOT, "scripts/start-postgres"), self.folder], check=True,
                             capture_output=True, text=True).stdout
        values = dict(re.findall(r"export (\w+)='([^']*)'", out))
        self.url = values["FOYER_TEST_DATABASE_URL"]
        self.pg_ctl = values["FOYER_TEST_PG_CTL"]
        with open(os.path.join(self.folder, "data", "postmaster.pid")) as pid:
            self.pid = int(pid.readline())

    def cpu(self) -> float:
        return cpu_seconds(self.pid) + sum(cpu_seconds(child) for child in children(self.pid))

    def stop(self):
        subprocess.run([self.pg_ctl, "stop"], capture_output=True)
        shutil.rmtree(self.folder, ignore_errors=True)


def foyer(binary: str, *args: str, store: list[str], env: dict | None = None) -> str:
    return subprocess.run([binary, *args, *store], check=True, capture_output=True, text=True,
                          env={**os.environ, **(env or {})}).stdout


def make_accounts(binary: str, store: list[str], count: int) -> list[dict]:
    """`count` accounts, each with an owner (cheap bcrypt: only the benchmark signs in)."""
    accounts = []
    for index in range(count):
        name = f"bench{index:03d}"
        foyer(binary, "account", "add", name, store=store)
        email = f"owner@{name}.example"
        foyer(binary, "user", "add", "--email", email, "--role", "owner", "--account", name, store=store,
              env={"FOYER_PASSWORD": PASSWORD, "FOYER_BCRYPT_COST": "4"})
        accounts.append({"name": name, "email": email})
    listing = foyer(binary, "account", "list", store=store)
    keys = {line.split("\t")[0]: line.split("\t")[1] for line in listing.splitlines() if "\t" in line}
    for account in accounts:
        account["site"] = keys[account["name"]]
    return accounts


def start_nodes(binary: str, store: list[str], count: int, work: str) -> list[dict]:
    nodes = []
    for index in range(count):
        port = 18400 + index
        log = open(os.path.join(work, f"node{index}.log"), "w")
        # The connect limits per address are for browsers, not for one generator's burst.
        process = subprocess.Popen([binary, "serve", "--host", "127.0.0.1", "--port", str(port), "--entry-limit", "100000",
                                    "--connects-per-second", "100000", "--max-pending-per-address", "100000",
                                    *store], stdout=log, stderr=subprocess.STDOUT)
        nodes.append({"port": port, "process": process})
    for node in nodes:
        deadline = time.monotonic() + 60
        while True:
            try:
                connection = http.client.HTTPConnection("127.0.0.1", node["port"], timeout=2)
                connection.request("GET", "/healthz")
                if connection.getresponse().status == 200:
                    break
            except OSError:
                pass
            if time.monotonic() > deadline or node["process"].poll() is not None:
                raise RuntimeError(f"node on port {node['port']} did not start (see {work})")
            time.sleep(0.1)
    return nodes


def sign_in(port: int, email: str) -> str:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    connection.request("POST", "/api/session", json.dumps({"email": email, "password": PASSWORD}),
                       {"Content-Type": "application/json"})
    response = connection.getresponse()
    response.read()
    cookie = next((value.split(";")[0] for name, value in response.getheaders()
                   if name.lower() == "set-cookie" and value.startswith("foyer_session=")), None)
    if response.status != 200 or not cookie:
        raise RuntimeError(f"sign-in of {email} failed: {response.status}")
    return cookie


async def run_load(nodes, accounts, tabs_per_account: int, rate: float, duration: float, cpu_of) -> dict:
    sent: dict[tuple[int, int], tuple[float, int]] = {}   # (account, seq) -> (send time, tab's node)
    latencies_cross: list[float] = []
    received = 0
    dashboards = []
    tabs = []
    run = os.urandom(3).hex()

    async def dashboard(account_index: int, node_index: int, cookie: str, ready: asyncio.Event):
        nonlocal received
        async with websockets.connect(f"ws://127.0.0.1:{nodes[node_index]['port']}/feed",
                                      additional_headers={"Cookie": cookie}, max_size=None) as socket:
            dashboards.append(socket)
            ready.set()
            async for text in socket:
                now = time.monotonic()
                message = json.loads(text)
                if message.get("type") != "changed":
                    continue
                url = (message.get("set") or {}).get("url") or ""
                match = re.search(r"/p/(\d+)$", url)
                if not match:
                    continue
                key = (account_index, int(match.group(1)))
                if key in sent:
                    at, tab_node = sent.pop(key)
                    received += 1
                    if tab_node != node_index:
                        latencies_cross.append(now - at)

    async def open_tab(account_index: int, tab_index: int, node_index: int):
        account = accounts[account_index]
        # The server caps tracker sockets per client address (200): 150 per loopback address.
        number = account_index * tabs_per_account + tab_index
        source = f"127.0.{1 + number // 150 // 250}.{1 + number // 150 % 250}"
        socket = await websockets.connect(
            f"ws://127.0.0.1:{nodes[node_index]['port']}/track?site={account['site']}", max_size=None,
            local_addr=(source, 0))
        tab = f"s{run}a{account_index}t{tab_index}"
        await socket.send(json.dumps({"t": "hello", "tab": tab, "vid": f"s{run}v{account_index}x{tab_index}",
                                      "url": "https://shop.example/p/0", "title": "Shop"}))
        while True:
            answer = json.loads(await socket.recv())
            if answer.get("t") in ("ok", "wait"):
                break
        tabs.append((account_index, node_index, socket))

    async def drain(socket):
        try:
            async for _ in socket:
                pass
        except websockets.ConnectionClosed:
            pass

    # Dashboards first, so every tab's arrival is seen; one per account.
    tasks = []
    for account_index, account in enumerate(accounts):
        node_index = (account_index + 1) % len(nodes)
        cookie = sign_in(nodes[node_index]["port"], account["email"])
        ready = asyncio.Event()
        tasks.append(asyncio.create_task(dashboard(account_index, node_index, cookie, ready)))
        await ready.wait()
    # Tabs round robin over the nodes (no stickiness), a few connects in flight.
    plan = [(a, t, (a + t) % len(nodes)) for a in range(len(accounts)) for t in range(tabs_per_account)]
    for start in range(0, len(plan), 100):
        await asyncio.gather(*(open_tab(*item) for item in plan[start:start + 100]))
    tasks += [asyncio.create_task(drain(socket)) for _, _, socket in tabs]
    await asyncio.sleep(3)

    cpu_before = cpu_of()
    started = time.monotonic()
    seq = 0
    behind = 0.0
    interval = 1.0 / rate
    next_at = started
    while time.monotonic() - started < duration:
        seq += 1
        account_index, node_index, socket = random.choice(tabs)
        sent[(account_index, seq)] = (time.monotonic(), node_index)
        await socket.send(json.dumps({"t": "page", "url": f"https://shop.example/p/{seq}", "title": "Shop"}))
        next_at += interval
        delay = next_at - time.monotonic()
        if delay > 0:
            await asyncio.sleep(delay)
        else:
            behind = max(behind, -delay)
    elapsed = time.monotonic() - started
    deadline = time.monotonic() + 10
    while sent and time.monotonic() < deadline:
        await asyncio.sleep(0.05)
    cpu_after = cpu_of()

    for task in tasks:
        task.cancel()
    for _, _, socket in tabs:
        await socket.close()
    for socket in dashboards:
        await socket.close()
    latencies_cross.sort()

    def percentile(p):
        return round(latencies_cross[min(len(latencies_cross) - 1, int(p * len(latencies_cross)))] * 1000, 2) if latencies_cross else None

    cpu = {name: round(after - cpu_before[name], 3) for name, after in cpu_after.items()}
    total = sum(cpu.values())
    return {
        "events": seq, "seconds": round(elapsed, 2), "rate": round(seq / elapsed, 1), "received": received,
        "missing": len(sent), "cross_node_p50_ms": percentile(0.5), "cross_node_p99_ms": percentile(0.99),
        "generator_behind_ms": round(behind * 1000, 1), "cpu_seconds": cpu, "cpu_seconds_total": round(total, 3),
        "cpu_ms_per_1000_events": round(total * 1e6 / seq, 1),
    }


def measure(args, node_count: int) -> dict:
    work = tempfile.mkdtemp(prefix="foyer-scaling.")
    postgres = None
    nodes = []
    try:
        if args.sqlite:
            store = ["--data-dir", os.path.join(work, "data")]
        else:
            postgres = Postgres()
            store = ["--database", postgres.url]
        accounts = make_accounts(args.bin, store, args.accounts)
        nodes = start_nodes(args.bin, store, node_count, work)

        def cpu_of():
            readings = {f"node{index}": cpu_seconds(node["process"].pid) for index, node in enumerate(nodes)}
            if postgres:
                readings["postgres"] = postgres.cpu()
            return readings

        result = asyncio.run(run_load(nodes, accounts, args.tabs, args.rate, args.duration, cpu_of))
        result = {"nodes": node_count, "store": "sqlite" if args.sqlite else "postgres", "accounts": args.accounts,
                  "tabs": args.accounts * args.tabs, **result}
        return result
    finally:
        for node in nodes:
            node["process"].send_signal(signal.SIGTERM)
        for node in nodes:
            try:
                node["process"].wait(timeout=20)
            except subprocess.TimeoutExpired:
                node["process"].kill()
        if postgres:
            postgres.stop()
        if args.keep:
            print(f"logs kept in {work}", file=sys.stderr)
        else:
            shutil.rmtree(work, ignore_errors=True)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--bin", default=os.path.join(ROOT, ".build/release/foyer"), help="the foyer binary")
    parser.add_argument("--nodes", type=int, nargs="+", default=[2, 4, 6], help="node counts to measure, one run each")
    parser.add_argument("--accounts", type=int, default=60)
    parser.add_argument("--tabs", type=int, default=40, help="tabs per account")
    parser.add_argument("--rate", type=float, default=300, help="page changes per second, all accounts together")
    parser.add_argument("--duration", type=float, default=30, help="seconds of page changes")
    parser.add_argument("--sqlite", action="store_true", help="one node on SQLite (the single-server baseline)")
    parser.add_argument("--keep", action="store_true", help="keep the nodes' logs")
    parser.add_argument("--json", help="append each result as a JSON line to this file")
    args = parser.parse_args()
    if args.sqlite and args.nodes != [1]:
        parser.error("--sqlite runs one node: --nodes 1")
    for count in args.nodes:
        result = measure(args, count)
        print(json.dumps(result), flush=True)
        if args.json:
            with open(args.json, "a") as out:
                out.write(json.dumps(result) + "\n")


if __name__ == "__main__":
    main()
