"""Casualty claims: how many were killed, injured, displaced..., who says so, with the evidence.

Rules over per-language lexicons (package data, overridable from config/lexicons), one module
per concern:

- ``lexicon``: loading and validating the lexicons;
- ``tokens``: sentences, tokens and their tags (numbers that count no one demoted);
- ``numbers``: number phrases in digits and words;
- ``phrases``: noun phrases and how many people they count;
- ``clauses``: each trigger linked to its noun phrase within a sentence;
- ``scope``: current, cumulative or historical; who says so;
- ``article``: the claims of a text settled together, the headline figure per kind;
- ``language``: the language of a text sent without one;
- ``timeline``: how a story's headline figures moved.

``extract_claims(text, lang, lexicons)`` and ``headline_figures(claims)`` are pure functions of
one text: they read no clock, no store and no network.
"""

from newsmon.facts.article import debug_tags, extract_claims, facts_record, headline_figures
from newsmon.facts.claim import KINDS, QUALIFIERS, SCOPES, Claim
from newsmon.facts.language import detect_language
from newsmon.facts.lexicon import Lexicon, Lexicons, load_lexicons

__all__ = [
    "KINDS",
    "QUALIFIERS",
    "SCOPES",
    "Claim",
    "Lexicon",
    "Lexicons",
    "debug_tags",
    "detect_language",
    "extract_claims",
    "facts_record",
    "headline_figures",
    "load_lexicons",
]
