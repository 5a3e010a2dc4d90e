"""Several `foyer serve` nodes on one PostgreSQL database behind nginx.

Real components only: three server processes, the PostgreSQL cluster `.ci/run` starts
(FOYER_TEST_DATABASE_URL, restarted through FOYER_TEST_PG_CTL), Debian's nginx as the
load balancer with the configuration docs/OPERATIONS.md gives operators, Chromium for
the visitor's page, and WebSocket clients speaking the tracker protocol.
"""

from __future__ import annotations

import http.server
import json
import os
import queue
import secrets
import shutil
import signal
import subprocess
import threading
import time
import urllib.parse
import urllib.request
from pathlib import Path

import pytest
from websockets.sync.client import connect as ws_connect

from conftest import OWNER_EMAIL, OWNER_PASSWORD, FeedWatcher, FoyerServer, SiteHandler, free_port
from playwright.sync_api import expect
from test_chat import watch
from test_invitations import invitation_state, invite, open_drawer

DATABASE_URL = os.environ.get("FOYER_TEST_DATABASE_URL", "")
PG_CTL = os.environ.get("FOYER_TEST_PG_CTL", "")
NGINX = shutil.which("nginx") or "/usr/sbin/nginx"

pytestmark = pytest.mark.skipif(
    not DATABASE_URL or not os.path.exists(NGINX),
    reason="multi-node tests need FOYER_TEST_DATABASE_URL (a PostgreSQL server) and nginx; .ci/run provides both",
)

# The nginx configuration docs/OPERATIONS.md documents, with test paths and ports.
NGINX_CONF = """
worker_processes 1;
error_log {prefix}/error.log warn;
pid {prefix}/nginx.pid;
events {{ worker_connections 4096; }}
http {{
    access_log off;
    client_body_temp_path {prefix}/body;
    proxy_temp_path {prefix}/proxy;
    fastcgi_temp_path {prefix}/fastcgi;
    uwsgi_temp_path {prefix}/uwsgi;
    scgi_temp_path {prefix}/scgi;
    map $http_upgrade $connection_upgrade {{ default upgrade; '' close; }}
    upstream foyer {{
{servers}
    }}
    server {{
        listen 127.0.0.1:{port};
        location / {{
            proxy_pass http://foyer;
            proxy_http_version 1.1;
            proxy_set_header Upgrade $http_upgrade;
            proxy_set_header Connection $connection_upgrade;
            proxy_set_header Host $host;
            proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
            proxy_set_header X-Forwarded-Proto $scheme;
            proxy_read_timeout 120s;
            proxy_next_upstream error timeout;
            proxy_connect_timeout 2s;
        }}
    }}
}}
"""


def psql(database_url: str, sql: str) -> None:
    subprocess.run(["psql", database_url, "-v", "ON_ERROR_STOP=1", "-q", "-c", sql], check=True, capture_output=True, timeout=60)


class Cluster:
    """Three nodes on a database of the test's own, and nginx in front of them."""

    def __init__(self, binary: Path, root: Path):
        self.root = root
        name = "foyer_cluster_" + secrets.token_hex(6)
        psql(DATABASE_URL, f"CREATE DATABASE {name}")
        parsed = urllib.parse.urlparse(DATABASE_URL)
        self.database = urllib.parse.urlunparse(parsed._replace(path="/" + name))
        self.admin_database = DATABASE_URL
        self.name = name
        extra = ["--database", self.database, "--trusted-proxy", "127.0.0.1/32"]
        self.nodes = [FoyerServer(binary, root / f"node{index}", extra) for index in range(3)]
        first = self.nodes[0]
        (root / "node0").mkdir(parents=True, exist_ok=True)
        first.cli("account", "add", "shop", "--database", self.database)
        first.cli("user", "add", "--email", OWNER_EMAIL, "--role", "owner", "--account", "shop", "--database", self.database,
                  password=OWNER_PASSWORD)
        for node in self.nodes:
            node.data_dir.mkdir(parents=True, exist_ok=True)
            node.start()
        self.site_key = next(line.split("\t")[1] for line in first.cli("account", "list", "--database", self.database).splitlines()
                             if line.startswith("shop\t"))
        self.port = free_port()
        prefix = root / "nginx"
        prefix.mkdir()
        servers = "\n".join(f"        server 127.0.0.1:{node.port} max_fails=1 fail_timeout=5s;" for node in self.nodes)
        (prefix / "nginx.conf").write_text(NGINX_CONF.format(prefix=prefix, servers=servers, port=self.port))
        self.nginx = subprocess.Popen([NGINX, "-p", str(prefix), "-c", str(prefix / "nginx.conf"), "-g", "daemon off;"],
                                      stdout=subprocess.DEVNULL, stderr=open(prefix / "stderr.log", "w"))
        deadline = time.time() + 10
        while time.time() < deadline:
            try:
                with urllib.request.urlopen(self.url + "/healthz", timeout=1):
                    break
            except OSError:
                time.sleep(0.1)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def feed(self, index: int) -> FeedWatcher:
        node = self.nodes[index]
        watcher = FeedWatcher(node.url, node.session_cookie())
        watcher.wait_for(lambda f: f.snapshots >= 1, what="the snapshot")
        return watcher

    def close(self) -> None:
        self.nginx.terminate()
        self.nginx.wait(timeout=10)
        for node in self.nodes:
            node.stop()
        psql(self.admin_database, f"DROP DATABASE IF EXISTS {self.name} WITH (FORCE)")


@pytest.fixture
def cluster(foyer_binary: Path, tmp_path: Path):
    instance = Cluster(foyer_binary, tmp_path)
    yield instance
    instance.close()


class Tab:
    """A visitor's tab speaking the tracker protocol over a real WebSocket, answering
    the server like foyer.js does (greets again when told `on`)."""

    def __init__(self, base: str, site_key: str, tab: str, path: str = "/"):
        self.base = base
        self.site_key = site_key
        self.tab = tab
        self.url = "https://shop.example" + path
        self.replies: queue.Queue = queue.Queue()
        self.socket = None
        self.lock = threading.Lock()
        self.connect()

    def connect(self) -> str:
        self.socket = ws_connect(f"{self.base.replace('http', 'ws', 1)}/track?site={self.site_key}",
                                 additional_headers={"Origin": "https://shop.example"}, open_timeout=10)
        self.replies = queue.Queue()
        threading.Thread(target=self._read, args=(self.socket, self.replies), daemon=True).start()
        self.hello()
        return self.receive()["t"]

    def hello(self) -> None:
        self.send({"t": "hello", "tab": self.tab, "vid": "v-" + self.tab, "url": self.url, "title": "Shop",
                   "ref": "", "lang": "en", "tz": "Europe/Berlin"})

    def _read(self, socket, replies: queue.Queue) -> None:
        try:
            for text in socket:
                message = json.loads(text)
                if message.get("t") == "on":
                    self.hello()
                else:
                    replies.put(message)
        except Exception:
            pass
        replies.put({"t": "closed"})

    def send(self, message: dict) -> None:
        with self.lock:
            self.socket.send(json.dumps(message))

    def receive(self, timeout: float = 15) -> dict:
        try:
            return self.replies.get(timeout=timeout)
        except queue.Empty:
            raise TimeoutError from None

    def page(self, path: str) -> None:
        self.url = "https://shop.example" + path
        self.send({"t": "page", "url": self.url, "title": "Shop"})

    def alive(self) -> bool:
        """False once the server closed the socket (as foyer.js notices)."""
        try:
            self.socket.ping().wait(2)
            return True
        except Exception:
            return False

    def close(self) -> None:
        try:
            self.socket.close()
        except Exception:
            pass


def numbers(feed: FeedWatcher) -> dict[str, int]:
    return {e["url"]: e["number"] for e in feed.entries.values()}


def test_a_tab_through_the_load_balancer_shows_on_every_node(cluster: Cluster, browser):
    feeds = [cluster.feed(index) for index in range(3)]
    handler = type("Handler", (SiteHandler,), {"foyer_url": cluster.url, "site_key": cluster.site_key})
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    context = browser.new_context()
    try:
        page = context.new_page()
        page.goto(f"http://127.0.0.1:{httpd.server_address[1]}/pricing?title=Pricing")
        for feed in feeds:
            entry = feed.wait_for(lambda f: next(iter(f.by_url("/pricing")), None), timeout=15, what="the visitor on every node")
            assert entry["name"] == "Visitor 1"
            assert entry["title"] == "Pricing"
        page.click("#next")
        for feed in feeds:
            feed.wait_for(lambda f: f.by_url("/next"), timeout=15, what="the navigation on every node")
    finally:
        context.close()
        httpd.shutdown()
        for feed in feeds:
            feed.close()


def test_a_killed_nodes_tabs_resume_elsewhere_and_unreachable_ones_go_offline(cluster: Cluster):
    feed = cluster.feed(0)
    # Six tabs through nginx (spread over the nodes), one straight to node 2.
    tabs = [Tab(cluster.url, cluster.site_key, f"tab-lb-{index:08d}", f"/lb/{index}") for index in range(6)]
    stranded = Tab(cluster.nodes[2].url, cluster.site_key, "tab-direct-000001", "/direct")
    feed.wait_for(lambda f: len(f.entries) == 7, timeout=15, what="seven entries")
    before = numbers(feed)

    cluster.nodes[2].stop(signal.SIGKILL)
    killed_at = time.time()
    # The tabs notice their socket closed and reconnect through nginx to a live node,
    # as foyer.js does, keeping their tab id.
    for tab in tabs:
        if not tab.alive():
            assert tab.connect() == "ok"
    offline = feed.wait_for(lambda f: next(iter(e for e in f.by_url("/direct") if e["status"] == "offline"), None),
                            timeout=35, what="the stranded tab Offline")
    assert time.time() - killed_at <= 30, "a killed node's tabs must show Offline within 30 seconds"
    assert offline["number"] == before["https://shop.example/direct"]
    # Every tab that reconnected kept its entry and number and never went Offline.
    after = numbers(feed)
    for tab in tabs:
        assert after[tab.url] == before[tab.url]
    assert all(e["status"] == "online" for e in feed.entries.values() if "/lb/" in e["url"])
    for tab in tabs + [stranded]:
        tab.close()
    feed.close()


def cluster_metric(node: FoyerServer, name: str) -> float | None:
    """One unlabelled value from a node's /metrics (served to loopback callers)."""
    try:
        with urllib.request.urlopen(node.url + "/metrics", timeout=2) as response:
            text = response.read().decode()
    except OSError:
        return None
    for line in text.splitlines():
        if line.startswith(name + " "):
            return float(line.split(" ")[1])
    return None


def account_owner(nodes: list[FoyerServer], timeout: float) -> FoyerServer:
    """The one node holding the lease of the cluster's only account (it runs the
    account's once-a-second work), once exactly one does."""
    deadline = time.time() + timeout
    while time.time() < deadline:
        owners = [node for node in nodes if cluster_metric(node, "foyer_cluster_owned_accounts") == 1]
        if len(owners) == 1:
            return owners[0]
        time.sleep(0.1)
    raise AssertionError("no single node came to own the account")


def test_a_killed_owner_hands_its_account_to_another_node_keeping_numbers(cluster: Cluster):
    feed = cluster.feed(0)  # opens the account's live state, so it gets an owner
    owner = account_owner(cluster.nodes, timeout=15)
    others = [node for node in cluster.nodes if node is not owner]
    watch = FeedWatcher(others[0].url, others[0].session_cookie())
    watch.wait_for(lambda f: f.snapshots >= 1, what="the snapshot")
    feed.close()
    # Tabs straight to the nodes that survive, so none of them reconnects.
    tabs = [Tab(others[index % 2].url, cluster.site_key, f"tab-own-{index:08d}", f"/own/{index}") for index in range(4)]
    watch.wait_for(lambda f: len(f.entries) == 4, timeout=15, what="four entries")
    before = numbers(watch)

    owner.stop(signal.SIGKILL)
    killed_at = time.time()
    successor = account_owner(others, timeout=20)
    took = time.time() - killed_at
    # Declared gone after 5 s of silence, then the lease (5 s from its last renewal) is
    # taken at the survivors' next round: well under 12 s.
    assert took <= 12, f"a new owner took {took:.1f} s"
    assert all(tab.alive() for tab in tabs), "tabs on the surviving nodes were never disconnected"
    assert numbers(watch) == before
    # A new tab gets the next number, no one else's; a tab leaving turns Offline after the
    # 3 s grace, which only the new owner's ticks can decide.
    late = Tab(successor.url, cluster.site_key, "tab-own-late-0001", "/own/late")
    entry = watch.wait_for(lambda f: next(iter(f.by_url("/own/late")), None), timeout=10, what="the late tab")
    assert entry["number"] == max(before.values()) + 1
    tabs[0].close()
    left = watch.wait_for(lambda f: next(iter(e for e in f.by_url("/own/0") if e["status"] == "offline"), None),
                          timeout=15, what="the tab that left Offline")
    assert left["number"] == before[tabs[0].url]
    assert [e["number"] for e in watch.entries.values()].count(left["number"]) == 1
    for tab in tabs[1:] + [late]:
        tab.close()
    watch.close()


def test_a_rolling_restart_of_every_node_leaves_every_dashboard_right(cluster: Cluster):
    tabs = [Tab(cluster.url, cluster.site_key, f"tab-roll-{index:08d}", f"/roll/{index}") for index in range(9)]
    first = cluster.feed(0)
    first.wait_for(lambda f: len(f.entries) == 9, timeout=15, what="nine entries")
    before = numbers(first)
    first.close()
    dashboards: list[FeedWatcher] = []
    for index, node in enumerate(cluster.nodes):
        asked = time.time()
        node.stop()  # SIGTERM: its sockets hear 1001, it releases its leases and leaves
        # (FoyerServer.stop kills after 20 s: a node waiting out a loop's interval was seen)
        assert time.time() - asked < 10, f"node {index} took {time.time() - asked:.1f} s to stop on SIGTERM"
        # Its tabs reconnect to the nodes still up, straight rather than through nginx:
        # restarts a second apart would leave every node in nginx's fail_timeout.
        up = [other for other in cluster.nodes if other is not node]
        for number, tab in enumerate(tabs):
            if not tab.alive():
                tab.base = up[number % 2].url
                assert tab.connect() == "ok", "a tab resumes on another node"
        node.start()
        # Dashboards stay open across the later restarts of the other nodes.
        dashboards.append(cluster.feed(index))
    for index, tab in enumerate(tabs):
        tab.page(f"/roll/{index}/after")
    expected = {url + "/after": number for url, number in before.items()}
    for dashboard in dashboards:
        dashboard.wait_for(lambda f: numbers(f) == expected and all(e["status"] == "online" for e in f.entries.values()),
                           timeout=15, what="every tab Online with its number and its new page")
        assert dashboard.counters.get("live") == 9, dashboard.counters
    owners = [cluster_metric(node, "foyer_cluster_owned_accounts") for node in cluster.nodes]
    deadline = time.time() + 10
    while sum(value or 0 for value in owners) != 1 and time.time() < deadline:
        time.sleep(0.2)
        owners = [cluster_metric(node, "foyer_cluster_owned_accounts") for node in cluster.nodes]
    assert sum(value or 0 for value in owners) == 1, f"one node owns the account afterwards: {owners}"
    for tab in tabs:
        tab.close()
    for dashboard in dashboards:
        dashboard.close()


def test_postgres_restarted_under_load_loses_nothing(cluster: Cluster):
    if not PG_CTL:
        pytest.skip("FOYER_TEST_PG_CTL is not set: cannot restart PostgreSQL")
    feeds = [cluster.feed(index) for index in range(3)]
    tabs = [Tab(cluster.url, cluster.site_key, f"tab-pg-{index:09d}", f"/pg/{index}/0") for index in range(9)]
    for feed in feeds:
        feed.wait_for(lambda f: len(f.entries) == 9, timeout=15, what="nine entries")
    # A visitor chats: every message acknowledged as stored must survive.
    talker = tabs[0]
    stop = threading.Event()

    def load():
        step = 0
        while not stop.is_set():
            step += 1
            for index, tab in enumerate(tabs):
                try:
                    tab.page(f"/pg/{index}/{step}")
                except Exception:
                    pass
            # Four pages a second per tab: with the talker's messages and the greetings
            # after the restart, ten a second (the per-socket limit) closed the talker
            # with 1008 now and then.
            time.sleep(0.25)

    worker = threading.Thread(target=load, daemon=True)
    worker.start()
    # Six messages, three before and three across the restart; like the widget, the
    # visitor sends a refused one ("try again") again until it is acknowledged.
    texts = {f"message-{attempt:04d}": f"hello {attempt}" for attempt in range(6)}
    pending = dict(texts)
    acknowledged: set[str] = set()

    def say(cid: str) -> None:
        talker.send({"t": "say", "cid": cid, "text": texts[cid]})
        time.sleep(1.05)  # one message per second per tab

    for cid in list(pending)[:3]:
        say(cid)
    restart = threading.Thread(target=lambda: subprocess.run([PG_CTL, "restart"], check=True, capture_output=True, timeout=120))
    restart.start()
    for cid in list(pending)[3:]:
        say(cid)
    restart.join()
    deadline = time.time() + 60
    while pending and time.time() < deadline:
        try:
            reply = talker.receive(timeout=2)
        except TimeoutError:
            for cid in list(pending):
                say(cid)
            continue
        if reply.get("t") == "said":
            acknowledged.add(reply["cid"])
            pending.pop(reply["cid"], None)
        elif reply.get("t") == "refused" and reply.get("cid") in pending:
            say(reply["cid"])
    stop.set()
    worker.join()
    assert not pending, f"messages never acknowledged: {sorted(pending)}"
    # Every node's dashboard converges to every tab's last page, with the same numbers.
    final = {tab.url for tab in tabs}
    for feed in feeds:
        feed.wait_for(lambda f: {e["url"] for e in f.entries.values()} == final, timeout=30,
                      what="every tab's last page on every node")
    assert numbers(feeds[0]) == numbers(feeds[1]) == numbers(feeds[2])
    # Nothing acknowledged is lost: the agent sees every acknowledged message.
    cookie = cluster.nodes[1].session_cookie()
    chat_id = next(iter(feeds[1].wait_for(lambda f: [e for e in f.entries.values() if e.get("chatId")], timeout=10,
                                          what="the chat on the dashboard")))["chatId"]
    request = urllib.request.Request(cluster.nodes[1].url + f"/api/chats/{chat_id}/messages", headers={"Cookie": cookie})
    with urllib.request.urlopen(request) as response:
        stored = json.loads(response.read())
    stored_texts = [m["text"] for m in stored["messages"]]
    assert sorted(stored_texts) == sorted(texts.values()), "every acknowledged message is stored, once"
    for tab in tabs:
        tab.close()
    for feed in feeds:
        feed.close()


def test_an_agent_on_one_node_invites_a_visitor_whose_tab_is_on_another(cluster: Cluster, browser):
    """Issue 15: a real visitor page whose tracker socket is held by node 1 (the page loads
    foyer.js, and so opens its socket, from node 1 directly), an owner on node 0's Visitors
    page: the invitation crosses nodes, the visitor sees it and replies, and node 0's row
    turns Chatting with the invitation Accepted."""
    agent_node, tab_node = cluster.nodes[0], cluster.nodes[1]
    handler = type("Handler", (SiteHandler,), {"foyer_url": tab_node.url, "site_key": cluster.site_key})
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    feed = cluster.feed(0)
    visitor_context = browser.new_context()
    agent_context = browser.new_context(viewport={"width": 1280, "height": 800})
    try:
        visitor = visitor_context.new_page()
        errors = watch(visitor)
        visitor.goto(f"http://127.0.0.1:{httpd.server_address[1]}/pricing?title=Pricing")
        feed.wait_for(lambda f: f.by_url("/pricing"), timeout=15, what="node 1's visitor on node 0's feed")
        signed_in = agent_context.request.post(agent_node.url + "/api/session",
                                               data={"email": OWNER_EMAIL, "password": OWNER_PASSWORD})
        assert signed_in.ok, signed_in.text()
        agent = agent_context.new_page()
        open_drawer(agent, agent_node)
        sent = invite(agent, "Hello from the other node")
        region = visitor.get_by_role("region", name="Chat invitation")
        # Across nodes the invitation goes through PostgreSQL: a few seconds at most here.
        expect(region).to_contain_text("Hello from the other node", timeout=5000)
        print(f"invitation across nodes shown {(time.monotonic() - sent) * 1000:.0f} ms after Send invitation")
        expect(invitation_state(agent)).to_contain_text("Seen", timeout=5000)
        region.get_by_role("textbox", name="Type your message").fill("Yes please")
        region.get_by_role("button", name="Send", exact=True).click()
        expect(region).to_be_hidden()
        row = agent.get_by_role("list", name="Visitors").get_by_role("listitem").first
        expect(row.get_by_role("img", name="Chatting")).to_be_visible(timeout=5000)
        expect(invitation_state(agent)).to_contain_text("Accepted")
        entry = feed.wait_for(lambda f: [e for e in f.entries.values() if e["status"] == "chatting"], what="Chatting on node 0")[0]
        assert entry["invitation"]["state"] == "accepted"
        assert errors == [], errors
    finally:
        visitor_context.close()
        agent_context.close()
        httpd.shutdown()
        feed.close()
