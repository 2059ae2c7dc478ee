"""What one `errcontract run` checks: a list of `Check`s, each a provider at one target (or at its
embedded mock), each with the report folder it is published in.

A run checks every embedded-mock provider (no --target), or one provider at one or more targets
(`--target` repeated, `--targets-file FILE`). Targets are told apart by the root the run sends to
(`run.preflight.target_root`: `https://host`, `https://host/` and `https://host/api/v1` are one
target, checked once). With one target per provider the folder is the provider's name, as always;
with several, each target gets a folder of its own, a readable slug of that root
(`vicsee-api.example.com`, `vicsee-127.0.0.1-8080`), and the site index shows them all.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from errcontract.contract.model import load_provider
from errcontract.core.errors import UsageError
from errcontract.core.slug import slug
from errcontract.run.options import RunOptions, validate_url
from errcontract.run.preflight import target_root

COMMENT = re.compile(r"(^|\s)#.*$")  # a targets-file comment: a whole line, or after a space


@dataclass(frozen=True)
class Check:
    """One provider at one target (None: its embedded mock), published in `folder`."""

    provider: str
    target: str | None
    folder: str

    @property
    def label(self) -> str:
        """How the terminal names this check: the folder (the provider's name, or its slug)."""
        return self.folder


def read_targets_file(path: Path) -> list[str]:
    """One URL a line; blank lines, lines starting with # and # comments after a space are
    skipped. A URL that is not one is named by FILE:LINE."""
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        raise UsageError(f"--targets-file {path}: cannot read it ({exc})") from None
    targets = []
    for number, line in enumerate(lines, start=1):
        url = COMMENT.sub("", line).strip()
        if url:
            try:
                validate_url(url)
            except UsageError as exc:
                raise UsageError(f"{path}:{number}: {_without_flag(str(exc))}") from None
            targets.append(url)
    if not targets:
        raise UsageError(f"--targets-file {path}: no URL in it (one a line)")
    return targets


def _without_flag(message: str) -> str:
    """`validate_url`'s message about a --target, said of a line of the file instead."""
    rest = message.removeprefix("--target ")
    return rest if rest.startswith("'") else f"the URL {rest}"


def unique(targets: list[str]) -> list[str]:
    """The targets in order, each once (a URL given twice is checked once)."""
    seen: dict[str, None] = {}
    for target in targets:
        seen.setdefault(target.rstrip("/"), None)
    return list(seen)


def plan_checks(options: RunOptions, targets: list[str]) -> list[Check]:
    """The run's checks: each embedded-mock provider, or the one provider at each target (each
    root once, at its first spelling; its folder named by that root)."""
    providers = options.providers()
    if not targets:
        return [Check(provider, None, provider) for provider in providers]
    for target in targets:
        validate_url(target)
    (provider,) = providers  # options.validate() has required --provider NAME with --target
    contract = load_provider(provider)
    roots: dict[str, str] = {}  # root -> the first target given for it
    for target in targets:
        roots.setdefault(_same(target_root(contract, target)), target)
    if len(roots) == 1:
        return [Check(provider, next(iter(roots.values())), provider)]
    folders: list[str] = []
    for root in roots:
        folder = f"{provider}-{slug(root)}"
        count = sum(1 for f in folders if f == folder or f.startswith(folder + "~"))
        folders.append(folder if count == 0 else f"{folder}~{count + 1}")
    return [Check(provider, target, folder) for target, folder in zip(roots.values(), folders, strict=True)]


def _same(root: str) -> str:
    """A root as compared: scheme and host are case-insensitive."""
    parts = urlsplit(root)
    return parts._replace(netloc=parts.netloc.lower()).geturl()
