"""Parse robots.txt and answer "may this agent fetch this URL?" per RFC 9309.

urllib.robotparser applies the first matching rule and knows no wildcards; RFC 9309 wants
the longest match (allow wins a tie), ``*`` and a trailing ``$``, groups merged when several
name the same agent, and the ``*`` group only when none names ours.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from urllib.parse import urlsplit

# RFC 9309 2.5: crawlers must parse at least 500 KiB; we read that much and ignore the rest.
MAX_ROBOTS_BYTES = 512 * 1024

_PRODUCT_TOKEN = re.compile(r"[A-Za-z_-]+")
_ESCAPE = re.compile(r"%([0-9A-Fa-f]{2})")


@dataclass(frozen=True)
class Rule:
    allow: bool
    pattern: str  # normalised: non-ASCII percent-encoded, escapes upper-cased


@dataclass
class RobotsRules:
    """The rules that apply to one agent on one origin."""

    rules: list[Rule] = field(default_factory=list)
    crawl_delay: float | None = None
    sitemaps: list[str] = field(default_factory=list)

    @classmethod
    def allow_all(cls) -> RobotsRules:
        return cls()

    @classmethod
    def disallow_all(cls) -> RobotsRules:
        return cls(rules=[Rule(allow=False, pattern="/")])

    def allows(self, url: str) -> bool:
        """Return whether the agent may fetch ``url`` (path and query are matched)."""
        parts = urlsplit(url)
        path = parts.path or "/"
        if path == "/robots.txt":
            return True
        if parts.query:
            path += "?" + parts.query
        path = _normalise(path)
        best: Rule | None = None
        for rule in self.rules:
            if not pattern_matches(rule.pattern, path):
                continue
            if (
                best is None
                or len(rule.pattern) > len(best.pattern)
                or (len(rule.pattern) == len(best.pattern) and rule.allow)
            ):
                best = rule
        return best is None or best.allow


def agent_token(user_agent: str) -> str:
    """Return the token robots.txt groups are matched on ("newsmon/0.1 (...)" -> "newsmon")."""
    match = _PRODUCT_TOKEN.match(user_agent.strip())
    return match.group(0).lower() if match else user_agent.strip().lower()


def parse_robots(text: str, agent: str) -> RobotsRules:
    """Return the rules of the group(s) naming ``agent``, else of the ``*`` group(s)."""
    agent = agent.lower()
    groups: list[tuple[set[str], list[tuple[str, str]]]] = []
    sitemaps: list[str] = []
    in_agents = False  # True while reading consecutive user-agent lines
    for raw in text.splitlines():
        line = raw.split("#", 1)[0].strip()
        if ":" not in line:
            continue
        key, value = line.split(":", 1)
        key = key.strip().lower().replace("_", "-").replace(" ", "-")
        value = value.strip()
        if key in ("user-agent", "useragent"):
            token = "*" if value.startswith("*") else agent_token(value)
            if not in_agents:
                groups.append((set(), []))
                in_agents = True
            groups[-1][0].add(token)
        elif key == "sitemap":
            if value:
                sitemaps.append(value)
        elif key in ("allow", "disallow", "crawl-delay"):
            in_agents = False
            if groups:
                groups[-1][1].append((key, value))
    chosen = [g for g in groups if agent in g[0]] or [g for g in groups if "*" in g[0]]
    result = RobotsRules(sitemaps=sitemaps)
    for _agents, lines in chosen:
        for key, value in lines:
            if key == "crawl-delay":
                delay = _parse_delay(value)
                if delay is not None:
                    result.crawl_delay = max(result.crawl_delay or 0.0, delay)
            elif value:  # an empty Disallow/Allow means no rule
                result.rules.append(Rule(allow=key == "allow", pattern=_normalise(value)))
    return result


def pattern_matches(pattern: str, path: str) -> bool:
    """Return whether a robots.txt path pattern (``*`` any run, final ``$`` end) matches."""
    anchored = pattern.endswith("$")
    if anchored:
        pattern = pattern[:-1]
    else:
        pattern += "*"
    # Greedy wildcard match with one backtrack point: O(len(pattern) * len(path)) at worst,
    # where a regular expression could backtrack exponentially on hostile patterns.
    p = s = 0
    star = -1
    resume = 0
    while s < len(path):
        if p < len(pattern) and pattern[p] == "*":
            star, resume = p, s
            p += 1
        elif p < len(pattern) and pattern[p] == path[s]:
            p += 1
            s += 1
        elif star >= 0:
            p = star + 1
            resume += 1
            s = resume
        else:
            return False
    while p < len(pattern) and pattern[p] == "*":
        p += 1
    return p == len(pattern)


def _parse_delay(value: str) -> float | None:
    try:
        delay = float(value)
    except ValueError:
        return None
    if delay != delay or delay < 0:  # NaN or negative
        return None
    return delay


def _normalise(path: str) -> str:
    """Percent-encode non-ASCII as UTF-8 and upper-case escapes, so both sides compare alike."""
    path = _ESCAPE.sub(lambda m: "%" + m.group(1).upper(), path)
    if path.isascii():
        return path
    return "".join(c if c.isascii() else "".join(f"%{b:02X}" for b in c.encode()) for c in path)
