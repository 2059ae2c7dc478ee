"""A response body as the checks must see it: decoded when the target compressed it (the client
sends `Accept-Encoding: gzip, deflate`, as any httpx client does), and bounded, read and decoded
alike, so neither a huge body nor a decompression bomb can fill memory.

A body in an encoding the client did not offer (br, zstd, stacked codings), or one that does not
decode, is kept as the target sent it: the checks then judge what a client would have received.
"""

from __future__ import annotations

import zlib

__all__ = ["BoundedBody"]

WINDOW_BITS = {
    "gzip": zlib.MAX_WBITS | 16,
    "x-gzip": zlib.MAX_WBITS | 16,
    "deflate": zlib.MAX_WBITS,  # zlib-wrapped, as RFC 9110 says; raw deflate is tried too
}


def _decodable(content_encoding: str) -> str | None:
    """The one coding this body can be decoded from, or None (none, unknown or stacked)."""
    codings = [c.strip().lower() for c in content_encoding.split(",")]
    codings = [c for c in codings if c and c != "identity"]
    return codings[0] if len(codings) == 1 and codings[0] in WINDOW_BITS else None


class BoundedBody:
    """The body's chunks as read, decoded on the way; at most `limit` bytes of either."""

    def __init__(self, content_encoding: str, limit: int) -> None:
        self.limit = limit
        self._coding = _decodable(content_encoding)
        self._raw: list[bytes] = []
        self._raw_size = 0
        self._decoded = bytearray()
        self._decoder = zlib.decompressobj(WINDOW_BITS[self._coding]) if self._coding else None
        self._raw_deflate_tried = False

    def add(self, chunk: bytes) -> bool:
        """Take one chunk as read; False once the body is over the limit (stop reading)."""
        self._raw.append(chunk)
        self._raw_size += len(chunk)
        if self._decoder is not None:
            self._decode(chunk)
        return self._raw_size <= self.limit and len(self._decoded) <= self.limit

    def _decode(self, chunk: bytes) -> None:
        assert self._decoder is not None
        room = max(1, self.limit + 1 - len(self._decoded))  # max_length 0 would mean no bound
        try:
            self._decoded += self._decoder.decompress(chunk, room)
        except zlib.error:
            if self._coding == "deflate" and not self._decoded and not self._raw_deflate_tried:
                self._raw_deflate_tried = True  # a raw deflate stream, without the zlib wrapper
                self._decoder = zlib.decompressobj(-zlib.MAX_WBITS)
                self._decode(b"".join(self._raw))
                return
            self._decoder = None  # not what it says it is: kept as sent
            self._decoded.clear()

    def value(self) -> bytes:
        """The body: decoded if it could be, else as sent; at most `limit` bytes."""
        if self._decoder is None:
            return b"".join(self._raw)[: self.limit]
        if len(self._decoded) <= self.limit and not self._decoder.unconsumed_tail:
            try:
                self._decoded += self._decoder.flush()
            except zlib.error:
                return b"".join(self._raw)[: self.limit]
        return bytes(self._decoded[: self.limit])
