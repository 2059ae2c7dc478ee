"""Children in a run's care: a mock whose parent is SIGKILLed (no cleanup runs) stops serving on
its own, and `stop_group` ends a child's whole process group."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time

from errcontract.core.children import stop_group
from tests.live_runs import CHILDREN_GONE_S, alive, descendants

HOLDS_A_MOCK = """
import time
from errcontract.mock.process import running_mock
with running_mock("vicsee") as mock:
    print(mock.pid, mock.url.rsplit(":", 1)[1], flush=True)
    time.sleep(600)
"""


def test_a_mock_stops_serving_when_its_parent_is_sigkilled() -> None:
    parent = subprocess.Popen([sys.executable, "-c", HOLDS_A_MOCK], stdout=subprocess.PIPE, text=True)
    try:
        pid, port = (int(word) for word in parent.stdout.readline().split())
        mock = next(proc for proc in descendants(parent.pid) if proc[0] == pid)
        parent.kill()
        parent.wait()
        deadline = time.monotonic() + CHILDREN_GONE_S
        while alive(mock) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert not alive(mock)
        with socket.socket() as probe:
            assert probe.connect_ex(("127.0.0.1", port)) != 0  # nothing listens there any more
    finally:
        if parent.poll() is None:
            parent.kill()
        parent.stdout.close()
        parent.wait()


def test_stop_group_ends_the_child_and_what_it_started_in_its_group() -> None:
    forks = (
        "import os, time\nif os.fork() == 0:\n    time.sleep(600)\nprint('ready', flush=True)\n"
        "time.sleep(600)"
    )
    child = subprocess.Popen(
        [sys.executable, "-c", forks], stdout=subprocess.PIPE, text=True, start_new_session=True
    )
    try:
        assert child.stdout.readline().strip() == "ready"
        group = descendants(child.pid)
        assert len(group) == 1  # the forked grandchild
        stop_group(child, signal.SIGTERM, grace_s=5)
        assert child.returncode == -signal.SIGTERM
        deadline = time.monotonic() + CHILDREN_GONE_S
        while any(alive(proc) for proc in group) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert not any(alive(proc) for proc in group)
    finally:
        if child.poll() is None:
            os.killpg(child.pid, signal.SIGKILL)
            child.wait()
        child.stdout.close()
