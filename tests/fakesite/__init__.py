"""The project's own fake news site: four outlets and a fault outlet over real loopback sockets.

    from tests.fakesite import FakeSite
    with FakeSite() as site:                  # or site = FakeSite(); site.start(); site.stop()
        site.write_config(tmp_path)           # settings.toml + sources.toml for current ports
        ...crawl...; site.advance(); ...crawl again...

Each outlet is a ThreadingHTTPServer on its own address and an ephemeral port; ``site.outlets``
maps outlet id -> base URL ("http://127.0.0.2:41234"). Needs all of 127.0.0.0/8 on loopback
(Linux). Outlets: meridian 127.0.0.2, courrier 127.0.0.3, harbor 127.0.0.4, valley 127.0.0.5,
fault 127.0.0.9 (key "fault" in ``site.outlets``; not in sources.toml).

News outlets (all: /robots.txt, / front page, /about/, a 404 page for anything else)
-----------------------------------------------------------------------------------
meridian  "The Meridian Herald", en, RSS 2.0 at /rss.xml. Item links carry
          ?utm_source=rss&utm_medium=feed&utm_campaign=world; pages declare the clean URL as
          canonical. robots.txt: Disallow: /private/ (article P, linked from the feed).
            A  /world/middle-east/karsa-offensive-toll-1042871   edited in place at tick 1
            R  /world/middle-east/karsa-families-underground-1042860   404 from tick 1
            U  /uk/rail-strike-pay-talks-collapse-1042855        unrelated (rail strike)
            W  /world/wires/karsa-troops-advance-1042877         wire copy (full)
            P  /private/briefing-karsa-grain-1042880             disallowed by robots.txt
courrier  "Le Courrier continental", fr, Atom at /feeds/une.atom, dates in +02:00.
            F0 /societe/greve-controleurs-aeriens-vols-annules_6218.html   air-traffic strike
            F1 /international/offensive-karsa-morts-deplaces_6231.html     appears at tick 1
harbor    "The Harbor Post", en, sitemap index /sitemap_index.xml -> /sitemaps/news.xml
          (Google News: <lastmod>, <news:publication_date>, <news:title>) and
          /sitemaps/pages.xml (/about/, lastmod 400 days before tick 0). robots.txt has a
          Sitemap: line.
            W  /news/world/troops-push-deeper-into-karsa/       wire copy (full)
            N  /news/world/aid-convoy-waits-outside-karsa/      appears at tick 1
valley    "The Valley Ledger", en, JSON Feed 1.1 at /feed.json and RSS 2.0 at /rss (text/xml).
            W  /stories/5531-war-monitor-240-dead-in-karsa-assault   wire copy, last 2 paras cut
            V  /stories/5524-karsa-sc-win-home-game-played-180km-away   football, same city

HTTP: ETag (sha1 of the uncompressed body; W/ when gzipped) and Last-Modified (the article's
or feed's last content edit) on feeds, pages and robots.txt; 304 for a matching If-None-Match
(weak comparison; it wins over If-Modified-Since) or, without one, If-Modified-Since >=
Last-Modified; gzip when Accept-Encoding allows it; HEAD supported; other methods 405.
Feed bytes depend only on the tick. Article bytes also depend on the site clock (header
clock, "Updated N minutes ago", most-read order), so touch() changes their ETags but not
their Last-Modified.

Scenario (site.tick starts at 0; the site clock site.now is frozen between calls: at tick 0
it defaults to real now - 8 h (FakeSite(start=...) to pin it), advance() moves it 8 h, so
tick 1 is about real now; touch(minutes=N) moves it N minutes)
-------------------------------------------------------------------------------------
tick 0: meridian A "at least 240 killed" (+ "including 19 in air strikes", "more than 600
        wounded", "more than half a million ... since 2011"); R; U; W; P. courrier F0.
        harbor W. valley W (trimmed), V. Wire W = same paragraphs everywhere, "(AFP)",
        "at least 240 people had been killed", "more than 500,000 ... since ... 2011".
tick 1: A edited in place: "more than 255 people have been killed", "14,000 people had been
        displaced" (new title, editor's note); R answers 404 and leaves the feed; courrier F1
        "plus de 255 morts" and "14 000 déplacés" (NBSP in 14 000; CCM and OCHA named);
        harbor N (English): "more than 255 killed", "14,000 displaced".
tick 2+: no content change (feeds answer 304 to conditional GETs; article pages change
        bytes only if the clock moved, which advance() does).
site.expected[(outlet, key)] / site.article(outlet, key, tick=None) give url, status, title,
text, published, modified and headline figures (kind -> Figure(kind, qualifier, value,
attributed_to, phrase)); site.changes(tick) gives added/edited/removed.

Fault outlet (127.0.0.9); every stream stops within 60 s (``?limit=S`` lowers it), when the
client disconnects, or on site.stop()
------------------------------------------------------------------------------------------
/                      this menu          /article           a plain 200 article page
                                          (?say=T adds a paragraph saying T; repeatable)
/robots.txt            site.fault_robots = (status, body); default 200 "Allow: /";
                       site.fault_robots_headers = [(name, value)] adds headers (Location...)
/canary[...]           200 "canary"; every hit counts in site.canary_hits
/good/{name}           an article page of its own (the good pages beside hostile ones)
/items?path=P&path=Q   RSS whose items link to each path (or absolute URL); ?format=json
                       gives a JSON Feed, ?format=sitemap a urlset; ?date=D dates every item
                       (any text); ?h=Name:value adds headers as /headers does
/long/{name}           a 3 MB article of ~20,000 sentences; site.fault_edition = N (default 0)
                       serves its edition N: every 40th sentence reworded, a new toll, title
                       and closing paragraph (an edited long page)
/headers?h=Name:value  200 article with these headers, %-escapes read as latin-1 bytes
                       (ETag: "caf\xe9"...); ?title=T sets the page title
/big-json-feed         a 19.7 MB JSON Feed of 70,000 items (built once, cached)
/status/{code}         that status (200-599); ?location=URL adds Location, ?retry_after=N
/retry-after/{n}?key=K first n requests (per n, key, status) answer 503 (or ?status=429)
                       with Retry-After: 1 (?value=N, or ?value=date for an HTTP-date), then
                       200 HTML; site.reset_faults() zeroes the counters
/slow-drip             200, Content-Length 100000, then 1 byte per 0.5 s (?interval=S)
/hang                  200 headers (Content-Length 5000), then nothing
/hang-before-headers   reads the request, sends nothing
/gzip-bomb             ~200 KB gzip inflating to 200 MB (Content-Encoding: gzip, sent even
                       if not asked for); /brotli-bomb (br), /zstd-bomb (zstd; 501 without
                       zstandard). Built lazily once per process (~1 s for gzip) and cached.
/chained-gzip          Content-Encoding: gzip, gzip (body gzipped twice)
/big                   Content-Length 50 MiB, streamed in 64 KiB writes
/huge-line             Content-Length 30 MiB: one <p> line with no newline, streamed
/endless               chunked HTML forever (until the 60 s bound, then a final chunk)
/truncated             Content-Length 20 KB larger than the body; connection then closed
/redirect/{n}          n hops (302, or ?code=301|303|307|308) then /redirect/0 = article;
                       odd n send absolute Locations, even n relative ones
/redirect-loop         302 to itself forever
/redirect-to?url=U     302 (or ?code=) to any Location U: SSRF re-checks on redirects
/meta-refresh?url=U    200 HTML with <meta http-equiv="refresh" content="0; url=U">
/binary                application/pdf bytes      /not-html   text/plain
/bad-encoding          text/html; charset=utf-8 with invalid UTF-8 (latin-1, \\xff\\xfe...)
/nul-bytes             HTML with NUL bytes
/feed/not-xml          an HTML page where a feed is expected (text/html)
/feed/malformed        RSS cut off mid-item   /feed/billion-laughs  nested entity expansion
/feed/xxe              DOCTYPE SYSTEM + external entity pointing at /canary?from=xxe-...
/feed/poisoned         valid RSS whose items are faults (faults.POISONED_ITEMS) + /article
/sitemap/loop          sitemap index listing itself and /sitemap/loop-b (which lists it back)
/deep-html             200,000 nested <div>s
/many-attributes       one element with 200,000 attributes (3.4 MB; minutes in trafilatura)
"""

from .responder import RequestRecord
from .scenario import FAULT, ArticleState, Changes
from .server import NEWS_OUTLETS, FakeSite
from .stories import CITY, MONITOR, Figure

__all__ = [
    "CITY",
    "FAULT",
    "MONITOR",
    "NEWS_OUTLETS",
    "ArticleState",
    "Changes",
    "FakeSite",
    "Figure",
    "RequestRecord",
]
