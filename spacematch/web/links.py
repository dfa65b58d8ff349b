"""Where a link may send a person back to: a path on this site, never another site."""

from __future__ import annotations

from urllib.parse import urlsplit


def safe_next(target: str | None) -> str | None:
    """``target`` if it is a path on this site, else ``None`` (no open redirect).

    >>> [safe_next(t) for t in ("/projects/3?k=5", "//evil.example", "/\\\\evil.example",
    ...                         "https://evil.example/", "/\\t/evil.example", "projects")]
    ['/projects/3?k=5', None, None, None, None, None]
    """
    if not target or not target.startswith("/") or target.startswith("//"):
        return None
    # browsers read "\" as "/" and drop tabs and newlines: "/\evil" and "/\t/evil" go off-site
    if "\\" in target or any(ord(c) < 0x20 or ord(c) == 0x7F for c in target):
        return None
    parts = urlsplit(target)
    return target if not parts.scheme and not parts.netloc else None
