"""`--log-format json`: every line a log shipper reads from standard error is one JSON
object with time, level, label and message."""

from __future__ import annotations

import json
import os
import signal
import subprocess
from pathlib import Path

from ops_helpers import foyer_binary, free_port  # noqa: F401 (fixtures)


def test_json_logs_are_one_object_per_line(foyer_binary: Path, tmp_path: Path):
    env = dict(os.environ, FOYER_LOG_LEVEL="debug", FOYER_LOG_FORMAT="json")
    process = subprocess.Popen(
        [str(foyer_binary), "serve", "--host", "127.0.0.1", "--port", str(free_port()), "--data-dir", str(tmp_path / "data")],
        env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        # The start-up message (stdout) ends with the locations line: the server is up.
        for line in process.stdout:
            if line.startswith("Locations:"):
                break
        process.send_signal(signal.SIGTERM)
        _, errors = process.communicate(timeout=20)
    finally:
        if process.poll() is None:
            process.kill()
    lines = errors.splitlines()
    assert len(lines) >= 3, errors
    for line in lines:
        record = json.loads(line)
        assert {"time", "level", "label", "message"} <= record.keys(), line
        assert record["time"].endswith("Z") and record["level"] in ("trace", "debug", "info", "notice", "warning", "error", "critical")
    assert any(record.get("metadata") for record in map(json.loads, lines))


def test_an_unknown_log_format_is_refused(foyer_binary: Path, tmp_path: Path):
    result = subprocess.run([str(foyer_binary), "serve", "--log-format", "xml", "--data-dir", str(tmp_path / "data")],
                            capture_output=True, text=True, timeout=30)
    assert result.returncode != 0
    assert "log format must be text or json, not xml" in result.stderr
