from pathlib import Path

import pytest

from newsmon.core.errors import ConfigError, ConfigErrors
from newsmon.core.settings import load_settings, parse_duration

ROOT = Path(__file__).resolve().parents[1]


def write(tmp_path: Path, settings: str = "", sources: str = "") -> Path:
    (tmp_path / "settings.toml").write_text(settings)
    (tmp_path / "sources.toml").write_text(sources)
    return tmp_path


GOOD_SOURCE = """
[[source]]
id = "meridian"
name = "Daily Meridian"
feeds = ["https://example.org/world/rss.xml"]
lang = "en"
poll_every = "15m"
"""


def test_shipped_config_loads_with_real_sources():
    settings = load_settings(ROOT / "config")
    assert len(settings.sources) >= 10
    assert {s.lang for s in settings.sources} >= {"en", "fr", "pt"}
    assert all(s.feeds or s.sitemaps for s in settings.sources)


def test_defaults_without_files(tmp_path):
    settings = load_settings(tmp_path)
    assert settings.fetch.allow_private_networks is False
    assert settings.fetch.per_host_concurrency == 1
    assert settings.sources == []


def test_overrides_are_typed(tmp_path):
    settings = load_settings(
        write(
            tmp_path,
            '[fetch]\ntimeout_s = 5\nallow_private_networks = ["127.0.0.2/32"]\n',
            GOOD_SOURCE,
        )
    )
    assert settings.fetch.timeout_s == 5.0 and isinstance(settings.fetch.timeout_s, float)
    assert settings.fetch.allow_private_networks == ["127.0.0.2/32"]
    assert settings.sources[0].poll_every_s == 900


@pytest.mark.parametrize(
    ("settings_text", "sources_text", "file", "key"),
    [
        ("[fetch]\ntimeout = 5\n", "", "settings.toml", "fetch.timeout"),
        ("[fetch]\ntimeout_s = 'soon'\n", "", "settings.toml", "fetch.timeout_s"),
        ("[fetch]\nper_host_concurrency = 0\n", "", "settings.toml", "fetch.per_host_concurrency"),
        ("[fetchh]\n", "", "settings.toml", "fetchh"),
        (
            "[fetch]\nallow_private_networks = ['not-a-net']\n",
            "",
            "settings.toml",
            "fetch.allow_private_networks[0]",
        ),
        ("[ingest]\nrecheck = [['3h']]\n", "", "settings.toml", "ingest.recheck"),
        ("[serve]\ninterval = 'often'\n", "", "settings.toml", "serve.interval"),
        (
            "[stories]\nfollow_up_window = 'later'\n",
            "",
            "settings.toml",
            "stories.follow_up_window",
        ),
        ("[stories]\nactive_window = '0d'\n", "", "settings.toml", "stories.active_window"),
        ("[stories]\njoin_threshold = 0\n", "", "settings.toml", "stories.join_threshold"),
        ("[stories]\nfollow_up_names = 0\n", "", "settings.toml", "stories.follow_up_names"),
        ("[stories]\ntime_decay = -0.1\n", "", "settings.toml", "stories.time_decay"),
        (
            "",
            GOOD_SOURCE.replace("https://example.org", "ftp://example.org"),
            "sources.toml",
            "source[0] (id='meridian').feeds[0]",
        ),
        (
            "",
            GOOD_SOURCE.replace('lang = "en"', 'language = "en"'),
            "sources.toml",
            "source[0] (id='meridian').language",
        ),
        ("", GOOD_SOURCE + GOOD_SOURCE, "sources.toml", "source[1] (id='meridian').id"),
        (
            "",
            GOOD_SOURCE.replace('feeds = ["https://example.org/world/rss.xml"]', ""),
            "sources.toml",
            "source[0] (id='meridian')",
        ),
        (
            "",
            GOOD_SOURCE.replace('"15m"', '"whenever"'),
            "sources.toml",
            "source[0] (id='meridian').poll_every",
        ),
        (
            "",
            GOOD_SOURCE.replace('id = "meridian"', 'id = "Bad Id"'),
            "sources.toml",
            "source[0] (id='Bad Id').id",
        ),
        ("", "[[source]]\nname = 'x'\n", "sources.toml", "source[0].id"),
        ("[fetch\n", "", "settings.toml", None),
        # Values that used to pass validation and then broke every tick.
        ("[fetch]\ntimeout_s = nan\n", "", "settings.toml", "fetch.timeout_s"),
        ("[clean]\ntimeout_s = inf\n", "", "settings.toml", "clean.timeout_s"),
        (
            "[discover]\nmax_items_per_feed = 0\n",
            "",
            "settings.toml",
            "discover.max_items_per_feed",
        ),
        ("[fetch]\nmax_redirects = -1\n", "", "settings.toml", "fetch.max_redirects"),
        ('[fetch]\nuser_agent = "bot\\r\\nX-Evil: 1"\n', "", "settings.toml", "fetch.user_agent"),
        (
            "",
            GOOD_SOURCE.replace('lang = "en"', 'lang = "english"'),
            "sources.toml",
            "source[0] (id='meridian').lang",
        ),
        ("[alerts]\nkinds = ['killed', 'hurt']\n", "", "settings.toml", "alerts.kinds[1]"),
    ],
)
def test_bad_config_names_file_and_key(tmp_path, settings_text, sources_text, file, key):
    with pytest.raises(ConfigError) as caught:
        load_settings(write(tmp_path, settings_text, sources_text))
    assert caught.value.path.endswith(file)
    assert caught.value.key == key
    assert file in str(caught.value)


@pytest.mark.parametrize(
    ("text", "seconds"),
    [("30s", 30), ("15m", 900), ("3h", 10800), ("7d", 604800), (45, 45), ("1.5h", 5400)],
)
def test_parse_duration(text, seconds):
    assert parse_duration(text) == seconds


def test_parse_duration_rejects_nonsense():
    with pytest.raises(ValueError, match="not a duration"):
        parse_duration("soon")


def test_every_problem_is_listed_at_once(tmp_path):
    settings_text = "[fetch]\ntimeout_s = -1\nretries = 99\n[fetchh]\n"
    sources_text = GOOD_SOURCE.replace('lang = "en"', 'lang = "english"') + (
        '\n[[source]]\nid = "second"\nname = "Second"\nfeeds = ["ftp://x"]\n'
    )
    with pytest.raises(ConfigErrors) as caught:
        load_settings(write(tmp_path, settings_text, sources_text))
    found = {(Path(e.path).name, e.key) for e in caught.value.errors}
    assert found == {
        ("settings.toml", "fetch.timeout_s"),
        ("settings.toml", "fetch.retries"),
        ("settings.toml", "fetchh"),
        ("sources.toml", "source[0] (id='meridian').lang"),
        ("sources.toml", "source[1] (id='second').feeds[0]"),
    }
    assert str(caught.value).startswith("5 problems:")
