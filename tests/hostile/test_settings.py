"""Settings that pass a type check yet break every tick are refused when loaded, naming the
file and the key; a good config next to them still runs."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import run_cli

pytestmark = pytest.mark.timeout(120)

SOURCES = '[[source]]\nid = "a"\nname = "A"\nfeeds = ["https://news.example/rss.xml"]\n'

# (section, key, TOML value). Each once passed validation and then broke ticks: nan/inf
# timeouts, a zero feed cap, negative redirects and a CRLF User-Agent (issue 16), a
# non-ASCII User-Agent (UnicodeEncodeError in every request), durations and times that
# overflow datetime or the event loop, byte caps that overflow readline and zlib.
HOSTILE = [
    ("fetch", "timeout_s", "nan"),
    ("fetch", "connect_timeout_s", "-inf"),
    ("clean", "timeout_s", "inf"),
    ("discover", "max_items_per_feed", "0"),
    ("discover", "max_items_per_feed", "-5"),
    ("fetch", "max_redirects", "-1"),
    ("fetch", "user_agent", '"newsmon/0.1\\r\\nX-Injected: 1"'),
    ("fetch", "user_agent", '"newsmon/0.1 (contact: josé@example.org)"'),
    ("fetch", "timeout_s", "1e300"),
    ("clean", "timeout_s", "1e300"),
    ("fetch", "per_host_delay_s", "1e300"),
    ("store", "busy_timeout_s", "1e300"),
    ("fetch", "max_bytes", "100000000000000000000"),
    ("discover", "max_feed_bytes", "100000000000000000000"),
    ("discover", "max_item_age", '"99999999999999999999d"'),
    ("ingest", "recheck", '[["99999999999999999999d", "1h"]]'),
    ("serve", "interval", '"99999999999999999999d"'),
    ("fetch", "max_concurrency", "100000000000000000000"),
]


@pytest.mark.parametrize(("section", "key", "value"), HOSTILE)
def test_a_value_that_would_break_ticks_is_refused_with_file_and_key(
    tmp_path: Path, section: str, key: str, value: str
) -> None:
    (tmp_path / "settings.toml").write_text(f"[{section}]\n{key} = {value}\n", encoding="utf-8")
    (tmp_path / "sources.toml").write_text(SOURCES, encoding="utf-8")
    result = run_cli(
        "--config", str(tmp_path), "--db", str(tmp_path / "n.db"), "status", check=False
    )
    assert result.returncode != 0
    assert "Traceback" not in result.stderr, result.stderr[-2000:]
    assert f"settings.toml: {section}.{key}:" in result.stderr, result.stderr
