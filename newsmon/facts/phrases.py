"""Noun phrases: who a figure counts, read backwards from a verb or forwards from it.

"at least 240 people", "a man and his two children" (3), "he and three others" (4), "two of
the victims" (2), "both victims" (2), "no one" (0); a name or "the victim" is someone already
mentioned (``ref``).
"""

from __future__ import annotations

from dataclasses import dataclass

from newsmon.facts.numbers import Quantity
from newsmon.facts.tokens import Tok


@dataclass
class NP:
    """A noun phrase and how many people it counts (None: it does not say)."""

    start: int  # token indices, inclusive
    end: int
    count: int | None
    qty: Quantity | None = None  # the figure with its bounds, when one number carries it
    qual: str | None = None
    who: str | None = None
    parts: int = 1  # phrases coordinated into this one
    self_: bool = False  # "himself": the agent, counted apart
    ref: bool = False  # "he", "Smith", "the victim": someone already mentioned
    other: bool = False  # "five others", "outros cinco": people not counted before
    whole: NP | None = None  # "45 of the 300 passengers": the 300 the part is taken from


NP_END = "PNZHCy"
_ONE = Quantity(1, 1, 1)
ZERO = Quantity(0, 0, 0)


def _np_back(toks: list[Tok], e: int, unknown: bool = True) -> NP | None:
    """Parse the noun phrase ending at token ``e``: "at least 240 people", "his wife".

    ``unknown``: a plural head noun the lexicon does not know may end it ("four hikers").
    """
    if e < 0:
        return None
    t = toks[e]
    if t.tag == "H":
        return NP(e, e, 1, self_=t.low.endswith("self"), ref=True)
    if t.tag == "C":
        s = e
        while s > 0 and toks[s - 1].tag == "C":
            s -= 1
        return NP(s, e, 1, ref=True)
    if t.tag in "NZ":
        return _number_np(toks, e, e, None)
    partitive = e >= 3 and toks[e - 1].tag == "d" and toks[e - 2].tag == "o"
    if t.tag == "T" and partitive and toks[e - 3].tag in "NZ":
        return _number_np(toks, e - 3, e, None)  # "Three of the injured", "Tres de los heridos"
    if t.tag == "j" and t.qty is not None and e >= 1:
        before = toks[e - 1]
        if before.tag in "ad" or (before.tag == "N" and before.qty == _ONE):
            return NP(e - 1, e, 1)  # "a fourth (was wounded)", "un troisième (est mort)"
    adjective = t.tag == "j" or (
        unknown and t.tag == "w" and t.aux is None and t.low == t.raw and not t.glued
    )
    if adjective and t.qty is None and not t.other:
        # An adjective after its noun: "un soldat français", "três turistas argentinos".
        p = e - 1
        while p >= 0 and e - p <= 2 and toks[p].tag == "j" and toks[p].qty is None:
            p -= 1
        if p >= 0 and toks[p].tag == "P" and toks[p].aux != "lives":
            np = _np_back(toks, p, unknown)
            if np is not None:
                np.end = e
            return np
    age = t.tag == "y" or (t.tag == "U" and t.aux == "age")
    if age and e >= 2 and toks[e - 1].tag == "o" and toks[e - 2].tag == "P":
        np = _np_back(toks, e - 2)  # "un homme de 24 ans", "a boy of 8"
        if np is not None:
            np.end = e
        return np
    if unknown and t.tag == "w" and e >= 1 and toks[e - 1].tag in "NZ" and t.aux is None:
        # A head noun the lexicon does not know, plural after a count: "four hikers".
        np = _number_np(toks, e - 1, e, None)
        if len(t.low) > 3 and t.low.endswith(("s", "x")) and (np.count or 0) > 1:
            return np
        return None
    if (
        t.other
        and t.tag == "j"
        and t.qty is None
        and e >= 1
        and toks[e - 1].tag == "N"
        and toks[e - 1].qty != _ONE  # "d'un autre corps" is no count: see below
        and e >= 2
        and toks[e - 2].tag == "&"
        and any(x.tag in "TX" for x in toks[: e - 2])
    ):
        # "cinco murieron y dos más resultaron heridas": after a clause that counted others;
        # alone, "two more were injured" is an increment, not a total.
        np = _number_np(toks, e - 1, e, None)
        np.other = True
        return np
    if t.other and t.tag in "jP" and not t.plural and t.qty is None:
        # "and another was wounded", "e outro ficou ferido", "et un autre blessé": one more
        # person, in a coordination; not "hundreds more", "d'un autre corps".
        s = e - 1 if e >= 1 and toks[e - 1].tag in "aN" and toks[e - 1].qty in (None, _ONE) else e
        if s >= 1 and toks[s - 1].tag == "&":
            return NP(s, e, 1, other=True)
        return None
    if t.tag not in "Py":
        return None
    who = t.who
    singular = t.tag == "y" or not t.plural
    pos = e - 1
    while (
        pos >= 0
        and e - pos <= 3
        and (
            toks[pos].tag in "jyC"
            or (toks[pos].tag == "P" and toks[pos].other)
            or _event_modifier(toks, pos)
        )
        and not (toks[pos].tag == "C" and toks[pos].first)
    ):
        pos -= 1  # "deux autres policiers": "autres" is a people word of its own too
    det = toks[pos] if pos >= 0 else None
    if det is not None and det.tag in "NZ":
        np = _number_np(toks, pos, e, who)
        if np.start > 0 and toks[np.start - 1].tag == "d":
            np.start -= 1  # "the two victims"
        s = np.start
        of = None
        if s >= 2 and toks[s - 1].tag == "o" and toks[s - 2].tag in "NZ":
            of = s - 2  # "45 of the 300 passengers"
        elif s >= 1 and toks[s].tag == "d" and toks[s - 1].tag in "NZ":
            of = s - 1  # "Dois dos quatro ocupantes": "dos" is "de" and "os"
        if of is not None:
            part = _number_np(toks, of, e, who)
            part.whole = np
            return part
        return np
    if det is not None and det.tag == "a":
        return NP(pos, e, 1 if singular else None, who=who)
    if det is not None and det.tag == "d":
        if pos >= 2 and toks[pos - 1].tag == "o" and toks[pos - 2].tag in "NZ":
            return _number_np(toks, pos - 2, e, who)  # "two of the victims"
        if pos >= 1 and toks[pos - 1].tag in "NZ":
            return _number_np(toks, pos - 1, e, who)  # "deux des victimes", "dois dos feridos"
        ref = singular and det.aux != "possessive"  # "the victim", but "his wife" is new
        return NP(pos, e, 1 if singular else None, who=who, ref=ref)
    if det is not None and det.tag == "o" and pos >= 1 and toks[pos - 1].tag in "NZ":
        return _number_np(toks, pos - 1, e, who)  # "dozens of people", "two of them"
    return NP(pos + 1, e, 1 if singular else None, who=who)  # "Man killed", "3-year-old dies"


def _event_modifier(toks: list[Tok], k: int) -> bool:
    """Say whether the event noun at ``k`` only qualifies the people noun after it: "1
    shooting victim", "two crash victims" (a count or an article before it, no verb)."""
    return (
        toks[k].tag == "X"
        and k >= 1
        and toks[k - 1].tag in "NZa"
        and k + 1 < len(toks)
        and toks[k + 1].tag == "P"
    )


def _number_np(toks: list[Tok], num: int, e: int, who: str | None) -> NP:
    start = num
    qual = None
    if num > 0 and toks[num - 1].tag == "Q":
        qual = toks[num - 1].qual
        start = num - 1
    qty = toks[num].qty if toks[num].tag == "N" else ZERO
    assert qty is not None
    return NP(start, e, qty.value, qty, qual, who)


def np_list_back(toks: list[Tok], e: int) -> NP | None:
    """Parse "a man and a woman", "he and three others" ending at ``e``; sum their counts."""
    first = _np_back(toks, e)
    if first is None:
        return None
    last = toks[first.end]
    if last.tag == "P" and last.who is None and first.end >= 1 and toks[first.end - 1].tag == "o":
        return first  # "dos agentes, y uno de ellos": a part of the group told before
    nps = [first]
    seen_and = False
    commas: list[int] = []  # where phrases were joined by a bare comma
    while nps[-1].start >= 2:
        s = nps[-1].start
        sep = toks[s - 1]
        k = s - 2
        if sep.tag == "R" and s >= 3 and toks[s - 2].tag == "&":  # "and then himself"
            sep, k = toks[s - 2], s - 3
        if sep.tag == "&" and k >= 1 and toks[k].tag == ",":  # "Thomas, Doe, and Turner"
            k -= 1
        k = _before_age_apposition(toks, k)  # "Price, 22, and", "Two children, ages 3 and 5,"
        if sep.tag not in "&," or sep.aux == "dash":
            break
        prev = _np_back(toks, k, unknown=False)  # "17 scenes, 7 dead" is no list
        if prev is None or prev.count is None:
            break
        if sep.tag == "," and not seen_and:
            commas.append(len(nps))
        seen_and = seen_and or sep.tag == "&"
        nps.append(prev)
    start = nps[-1].start
    if commas and not (start == 0 or toks[start - 1].tag == ";"):
        nps = nps[: commas[-1]]  # a bare-comma list only opens a headline: "Man, woman killed"
    elif commas and nps[-1].ref and nps[-1].start == nps[-1].end:
        nps = nps[: commas[-1]]  # "However, he died": a capitalised first word is no name
    # "Police arrested a man and two people were killed": the first phrase is an object.
    while len(nps) > 1 and nps[-1].start > 0 and toks[nps[-1].start - 1].tag in "TX":
        nps.pop()
    nps.reverse()
    return _mark_other(toks, _combine(_apposition(toks, nps)))


def _before_age_apposition(toks: list[Tok], k: int) -> int:
    """Step back over an age told between commas before ``k``: "Price, 22, and Willrich",
    "Two children, ages 3 and 5, and their mother"; return where the phrase before it ends."""
    j = k
    while j >= 0 and (toks[j].aux == "age" or toks[j].tag in "y&"):
        j -= 1
    if j < k and j >= 1 and toks[j].tag == "," and any(t.aux == "age" for t in toks[j + 1 : k + 1]):
        return j - 1
    return k


def np_forward(toks: list[Tok], s: int) -> NP | None:
    """Parse the noun phrase starting at token ``s``: "at least 24 civilians", "his wife"."""
    n = len(toks)
    pos = s
    qual = None
    if pos < n and toks[pos].tag == "Q":
        qual = toks[pos].qual
        pos += 1
    if pos >= n:
        return None
    t = toks[pos]
    if t.other and t.tag == "j" and t.qty is None and pos + 1 < n and toks[pos + 1].tag == "N":
        np = np_forward(toks, pos + 1)  # "(injured) another four teenagers"
        if np is not None:
            np.start, np.other = s, True
        return np
    if t.tag == "H":
        return NP(pos, pos, 1, self_=t.low.endswith("self"), ref=True)
    if t.tag == "C" and qual is None:
        e = pos
        while e + 1 < n and toks[e + 1].tag == "C":
            e += 1
        if e + 1 < n and toks[e + 1].tag == "P" and not toks[e + 1].plural:
            return NP(pos, e + 1, 1, who=toks[e + 1].who, ref=True)  # "Long Beach woman"
        return NP(pos, e, 1, ref=True)
    if t.tag in "NZ":
        return _number_np_forward(toks, s, pos, qual)
    if t.tag in "ad":
        k = pos + 1
        if t.tag == "d" and k < n and toks[k].tag == "N":  # "the two victims"
            np = np_forward(toks, k)
            if np is not None:
                np.start = s
            return np
        while k < n and k - pos <= 3 and toks[k].tag in "jyC":
            k += 1
        if k < n and toks[k].tag != "P":
            k = _modifiers_to_noun(toks, k, pos + 6)  # "a top Palestinian Islamic Jihad commander"
        if k < n and toks[k].tag == "P":
            k = _head(toks, k)  # "a militant commander": the last noun is the head
            count = None if toks[k].plural else 1
            ref = t.tag == "d" and count == 1 and t.aux != "possessive"
            return NP(s, _past_age(toks, k), count, qual=qual, who=toks[k].who, ref=ref)
        if k - 1 > pos and toks[k - 1].tag == "y":
            return NP(s, k - 1, 1, qual=qual)  # "a 24-year-old"
        return None
    if t.tag in "jw" and qual is None:
        k = _modifiers_to_noun(toks, pos, pos + 3)  # headlines: "kills missile commander"
        if k > pos and k < n and toks[k].tag in "Py" and not toks[k].plural:
            return NP(pos, _head(toks, k), 1, who=toks[k].who)
        return None
    if t.tag == "P" and not t.plural and qual is None:
        return NP(pos, pos, 1, who=t.who)  # "shot himself and son"
    if t.tag == "y":  # "(kills) 5-year-old son"
        k = pos + 1
        while k < n and k - pos <= 3 and toks[k].tag in "jC":
            k += 1
        if k < n and toks[k].tag == "P" and not toks[k].plural:
            return NP(s, k, 1, qual=qual, who=toks[k].who)
        return NP(s, pos, 1, qual=qual)
    return None


def _number_np_forward(toks: list[Tok], s: int, pos: int, qual: str | None) -> NP | None:
    n = len(toks)
    qty = toks[pos].qty if toks[pos].tag == "N" else ZERO
    assert qty is not None
    k = pos + 1
    if k + 1 < n and toks[k].tag == "o":  # "two of the victims", "dozens of people"
        k2 = k + 1
        if toks[k2].tag == "d":
            k2 += 1
        while k2 < n and toks[k2].tag in "jyN":
            k2 += 1
        if k2 < n and toks[k2].tag == "P":
            return NP(s, k2, qty.value, qty, qual, toks[k2].who)
    while k < n and k - pos <= 3 and toks[k].tag in "jyC":
        k += 1
    if k < n and toks[k].tag == "P":
        k = _head(toks, k)  # "deux autres policiers"
        return NP(s, _past_age(toks, k), qty.value, qty, qual, toks[k].who)
    if pos + 1 < n and toks[pos + 1].tag == "w" and toks[pos + 1].aux not in ("function", "prep"):
        return None  # "killed 90,280 deer": a count of something else
    return NP(s, pos, qty.value, qty, qual)


def _past_age(toks: list[Tok], k: int) -> int:
    """Return where a noun phrase ends past an age told after its noun: "un hombre de 45
    años", "su hijo de 12", "a boy of 8"."""
    if k + 2 < len(toks) and toks[k + 1].tag == "o":
        age = toks[k + 2]
        if age.tag == "y" or (age.tag == "U" and age.aux == "age"):
            return k + 2
    return k


def _modifiers_to_noun(toks: list[Tok], k: int, limit: int) -> int:
    """Skip words that may modify a people noun ("top", "missile", "unarmed"); return where
    the noun is, or ``k`` when none follows before ``limit``."""
    j = k
    while j < len(toks) and j < limit and toks[j].tag in "jwyC" and toks[j].aux is None:
        j += 1
    return j if j < len(toks) and toks[j].tag in "Py" else k


def _head(toks: list[Tok], k: int) -> int:
    """Return the last of the people nouns that follow one another from ``k``."""
    while k + 1 < len(toks) and toks[k + 1].tag == "P" and toks[k + 1].aux != "possessive":
        k += 1
    return k


def np_list_forward(toks: list[Tok], s: int) -> NP | None:
    """Parse "his wife and then himself", "one person and two others" starting at ``s``."""
    n = len(toks)
    if s < n and toks[s].aux == "object":
        s += 1
    first = np_forward(toks, s)
    if first is None or first.count is None:
        return first
    nps = [first]
    joined = False  # a conjunction joins the list somewhere ("two others, and a woman")
    while True:
        k = nps[-1].end + 1
        if k >= n or toks[k].tag not in "&," or toks[k].aux == "dash":
            break
        joined = joined or toks[k].tag == "&"
        k += 1
        if k < n and toks[k].tag == "&":  # ", ainsi qu'une passante", ", and a woman"
            joined = True
            k += 1
        if k < n and toks[k].tag == "R":
            k += 1
        if k < n and toks[k].aux == "object":
            k += 1  # "mató a un hombre y a su hijo"
        nxt = np_forward(toks, k)
        if nxt is None or nxt.count is None:
            break
        after = nxt.end + 1
        while after < n and toks[after].tag == "R":
            after += 1
        if after < n and toks[after].tag in "ATv" and not toks[after].self_:
            break  # "arrested a man and two people were killed": a new clause
        if toks[k - 1].tag == "," and toks[k].tag in "yC":
            last = nps[-1]
            if toks[last.end].tag == "P" and last.count == 1:
                apposition = NP(last.start, nxt.end, 1, last.qty, last.qual, last.who)
                nps[-1] = apposition  # "his wife, Shawna Smith": one person, named
                continue
            if (last.count or 0) > 1:
                break  # "their two children, 6-year-old Tylee and 2-year-old Blake"
        nps.append(nxt)
    bare_commas = toks[nps[0].end + 1].tag == "," if len(nps) > 1 else False
    if bare_commas and not joined and not nps[-1].self_:
        nps = nps[:1]  # "killing two, police said" is no list; "kills son, self" is
    return _mark_other(toks, _combine(_apposition(toks, nps)))


def _apposition(toks: list[Tok], nps: list[NP]) -> list[NP]:
    """Read "Three victims, a 25-year-old man, a 26-year-old man and a 33-year-old man" as
    three: a count followed, after a comma, by people who add up to it names them."""
    head = nps[0]
    if len(nps) < 3 or not head.count or head.count < 2 or toks[head.end + 1].tag != ",":
        return nps
    if sum(x.count or 0 for x in nps[1:]) != head.count:
        return nps
    named = NP(head.start, nps[-1].end, head.count, head.qty, head.qual, head.who)
    return [named]


def _mark_other(toks: list[Tok], np: NP) -> NP:
    first = max(0, np.start - 1)  # "outros cinco policiais": the modifier before the number
    np.other = any(t.other for t in toks[first : np.end + 1])
    return np


def _combine(nps: list[NP]) -> NP:
    if len(nps) == 1:
        return nps[0]
    counts = [x.count for x in nps]
    total = None if None in counts else sum(c or 0 for c in counts)
    whos = {x.who for x in nps}
    who = whos.pop() if len(whos) == 1 else "people"
    qual = next((x.qual for x in nps if x.qual), None)
    np = NP(
        nps[0].start, nps[-1].end, total, None, qual, who, len(nps), ref=all(x.ref for x in nps)
    )
    np.self_ = any(x.self_ for x in nps) and not all(x.self_ for x in nps)
    return np
