"""Clause rules: each trigger linked to the noun phrase it counts, within one sentence.

The subject before it ("two others were wounded"), the object after an active verb ("killing
24 civilians"), a state across a gap ("was taken to hospital in critical condition"), the figure
after a toll noun ("the death toll rose to 255"), nouns ("3 deaths", "the death of a boy");
then sub-counts, "killed his wife and himself", "six wounded, two fatally", "five others".
"""

from __future__ import annotations

from dataclasses import dataclass

from newsmon.facts.claim import SHOT, VICTIMS
from newsmon.facts.numbers import Quantity
from newsmon.facts.phrases import (
    NP,
    NP_END,
    ZERO,
    np_forward,
    np_list_back,
    np_list_forward,
)
from newsmon.facts.tokens import Tok


@dataclass
class Raw:
    """A claim while its sentence is read (token indices, not yet offsets)."""

    kind: str
    np: NP
    trigger: int
    rule: str
    is_subcount: bool = False
    self_: bool = False
    forecast: bool = False  # "could kill 500,000", "is expected to pass 100": no toll


_SKIP_BEFORE_TRIGGER = "ARvt"  # "were also reportedly killed", "has since died"
# A toll figure sits this many tokens after its noun at most: "The death toll from the
# earthquake in the northern province rose to 78".
_TOLL_REACH = 16


def claims_in_sentence(toks: list[Tok]) -> list[Raw]:
    found: list[Raw] = []
    used: set[tuple[str, int]] = set()  # (kind, token) already inside a claimed phrase
    for i, t in enumerate(toks):
        if t.tag == "T":
            raw = _trigger(toks, i, found)
        elif t.tag == "X":
            compound = i >= 1 and toks[i - 1].tag in "NZa" and i + 1 < len(toks)
            if compound and toks[i + 1].tag == "P":
                continue  # "1 shooting victim has died": the event names the victim
            np = None if _negated(toks, i - 1) else np_list_forward(toks, i + 1)
            raw = (
                Raw(t.kind or "", np, i, "object")
                if np is not None and np.count is not None
                else None
            )
        elif t.tag == "W":
            raw = _state(toks, i)
        elif t.tag == "D":
            raw = _toll(toks, i)
        elif t.tag == "P" and t.aux == "lives":
            raw = _lives(toks, i)
        elif t.mark == "sending":
            raw = _sent(toks, i)
        else:
            continue
        if raw is None:
            continue
        span = range(raw.np.start, raw.np.end + 1)
        if raw.rule != "self" and any((raw.kind, k) in used for k in span):
            continue
        used.update((raw.kind, k) for k in span)
        raw.forecast = raw.forecast or _forecast(toks, raw.trigger) or _forecast(toks, raw.np.start)
        found.append(raw)
    found = _drop_nouns_in_objects(_drop_modifiers(found))
    found.extend(_elliptic_subcounts(toks, found, {k for _, k in used}))
    for raw in found:
        k = raw.np.start - 1
        while k >= 0 and toks[k].tag in ",R":
            k -= 1
        if k >= 0 and toks[k].tag == "S" and any(o.kind == raw.kind for o in found if o is not raw):
            raw.is_subcount = (
                True  # "255 morts, dont 19 enfants"; not "blessés, dont deux mortellement"
            )
    return found


def _drop_nouns_in_objects(found: list[Raw]) -> list[Raw]:
    """Drop a trigger that is the noun of another verb's object: "matou 111 presos" (prisoners
    killed, not 111 arrested), "mató a 3 detenidos"."""
    objects = {(r.np.start, r.np.end): r.kind for r in found if r.rule == "object"}
    return [
        r
        for r in found
        if not (
            r.rule == "subject"
            and r.trigger == r.np.end + 1
            and objects.get((r.np.start, r.np.end), r.kind) != r.kind
        )
    ]


def _drop_modifiers(found: list[Raw]) -> list[Raw]:
    """Drop a participle that only describes the subject of a death: "Woman injured in
    drive-by shooting dies", "Un homme blessé par balle est mort" (one person, killed)."""
    out = []
    for raw in found:
        died = raw.kind in ("injured", SHOT) and any(
            o.kind == "killed"
            and o.np.start == raw.np.start
            and raw.trigger == raw.np.end + 1
            and o.trigger > raw.trigger
            for o in found
        )
        if not died:
            out.append(raw)
    return out


def _describes_group(toks: list[Tok], np: NP, i: int) -> bool:
    """Say whether a participle describes the whole of a partitive: "One of the five people
    shot and killed was from Ohio", "Teenager one of two people injured" (5 and 2), not "45 of
    the 300 passengers were killed" nor "Dois dos quatro ocupantes morreram" (45 and 2)."""
    if np.end != i - 1 or toks[i].mark == "finite":
        return False
    before = toks[np.start - 1] if np.start > 0 else None
    if before is not None and before.tag in "APC":
        return True  # "was one of", "Teenager one of"
    for t in toks[i + 1 :]:
        if t.tag in ";.":
            return False
        if t.tag == "A":
            return True  # a verb of its own follows: the participle was a modifier
    return False


def _forecast(toks: list[Tok], i: int) -> bool:
    """Say whether the verb group before token ``i`` is a forecast: "could kill", "will die".

    Checked before the trigger and before its noun phrase ("pourrait faire des milliers de
    morts").
    """
    for j in range(i - 1, max(-1, i - 6), -1):
        if toks[j].mark == "forecast":
            return True
        if toks[j].tag not in "ARvtwGdoa":
            return False
    return False


def _lives(toks: list[Tok], i: int) -> Raw | None:
    """Read "claimed 26 lives", "cost at least 12 lives": a count after a taking verb."""
    np = np_list_back(toks, i)
    if np is None or np.count is None or np.start == i:
        return None
    k = np.start - 1
    while k >= 0 and toks[k].tag in "AR":
        k -= 1
    if k < 0 or toks[k].mark != "taking":
        return None  # "saved 26 lives"
    return Raw(toks[i].kind or "", np, i, "object")


def _sent(toks: list[Tok], i: int) -> Raw | None:
    """Read "sent four people to the hospital": the people a verb of sending takes to a
    place of care ("kinds.*.destination"); not "sent 40 officers to the scene"."""
    np = np_list_forward(toks, i + 1)
    if np is None or np.count is None or np.end + 1 >= len(toks):
        return None
    place = toks[np.end + 1]
    if place.aux != "destination" or place.kind is None:
        return None
    return Raw(place.kind, np, i, "object")


def _trigger(toks: list[Tok], i: int, found: list[Raw]) -> Raw | None:
    t = toks[i]
    kind = t.kind or ""
    if t.self_:
        return Raw(kind, NP(i, i, 1), i, "self", self_=True)
    if t.aux == "multiple" and t.qty is not None:
        return Raw(kind, NP(i, i, t.qty.value, t.qty), i, "multiple")  # "a triple homicide"
    k = i - 1
    passive = False
    while k >= 0 and toks[k].tag in _SKIP_BEFORE_TRIGGER:
        passive = passive or toks[k].aux == "passive"
        k -= 1
    if _negated(toks, k):
        return None  # "was not injured", "did not mean to hurt him"
    if t.aux == "noun":
        return _noun(toks, i)
    if t.active and not passive:
        obj = np_list_forward(toks, i + 1)
        if obj is not None and obj.count is not None:
            return Raw(kind, obj, i, "object")
        if i + 1 < len(toks) and toks[i + 1].tag in "NadCU":
            return None  # "hunters killed 90,280 deer": the subject is no victim
    if k == i - 1 and k >= 1 and toks[k].tag == "o" and toks[k - 1].tag in "NZ":
        k -= 1  # "des dizaines de morts", "milhares de desalojados"
    elif k == i - 1 and k >= 1 and toks[k].tag == "d" and toks[k - 1].tag == "N":
        k -= 1  # "Ya son 25 los muertos", "São 15 os mortos": the figure, then the dead
    subject = _subject(toks, k)
    if subject is not None and subject.whole is not None and _describes_group(toks, subject, i):
        subject = subject.whole
    if subject is not None and subject.count is not None:
        return Raw(kind, subject, i, "share" if t.aux == "share" else "subject")
    if k >= 0 and toks[k].tag == "&":
        shared = _shared_subject(toks, k, found)
        if shared is not None:
            return Raw(kind, shared, i, "shared_subject")  # "was shot twice and died"
    if k >= 1 and toks[k].tag in "&w" and toks[k - 1].tag == "," and toks[k].aux != "prep":
        # "A vítima foi levada ao hospital, mas não resistiu": the sentence's subject.
        first = np_list_forward(toks, 0)
        if first is not None and first.count == 1 and first.ref and toks[first.end].tag in "PC":
            return Raw(kind, first, i, "shared_subject")
    if i >= 1 and toks[i - 1].tag == "d" and i + 2 < len(toks) and toks[i + 1].tag == "A":
        named = np_list_forward(toks, i + 2)  # "Los fallecidos son un hombre y su hijo"
        last = toks[named.end] if named is not None else None
        if (
            named is not None
            and named.count
            and last is not None
            and (last.tag in "PCy" or last.aux == "age")
        ):
            after_named = toks[named.end + 1] if named.end + 1 < len(toks) else None
            if after_named is None or after_named.tag not in "TXA":
                return Raw(kind, named, i, "subject_after")
    if not t.active:
        after = np_list_forward(toks, i + 1)
        if (
            after is not None
            and after.count is not None
            and (toks[after.end].tag in "PZy" or toks[after.end].aux == "age")
            and toks[after.end].aux != "possessive"  # "grazed the girl's cheek"
        ):
            return Raw(kind, after, i, "subject_after")  # "morreram três pessoas"
    return None


def _noun(toks: list[Tok], i: int) -> Raw | None:
    """Read a noun trigger: "3 deaths", "no deaths", "the teen's death", "the death of a boy"."""
    kind = toks[i].kind or ""
    if i + 1 < len(toks) and toks[i + 1].aux == "head":
        return None  # "his murder conviction", "2 murder charges": the noun qualifies another
    if i + 2 < len(toks) and toks[i + 1].tag == "o":
        np = np_list_forward(toks, i + 2)
        if np is not None and np.count is not None:
            return Raw(kind, np, i, "object")
    k = i - 1
    while k >= 0 and toks[k].tag == "j":
        k -= 1  # "three violent deaths"
    if k < 0:
        return _toll(toks, i, reach=True)
    before = toks[k]
    if before.tag in "NZ" or (before.tag == "o" and k > 0 and toks[k - 1].tag in "NZ"):
        np = _subject(toks, k if before.tag != "o" else k - 1)  # "3 deaths", "dozens of deaths"
    elif before.aux == "possessive" or (before.tag == "H" and not before.low.endswith("self")):
        np = NP(k, k, 1, ref=True)  # "the teen's death", "Morgan's killing", "his death"
    else:
        return _toll(toks, i, reach=True)  # "Deaths surpass 1,000", "deaths rose to 78"
    if np is None or np.count is None:
        return None
    return Raw(kind, np, i, "subject")


def _negated(toks: list[Tok], k: int) -> bool:
    """Say whether a negation closes the verb group ending at ``k`` ("did not mean to")."""
    for j in range(k, max(-1, k - 4), -1):
        if toks[j].tag == "G":
            return True
        if toks[j].tag not in "wAR":
            return False
    return False


def _subject(toks: list[Tok], k: int) -> NP | None:
    """Find the subject ending at ``k``, past what is inserted between it and its verb.

    An apposition ("Smith, 24, was killed"), an inserted phrase or clause between commas,
    dashes or brackets ("At least 15 people - including 11 children - were killed", "more
    than 14,000 people, almost half of whom are children, have been displaced").
    """
    np = _subject_or_object(toks, k)
    if np is None or toks[k].tag != ",":
        return np
    # "Teen who shot 4, including 2 ATF agents, is killed": 4 is the relative clause's object.
    for r in range(np.start - 1, max(-1, np.start - 8), -1):
        t = toks[r]
        if t.tag in ",;.":
            break
        if t.aux == "relative":
            if r >= 1 and any(x.tag in "TXvA" for x in toks[r + 1 : np.start]):
                return np_list_back(toks, r - 1)
            break
    return np


def _subject_or_object(toks: list[Tok], k: int) -> NP | None:
    if k < 0:
        return None
    if toks[k].tag != ",":
        np = np_list_back(toks, k)
        if np is None or np.count is None:
            return _subject_past_modifier(toks, k) or np
        return np
    if toks[k].aux == "dash":
        # "The five victims — three men, ages 21 and 20, and two women — were shot": the
        # phrase between dashes names the subject's people, the subject is before it.
        for c in range(k - 1, max(-1, k - 24), -1):
            if toks[c].tag in ";.":
                break
            if toks[c].aux == "dash":
                if c >= 1 and not any(t.tag in "ATXWDv" for t in toks[c + 1 : k]):
                    np = np_list_back(toks, c - 1)
                    if np is not None and np.count is not None:
                        return np
                break
    close = k
    for c in range(k - 1, max(-1, k - 24), -1):
        tag = toks[c].tag
        if tag in ";.":
            return None
        if tag != ",":
            continue
        if toks[c + 1].tag == "&" and close == k and close - 1 > c + 1 and toks[k].aux != "dash":
            np = np_list_back(toks, close - 1)  # "A, B, and C, were shot": the list's end
            if np is not None and np.count is not None and toks[np.end].tag in "PCyH":
                return np  # not "Three men, ages 25, 26, and 33, were hurt": ages end it
        if not _inserted(toks[c + 1 : close]):
            return None
        if c >= 1 and toks[c - 1].tag in NP_END:
            np = np_list_back(toks, c - 1)
            if np is not None and np.count is not None:
                return np
        close = c
    return None


def _subject_past_modifier(toks: list[Tok], k: int) -> NP | None:
    """Find a subject followed by a prepositional phrase or a participle of another kind.

    "nine other people on board also dead", "Two of four Americans kidnapped in Mexico are
    dead", "residents of the building were evacuated".
    """
    ages = _before_ages(toks, k)
    if ages < k and ages >= 0 and toks[ages].tag == "P":
        np = np_list_back(toks, ages)  # "Five children between the ages of 11 and 15 were"
        if np is not None and np.count is not None:
            return np
    prepositions = 0
    for p in range(k, max(-1, k - 9), -1):
        t = toks[p]
        if t.tag == "X" and p >= 1 and (toks[p - 1].tag in "adjw" or toks[p - 1].glued):
            continue  # a noun inside the phrase: "injured in a drive-by shooting", "in
            # accidental shooting"
        if t.aux == "function" and p + 1 < len(toks) and toks[p + 1].tag == "o":
            continue  # a compound preposition: "lors de", "à cause de"
        age = t.tag == "Q" and p + 1 < len(toks) and toks[p + 1].aux == "age"  # "under age 10"
        if (t.tag in ",;.&NQvA@XWDS" and not age) or t.aux == "function":
            return None  # "calls 911 after being struck": "after" opens no modifier
        contraction = t.tag == "d" and p >= 1 and toks[p - 1].tag in "PHy"  # "do", "del", "du"
        if t.aux == "prep" or t.tag == "o" or contraction or age:
            prepositions += 1
            if prepositions > 1 and not _participle_opens(toks, p, k - 12):
                return None  # "voted 52-48 on a bill for injured veterans"
        elif t.tag != "T" or not (_opens_phrase(toks, p + 1) or prepositions):
            continue  # a participle opens a modifier only with its own phrase: "kidnapped in"
        if p >= 1 and toks[p - 1].tag in "PHy":
            np = np_list_back(toks, p - 1)
            if np is not None and np.count is not None:
                return np
    return None


def _participle_opens(toks: list[Tok], p: int, limit: int) -> bool:
    """Say whether a participle right after a people noun opens the phrases before ``p``: "A
    teenager shot in the head in her front yard (has died)"."""
    for j in range(p - 1, max(0, limit), -1):
        t = toks[j]
        if t.tag in ",;.NQvA@WDS&":
            return False
        if t.tag == "T" and t.mark != "finite" and toks[j - 1].tag == "P":
            return True
    return False


def _before_ages(toks: list[Tok], k: int) -> int:
    """Step back over ages told after a noun: "between the ages of 11 and 15", "aged 5"."""
    j = k
    while j >= 0 and (toks[j].aux == "age" or (toks[j].tag in "&o,d" and j < k)):
        j -= 1
    if j == k or not any(t.aux == "age" for t in toks[j + 1 : k + 1]):
        return k
    if j >= 0 and toks[j].tag == "w" and toks[j].aux is None and j - 1 >= 0:
        j -= 1  # "between"
    return j


def _opens_phrase(toks: list[Tok], j: int) -> bool:
    """Say whether a prepositional phrase starts at ``j``: "in", "de", "lors de"."""
    if j >= len(toks):
        return False
    t = toks[j]
    if t.aux == "prep" or t.tag == "o":
        return True
    return t.tag == "w" and j + 1 < len(toks) and toks[j + 1].tag == "o"


def _inserted(inner: list[Tok]) -> bool:
    """Say whether a phrase between commas can sit between a subject and its verb.

    A phrase without a verb of its own ("24", "of Traer", "including 11 children"), or a
    relative clause ("almost half of whom are children", "who was driving").
    """
    if not inner:
        return False
    if not any(t.tag in "ATXWD" for t in inner):
        return True
    return inner[0].tag == "S" or any(t.aux == "relative" or t.tag == "S" for t in inner[:5])


def _shared_subject(toks: list[Tok], k: int, found: list[Raw]) -> NP | None:
    """Return the subject of the verb coordinated before the "and" at ``k``."""
    for raw in reversed(found):
        if raw.rule not in ("subject", "shared_subject", "state") or raw.trigger >= k:
            continue
        between = toks[raw.trigger + 1 : k]
        if len(between) <= 8 and not any(t.tag in ";.,NTXWD" for t in between):
            return raw.np
        return None
    return None


def _toll(toks: list[Tok], i: int, reach: bool = False) -> Raw | None:
    """Read "the death toll rose to at least 255", "toll of 240".

    ``reach``: the figure must follow a verb of reaching ("deaths surpass 1,000").
    """
    n = len(toks)
    reached = not reach
    for k in range(i + 1, min(i + _TOLL_REACH, n)):
        tag = toks[k].tag
        if tag in "TX" and toks[k].kind == toks[i].kind and k - i <= 2 and toks[k - 1].tag in "oD":
            continue  # "el balance de víctimas mortales se elevó a 23": the toll's own noun
        if tag in ";.TXWD":
            break
        if toks[k].mark == "reach":
            reached = True
        elif tag in "QN" and not reached:
            return None
        if tag in "QN":
            np = np_forward(toks, k)
            if np is None or np.count is None:
                return None
            after = np.end + 1
            if after < n and toks[after].tag == "o":
                after += 1
            if after < n and toks[after].tag in "TX":
                return None  # "bilan de 3 blessés": the figure names its own kind
            forecast = any(t.mark == "forecast" for t in toks[i + 1 : k])
            return Raw(toks[i].kind or "", np, i, "toll", forecast=forecast)
    return _toll_before(toks, i)


def _toll_before(toks: list[Tok], i: int) -> Raw | None:
    """Read a figure told before its toll noun: "Sube a 40 la cifra de muertos", "Sobe para
    40 o número de mortos"."""
    k = i - 1
    while k >= 0 and toks[k].tag == "d":
        k -= 1
    if k < 1 or toks[k].tag != "N":
        return None
    start = k - 1 if toks[k - 1].tag == "Q" else k
    if start < 1 or toks[start - 1].mark != "reach":
        return None
    np = np_forward(toks, start)
    if np is None or np.count is None:
        return None
    return Raw(toks[i].kind or "", np, i, "toll")


def _state(toks: list[Tok], i: int) -> Raw | None:
    """Read "the victim was taken to hospital with non-life-threatening injuries"."""
    top = i - 1
    if top >= 0 and toks[top].tag == "Z":
        return Raw(toks[i].kind or "", NP(top, top, 0, ZERO), i, "subject")  # "no injuries"
    if i >= 2 and toks[i - 1].aux == "prep" and toks[i - 2].tag in NP_END:
        np = np_list_back(toks, i - 2)  # "with nine others in critical condition"
        if (
            np is not None
            and np.count is not None
            and np.start > 0
            and (toks[np.start - 1].aux in ("function", "prep") or toks[np.start - 1].tag == "&")
        ):
            return Raw(toks[i].kind or "", np, i, "state")
    if top >= 0 and toks[top].tag == "N":
        top -= 1  # "with two gunshot wounds": the number counts wounds
    for k in range(top, max(-1, i - 12), -1):
        tag = toks[k].tag
        if tag in ";.TXWDNG":
            return None
        if tag == "A":
            j = k
            while j > 0 and toks[j - 1].tag in _SKIP_BEFORE_TRIGGER:
                j -= 1
            if j > 0 and toks[j - 1].tag == "G":
                return None
            subject = _subject(toks, j - 1)
            if subject is None or subject.count is None:
                return None
            return Raw(toks[i].kind or "", subject, i, "state")
    return None


def _elliptic_subcounts(toks: list[Tok], found: list[Raw], used: set[int]) -> list[Raw]:
    """Read "..., including 19 in air strikes", "..., 50 of them children" as sub-counts.

    The kind is the marker's own ("the dead included") or that of the claim before it.
    """
    extra: list[Raw] = []
    n = len(toks)
    for i, t in enumerate(toks):
        np = None
        if t.tag == "S" and i + 1 < n and i + 1 not in used:
            k = i + 1
            while k < n and toks[k].tag in "AR":
                k += 1  # "among the dead were four children"
            np = np_forward(toks, k)
        elif (
            t.tag == "N"
            and i not in used
            and i + 3 < n
            and toks[i + 1].tag == "o"
            and toks[i + 2].tag == "P"
            and toks[i + 2].who is None
        ):
            k = i + 3
            while k < n and toks[k].tag == "j":
                k += 1
            if k < n and toks[k].tag == "P":
                np = NP(i, k, t.qty.value if t.qty else None, t.qty, None, toks[k].who)
        if np is None or np.count is None or any(k in used for k in range(np.start, np.end + 1)):
            continue
        kind = t.kind if t.tag == "S" else None
        if kind is None:
            claims = sorted(found + extra, key=lambda r: r.trigger)
            before = [r for r in claims if r.trigger < i]
            if not claims:
                continue
            kind = (before[-1] if before else claims[0]).kind
        used.update(range(np.start, np.end + 1))
        extra.append(Raw(kind, np, i, "subcount", is_subcount=True))
    return extra


def join_self(toks: list[Tok], raws: list[Raw]) -> list[Raw]:
    """Count "killed his wife before turning the gun on himself" as two deaths.

    Only when the other death is someone the killer acted on: the object of an active verb,
    or a passive subject with its agent ("was killed by her ex-boyfriend, before he killed
    himself"). "A man was found dead in an apparent suicide" is one death.
    """
    selfs = [r for r in raws if r.self_ and r.kind == "killed"]
    if not selfs:
        return raws
    others = [
        r
        for r in raws
        if not r.self_
        and r.kind == "killed"
        and (
            r.rule == "object"
            or (
                r.rule == "subject"
                and any(t.aux == "agent" for t in toks[r.trigger + 1 : r.trigger + 3])
            )
        )
    ]
    if not others:
        return raws
    out = [r for r in raws if r not in selfs and r not in others]
    for other in others:
        np = NP(
            other.np.start,
            other.np.end,
            (other.np.count or 0) + 1,
            None,
            other.np.qual,
            "people",
            2,
        )
        out.append(Raw("killed", np, other.trigger, "plus_self"))
    out.sort(key=lambda r: r.np.start)
    return out


def share_out(raws: list[Raw]) -> list[Raw]:
    """Read "six people were wounded, two fatally" as six shot: 2 killed and 4 injured."""
    for share in raws:
        if share.rule != "share":
            continue
        for raw in raws:
            if raw.kind == "injured" and raw.trigger < share.trigger and not raw.is_subcount:
                raw.kind = SHOT  # shot and not killed is injured: resolved per article
    return raws


def sum_others(toks: list[Tok], raws: list[Raw]) -> list[Raw]:
    """Add "five others" to the figures of its kind told before it in the sentence."""
    out: list[Raw] = []
    for raw in raws:
        np = raw.np
        if not raw.is_subcount and np.count and any(t.other for t in toks[np.start : np.end + 1]):
            before = [
                r
                for r in out
                if r.kind == raw.kind and not r.is_subcount and r.np.count and r.np.end < np.start
            ]
            if before:
                total = sum(r.np.count or 0 for r in before) + np.count
                summed = NP(np.start, np.end, total, None, np.qual, "people", parts=len(before) + 1)
                out.append(Raw(raw.kind, summed, raw.trigger, "sum_with_others"))
                continue
        out.append(raw)
    return out


def add_besides(toks: list[Tok], raws: list[Raw]) -> list[Raw]:
    """Count the people told beside a figure: "Besides Fabíola, two others were hurt" (3),
    "seven dead in the operation, besides two police officers" (9)."""
    marks = [b for b, t in enumerate(toks) if t.mark == "besides"]
    if not marks:
        return raws
    out = []
    for raw in raws:
        np = raw.np
        extra = None
        if not raw.is_subcount and np.count is not None:
            for b in marks:
                if np.other and b < np.start and all(t.tag != ";" for t in toks[b : np.start]):
                    extra = np_list_forward(toks, b + 1)  # "Além de Fabíola, outras duas"
                elif b > max(np.end, raw.trigger) and b > 0 and toks[b - 1].tag == ",":
                    extra = np_list_forward(toks, b + 1)  # "..., além de dois policiais"
                if extra is not None and extra.count:
                    break
                extra = None
        if extra is None or extra.count is None:
            out.append(raw)
            continue
        total = NP(np.start, np.end, (np.count or 0) + extra.count, None, np.qual, "people", 2)
        out.append(Raw(raw.kind, total, raw.trigger, "besides", forecast=raw.forecast))
    return out


def ordinal_victims(toks: list[Tok], raws: list[Raw]) -> list[Raw]:
    """Read "three were killed and a fourth was wounded" as at least four victims."""
    extra = []
    for raw in raws:
        np = raw.np
        if raw.kind == "killed":
            dead = _ordinal_dead(toks, raw, raws)
            if dead is not None:
                extra.append(dead)
            continue
        # "a fourth was wounded", never "the fourth child to be shot in three days"
        if raw.kind not in ("injured", SHOT) or np.parts > 1 or toks[np.start].tag not in "aN":
            continue
        for t in toks[np.start : np.end + 1]:
            if t.tag == "j" and t.qty is not None:
                victims = NP(np.start, np.end, t.qty.value, None, "at_least")
                extra.append(Raw(VICTIMS, victims, raw.trigger, "ordinal"))
                break
    return extra


def _ordinal_dead(toks: list[Tok], raw: Raw, raws: list[Raw]) -> Raw | None:
    """Read "A fifth person has died", "5th person dies", "une troisième victime est morte" as
    the toll so far (5, 3): the ordinal counts the dead, not the one person. Not "the fifth
    man was pronounced dead" (one of five shot) nor "Two were hurt and a third died"."""
    np = raw.np
    if raw.rule not in ("subject", "subject_after") or np.parts > 1 or np.count != 1:
        return None
    if toks[raw.trigger].aux == "noun" or toks[np.start].tag not in "ajN":
        return None
    if any(o.kind != "killed" and o.trigger < raw.trigger for o in raws):
        return None
    for t in toks[np.start : np.end + 1]:
        if t.tag == "j" and t.qty is not None and t.qty.value >= 2:
            qty = Quantity(t.qty.value, t.qty.value, t.qty.value)
            counted = NP(np.start, np.end, qty.value, qty, None, np.who)
            return Raw("killed", counted, raw.trigger, "ordinal", forecast=raw.forecast)
    return None
