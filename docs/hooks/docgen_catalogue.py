"""The provider catalogue: one page per folder of contracts/ holding a contract.yaml, read as data.

Each page shows what the contract says and how strongly: statuses, codes (how each is recognised,
its facts and their strength, how it is provoked), headers, examples, ambiguities, and where the
provider was checked against a real server (`checked_against` in the contract). The contract is
read as plain YAML with every section optional, so any provider folder renders, new sections
included (shown as data under "Other contract data"); a folder whose YAML cannot be read gets a page
saying so. Sources are cited as the contract cites them, with the source's title and link.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from docgen_text import anchor, code, table, text, yaml_block

KNOWN_SECTIONS = {
    "provider", "title", "contract_version", "sources", "base_path", "content_type", "auth",
    "envelope", "statuses", "fixtures", "billing", "discover", "refunds", "documented_values",
    "endpoints", "codes", "defect_classes", "headers", "examples", "ambiguities", "checked_against",
    "family", "hosts", "protocol", "request_headers",
}  # fmt: skip
DATA_SECTIONS = (  # shown as a table of their fields
    ("auth", "Authentication"), ("request_headers", "Request headers"), ("envelope", "Error envelope"),
    ("protocol", "Protocol rules"), ("hosts", "Hosts"),
)  # fmt: skip
STATED = "stated"
NOT_JUDGED = "not judged"  # shown as the docs give it; the wording is the server's


@dataclass(frozen=True)
class Provider:
    name: str  # the folder's name
    folder: Path
    contract: dict[str, Any]
    problem: str | None  # why the contract could not be read, if it could not

    @property
    def title(self) -> str:
        return str(self.contract.get("title") or self.name)

    @property
    def page(self) -> str:
        return f"providers/{self.name}.md"


def providers(contracts: Path) -> list[Provider]:
    """Every provider folder (a folder holding contract.yaml), in name order."""
    found = sorted(p.parent for p in contracts.glob("*/contract.yaml"))
    return [_load(folder) for folder in found]


def _load(folder: Path) -> Provider:
    try:
        data = yaml.safe_load((folder / "contract.yaml").read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        return Provider(folder.name, folder, {}, f"contract.yaml could not be read: {exc}")
    if not isinstance(data, dict):
        return Provider(folder.name, folder, {}, "contract.yaml does not hold a mapping")
    return Provider(folder.name, folder, data, None)


def _mapping(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _codes(contract: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {str(k): _mapping(v) for k, v in _mapping(contract.get("codes")).items()}


def _statuses_of(entry: dict[str, Any]) -> list[str]:
    status = entry.get("status", [])
    return [str(s) for s in (status if isinstance(status, list) else [status])]


def _strength(entry: dict[str, Any], fact: str) -> str:
    return str(_mapping(entry.get("strength")).get(fact, STATED))


# ---- sources -------------------------------------------------------------------------------------


def cite(source: object, sources: dict[str, Any]) -> str:
    """A contract's `source` string, each `label: …` part linked to that source's page."""
    if source is None or source == "":
        return "—"
    parts = []
    for part in str(source).split("; "):
        label, sep, rest = part.partition(": ")
        known = _mapping(sources.get(label)) if sep else {}
        if known.get("url"):
            title = str(known.get("title", label)).replace('"', "'")
            parts.append(f'[{text(label)}]({known["url"]} "{text(title)}"): {text(rest)}')
        else:
            parts.append(text(part))
    return "; ".join(parts)


# ---- the provider page ---------------------------------------------------------------------------


def provider_page(provider: Provider, has_mock: bool | None = None) -> str:
    if provider.problem:
        failure = '!!! failure "This contract could not be read"'
        return f"# {text(provider.title)}\n\n{failure}\n    {text(provider.problem)}\n"
    c = provider.contract
    sources = _mapping(c.get("sources"))
    mock = has_mock if has_mock is not None else (provider.folder / "mock.yaml").is_file()
    sections = [
        _header(provider, mock),
        _checked(c, sources, mock),
        _sources(sources),
        _data_sections(c, sources),
        _statuses(c, sources),
        _code_table(c),
        _code_details(c, sources),
        _headers(c, sources),
        _examples(c, sources),
        _ambiguities(c, sources),
        _fixtures(c),
        _endpoints(c, sources),
        _other(c),
    ]
    return "\n".join(s for s in sections if s)


def _header(provider: Provider, mock: bool) -> str:
    c = provider.contract
    codes = _codes(c)
    observe = sum(1 for e in codes.values() if e.get("provoke") == "observe-only")
    facts = [
        f"Contract `contracts/{provider.name}/`, version {text(c.get('contract_version', '—'))}",
        f"base path {code(c.get('base_path', '/'))}",
        *([f"envelope family {code(c['family'])}"] if c.get("family") else []),
        f"{len(_mapping(c.get('statuses')))} statuses, {len(codes)} codes "
        f"({len(codes) - observe} provoked by a recipe, {observe} observe-only)",
        "an embedded reference mock (`errcontract mock " + provider.name + "`)"
        if mock
        else "no embedded mock: a run needs `--target`",
    ]
    return f"# {text(provider.title)} {{ #provider }}\n\n" + "; ".join(facts) + ".\n"


def _checked(c: dict[str, Any], sources: dict[str, Any], mock: bool) -> str:
    out = ["## Where it was checked against a real server { #checked-against }\n"]
    checks = c.get("checked_against")
    if isinstance(checks, list) and checks:
        entries = [_mapping(check) for check in checks]
        cited = any(e.get("source") for e in entries)
        rows = [
            [
                text(e.get("server", "—")),
                code(e["test"]) if e.get("test") else "—",
                text(e.get("result", "")),
                *([cite(e.get("source"), sources)] if cited else []),
            ]
            for e in entries
        ]
        heads = ["server", "in the test suite", "what it found", *(["source"] if cited else [])]
        out.append(table(heads, rows))
    else:
        where = "only against its embedded reference mock" if mock else "not against any server yet"
        out.append(f"Not checked against a real server in the project's tests: {where}.\n")
    return "\n".join(out)


def _sources(sources: dict[str, Any]) -> str:
    if not sources:
        return ""
    rows = []
    for label, src in sources.items():
        src = _mapping(src)
        url = src.get("url")
        rows.append([code(label), text(src.get("title", "")), f"<{url}>" if url else "—"])
    return "## Sources { #sources }\n\n" + table(["label", "document", "address"], rows)


def _data_sections(c: dict[str, Any], sources: dict[str, Any]) -> str:
    out = []
    for key, title in DATA_SECTIONS:
        value = c.get(key)
        if value is None:
            continue
        out.append(f"## {title} {{ #{key} }}\n")
        if isinstance(value, dict):
            rows = [
                [code(k), _value(v, sources) if k != "source" else cite(v, sources)] for k, v in value.items()
            ]
            out.append(table(["field", "value"], rows))
        else:
            out.append(yaml_block(value))
    return "\n".join(out)


def _value(value: Any, sources: dict[str, Any]) -> str:
    if isinstance(value, dict | list):
        flat = yaml.safe_dump(value, default_flow_style=True, sort_keys=False, width=10_000).strip()
        return code(flat)
    return code(value)


def _statuses(c: dict[str, Any], sources: dict[str, Any]) -> str:
    statuses = _mapping(c.get("statuses"))
    if not statuses:
        return ""
    by_status: dict[str, list[str]] = {}
    for name, entry in _codes(c).items():
        for status in _statuses_of(entry):
            by_status.setdefault(status, []).append(name)
    rows = []
    for status, entry in statuses.items():
        entry = _mapping(entry)
        names = by_status.get(str(status), [])
        rows.append(
            [
                f"**{text(status)}**",
                text(entry.get("description", "")),
                ", ".join(f"[{code(n)}](#{_code_id(n)})" for n in names) or "—",
                cite(entry.get("source"), sources),
            ]
        )
    return "## Statuses { #statuses }\n\nEvery status here is a stated fact.\n\n" + table(
        ["status", "description", "codes", "source"], rows
    )


def _code_id(name: str) -> str:
    return "code-" + anchor(name)


def _recognised(entry: dict[str, Any], c: dict[str, Any], name: str) -> str:
    match = entry.get("match")
    if isinstance(match, dict):
        if not match:
            return "any body at its status"
        return " and ".join(f"{code(p)} = {code('null' if v is None else v)}" for p, v in match.items())
    pointer = _mapping(c.get("envelope")).get("code_pointer", "the code member")
    return f"{code(name)} at {code(pointer)}"


def _provoke(entry: dict[str, Any]) -> str:
    provoke = entry.get("provoke")
    if provoke == "observe-only":
        reason = entry.get("observe_reason")
        return "observe-only" + (f": {text(reason)}" if reason else "")
    if isinstance(provoke, dict):
        defect = provoke.get("defect")
        shown = yaml.safe_dump(defect, default_flow_style=True, width=10_000).strip() if defect else "—"
        return f"recipe on {code(provoke.get('endpoint', '?'))}: one defect, {code(shown)}"
    return text(provoke) if provoke else "—"


def _code_table(c: dict[str, Any]) -> str:
    codes = _codes(c)
    if not codes:
        return ""
    rows = [
        [
            f"[{code(name)}](#{_code_id(name)})",
            ", ".join(_statuses_of(e)),
            text(e.get("message", "")),
            "observe-only" if e.get("provoke") == "observe-only" else "recipe",
        ]
        for name, e in codes.items()
    ]
    legend = (
        "Each fact of a code has a strength: a departure from a **stated** fact is a violation, from an "
        "*exemplified* one (only an example shows it) a warning, a violation only with `--strict`. "
        "The message and the solution are shown as the docs give them and not judged: their wording "
        "is the server's.\n\n"
    )
    return "## Codes { #codes }\n\n" + legend + table(["code", "status", "message", "provoked by"], rows)


def _strength_cell(strength: str) -> str:
    if strength == STATED:
        return f"**{strength}**"
    return strength if strength == NOT_JUDGED else f"*{text(strength)}*"


def _code_details(c: dict[str, Any], sources: dict[str, Any]) -> str:
    out = []
    for name, e in _codes(c).items():
        facts = [
            ["status", ", ".join(_statuses_of(e)) or "—", STATED],
            ["recognised by", _recognised(e, c, name), STATED],
        ]
        if "message" in e:
            facts.append(["message", text(e["message"]), NOT_JUDGED])
        if "message_pattern" in e:
            facts.append(["message pattern", code(e["message_pattern"]), _strength(e, "message_pattern")])
        if "schema" in e:
            facts.append(["body schema", code(e["schema"]), _strength(e, "schema")])
        if "solution" in e:
            facts.append(["solution", text(e["solution"]), NOT_JUDGED])
        rows = [[fact, value, _strength_cell(strength)] for fact, value, strength in facts]
        extra = [
            f"- **Provoked by:** {_provoke(e)}",
            f"- **Endpoints:** {', '.join(code(x) for x in e.get('endpoints', []) or []) or '—'}",
            f"- **Source:** {cite(e.get('source'), sources)}",
        ]
        if e.get("fault"):
            extra.append("- **A server fault:** never provoked on purpose")
        out.append(
            f"### {text(name)} {{ #{_code_id(name)} }}\n\n"
            + table(["fact", "value", "strength"], rows)
            + "\n"
            + "\n".join(extra)
            + "\n"
        )
    return "\n".join(out)


def _headers(c: dict[str, Any], sources: dict[str, Any]) -> str:
    headers = _mapping(c.get("headers"))
    out = []
    for group, spec in headers.items():
        spec = _mapping(spec)
        fields = _mapping(spec.get("fields"))
        if not fields:
            continue
        rows = [
            [
                code(h),
                code(_mapping(f).get("format", "—")),
                text(_mapping(f).get("role", "")),
                text(_mapping(f).get("strength", STATED)),
            ]
            for h, f in fields.items()
        ]
        where = spec.get("required_on")
        out.append(
            f"### {text(group)} {{ #headers-{anchor(group)} }}\n\n"
            + (f"Required on: {text(where)}.\n\n" if where else "")
            + table(["header", "format", "role", "strength"], rows)
            + (f"\nWindow: {_value(spec['window'], sources)}\n" if "window" in spec else "")
            + f"\nSource: {cite(spec.get('source'), sources)}\n"
        )
    return ("## Headers { #headers }\n\n" + "\n".join(out)) if out else ""


def _examples(c: dict[str, Any], sources: dict[str, Any]) -> str:
    examples = c.get("examples")
    if not isinstance(examples, list) or not examples:
        return ""
    rows = [
        [
            text(_mapping(x).get("name", "")),
            text(_mapping(x).get("status", "")),
            code(_mapping(x).get("code", "—")),
            "placeholder" if _mapping(x).get("placeholder") else "",
            cite(_mapping(x).get("source"), sources),
        ]
        for x in examples
    ]
    return (
        "## Documented examples { #examples }\n\nWhat only an example shows is *exemplified*: a departure "
        "from it is a warning (a violation with `--strict`).\n\n"
        + table(["example", "status", "code", "", "source"], rows)
    )


def _ambiguities(c: dict[str, Any], sources: dict[str, Any]) -> str:
    items = c.get("ambiguities")
    if not isinstance(items, list) or not items:
        return ""
    out = [
        "## Ambiguities { #ambiguities }\n\n"
        "Where the docs contradict themselves or are silent, and the reading taken.\n"
    ]
    for item in items:
        item = _mapping(item)
        ident = str(item.get("id", "ambiguity"))
        readings = item.get("readings") or []
        out.append(
            f"### {text(ident)} {{ #ambiguity-{anchor(ident)} }}\n\n{text(item.get('summary', ''))}\n\n"
            + "".join(f"- reading: {text(r)}\n" for r in readings)
            + f"\n**Decision:** {text(item.get('decision', '—'))}\n\n"
            + f"Source: {cite(item.get('source'), sources)}\n"
        )
    return "\n".join(out)


def _fixtures(c: dict[str, Any]) -> str:
    fixtures = _mapping(c.get("fixtures"))
    if not fixtures:
        return ""
    rows = [
        [code(n), text(_mapping(f).get("description", "")), "secret" if _mapping(f).get("secret") else ""]
        for n, f in fixtures.items()
    ]
    return (
        "## Fixtures { #fixtures }\n\n"
        "Given on the command line (`--fixture NAME=VALUE` sets any), or read from the target.\n\n"
        + table(["fixture", "what it must be", ""], rows)
    )


def _endpoints(c: dict[str, Any], sources: dict[str, Any]) -> str:
    endpoints = _mapping(c.get("endpoints"))
    if not endpoints:
        return ""
    rows = [
        [
            code(n),
            code(f"{_mapping(e).get('method', '?')} {_mapping(e).get('path', '?')}"),
            "yes" if _mapping(e).get("auth") else "no",
            "yes" if _mapping(e).get("billable") else "no",
            cite(_mapping(e).get("source"), sources),
        ]
        for n, e in endpoints.items()
    ]
    return "## Endpoints { #endpoints }\n\n" + table(
        ["endpoint", "request", "key", "billable", "source"], rows
    )


def _other(c: dict[str, Any]) -> str:
    other = {k: v for k, v in c.items() if k not in KNOWN_SECTIONS}
    if not other:
        return ""
    blocks = [f"### {text(k)} {{ #other-{anchor(k)} }}\n\n{yaml_block(v)}" for k, v in other.items()]
    return "## Other contract data { #other }\n\n" + "\n".join(blocks)


# ---- the catalogue index -------------------------------------------------------------------------


def _short(server: object) -> str:
    """A server's name without its details ("LiteLLM proxy 1.106.12 (…), …" -> "LiteLLM proxy 1.106.12")."""
    return str(server).split(" (", 1)[0].split(",", 1)[0]


def catalogue_index(found: list[Provider]) -> str:
    rows = []
    for p in found:
        c = p.contract
        checks = c.get("checked_against")
        servers = (
            [text(_short(_mapping(x).get("server", ""))) for x in checks] if isinstance(checks, list) else []
        )
        ambiguities = c.get("ambiguities")
        rows.append(
            [
                f"[{text(p.title)}]({p.name}.md)",
                str(len(_mapping(c.get("statuses")))),
                str(len(_codes(c))),
                str(len(ambiguities) if isinstance(ambiguities, list) else 0),
                "yes" if (p.folder / "mock.yaml").is_file() else "no",
                f"[{', '.join(servers)}]({p.name}.md#checked-against)" if servers else "—",
            ]
        )
    return (
        "# Provider catalogue\n\nEvery provider shipped in `contracts/`, generated from its contract when "
        "this site was built: each page gives the provider's statuses and codes, each fact's strength "
        "and source, its ambiguities and where it was checked against a real server. A new provider "
        "is a new folder there: it gets its page here with no other change.\n\n"
        + table(["provider", "statuses", "codes", "ambiguities", "embedded mock", "checked against"], rows)
    )
