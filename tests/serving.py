"""`receptionctl serve` as a real process for a test: on a free port of this computer, over the
test's database (the environment the suite's fixtures set), its output kept in a log file;
stopped when the test ends. The browser tests and the calendar feed's HTTP test share it."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

import pytest

SRC = Path(__file__).resolve().parents[1] / "src"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def serving(log_path: Path, port: int | None = None, **env: str) -> Iterator[str]:
    """The server's address once it answers /login; `env`: more of its environment."""
    port = port or free_port()
    path = os.pathsep.join(filter(None, [str(SRC), os.environ.get("PYTHONPATH")]))
    url = f"http://127.0.0.1:{port}"
    with log_path.open("w+") as log:
        proc = subprocess.Popen([sys.executable, "-m", "receptionctl", "serve", "--port", str(port)],
                                env={**os.environ, "PYTHONPATH": path, **env}, stdout=log, stderr=subprocess.STDOUT)
        try:
            for _ in range(300):  # until it answers (its start-up, not a timing assertion)
                if proc.poll() is not None:
                    log.seek(0)
                    pytest.fail(f"receptionctl serve stopped: {log.read()}")
                try:
                    urllib.request.urlopen(url + "/login", timeout=1)
                    break
                except OSError:
                    time.sleep(0.1)
            yield url
        finally:
            proc.terminate()
            proc.wait(timeout=30)
