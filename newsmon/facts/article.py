"""The article: every claim of a text, settled together, and the headline figure per kind."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import replace
from typing import Any

from newsmon.core.languages import primary_language
from newsmon.facts.claim import KINDS, SHOT, VICTIMS, Claim
from newsmon.facts.clauses import (
    Raw,
    add_besides,
    claims_in_sentence,
    join_self,
    ordinal_victims,
    share_out,
    sum_others,
)
from newsmon.facts.language import detect_language
from newsmon.facts.lexicon import Lexicon, Lexicons, default_lexicons, split_elision
from newsmon.facts.numbers import normalise_digits
from newsmon.facts.phrases import NP
from newsmon.facts.scope import attribution, dated, scope_markers, scope_of
from newsmon.facts.tokens import WORD_RE, Tok, raw_tokens, sentences, tag_tokens

_YEAR_RE = re.compile(r"(?<![\d.,])(1[89]\d\d|20\d\d)(?![\d.,]\d)")


def extract_claims(
    text: str, lang: str | None = None, lexicons: Lexicons | None = None
) -> list[Claim]:
    """Return every casualty claim in ``text``, in text order, with evidence spans.

    ``lang`` None: the language is detected from the text (``language.detect_language``).
    A language without a lexicon is read with the English rules and keeps its code.
    """
    lexicons = lexicons or default_lexicons()
    if not lang:
        lang = detect_language(text, lexicons)
    lex = lexicons.get(lang)
    code = lex.lang if primary_language(lang) == lex.lang else lang
    found: list[tuple[Claim, NP]] = []
    original, text = text, normalise_digits(text)  # same length: spans hold for both
    latest_year = -1  # the latest year the text names, read when a sentence holds a claim
    violent = False  # a claim, a trigger or a word that tells a violent or accidental event
    for start, end in sentences(text, lex):
        words = WORD_RE.findall(text[start:end].lower().replace("’", "'"))
        if not _may_hold_claims(words, lex):
            continue
        toks = tag_tokens(raw_tokens(text, start, end, lex), lex)
        if _video_caption(toks, text) or (lex.links and lex.links.match(text, start, end)):
            continue  # another story's title: "0:43 Man found dead", "RELATED: ..."
        raws = [r for r in claims_in_sentence(toks) if not _none_severely(toks, r, lex)]
        if not raws:
            continue
        raws = add_besides(toks, sum_others(toks, join_self(toks, share_out(raws))))
        if latest_year < 0:
            latest_year = max((int(y) for y in _YEAR_RE.findall(text)), default=0)
        raws.extend(ordinal_victims(toks, raws))
        present = set(words)
        if lex.elisions:
            present.update(p for w in words if "'" in w for p in split_elision(w, lex.elisions))
        markers = {
            name: scope_markers(toks, index, latest_year)
            if any(needed <= present for needed in lex.scope_words[name])
            else []
            for name, index in lex.scope_markers.items()
        }
        chunk_of = _chunks(toks)
        bare = set(chunk_of) - {c for t, c in zip(toks, chunk_of, strict=True) if t.tag in "TXWD"}
        if 0 in bare:
            # An opening chunk without a trigger ("Since 2011, ...") reaches up to a ";".
            semi = next((c for t, c in zip(toks, chunk_of, strict=True) if t.tag == ";"), None)
            opening = set(range(semi)) if semi is not None else set(chunk_of)
        else:
            opening = set()
        years = dated(toks, markers["historical"] + markers["cumulative"])
        source = attribution(original, toks, lex)
        sentence = original[start:end].strip()
        scopes: dict[int, str] = {}
        for raw in raws:
            scope = (
                "forecast"
                if raw.forecast
                else scope_of(raw, markers, raws, chunk_of, bare, years, opening)
            )
            if scope == "current" and (markers["roundup"] or _incidents(toks, lex)):
                scope = "cumulative"  # "3 dead, 22 wounded in weekend shootings"
            if raw.rule == "share":
                # "five children have been shot this year, two fatally": the group's time.
                group = [scopes[id(o)] for o in raws if id(o) in scopes and o.trigger < raw.trigger]
                if group and group[-1] != "current":
                    scope = group[-1]
            scopes[id(raw)] = scope
            if not raw.is_subcount and markers["subcount"]:
                # "The main hospital alone received 40 bodies": part of the toll, not the toll.
                near = {chunk_of[min(raw.np.start, raw.trigger)], chunk_of[raw.trigger]}
                raw.is_subcount = any(chunk_of[m] in near for m in markers["subcount"])
            claim = _claim(toks, raw, scope, source, sentence, code)
            found.append((claim, raw.np))
            hospital = raw.kind == "injured" and raw.np.ref and raw.np.count == 1
            if not hospital and not _natural_death(toks, raw, markers["natural"], lex):
                violent = (
                    True  # "Ele estava internado": an illness, unless the text tells of violence
                )
    died = any(c.kind == "killed" for c, _ in found)
    if died and not violent and lex.events.isdisjoint(_plain_words(text, lex)):
        # An obituary: every death told is one a person may die of age or illness, with the
        # age or the illness said, and nothing in the text is an attack, crash or disaster.
        found = [
            (c, np)
            for c, np in found
            if c.kind != "killed" and not (c.kind == "injured" and np.ref and c.value == 1)
        ]
    return _resolve(found, original, lex)


def _none_severely(toks: list[Tok], raw: Raw, lex: Lexicon) -> bool:
    """Say whether a zero only denies a degree of harm: "None of the teens were seriously
    hurt", "Nadie resultó gravemente herido" tell of hurt people, not of none."""
    if raw.np.count != 0 or not lex.severity:
        return False
    lo, hi = min(raw.np.start, raw.trigger), max(raw.np.end, raw.trigger)
    return any(w in lex.severity for t in toks[lo : hi + 1] for w in t.low.split(" "))


def _incidents(toks: list[Tok], lex: Lexicon) -> bool:
    """Say whether the sentence counts over several incidents told by a plural event noun
    after a preposition, with no determiner: "1 dead, 5 wounded in Chicago shootings", "in
    Monday shootings" (not "in the Mukilteo shootings", one event)."""
    for k, t in enumerate(toks):
        if t.low not in lex.incidents:
            continue
        j = k - 1
        while j >= 0 and k - j <= 3 and (toks[j].aux == "place" or toks[j].tag in "tCj"):
            j -= 1
        if j >= 0 and toks[j].aux == "prep" and toks[j].tag == "w":
            return True
    return False


_DURATION_RE = re.compile(r"\d:[0-5]\d")


def _video_caption(toks: list[Tok], text: str) -> bool:
    """Say whether a sentence is the caption of a linked video: a duration under ten minutes,
    then a title ("0:43 Homeless man found dead in Parkland"), another story's headline. A
    clock time reads on ("9:30 a.m.", "14:05 The toll rose")."""
    if len(toks) < 2 or not _DURATION_RE.fullmatch(toks[0].raw):
        return False
    return text[toks[1].start : toks[1].start + 1].isupper()


def _natural_death(toks: list[Tok], raw: Raw, natural: list[int], lex: Lexicon) -> bool:
    """Say whether a claim may tell a natural death: "X dies aged 85", "Fidel Castro est mort".

    One or two people, a trigger that names no violence ("died", not "killed"), and an age
    or an illness in the sentence, or a named person ("Castro", "son décès").
    """
    if raw.kind != "killed" or raw.np.count is None or not 1 <= raw.np.count <= 2:
        return False
    if toks[raw.trigger].low not in lex.natural_deaths:
        return False
    # A name ("Fidel Castro est mort") or a possessive ("son décès"), not "the girl" or "he".
    words = toks[raw.np.start : raw.np.end + 1]
    if raw.np.ref and len(words) > 1 and words[-1].tag == "P":
        words = words[:-1]  # "Hollywood actor": a name before the noun
    named = all(t.tag == "C" or (t.tag == "d" and t.aux == "possessive") for t in words)
    return bool(natural) or (raw.np.ref and named)


def _plain_words(text: str, lex: Lexicon) -> set[str]:
    words = WORD_RE.findall(text.lower().replace("’", "'"))
    out = set(words)
    if lex.elisions:
        out.update(p for w in words if "'" in w for p in split_elision(w, lex.elisions))
    return out


def _may_hold_claims(words: list[str], lex: Lexicon) -> bool:
    """Say whether a sentence (its lower-cased words) holds a trigger word."""
    if not lex.trigger_words.isdisjoint(words):
        return True
    if lex.elisions:  # "l'assassinat de": the trigger hides behind an elision
        return any(
            not lex.trigger_words.isdisjoint(split_elision(w, lex.elisions))
            for w in words
            if "'" in w
        )
    return False


def _chunks(toks: list[Tok]) -> list[int]:
    """Number the comma-separated chunks of a sentence, per token."""
    chunk = 0
    out = []
    for t in toks:
        if t.tag in ",;":
            chunk += 1
        out.append(chunk)
    return out


def _claim(
    toks: list[Tok], raw: Raw, scope: str, source: str | None, sentence: str, lang: str
) -> Claim:
    np = raw.np
    count = np.count
    qty = np.qty if np.parts == 1 else None
    qualifier, low, high = "exact", count, count
    if qty is not None and qty.vague:
        qualifier, low, high = "vague", qty.value, None  # "dozens": at least 24
    elif qty is not None and qty.approx:
        qualifier, low, high = "about", qty.low, qty.high  # "a dozen", "20 to 30"
    if np.qual in ("at_least", "more_than"):
        qualifier, low, high = np.qual, count, None
    elif np.qual == "about":
        qualifier = "about"
        if qty is None or qty.high == qty.low:
            low = high = None
    elif np.qual == "almost":
        qualifier, low, high = "about", None, count  # "nearly 300": fewer than 300
    elif np.qual == "up_to":
        qualifier, low, high = "up_to", None, count
    at = toks[raw.trigger] if raw.rule == "self" else None
    span = (at.start, at.end) if at else (toks[np.start].start, toks[np.end].end)
    return Claim(
        kind=raw.kind,
        value=count,
        low=low,
        high=high,
        qualifier=qualifier,
        who=np.who,
        attributed_to=source,
        scope=scope,
        is_subcount=raw.is_subcount,
        sentence=sentence,
        span=span,
        lang=lang,
        rule=raw.rule,
    )


def _resolve(found: list[tuple[Claim, NP]], text: str, lex: Lexicon) -> list[Claim]:
    """Settle the article: drop repeats, turn shot-and-not-killed into injured."""
    seen: set[tuple[str, tuple[int, int], int | None]] = set()
    claims = []
    for c, _ in found:
        key = (c.kind, c.span, c.value)
        if key not in seen:
            seen.add(key)
            claims.append(c)
    killed = _best(c for c in claims if c.kind == "killed")
    dead = killed.value if killed is not None and killed.value else 0
    if dead:
        # "Wilson was airlifted in critical condition, where he later died": one person. If
        # every injury in a story with a death is told of someone already named, it is that death.
        refs = {
            id(c)
            for c, np in found
            if np.ref
            and c.kind in ("injured", SHOT)
            and c.value == 1
            and not _someone_else_died(c, claims, text, lex)
        }
        hurt = [c for c in claims if c.kind in ("injured", SHOT) and c.value]
        if hurt and all(id(c) in refs for c in hurt):
            claims = [c for c in claims if id(c) not in refs]
    out = [c for c in claims if c.kind not in (SHOT, VICTIMS)]
    # "five others", "and another was shot": people beyond those counted; not "another teen".
    others = {id(c) for c, np in found if np.other and ((np.count or 0) > 1 or np.start == np.end)}
    for kind, rule in ((SHOT, "shot_not_killed"), (VICTIMS, "victims_not_killed")):
        top = _best(c for c in claims if c.kind == kind)
        # "Five others were shot" after the dead were counted: those five are all hurt.
        after_dead = top is not None and any(
            c.kind == "killed" and c.span < top.span for c in claims if c.value
        )
        less = 0 if top is not None and id(top) in others and after_dead else dead
        # "Two were shot; both died": everyone shot was killed, so none is hurt (0, stated).
        all_died = (
            kind == SHOT
            and top is not None
            and top.qualifier == "exact"
            and top.value == less
            and not any(c.kind == "injured" for c in out)
        )
        if top is not None and top.value is not None and (top.value > less or all_died):
            value = top.value - less
            out.append(
                replace(
                    top,
                    kind="injured",
                    value=value,
                    low=value
                    if top.qualifier in ("exact", "at_least", "more_than", "vague")
                    else None,
                    high=value if top.qualifier == "exact" else None,
                    rule=rule,
                )
            )
    # One claim per kind and span (the store keys claims so): keep the one a headline would take.
    best: dict[tuple[str, tuple[int, int]], Claim] = {}
    for c in out:
        slot = (c.kind, c.span)
        if slot not in best or _strength(c) > _strength(best[slot]):
            best[slot] = c
    return sorted(best.values(), key=lambda c: (c.span, c.kind))


def _someone_else_died(hurt: Claim, claims: list[Claim], text: str, lex: Lexicon) -> bool:
    """Say whether the sentence of an injury names another person who died: "O motorista
    morreu e o passageiro ficou ferido" (two people), not "where he later died" (one)."""
    hurt_words = text[hurt.span[0] : hurt.span[1]].lower()
    if hurt.kind != "injured" or hurt_words in lex.pronouns:
        return False
    for c in claims:
        if c.kind != "killed" or c.sentence != hurt.sentence or c.span == hurt.span:
            continue
        words = text[c.span[0] : c.span[1]].lower()
        if words not in lex.pronouns and words != hurt_words and c.rule in ("subject", "object"):
            return True
    return False


def _strength(c: Claim) -> tuple[int, int, int]:
    current = c.scope == "current" and not c.is_subcount
    return (current, _RANK.get(c.qualifier, 0), c.value or 0)


# The attacker's death is no victim of the event (policy: unless the text counts him with them,
# "killed his wife and then himself"): "the gunman was shot dead" states no toll.
PERPETRATORS = frozenset({"attackers"})
# A vague figure ("dozens") or a ceiling ("up to 300") yields to a stated number.
_RANK = {"exact": 2, "at_least": 2, "more_than": 2, "about": 2, "vague": 1, "up_to": 0}
# News puts the main event first (title, lead); background and other events come later. A
# figure in the first 600 characters wins over larger ones further down (on the dev corpus any
# window from 300 to 1,200 characters scores the same).
_LEAD_CHARS = 600


def _best(claims: Iterable[Claim]) -> Claim | None:
    """Return the main event's total among claims of one kind."""
    pool = [
        c
        for c in claims
        if c.scope == "current"
        and not c.is_subcount
        and c.value is not None
        and not (c.kind == "killed" and c.who in PERPETRATORS)
    ]
    if not pool:
        return None
    lead = [c for c in pool if c.span[0] < _LEAD_CHARS] or pool
    # At an equal value "more than 14,000" says more than "14,000" (as the timeline orders them).
    return max(
        lead,
        key=lambda c: (
            _RANK.get(c.qualifier, 0),
            c.value or 0,
            c.qualifier == "more_than",
            -c.span[0],
        ),
    )


def headline_figures(claims: list[Claim]) -> dict[str, Claim | None]:
    """Return, per kind present, the main event's current total (no sub-count, no old figure)."""
    kinds = dict.fromkeys(c.kind for c in claims)
    return {kind: _best(c for c in claims if c.kind == kind) for kind in kinds}


_HEADLINE_FIELDS = ("value", "low", "high", "qualifier", "who", "attributed_to", "sentence", "span")


def facts_record(id: Any, text: str, lang: str | None, lexicons: Lexicons | None) -> dict[str, Any]:
    """Return the ``newsmon facts`` JSONL record of one text: its claims and headline figures."""
    claims = extract_claims(text, lang or None, lexicons)
    headline: dict[str, dict[str, Any] | None] = dict.fromkeys(KINDS)
    for kind, claim in headline_figures(claims).items():
        if claim is not None:
            headline[kind] = {key: getattr(claim, key) for key in _HEADLINE_FIELDS}
            headline[kind]["span"] = list(claim.span)  # type: ignore[index]
    return {"id": id, "claims": [c.to_dict() for c in claims], "headline": headline}


def debug_tags(text: str, lang: str = "en", lexicons: Lexicons | None = None) -> list[str]:
    """Return each sentence as "word/tag" tokens, to see why a claim was or was not found."""
    lex = (lexicons or default_lexicons()).get(lang)
    return [
        " ".join(f"{t.low}/{t.tag}" for t in tag_tokens(raw_tokens(text, start, end, lex), lex))
        for start, end in sentences(text, lex)
    ]
