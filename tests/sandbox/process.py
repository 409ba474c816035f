"""`python -m bot sandbox` as a child process, for the sandbox and browser tests."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bot.settings import PROJECT_ROOT
from services.requests.routing_model import READY_LINE


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def get_json(url: str) -> Any:
    with urllib.request.urlopen(url, timeout=5) as response:
        return json.load(response)


def post_json(url: str, body: dict[str, Any]) -> Any:
    request = urllib.request.Request(
        url, data=json.dumps(body).encode(), headers={"Content-Type": "application/json"}, method="POST"
    )
    with urllib.request.urlopen(request, timeout=5) as response:
        return json.load(response)


@dataclass
class SandboxProcess:
    """The sandbox with no token on a fresh SQLite file in `folder`; `start()` again after
    `stop()` is a restart on the same database (and the same chats file beside it)."""

    folder: Path
    port: int = field(default_factory=free_port)
    process: subprocess.Popen[bytes] | None = None
    starts: int = 0

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def log_path(self) -> Path:
        return self.folder / f"sandbox-{self.starts}.log"

    def log_text(self) -> str:
        return self.log_path.read_text(encoding="utf-8", errors="replace")

    def start(self, timeout: float = 120) -> str:
        """Start and wait until both bots poll and the request router is there (a first start
        trains it: seconds on a quiet machine, much longer on a busy one, and a test that types a
        request would otherwise time out waiting for its answer); return the base URL."""
        self.starts += 1
        env = {k: v for k, v in os.environ.items() if not k.startswith(("TELEGRAM_", "BALE_", "REDIS_"))}
        env.update(
            DATABASE_URL=f"sqlite+aiosqlite:///{self.folder / 'sandbox.db'}",
            POLLING_TIMEOUT="2",
            LOG_LEVEL="INFO",
            PYTHONUNBUFFERED="1",
        )
        with self.log_path.open("wb") as log_file:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "bot", "sandbox", "--port", str(self.port)],
                cwd=PROJECT_ROOT,
                env=env,
                stdout=log_file,
                stderr=subprocess.STDOUT,
            )
        deadline = time.monotonic() + timeout
        while True:
            if self.process.poll() is not None:
                raise RuntimeError(f"sandbox exited with {self.process.returncode}:\n{self.log_text()}")
            try:
                bots = get_json(f"{self.base_url}/_emu/bots")["result"]
                log = self.log_text()
                if (
                    len(bots) == 2
                    and all(bot["polling"] for bot in bots)
                    and "Web chat:" in log
                    and READY_LINE in log
                ):
                    return self.base_url
            except OSError:
                pass
            if time.monotonic() > deadline:
                raise TimeoutError(f"sandbox did not start polling:\n{self.log_text()}")
            time.sleep(0.2)

    def stop(self) -> str:
        """SIGTERM, wait, and return the log of this run."""
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        return self.log_text()
