"""The results.json schema, rendered: every object of src/errcontract/judge/results.schema.json as a
table of its members (type, required, description), each `$ref` linked to its definition, and the
schema file itself published beside the page."""

from __future__ import annotations

import json
from typing import Any

from docgen_text import anchor, code, table, text

SCHEMA_FILE = "results.schema.json"


def _type(node: dict[str, Any]) -> str:
    if "$ref" in node:
        name = str(node["$ref"]).rsplit("/", 1)[-1]
        return f"[{code(name)}](#{_def_id(name)})"
    if "const" in node:
        return code(json.dumps(node["const"]))
    if "enum" in node:
        return " \\| ".join(code(json.dumps(v)) for v in node["enum"])
    for key in ("oneOf", "anyOf"):
        if key in node:
            return " or ".join(_type(n) for n in node[key])
    kind = node.get("type", "any")
    kinds = kind if isinstance(kind, list) else [kind]
    shown = " or ".join(code(k) for k in kinds)
    if "array" in kinds and isinstance(node.get("items"), dict):
        shown += " of " + _type(node["items"])
    if (
        "object" in kinds
        and isinstance(node.get("additionalProperties"), dict)
        and not node.get("properties")
    ):
        shown += " of " + _type(node["additionalProperties"])
    if "format" in node:
        shown += f" ({text(node['format'])})"
    return shown


def _def_id(name: str) -> str:
    return "def-" + anchor(name)


def _rows(node: dict[str, Any], prefix: str = "") -> list[list[str]]:
    rows = []
    required = set(node.get("required", []))
    for name, child in node.get("properties", {}).items():
        child = child if isinstance(child, dict) else {}
        rows.append(
            [
                code(prefix + name),
                _type(child),
                "yes" if name in required else "",
                text(child.get("description", "")),
            ]
        )
        nested = child.get("items") if child.get("type") == "array" else child
        if isinstance(nested, dict) and nested.get("properties"):
            rows += _rows(nested, prefix + name + ("[]." if nested is not child else "."))
    return rows


def schema_page(schema: dict[str, Any]) -> str:
    out = [
        f"# {text(schema.get('title', 'results.json'))}\n",
        text(schema.get("description", "")) + "\n",
        f"The schema (JSON Schema {text(schema.get('$schema', ''))}) is shipped in the package as "
        f"`errcontract/judge/{SCHEMA_FILE}`, and [published with this page]({SCHEMA_FILE}). "
        "This page is generated from it when the site is built.\n",
        "## The file { #root }\n",
        table(["member", "type", "required", "what it holds"], _rows(schema)),
    ]
    for name, node in schema.get("$defs", {}).items():
        node = node if isinstance(node, dict) else {}
        out.append(f"## {text(name)} {{ #{_def_id(name)} }}\n")
        if node.get("description"):
            out.append(text(node["description"]) + "\n")
        if node.get("properties"):
            out.append(table(["member", "type", "required", "what it holds"], _rows(node)))
        else:
            out.append(f"Type: {_type(node)}\n")
    out.append(
        '??? note "The whole schema"\n\n    ```json\n'
        + "\n".join("    " + line for line in json.dumps(schema, indent=2).splitlines())
        + "\n    ```\n"
    )
    return "\n".join(out)
