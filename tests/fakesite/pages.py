"""Article, front, about and 404 pages, with each outlet's own markup and furniture.

Volatile furniture (the header clock, "Updated N minutes ago", the order of the most-read
box) comes from the site clock; the article text comes only from the scenario.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from html import escape

from .scenario import OUTLETS, Moment, Outlet
from .stories import Story, Text

# Links every outlet keeps in its most-read box besides its live articles; they are 404s.
EVERGREEN: dict[str, tuple[tuple[str, str], ...]] = {
    "meridian": (
        ("How we report casualty figures", "/about/how-we-report-casualties"),
        ("Quiz: how closely have you followed the news this week?", "/quiz/week-1041990"),
        ("The long road to the 2020 ceasefire, explained", "/world/explainers/ceasefire-2020"),
        ("Letters: the view from the commuter line", "/opinion/letters-commuters-1042010"),
    ),
    "courrier": (
        ("Mots croisés : la grille du jour", "/jeux/mots-croises"),
        ("Notre méthode pour vérifier les bilans", "/le-courrier/methode-bilans_5120.html"),
        ("Immobilier : les prix reculent de 3 % sur un an", "/economie/immobilier-prix_6199.html"),
    ),
    "harbor": (
        ("Ferry timetable changes for the summer season", "/news/local/ferry-timetable/"),
        ("Photos: tall ships return to the harbour", "/news/local/tall-ships-photos/"),
        ("Opinion: the port needs a plan, not a slogan", "/opinion/port-needs-a-plan/"),
    ),
    "valley": (
        ("Weather: a dry week ahead for the valley", "/stories/5519-weather-dry-week"),
        ("Council approves 2.1% rise in parking charges", "/stories/5508-parking-charges"),
        ("Five places to eat this weekend", "/stories/5497-five-places-to-eat"),
    ),
}


@dataclass(frozen=True)
class Page:
    """Everything an article template needs."""

    outlet: Outlet
    base: str
    now: datetime
    story: Story
    text: Text
    published: datetime
    modified: datetime
    related: list[tuple[str, str]]  # (title, absolute url), already rotated

    @property
    def url(self) -> str:
        return self.base + self.story.path


def related_links(moment: Moment, outlet: str, base: str, exclude: str | None) -> list:
    """Return the most-read box: live articles and evergreen links, rotated by the clock."""
    items = [
        (text.title, base + s.path)
        for s in moment.live(outlet)
        if s.path != exclude and (text := (moment.version(s) or (0, None))[1]) is not None
    ]
    items += [(title, base + path) for title, path in EVERGREEN[outlet]]
    shift = int(moment.now.timestamp() // 60) % len(items)
    return items[shift:] + items[:shift]


def minutes_ago(now: datetime, then: datetime) -> int:
    return max(0, int((now - then).total_seconds() // 60))


def updated_line(now: datetime, then: datetime, lang: str) -> str:
    """Return "Updated N minutes ago" (hours past two hours), in the outlet's language."""
    minutes = minutes_ago(now, then)
    if lang == "fr":
        if minutes < 120:
            return f"Mis à jour il y a {minutes} minutes"
        return f"Mis à jour il y a {minutes // 60} heures"
    if minutes < 120:
        return f"Updated {minutes} minutes ago"
    return f"Updated {minutes // 60} hours ago"


def _head(page: Page, extra: str = "") -> str:
    o, t = page.outlet, page.text
    published = page.published.astimezone(o.tz).isoformat(timespec="seconds")
    modified = page.modified.astimezone(o.tz).isoformat(timespec="seconds")
    image = f"{page.base}/img/{page.story.key.lower()}-1200.jpg"
    feeds = "".join(
        f'<link rel="alternate" type="{_feed_type(path)}" href="{page.base}{path}">\n'
        for path in o.feeds
    )
    return f"""<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{escape(t.title)} | {escape(o.name)}</title>
<meta name="description" content="{escape(t.summary)}">
<link rel="canonical" href="{escape(page.url)}">
<meta property="og:type" content="article">
<meta property="og:site_name" content="{escape(o.name)}">
<meta property="og:title" content="{escape(t.title)}">
<meta property="og:description" content="{escape(t.summary)}">
<meta property="og:url" content="{escape(page.url)}">
<meta property="og:image" content="{image}">
<meta property="og:locale" content="{"fr_FR" if o.lang == "fr" else "en_GB"}">
<meta property="article:published_time" content="{published}">
<meta property="article:modified_time" content="{modified}">
<meta property="article:section" content="{escape(page.story.section)}">
<meta property="article:author" content="{escape(page.story.author)}">
<meta name="twitter:card" content="summary_large_image">
<link rel="stylesheet" href="/static/css/site.4f2a9c.css">
{feeds}<script async src="/static/js/analytics.js"></script>
<script>window.dataLayer=window.dataLayer||[];dataLayer.push({{"section":"{
        escape(page.story.section)
    }","pageType":"article"}});</script>
{extra}</head>"""


def _feed_type(path: str) -> str:
    if path.endswith(".atom"):
        return "application/atom+xml"
    if path.endswith(".json"):
        return "application/feed+json"
    return "application/rss+xml"


def _clock(now: datetime, outlet: Outlet) -> str:
    local = now.astimezone(outlet.tz)
    if outlet.lang == "fr":
        days = ["lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche"]
        return f"{days[local.weekday()]} {local:%d/%m/%Y} · {local:%H:%M}"
    return f"{local:%A %d %B %Y} · {local:%H:%M} GMT"


def _paragraphs(text: Text, cls: str = "") -> list[str]:
    attr = f' class="{cls}"' if cls else ""
    return [f"<p{attr}>{escape(p)}</p>" for p in text.paragraphs]


def _related_items(page: Page, tag: str = "li") -> str:
    return "\n".join(
        f'<{tag}><a href="{escape(url)}">{escape(title)}</a></{tag}>' for title, url in page.related
    )


# --- meridian ---------------------------------------------------------------------------------


def meridian_article(page: Page) -> str:
    t, o = page.text, page.outlet
    body = _paragraphs(t)
    body.insert(
        3,
        '<div class="ad-slot ad-slot--inline" data-ad-unit="mpu_1" aria-hidden="true">'
        '<span class="ad-slot__label">Advertisement</span></div>',
    )
    if t.note:
        body.append(f'<p class="story__note"><em>{escape(t.note)}</em></p>')
    return f"""<!DOCTYPE html>
<html lang="en-GB">
{_head(page)}
<body class="page-article section-{page.story.section.lower()}">
<a class="skip-link" href="#main">Skip to content</a>
<div id="cookie-consent" class="cmp-banner" role="dialog">
<p>We use cookies and similar technologies to personalise content and ads, and to analyse
our traffic. By clicking "Accept all" you agree to this. See our cookie policy.</p>
<button class="cmp-accept">Accept all</button> <button class="cmp-manage">Manage options</button>
</div>
<header class="site-header">
<div class="site-header__date">{_clock(page.now, o)}</div>
<a class="site-header__logo" href="/">The Meridian Herald</a>
<nav class="main-nav" aria-label="Sections"><ul>
<li><a href="/">Home</a></li><li><a href="/world/">World</a></li><li><a href="/uk/">UK</a></li>
<li><a href="/business/">Business</a></li><li><a href="/sport/">Sport</a></li>
<li><a href="/opinion/">Opinion</a></li><li><a href="/culture/">Culture</a></li>
</ul></nav>
<div class="ad-slot ad-slot--leaderboard" data-ad-unit="top_728x90"></div>
</header>
<main id="main">
<ol class="breadcrumb"><li><a href="/">Home</a></li><li><a href="/{page.story.section.lower()}/">{
        escape(page.story.section)
    }</a></li>
<li aria-current="page">{escape(t.title)}</li></ol>
<article class="story">
<header class="story__header">
<h1 class="story__headline">{escape(t.title)}</h1>
<p class="story__standfirst">{escape(t.summary)}</p>
<p class="story__byline">By <a rel="author" href="/profile/{
        page.story.author.lower().replace(" ", "-")
    }">{escape(page.story.author)}</a></p>
<p class="story__dates"><time datetime="{page.published.isoformat()}">{
        page.published:%d %B %Y %H:%M}</time>
<span class="story__updated">{updated_line(page.now, page.modified, "en")}</span></p>
</header>
<figure class="story__image"><img src="/img/{page.story.key.lower()}-800.jpg" alt="">
<figcaption>File photo. Photograph: Agency</figcaption></figure>
<div class="story__body">
{chr(10).join(body)}
</div>
<ul class="story__tags">{
        "".join(f'<li><a href="/tag/{x.lower()}">{escape(x)}</a></li>' for x in page.story.tags)
    }</ul>
<div class="share"><a href="#">Share on Facebook</a> <a href="#">Share on X</a>
<a href="#">Email</a></div>
</article>
<aside class="most-read"><h2>Most read</h2>
<ol>
{_related_items(page)}
</ol></aside>
<section id="comments" class="comments">
<h2>Comments (3)</h2>
<div class="comment"><p class="comment__author">northern_lights</p>
<p class="comment__body">My cousin lives near the citadel and says it is more like 400 dead
already. The real number will never be known.</p></div>
<div class="comment"><p class="comment__author">GeoffH</p>
<p class="comment__body">Another war the world will forget by next week.</p></div>
<div class="comment"><p class="comment__author">m.k.</p>
<p class="comment__body">Thank you for the reporting. Stay safe.</p></div>
<p class="comments__closed">Comments on this article are now closed.</p>
</section>
</main>
<footer class="site-footer">
<ul><li><a href="/about/">About us</a></li><li><a href="/contact/">Contact</a></li>
<li><a href="/privacy/">Privacy policy</a></li><li><a href="/terms/">Terms</a></li></ul>
<p>© 2011–{page.now:%Y} The Meridian Herald Ltd. Registered in England No. 04021337.</p>
</footer>
</body>
</html>
"""


# --- courrier ---------------------------------------------------------------------------------


def courrier_article(page: Page) -> str:
    t, o = page.text, page.outlet
    body = _paragraphs(t, "article__paragraphe")
    if page.related:
        title, url = page.related[0]
        body.insert(
            2,
            f'<p class="article__lire-aussi"><strong>Lire aussi :</strong> '
            f'<a href="{escape(url)}">{escape(title)}</a></p>',
        )
    local_pub = page.published.astimezone(o.tz)
    return f"""<!DOCTYPE html>
<html lang="fr">
{_head(page)}
<body>
<div id="page">
<div class="bandeau-cookies" id="didomi-notice">
<p>Nous utilisons des cookies pour mesurer l'audience et vous proposer des publicités
adaptées. Vous pouvez modifier vos choix à tout moment.</p>
<a class="bouton" href="#">Accepter</a> <a class="bouton" href="#">Continuer sans accepter</a>
</div>
<div class="entete">
<span class="entete__date">{_clock(page.now, o)}</span>
<a class="entete__logo" href="/">Le Courrier continental</a>
<a class="entete__abonnement" href="/abonnement">S'abonner dès 1 €</a>
</div>
<nav id="menu-principal"><a href="/international/">International</a> ·
<a href="/politique/">Politique</a> · <a href="/societe/">Société</a> ·
<a href="/economie/">Économie</a> · <a href="/culture/">Culture</a> ·
<a href="/sport/">Sport</a></nav>
<nav aria-label="Fil d'Ariane"><ul class="ariane"><li><a href="/">Accueil</a></li>
<li><a href="/{page.story.section.lower()}/">{escape(page.story.section)}</a></li></ul></nav>
<div class="pub pub--haut" id="habillage"></div>
<main>
<article class="article article--longform">
<header class="article__header">
<p class="article__surtitre">{escape(page.story.section)}</p>
<h1 class="article__titre">{escape(t.title)}</h1>
<p class="article__chapo">{escape(t.summary)}</p>
<div class="article__meta">
<span class="article__auteur">Par {escape(page.story.author)}</span>
<span class="article__date">Publié le {local_pub:%d/%m/%Y à %Hh%M}</span>
<span class="article__maj">{updated_line(page.now, page.modified, "fr")}</span>
</div>
</header>
<div class="article__contenu">
{chr(10).join(body)}
</div>
<div class="article__abonnement">Cet article vous est offert. Pour soutenir une information
indépendante, abonnez-vous.</div>
</article>
<aside class="les-plus-lus"><h3 class="les-plus-lus__titre">Les plus lus</h3>
<ul>
{_related_items(page)}
</ul></aside>
<section class="reactions"><h3>Réactions</h3>
<div class="reaction"><span class="reaction__pseudo">Jeanne L.</span>
<p>Merci pour cet article. Que fait la communauté internationale ?</p></div>
<div class="reaction"><span class="reaction__pseudo">Patrick78</span>
<p>On parle de ces chiffres depuis des années, rien ne change.</p></div>
</section>
</main>
<footer class="pied"><p>Le Courrier continental · Qui sommes-nous ? · Mentions légales ·
Gestion des cookies · Contact</p><p>© Le Courrier continental {page.now:%Y}</p></footer>
</div>
</body>
</html>
"""


# --- harbor (a WordPress-style theme) ------------------------------------------------------


def harbor_article(page: Page) -> str:
    t, o = page.text, page.outlet
    body = _paragraphs(t)
    body.insert(
        2,
        '<div class="code-block code-block-3" style="margin:8px auto;text-align:center">'
        '<ins class="adsbygoogle" data-ad-slot="8812340011"></ins></div>',
    )
    post_id = 8800 + sum(map(ord, page.story.path)) % 100
    return f"""<!DOCTYPE html>
<html lang="en-US">
{_head(page, '<meta name="generator" content="WordPress 6.5.3">' + chr(10))}
<body class="post-template-default single single-post postid-{post_id} single-format-standard">
<div class="gdpr-cookie-notice"><span>This site uses cookies. By continuing to browse you
agree to our use of cookies.</span> <a href="#" class="gdpr-ok">OK</a></div>
<div id="td-outer-wrap">
<div class="td-header-top"><span class="td-date">{_clock(page.now, o)}</span>
<a href="/subscribe/">Subscribe</a> | <a href="/e-edition/">E-edition</a></div>
<div class="td-header-menu"><ul id="menu-main" class="menu">
<li class="menu-item"><a href="/">Home</a></li><li class="menu-item"><a href="/news/">News</a>
<ul class="sub-menu"><li><a href="/news/local/">Local</a></li>
<li><a href="/news/world/">World</a></li></ul></li>
<li class="menu-item"><a href="/shipping/">Shipping</a></li>
<li class="menu-item"><a href="/obituaries/">Obituaries</a></li>
<li class="menu-item"><a href="/classifieds/">Classifieds</a></li></ul></div>
<div class="container"><div class="row"><div class="col-md-8">
<div class="entry-crumbs"><span><a href="/">Home</a></span> <i class="sep">›</i>
<span><a href="/news/">News</a></span> <i class="sep">›</i>
<span><a href="/news/world/">{escape(page.story.section)}</a></span></div>
<article id="post-{post_id}" class="post-{post_id} post type-post status-publish">
<header class="td-post-title">
<h1 class="entry-title">{escape(t.title)}</h1>
<div class="td-module-meta-info">
<span class="td-post-author-name">By <a href="/author/">{escape(page.story.author)}</a></span>
<span class="td-post-date"><time class="entry-date updated" datetime="{page.modified.isoformat()}">{
        page.published:%B %d, %Y}</time></span>
<span class="td-last-updated">Last {updated_line(page.now, page.modified, "en").lower()}</span>
</div>
</header>
<div class="td-post-content entry-content">
<p><strong>{escape(t.summary)}</strong></p>
{chr(10).join(body)}
</div>
<footer><div class="td-post-source-tags"><span>TAGS</span>{
        "".join(f' <a href="/tag/{x.lower()}/">{escape(x)}</a>' for x in page.story.tags)
    }</div>
<div class="td-post-sharing"><a class="td-social-facebook" href="#">Share</a>
<a class="td-social-twitter" href="#">Tweet</a> <a class="td-social-mail" href="#">Email</a></div>
</footer>
</article>
<div id="jp-relatedposts" class="jp-relatedposts"><h3 class="jp-relatedposts-headline">
<em>Related</em></h3>
{_related_items(page, "p")}
</div>
<div class="comments" id="comments"><h4 class="block-title">Leave a reply</h4>
<div id="disqus_thread"><noscript>Please enable JavaScript to view the comments.</noscript>
</div></div>
</div>
<div class="col-md-4 td-sidebar"><aside class="widget"><h4>Port schedule</h4>
<p>High tide 06:42 and 19:03. Pilot station open 24 hours.</p></aside>
<aside class="widget widget_ad"><ins class="adsbygoogle" data-ad-slot="8812340022"></ins></aside>
</div></div></div>
<div class="td-footer-wrapper"><div class="footer-text">The Harbor Post · 14 Quay Street ·
Est. 1887 · Letters to the editor · Advertise with us</div>
<div class="td-sub-footer-copy">© {page.now:%Y} The Harbor Post. All rights reserved.</div>
</div>
</div>
</body>
</html>
"""


# --- valley -----------------------------------------------------------------------------------


def valley_article(page: Page) -> str:
    t, o = page.text, page.outlet
    ld = {
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "headline": t.title,
        "description": t.summary,
        "datePublished": page.published.isoformat(timespec="seconds"),
        "dateModified": page.modified.isoformat(timespec="seconds"),
        "author": [{"@type": "Person", "name": page.story.author}],
        "publisher": {"@type": "Organization", "name": o.name},
        "mainEntityOfPage": page.url,
        "inLanguage": "en",
    }
    jsonld = (
        '<script type="application/ld+json">'
        + json.dumps(ld, ensure_ascii=False).replace("</", "<\\/")
        + "</script>\n"
    )
    body = _paragraphs(t)
    body.insert(
        4,
        '<aside class="newsletter-promo"><h4>Get the Morning Brief</h4><p>The day\'s top '
        "stories in your inbox at 7am. Free, and you can unsubscribe at any time.</p>"
        '<form action="/newsletter" method="post"><input type="email" name="email">'
        "<button>Sign up</button></form></aside>",
    )
    return f"""<!DOCTYPE html>
<html lang="en">
{_head(page, jsonld)}
<body>
<div class="consent-overlay" data-nosnippet><div class="consent-box">
<h3>Your privacy</h3><p>We and our 143 partners store and access information on your device
to show you relevant content.</p><button>I agree</button><button>Show purposes</button>
</div></div>
<div class="topbar"><span class="topbar-time">{_clock(page.now, o)}</span>
<a href="/login">Log in</a> <a href="/subscribe">Subscribe</a></div>
<header class="masthead"><a class="brand" href="/">The Valley Ledger</a>
<nav class="primary-menu"><a href="/news">News</a><a href="/stories?s=world">World</a>
<a href="/stories?s=sport">Sport</a><a href="/business">Business</a>
<a href="/what-to-do">What to do</a><a href="/puzzles">Puzzles</a></nav></header>
<section class="content-wrapper">
<div class="crumbs"><a href="/">Home</a> / <a href="/news">News</a> /
<span>{escape(page.story.section)}</span></div>
<div class="headline-block">
<span class="kicker">{escape(page.story.section)}</span>
<h1 itemprop="headline">{escape(t.title)}</h1>
<h2 class="dek">{escape(t.summary)}</h2>
<div class="byline-row"><span class="author">{escape(page.story.author)}</span>
<span class="timestamp" data-ts="{int(page.modified.timestamp())}">{
        updated_line(page.now, page.modified, "en")
    }</span></div>
</div>
<div class="share-bar"><button>Facebook</button><button>X</button><button>WhatsApp</button>
<button>Copy link</button></div>
<div class="article-columns">
<div itemprop="articleBody" class="article-text">
{chr(10).join(body)}
</div>
<div class="rail"><div class="trending"><h3>Trending</h3>
{_related_items(page, "div")}
</div><div class="ad-rail" id="div-gpt-ad-rail-1"></div></div>
</div>
<section class="comment-area"><h3>Join the conversation</h3>
<div class="comment-item"><b>valleyreader</b> <span>Good to see the club doing something for
the families. Up the greens!</span></div>
<div class="comment-item"><b>J. Ortega</b> <span>Where is the rest of this story?</span></div>
</section>
</section>
<footer class="site-foot"><nav><a href="/about/">About</a> <a href="/contact/">Contact</a>
<a href="/advertise">Advertise</a> <a href="/corrections">Corrections</a></nav>
<small>The Valley Ledger, 220 Main Street. © {page.now:%Y} Valley Media Group.</small>
</footer>
</body>
</html>
"""


ARTICLE_TEMPLATES = {
    "meridian": meridian_article,
    "courrier": courrier_article,
    "harbor": harbor_article,
    "valley": valley_article,
}


def article_page(page: Page) -> str:
    """Render an article page in its outlet's markup."""
    return ARTICLE_TEMPLATES[page.outlet.id](page)


def simple_page(outlet: str, now: datetime, title: str, inner: str, related: list) -> str:
    """Render a non-article page (front page, about, 404) with the outlet's chrome."""
    o = OUTLETS[outlet]
    links = "\n".join(f'<li><a href="{escape(u)}">{escape(t)}</a></li>' for t, u in related)
    return f"""<!DOCTYPE html>
<html lang="{o.lang}">
<head><meta charset="utf-8"><title>{escape(title)} | {escape(o.name)}</title>
<meta name="robots" content="noindex"></head>
<body class="{outlet}">
<header><div class="date">{_clock(now, o)}</div><a href="/">{escape(o.name)}</a></header>
<main>
<h1>{escape(title)}</h1>
{inner}
<aside class="most-read"><h2>{"Les plus lus" if o.lang == "fr" else "Most read"}</h2>
<ul>
{links}
</ul></aside>
</main>
<footer><p>© {now:%Y} {escape(o.name)}</p></footer>
</body>
</html>
"""


def front_page(moment: Moment, outlet: str, base: str) -> str:
    """Render the outlet's home page: its live articles, newest first."""
    rows = []
    for story in moment.live(outlet):
        _, text = moment.version(story) or (0, None)
        assert text is not None
        rows.append(
            f'<li class="teaser"><a href="{escape(base + story.path)}">{escape(text.title)}</a>'
            f"<p>{escape(text.summary)}</p></li>"
        )
    inner = f'<ul class="teasers">{"".join(rows)}</ul>'
    heading = "À la une" if OUTLETS[outlet].lang == "fr" else "Latest news"
    return simple_page(
        outlet, moment.now, heading, inner, related_links(moment, outlet, base, None)
    )


# Short on purpose (well under clean.min_text_chars): harbor's pages.xml lists /about/ with a
# 400-day-old <lastmod> that discovery should skip; if it does not, this is no article.
ABOUT = {
    "en": ("About us", "<p>An independent newsroom. Corrections: see our corrections page.</p>"),
    "fr": ("Qui sommes-nous ?", "<p>Une rédaction indépendante. Voir nos rectificatifs.</p>"),
}


def about_page(moment: Moment, outlet: str, base: str) -> str:
    """Render the outlet's about page (listed in harbor's static sitemap)."""
    title, inner = ABOUT[OUTLETS[outlet].lang]
    return simple_page(outlet, moment.now, title, inner, related_links(moment, outlet, base, None))


def not_found_page(moment: Moment, outlet: str, base: str) -> str:
    """Render the outlet's 404 page."""
    if OUTLETS[outlet].lang == "fr":
        title, inner = "Page introuvable", "<p>Cette page n'existe pas ou a été supprimée.</p>"
    else:
        title = "Page not found"
        inner = "<p>Sorry, the page you are looking for has moved or no longer exists.</p>"
    return simple_page(outlet, moment.now, title, inner, related_links(moment, outlet, base, None))
