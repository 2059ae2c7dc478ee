"""Keys never leave the run: masks, and curl reproducers built from redacted text."""

from __future__ import annotations

from errcontract.client.curl import curl_command
from errcontract.core.exchange import RequestSpec, Upload
from errcontract.core.redact import Redactor, mask

KEY = "sk-live-SECRET-abcdef123456"


def test_mask_keeps_prefix_and_last_four():
    assert mask(KEY) == "sk-l…3456"


def test_short_secrets_are_hidden_entirely():
    assert mask("sk-12345") == "………"


def test_redactor_replaces_raw_and_url_quoted_forms():
    redact = Redactor([KEY + "/+"])
    text = f"Bearer {KEY}/+ and ?k={KEY}%2F%2B"
    assert KEY not in redact(text)


def test_curl_reproducer_masks_the_key():
    spec = RequestSpec(
        "POST",
        "/api/v1/generate",
        "generate",
        headers={"Authorization": f"Bearer {KEY}"},
        json_body={"model": "m"},
    )
    command = curl_command(spec, "http://127.0.0.1:9", Redactor([KEY]))
    assert KEY not in command
    assert "sk-l…3456" in command
    assert command.startswith("curl -sS -i -X POST http://127.0.0.1:9/api/v1/generate ")
    assert '--data-binary \'{"model": "m"}\'' in command


def test_curl_reproducer_for_uploads_uses_a_form_file():
    spec = RequestSpec("POST", "/api/v1/upload", "upload", upload=Upload("file", "a.txt", "text/plain", 64))
    assert "-F 'file=@a.txt;type=text/plain'" in curl_command(spec, "http://h", Redactor())
