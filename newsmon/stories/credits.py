"""Agency credits: the agency a page says a text comes from ("KARSA (AFP) -", "© Reuters")."""

from __future__ import annotations

import re

_AGENCIES: dict[str, tuple[str, ...]] = {
    "AFP": ("AFP", "Agence France-Presse", "Agence France Presse"),
    "AP": ("AP", "Associated Press"),
    "Reuters": ("Reuters", "REUTERS"),
    "dpa": ("dpa", "DPA", "Deutsche Presse-Agentur"),
    "EFE": ("EFE", "Agencia EFE"),
    "ANSA": ("ANSA",),
    "Lusa": ("Lusa", "LUSA"),
    "Xinhua": ("Xinhua",),
    "Anadolu": ("Anadolu", "Anadolu Agency"),
    "PA": ("PA", "PA Media", "Press Association"),
    "UPI": ("UPI",),
    "Kyodo": ("Kyodo",),
    "Yonhap": ("Yonhap",),
    "Europa Press": ("Europa Press",),
    "Agência Brasil": ("Agência Brasil",),
    "Belga": ("Belga",),
    "ATS": ("ATS", "Keystone-ATS"),
    "TASS": ("TASS",),
    "PTI": ("PTI",),
    "Bernama": ("Bernama",),
}
_NAME_TO_AGENCY = {name: agency for agency, names in _AGENCIES.items() for name in names}
_AGENCY_NAMES = "|".join(sorted(map(re.escape, _NAME_TO_AGENCY), key=len, reverse=True))
# "KARSA (AFP) -", "PARIS, March 5 (Reuters) —", "(AP) —"
_DATELINE = re.compile(
    rf"\((?:[^()]{{0,30}}[/,]\s*)?({_AGENCY_NAMES})(?:[/,][^()]{{0,30}})?\)\.?\s*[-–—:]"
)
# Credit lines: "AFP", "— Reuters", "By AFP", "© AFP 2024", "Source: AP", "avec AFP",
# "By Jane Doe, Reuters", "Copyright 2014 The Associated Press. All rights reserved."
_CREDIT_LINE = re.compile(
    rf"^\s*(?:[-–—©]\s*|\(|by\s+|par\s+|por\s+|source\s*:\s*|fonte\s*:\s*|fuente\s*:\s*|"
    rf"with\s+|avec\s+|com\s+|con\s+|copyright\s+(?:\d{{4}}\s+)?|"
    rf"(?:by|par|por)\s+[^,;|]{{2,40}}[,;|]\s*)*"
    rf"(?:the\s+)?({_AGENCY_NAMES})\b(?!\s*/?\s*(?:photo|image|file|video|graphic))",
    re.IGNORECASE,
)


def detect_credit(text: str, title: str | None = None) -> str | None:
    """Return the news agency a page credits ("AFP", "Reuters"...), or None."""
    match = _DATELINE.search(text[:400])
    if match and _spelt_right(match.group(1)):
        return _NAME_TO_AGENCY.get(match.group(1))
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    for line in [*lines[:3], *lines[-3:]]:
        if len(line.split()) > 14 and not line.lower().startswith("copyright"):
            continue
        found = _CREDIT_LINE.match(line)
        if found and _spelt_right(found.group(1)):
            return _agency(found.group(1))
    if title:
        found = re.search(rf"[-–—|]\s*({_AGENCY_NAMES})\s*$", title)
        if found and _spelt_right(found.group(1)):
            return _agency(found.group(1))
    return None


def _spelt_right(name: str) -> bool:
    # Short names ("AP", "PA", "dpa") count only as the agency spells them, so the word
    # "ap" or "pa" in a sentence never credits an agency.
    return len(name) > 5 or name in _NAME_TO_AGENCY


def _agency(name: str) -> str:
    if name in _NAME_TO_AGENCY:
        return _NAME_TO_AGENCY[name]
    lowered = {key.lower(): value for key, value in _NAME_TO_AGENCY.items()}
    return lowered[name.lower()]
