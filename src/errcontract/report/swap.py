"""A folder's entries replaced as one set: staged beside it, checked before the run, swapped in.

The new entries (provider folders, the site index) are written into a staging folder on the same
filesystem as the folder they go to: a hidden sibling `.<name>.staging-<pid>-…`, or a hidden
folder inside it when the parent cannot hold one. Each entry is then exchanged with the one it
replaces (one renameat2 RENAME_EXCHANGE on Linux, three renames elsewhere); if one cannot be,
those already swapped are swapped back, so the folder shows the previous set or the new one, never
a mix. The staging folder, holding the previous entries by then, is removed.

Every problem is a `WriteFault`: one line naming the path and the reason, exit 2.
"""

from __future__ import annotations

import contextlib
import ctypes
import errno
import fcntl
import functools
import os
import re
import shutil
import sys
import tempfile
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from errcontract.core.errors import UsageError

FILE_MODE, FOLDER_MODE = 0o644, 0o755  # published: readable by the web server, the CI, everyone
_AT_FDCWD, _RENAME_EXCHANGE = -100, 2
_FS_IOC_GETFLAGS, _IMMUTABLE, _APPEND_ONLY = 0x80086601, 0x10, 0x20


class WriteFault(UsageError):
    """A report path that cannot be created or replaced."""


def fault(path: Path, why: OSError | str, hint: str = "", verb: str = "replace") -> WriteFault:
    reason = why if isinstance(why, str) else (why.strerror or type(why).__name__)
    return WriteFault(f"cannot {verb} {path} ({reason}){': ' + hint if hint else ''}")


def prepare(folder: Path, entries: Mapping[str, bool], hint: str) -> Path:
    """Check that `folder` (created if missing) and each entry there (name -> is a folder) can be
    replaced; return a new empty staging folder for them."""
    try:
        if os.path.lexists(folder) and not folder.is_dir():
            raise fault(folder, "not a folder", hint, "write into")
        if not folder.exists():
            folder.mkdir(parents=True)
            os.chmod(folder, FOLDER_MODE)
    except OSError as exc:
        raise fault(folder, exc, hint, "write into") from None
    staging = open_staging(folder, hint)
    try:
        _probe(staging, folder, hint)
        for name, is_folder in entries.items():
            check_entry(folder / name, is_folder, hint)
    except BaseException:
        discard(staging)
        raise
    return staging


def open_staging(folder: Path, hint: str) -> Path:
    sweep_stale(folder)
    prefix = f".{folder.name}.staging-{os.getpid()}-"
    for place in (folder.parent, folder):
        try:
            staging = Path(tempfile.mkdtemp(prefix=prefix, dir=place))
        except OSError:
            continue
        if staging.stat().st_dev == folder.stat().st_dev:  # renames cannot cross filesystems
            return staging
        discard(staging)
    raise fault(folder, "no staging folder can be made beside or inside it", hint, "write into")


def sweep_stale(folder: Path) -> None:
    """Remove staging folders left by runs that were killed (SIGKILL leaves no time to clean)."""
    pattern = re.compile(rf"^\.{re.escape(folder.name)}\.staging-(\d+)-")
    for place in (folder.parent, folder):
        with contextlib.suppress(OSError):
            for entry in place.iterdir():
                match = pattern.match(entry.name)
                if match and entry.is_dir() and not _alive(int(match.group(1))):
                    discard(entry)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _probe(staging: Path, folder: Path, hint: str) -> None:
    """Entries can be moved into `folder` and out of it (writable, same filesystem)."""
    probe, inside = staging / ".probe", folder / f".errcontract-probe-{os.getpid()}"
    try:
        probe.mkdir()
        os.rename(probe, inside)
        os.rename(inside, probe)
    except OSError as exc:
        with contextlib.suppress(OSError):
            inside.rmdir()
        raise fault(folder, exc, hint, "write into") from None
    probe.rmdir()


def check_entry(path: Path, is_folder: bool, hint: str) -> None:
    """An existing entry is of the expected kind and nothing in it is locked against change."""
    if not os.path.lexists(path) or path.is_symlink():
        return
    if path.is_dir() != is_folder:
        raise fault(path, "a folder is in the way" if path.is_dir() else "not a folder", hint)
    for item in [path, *(sorted(path.rglob("*")) if is_folder else [])]:
        if _locked(item):
            raise fault(item, "immutable or append-only, see lsattr", hint)
        if item.is_dir() and not item.is_symlink() and not os.access(item, os.W_OK | os.X_OK):
            raise fault(item, "Permission denied", hint)


def _locked(path: Path) -> bool:
    """The Linux immutable or append-only attribute (chattr +i / +a), which even root obeys."""
    if not sys.platform.startswith("linux") or path.is_symlink():
        return False
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_NOFOLLOW)
    except OSError:
        return False
    try:
        flags = fcntl.ioctl(fd, _FS_IOC_GETFLAGS, bytes(8))
    except OSError:  # a filesystem without such attributes
        return False
    finally:
        os.close(fd)
    return bool(int.from_bytes(flags[:4], sys.byteorder) & (_IMMUTABLE | _APPEND_ONLY))


def normalize_modes(root: Path) -> None:
    """Published modes whatever the umask: folders 0755, files 0644."""
    os.chmod(root, FOLDER_MODE)
    for base, folders, files in os.walk(root):
        for name in folders:
            os.chmod(os.path.join(base, name), FOLDER_MODE)
        for name in files:
            if not os.path.islink(os.path.join(base, name)):
                os.chmod(os.path.join(base, name), FILE_MODE)


def swap_in(staging: Path, folder: Path, names: Sequence[str], hint: str) -> None:
    """Put each staged entry in place of the folder's entry of that name, all or none."""
    done: list[tuple[str, bool]] = []
    for name in names:
        try:
            done.append((name, _put(staging / name, folder / name)))
        except OSError as exc:
            for placed, exchanged in reversed(done):
                with contextlib.suppress(OSError):
                    _undo(staging / placed, folder / placed, exchanged)
            raise fault(folder / name, exc, hint) from None


def _put(new: Path, old: Path) -> bool:
    """Move `new` to `old`'s place; True if the previous `old` now sits at `new`'s path."""
    if os.path.lexists(old):
        exchange(new, old)
        return True
    os.rename(new, old)
    return False


def _undo(new: Path, old: Path, exchanged: bool) -> None:
    if exchanged:
        exchange(new, old)
    else:
        os.rename(old, new)


def exchange(a: Path, b: Path) -> None:
    """Swap two paths: atomically where the kernel can, else by renaming one aside."""
    renameat2 = _renameat2()
    if renameat2 is not None:
        if renameat2(_AT_FDCWD, os.fsencode(a), _AT_FDCWD, os.fsencode(b), _RENAME_EXCHANGE) == 0:
            return
        err = ctypes.get_errno()
        if err not in (errno.EINVAL, errno.ENOSYS, errno.EOPNOTSUPP):
            raise OSError(err, os.strerror(err), str(b))
    aside = a.with_name(f"{a.name}.aside")
    os.rename(b, aside)
    try:
        os.rename(a, b)
    except OSError:
        os.rename(aside, b)
        raise
    os.rename(aside, a)


@functools.cache
def _renameat2() -> Any:
    try:
        function = ctypes.CDLL(None, use_errno=True).renameat2
    except (AttributeError, OSError):
        return None
    function.argtypes = (ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p, ctypes.c_uint)
    return function


def discard(path: Path) -> None:
    shutil.rmtree(path, ignore_errors=True)
