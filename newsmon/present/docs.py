"""Reference tables generated from the code: the README's settings, sources and exit codes.

README.md holds them between cog markers; `cog -r README.md` regenerates them and
tests/test_docs.py fails when they drift from the declarations in core/settings.py.
"""

from __future__ import annotations

import dataclasses
import json
from typing import Any

from newsmon.core.exits import EXIT_CODES
from newsmon.core.settings import SECTIONS, Source, declared


def settings_table() -> str:
    """Return the Markdown table of every settings.toml key: default and meaning."""
    rows = ["| key | default | meaning |", "| --- | --- | --- |"]
    for section, cls in SECTIONS.items():
        for f in declared(cls):
            default = _default(f)
            rows.append(f"| `{section}.{f.name}` | {default} | {_cell(f.metadata['help'])} |")
    return "\n".join(rows) + "\n"


def sources_table() -> str:
    """Return the Markdown table of every key of a [[source]] table in sources.toml."""
    rows = ["| key | default | meaning |", "| --- | --- | --- |"]
    for f in declared(Source):
        default = "required" if f.name in ("id", "name") else _default(f)
        rows.append(f"| `{f.name}` | {default} | {_cell(f.metadata['help'])} |")
    return "\n".join(rows) + "\n"


def exit_codes_table() -> str:
    """Return the Markdown table of newsmon's exit codes and what each means."""
    rows = ["| code | meaning |", "| --- | --- |"]
    rows += [f"| {int(code)} | {_cell(meaning)} |" for code, meaning in EXIT_CODES.items()]
    return "\n".join(rows) + "\n"


def _default(f: dataclasses.Field[Any]) -> str:
    missing = f.default is dataclasses.MISSING
    # Every declared field has a default or a default factory.
    value = f.default_factory() if missing else f.default  # type: ignore[operator]
    if value is None:
        return "none"
    text = json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    return f"`{_cell(text)}`"


def _cell(text: str) -> str:
    return text.replace("|", "\\|")
