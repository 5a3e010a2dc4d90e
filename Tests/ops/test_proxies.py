"""The reverse-proxy snippets in deploy/ (nginx, Caddy, HAProxy), each run by the real
proxy in front of a real `foyer serve`: a visitor's tracker socket and an agent's
dashboard feed both go through it. The snippets are used as shipped, with only the TLS
listener swapped for a plain local port (no certificates here) and the upstream port
set to the test server's. Skipped, saying so, where a proxy binary is missing; .ci/run
installs all three, so CI always runs them."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import time
import urllib.request
from pathlib import Path

import pytest

from ops_helpers import FeedWatcher, OWNER_EMAIL, OWNER_PASSWORD, ROOT, Tracker, foyer_binary, free_port, make_server  # noqa: F401 (fixtures)

DEPLOY = ROOT / "deploy"


def find(name: str) -> str | None:
    return shutil.which(name) or next((p for p in (f"/usr/sbin/{name}", f"/usr/bin/{name}") if os.access(p, os.X_OK)), None)


def nginx_config(prefix: Path, listen: int, upstream: int) -> tuple[list[str], Path]:
    snippet = (DEPLOY / "nginx" / "foyer.conf").read_text()
    snippet = snippet.replace("listen 443 ssl;", f"listen 127.0.0.1:{listen};")
    snippet = re.sub(r"^\s*ssl_certificate.*$", "", snippet, flags=re.M)
    snippet = snippet.replace("127.0.0.1:8080", f"127.0.0.1:{upstream}")
    config = prefix / "nginx.conf"
    config.write_text(f"""
worker_processes 1;
pid {prefix}/nginx.pid;
error_log {prefix}/error.log warn;
events {{ worker_connections 1024; }}
http {{
    access_log off;
    client_body_temp_path {prefix}/body;
    proxy_temp_path {prefix}/proxy;
    fastcgi_temp_path {prefix}/fastcgi;
    uwsgi_temp_path {prefix}/uwsgi;
    scgi_temp_path {prefix}/scgi;
    include {prefix}/foyer.conf;
}}
""")
    (prefix / "foyer.conf").write_text(snippet)
    return [find("nginx"), "-p", str(prefix), "-c", str(config), "-g", "daemon off;"], config


def caddy_config(prefix: Path, listen: int, upstream: int) -> tuple[list[str], Path]:
    snippet = (DEPLOY / "caddy" / "Caddyfile").read_text()
    snippet = snippet.replace("foyer.example.com {", f"http://127.0.0.1:{listen} {{")
    snippet = snippet.replace("127.0.0.1:8080", f"127.0.0.1:{upstream}")
    config = prefix / "Caddyfile"
    # No admin endpoint (tests run side by side) and no certificates for a local port.
    config.write_text("{\n\tadmin off\n\tauto_https off\n}\n\n" + snippet)
    return [find("caddy"), "run", "--config", str(config), "--adapter", "caddyfile"], config


def haproxy_config(prefix: Path, listen: int, upstream: int) -> tuple[list[str], Path]:
    snippet = (DEPLOY / "haproxy" / "haproxy.cfg").read_text()
    snippet = re.sub(r"^\s*bind :443 ssl .*$", f"    bind 127.0.0.1:{listen}", snippet, flags=re.M)
    snippet = snippet.replace("127.0.0.1:8080", f"127.0.0.1:{upstream}")
    config = prefix / "haproxy.cfg"
    config.write_text(snippet)
    return [find("haproxy"), "-db", "-f", str(config)], config


PROXIES = {"nginx": nginx_config, "caddy": caddy_config, "haproxy": haproxy_config}


@pytest.mark.parametrize("proxy", sorted(PROXIES))
def test_tracker_socket_and_dashboard_feed_through_the_proxy(proxy: str, foyer_binary: Path, tmp_path: Path):
    if find(proxy) is None:
        pytest.skip(f"{proxy} is not installed here (apt-get install {proxy}); .ci/run installs it and runs this test")
    server = make_server(foyer_binary, tmp_path / "data", ["--trusted-proxy", "127.0.0.1/32"])
    server.start()
    prefix = tmp_path / proxy
    prefix.mkdir()
    listen = free_port()
    command, config = PROXIES[proxy](prefix, listen, server.port)
    env = dict(os.environ, HOME=str(prefix), XDG_DATA_HOME=str(prefix), XDG_CONFIG_HOME=str(prefix))
    process = subprocess.Popen(command, cwd=prefix, env=env, stdout=open(prefix / "out.log", "w"), stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{listen}"
    tab = feed = None
    try:
        deadline = time.time() + 20
        while True:
            assert process.poll() is None, f"{proxy} exited: {(prefix / 'out.log').read_text()}\n{config.read_text()}"
            try:
                with urllib.request.urlopen(base + "/readyz", timeout=1) as response:
                    if response.status == 200:
                        break
            except OSError:
                assert time.time() < deadline, f"{proxy} did not pass /readyz through: {(prefix / 'out.log').read_text()}"
                time.sleep(0.1)

        # An agent signs in and opens the dashboard feed, both through the proxy.
        request = urllib.request.Request(base + "/api/session", method="POST",
                                         data=json.dumps({"email": OWNER_EMAIL, "password": OWNER_PASSWORD}).encode(),
                                         headers={"Content-Type": "application/json"})
        with urllib.request.urlopen(request, timeout=10) as response:
            cookie = response.headers["Set-Cookie"].split(";")[0]
        feed = FeedWatcher(base, cookie)
        feed.wait_for(lambda f: f.snapshots >= 1, timeout=10, what=f"the feed snapshot through {proxy}")

        # A visitor's tab connects through the proxy; the agent sees it arrive and move.
        tab = Tracker(base, server.site_key(), "tab-proxied", path="/pricing")
        assert tab.receive()["t"] == "ok"
        feed.wait_for(lambda f: f.by_url("/pricing"), timeout=10, what=f"the visitor through {proxy}")
        tab.send({"t": "page", "url": "https://shop.example/checkout", "title": "Checkout"})
        feed.wait_for(lambda f: f.by_url("/checkout"), timeout=10, what=f"the page change through {proxy}")
        # The socket stays open through the proxy: a ping is answered.
        assert tab.socket.ping().wait(5)
    finally:
        if tab:
            tab.close()
        if feed:
            feed.close()
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
        server.stop()
