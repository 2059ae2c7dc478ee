"""A pytest child's own output, relayed live with keys masked (`errcontract run -v`, or with
extra pytest arguments): the child runs in a session of its own and is reaped however this ends."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
from typing import IO, TextIO

from errcontract.cli.parallel import Children
from errcontract.core.children import signal_group, stop_group
from errcontract.core.redact import Redactor

RELAY_DRAIN_S = 30.0  # its output after it ended (a pipe still held open elsewhere is given up)


def run_child(
    cmd: list[str],
    env: dict[str, str],
    redact: Redactor,
    timeout_s: float,
    grace_s: float,
    children: Children,
    moved: tuple[str, str] | None = None,
) -> bool:
    """Run the pytest child in a session of its own, relaying its output live with keys masked
    (and `moved`: the staging folder's path shown as the folder its files end up in); False if
    it timed out. However this ends (an interrupting signal included), the signal is forwarded
    to the child's group, which is reaped before this returns or raises."""
    timed_out, muted = threading.Event(), children.stopping
    child = subprocess.Popen(
        cmd,
        env=env,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        start_new_session=True,
    )
    children.add(child)
    relays = [
        threading.Thread(target=relay, args=(source, sink, redact, muted, moved), daemon=True)
        for source, sink in ((child.stdout, sys.stdout), (child.stderr, sys.stderr))
    ]

    def on_timeout() -> None:
        timed_out.set()
        signal_group(child, signal.SIGKILL)

    timer = threading.Timer(timeout_s, on_timeout)
    try:
        timer.start()
        for thread in relays:
            thread.start()
        child.wait()
    except BaseException as exc:
        muted.set()  # an interrupted run prints one line, not the child's farewell
        stop_group(child, getattr(exc, "signum", signal.SIGTERM), grace_s)
        raise
    finally:
        children.discard(child)
        timer.cancel()
        for thread in relays:
            thread.join(timeout=RELAY_DRAIN_S)
    return not timed_out.is_set()


def relay(
    source: IO[bytes] | None,
    sink: TextIO,
    redact: Redactor,
    muted: threading.Event | None = None,
    moved: tuple[str, str] | None = None,
) -> None:
    """Copy as it comes (progress stays live), holding back only what might begin a key; once
    `muted` is set, keep draining (the child must not block on a full pipe) but show nothing."""
    if source is None:
        return
    held = b""
    old, new = (moved[0].encode(), moved[1].encode()) if moved else (b"", b"")
    with source:
        while chunk := os.read(source.fileno(), 65536):
            data = redact.bytes(held + chunk)
            data = data.replace(old, new) if old else data
            keep = _key_prefix_at_end(data, redact.secrets)
            held = data[len(data) - keep :] if keep else b""
            if not (muted and muted.is_set()):
                _write(sink, data[: len(data) - keep])
        if not (muted and muted.is_set()):
            _write(sink, redact.bytes(held))


def _key_prefix_at_end(data: bytes, secrets: list[str]) -> int:
    """How many trailing bytes could be the start of a key cut by the chunking."""
    longest = 0
    for secret in (s.encode() for s in secrets):
        for size in range(min(len(data), len(secret) - 1), longest, -1):
            if secret.startswith(data[-size:]):
                longest = size
                break
    return longest


def _write(sink: TextIO, data: bytes) -> None:
    if not data:
        return
    buffer = getattr(sink, "buffer", None)
    if buffer is not None:
        sink.flush()
        buffer.write(data)
        buffer.flush()
    else:
        sink.write(data.decode("utf-8", "replace"))
        sink.flush()
