"""Settings, declared once: each key's default, type, help text and what makes a value valid.

config/settings.toml and config/sources.toml override the defaults. Every problem in them
(an unknown key, a wrong type, a value out of range) is reported at once, each naming the
file and the dotted key. The README settings table is generated from these declarations
(`newsmon.present.docs`), and a test fails when the two drift apart.
"""

from __future__ import annotations

import copy
import dataclasses
import ipaddress
import math
import re
import tomllib
import types
import typing
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from newsmon.core.errors import ConfigError, ConfigErrors
from newsmon.core.languages import language_tag
from newsmon.core.records import CLAIM_KINDS

_DURATION = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(ms|s|m|h|d|w)?\s*$")
_UNITS = {"ms": 0.001, "s": 1, "m": 60, "h": 3600, "d": 86400, "w": 604800, None: 1}
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


def parse_duration(value: str | int | float) -> float:
    """Return seconds for "90s", "15m", "3h", "7d", "1w" or a plain number of seconds."""
    if isinstance(value, bool):
        raise ValueError(f"not a duration: {value!r}")
    if isinstance(value, int | float):
        if not math.isfinite(value) or value < 0:
            raise ValueError(f"not a duration >= 0: {value!r}")
        return float(value)
    match = _DURATION.match(str(value))
    if not match:
        raise ValueError(f"not a duration (use e.g. 30s, 15m, 3h, 7d): {value!r}")
    return float(match.group(1)) * _UNITS[match.group(2)]


# --- declaring a setting -------------------------------------------------------------------

# A check returns what is wrong with a value, or None when it is fine.
Check = Callable[[Any], str | None]


def setting(default: Any, help: str, *, check: Check | None = None) -> Any:
    """Declare a setting with its default, its help text and what makes a value valid."""
    metadata = {"help": help, "check": check}
    if isinstance(default, list | dict):
        return field(default_factory=lambda: copy.deepcopy(default), metadata=metadata)
    return field(default=default, metadata=metadata)


def positive(value: float) -> str | None:
    return None if value > 0 else "must be > 0"


# Values past these are never meant, and break the machinery they feed: a timer of 1e300 s
# overflows the event loop's poll, a byte cap past 2**31 overflows readline and zlib, a
# duration of 10**20 days overflows datetime arithmetic at every tick.
MAX_SECONDS = 86_400.0
MAX_BYTES = 2**31 - 1
MAX_DURATION_S = 3650 * 86_400.0


def seconds(low: float = 0.0, *, allow_zero: bool = False) -> Check:
    """A time in seconds: > 0 (or >= 0 when ``allow_zero``) and at most a day."""

    def check(value: float) -> str | None:
        if value < low or (value == low and not allow_zero):
            return f"must be {'>=' if allow_zero else '>'} {low:g} s"
        return None if value <= MAX_SECONDS else f"must be at most {MAX_SECONDS:g} s (a day)"

    return check


def byte_cap(value: int) -> str | None:
    return None if 0 < value <= MAX_BYTES else f"must be in 1..{MAX_BYTES} bytes"


def header_value(value: str) -> str | None:
    """Text sent as an HTTP header: printable ASCII (httpx encodes header values as ASCII)."""
    if not value.strip():
        return "must not be empty"
    if not all(" " <= char <= "~" for char in value):
        return f"must be printable ASCII (it is sent as an HTTP header): {value!r}"
    return None


def non_negative(value: float) -> str | None:
    return None if value >= 0 else "must be >= 0"


def fraction(value: float) -> str | None:
    return None if 0 < value <= 1 else "must be in (0, 1]"


def non_empty(value: str) -> str | None:
    return None if value.strip() else "must not be empty"


def at_least(low: int) -> Check:
    return lambda value: None if value >= low else f"must be >= {low}"


def between(low: float, high: float) -> Check:
    return lambda value: None if low <= value <= high else f"must be in {low}..{high}"


def duration(*, allow_zero: bool = False) -> Check:
    def check(value: str) -> str | None:
        try:
            seconds = parse_duration(value)
        except ValueError as exc:
            return str(exc)
        if seconds > MAX_DURATION_S:
            return f"must be at most 3650d: {value!r}"
        if seconds > 0 or (allow_zero and seconds == 0):
            return None
        return "must be a duration >= 0" if allow_zero else "must be a duration > 0"

    return check


def http_url(value: str | None) -> str | None:
    if value is None:
        return None
    problem = url_problem(value)
    return f"{problem}: {value!r}" if problem else None


@dataclass(frozen=True)
class Each:
    """A check applied to every item of a list setting (problems name the item's index)."""

    item: Check

    def __call__(self, value: Any) -> str | None:
        return None  # items are checked one by one, see _build


def network(value: str) -> str | None:
    try:
        ipaddress.ip_network(value, strict=False)
    except ValueError:
        return f"not an address or CIDR range: {value!r}"
    return None


def claim_kind(kind: str) -> str | None:
    if kind in CLAIM_KINDS:
        return None
    return f"unknown kind {kind!r} (one of {', '.join(CLAIM_KINDS)})"


def recheck_tiers(tiers: list[list[str]]) -> str | None:
    last = 0.0
    for pair in tiers:
        if len(pair) != 2:
            return 'each entry is [max_age, every], e.g. ["3h", "15m"]'
        try:
            age, every = parse_duration(pair[0]), parse_duration(pair[1])
        except ValueError as exc:
            return str(exc)
        if age <= last or every <= 0:
            return "ages must ascend and intervals be > 0"
        if age > MAX_DURATION_S or every > MAX_DURATION_S:
            return "ages and intervals must be at most 3650d"
        last = age
    return None


# --- the settings ---------------------------------------------------------------------------


@dataclass
class StoreSettings:
    """The SQLite store ([store])."""

    path: str = setting("data/newsmon.db", "the SQLite store (overridden by `--db`)")
    busy_timeout_s: float = setting(30.0, "how long a writer waits for the lock", check=seconds())
    commit_every: int = setting(
        16,
        "articles a tick commits together (each still all or nothing; a kill loses at most these,"
        " and the next tick redoes them)",
        check=between(1, 1000),
    )


@dataclass
class FetchSettings:
    """The polite, bounded, SSRF-safe fetcher ([fetch])."""

    user_agent: str = setting(
        "newsmon/0.1 (news monitoring bot; operators: put a contact URL here)",
        "identifying User-Agent; put your contact URL in it",
        check=header_value,
    )
    timeout_s: float = setting(
        30.0,
        "total deadline per fetch: every attempt, retry wait, redirect hop and robots.txt lookup"
        " (waiting for a politeness slot is not counted)",
        check=seconds(),
    )
    connect_timeout_s: float = setting(10.0, "TCP/TLS connect timeout", check=seconds())
    max_bytes: int = setting(10_000_000, "byte cap after decompression", check=byte_cap)
    per_host_delay_s: float = setting(
        1.0,
        "minimum spacing between request starts to one host",
        check=seconds(allow_zero=True),
    )
    per_host_concurrency: int = setting(1, "requests in flight per host", check=between(1, 64))
    max_concurrency: int = setting(16, "requests in flight overall", check=between(1, 1024))
    respect_robots: bool = setting(True, "honour robots.txt (RFC 9309)")
    robots_cache_s: float = setting(
        86_400.0, "robots.txt cache lifetime (at most 24 h)", check=between(0, 86_400)
    )
    max_crawl_delay_s: float = setting(
        30.0, "cap on a robots.txt Crawl-delay", check=seconds(allow_zero=True)
    )
    retries: int = setting(
        2, "retries on connect errors, timeouts, 429 and 5xx", check=between(0, 10)
    )
    backoff_s: float = setting(
        1.0, "first retry delay (doubles each retry)", check=seconds(allow_zero=True)
    )
    max_retry_after_s: float = setting(
        120.0, "longest Retry-After honoured; longer gives up", check=seconds(allow_zero=True)
    )
    max_redirects: int = setting(5, "redirect hops, each re-checked", check=between(0, 20))
    allow_private_networks: bool | list[str] = setting(
        False,
        '`true`, or a list of addresses/CIDRs (e.g. `["127.0.0.2/32"]`) that may be reached '
        "although not public; for tests and intranets",
        check=Each(network),
    )
    proxy: str | None = setting(
        None, "proxy URL; environment proxies are ignored unless this is set", check=http_url
    )


@dataclass
class DiscoverSettings:
    """Reading feeds and sitemaps ([discover])."""

    max_items_per_feed: int = setting(
        500, "items taken from one feed or sitemap (newest first)", check=between(1, 1_000_000)
    )
    max_sitemap_depth: int = setting(2, "sitemap index nesting followed", check=between(0, 10))
    max_sitemaps_per_source: int = setting(
        20, "sitemaps fetched per source and tick", check=between(1, 10_000)
    )
    max_feed_bytes: int = setting(20_000_000, "byte cap for feeds and sitemaps", check=byte_cap)
    max_item_age: str = setting(
        "7d",
        "items dated older than this are skipped by ticks (not by backfills)",
        check=duration(),
    )


@dataclass
class CleanSettings:
    """The cleaning process pool ([clean])."""

    workers: int = setting(2, "cleaning processes (0 cleans in-process)", check=between(0, 64))
    timeout_s: float = setting(
        20.0, "time per page in the cleaner; a stuck worker is killed", check=seconds()
    )
    min_text_chars: int = setting(
        200, 'shorter extractions count as "not an article"', check=non_negative
    )


@dataclass
class IngestSettings:
    """What one tick fetches and when articles are looked at again ([ingest])."""

    batch_size: int = setting(200, "URLs per fetch+clean task", check=between(1, 5000))
    pages_in_hand: int = setting(
        32,
        "raw pages held at once (being fetched, or waiting for or in a cleaning worker): their "
        "bodies take at most this × `fetch.max_bytes` of memory, whatever the tick's size",
        check=between(1, 1000),
    )
    max_new_per_source: int = setting(
        200, "new URLs taken per source per tick", check=between(1, 1_000_000)
    )
    recheck: list[list[str]] = setting(
        [["3h", "15m"], ["24h", "1h"], ["7d", "4h"], ["30d", "24h"]],
        "`[max_age, every]` pairs: recheck every 15 min while under 3 h old, hourly under a day, "
        "…, never after 30 days",
        check=recheck_tiers,
    )
    gone_after_failures: int = setting(
        3,
        "a page answering 404/410 is marked gone and looked at again a day later, until this many"
        " consecutive answers say it is gone",
        check=at_least(1),
    )
    tick_deadline: str = setting(
        "30m",
        "the most one tick may take: fetches still running then are recorded as timeouts and"
        " retried later, URLs not reached wait for the next tick",
        check=duration(),
    )


@dataclass
class ServeSettings:
    """`newsmon serve`: the local Prefect server and the schedule ([serve])."""

    interval: str = setting("15m", "tick interval for `newsmon serve`", check=duration())
    cron: str | None = setting(None, "cron expression instead of the interval")
    host: str = setting("127.0.0.1", "where the local Prefect server listens", check=non_empty)
    port: int = setting(4200, "its port", check=between(1, 65_535))
    prefect_home: str = setting(
        "data/prefect", "Prefect's own home and database, apart from ours", check=non_empty
    )
    deployment_name: str = setting(
        "newsmon-ingest", "name of the served deployment", check=non_empty
    )


@dataclass
class StoriesSettings:
    """Wire-copy detection and story clustering ([stories])."""

    active_window: str = setting(
        "14d", "a story takes new articles until this long after its last one", check=duration()
    )
    join_threshold: float = setting(
        1.0,
        "an article joins the best-scoring active story at or above this score, else starts a "
        "story",
        check=positive,
    )
    time_decay: float = setting(
        0.15,
        "a story's score is raised by this × ln(5 / (1 + days between the article and the "
        "story)): more on the same day, less a week on; `0` turns it off",
        check=non_negative,
    )
    merge_threshold: float = setting(
        1.6,
        "a second story scoring this with the article is merged into the first (recorded)",
        check=positive,
    )
    leave_threshold: float = setting(
        0.6,
        "an edited article stays in its story while it scores this; below, it moves (recorded)",
        check=non_negative,
    )
    near_duplicate_containment: float = setting(
        0.6,
        "share of the shorter text's shingles found in the longer for a wire copy",
        check=fraction,
    )
    max_candidates: int = setting(24, "member articles scored per new article", check=at_least(1))
    index_terms: int = setting(
        20,
        "an article's most discriminative features kept in the inverted index",
        check=at_least(1),
    )
    boilerplate_after: int = setting(
        3,
        "a short line seen in this many earlier articles of a site is furniture",
        check=at_least(1),
    )
    max_split_members: int = setting(
        400, "larger stories are not re-checked for splits", check=non_negative
    )
    split_min_members: int = setting(
        3, "smallest group split off an incoherent story (recorded)", check=at_least(1)
    )
    split_max_inter: float = setting(
        0.85,
        "a group splits off when its mean similarity to the rest is below this …",
        check=non_negative,
    )
    split_margin: float = setting(
        0.3, "… and this much below its own members' mean similarity", check=non_negative
    )
    names_weight: float = setting(
        1.0, "score weight of shared names (people, places, organisations)", check=non_negative
    )
    numbers_weight: float = setting(0.5, "score weight of shared numbers", check=non_negative)
    dates_weight: float = setting(0.25, "score weight of shared dates", check=non_negative)
    lead_weight: float = setting(
        0.5, "score weight of the leads (title and first paragraph) alone", check=non_negative
    )
    member_weight: float = setting(
        0.5,
        "score weight of the best single member against the story's profile",
        check=non_negative,
    )
    rare_weight: float = setting(
        0.3, "bonus per rare name or number shared (at most three count)", check=non_negative
    )
    rare_df: int = setting(
        10,
        '"rare": seen in at most this many earlier articles (and 1 % of them)',
        check=at_least(1),
    )
    follow_up_window: str = setting(
        "400d",
        "an aged-out story still takes a follow-up (arrest, trial, sentencing) this long after "
        "its last article; `0d` turns follow-ups off",
        check=duration(allow_zero=True),
    )
    follow_up_threshold: float = setting(
        1.2, "… when the follow-up scores at least this with the story …", check=positive
    )
    follow_up_names: int = setting(
        2,
        "… and names at least this many rare names that one member from another outlet names",
        check=at_least(1),
    )

    @property
    def follow_up_days(self) -> int:
        return -(-int(parse_duration(self.follow_up_window)) // 86_400)

    @property
    def window_days(self) -> int:
        return max(1, -(-int(parse_duration(self.active_window)) // 86_400))


@dataclass
class AlertSettings:
    """Figure-change alerts ([alerts])."""

    webhooks: list[str] = setting(
        [],
        "URLs that receive a JSON POST when a story's headline figure changes",
        check=Each(http_url),
    )
    min_change_pct: float = setting(
        0.0, "smaller relative moves are not alerted (a new kind always is)", check=non_negative
    )
    kinds: list[str] = setting(
        [],
        "kinds to alert on (`killed`, `injured`, `missing`, `displaced`, `evacuated`, `arrested`,"
        " `kidnapped`, `affected`); empty: all",
        check=Each(claim_kind),
    )
    timeout_s: float = setting(10.0, "per webhook POST", check=seconds())


@dataclass
class ReportSettings:
    """The HTML report ([report])."""

    stories: int = setting(50, "stories in the HTML report", check=at_least(1))
    disagreement_window: str = setting(
        "2h",
        "outlets giving different figures within this window are flagged as disagreeing",
        check=duration(allow_zero=True),
    )


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


_SOURCE_ID = re.compile(r"^[a-z0-9][a-z0-9_.-]{0,63}$")


def source_id(value: str) -> str | None:
    return None if _SOURCE_ID.match(value) else "use lowercase letters, digits, '-', '_' or '.'"


def language(value: str) -> str | None:
    return None if language_tag(value) else f"not a language tag such as en, fr, pt-BR: {value!r}"


@dataclass
class Source:
    """One [[source]] table of sources.toml."""

    id: str = setting("", "stable identifier, used by --source", check=source_id)
    name: str = setting("", "the outlet's name as people know it", check=non_empty)
    feeds: list[str] = setting([], "RSS/Atom/RDF/JSON Feed URLs", check=Each(http_url))
    sitemaps: list[str] = setting([], "news sitemaps or sitemap indexes", check=Each(http_url))
    lang: str = setting("en", "the outlet's language (BCP 47 tag)", check=language)
    poll_every: str = setting("15m", "how often its feeds are polled", check=duration())
    enabled: bool = setting(True, "false keeps it configured but unpolled")
    country: str | None = setting(None, "where the outlet is based (free text)")
    tags: list[str] = setting([], "labels of your own")
    max_items: int | None = setting(
        None,
        "overrides discover.max_items_per_feed for this source",
        check=lambda v: None if v is None else at_least(1)(v),
    )

    @property
    def poll_every_s(self) -> float:
        return parse_duration(self.poll_every)


# Sections of settings.toml, by name, and the dataclass each maps to.
SECTIONS: dict[str, type] = {
    f.name: f.type if isinstance(f.type, type) else globals()[str(f.type)]
    for f in dataclasses.fields(Settings)
    if f.name not in ("config_dir", "sources")
}


def declared(cls: type) -> list[dataclasses.Field[Any]]:
    """Return the declared settings of a section class (or Source), in order."""
    return [f for f in dataclasses.fields(cls) if "help" in f.metadata]


# --- loading --------------------------------------------------------------------------------


def load_settings(config_dir: str | Path = "config") -> Settings:
    """Read settings.toml and sources.toml from ``config_dir``; both files are optional."""
    config_dir = Path(config_dir)
    settings = Settings(config_dir=str(config_dir))
    problems: list[ConfigError] = []
    settings_path = config_dir / "settings.toml"
    if settings_path.exists():
        data = _read_toml(settings_path)
        for name, table in data.items():
            if name not in SECTIONS:
                problems.append(ConfigError(str(settings_path), name, f"unknown section [{name}]"))
            elif not isinstance(table, dict):
                problems.append(ConfigError(str(settings_path), name, "must be a table"))
            else:
                current = getattr(settings, name)
                setattr(
                    settings,
                    name,
                    _build(type(current), table, settings_path, name, current, problems),
                )
    sources_path = config_dir / "sources.toml"
    if sources_path.exists():
        try:
            settings.sources = load_sources(sources_path)
        except ConfigErrors as exc:
            problems.extend(exc.errors)
        except ConfigError as exc:
            problems.append(exc)
    _raise(problems)
    return settings


def load_sources(path: str | Path) -> list[Source]:
    """Read a sources.toml: a list of [[source]] tables."""
    path = Path(path)
    data = _read_toml(path)
    problems: list[ConfigError] = []
    for key in data:
        if key != "source":
            problems.append(ConfigError(str(path), key, "unknown key (expected [[source]] tables)"))
    raw = data.get("source", [])
    if not isinstance(raw, list):
        raise ConfigError(str(path), "source", "must be an array of tables: [[source]]")
    sources: list[Source] = []
    seen: set[str] = set()
    for index, table in enumerate(raw):
        where = f"source[{index}]"
        if not isinstance(table, dict):
            problems.append(ConfigError(str(path), where, "must be a table"))
            continue
        if "id" in table and isinstance(table["id"], str):
            where = f"source[{index}] (id={table['id']!r})"
        missing = [key for key in ("id", "name") if key not in table]
        for key in missing:
            problems.append(ConfigError(str(path), f"{where}.{key}", "is required"))
        before = len(problems)
        source = _build(Source, table, path, where, None, problems)
        if missing or len(problems) > before:
            continue
        if source.id in seen:
            problems.append(
                ConfigError(str(path), f"{where}.id", f"duplicate source id {source.id!r}")
            )
        seen.add(source.id)
        if not source.feeds and not source.sitemaps:
            problems.append(
                ConfigError(str(path), where, "needs at least one of feeds or sitemaps")
            )
        sources.append(source)
    _raise(problems)
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


def _raise(problems: list[ConfigError]) -> None:
    if len(problems) == 1:
        raise problems[0]
    if problems:
        raise ConfigErrors(problems)


def _read_toml(path: Path) -> dict[str, Any]:
    try:
        with path.open("rb") as fh:
            return tomllib.load(fh)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(str(path), None, f"invalid TOML: {exc}") from exc
    except OSError as exc:
        raise ConfigError(str(path), None, f"cannot read: {exc.strerror}") from exc


def _build(
    cls: type,
    table: dict[str, Any],
    path: Path,
    prefix: str,
    base: Any,
    problems: list[ConfigError],
) -> Any:
    """Return ``base`` (or a new ``cls``) with ``table`` applied; append what is wrong."""
    hints = typing.get_type_hints(cls)
    fields = {f.name: f for f in dataclasses.fields(cls)}
    values: dict[str, Any] = {}
    for key, value in table.items():
        dotted = f"{prefix}.{key}"
        if key not in fields:
            known = ", ".join(sorted(fields))
            problems.append(ConfigError(str(path), dotted, f"unknown key (known: {known})"))
            continue
        try:
            coerced = _coerce(hints[key], value, path, dotted)
        except ConfigError as exc:
            problems.append(exc)
            continue
        check = fields[key].metadata.get("check")
        if isinstance(check, Each):
            found = [
                ConfigError(str(path), f"{dotted}[{i}]", problem)
                for i, item in enumerate(coerced if isinstance(coerced, list) else [])
                if (problem := check.item(item))
            ]
        else:
            problem = check(coerced) if check else None
            found = [ConfigError(str(path), dotted, problem)] if problem else []
        if found:
            problems.extend(found)
            continue
        values[key] = coerced
    if base is not None:
        return dataclasses.replace(base, **values)
    return cls(**values)


def _coerce(hint: Any, value: Any, path: Path, dotted: str) -> Any:
    """Check ``value`` against a simple type hint; ints are accepted where floats are.

    Floats must be finite and text must hold no control characters, whatever the key.
    """
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
        value = float(value)
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
    if isinstance(value, float) and not math.isfinite(value):
        raise ConfigError(str(path), dotted, f"must be a finite number, got {value!r}")
    if isinstance(value, str) and _CONTROL.search(value):
        raise ConfigError(str(path), dotted, f"must not contain control characters: {value!r}")
    return value
