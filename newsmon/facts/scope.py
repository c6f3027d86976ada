"""Scope and attribution: is a figure this event's, a running total or an old one; who says so."""

from __future__ import annotations

from newsmon.facts.clauses import Raw
from newsmon.facts.lexicon import Lexicon
from newsmon.facts.tokens import Tok


def scope_markers(
    toks: list[Tok], markers: dict[str, list[tuple[str, ...]]], latest_year: int = 0
) -> list[int]:
    """Return the token indices where a scope marker starts ("since {year}", "this year").

    ``{past}`` matches a year before ``latest_year``, the latest the whole text mentions: the
    text's own present is at least that year, so "in 2015" in a text that also says 2017 is
    another time, while "the 4th homicide in 2017" is not.
    """
    flat = _dated_words(toks)
    hits = []
    for p, (word, k) in enumerate(flat):
        for marker in markers.get(word, ()):
            if _marker_at(toks, flat, p, marker, latest_year):
                hits.append(k)
                break
    return hits


def _dated_words(toks: list[Tok]) -> list[tuple[str, int]]:
    """Return the words of a sentence with token indices; a date before a year reads as the
    year alone, so "en décembre 2016", "du 13 novembre 2015", "em 2 de outubro de 1992" and
    "in November of 2012" meet the markers "en {past}", "du {past}", "em {past}", "in {past}"."""
    flat = [(word, k) for k, t in enumerate(toks) for word in t.low.split(" ")]
    out: list[tuple[str, int]] = []
    i = 0
    while i < len(flat):
        j = i
        if flat[j][0].isdigit() and len(flat[j][0]) <= 2:
            j += 1  # a day
            if j < len(flat) and toks[flat[j][1]].tag == "o":
                j += 1  # "2 de outubro"
        if j < len(flat) and toks[flat[j][1]].aux == "month":
            k = j + 1
            if k < len(flat) and toks[flat[k][1]].tag == "o":
                k += 1  # "outubro de 1992", "November of 2012"
            if k < len(flat) and flat[k][0].isdigit() and len(flat[k][0]) == 4:
                out.append(flat[k])
                i = k + 1
                continue
        out.append(flat[i])
        i += 1
    return out


def dated(toks: list[Tok], hits: list[int]) -> set[int]:
    """Return the markers that name a year ("en 2009", "since 2011"), not "the worst"."""
    out = set()
    for k in hits:
        window = toks[k : k + 4]
        if any(t.low.isdigit() and len(t.low) == 4 for t in window):
            out.add(k)
    return out


def _marker_at(
    toks: list[Tok], flat: list[tuple[str, int]], p: int, marker: tuple[str, ...], latest: int
) -> bool:
    if p + len(marker) > len(flat):
        return False
    for part, (word, k) in zip(marker, flat[p : p + len(marker)], strict=True):
        if part in ("{year}", "{past}"):
            if not (word.isdigit() and len(word) == 4 and 1800 <= int(word) <= 2100):
                return False  # "in 2011", not "in the 6800 block"
            if part == "{past}" and int(word) >= latest:
                return False
        elif part == "{num}":
            if toks[k].tag not in "NUy":
                return False
        elif part != word:
            return False
    return True


def scope_of(
    raw: Raw,
    markers: dict[str, list[int]],
    raws: list[Raw],
    chunk_of: list[int],
    bare: set[int],
    years: set[int] | None = None,
    opening: set[int] | None = None,
) -> str:
    """Say whether a claim is this event's figure, a running total or an old one.

    A marker counts for the claim nearest to it in the same comma-separated chunk; from a
    chunk without a trigger (``bare``) a marker that names a year (``years``) counts for the
    chunk on either side ("Le séisme de L'Aquila, en 2009, avait fait 309 morts"), and any
    marker of an opening one for the whole sentence up to a ";" (``opening``): "Since 2011,
    more than...".
    """
    lo, hi = min(raw.np.start, raw.trigger), max(raw.np.end, raw.trigger)
    for m in markers.get("other_event", ()):
        if m < lo:
            return "historical"  # "weeks after another quake killed thousands": to the end
    for scope in ("cumulative", "historical"):
        for m in markers[scope]:
            at = chunk_of[m]
            near = at in (chunk_of[lo], chunk_of[hi])
            beside = (
                years is not None
                and m in years
                and at in bare
                and (at + 1 == chunk_of[lo] or at - 1 == chunk_of[hi])
            )
            opens = at == 0 and 0 in bare and (opening is None or chunk_of[lo] in opening)
            if not (near or beside or opens):
                continue
            if not any(
                _distance(o, m) < _distance(raw, m)
                for o in raws
                if o is not raw and chunk_of[o.trigger] == chunk_of[m]
            ):
                return scope
    return "current"


def _distance(raw: Raw, m: int) -> int:
    lo, hi = min(raw.np.start, raw.trigger), max(raw.np.end, raw.trigger)
    return lo - m if m < lo else m - hi


def attribution(text: str, toks: list[Tok], lex: Lexicon) -> str | None:
    """Return whom the sentence cites: "according to X", "X said", "said X"."""
    n = len(toks)
    for i, t in enumerate(toks):
        if t.tag == "@":
            span = _source_after(toks, i + 1, lex)
            if span:
                return _source_text(text, toks, span, lex)
    for i, t in enumerate(toks):
        if t.tag != "v":
            continue
        if t.mark == "taking" and any(x.aux == "lives" for x in toks[i + 1 : i + 5]):
            continue  # "the storm claimed 26 lives": a taking verb, not a source speaking
        if i == 0 or toks[i - 1].tag in ",;":
            span = _source_after(toks, i + 1, lex)  # "..., said the Observatory"
            if span is None and i >= 2:
                span = _source_before_clause(toks, i - 2, lex)  # "X, which ..., said"
        else:
            span = _source_before(toks, i - 1, lex)  # "Police said ..."
            if span is None and i + 1 < n:
                span = _source_after(toks, i + 1, lex)
        if span:
            return _source_text(text, toks, span, lex)
    return None


def _source_before_clause(toks: list[Tok], e: int, lex: Lexicon) -> tuple[int, int] | None:
    """Find the speaker before an inserted clause: "The group, which relies on ..., said"."""
    j = e
    while j >= 0 and toks[j].tag != ",":
        j -= 1
    if j < 1 or j + 1 > e or toks[j + 1].tag != "P":
        return None
    return _source_before(toks, j - 1, lex)


def _source_after(toks: list[Tok], s: int, lex: Lexicon) -> tuple[int, int] | None:
    e = s
    while e < len(toks) and e - s < 12:
        t = toks[e]
        # A qualifier ("more than") starts the figure, never a source's name.
        if t.tag in ",;.NTXWDUvt@Q" or t.low in lex.attribution_stop:
            break
        e += 1
    return _trim_source(toks, s, e - 1, lex)


def _source_before(toks: list[Tok], e: int, lex: Lexicon) -> tuple[int, int] | None:
    s = e
    while s >= 0 and e - s < 9:
        t = toks[s]
        if t.tag in ",;.NTXWDUuv@&" or t.low in lex.attribution_stop:
            break
        s -= 1
    s += 1
    while s <= e and (toks[s].glued or toks[s].tag == "o"):
        s += 1  # "the 1,200-page report said": not "page report"
    return _trim_source(toks, s, e, lex)


def _trim_source(toks: list[Tok], s: int, e: int, lex: Lexicon) -> tuple[int, int] | None:
    while e >= s and (toks[e].tag in "tRA" or toks[e].low in lex.attribution_stop):
        e -= 1
    while s <= e and toks[s].tag in "tRA&":
        s += 1
    if s > e or all(t.tag in "Hd" or t.low in lex.pronouns for t in toks[s : e + 1]):
        return None  # "he said" names no source
    return s, e


def _source_text(text: str, toks: list[Tok], span: tuple[int, int], lex: Lexicon) -> str:
    first = toks[span[0]]
    out = text[first.start : toks[span[1]].end]
    if first.first and (first.low in lex.common_sources or first.low in lex.determiners):
        out = out[:1].lower() + out[1:]  # "Police said" -> "police"
    return out
