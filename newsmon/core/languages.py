"""Language tags and the per-language word tables several stages share."""

from __future__ import annotations

import re

# The languages newsmon reads figures and stories in (lexicons exist for each).
SUPPORTED = ("en", "fr", "pt", "es")

_TAG = re.compile(r"^[a-z]{2,3}(?:-[a-z0-9]{1,8})*$")


def language_tag(value: object) -> str | None:
    """Return a lowercase BCP 47 tag ("en", "pt-br") or None when ``value`` is not one."""
    if not isinstance(value, str):
        return None
    tag = value.strip().replace("_", "-").lower()
    return tag if _TAG.match(tag) else None


def primary_language(value: object) -> str | None:
    """Return the primary subtag of a language tag ("pt-BR" -> "pt"), or None."""
    tag = language_tag(value)
    return tag.split("-")[0] if tag else None


# Month and weekday names (and their abbreviations) in en, fr, pt and es, folded to lowercase.
MONTHS: dict[str, int] = {
    **dict.fromkeys(["january", "jan", "janvier", "janv", "janeiro", "enero"], 1),
    **dict.fromkeys(["february", "feb", "février", "fevrier", "févr", "fevereiro", "febrero"], 2),
    **dict.fromkeys(["march", "mar", "mars", "março", "marco", "marzo"], 3),
    **dict.fromkeys(["april", "apr", "avril", "abril"], 4),
    **dict.fromkeys(["may", "mai", "maio", "mayo"], 5),
    **dict.fromkeys(["june", "jun", "juin", "junho", "junio"], 6),
    **dict.fromkeys(["july", "jul", "juillet", "julho", "julio"], 7),
    **dict.fromkeys(["august", "aug", "août", "aout", "agosto"], 8),
    **dict.fromkeys(["september", "sep", "sept", "septembre", "setembro", "septiembre"], 9),
    **dict.fromkeys(["setiembre"], 9),
    **dict.fromkeys(["october", "oct", "octobre", "outubro", "octubre"], 10),
    **dict.fromkeys(["november", "nov", "novembre", "novembro", "noviembre"], 11),
    **dict.fromkeys(["december", "dec", "décembre", "decembre", "dezembro", "diciembre"], 12),
}
WEEKDAYS: dict[str, int] = {
    **dict.fromkeys(["monday", "lundi", "segunda-feira", "lunes"], 0),
    **dict.fromkeys(["tuesday", "mardi", "terça-feira", "terca-feira", "martes"], 1),
    **dict.fromkeys(["wednesday", "mercredi", "quarta-feira", "miércoles", "miercoles"], 2),
    **dict.fromkeys(["thursday", "jeudi", "quinta-feira", "jueves"], 3),
    **dict.fromkeys(["friday", "vendredi", "sexta-feira", "viernes"], 4),
    **dict.fromkeys(["saturday", "samedi", "sábado", "sabado"], 5),
    **dict.fromkeys(["sunday", "dimanche", "domingo"], 6),
}
