"""LiteLLM's proxy, a real server no one on this project wrote, for the real-server tests.

`litellm[proxy]` (pinned below) is installed from the registry into its own virtual environment,
outside the project's test extra, and cached between runs (~/.cache/errcontract, or
ERRCONTRACT_LITELLM_VENV; about 1 minute and 750 MB the first time). `serving(config, folder)`
starts it on 127.0.0.1 with a config whose models answer with `mock_response` behind a master
key, so nothing upstream is ever called, and stops it by its pid. ERRCONTRACT_SKIP_REAL_SERVER=1
skips the modules that use it (a machine without the package registry).
"""

from __future__ import annotations

import os
import socket
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest

from tests.cached_venv import cached_venv

LITELLM = "1.106.12"  # the newest litellm[proxy] whose dependencies the registry serves whole
MASTER_KEY = "sk-errcontract-master-0000"
OFFLINE_ENV = {
    "LITELLM_LOCAL_MODEL_COST_MAP": "True",
    "LITELLM_TELEMETRY": "False",
    "NO_DOCS": "True",
    "DISABLE_ADMIN_UI": "True",
}

skip_without_registry = pytest.mark.skipif(
    os.environ.get("ERRCONTRACT_SKIP_REAL_SERVER") == "1", reason="ERRCONTRACT_SKIP_REAL_SERVER=1"
)


def litellm_venv() -> Path:
    """The cached environment with litellm[proxy] installed (installed on first use; a half-done
    install has no marker and is cleared and done again)."""
    default = Path.home() / ".cache" / "errcontract" / f"litellm-{LITELLM}"
    venv = Path(os.environ.get("ERRCONTRACT_LITELLM_VENV") or default)
    return cached_venv(venv, f"litellm[proxy]=={LITELLM}")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextmanager
def serving(config: str, folder: Path) -> Iterator[str]:
    """LiteLLM's proxy serving `config` on a free loopback port: its URL, until the block ends."""
    venv = litellm_venv()
    (folder / "config.yaml").write_text(config, encoding="utf-8")
    port = free_port()
    log = (folder / "server.log").open("wb")
    command = [str(venv / "bin" / "litellm"), "--config", str(folder / "config.yaml")]
    command += ["--host", "127.0.0.1", "--port", str(port)]
    server = subprocess.Popen(
        command,
        cwd=folder,
        stdout=log,
        stderr=subprocess.STDOUT,
        stdin=subprocess.DEVNULL,
        env={**os.environ, **OFFLINE_ENV},
    )
    url = f"http://127.0.0.1:{port}"
    try:
        _wait_until_alive(server, url, folder / "server.log")
        yield url
    finally:
        server.terminate()
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
        log.close()


def _wait_until_alive(server: subprocess.Popen[bytes], url: str, log: Path) -> None:
    deadline = time.monotonic() + 180
    while time.monotonic() < deadline:
        if server.poll() is not None:
            tail = log.read_text(errors="replace")[-3000:]
            pytest.fail(f"litellm exited with {server.returncode}:\n{tail}")
        try:
            if httpx.get(f"{url}/health/liveliness", timeout=2).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.5)
    pytest.fail(f"litellm did not answer within 180 s:\n{log.read_text(errors='replace')[-3000:]}")
