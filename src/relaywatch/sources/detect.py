"""Format detection from content: magic bytes, the XML root, the first non-blank byte.

File names are never consulted: exports are routinely renamed (`.log`, `.txt`, no
extension) and a `.json` may hold NDJSON or a `_search` response. Tests are tried in
order; the first that accepts the head of the input names its format.
"""

from __future__ import annotations

from collections.abc import Callable

_BOMS = (b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff")
_BLANK = b" \t\r\n\x00"


def first_meaningful(head: bytes) -> bytes:
    """The head without byte-order marks, blanks and (UTF-16) zero bytes in front."""
    while True:
        stripped = head.lstrip(_BLANK)
        for bom in _BOMS:
            if stripped.startswith(bom):
                stripped = stripped[len(bom) :]
                break
        if stripped == head:
            return head
        head = stripped


def _is_tar(head: bytes) -> bool:
    # POSIX and GNU tar both write "ustar" at offset 257 of the first header block.
    return head[257:262] == b"ustar"


DETECTORS: tuple[tuple[str, Callable[[bytes], bool]], ...] = (
    ("empty", lambda head: not first_meaningful(head)),
    ("gzip", lambda head: head.startswith(b"\x1f\x8b")),
    ("zip", lambda head: head.startswith((b"PK\x03\x04", b"PK\x05\x06"))),
    ("evtx", lambda head: head.startswith(b"ElfFile\x00")),
    ("tar", _is_tar),
    ("xml", lambda head: first_meaningful(head).startswith(b"<")),
    ("json", lambda head: first_meaningful(head)[:1] in (b"{", b"[")),
)


def detect(head: bytes) -> str | None:
    """The format name of an input starting with `head`, or None when none matches."""
    for name, test in DETECTORS:
        if test(head):
            return name
    return None
