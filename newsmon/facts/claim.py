"""The claim record: one casualty figure found in a text, and the values its fields take."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

from newsmon.core.records import CLAIM_KINDS

KINDS = CLAIM_KINDS  # one definition, in core.records
QUALIFIERS = ("exact", "at_least", "more_than", "about", "up_to", "vague")
# current: the reported event's figure; cumulative: a running total ("since 2011");
# historical: another time ("in 2015", "last year"); forecast: not a toll ("could kill").
SCOPES = ("current", "cumulative", "historical", "forecast")
# Read like kinds, never reported: someone shot and not killed is injured; "a fourth was
# wounded" means four victims so far, killed and injured together.
SHOT = "shot"
VICTIMS = "victims"
LEXICON_KINDS = (*KINDS, SHOT)


@dataclass(frozen=True)
class Claim:
    """One casualty figure found in a text, with its qualifier, scope and evidence."""

    kind: str  # killed|injured|missing|displaced|evacuated|arrested|kidnapped|affected
    value: int | None  # best single figure (the low for at_least/more_than/vague)
    low: int | None
    high: int | None
    qualifier: str  # exact|at_least|more_than|about|up_to|vague
    who: str | None  # people|civilians|children|soldiers|police|... (English)
    attributed_to: str | None  # "the Syrian Observatory for Human Rights", "police"
    scope: str  # current|cumulative|historical
    is_subcount: bool  # part of a larger total in the same text ("including 19 children")
    sentence: str  # the evidence sentence
    span: tuple[int, int]  # character offsets of the figure phrase in the text given
    lang: str
    rule: str = ""  # which rule found it: subject, object, toll, shot_not_killed...

    def to_dict(self) -> dict[str, Any]:
        """Return a JSON-ready dict."""
        data = asdict(self)
        data["span"] = list(self.span)
        return data
