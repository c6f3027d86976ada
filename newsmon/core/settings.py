"""Load and validate config/settings.toml and config/sources.toml into typed settings.

Defaults live in the dataclasses below; the TOML files override them. An unknown key, a
wrong type or a bad value is a ConfigError naming the file and the dotted key.
"""

from __future__ import annotations

import dataclasses
import re
import tomllib
import types
import typing
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from newsmon.core.errors import ConfigError

_DURATION = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(ms|s|m|h|d|w)?\s*$")
_UNITS = {"ms": 0.001, "s": 1, "m": 60, "h": 3600, "d": 86400, "w": 604800, None: 1}


def parse_duration(value: str | int | float) -> float:
    """Return seconds for "90s", "15m", "3h", "7d", "1w" or a plain number of seconds."""
    if isinstance(value, bool):
        raise ValueError(f"not a duration: {value!r}")
    if isinstance(value, int | float):
        if value < 0:
            raise ValueError(f"negative duration: {value!r}")
        return float(value)
    match = _DURATION.match(str(value))
    if not match:
        raise ValueError(f"not a duration (use e.g. 30s, 15m, 3h, 7d): {value!r}")
    return float(match.group(1)) * _UNITS[match.group(2)]


@dataclass
class StoreSettings:
    path: str = "data/newsmon.db"
    busy_timeout_s: float = 30.0


@dataclass
class FetchSettings:
    user_agent: str = "newsmon/0.1 (news monitoring bot; operators: put a contact URL here)"
    timeout_s: float = 30.0  # total deadline per fetch, connect to last byte
    connect_timeout_s: float = 10.0
    max_bytes: int = 10_000_000  # after decompression
    per_host_delay_s: float = 1.0
    per_host_concurrency: int = 1
    max_concurrency: int = 16  # across all hosts
    respect_robots: bool = True
    robots_cache_s: float = 86_400.0  # RFC 9309: at most 24 h
    max_crawl_delay_s: float = 30.0
    retries: int = 2
    backoff_s: float = 1.0
    max_retry_after_s: float = 120.0
    max_redirects: int = 5
    # False, True, or a list of addresses / CIDR ranges that may be reached although private.
    allow_private_networks: bool | list[str] = False
    proxy: str | None = None  # environment proxies are ignored unless set here


@dataclass
class DiscoverSettings:
    max_items_per_feed: int = 500
    max_sitemap_depth: int = 2
    max_sitemaps_per_source: int = 20
    max_feed_bytes: int = 20_000_000
    max_item_age: str = "7d"  # items older than this (by date in feed/sitemap) are skipped


@dataclass
class CleanSettings:
    workers: int = 2  # processes in the cleaning pool; 0 cleans in-process
    timeout_s: float = 20.0  # per page
    min_text_chars: int = 200  # shorter extractions are "not an article"


@dataclass
class IngestSettings:
    batch_size: int = 200  # URLs per fetch+clean task
    max_new_per_source: int = 200  # new URLs fetched per source per tick
    # Recheck schedule: [max_age, every] pairs, ascending; past the last age, never again.
    recheck: list[list[str]] = field(
        default_factory=lambda: [["3h", "15m"], ["24h", "1h"], ["7d", "4h"], ["30d", "24h"]]
    )
    gone_after_failures: int = 3  # consecutive 404/410 before an article is marked gone


@dataclass
class ServeSettings:
    interval: str = "15m"  # tick interval; ignored when cron is set
    cron: str | None = None
    host: str = "127.0.0.1"
    port: int = 4200
    prefect_home: str = "data/prefect"  # Prefect's own database lives here, apart from ours
    deployment_name: str = "newsmon-ingest"


@dataclass
class StoriesSettings:
    """Tunables of wire-copy detection and story clustering (section [stories])."""

    active_window: str = "14d"  # a story takes new articles until this long after its last one
    join_threshold: float = 1.0  # an article joins the best story scoring at least this
    time_decay: float = 0.15  # ... plus this × ln(5 / (1 + days between it and the story))
    merge_threshold: float = 1.6  # a second story scoring this with the article is merged in
    leave_threshold: float = 0.6  # an edited article stays in its story while it scores this
    near_duplicate_containment: float = 0.6  # share of the shorter text found in the longer
    max_candidates: int = 24  # member articles scored per new article
    index_terms: int = 20  # an article's most discriminative features in the inverted index
    boilerplate_after: int = 3  # a short line seen in this many earlier articles is furniture
    max_split_members: int = 400  # larger stories are not re-checked for splits
    split_min_members: int = 3  # a group split off an incoherent story has at least this many
    split_max_inter: float = 0.85  # ... scores below this with the rest on average
    split_margin: float = 0.3  # ... and this much below its own members' mean similarity
    names_weight: float = 1.0  # score weights: shared names,
    numbers_weight: float = 0.5  # numbers,
    dates_weight: float = 0.25  # dates,
    lead_weight: float = 0.5  # the leads alone,
    member_weight: float = 0.5  # the best single member against the story's profile,
    rare_weight: float = 0.3  # each rare name or number shared (at most three count)
    rare_df: int = 10  # "rare": in at most this many earlier articles (and 1% of them)
    follow_up_window: str = "400d"  # an aged-out story still takes a follow-up this long after
    follow_up_threshold: float = 1.2  # ... scoring at least this ("0d" window: never)
    follow_up_names: int = 2  # ... and naming this many rare names one of its members names

    @property
    def follow_up_days(self) -> int:
        return -(-int(parse_duration(self.follow_up_window)) // 86_400)

    @property
    def window_days(self) -> int:
        return max(1, -(-int(parse_duration(self.active_window)) // 86_400))


@dataclass
class AlertSettings:
    webhooks: list[str] = field(default_factory=list)  # URLs that receive a JSON POST
    min_change_pct: float = 0.0  # smaller moves of a headline figure are not alerted
    kinds: list[str] = field(default_factory=list)  # empty: every kind
    timeout_s: float = 10.0  # per POST, connect to response


@dataclass
class ReportSettings:
    stories: int = 50  # stories in the HTML report
    disagreement_window: str = "2h"  # outlets disagreeing within this window are flagged


@dataclass
class Settings:
    store: StoreSettings = field(default_factory=StoreSettings)
    fetch: FetchSettings = field(default_factory=FetchSettings)
    discover: DiscoverSettings = field(default_factory=DiscoverSettings)
    clean: CleanSettings = field(default_factory=CleanSettings)
    ingest: IngestSettings = field(default_factory=IngestSettings)
    serve: ServeSettings = field(default_factory=ServeSettings)
    stories: StoriesSettings = field(default_factory=StoriesSettings)
    alerts: AlertSettings = field(default_factory=AlertSettings)
    report: ReportSettings = field(default_factory=ReportSettings)
    config_dir: str = "config"
    sources: list[Source] = field(default_factory=list)

    @property
    def recheck_tiers(self) -> list[tuple[float, float]]:
        return [(parse_duration(a), parse_duration(e)) for a, e in self.ingest.recheck]


# The kinds of casualty claims (facts.KINDS; repeated here so settings stays import-light).
CLAIM_KINDS = (
    "killed", "injured", "missing", "displaced", "evacuated", "arrested", "kidnapped", "affected",
)  # fmt: skip

_SOURCE_ID = re.compile(r"^[a-z0-9][a-z0-9_.-]{0,63}$")


@dataclass
class Source:
    id: str
    name: str
    feeds: list[str] = field(default_factory=list)
    sitemaps: list[str] = field(default_factory=list)
    lang: str = "en"
    poll_every: str = "15m"
    enabled: bool = True
    country: str | None = None
    tags: list[str] = field(default_factory=list)
    max_items: int | None = None  # overrides discover.max_items_per_feed

    @property
    def poll_every_s(self) -> float:
        return parse_duration(self.poll_every)


# Sections of settings.toml, by name, and the dataclass each maps to.
SECTIONS: dict[str, type] = {
    f.name: f.type if isinstance(f.type, type) else globals()[str(f.type)]
    for f in dataclasses.fields(Settings)
    if f.name not in ("config_dir", "sources")
}


def load_settings(config_dir: str | Path = "config") -> Settings:
    """Read settings.toml and sources.toml from ``config_dir``; both files are optional."""
    config_dir = Path(config_dir)
    settings = Settings(config_dir=str(config_dir))
    settings_path = config_dir / "settings.toml"
    if settings_path.exists():
        data = _read_toml(settings_path)
        for name, table in data.items():
            if name not in SECTIONS:
                raise ConfigError(str(settings_path), name, f"unknown section [{name}]")
            if not isinstance(table, dict):
                raise ConfigError(str(settings_path), name, "must be a table")
            current = getattr(settings, name)
            setattr(settings, name, _build(type(current), table, settings_path, name, current))
    _validate_settings(settings, settings_path)
    sources_path = config_dir / "sources.toml"
    if sources_path.exists():
        settings.sources = load_sources(sources_path)
    return settings


def load_sources(path: str | Path) -> list[Source]:
    """Read a sources.toml: a list of [[source]] tables."""
    path = Path(path)
    data = _read_toml(path)
    for key in data:
        if key != "source":
            raise ConfigError(str(path), key, "unknown key (expected [[source]] tables)")
    raw = data.get("source", [])
    if not isinstance(raw, list):
        raise ConfigError(str(path), "source", "must be an array of tables: [[source]]")
    sources: list[Source] = []
    seen: set[str] = set()
    for index, table in enumerate(raw):
        where = f"source[{index}]"
        if not isinstance(table, dict):
            raise ConfigError(str(path), where, "must be a table")
        if "id" in table and isinstance(table["id"], str):
            where = f"source[{index}] (id={table['id']!r})"
        for required in ("id", "name"):
            if required not in table:
                raise ConfigError(str(path), f"{where}.{required}", "is required")
        source = _build(Source, table, path, where, None)
        if not _SOURCE_ID.match(source.id):
            raise ConfigError(
                str(path), f"{where}.id", "use lowercase letters, digits, '-', '_' or '.'"
            )
        if source.id in seen:
            raise ConfigError(str(path), f"{where}.id", f"duplicate source id {source.id!r}")
        seen.add(source.id)
        if not source.feeds and not source.sitemaps:
            raise ConfigError(str(path), where, "needs at least one of feeds or sitemaps")
        for key in ("feeds", "sitemaps"):
            for i, url in enumerate(getattr(source, key)):
                problem = url_problem(url)
                if problem:
                    raise ConfigError(str(path), f"{where}.{key}[{i}]", f"{problem}: {url!r}")
        _check(path, f"{where}.poll_every", lambda s=source: s.poll_every_s > 0, "must be > 0")
        sources.append(source)
    return sources


def url_problem(url: str) -> str | None:
    """Return why ``url`` is not a usable http(s) URL, or None."""
    try:
        parts = urlsplit(url)
    except ValueError as exc:
        return f"malformed URL ({exc})"
    if parts.scheme not in ("http", "https"):
        return "URL must start with http:// or https://"
    if not parts.hostname:
        return "URL has no host"
    try:
        parts.port  # noqa: B018 - raises ValueError on a bad port
    except ValueError:
        return "URL has an invalid port"
    return None


def _read_toml(path: Path) -> dict[str, Any]:
    try:
        with path.open("rb") as fh:
            return tomllib.load(fh)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(str(path), None, f"invalid TOML: {exc}") from exc
    except OSError as exc:
        raise ConfigError(str(path), None, f"cannot read: {exc.strerror}") from exc


def _build(cls: type, table: dict[str, Any], path: Path, prefix: str, base: Any) -> Any:
    hints = typing.get_type_hints(cls)
    names = {f.name for f in dataclasses.fields(cls)}
    values: dict[str, Any] = {}
    for key, value in table.items():
        dotted = f"{prefix}.{key}"
        if key not in names:
            raise ConfigError(str(path), dotted, f"unknown key (known: {', '.join(sorted(names))})")
        values[key] = _coerce(hints[key], value, path, dotted)
    if base is not None:
        return dataclasses.replace(base, **values)
    return cls(**values)


def _coerce(hint: Any, value: Any, path: Path, dotted: str) -> Any:
    """Check ``value`` against a simple type hint; ints are accepted where floats are."""
    origin = typing.get_origin(hint)
    if origin in (typing.Union, types.UnionType):
        for option in typing.get_args(hint):
            if option is type(None) and value is None:
                return None
            try:
                return _coerce(option, value, path, dotted)
            except ConfigError:
                continue
        raise ConfigError(str(path), dotted, f"wrong type {type(value).__name__}: {value!r}")
    if origin is list:
        if not isinstance(value, list):
            raise ConfigError(str(path), dotted, f"must be a list, got {type(value).__name__}")
        (item,) = typing.get_args(hint)
        return [_coerce(item, v, path, f"{dotted}[{i}]") for i, v in enumerate(value)]
    if hint is float and isinstance(value, int) and not isinstance(value, bool):
        return float(value)
    if hint is type(None):
        if value is not None:
            raise ConfigError(str(path), dotted, "must be empty")
        return None
    if isinstance(hint, type) and (
        not isinstance(value, hint) or (hint is int and isinstance(value, bool))
    ):
        raise ConfigError(
            str(path), dotted, f"must be {hint.__name__}, got {type(value).__name__}: {value!r}"
        )
    return value


def _check(path: Path, dotted: str, ok: Any, message: str) -> None:
    try:
        good = ok()
    except ValueError as exc:
        raise ConfigError(str(path), dotted, str(exc)) from exc
    if not good:
        raise ConfigError(str(path), dotted, message)


def _validate_settings(s: Settings, path: Path) -> None:
    f = s.fetch
    _check(path, "fetch.timeout_s", lambda: f.timeout_s > 0, "must be > 0")
    _check(path, "fetch.max_bytes", lambda: f.max_bytes > 0, "must be > 0")
    _check(path, "fetch.per_host_delay_s", lambda: f.per_host_delay_s >= 0, "must be >= 0")
    _check(path, "fetch.per_host_concurrency", lambda: f.per_host_concurrency >= 1, "must be >= 1")
    _check(path, "fetch.max_concurrency", lambda: f.max_concurrency >= 1, "must be >= 1")
    _check(path, "fetch.robots_cache_s", lambda: 0 <= f.robots_cache_s <= 86_400, "0..86400")
    _check(path, "fetch.retries", lambda: 0 <= f.retries <= 10, "must be 0..10")
    if isinstance(f.allow_private_networks, list):
        import ipaddress

        for i, net in enumerate(f.allow_private_networks):
            _check(
                path,
                f"fetch.allow_private_networks[{i}]",
                lambda net=net: ipaddress.ip_network(net, strict=False) is not None,
                "not an address or CIDR range",
            )
    if f.proxy is not None:
        _check(path, "fetch.proxy", lambda: url_problem(f.proxy or "") is None, "bad proxy URL")
    _check(path, "ingest.batch_size", lambda: 1 <= s.ingest.batch_size <= 5000, "1..5000")
    _check(path, "clean.workers", lambda: 0 <= s.clean.workers <= 64, "0..64")
    _check(path, "clean.timeout_s", lambda: s.clean.timeout_s > 0, "must be > 0")
    _check(
        path, "discover.max_item_age", lambda: parse_duration(s.discover.max_item_age) > 0, "> 0"
    )

    def tiers_ok() -> bool:
        last = 0.0
        for pair in s.ingest.recheck:
            if len(pair) != 2:
                raise ValueError('each entry is [max_age, every], e.g. ["3h", "15m"]')
            age, every = parse_duration(pair[0]), parse_duration(pair[1])
            if age <= last or every <= 0:
                raise ValueError("ages must ascend and intervals be > 0")
            last = age
        return True

    _check(path, "ingest.recheck", tiers_ok, "invalid recheck schedule")
    _check(path, "serve.interval", lambda: parse_duration(s.serve.interval) > 0, "must be > 0")
    _check(path, "serve.port", lambda: 0 < s.serve.port < 65536, "must be a TCP port")
    for i, hook in enumerate(s.alerts.webhooks):
        problem = url_problem(hook)
        if problem:
            raise ConfigError(str(path), f"alerts.webhooks[{i}]", f"{problem}: {hook!r}")
    for i, kind in enumerate(s.alerts.kinds):
        if kind not in CLAIM_KINDS:
            raise ConfigError(
                str(path),
                f"alerts.kinds[{i}]",
                f"unknown kind {kind!r} (one of {', '.join(CLAIM_KINDS)})",
            )
    _check(path, "alerts.min_change_pct", lambda: s.alerts.min_change_pct >= 0, "must be >= 0")
    _check(path, "alerts.timeout_s", lambda: s.alerts.timeout_s > 0, "must be > 0")
    _check(
        path,
        "stories.active_window",
        lambda: parse_duration(s.stories.active_window) > 0,
        "must be a duration > 0",
    )
    _check(
        path,
        "stories.follow_up_window",
        lambda: parse_duration(s.stories.follow_up_window) >= 0,
        "must be a duration (0d: no follow-ups)",
    )
    for key in ("join_threshold", "merge_threshold", "follow_up_threshold"):
        _check(path, f"stories.{key}", lambda k=key: getattr(s.stories, k) > 0, "must be > 0")
    _check(
        path,
        "stories.near_duplicate_containment",
        lambda: 0 < s.stories.near_duplicate_containment <= 1,
        "must be in (0, 1]",
    )
    _check(path, "stories.time_decay", lambda: s.stories.time_decay >= 0, "must be >= 0")
    _check(path, "stories.follow_up_names", lambda: s.stories.follow_up_names >= 1, "must be >= 1")
    _check(path, "report.stories", lambda: s.report.stories >= 1, "must be >= 1")
    _check(
        path,
        "report.disagreement_window",
        lambda: parse_duration(s.report.disagreement_window) >= 0,
        "must be a duration",
    )
