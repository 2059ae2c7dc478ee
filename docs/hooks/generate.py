"""MkDocs hook: the pages generated at build time, from the project's own sources of truth.

- `reference/cli.md` from errcontract's argparse parser (docgen_cli);
- `reference/results-schema.md` and `reference/results.schema.json` from the package's schema file;
- `providers/index.md` and `providers/<name>.md` for every folder of `contracts/` holding a
  contract.yaml (docgen_catalogue), added to the navigation under "Provider catalogue".

Nothing generated is written into docs/: the pages exist only in the build.
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).parent))

from docgen_catalogue import catalogue_index, provider_page, providers
from docgen_cli import cli_page, command_help
from docgen_schema import SCHEMA_FILE, schema_page
from mkdocs.structure.files import File, Files

CATALOGUE = "providers/index.md"
COMMAND_HELP = re.compile(r"^<!-- errcontract-help: ([a-z-]+) -->$", re.MULTILINE)


def _root(config: Any) -> Path:
    return Path(config.config_file_path).resolve().parent


def _schema_path(config: Any) -> Path:
    return _root(config) / "src" / "errcontract" / "judge" / SCHEMA_FILE


def on_config(config: Any) -> Any:
    """Put every provider page under the catalogue's entry of the navigation."""
    found = providers(_root(config) / "contracts")
    pages = [{p.title: p.page} for p in found]
    config.nav = _with_providers(config.nav or [], pages)
    return config


def _with_providers(nav: list[Any], pages: list[dict[str, str]]) -> list[Any]:
    out: list[Any] = []
    for item in nav:
        if isinstance(item, dict):
            ((title, value),) = item.items()
            if value == CATALOGUE:
                item = {title: [CATALOGUE, *pages]}
            elif isinstance(value, list):
                item = {title: _with_providers(value, pages)}
        out.append(item)
    return out


def on_files(files: Files, config: Any) -> Files:
    root = _root(config)
    found = providers(root / "contracts")
    schema_text = _schema_path(config).read_text(encoding="utf-8")
    generated = {
        "reference/cli.md": cli_page(),
        "reference/results-schema.md": schema_page(json.loads(schema_text)),
        f"reference/{SCHEMA_FILE}": schema_text,
        CATALOGUE: catalogue_index(found),
        **{p.page: provider_page(p) for p in found},
    }
    for path, content in generated.items():
        files.append(File.generated(config, path, content=content))
    return files


def on_page_markdown(markdown: str, page: Any, config: Any, files: Files) -> str:
    """`<!-- errcontract-help: NAME -->` on a line of its own: that sub-command's generated reference."""
    return COMMAND_HELP.sub(lambda m: command_help(m.group(1)), markdown)


def on_serve(server: Any, config: Any, builder: Any) -> Any:  # `mkdocs serve` rebuilds on a change
    root = _root(config)
    for watched in (root / "contracts", _schema_path(config), root / "src" / "errcontract" / "cli"):
        server.watch(str(watched))
    return server
