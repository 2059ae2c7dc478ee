"""Recorded-traffic files written the way recorders write them, for the traffic tests."""

from __future__ import annotations

import base64
import gzip
import json
from pathlib import Path
from typing import Any

import yaml

OPENAI = "https://api.openai.com/v1"
JSON_HEADERS = [{"name": "Content-Type", "value": "application/json"}]


def openai_error_body(type_: str, code: str | None, message: str = "oops", param: str | None = None) -> str:
    return json.dumps({"error": {"message": message, "type": type_, "param": param, "code": code}})


def har_entry(
    url: str,
    status: int,
    body: str = "{}",
    method: str = "GET",
    request_headers: list[dict[str, str]] | None = None,
    response_headers: list[dict[str, str]] | None = None,
    post: str | None = None,
    started: str = "2026-12-06T17:00:00.000Z",
    encoding: str | None = None,
) -> dict[str, Any]:
    content: dict[str, Any] = {"size": len(body), "mimeType": "application/json", "text": body}
    if encoding:
        content["encoding"] = encoding
    request: dict[str, Any] = {
        "method": method,
        "url": url,
        "httpVersion": "HTTP/1.1",
        "headers": request_headers or [],
        "queryString": [],
        "cookies": [],
        "headersSize": -1,
        "bodySize": len(post or ""),
    }
    if post is not None:
        request["postData"] = {"mimeType": "application/json", "text": post}
    return {
        "startedDateTime": started,
        "time": 12.5,
        "request": request,
        "response": {
            "status": status,
            "statusText": "",
            "httpVersion": "HTTP/1.1",
            "headers": response_headers if response_headers is not None else JSON_HEADERS,
            "cookies": [],
            "content": content,
            "redirectURL": "",
            "headersSize": -1,
            "bodySize": len(body),
        },
        "cache": {},
        "timings": {"send": 0, "wait": 10, "receive": 2},
    }


def har(entries: list[dict[str, Any]], version: str = "1.2") -> dict[str, Any]:
    return {"log": {"version": version, "creator": {"name": "test", "version": "1"}, "entries": entries}}


def write_har(path: Path, entries: list[dict[str, Any]], version: str = "1.2") -> Path:
    path.write_text(json.dumps(har(entries, version)), encoding="utf-8")
    return path


def cassette_interaction(
    uri: str, status: int, body: bytes | str, headers: dict[str, list[str]] | None = None, method: str = "GET"
) -> dict[str, Any]:
    return {
        "request": {"body": None, "headers": {"Accept": ["application/json"]}, "method": method, "uri": uri},
        "response": {
            "body": {"string": body},
            "headers": headers or {"Content-Type": ["application/json"]},
            "status": {"code": status, "message": ""},
        },
    }


def write_yaml_cassette(path: Path, interactions: list[dict[str, Any]]) -> Path:
    """As vcrpy's YAML serializer writes it (bytes bodies as !!binary, i.e. base64)."""
    path.write_text(yaml.dump({"interactions": interactions, "version": 1}), encoding="utf-8")
    return path


def gzipped(text: str) -> bytes:
    return gzip.compress(text.encode())


def b64(data: bytes) -> str:
    return base64.b64encode(data).decode()
