"""The outlets, the site clock and what each outlet publishes at each tick."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone

from .stories import STORIES, Figure, Story, Text

FAULT = "fault"


@dataclass(frozen=True)
class Outlet:
    """One fake news outlet: its own loopback address, formats and robots.txt."""

    id: str
    name: str
    host: str
    lang: str
    feeds: tuple[str, ...] = ()  # paths
    sitemaps: tuple[str, ...] = ()
    robots: str = "User-agent: *\nAllow: /\n"
    utc_offset_min: int = 0  # the time zone its dates are written in

    @property
    def tz(self) -> timezone:
        return timezone(timedelta(minutes=self.utc_offset_min))


OUTLETS: dict[str, Outlet] = {
    o.id: o
    for o in (
        Outlet(
            "meridian",
            "The Meridian Herald",
            "127.0.0.2",
            "en",
            feeds=("/rss.xml",),
            robots=(
                "# The Meridian Herald\nUser-agent: *\nDisallow: /private/\nDisallow: /search\n"
                "\nUser-agent: BadBot\nDisallow: /\n"
            ),
        ),
        Outlet(
            "courrier",
            "Le Courrier continental",
            "127.0.0.3",
            "fr",
            feeds=("/feeds/une.atom",),
            robots="User-agent: *\nDisallow: /recherche\n\nUser-agent: GPTBot\nDisallow: /\n",
            utc_offset_min=120,
        ),
        Outlet(
            "harbor",
            "The Harbor Post",
            "127.0.0.4",
            "en",
            sitemaps=("/sitemap_index.xml",),
            robots="User-agent: *\nDisallow: /wp-admin/\nAllow: /wp-admin/admin-ajax.php\n",
        ),
        Outlet(
            "valley",
            "The Valley Ledger",
            "127.0.0.5",
            "en",
            feeds=("/feed.json", "/rss"),
            robots="User-agent: *\nDisallow: /admin/\nDisallow: /cgi-bin/\n",
        ),
    )
}
FAULT_HOST = "127.0.0.9"
STORY_BY_KEY: dict[tuple[str, str], Story] = {(s.outlet, s.key): s for s in STORIES}


@dataclass(frozen=True)
class Moment:
    """The site's state at one instant: the tick, the site clock, and when each tick began."""

    tick: int
    now: datetime
    tick_starts: tuple[datetime, ...]

    def published(self, story: Story) -> datetime:
        """Return when ``story`` was first published (it may be in this moment's future)."""
        start = self.tick_starts[min(story.first_tick, len(self.tick_starts) - 1)]
        return start - timedelta(minutes=story.published_min)

    def version(self, story: Story) -> tuple[int, Text] | None:
        """Return (version index, text) live now, or None when the URL is a 404 now."""
        if story.text_at(self.tick) is None:
            return None
        index = max(i for i, (start, _) in enumerate(story.versions) if start <= self.tick)
        return index, story.versions[index][1]

    def modified(self, story: Story) -> datetime | None:
        """Return when the live version was last edited, or None when the URL is a 404."""
        live = self.version(story)
        if live is None:
            return None
        start = story.versions[live[0]][0]
        return self.tick_starts[start] - timedelta(minutes=live[1].modified_min)

    def live(self, outlet: str | None = None) -> list[Story]:
        """Return the stories whose pages exist now, newest first."""
        found = [s for s in STORIES if (outlet is None or s.outlet == outlet) and self.version(s)]
        return sorted(found, key=self.published, reverse=True)


@dataclass(frozen=True)
class ArticleState:
    """What one article URL serves at one tick; tests assert against this."""

    outlet: str
    key: str
    url: str  # canonical: no tracking parameters
    lang: str
    status: int  # 200 while published, 404 before it appears and after it is removed
    version: int | None  # index of the live version (0, 1, ...), None when 404
    title: str | None
    summary: str | None
    text: str | None  # paragraphs joined by blank lines (the editor's note included)
    published: datetime | None
    modified: datetime | None
    headline: dict[str, Figure] = field(default_factory=dict)  # kind -> figure
    wire: bool = False
    trimmed: bool = False
    robots_allowed: bool = True

    @property
    def paragraphs(self) -> list[str]:
        return self.text.split("\n\n") if self.text else []


@dataclass(frozen=True)
class Changes:
    """What changed in content from tick - 1 to tick, as (outlet, key) pairs."""

    tick: int
    added: tuple[tuple[str, str], ...]
    edited: tuple[tuple[str, str], ...]
    removed: tuple[tuple[str, str], ...]


def robots_allows(outlet: Outlet, path: str) -> bool:
    """Tell whether the outlet's robots.txt lets any crawler (User-agent: *) fetch ``path``."""
    agent_star = False
    for raw in outlet.robots.splitlines():
        line = raw.split("#", 1)[0].strip()
        if line.lower().startswith("user-agent:"):
            agent_star = line.split(":", 1)[1].strip() == "*"
        elif agent_star and line.lower().startswith("disallow:"):
            rule = line.split(":", 1)[1].strip()
            if rule and path.startswith(rule):
                return False
    return True


def article_state(moment: Moment, story: Story, base_url: str) -> ArticleState:
    """Describe what ``story``'s URL serves at ``moment``."""
    outlet = OUTLETS[story.outlet]
    live = moment.version(story)
    index, text = live if live is not None else (None, None)
    return ArticleState(
        outlet=story.outlet,
        key=story.key,
        url=base_url + story.path,
        lang=outlet.lang,
        status=200 if text is not None else 404,
        version=index,
        title=text.title if text else None,
        summary=text.summary if text else None,
        text=text.body if text else None,
        published=moment.published(story) if text else None,
        modified=moment.modified(story),
        headline={f.kind: f for f in text.headline} if text else {},
        wire=story.wire,
        trimmed=story.trimmed,
        robots_allowed=robots_allows(outlet, story.path),
    )


def changes_at(tick: int) -> Changes:
    """Return the content changes that ``advance()`` into ``tick`` makes."""
    added, edited, removed = [], [], []
    for story in STORIES:
        before = story.text_at(tick - 1) if tick > 0 else None
        after = story.text_at(tick)
        pair = (story.outlet, story.key)
        if before is None and after is not None:
            added.append(pair)
        elif before is not None and after is None:
            removed.append(pair)
        elif before is not None and after is not before:
            edited.append(pair)
    return Changes(tick, tuple(added), tuple(edited), tuple(removed))
