"""The identity of a version's meaning: what makes a re-fetched page a new version."""

from __future__ import annotations

import hashlib

from newsmon.core.text import normalise_text


def fingerprint(title: str | None, text: str) -> str:
    """Return the sha256 of the title and the normalised text (volatile lines dropped)."""
    digest = hashlib.sha256()
    digest.update((title or "").strip().encode())
    digest.update(b"\n")
    digest.update(normalise_text(text).encode())
    return digest.hexdigest()
