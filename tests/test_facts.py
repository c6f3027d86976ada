"""Casualty claims: a table of our own phrases is the spec (EN, FR, PT, ES)."""

from __future__ import annotations

import importlib.util
import json
import sys
from pathlib import Path

import pytest

from newsmon.core.errors import ConfigError
from newsmon.facts import (
    KINDS,
    QUALIFIERS,
    SCOPES,
    Claim,
    Lexicons,
    extract_claims,
    facts_record,
    headline_figures,
    load_lexicons,
)

ROOT = Path(__file__).resolve().parents[1]

NONE: list[dict] = []  # the phrase holds no casualty claim at all

# (lang, phrase, expected claims). Each expected dict must match one claim on every key it
# gives; a claim of a kind that no expected dict names fails the case.
CASES: list[tuple[str, str, list[dict]]] = [
    # --- English: figures told only in words
    (
        "en",
        "A man was shot and killed on Friday night.",
        [{"kind": "killed", "value": 1, "who": "men"}],
    ),
    ("en", "Two others were wounded.", [{"kind": "injured", "value": 2, "qualifier": "exact"}]),
    ("en", "A woman was injured.", [{"kind": "injured", "value": 1, "who": "women"}]),
    (
        "en",
        "Police say he opened fire, killing his wife and then himself.",
        [{"kind": "killed", "value": 2}],
    ),
    ("en", "No one was hurt.", [{"kind": "injured", "value": 0, "qualifier": "exact"}]),
    ("en", "Nobody was injured in the blaze.", [{"kind": "injured", "value": 0}]),
    (
        "en",
        "Two people were shot, one fatally.",
        [
            {"kind": "killed", "value": 1},
            {"kind": "injured", "value": 1, "rule": "shot_not_killed"},
        ],
    ),
    (
        "en",
        "A teenager was shot dead outside a store.",
        [{"kind": "killed", "value": 1, "who": "teenagers"}],
    ),
    ("en", "The victim died at the hospital.", [{"kind": "killed", "value": 1}]),
    (
        "en",
        "A 19-year-old suffered non-life-threatening injuries.",
        [{"kind": "injured", "value": 1}],
    ),
    (
        "en",
        "Three people were wounded and one person was killed in the crash.",
        [{"kind": "injured", "value": 3}, {"kind": "killed", "value": 1}],
    ),
    (
        "en",
        "He and two other men were taken to the hospital with gunshot wounds.",
        [{"kind": "injured", "value": 3}],
    ),
    ("en", "A man and a woman were found dead inside the home.", [{"kind": "killed", "value": 2}]),
    ("en", "Both victims died at the scene.", [{"kind": "killed", "value": 2}]),
    (
        "en",
        "The boy was listed in critical condition.",
        [{"kind": "injured", "value": 1, "rule": "state"}],
    ),
    ("en", "Five people were hospitalized.", [{"kind": "injured", "value": 5, "who": "people"}]),
    (
        "en",
        "Police said one person died and four others were hurt.",
        [
            {"kind": "killed", "value": 1, "attributed_to": "police"},
            {"kind": "injured", "value": 4, "attributed_to": "police"},
        ],
    ),
    (
        "en",
        "Three people were killed and a fourth was wounded.",
        [{"kind": "killed", "value": 3}, {"kind": "injured", "value": 1}],
    ),
    (
        "en",
        "Three men were shot, and a fourth was grazed by a bullet.",
        [{"kind": "injured", "value": 4, "rule": "victims_not_killed"}],
    ),
    (
        "en",
        "A man was shot several times and died at a hospital.",
        [
            {"kind": "killed", "value": 1, "rule": "shared_subject"},
            {"kind": "injured", "value": 0, "rule": "shot_not_killed"},  # the one shot died
        ],
    ),
    ("en", "He was taken to a hospital where he died.", [{"kind": "killed", "value": 1}]),
    ("en", "She was treated and released.", [{"kind": "injured", "value": 1}]),
    (
        "en",
        "Two people were shot; one of them died later.",
        [{"kind": "killed", "value": 1}, {"kind": "injured", "value": 1}],
    ),
    (
        "en",
        "Seven people were shot, two of them fatally.",
        [{"kind": "killed", "value": 2}, {"kind": "injured", "value": 5}],
    ),
    (
        "en",
        "The shooting left one man dead and two others injured.",
        [{"kind": "killed", "value": 1}, {"kind": "injured", "value": 2}],
    ),
    ("en", "Man, woman found dead in apartment", [{"kind": "killed", "value": 2}]),
    (
        "en",
        "3 killed, 5 wounded in overnight shooting",
        [{"kind": "killed", "value": 3}, {"kind": "injured", "value": 5}],
    ),
    ("en", "Police: 2 children, 1 adult dead after fire", [{"kind": "killed", "value": 3}]),
    (
        "en",
        "A man, his wife and their two children died in the fire.",
        [{"kind": "killed", "value": 4}],
    ),
    ("en", "Smith, 34, and Jones, 29, were wounded.", [{"kind": "injured", "value": 2}]),
    (
        "en",
        "A man died at the scene, two people are in critical condition and five others were hurt.",
        [
            {"kind": "killed", "value": 1},
            {"kind": "injured", "value": 7, "rule": "sum_with_others"},
        ],
    ),
    ("en", "A 10-year-old boy accidentally shoots self in arm", [{"kind": "injured", "value": 1}]),
    # --- English: digits, grouping, words, multipliers, qualifiers
    (
        "en",
        "At least 240 people were killed, according to a monitoring group.",
        [
            {
                "kind": "killed",
                "value": 240,
                "low": 240,
                "high": None,
                "qualifier": "at_least",
                "who": "people",
                "attributed_to": "a monitoring group",
                "scope": "current",
                "is_subcount": False,
            }
        ],
    ),
    (
        "en",
        "More than 14,000 people have been displaced.",
        [{"kind": "displaced", "value": 14000, "low": 14000, "qualifier": "more_than"}],
    ),
    (
        "en",
        "Some 14 000 residents were evacuated.",
        [{"kind": "evacuated", "value": 14000, "qualifier": "about", "who": "residents"}],
    ),
    (
        "en",
        "About 14.000 people were affected by the floods.",
        [{"kind": "affected", "value": 14000}],
    ),
    (
        "en",
        "Nearly 300 people were killed.",
        [{"kind": "killed", "value": 300, "low": None, "high": 300, "qualifier": "about"}],
    ),
    (
        "en",
        "Up to 300 people may have died.",
        [{"kind": "killed", "value": 300, "low": None, "high": 300, "qualifier": "up_to"}],
    ),
    (
        "en",
        "Dozens of people were injured.",
        [{"kind": "injured", "value": 24, "low": 24, "high": None, "qualifier": "vague"}],
    ),
    ("en", "Hundreds were arrested.", [{"kind": "arrested", "value": 200, "qualifier": "vague"}]),
    (
        "en",
        "Thousands of families were displaced.",
        [{"kind": "displaced", "value": 2000, "qualifier": "vague", "who": "families"}],
    ),
    (
        "en",
        "Tens of thousands of people fled their homes.",
        [{"kind": "displaced", "value": 20000, "qualifier": "vague"}],
    ),
    ("en", "Nineteen people were killed.", [{"kind": "killed", "value": 19, "qualifier": "exact"}]),
    (
        "en",
        "A dozen soldiers were wounded.",
        [{"kind": "injured", "value": 12, "qualifier": "about", "who": "soldiers"}],
    ),
    ("en", "Half a million people have been displaced.", [{"kind": "displaced", "value": 500_000}]),
    ("en", "16.7 million people were affected.", [{"kind": "affected", "value": 16_700_000}]),
    ("en", "Two hundred and forty people died.", [{"kind": "killed", "value": 240}]),
    (
        "en",
        "Between 20 and 30 people were kidnapped.",
        [{"kind": "kidnapped", "value": 20, "low": 20, "high": 30, "qualifier": "about"}],
    ),
    (
        "en",
        "Twenty-five civilians were killed.",
        [{"kind": "killed", "value": 25, "who": "civilians"}],
    ),
    (
        "en",
        "One and a half million people were displaced.",
        [{"kind": "displaced", "value": 1_500_000}],
    ),
    ("en", "Several people were injured.", [{"kind": "injured", "value": 3, "qualifier": "vague"}]),
    ("en", "A few people were hurt.", [{"kind": "injured", "value": 2, "qualifier": "vague"}]),
    ("en", "The death toll rose to 255.", [{"kind": "killed", "value": 255, "rule": "toll"}]),
    (
        "en",
        "The death toll has risen to at least 255, officials said.",
        [{"kind": "killed", "value": 255, "qualifier": "at_least", "attributed_to": "officials"}],
    ),
    ("en", "The toll rose from 240 to 255.", [{"kind": "killed", "value": 255}]),
    # --- numbers as people write them (issue 16): Unicode digits and separators
    ("en", "Officials said ١٬٢٠٠ people were injured.", [{"kind": "injured", "value": 1200}]),
    ("en", "۱٬۲۰۰ people were injured in the quake.", [{"kind": "injured", "value": 1200}]),
    ("en", "１，２００ people were evacuated.", [{"kind": "evacuated", "value": 1200}]),
    ("en", "1'200 people were displaced by the floods.", [{"kind": "displaced", "value": 1200}]),
    ("en", "1’200 residents were evacuated.", [{"kind": "evacuated", "value": 1200}]),
    ("en", "2\u200b40 people were killed in the raid.", [{"kind": "killed", "value": 240}]),
    ("fr", "Le séisme a fait 2\u2009400 blessés.", [{"kind": "injured", "value": 2400}]),
    ("es", "Unas ١٢ personas resultaron heridas.", [{"kind": "injured", "value": 12}]),
    ("en", "The gunman killed 10000000000000000000 people.", NONE),
    ("en", "1" + "0" * 30 + " people were killed.", NONE),
    # --- English: sub-counts and scope
    (
        "en",
        "24 civilians were killed, including 19 in air strikes.",
        [
            {"kind": "killed", "value": 24, "is_subcount": False},
            {"kind": "killed", "value": 19, "is_subcount": True},
        ],
    ),
    (
        "en",
        "At least 240 people were killed, among them 50 children.",
        [
            {"kind": "killed", "value": 240, "is_subcount": False},
            {"kind": "killed", "value": 50, "is_subcount": True, "who": "children"},
        ],
    ),
    (
        "en",
        "240 people died, 50 of them children.",
        [{"kind": "killed", "value": 240}, {"kind": "killed", "value": 50, "is_subcount": True}],
    ),
    (
        "en",
        "Twelve people were killed; among the dead were four children.",
        [{"kind": "killed", "value": 12}, {"kind": "killed", "value": 4, "is_subcount": True}],
    ),
    (
        "en",
        "Nine people were killed and 30 injured, including 5 in critical condition.",
        [
            {"kind": "killed", "value": 9},
            {"kind": "injured", "value": 30},
            {"kind": "injured", "value": 5, "is_subcount": True},
        ],
    ),
    (
        "en",
        "More than half a million people have died since 2011.",
        [{"kind": "killed", "value": 500_000, "qualifier": "more_than", "scope": "cumulative"}],
    ),
    (
        "en",
        "Since 2011, more than half a million people have been killed.",
        [{"kind": "killed", "value": 500_000, "scope": "cumulative"}],
    ),
    (
        "en",
        "So far this year, 45 people have been killed in the city.",
        [{"kind": "killed", "value": 45, "scope": "cumulative"}],
    ),
    (
        "en",
        "Last year, 12 people were killed in a similar attack.",
        [{"kind": "killed", "value": 12, "scope": "historical"}],
    ),
    (
        "en",
        "Six months ago, four people were killed at the same spot.",
        [{"kind": "killed", "value": 4, "scope": "historical"}],
    ),
    # --- English: other kinds, objects, attribution
    (
        "en",
        "Police arrested two men.",
        [{"kind": "arrested", "value": 2, "who": "men", "rule": "object"}],
    ),
    (
        "en",
        "Two suspects were taken into custody.",
        [{"kind": "arrested", "value": 2, "who": "suspects"}],
    ),
    ("en", "Five crew members are still missing.", [{"kind": "missing", "value": 5}]),
    (
        "en",
        "Gunmen abducted 30 students from a school.",
        [{"kind": "kidnapped", "value": 30, "who": "students"}],
    ),
    (
        "en",
        "The storm affected 14,000 households.",
        [{"kind": "affected", "value": 14000, "who": "households"}],
    ),
    ("en", "Officials evacuated 2,000 residents.", [{"kind": "evacuated", "value": 2000}]),
    (
        "en",
        "Police said 12 people were detained during the protest.",
        [{"kind": "arrested", "value": 12, "attributed_to": "police"}],
    ),
    (
        "en",
        "The ministry said 3,000 people remain missing.",
        [{"kind": "missing", "value": 3000, "attributed_to": "the ministry"}],
    ),
    (
        "en",
        "OCHA said 14,000 people had been displaced.",
        [{"kind": "displaced", "value": 14000, "attributed_to": "OCHA"}],
    ),
    (
        "en",
        "At least 45 people were killed, the health ministry said.",
        [{"kind": "killed", "value": 45, "attributed_to": "the health ministry"}],
    ),
    (
        "en",
        "According to the Syrian Observatory for Human Rights, 240 people were killed.",
        [
            {
                "kind": "killed",
                "value": 240,
                "attributed_to": "the Syrian Observatory for Human Rights",
            }
        ],
    ),
    (
        "en",
        "Five people were killed, said a police spokesman.",
        [{"kind": "killed", "value": 5, "attributed_to": "a police spokesman"}],
    ),
    ("en", "A man shot and wounded two neighbors.", [{"kind": "injured", "value": 2}]),
    ("en", "A gunman opened fire, wounding three people.", [{"kind": "injured", "value": 3}]),
    (
        "en",
        "The attack killed 12 and wounded 40.",
        [{"kind": "killed", "value": 12}, {"kind": "injured", "value": 40}],
    ),
    (
        "en",
        "The explosion left 30 people dead and more than 100 injured.",
        [
            {"kind": "killed", "value": 30},
            {"kind": "injured", "value": 100, "qualifier": "more_than"},
        ],
    ),
    (
        "en",
        "The bombing claimed the lives of 17 soldiers.",
        [{"kind": "killed", "value": 17, "who": "soldiers"}],
    ),
    (
        "en",
        "A gunman killed five people before turning the gun on himself.",
        [{"kind": "killed", "value": 6, "rule": "plus_self"}],
    ),
    (
        "en",
        "The woman was shot and killed by a neighbor, who then killed himself.",
        [{"kind": "killed", "value": 2}],
    ),
    ("en", "A man was found dead in an apparent suicide.", [{"kind": "killed", "value": 1}]),
    ("en", "The teen's death shocked the town.", [{"kind": "killed", "value": 1}]),
    ("en", "The deaths of two men shocked the town.", [{"kind": "killed", "value": 2}]),
    (
        "en",
        "Officials reported 14 deaths and no injuries.",
        [{"kind": "killed", "value": 14}, {"kind": "injured", "value": 0}],
    ),
    ("en", "Police are investigating the Elm Street murder.", NONE),
    (
        "en",
        "Six people were wounded, two of them mortally.",
        [{"kind": "killed", "value": 2, "rule": "share"}, {"kind": "injured", "value": 4}],
    ),
    (
        "en",
        "A man was arrested in the shooting death of a high school student.",
        [{"kind": "arrested", "value": 1}, {"kind": "killed", "value": 1, "who": "students"}],
    ),
    # --- English: numbers that count no one
    ("en", "A 24-year-old man was killed.", [{"kind": "killed", "value": 1, "who": "men"}]),
    ("en", "The 8-year-old girl died on Sunday.", [{"kind": "killed", "value": 1}]),
    ("en", "John Smith, 45, was pronounced dead at the scene.", [{"kind": "killed", "value": 1}]),
    ("en", "The victim, 31, was shot in the arm.", [{"kind": "injured", "value": 1}]),
    ("en", "A girl, 7, was wounded.", [{"kind": "injured", "value": 1}]),
    ("en", "Two men, 24 and 31, were wounded.", [{"kind": "injured", "value": 2}]),
    ("en", "A 2-year-old was shot in the leg.", [{"kind": "injured", "value": 1}]),
    ("en", "The 24-year-old suspect was arrested.", [{"kind": "arrested", "value": 1}]),
    ("en", "He was killed in 1998.", [{"kind": "killed", "value": 1}]),
    ("en", "He served 25 years in prison for killing two men.", [{"kind": "killed", "value": 2}]),
    ("en", "The crash killed three people on Highway 101.", [{"kind": "killed", "value": 3}]),
    (
        "en",
        "The family lives at 123 Main Street, where two people were injured.",
        [{"kind": "injured", "value": 2}],
    ),
    ("en", "Jan. 12, 2014: 3 dead in shooting", [{"kind": "killed", "value": 3}]),
    ("en", "At 10:30, two men were shot on Route 66.", [{"kind": "injured", "value": 2}]),
    ("en", "The shooting happened at 10:30 on Route 66.", NONE),
    ("en", "A $5 million reward was offered for information on the killing.", NONE),
    ("en", "About 45% of those surveyed said they feared being hurt.", NONE),
    ("en", "The Senate voted 52-48 on a bill for injured veterans.", NONE),
    ("en", "The home side won 3-1 despite injuries to key players.", NONE),
    ("en", "Call 555-123-4567 if you saw the shooting.", NONE),
    ("en", "The 1,200-page report on the killings was released.", NONE),
    ("en", "Police received 911 calls about shots fired near 5th Avenue.", NONE),
    ("en", "The driver was not injured.", NONE),
    ("en", "It was the city's 17th homicide of the year.", NONE),
    ("en", "Hunters killed 90,280 deer during the season.", NONE),
    ("en", "He did not mean to hurt him.", NONE),
    ("en", "She died as a result of her injuries.", [{"kind": "killed", "value": 1}]),
    ("en", "No shots were fired and no one was arrested.", [{"kind": "arrested", "value": 0}]),
    ("en", "Read more at http://example.com/man-killed-224522001.html today.", NONE),
    # --- French
    (
        "fr",
        "Au moins 240 personnes ont été tuées, selon l'Observatoire syrien des droits de l'homme.",
        [
            {
                "kind": "killed",
                "value": 240,
                "qualifier": "at_least",
                "who": "people",
                "attributed_to": "l'Observatoire syrien des droits de l'homme",
                "lang": "fr",
            }
        ],
    ),
    (
        "fr",
        "Plus de 14 000 personnes ont été déplacées.",
        [{"kind": "displaced", "value": 14000, "qualifier": "more_than"}],
    ),
    (
        "fr",
        "Environ 14.000 habitants ont été évacués.",
        [{"kind": "evacuated", "value": 14000, "qualifier": "about", "who": "residents"}],
    ),
    ("fr", "Deux policiers ont été blessés.", [{"kind": "injured", "value": 2, "who": "police"}]),
    (
        "fr",
        "Un homme a été tué par balle samedi soir.",
        [{"kind": "killed", "value": 1, "who": "men"}],
    ),
    ("fr", "Une femme a été blessée.", [{"kind": "injured", "value": 1, "who": "women"}]),
    ("fr", "Personne n'a été blessé.", [{"kind": "injured", "value": 0}]),
    ("fr", "Aucun blessé n'est à déplorer.", [{"kind": "injured", "value": 0}]),
    (
        "fr",
        "L'attaque a fait 12 morts et une trentaine de blessés.",
        [{"kind": "killed", "value": 12}, {"kind": "injured", "value": 30, "qualifier": "about"}],
    ),
    (
        "fr",
        "Des dizaines de personnes ont été arrêtées.",
        [{"kind": "arrested", "value": 20, "qualifier": "vague"}],
    ),
    (
        "fr",
        "Le bilan s'élève à 255 morts, dont 19 enfants.",
        [
            {"kind": "killed", "value": 255},
            {"kind": "killed", "value": 19, "is_subcount": True, "who": "children"},
        ],
    ),
    ("fr", "Dix-neuf civils ont été tués.", [{"kind": "killed", "value": 19, "who": "civilians"}]),
    (
        "fr",
        "Quatre-vingt-dix personnes sont portées disparues.",
        [{"kind": "missing", "value": 90}],
    ),
    (
        "fr",
        "Plus d'un demi-million de personnes sont mortes depuis 2011.",
        [{"kind": "killed", "value": 500_000, "qualifier": "more_than", "scope": "cumulative"}],
    ),
    (
        "fr",
        "Près de 300 personnes ont péri.",
        [{"kind": "killed", "value": 300, "high": 300, "qualifier": "about"}],
    ),
    (
        "fr",
        "Jusqu'à 300 personnes ont été tuées.",
        [{"kind": "killed", "value": 300, "qualifier": "up_to"}],
    ),
    (
        "fr",
        "Le tireur a tué trois personnes avant de se suicider.",
        [{"kind": "killed", "value": 4, "rule": "plus_self"}],
    ),
    ("fr", "Un homme de 24 ans a été tué.", [{"kind": "killed", "value": 1}]),
    (
        "fr",
        "La police a interpellé deux suspects.",
        [{"kind": "arrested", "value": 2, "who": "suspects"}],
    ),
    (
        "fr",
        "Deux personnes ont été blessées, dont une grièvement.",
        [{"kind": "injured", "value": 2}, {"kind": "injured", "value": 1, "is_subcount": True}],
    ),
    ("fr", "Il n'a pas été blessé.", NONE),
    (
        "fr",
        "Le décès de deux soldats a été confirmé.",
        [{"kind": "killed", "value": 2, "who": "soldiers"}],
    ),
    (
        "fr",
        "Cinq personnes ont été blessées, dont deux mortellement.",
        [{"kind": "killed", "value": 2}, {"kind": "injured", "value": 3}],
    ),
    (
        "fr",
        "Vingt et un soldats ont été tués, a indiqué l'armée.",
        [{"kind": "killed", "value": 21, "who": "soldiers", "attributed_to": "l'armée"}],
    ),
    (
        "fr",
        "Deux blessés ont été transportés à l'hôpital à 10h30, au 12 rue de la Paix.",
        [{"kind": "injured", "value": 2}],
    ),
    (
        "fr",
        "Un enfant de 8 ans a été enlevé.",
        [{"kind": "kidnapped", "value": 1, "who": "children"}],
    ),
    (
        "fr",
        "Une dizaine de manifestants ont été interpellés.",
        [{"kind": "arrested", "value": 10, "qualifier": "about", "who": "protesters"}],
    ),
    ("fr", "Les deux victimes sont décédées à l'hôpital.", [{"kind": "killed", "value": 2}]),
    (
        "fr",
        "Des milliers de personnes ont fui leurs maisons.",
        [{"kind": "displaced", "value": 2000, "qualifier": "vague"}],
    ),
    (
        "fr",
        "Deux policiers ont été blessés et un troisième est mort.",
        [{"kind": "injured", "value": 2}, {"kind": "killed", "value": 1}],
    ),
    # --- Portuguese
    (
        "pt",
        "Pelo menos 240 pessoas morreram, segundo o Observatório Sírio dos Direitos Humanos.",
        [
            {
                "kind": "killed",
                "value": 240,
                "qualifier": "at_least",
                "attributed_to": "o Observatório Sírio dos Direitos Humanos",
                "lang": "pt",
            }
        ],
    ),
    (
        "pt",
        "Mais de 14 mil pessoas estão desalojadas.",
        [{"kind": "displaced", "value": 14000, "qualifier": "more_than"}],
    ),
    (
        "pt",
        "Cerca de 14.000 moradores foram evacuados.",
        [{"kind": "evacuated", "value": 14000, "qualifier": "about", "who": "residents"}],
    ),
    (
        "pt",
        "Um homem foi morto a tiros na noite de sábado.",
        [{"kind": "killed", "value": 1, "who": "men"}],
    ),
    ("pt", "Duas pessoas ficaram feridas.", [{"kind": "injured", "value": 2}]),
    ("pt", "Ninguém ficou ferido.", [{"kind": "injured", "value": 0}]),
    (
        "pt",
        "O ataque deixou 12 mortos e dezenas de feridos.",
        [{"kind": "killed", "value": 12}, {"kind": "injured", "value": 20, "qualifier": "vague"}],
    ),
    (
        "pt",
        "O número de mortos subiu para 255, incluindo 19 crianças.",
        [
            {"kind": "killed", "value": 255, "rule": "toll"},
            {"kind": "killed", "value": 19, "is_subcount": True},
        ],
    ),
    ("pt", "Dezenove civis foram mortos.", [{"kind": "killed", "value": 19, "who": "civilians"}]),
    (
        "pt",
        "Meio milhão de pessoas foram deslocadas desde 2011.",
        [{"kind": "displaced", "value": 500_000, "scope": "cumulative"}],
    ),
    (
        "pt",
        "Quase 300 pessoas morreram.",
        [{"kind": "killed", "value": 300, "high": 300, "qualifier": "about"}],
    ),
    ("pt", "Até 300 pessoas morreram.", [{"kind": "killed", "value": 300, "qualifier": "up_to"}]),
    (
        "pt",
        "Morreram três pessoas no acidente.",
        [{"kind": "killed", "value": 3, "rule": "subject_after"}],
    ),
    (
        "pt",
        "A polícia prendeu dois suspeitos.",
        [{"kind": "arrested", "value": 2, "who": "suspects"}],
    ),
    ("pt", "Um jovem de 17 anos foi baleado.", [{"kind": "injured", "value": 1}]),
    (
        "pt",
        "Duas pessoas foram baleadas e uma morreu.",
        [{"kind": "killed", "value": 1}, {"kind": "injured", "value": 1}],
    ),
    ("pt", "O atirador matou a ex-mulher e depois se matou.", [{"kind": "killed", "value": 2}]),
    ("pt", "Cento e vinte pessoas continuam desaparecidas.", [{"kind": "missing", "value": 120}]),
    ("pt", "Ele não ficou ferido.", NONE),
    ("pt", "O acidente causou 12 mortes.", [{"kind": "killed", "value": 12}]),
    ("pt", "A polícia investiga a morte de três jovens.", [{"kind": "killed", "value": 3}]),
    (
        "pt",
        "Vinte e cinco policiais ficaram feridos, informou a Secretaria de Segurança.",
        [
            {
                "kind": "injured",
                "value": 25,
                "who": "police",
                "attributed_to": "a Secretaria de Segurança",
            }
        ],
    ),
    (
        "pt",
        "Cerca de uma dezena de pessoas foi detida.",
        [{"kind": "arrested", "value": 10, "qualifier": "about"}],
    ),
    (
        "pt",
        "Milhares de famílias ficaram desabrigadas.",
        [{"kind": "displaced", "value": 2000, "qualifier": "vague", "who": "families"}],
    ),
    ("pt", "Uma criança de 5 anos morreu.", [{"kind": "killed", "value": 1, "who": "children"}]),
    (
        "pt",
        "O crime aconteceu às 22h30 na Rua 7 de Setembro, onde um homem foi ferido.",
        [{"kind": "injured", "value": 1}],
    ),
    ("pt", "Ambas as vítimas morreram no local.", [{"kind": "killed", "value": 2}]),
    # --- Spanish
    (
        "es",
        "Al menos 240 personas murieron, según el Observatorio.",
        [
            {
                "kind": "killed",
                "value": 240,
                "qualifier": "at_least",
                "attributed_to": "el Observatorio",
            }
        ],
    ),
    (
        "es",
        "Más de 14.000 personas han sido desplazadas.",
        [{"kind": "displaced", "value": 14000, "qualifier": "more_than"}],
    ),
    ("es", "Un hombre de 24 años murió a tiros.", [{"kind": "killed", "value": 1}]),
    (
        "es",
        "Dos personas resultaron heridas y una murió.",
        [{"kind": "injured", "value": 2}, {"kind": "killed", "value": 1}],
    ),
    ("es", "Nadie resultó herido.", [{"kind": "injured", "value": 0}]),
    (
        "es",
        "La policía detuvo a dos sospechosos.",
        [{"kind": "arrested", "value": 2, "who": "suspects"}],
    ),
    (
        "es",
        "El ataque dejó 12 muertos y decenas de heridos.",
        [{"kind": "killed", "value": 12}, {"kind": "injured", "value": 20, "qualifier": "vague"}],
    ),
    (
        "es",
        "La cifra de muertos subió a 255, incluidos 19 niños.",
        [{"kind": "killed", "value": 255}, {"kind": "killed", "value": 19, "is_subcount": True}],
    ),
    ("es", "El pistolero mató a su esposa y luego se suicidó.", [{"kind": "killed", "value": 2}]),
    (
        "es",
        "Casi medio millón de personas han muerto desde 2011.",
        [{"kind": "killed", "value": 500_000, "scope": "cumulative"}],
    ),
    ("es", "Ciento veintitrés personas fueron evacuadas.", [{"kind": "evacuated", "value": 123}]),
    ("es", "Él no resultó herido.", NONE),
    ("es", "El choque causó 12 muertes.", [{"kind": "killed", "value": 12}]),
    # --- issue 12: the issue's sentences and every rule in the four languages
    (
        "en",
        "The death toll from the earthquake in the northern province rose to 78",
        [{"kind": "killed", "value": 78, "rule": "toll"}],
    ),
    ("en", "45 of the 300 passengers were killed", [{"kind": "killed", "value": 45}]),
    ("en", "Of the 300 passengers, 45 were killed", [{"kind": "killed", "value": 45}]),
    ("en", "A boy of 8 and his mother, 35, were killed", [{"kind": "killed", "value": 2}]),
    ("es", "Un niño de 8 años y su madre de 35 murieron", [{"kind": "killed", "value": 2}]),
    ("en", "Another 12 remain missing", [{"kind": "missing", "value": 12}]),
    (
        "en",
        "More than 14,000 people, almost half of whom are children, have been displaced, "
        "according to OCHA.",
        [{"kind": "displaced", "value": 14000, "qualifier": "more_than", "attributed_to": "OCHA"}],
    ),
    (
        "es",
        "Medio millón de muertos desde 2011",
        [{"kind": "killed", "value": 500000, "scope": "cumulative"}],
    ),
    ("en", "The storm claimed 26 lives", [{"kind": "killed", "value": 26}]),
    ("en", "27 drown as boat capsizes", [{"kind": "killed", "value": 27}]),
    ("en", "Deaths surpass 1,000", [{"kind": "killed", "value": 1000}]),
    ("en", "Officer fatally shoots three", [{"kind": "killed", "value": 3}]),
    ("es", "El terremoto se cobra la vida de 12 personas", [{"kind": "killed", "value": 12}]),
    ("fr", "L'explosion fait 3 morts", [{"kind": "killed", "value": 3}]),
    ("pt", "O acidente deixou 5 mortos", [{"kind": "killed", "value": 5}]),
    ("en", "Eight children and a teacher died", [{"kind": "killed", "value": 9}]),
    ("pt", "Oito crianças e uma professora morreram", [{"kind": "killed", "value": 9}]),
    ("fr", "Huit enfants et une enseignante sont morts", [{"kind": "killed", "value": 9}]),
    ("es", "Ocho niños y una maestra murieron", [{"kind": "killed", "value": 9}]),
    ("en", "Nobody was hurt", [{"kind": "injured", "value": 0}]),
    (
        "en",
        "The virus could kill 500,000 people",
        [{"kind": "killed", "value": 500000, "scope": "forecast"}],
    ),
    (
        "en",
        "The death toll is expected to pass 100",
        [{"kind": "killed", "value": 100, "scope": "forecast"}],
    ),
    (
        "en",
        "At least 15 people - including 11 children - were killed in the attack.",
        [
            {"kind": "killed", "value": 15, "qualifier": "at_least"},
            {"kind": "killed", "value": 11, "is_subcount": True},
        ],
    ),
    (
        "en",
        "Five miners, who had been trapped for two days, were found dead.",
        [{"kind": "killed", "value": 5}],
    ),
    (
        "en",
        "Three soldiers, all in their twenties, were wounded.",
        [{"kind": "injured", "value": 3}],
    ),
    ("en", "Nine other people on board were also killed.", [{"kind": "killed", "value": 9}]),
    (
        "en",
        "Two of four Americans kidnapped in Mexico are dead.",
        [{"kind": "killed", "value": 2}, {"kind": "kidnapped"}],
    ),
    (
        "fr",
        "Trois policiers, qui patrouillaient dans le quartier, ont été blessés.",
        [{"kind": "injured", "value": 3}],
    ),
    (
        "fr",
        "Au moins 15 personnes (dont 11 enfants) ont été tuées.",
        [
            {"kind": "killed", "value": 15, "qualifier": "at_least"},
            {"kind": "killed", "value": 11, "is_subcount": True},
        ],
    ),
    (
        "pt",
        "Cinco pessoas, entre elas duas crianças, morreram no incêndio.",
        [{"kind": "killed", "value": 5}, {"kind": "killed", "value": 2, "is_subcount": True}],
    ),
    (
        "pt",
        "Três policiais, que faziam uma ronda no bairro, ficaram feridos.",
        [{"kind": "injured", "value": 3}],
    ),
    (
        "es",
        "Cuatro agentes, que patrullaban la zona, resultaron heridos.",
        [{"kind": "injured", "value": 4}],
    ),
    (
        "es",
        "Al menos 15 personas (entre ellas 11 niños) murieron.",
        [
            {"kind": "killed", "value": 15, "qualifier": "at_least"},
            {"kind": "killed", "value": 11, "is_subcount": True},
        ],
    ),
    ("fr", "45 des 300 passagers ont été tués.", [{"kind": "killed", "value": 45}]),
    ("pt", "Dois dos quatro ocupantes do carro morreram.", [{"kind": "killed", "value": 2}]),
    ("es", "Dos de los cuatro ocupantes del coche murieron.", [{"kind": "killed", "value": 2}]),
    (
        "fr",
        "L'attaque a fait 40 morts, dont 19 enfants.",
        [{"kind": "killed", "value": 40}, {"kind": "killed", "value": 19, "is_subcount": True}],
    ),
    (
        "es",
        "Murieron 40 personas, entre ellas 3 niños.",
        [{"kind": "killed", "value": 40}, {"kind": "killed", "value": 3, "is_subcount": True}],
    ),
    (
        "pt",
        "Morreram 40 pessoas, entre elas 3 crianças.",
        [{"kind": "killed", "value": 40}, {"kind": "killed", "value": 3, "is_subcount": True}],
    ),
    (
        "en",
        "The blast killed 40 people, among them 19 children.",
        [{"kind": "killed", "value": 40}, {"kind": "killed", "value": 19, "is_subcount": True}],
    ),
    (
        "en",
        "More than 255 people have been killed. "
        "The main hospital alone received 40 bodies on Monday.",
        [
            {"kind": "killed", "value": 255, "qualifier": "more_than"},
            {"kind": "killed", "value": 40, "is_subcount": True},
        ],
    ),
    (
        "fr",
        "Les urgences ont accueilli plus de 90 blessés pour la seule journée de lundi.",
        [{"kind": "injured", "value": 90, "is_subcount": True}],
    ),
    (
        "es",
        "Solo en el hospital central murieron 12 personas en un solo día.",
        [{"kind": "killed", "value": 12, "is_subcount": True}],
    ),
    ("en", "A girl of 6 was injured.", [{"kind": "injured", "value": 1}]),
    ("en", "Maria Lopez, 41, and her son, 12, died in the fire.", [{"kind": "killed", "value": 2}]),
    ("fr", "Sa mère, 35 ans, a été tuée.", [{"kind": "killed", "value": 1}]),
    ("fr", "Un garçon de 8 ans et sa mère de 35 ans sont morts.", [{"kind": "killed", "value": 2}]),
    ("pt", "Um menino de 8 anos e a mãe, de 35, morreram.", [{"kind": "killed", "value": 2}]),
    ("pt", "Uma mulher de 42 anos ficou ferida.", [{"kind": "injured", "value": 1}]),
    ("es", "Una mujer de 42 años resultó herida.", [{"kind": "injured", "value": 1}]),
    ("es", "El conductor, de 57 años, murió en el acto.", [{"kind": "killed", "value": 1}]),
    ("en", "The death toll rose to 78 on Tuesday.", [{"kind": "killed", "value": 78}]),
    ("en", "The number of dead has climbed to 112.", [{"kind": "killed", "value": 112}]),
    (
        "en",
        "Floods have claimed at least 40 lives.",
        [{"kind": "killed", "value": 40, "qualifier": "at_least"}],
    ),
    ("en", "The crash cost 12 lives.", [{"kind": "killed", "value": 12}]),
    ("en", "Deaths rose to 230 overnight.", [{"kind": "killed", "value": 230}]),
    ("fr", "Le bilan s'élève à 78 morts.", [{"kind": "killed", "value": 78}]),
    ("fr", "Le bilan de l'attentat s'est alourdi à 86 morts.", [{"kind": "killed", "value": 86}]),
    ("fr", "L'épidémie a fait 11 000 victimes.", [{"kind": "killed", "value": 11000}]),
    ("fr", "Le séisme a coûté la vie à 40 personnes.", [{"kind": "killed", "value": 40}]),
    ("pt", "O número de mortos subiu para 78.", [{"kind": "killed", "value": 78}]),
    ("pt", "As chuvas já custaram 40 vidas.", [{"kind": "killed", "value": 40}]),
    (
        "pt",
        "O incêndio deixou 12 mortos e 30 feridos.",
        [{"kind": "killed", "value": 12}, {"kind": "injured", "value": 30}],
    ),
    ("es", "La cifra de muertos asciende a 78.", [{"kind": "killed", "value": 78}]),
    ("es", "Las lluvias se han cobrado 40 vidas.", [{"kind": "killed", "value": 40}]),
    (
        "es",
        "El accidente dejó 12 muertos y 30 heridos.",
        [{"kind": "killed", "value": 12}, {"kind": "injured", "value": 30}],
    ),
    ("es", "El accidente causó la muerte a tres personas.", [{"kind": "killed", "value": 3}]),
    ("en", "Nineteen dead in bus crash", [{"kind": "killed", "value": 19}]),
    ("en", "Twenty-one people died.", [{"kind": "killed", "value": 21}]),
    ("fr", "Dix-neuf personnes sont mortes.", [{"kind": "killed", "value": 19}]),
    ("fr", "Vingt et une personnes ont été blessées.", [{"kind": "injured", "value": 21}]),
    ("pt", "Dezenove pessoas morreram.", [{"kind": "killed", "value": 19}]),
    ("pt", "Vinte e uma pessoas ficaram feridas.", [{"kind": "injured", "value": 21}]),
    ("es", "Diecinueve personas murieron.", [{"kind": "killed", "value": 19}]),
    ("es", "Veintiuna personas resultaron heridas.", [{"kind": "injured", "value": 21}]),
    ("en", "Police said forty people were hurt.", [{"kind": "injured", "value": 40}]),
    (
        "fr",
        "La police a indiqué que quarante personnes avaient été blessées.",
        [{"kind": "injured", "value": 40}],
    ),
    (
        "pt",
        "A polícia disse que quarenta pessoas ficaram feridas.",
        [{"kind": "injured", "value": 40}],
    ),
    (
        "es",
        "La policía dijo que cuarenta personas resultaron heridas.",
        [{"kind": "injured", "value": 40}],
    ),
    (
        "en",
        "A man, his wife and their two daughters died in the fire.",
        [{"kind": "killed", "value": 4}],
    ),
    (
        "fr",
        "Un homme, sa femme et leurs deux filles sont morts dans l'incendie.",
        [{"kind": "killed", "value": 4}],
    ),
    (
        "pt",
        "Um homem, a mulher e as duas filhas morreram no incêndio.",
        [{"kind": "killed", "value": 4}],
    ),
    (
        "es",
        "Un hombre, su esposa y sus dos hijas murieron en el incendio.",
        [{"kind": "killed", "value": 4}],
    ),
    ("en", "Two police officers and a civilian were wounded.", [{"kind": "injured", "value": 3}]),
    ("fr", "Deux policiers et un passant ont été blessés.", [{"kind": "injured", "value": 3}]),
    ("pt", "Dois policiais e um pedestre ficaram feridos.", [{"kind": "injured", "value": 3}]),
    ("es", "Dos policías y un peatón resultaron heridos.", [{"kind": "injured", "value": 3}]),
    ("en", "Actor John Example dies aged 85", NONE),
    ("en", "The singer, who died at 72 after a long illness, is mourned by fans.", NONE),
    ("fr", "Le chanteur Jean Exemple est mort à l'âge de 85 ans.", NONE),
    ("pt", "O ator João Exemplo morreu aos 85 anos.", NONE),
    ("es", "El actor Juan Ejemplo murió a los 85 años.", NONE),
    (
        "en",
        "The 2015 attacks killed 130 people in the capital.",
        [{"kind": "killed", "value": 130, "scope": "historical"}],
    ),
    (
        "en",
        "In 2015 a gunman killed 9 people in 2017's city hall fire report.",
        [{"kind": "killed", "value": 9, "scope": "historical"}],
    ),
    (
        "fr",
        "L'attentat avait fait 86 morts l'an dernier.",
        [{"kind": "killed", "value": 86, "scope": "historical"}],
    ),
    (
        "fr",
        "Le conflit a fait 500 000 morts depuis 2011.",
        [{"kind": "killed", "value": 500000, "scope": "cumulative"}],
    ),
    (
        "pt",
        "O conflito já deixou 500 mil mortos desde 2011.",
        [{"kind": "killed", "value": 500000, "scope": "cumulative"}],
    ),
    (
        "pt",
        "No ano passado, 20 pessoas morreram no mesmo local.",
        [{"kind": "killed", "value": 20, "scope": "historical"}],
    ),
    (
        "es",
        "Hace un año murieron 20 personas en el mismo lugar.",
        [{"kind": "killed", "value": 20, "scope": "historical"}],
    ),
    (
        "es",
        "La guerra ha causado medio millón de muertos desde 2011.",
        [{"kind": "killed", "value": 500000, "scope": "cumulative"}],
    ),
    (
        "en",
        "The storm could kill thousands, officials warned.",
        [{"kind": "killed", "value": 2000, "scope": "forecast"}],
    ),
    (
        "fr",
        "La canicule pourrait faire des milliers de morts.",
        [{"kind": "killed", "scope": "forecast"}],
    ),
    (
        "es",
        "La ola de calor podría causar miles de muertos.",
        [{"kind": "killed", "scope": "forecast"}],
    ),
    (
        "pt",
        "A onda de calor pode matar milhares de pessoas.",
        [{"kind": "killed", "scope": "forecast"}],
    ),
    (
        "en",
        "The tremor hit weeks after another quake killed thousands.",
        [{"kind": "killed", "value": 2000, "scope": "historical"}],
    ),
    ("en", "The initial toll of 75 was revised down.", [{"kind": "killed", "scope": "historical"}]),
    (
        "fr",
        "Le bilan était initialement de 75 morts.",
        [{"kind": "killed", "value": 75, "scope": "historical"}],
    ),
    (
        "pt",
        "O balanço inicialmente era de 75 mortos.",
        [{"kind": "killed", "value": 75, "scope": "historical"}],
    ),
    (
        "es",
        "El balance inicialmente era de 75 muertos.",
        [{"kind": "killed", "value": 75, "scope": "historical"}],
    ),
    ("fr", "Personne n'a été blessé.", [{"kind": "injured", "value": 0}]),
    ("pt", "Ninguém ficou ferido.", [{"kind": "injured", "value": 0}]),
    ("es", "Nadie resultó herido.", [{"kind": "injured", "value": 0}]),
    (
        "pt",
        "Além de Ana, outras duas pessoas também foram feridas.",
        [{"kind": "injured", "value": 3}],
    ),
    ("en", "Besides the driver, two other people were injured.", [{"kind": "injured", "value": 3}]),
    (
        "es",
        "Además del conductor, otras dos personas resultaron heridas.",
        [{"kind": "injured", "value": 3}],
    ),
    (
        "pt",
        "Outros cinco policiais e dois civis foram baleados no ataque.",
        [{"kind": "injured", "value": 7}],
    ),
    (
        "fr",
        "Il a blessé deux autres policiers, ainsi qu'une passante.",
        [{"kind": "injured", "value": 3}],
    ),
    (
        "en",
        "Civilians are hurt in Kyiv, and one man dies in Odesa.",
        [{"kind": "killed", "value": 1}],
    ),
    ("fr", "Un homme est mort à Marseille.", [{"kind": "killed", "value": 1}]),
    ("pt", "Um homem morreu em Salvador.", [{"kind": "killed", "value": 1}]),
    ("es", "Un hombre murió en Santiago.", [{"kind": "killed", "value": 1}]),
    ("en", "However, he died of his wounds.", [{"kind": "killed", "value": 1}]),
    ("pt", "Porém, ele não resistiu aos ferimentos e morreu.", [{"kind": "killed", "value": 1}]),
    ("fr", "Douze personnes sont portées disparues.", [{"kind": "missing", "value": 12}]),
    ("pt", "Doze pessoas estão desaparecidas.", [{"kind": "missing", "value": 12}]),
    ("es", "Doce personas siguen desaparecidas.", [{"kind": "missing", "value": 12}]),
    ("fr", "Plus de 2 000 habitants ont été évacués.", [{"kind": "evacuated", "value": 2000}]),
    (
        "pt",
        "Mais de 2 mil moradores foram retirados de suas casas.",
        [{"kind": "evacuated", "value": 2000}],
    ),
    ("es", "Más de 2.000 vecinos fueron evacuados.", [{"kind": "evacuated", "value": 2000}]),
    ("es", "Unas 14.000 personas han sido desplazadas.", [{"kind": "displaced", "value": 14000}]),
    ("pt", "Cerca de 14 mil pessoas estão desalojadas.", [{"kind": "displaced", "value": 14000}]),
    ("fr", "Environ 14 000 personnes ont été déplacées.", [{"kind": "displaced", "value": 14000}]),
    ("fr", "Cinq suspects ont été interpellés.", [{"kind": "arrested", "value": 5}]),
    ("pt", "Cinco suspeitos foram presos.", [{"kind": "arrested", "value": 5}]),
    ("es", "Cinco sospechosos fueron detenidos.", [{"kind": "arrested", "value": 5}]),
    (
        "fr",
        "Au moins 240 personnes ont été tuées.",
        [{"kind": "killed", "value": 240, "qualifier": "at_least"}],
    ),
    (
        "pt",
        "Pelo menos 240 pessoas morreram.",
        [{"kind": "killed", "value": 240, "qualifier": "at_least"}],
    ),
    (
        "es",
        "Al menos 240 personas murieron.",
        [{"kind": "killed", "value": 240, "qualifier": "at_least"}],
    ),
    (
        "fr",
        "Plus de 255 personnes sont mortes.",
        [{"kind": "killed", "value": 255, "qualifier": "more_than"}],
    ),
    (
        "pt",
        "Mais de 255 pessoas morreram.",
        [{"kind": "killed", "value": 255, "qualifier": "more_than"}],
    ),
    (
        "es",
        "Más de 255 personas murieron.",
        [{"kind": "killed", "value": 255, "qualifier": "more_than"}],
    ),
    (
        "fr",
        "Près de 300 personnes ont péri.",
        [{"kind": "killed", "value": 300, "qualifier": "about"}],
    ),
    ("pt", "Quase 300 pessoas morreram.", [{"kind": "killed", "value": 300, "qualifier": "about"}]),
    ("es", "Casi 300 personas murieron.", [{"kind": "killed", "value": 300, "qualifier": "about"}]),
    (
        "fr",
        "Jusqu'à 300 personnes pourraient avoir péri.",
        [{"kind": "killed", "value": 300, "qualifier": "up_to"}],
    ),
    (
        "fr",
        "Des dizaines de personnes ont été blessées.",
        [{"kind": "injured", "value": 20, "qualifier": "vague"}],
    ),
    (
        "pt",
        "Dezenas de pessoas ficaram feridas.",
        [{"kind": "injured", "value": 20, "qualifier": "vague"}],
    ),
    (
        "es",
        "Decenas de personas resultaron heridas.",
        [{"kind": "injured", "value": 20, "qualifier": "vague"}],
    ),
    (
        "fr",
        "Une dizaine de personnes ont été blessées.",
        [{"kind": "injured", "value": 10, "qualifier": "about"}],
    ),
    (
        "pt",
        "Uma dezena de pessoas ficou ferida.",
        [{"kind": "injured", "value": 10, "qualifier": "about"}],
    ),
    (
        "es",
        "Una decena de personas resultaron heridas.",
        [{"kind": "injured", "value": 10, "qualifier": "about"}],
    ),
    (
        "fr",
        "Trois personnes ont été tuées, selon la police.",
        [{"kind": "killed", "value": 3, "attributed_to": "la police"}],
    ),
    (
        "pt",
        "Três pessoas morreram, segundo a polícia.",
        [{"kind": "killed", "value": 3, "attributed_to": "a polícia"}],
    ),
    (
        "es",
        "Tres personas murieron, según la policía.",
        [{"kind": "killed", "value": 3, "attributed_to": "la policía"}],
    ),
    (
        "en",
        "Three people were killed, according to OCHA.",
        [{"kind": "killed", "value": 3, "attributed_to": "OCHA"}],
    ),
    ("fr", "Le tireur a tué trois personnes.", [{"kind": "killed", "value": 3}]),
    ("pt", "O atirador matou três pessoas.", [{"kind": "killed", "value": 3}]),
    ("es", "El tirador mató a tres personas.", [{"kind": "killed", "value": 3}]),
    (
        "en",
        "A pre-dawn strike killed a militant commander and one other person.",
        [{"kind": "killed", "value": 2}],
    ),
    ("fr", "L'attaque a blessé deux soldats.", [{"kind": "injured", "value": 2}]),
    ("es", "El ataque hirió a dos soldados.", [{"kind": "injured", "value": 2}]),
    ("pt", "O ataque feriu dois soldados.", [{"kind": "injured", "value": 2}]),
    ("fr", "Le bus transportait 45 passagers et a parcouru 300 kilomètres.", NONE),
    ("pt", "O prédio tem 12 andares e 300 apartamentos.", NONE),
    ("es", "El edificio tiene 12 plantas y 300 viviendas.", NONE),
    ("en", "Voters re-elected the mayor with 52 percent of the vote.", NONE),
    ("fr", "Le PSG a battu Lyon 3 à 1 devant 45 000 spectateurs.", NONE),
    # --- issue 12: common news constructions in each language
    ("pt", "Homem morre após ser baleado em Recife.", [{"kind": "killed", "value": 1}]),
    ("pt", "Jovem é assassinado a tiros na zona norte.", [{"kind": "killed", "value": 1}]),
    (
        "pt",
        "Acidente na rodovia deixa três mortos e cinco feridos.",
        [{"kind": "killed", "value": 3}, {"kind": "injured", "value": 5}],
    ),
    ("pt", "Sobe para 40 o número de mortos nas enchentes.", [{"kind": "killed", "value": 40}]),
    ("pt", "O número de mortos nas enchentes chega a 40.", [{"kind": "killed", "value": 40}]),
    ("pt", "O acidente teve três vítimas fatais.", [{"kind": "killed", "value": 3}]),
    (
        "pt",
        "Morreram três pessoas e duas ficaram feridas.",
        [{"kind": "killed", "value": 3}, {"kind": "injured", "value": 2}],
    ),
    (
        "pt",
        "O estado registrou 91 óbitos nas últimas 24 horas.",
        [{"kind": "killed", "value": 91, "scope": "cumulative"}],
    ),
    ("pt", "A polícia encontrou os corpos de três homens.", [{"kind": "killed", "value": 3}]),
    (
        "pt",
        "Duas pessoas morreram e outras quatro ficaram feridas no desabamento.",
        [{"kind": "killed", "value": 2}, {"kind": "injured", "value": 4}],
    ),
    (
        "pt",
        "Um policial foi morto e outro ficou ferido.",
        [{"kind": "killed", "value": 1}, {"kind": "injured", "value": 1}],
    ),
    ("pt", "A explosão matou 12 operários.", [{"kind": "killed", "value": 12}]),
    ("pt", "Ninguém morreu no incêndio.", [{"kind": "killed", "value": 0}]),
    ("pt", "Cinco pessoas foram hospitalizadas.", [{"kind": "injured", "value": 5}]),
    ("pt", "O motorista morreu na hora.", [{"kind": "killed", "value": 1}]),
    (
        "es",
        "Sube a 40 la cifra de muertos por las inundaciones.",
        [{"kind": "killed", "value": 40}],
    ),
    ("es", "Asciende a 40 el número de fallecidos.", [{"kind": "killed", "value": 40}]),
    ("es", "El número de fallecidos se eleva a 40.", [{"kind": "killed", "value": 40}]),
    ("es", "El tiroteo dejó un saldo de tres muertos.", [{"kind": "killed", "value": 3}]),
    (
        "es",
        "Un muerto y tres heridos en un tiroteo en Madrid.",
        [{"kind": "killed", "value": 1}, {"kind": "injured", "value": 3}],
    ),
    (
        "es",
        "Murieron tres personas y otras cinco resultaron heridas.",
        [{"kind": "killed", "value": 3}, {"kind": "injured", "value": 5}],
    ),
    ("es", "Tres personas han muerto en el incendio.", [{"kind": "killed", "value": 3}]),
    ("es", "Fallecieron tres personas en el accidente.", [{"kind": "killed", "value": 3}]),
    ("es", "El accidente se saldó con dos muertos.", [{"kind": "killed", "value": 2}]),
    ("es", "Un hombre fue asesinado a tiros en su casa.", [{"kind": "killed", "value": 1}]),
    ("es", "La explosión mató a 12 obreros.", [{"kind": "killed", "value": 12}]),
    ("es", "Nadie murió en el incendio.", [{"kind": "killed", "value": 0}]),
    ("es", "Cinco personas fueron hospitalizadas.", [{"kind": "injured", "value": 5}]),
    (
        "es",
        "El conductor murió en el acto y su acompañante resultó herido.",
        [{"kind": "killed", "value": 1}, {"kind": "injured", "value": 1}],
    ),
    (
        "es",
        "Dos guardias civiles murieron y otro resultó herido grave.",
        [{"kind": "killed", "value": 2}, {"kind": "injured", "value": 1}],
    ),
    ("fr", "Le bilan est de 40 morts.", [{"kind": "killed", "value": 40}]),
    ("fr", "Quarante personnes ont trouvé la mort.", [{"kind": "killed", "value": 40}]),
    ("fr", "Le nombre de morts est passé à 40.", [{"kind": "killed", "value": 40}]),
    ("fr", "L'incendie a causé la mort de 40 personnes.", [{"kind": "killed", "value": 40}]),
    ("fr", "Une personne a perdu la vie dans l'accident.", [{"kind": "killed", "value": 1}]),
    ("fr", "91 personnes sont décédées à l'hôpital.", [{"kind": "killed", "value": 91}]),
    (
        "fr",
        "Trois personnes sont mortes et cinq ont été blessées.",
        [{"kind": "killed", "value": 3}, {"kind": "injured", "value": 5}],
    ),
    (
        "fr",
        "Un policier a été tué et un autre blessé.",
        [{"kind": "killed", "value": 1}, {"kind": "injured", "value": 1}],
    ),
    ("fr", "L'explosion a tué 12 ouvriers.", [{"kind": "killed", "value": 12}]),
    ("fr", "Personne n'est mort dans l'incendie.", [{"kind": "killed", "value": 0}]),
    ("fr", "Cinq personnes ont été hospitalisées.", [{"kind": "injured", "value": 5}]),
    ("fr", "Le conducteur est mort sur le coup.", [{"kind": "killed", "value": 1}]),
    (
        "fr",
        "Un mort et trois blessés dans une fusillade à Lyon.",
        [{"kind": "killed", "value": 1}, {"kind": "injured", "value": 3}],
    ),
    (
        "en",
        "One dead and three hurt in Leeds shooting.",
        [{"kind": "killed", "value": 1}, {"kind": "injured", "value": 3}],
    ),
    ("en", "The number of people killed has risen to 40.", [{"kind": "killed", "value": 40}]),
    ("en", "Nobody died in the fire.", [{"kind": "killed", "value": 0}]),
    (
        "en",
        "Five people were taken to hospital with minor injuries.",
        [{"kind": "injured", "value": 5}],
    ),
    (
        "en",
        "The driver died at the scene and his passenger was seriously injured.",
        [{"kind": "killed", "value": 1}, {"kind": "injured", "value": 1}],
    ),
    (
        "en",
        "Two soldiers were killed and another was wounded.",
        [{"kind": "killed", "value": 2}, {"kind": "injured", "value": 1}],
    ),
    # --- issue 12: partitives of the injured, bodies, drowning, clauses after 'but'
    ("es", "La cifra de víctimas mortales asciende a 20.", [{"kind": "killed", "value": 20}]),
    (
        "es",
        "Una persona muerta y dos heridas en el choque.",
        [{"kind": "killed", "value": 1}, {"kind": "injured", "value": 2}],
    ),
    ("es", "El temporal se saldó con un saldo de cinco muertos.", [{"kind": "killed", "value": 5}]),
    (
        "es",
        "Se registraron tres muertos y diez heridos.",
        [{"kind": "killed", "value": 3}, {"kind": "injured", "value": 10}],
    ),
    (
        "es",
        "Las autoridades confirmaron el fallecimiento de tres personas.",
        [{"kind": "killed", "value": 3}],
    ),
    ("es", "A causa de las lluvias murieron tres personas.", [{"kind": "killed", "value": 3}]),
    ("es", "Hallaron los cuerpos sin vida de dos hombres.", [{"kind": "killed", "value": 2}]),
    ("es", "El incendio dejó dos personas fallecidas.", [{"kind": "killed", "value": 2}]),
    ("es", "Tres de los heridos se encuentran en estado grave.", [{"kind": "injured", "value": 3}]),
    (
        "es",
        "Un joven de 19 años murió tras recibir varios disparos.",
        [{"kind": "killed", "value": 1}],
    ),
    (
        "es",
        "Los dos ocupantes del vehículo fallecieron en el acto.",
        [{"kind": "killed", "value": 2}],
    ),
    (
        "es",
        "El atentado causó 12 muertos y más de 50 heridos.",
        [
            {"kind": "killed", "value": 12},
            {"kind": "injured", "value": 50, "qualifier": "more_than"},
        ],
    ),
    ("pt", "Foram registradas três mortes no fim de semana.", [{"kind": "killed", "value": 3}]),
    ("pt", "O desabamento vitimou três pessoas.", [{"kind": "killed", "value": 3}]),
    ("pt", "Três pessoas perderam a vida no acidente.", [{"kind": "killed", "value": 3}]),
    (
        "pt",
        "O tiroteio deixou um morto e dois feridos.",
        [{"kind": "killed", "value": 1}, {"kind": "injured", "value": 2}],
    ),
    ("pt", "Os dois ocupantes do veículo morreram no local.", [{"kind": "killed", "value": 2}]),
    (
        "pt",
        "Um jovem de 19 anos morreu após ser atingido por disparos.",
        [{"kind": "killed", "value": 1}],
    ),
    (
        "pt",
        "O atentado causou 12 mortes e deixou mais de 50 feridos.",
        [
            {"kind": "killed", "value": 12},
            {"kind": "injured", "value": 50, "qualifier": "more_than"},
        ],
    ),
    ("pt", "A vítima foi levada ao hospital, mas não resistiu.", [{"kind": "killed", "value": 1}]),
    ("pt", "Três das vítimas estão em estado grave.", [{"kind": "injured", "value": 3}]),
    ("pt", "Duas pessoas morreram afogadas na praia.", [{"kind": "killed", "value": 2}]),
    (
        "fr",
        "L'attentat a fait 12 morts et plus de 50 blessés.",
        [
            {"kind": "killed", "value": 12},
            {"kind": "injured", "value": 50, "qualifier": "more_than"},
        ],
    ),
    (
        "fr",
        "Les deux occupants du véhicule sont morts sur le coup.",
        [{"kind": "killed", "value": 2}],
    ),
    (
        "fr",
        "Un jeune homme de 19 ans est mort après avoir été touché par balle.",
        [{"kind": "killed", "value": 1}],
    ),
    ("fr", "Trois des blessés sont dans un état grave.", [{"kind": "injured", "value": 3}]),
    ("fr", "Deux personnes se sont noyées.", [{"kind": "killed", "value": 2}]),
    ("fr", "Le décès de trois personnes a été confirmé.", [{"kind": "killed", "value": 3}]),
    ("en", "Three of the injured are in a serious condition.", [{"kind": "injured", "value": 3}]),
    ("en", "Both occupants of the car died at the scene.", [{"kind": "killed", "value": 2}]),
    (
        "en",
        "A 19-year-old man died after being shot several times.",
        [{"kind": "killed", "value": 1}],
    ),
    (
        "en",
        "The bombing killed 12 people and wounded more than 50.",
        [
            {"kind": "killed", "value": 12},
            {"kind": "injured", "value": 50, "qualifier": "more_than"},
        ],
    ),
    # --- issue 12: headline-style objects, states after "with"
    (
        "en",
        "Fourteen shot dead in bar, with nine others in critical condition.",
        [{"kind": "killed", "value": 14}, {"kind": "injured", "value": 9}],
    ),
    ("en", "Air strike kills missile commander", [{"kind": "killed", "value": 1}]),
    (
        "en",
        "The strike killed a top rebel commander and one other person.",
        [{"kind": "killed", "value": 2}],
    ),
    (
        "en",
        "A teenager accidentally shot another teen, killing the youth.",
        [{"kind": "killed", "value": 1}, {"kind": "injured", "value": 0}],
    ),
    ("es", "Un tiroteo mata a un joven comerciante", [{"kind": "killed", "value": 1}]),
    # --- round 2: a capital that opens a sentence demotes no figure ("Hubo 12 muertos")
    ("es", "Hubo 12 muertos en el derrumbe.", [{"kind": "killed", "value": 12}]),
    ("es", "Hay 34 heridos, según Protección Civil.", [{"kind": "injured", "value": 34}]),
    ("pt", "Houve 12 mortos no confronto.", [{"kind": "killed", "value": 12}]),
    ("fr", "Reste 12 blessés à l'hôpital.", [{"kind": "injured", "value": 12}]),
    ("en", "Overall 12 people died in the floods.", [{"kind": "killed", "value": 12}]),
    # the figure before "the dead": "Ya son 25 los muertos", "São 15 os mortos"
    ("es", "Ya son 25 los muertos por las lluvias.", [{"kind": "killed", "value": 25}]),
    ("es", "Suman 30 los fallecidos por el temporal.", [{"kind": "killed", "value": 30}]),
    ("pt", "São 15 os mortos confirmados pela Defesa Civil.", [{"kind": "killed", "value": 15}]),
    ("pt", "Já são 9 os feridos.", [{"kind": "injured", "value": 9}]),
    # digits after a scale word, as the Mexican press writes them ("31 mil 522")
    ("es", "Se registraron 31 mil 522 defunciones.", [{"kind": "killed", "value": 31522}]),
    ("es", "El país suma tres mil 160 defunciones.", [{"kind": "killed", "value": 3160}]),
    ("pt", "O estado soma 2 mil 300 mortes.", [{"kind": "killed", "value": 2300}]),
    ("en", "The province counted 2 thousand 300 deaths.", [{"kind": "killed", "value": 2300}]),
    # round nouns: "una veintena", "uma trintena"; not "cuarentena" (a quarantine)
    (
        "es",
        "Una veintena de personas resultaron heridas.",
        [{"kind": "injured", "value": 20, "qualifier": "about"}],
    ),
    ("es", "Una treintena de migrantes murieron.", [{"kind": "killed", "value": 30}]),
    (
        "pt",
        "Uma trintena de pessoas ficaram feridas.",
        [{"kind": "injured", "value": 30, "qualifier": "about"}],
    ),
    ("pt", "Uma vintena de mortos nos confrontos.", [{"kind": "killed", "value": 20}]),
    ("es", "Impusieron una cuarentena de 14 días a los heridos.", NONE),
    # nouns of death in official counts: "defunciones", "fallecimientos"
    ("es", "Sanidad notificó 512 nuevas defunciones.", [{"kind": "killed", "value": 512}]),
    ("es", "Se confirmaron 40 fallecimientos.", [{"kind": "killed", "value": 40}]),
    # a toll noun with its own dead: "el balance de víctimas mortales se elevó a 23"
    ("es", "El balance de víctimas mortales se elevó a 23.", [{"kind": "killed", "value": 23}]),
    ("pt", "O número de vítimas fatais chegou a 12.", [{"kind": "killed", "value": 12}]),
    ("fr", "Le bilan des morts s'élève à 23.", [{"kind": "killed", "value": 23}]),
    ("en", "The toll of dead rose to 23.", [{"kind": "killed", "value": 23}]),
    # "the dead are X and Y": the people named after the copula are counted
    (
        "es",
        "Los fallecidos son un hombre de 45 años y su hijo de 12.",
        [{"kind": "killed", "value": 2}],
    ),
    ("pt", "Os mortos são dois homens e uma mulher.", [{"kind": "killed", "value": 3}]),
    ("fr", "Les morts sont deux enfants et leur mère.", [{"kind": "killed", "value": 3}]),
    ("en", "The dead were a woman and her two children.", [{"kind": "killed", "value": 3}]),
    ("es", "Los heridos son trasladados al hospital.", NONE),
    # an age after the noun ends the phrase, a list goes on after it
    (
        "es",
        "La explosión mató a un hombre de 45 años y a su hijo de 12.",
        [{"kind": "killed", "value": 2}],
    ),
    ("pt", "Morreram um homem de 40 anos e o filho de 12.", [{"kind": "killed", "value": 2}]),
    (
        "fr",
        "Sont morts un homme de 40 ans et une femme de 38 ans.",
        [{"kind": "killed", "value": 2}],
    ),
    ("en", "The blast killed a man of 45 and his son.", [{"kind": "killed", "value": 2}]),
    # an adjective after its noun: "un soldat français", "três turistas argentinos"
    (
        "fr",
        "Un soldat français a été tué et deux autres blessés.",
        [{"kind": "killed", "value": 1}, {"kind": "injured", "value": 2}],
    ),
    ("pt", "Três turistas argentinos morreram no acidente.", [{"kind": "killed", "value": 3}]),
    ("es", "Dos policías mexicanos murieron en la emboscada.", [{"kind": "killed", "value": 2}]),
    ("es", "La policía mató a dos presuntos delincuentes.", [{"kind": "killed", "value": 2}]),
    ("en", "Two soldiers patrolling were killed.", [{"kind": "killed", "value": 2}]),
    # one life taken: "a fait une victime", "se cobró una vida"
    ("fr", "La tempête a fait une victime.", [{"kind": "killed", "value": 1}]),
    ("es", "El incendio se cobró una vida.", [{"kind": "killed", "value": 1}]),
    ("pt", "A tempestade ceifou uma vida.", [{"kind": "killed", "value": 1}]),
    ("en", "The storm claimed one life.", [{"kind": "killed", "value": 1}]),
    # one died, another was hurt: two people, not one told twice
    (
        "pt",
        "O motorista do carro morreu e o passageiro ficou ferido.",
        [{"kind": "killed", "value": 1}, {"kind": "injured", "value": 1}],
    ),
    (
        "es",
        "El conductor murió y el acompañante resultó herido.",
        [{"kind": "killed", "value": 1}, {"kind": "injured", "value": 1}],
    ),
    (
        "fr",
        "Le conducteur est mort et le passager a été blessé.",
        [{"kind": "killed", "value": 1}, {"kind": "injured", "value": 1}],
    ),
    (
        "en",
        "The driver died and the passenger was injured.",
        [{"kind": "killed", "value": 1}, {"kind": "injured", "value": 1}],
    ),
    # a participle that only describes who died: one person, killed ("injured in ... dies")
    ("en", "Woman injured in drive-by shooting dies", [{"kind": "killed", "value": 1}]),
    (
        "en",
        "A juvenile injured in a shooting incident Monday morning has died of his injuries.",
        [{"kind": "killed", "value": 1}],
    ),
    (
        "fr",
        "Un homme blessé par balle lors de la fusillade est mort.",
        [{"kind": "killed", "value": 1}],
    ),
    ("es", "Un joven herido en el tiroteo murió en el hospital.", [{"kind": "killed", "value": 1}]),
    ("pt", "Um homem ferido no ataque morreu no hospital.", [{"kind": "killed", "value": 1}]),
    # ages told together: "ages 3 and 5", "12- and 10-year-old", "de 3 et 5 ans"
    (
        "en",
        "Two children, ages 3 and 5, and their mother have been found dead.",
        [{"kind": "killed", "value": 3}],
    ),
    (
        "en",
        "A father shot and killed his 12- and 10-year-old sons before taking his own life.",
        [{"kind": "killed", "value": 3}],
    ),
    (
        "fr",
        "Deux enfants de 3 et 5 ans sont morts dans l'incendie.",
        [{"kind": "killed", "value": 2}],
    ),
    ("es", "Dos niños de 3 y 5 años murieron en el incendio.", [{"kind": "killed", "value": 2}]),
    ("pt", "Duas crianças de 3 e 5 anos morreram no incêndio.", [{"kind": "killed", "value": 2}]),
    # a multiple before an event noun counts its people: "triple homicide", "homicídio duplo"
    ("en", "Police investigate early morning double homicide", [{"kind": "killed", "value": 2}]),
    ("en", "Suspect in triple-murder appears in court", [{"kind": "killed", "value": 3}]),
    (
        "en",
        "Police are investigating a quadruple shooting in West Philadelphia.",
        [{"kind": "injured", "value": 4, "rule": "shot_not_killed"}],
    ),
    (
        "en",
        "A woman was killed and three men wounded in a quadruple shooting.",
        [{"kind": "killed", "value": 1}, {"kind": "injured", "value": 3}],
    ),
    ("fr", "Un triple meurtre endeuille la commune.", [{"kind": "killed", "value": 3}]),
    ("fr", "Enquête sur un double homicide à Marseille.", [{"kind": "killed", "value": 2}]),
    ("es", "Investigan un doble homicidio en Monterrey.", [{"kind": "killed", "value": 2}]),
    ("es", "Detienen al autor del triple crimen de Salta.", [{"kind": "killed", "value": 3}]),
    ("pt", "Polícia investiga duplo homicídio em Campinas.", [{"kind": "killed", "value": 2}]),
    ("pt", "Homicídio triplo choca moradores de Sobral.", [{"kind": "killed", "value": 3}]),
    # an indefinite ordinal counts the dead so far: "a fifth person has died"
    ("en", "A fifth person has died after the shooting.", [{"kind": "killed", "value": 5}]),
    ("en", "5th person dies after July murder-suicide", [{"kind": "killed", "value": 5}]),
    ("fr", "Une troisième victime est morte à l'hôpital.", [{"kind": "killed", "value": 3}]),
    ("es", "Una segunda persona ha fallecido en Sevilla.", [{"kind": "killed", "value": 2}]),
    ("pt", "Uma terceira vítima morreu no hospital.", [{"kind": "killed", "value": 3}]),
    ("en", "The fifth man was pronounced dead at the hospital.", [{"kind": "killed", "value": 1}]),
    # adverbs between a subject and its verb: "sadly", "lamentablemente", "infelizmente"
    ("en", "Two hikers sadly died on the mountain.", [{"kind": "killed", "value": 2}]),
    ("es", "Dos excursionistas lamentablemente fallecieron.", [{"kind": "killed", "value": 2}]),
    ("pt", "Dois pescadores infelizmente morreram afogados.", [{"kind": "killed", "value": 2}]),
    ("fr", "Deux randonneurs sont malheureusement décédés.", [{"kind": "killed", "value": 2}]),
    # "deux autres policiers": "autres" before the noun it qualifies
    ("fr", "Deux autres policiers ont été blessés.", [{"kind": "injured", "value": 2}]),
    ("es", "Otros tres agentes resultaron heridos.", [{"kind": "injured", "value": 3}]),
    ("pt", "Outros dois policiais ficaram feridos.", [{"kind": "injured", "value": 2}]),
    ("en", "Two other officers were wounded.", [{"kind": "injured", "value": 2}]),
    # feminine plurals of people nouns
    (
        "fr",
        "Le tireur a ouvert le feu, tuant deux policières et un passant.",
        [{"kind": "killed", "value": 3}],
    ),
    ("es", "Dos enfermeras resultaron heridas en el ataque.", [{"kind": "injured", "value": 2}]),
    ("pt", "Duas passageiras morreram no acidente.", [{"kind": "killed", "value": 2}]),
    # a year told between commas dates the figure beside it
    (
        "fr",
        "Le séisme de L'Aquila, en 2009, avait fait 309 morts. Celui de 2016 a fait 300 morts.",
        [
            {"kind": "killed", "value": 309, "scope": "historical"},
            {"kind": "killed", "value": 300, "scope": "current"},
        ],
    ),
    (
        "es",
        "El terremoto de Haití, en 2010, dejó 200.000 muertos. El de 2021 dejó 2.200 muertos.",
        [
            {"kind": "killed", "value": 200000, "scope": "historical"},
            {"kind": "killed", "value": 2200, "scope": "current"},
        ],
    ),
    (
        "pt",
        "O rompimento de Mariana, em 2015, deixou 19 mortos. O de Brumadinho, em 2019, deixou 270.",
        [
            {"kind": "killed", "value": 19, "scope": "historical"},
        ],
    ),
    (
        "en",
        "The Paris attacks, in 2015, killed 130 people. On Monday in 2017 a gunman killed 3.",
        [
            {"kind": "killed", "value": 130, "scope": "historical"},
            {"kind": "killed", "value": 3, "scope": "current"},
        ],
    ),
    (
        "en",
        "At least six die as protesters come under fire, in some of the worst violence in years.",
        [{"kind": "killed", "value": 6, "scope": "current"}],
    ),
    # everyone shot died: none is hurt ("injured 0", derived like shot-not-killed)
    (
        "en",
        "Two people were shot, both fatally.",
        [{"kind": "killed", "value": 2}, {"kind": "injured", "value": 0}],
    ),
    (
        "pt",
        "Dois homens foram baleados e morreram no local.",
        [{"kind": "killed", "value": 2}, {"kind": "injured", "value": 0}],
    ),
    (
        "es",
        "Dos hombres fueron baleados; ambos murieron.",
        [{"kind": "killed", "value": 2}, {"kind": "injured", "value": 0}],
    ),
    (
        "fr",
        "Deux hommes ont été touchés par balle et sont morts.",
        [{"kind": "killed", "value": 2}, {"kind": "injured", "value": 0}],
    ),
    (
        "en",
        "Three people were shot; one died.",
        [{"kind": "killed", "value": 1}, {"kind": "injured", "value": 2}],
    ),
    # a count named by the people after it: "Three victims, a man, a woman and a boy"
    (
        "en",
        "Three victims, a 25-year-old man, a 26-year-old man, and a 33-year-old man, were taken "
        "to a hospital with non-life threatening injuries.",
        [{"kind": "injured", "value": 3}],
    ),
    (
        "en",
        "The gunman killed two people, a man and a woman, police said.",
        [{"kind": "killed", "value": 2}],
    ),
    (
        "fr",
        "L'explosion a tué deux personnes, un homme et une femme.",
        [{"kind": "killed", "value": 2}],
    ),
    (
        "es",
        "La explosión mató a dos personas, un hombre y una mujer.",
        [{"kind": "killed", "value": 2}],
    ),
    (
        "pt",
        "A explosão matou duas pessoas, um homem e uma mulher.",
        [{"kind": "killed", "value": 2}],
    ),
    (
        "en",
        "Betty Mungin, 55, Alexis Mungin, 29, and Armani Mungin, 8, were fatally shot.",
        [{"kind": "killed", "value": 3}],
    ),
    # first-person words in quotes count no one: "“I'm hurt,” said his cousin"
    ("en", "“I’m hurt,” said the boy’s cousin.", NONE),
    # ages after "ages of" are ages: "between the ages of 11 and 15 hospitalized"
    (
        "en",
        "Five children between the ages of 11 and 15 were hospitalized.",
        [{"kind": "injured", "value": 5}],
    ),
    # an age phrase keeps its words for the markers: "Há 25 anos, ... matou 111 presos"
    (
        "pt",
        "Há 25 anos, a Polícia Militar invadiu o Pavilhão 9 e matou 111 presos.",
        [{"kind": "killed", "value": 111, "scope": "historical"}],
    ),
    (
        "es",
        "Hace 25 años, un atentado en el mercado mató a 85 personas.",
        [{"kind": "killed", "value": 85, "scope": "historical"}],
    ),
    (
        "fr",
        "Il y a 20 ans, un attentat dans le métro a tué 8 personnes.",
        [{"kind": "killed", "value": 8, "scope": "historical"}],
    ),
    (
        "en",
        "25 years ago, a bomb in the market killed 85 people.",
        [{"kind": "killed", "value": 85, "scope": "historical"}],
    ),
    # a date before a year reads as the year: "En décembre 2016, ... avait fait 29 morts"
    (
        "fr",
        "Le 9 avril 2017, un attentat a fait 8 morts. En décembre 2016, un attentat contre une "
        "église du Caire avait fait 29 morts.",
        [
            {"kind": "killed", "value": 8, "scope": "current"},
            {"kind": "killed", "value": 29, "scope": "historical"},
        ],
    ),
    (
        "pt",
        "Em 2 de outubro de 1992, a polícia matou 111 presos; em 2017, uma rebelião deixou "
        "56 mortos.",
        [
            {"kind": "killed", "value": 111, "scope": "historical"},
            {"kind": "killed", "value": 56, "scope": "current"},
        ],
    ),
    (
        "es",
        "En marzo de 2004, los atentados de Madrid mataron a 193 personas. El ataque de 2017 "
        "dejó 16 muertos.",
        [
            {"kind": "killed", "value": 193, "scope": "historical"},
            {"kind": "killed", "value": 16, "scope": "current"},
        ],
    ),
    (
        "en",
        "In November of 2012, a man was killed outside the bar. On Friday in 2013 two people "
        "were shot.",
        [{"kind": "killed", "value": 1, "scope": "historical"}, {"kind": "injured", "value": 2}],
    ),
    (
        "fr",
        "Le 13 novembre 2016, la France a rendu hommage aux victimes des attentats du 13 "
        "novembre 2015, qui avaient fait 130 morts.",
        [{"kind": "killed", "value": 130, "scope": "historical"}],
    ),
    # a trigger that is the noun of another verb's object: "matou 111 presos" (prisoners)
    ("pt", "A polícia matou 111 presos.", [{"kind": "killed", "value": 111}]),
    ("es", "Los guardias mataron a 3 reos.", [{"kind": "killed", "value": 3}]),
    # a couple is two: "um casal", "un couple", "a couple"
    ("pt", "Um casal foi encontrado morto dentro de casa.", [{"kind": "killed", "value": 2}]),
    ("fr", "Un couple a été retrouvé mort à son domicile.", [{"kind": "killed", "value": 2}]),
    ("en", "A couple was found dead in their home.", [{"kind": "killed", "value": 2}]),
    # "y dos más resultaron heridas": more people after a clause that counted others
    (
        "es",
        "Cinco personas perdieron la vida y dos más resultaron lesionadas.",
        [{"kind": "killed", "value": 5}, {"kind": "injured", "value": 2}],
    ),
    (
        "en",
        "Two people were killed and two more were injured.",
        [{"kind": "killed", "value": 2}, {"kind": "injured", "value": 2}],
    ),
    # a place or name before a people noun: "Long Beach woman and 4-year-old daughter"
    (
        "en",
        "Arrest made in shooting deaths of Long Beach woman and 4-year-old daughter",
        [{"kind": "killed", "value": 2}],
    ),
    ("en", "Chicago man and his son shot dead", [{"kind": "killed", "value": 2}]),
    # "a woman and girl then killed himself": the reflexive is the killer's own death
    (
        "en",
        "A man fatally shot a woman and girl then killed himself.",
        [{"kind": "killed", "value": 3}],
    ),
    (
        "fr",
        "Un homme a tué sa femme et sa fille puis s'est suicidé.",
        [{"kind": "killed", "value": 3}],
    ),
    (
        "es",
        "Un hombre mató a su esposa y a su hija y luego se suicidó.",
        [{"kind": "killed", "value": 3}],
    ),
    (
        "pt",
        "Um homem matou a esposa e a filha e depois se matou.",
        [{"kind": "killed", "value": 3}],
    ),
    # the share of a group keeps the group's time: "shot this year, two fatally"
    (
        "en",
        "At least five other children under age 10 have been shot in the city this year, "
        "two fatally.",
        [{"kind": "killed", "value": 2, "scope": "cumulative"}],
    ),
    (
        "es",
        "Desde enero, ocho personas fueron baleadas en el barrio, dos mortalmente.",
        [{"kind": "killed", "value": 2, "scope": "cumulative"}],
    ),
    (
        "pt",
        "Desde janeiro, oito pessoas foram baleadas no bairro, duas fatalmente.",
        [{"kind": "killed", "value": 2, "scope": "cumulative"}],
    ),
    # a clause about another event, dated by its distance, runs to the end of the sentence
    (
        "en",
        "The shooting comes just one week after a fatal shooting at a party where four people "
        "were shot, including a 12-year-old girl who did not survive.",
        [{"kind": "killed", "value": 1, "scope": "historical"}],
    ),
    (
        "en",
        "The attack came three years after a similar one; in 2010, nine people were shot, "
        "three of them fatally.",
        [{"kind": "killed", "value": 3, "scope": "historical"}],
    ),
    (
        "fr",
        "L'attaque survient deux jours après un attentat qui a fait 12 morts.",
        [{"kind": "killed", "value": 12, "scope": "historical"}],
    ),
    (
        "es",
        "El ataque se produce dos días después de un atentado que dejó 12 muertos.",
        [{"kind": "killed", "value": 12, "scope": "historical"}],
    ),
    (
        "pt",
        "O ataque ocorre dois dias após um atentado que deixou 12 mortos.",
        [{"kind": "killed", "value": 12, "scope": "historical"}],
    ),
    # a count over the first months of a year is a running total, not one event's toll
    (
        "pt",
        "O país registrou 28 mil homicídios no primeiro semestre.",
        [{"kind": "killed", "value": 28000, "scope": "cumulative"}],
    ),
    (
        "en",
        "The city recorded 40 deaths in the first half of the year.",
        [{"kind": "killed", "value": 40, "scope": "cumulative"}],
    ),
    (
        "fr",
        "Le pays a recensé 900 homicides au premier semestre.",
        [{"kind": "killed", "value": 900, "scope": "cumulative"}],
    ),
    (
        "es",
        "El país registró 900 homicidios en el primer semestre.",
        [{"kind": "killed", "value": 900, "scope": "cumulative"}],
    ),
    # a participle of raising before the figure and its toll noun
    (
        "fr",
        "Deux autres victimes sont mortes, portant à 7 le nombre de morts.",
        [{"kind": "killed", "value": 7}],
    ),
    (
        "es",
        "Murieron otras dos personas, elevando a 7 el número de muertos.",
        [{"kind": "killed", "value": 7}],
    ),
    (
        "pt",
        "Morreram mais duas pessoas, elevando para 7 o número de mortos.",
        [{"kind": "killed", "value": 7}],
    ),
    # a count across several incidents: every figure of the sentence is a running total
    (
        "en",
        "4 dead, 17 wounded in weekend shootings across the city",
        [
            {"kind": "killed", "value": 4, "scope": "cumulative"},
            {"kind": "injured", "value": 17, "scope": "cumulative"},
        ],
    ),
    (
        "en",
        "Violent night in the capital leaves two dead, five others hurt",
        [
            {"kind": "killed", "value": 2, "scope": "cumulative"},
            {"kind": "injured", "value": 5, "scope": "cumulative"},
        ],
    ),
    (
        "en",
        "A woman was killed and three men were wounded in two shootings on Sunday.",
        [
            {"kind": "killed", "value": 1, "scope": "cumulative"},
            {"kind": "injured", "value": 3, "scope": "cumulative"},
        ],
    ),
    (
        "fr",
        "Trois morts et huit blessés lors des fusillades du week-end à Lyon.",
        [
            {"kind": "killed", "value": 3, "scope": "cumulative"},
            {"kind": "injured", "value": 8, "scope": "cumulative"},
        ],
    ),
    (
        "es",
        "Un fin de semana violento deja cuatro muertos y nueve heridos en la capital.",
        [
            {"kind": "killed", "value": 4, "scope": "cumulative"},
            {"kind": "injured", "value": 9, "scope": "cumulative"},
        ],
    ),
    (
        "pt",
        "Fim de semana violento deixa quatro mortos e nove feridos na capital.",
        [
            {"kind": "killed", "value": 4, "scope": "cumulative"},
            {"kind": "injured", "value": 9, "scope": "cumulative"},
        ],
    ),
    # one event called "shootings" stays one event
    ("en", "Mosque shootings: 12 dead", [{"kind": "killed", "value": 12, "scope": "current"}]),
    # a linked video's caption or a 'RELATED:' link is another story's title
    ("en", "0:52 Two men found dead in a parked car", NONE),
    ("en", "9:30 a.m. Three people were hurt in the crash.", [{"kind": "injured", "value": 3}]),
    ("en", "RELATED: Two killed in highway crash near the county line", NONE),
    ("fr", "Lire aussi : Deux morts dans un accident sur l'autoroute", NONE),
    ("es", "Lea también: Dos muertos en un choque en la autopista", NONE),
    ("pt", "Leia também: Dois mortos em acidente na rodovia", NONE),
    (
        "en",
        "Related deaths: two people were killed in the storm.",
        [{"kind": "killed", "value": 2}],
    ),
    # 'another four', ages told between commas after the noun
    ("en", "The blast injured another four workers.", [{"kind": "injured", "value": 4}]),
    (
        "en",
        "Three other men, ages 19, 22, and 41, were injured.",
        [{"kind": "injured", "value": 3}],
    ),
    # a verb of sending and a place of care: the people it takes there are hurt
    ("en", "The crash sent six people to the hospital.", [{"kind": "injured", "value": 6}]),
    ("fr", "L'accident a envoyé six personnes à l'hôpital.", [{"kind": "injured", "value": 6}]),
    ("es", "El choque envió a seis personas al hospital.", [{"kind": "injured", "value": 6}]),
    ("pt", "O acidente mandou seis pessoas para o hospital.", [{"kind": "injured", "value": 6}]),
    ("en", "The city sent 40 officers to the scene.", NONE),
    # an event noun naming the victims; a participle with two phrases before the verb
    ("en", "2 shooting victims died at the hospital.", [{"kind": "killed", "value": 2}]),
    (
        "en",
        "A boy shot in the leg at a park on Friday has died.",
        [{"kind": "killed", "value": 1}],
    ),
    ("en", "Woman hurt in accidental shooting dies", [{"kind": "killed", "value": 1}]),
    # brain death
    ("en", "The girl was declared brain dead on Monday.", [{"kind": "killed", "value": 1}]),
    ("fr", "La fillette est en état de mort cérébrale.", [{"kind": "killed", "value": 1}]),
    ("es", "La niña está en muerte cerebral.", [{"kind": "killed", "value": 1}]),
    ("pt", "A menina teve morte cerebral.", [{"kind": "killed", "value": 1}]),
    # a plural event after a preposition without a determiner is a round-up
    (
        "en",
        "2 dead, 7 wounded in Detroit shootings",
        [
            {"kind": "killed", "value": 2, "scope": "cumulative"},
            {"kind": "injured", "value": 7, "scope": "cumulative"},
        ],
    ),
    (
        "en",
        "Four people were killed in the Orchard Street shootings.",
        [{"kind": "killed", "value": 4, "scope": "current"}],
    ),
    (
        "en",
        "A spate of four shootings left two people dead overnight.",
        [{"kind": "killed", "value": 2, "scope": "cumulative"}],
    ),
    # a death noun that only qualifies the noun after it
    ("en", "His murder trial opens on Monday.", NONE),
    # one of them is a part of the group told before, not one more
    (
        "es",
        "Llegaron dos bomberos, y uno de ellos resultó herido.",
        [{"kind": "injured", "value": 1}],
    ),
    ("en", "Two officers arrived, and one of them was hurt.", [{"kind": "injured", "value": 1}]),
    (
        "fr",
        "Deux policiers étaient là, et l'un d'eux a été blessé.",
        [{"kind": "injured", "value": 1}],
    ),
    ("en", "The teenager was taken off life support on Monday.", [{"kind": "killed", "value": 1}]),
    # a zero told with a degree of harm denies the degree, not the harm
    ("en", "None of the passengers was seriously hurt.", NONE),
    ("fr", "Aucun passager n'a été grièvement blessé.", NONE),
    ("es", "Ningún pasajero resultó gravemente herido.", NONE),
    ("pt", "Nenhum passageiro ficou gravemente ferido.", NONE),
    ("en", "None of the passengers was hurt.", [{"kind": "injured", "value": 0}]),
    # a phrase between dashes names the subject's people; the subject is before it
    (
        "en",
        "The four victims — two men, ages 30 and 33, and two women — were shot near a bar.",
        [{"kind": "injured", "value": 4}],
    ),
]


def _case_id(case: tuple[str, str, list[dict]]) -> str:
    return f"{case[0]}:{case[1][:48]}"


def _matches(claim: Claim, expected: dict) -> bool:
    return all(getattr(claim, key) == value for key, value in expected.items())


@pytest.mark.parametrize(("lang", "phrase", "expected"), CASES, ids=[_case_id(c) for c in CASES])
def test_phrase_table(lang: str, phrase: str, expected: list[dict]) -> None:
    claims = extract_claims(phrase, lang)
    shown = [(c.kind, c.value, c.qualifier, c.who, c.scope, c.is_subcount, c.rule) for c in claims]
    for want in expected:
        assert any(_matches(c, want) for c in claims), f"missing {want} in {shown}"
    kinds = {want["kind"] for want in expected}
    assert {c.kind for c in claims} <= kinds, f"unexpected claims in {shown}"
    assert len({(c.kind, c.span) for c in claims}) == len(claims), "one claim per kind and span"


def test_the_table_is_large_and_covers_every_language() -> None:
    assert len(CASES) >= 400
    per_language = {lang: sum(1 for c in CASES if c[0] == lang) for lang in ("fr", "pt", "es")}
    assert min(per_language.values()) >= 60, per_language
    assert {lang for lang, _, _ in CASES} == {"en", "fr", "pt", "es"}
    assert sum(1 for _, _, want in CASES if want is NONE) >= 15


# --------------------------------------------------------------------------- claims


def test_claim_fields_are_valid_and_point_into_the_text() -> None:
    text = "Storm update.\n\nOfficials said at least 240 people were killed and 1,200 were injured."
    claims = extract_claims(text)
    assert claims
    for claim in claims:
        assert claim.kind in KINDS
        assert claim.qualifier in QUALIFIERS
        assert claim.scope in SCOPES
        assert claim.sentence in text
        start, end = claim.span
        assert claim.sentence.find(text[start:end]) >= 0
    killed = next(c for c in claims if c.kind == "killed")
    assert text[killed.span[0] : killed.span[1]] == "at least 240 people"


def test_to_dict_is_json_ready() -> None:
    claim = extract_claims("Two people were killed, police said.")[0]
    data = json.loads(json.dumps(claim.to_dict()))
    assert data["kind"] == "killed"
    assert data["span"] == list(claim.span)
    assert data["attributed_to"] == "police"


def test_unknown_language_uses_english_rules() -> None:
    claims = extract_claims("Two people were killed.", lang="de")
    assert [(c.kind, c.value, c.lang) for c in claims] == [("killed", 2, "de")]


def test_no_language_means_english() -> None:
    record = facts_record("a1", "Three people were injured.", None, None)
    assert record["claims"][0]["lang"] == "en"


def test_regional_language_code_uses_its_language() -> None:
    claims = extract_claims("Duas pessoas ficaram feridas.", lang="pt-BR")
    assert [(c.kind, c.value, c.lang) for c in claims] == [("injured", 2, "pt")]


def test_text_without_claims_gives_nothing() -> None:
    assert extract_claims("") == []
    assert extract_claims("The council approved the budget on Tuesday.") == []


# --------------------------------------------------------------------------- headline figures

FILLER = " ".join(["The neighbourhood was quiet again on Monday as residents went to work."] * 10)


def test_headline_is_the_toll_not_a_subcount_nor_a_cumulative_figure() -> None:
    text = (
        "At least 240 people were killed in the offensive, according to a monitoring group. "
        "The dead included 24 civilians, including 19 in air strikes. "
        "More than half a million people have died since 2011."
    )
    claims = extract_claims(text)
    assert {c.value for c in claims if c.kind == "killed" and c.is_subcount} == {24, 19}
    assert any(c.value == 500_000 and c.scope == "cumulative" for c in claims)
    killed = headline_figures(claims)["killed"]
    assert killed is not None
    assert (killed.value, killed.qualifier, killed.attributed_to) == (
        240,
        "at_least",
        "a monitoring group",
    )


def test_cumulative_figure_alone_gives_no_headline_value() -> None:
    heads = headline_figures(
        extract_claims("More than half a million people have died since 2011.")
    )
    assert "killed" in heads
    assert heads["killed"] is None


def test_toll_of_240_with_a_subcount_of_19() -> None:
    text = "The offensive has killed 240 people, including 19 children, the monitor said."
    killed = headline_figures(extract_claims(text))["killed"]
    assert killed is not None
    assert (killed.value, killed.attributed_to) == (240, "the monitor")


def test_headline_for_shot_one_fatally() -> None:
    heads = headline_figures(extract_claims("Two people were shot, one fatally."))
    assert heads["killed"] is not None and heads["killed"].value == 1
    assert heads["injured"] is not None and heads["injured"].value == 1


def test_headline_prefers_the_lead_over_background_further_down() -> None:
    text = (
        "Three people were killed in a shooting on Main Street on Saturday. "
        + FILLER
        + " In 2012, a gunman killed 26 people at a school in the same state."
    )
    killed = headline_figures(extract_claims(text))["killed"]
    assert killed is not None and killed.value == 3


def test_headline_prefers_a_stated_number_to_a_vague_or_ceiling_figure() -> None:
    text = (
        "Hundreds were injured and up to 300 may have died. "
        "Officials confirmed 150 injured and 120 deaths."
    )
    heads = headline_figures(extract_claims(text))
    assert heads["injured"] is not None and heads["injured"].value == 150
    assert heads["killed"] is not None and heads["killed"].value == 120


def test_headline_of_no_one_hurt_is_zero() -> None:
    injured = headline_figures(extract_claims("A car crashed into a shop. No one was hurt."))[
        "injured"
    ]
    assert injured is not None
    assert (injured.value, injured.qualifier) == (0, "exact")


def test_headline_takes_the_raised_toll() -> None:
    text = "At least 240 people were killed. Later the death toll rose to more than 255."
    killed = headline_figures(extract_claims(text))["killed"]
    assert killed is not None and (killed.value, killed.qualifier) == (255, "more_than")


# (lang, text, kind, headline value): what a whole text says its main event's toll is.
HEADLINES: list[tuple[str, str, str, int | None]] = [
    # The perpetrator is no victim: the attacker's own death states no toll.
    ("en", "The gunman was shot dead by police after a standoff.", "killed", None),
    ("en", "A gunman killed three people before he was shot dead by police.", "killed", 3),
    ("fr", "L'assaillant a été abattu par la police.", "killed", None),
    ("es", "El atacante fue abatido por la policía.", "killed", None),
    ("pt", "O atirador foi morto pela polícia.", "killed", None),
    ("pt", "O atirador matou duas pessoas e foi morto pela polícia.", "killed", 2),
    # A named person's natural death, a place or title before the noun: an obituary.
    (
        "pt",
        "O cantor Fulano de Tal morreu nesta quinta-feira, aos 86 anos. Ele estava internado "
        "para tratar de um câncer.",
        "killed",
        None,
    ),
    (
        "pt",
        "O cantor Fulano de Tal morreu nesta quinta-feira, aos 86 anos. Ele estava internado "
        "para tratar de um câncer.",
        "injured",
        None,
    ),
    (
        "es",
        "El escritor Fulano de Tal ha muerto este domingo en Madrid a los 93 años.",
        "killed",
        None,
    ),
    ("fr", "L'écrivain Fulano est décédé samedi à l'âge de 87 ans.", "killed", None),
    ("en", "The boy was listed in critical condition.", "injured", 1),
    ("en", "Hollywood actor dies aged 85 after a long illness", "killed", None),
    ("en", "Chicago man dies in drive-by shooting", "killed", 1),
]


@pytest.mark.parametrize(("lang", "text", "kind", "value"), HEADLINES)
def test_headline_table(lang: str, text: str, kind: str, value: int | None) -> None:
    claim = headline_figures(extract_claims(text, lang)).get(kind)
    assert (claim.value if claim is not None else None) == value


def test_facts_record_follows_the_jsonl_contract() -> None:
    text = "At least 240 people were killed and 14,000 displaced, according to the UN."
    record = json.loads(json.dumps(facts_record("doc-1", text, "en", load_lexicons())))
    assert set(record) == {"id", "claims", "headline"}
    assert record["id"] == "doc-1"
    assert set(record["headline"]) >= set(KINDS)
    killed = record["headline"]["killed"]
    assert set(killed) == {
        "value",
        "low",
        "high",
        "qualifier",
        "who",
        "attributed_to",
        "sentence",
        "span",
    }
    assert (killed["value"], killed["qualifier"], killed["attributed_to"]) == (
        240,
        "at_least",
        "the UN",
    )
    assert text[killed["span"][0] : killed["span"][1]] == "At least 240 people"
    assert record["headline"]["displaced"]["value"] == 14000
    assert record["headline"]["missing"] is None


# --------------------------------------------------------------------------- lexicons

MINIMAL = """
[numbers]
words = { one = 1, two = 2 }
[grammar]
passive = ["were"]
[who.plural]
people = "people"
[kinds.killed]
after = ["perished"]
"""


def _write(folder: Path, name: str, body: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text(body, encoding="utf-8")
    return path


def test_packaged_lexicons_load() -> None:
    assert load_lexicons().languages == ["en", "es", "fr", "pt"]


def test_lexicons_are_package_data_not_a_checkout_folder() -> None:
    folder = ROOT / "newsmon" / "facts" / "lexicons"
    assert sorted(p.name for p in folder.glob("*.toml")) == [
        "en.toml",
        "es.toml",
        "fr.toml",
        "pt.toml",
    ]
    assert not list((ROOT / "config" / "lexicons").glob("*.toml")), "config/ only overrides"


def test_a_missing_or_empty_override_folder_changes_nothing(tmp_path: Path) -> None:
    text = "Two people were killed."
    expected = extract_claims(text, "en")
    assert extract_claims(text, "en", load_lexicons(tmp_path)) == expected
    assert extract_claims(text, "en", load_lexicons(tmp_path / "absent")) == expected


def test_an_override_adds_to_the_packaged_lexicon(tmp_path: Path) -> None:
    _write(tmp_path, "en.toml", '[kinds.killed]\nafter = ["vaporised"]\n')
    lexicons = load_lexicons(tmp_path)
    assert [(c.kind, c.value) for c in extract_claims("Two people vaporised.", "en", lexicons)] == [
        ("killed", 2)
    ]
    assert extract_claims("Two people were killed.", "en", lexicons)  # the packaged words stay
    assert extract_claims("Two people vaporised.", "en") == []  # the defaults are untouched


def test_a_replacing_override_is_the_whole_lexicon(tmp_path: Path) -> None:
    _write(tmp_path, "en.toml", "replace = true\n" + MINIMAL)
    claims = extract_claims("Two people perished.", "en", load_lexicons(tmp_path))
    assert [(c.kind, c.value) for c in claims] == [("killed", 2)]
    assert extract_claims("Two people were killed.", "en", load_lexicons(tmp_path)) == []


def test_an_override_for_a_new_language_adds_it(tmp_path: Path) -> None:
    _write(tmp_path, "it.toml", MINIMAL.replace("perished", "morti"))
    lexicons = load_lexicons(tmp_path)
    assert lexicons.languages == ["en", "es", "fr", "it", "pt"]
    claims = extract_claims("Two people morti.", "it", lexicons)
    assert [(c.kind, c.value, c.lang) for c in claims] == [("killed", 2, "it")]


@pytest.mark.parametrize(
    ("body", "key"),
    [
        (MINIMAL + "\n[grammar.extra]\n", "grammar.extra"),
        (MINIMAL.replace("passive =", "pasive ="), "grammar.pasive"),
        (MINIMAL + "\n[bogus]\nx = 1\n", "bogus"),
        (MINIMAL + "\n[kinds.exploded]\nafter = ['blew up']\n", "kinds.exploded"),
        (MINIMAL + "\n[kinds.injured]\nbefore = ['hurting']\nwhen = []\n", "kinds.injured.when"),
        (MINIMAL.replace("words = { one = 1, two = 2 }", "words = ['one']"), "numbers.words"),
        (MINIMAL.replace('passive = ["were"]', 'passive = "were"'), "grammar.passive"),
        ("replace = 'yes'\n" + MINIMAL, "replace"),
    ],
)
def test_lexicon_errors_name_the_file_and_key(tmp_path: Path, body: str, key: str) -> None:
    path = _write(tmp_path, "en.toml", body)
    with pytest.raises(ConfigError) as info:
        load_lexicons(tmp_path)
    assert info.value.key == key
    assert info.value.path == str(path)
    assert str(path) in str(info.value)


def test_lexicon_syntax_error_names_the_file(tmp_path: Path) -> None:
    path = _write(tmp_path, "en.toml", "[numbers\n")
    with pytest.raises(ConfigError) as info:
        load_lexicons(tmp_path)
    assert info.value.path == str(path)


def test_english_lexicon_is_required() -> None:
    with pytest.raises(ConfigError):
        Lexicons({"fr": load_lexicons().get("fr")})


# --------------------------------------------------------------------------- the corpus check


def _bench():  # type: ignore[no-untyped-def]
    spec = importlib.util.spec_from_file_location(
        "eval_casualties", ROOT / "bench" / "eval_casualties.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


@pytest.mark.corpus
def test_bbc_headline_dev_holds_the_issue_12_targets() -> None:
    bench = _bench()
    folder = bench.CORPORA / bench.BBC_DIR
    if not (folder / "versions.jsonl").exists():
        pytest.skip("../shared/corpora/casualty_bbc_headlines_dev is not here")
    result = bench.evaluate_items(bench.load_bbc(folder), load_lexicons())
    scores = result["by_half"]["all"]["systems"]["newsmon"]["en"]
    assert scores["killed"]["accuracy"] >= 0.95
    assert scores["killed"]["precision"] >= 0.93
    assert scores["injured"]["accuracy"] >= 0.97


@pytest.mark.corpus
def test_multilingual_dev_does_not_fall_back() -> None:
    bench = _bench()
    folder = bench.CORPORA / bench.ML_DIR
    if not (folder / "articles.jsonl").exists():
        pytest.skip("../shared/corpora/casualty_multilingual_dev is not here")
    result = bench.evaluate_items(bench.load_multilingual(folder), load_lexicons())
    scores = result["by_half"]["all"]["systems"]["newsmon"]
    # Floors of this round (issue 12's targets, 0.90 per language, are not reached yet).
    assert scores["all"]["killed"]["accuracy"] >= 0.80
    assert scores["all"]["injured"]["accuracy"] >= 0.88
    for lang in ("pt", "es", "fr"):
        assert scores[lang]["killed"]["accuracy"] >= 0.75, lang


@pytest.mark.corpus
def test_dev_corpus_sample_beats_both_baselines() -> None:
    module = _bench()
    gva = module.CORPORA / module.GVA_DIR
    if not (gva / "incidents.jsonl").exists():
        pytest.skip("../shared/corpora/casualty_gva_longtail_dev is not here")
    result = module.evaluate(gva, limit=300)
    ours, crude, zeros = (result["systems"][s] for s in ("newsmon", "crude_regex", "all_zeros"))
    for kind in ("killed", "injured"):
        assert ours[kind]["exact"] > crude[kind]["exact"]
        assert ours[kind]["exact"] > zeros[kind]["exact"]
    assert ours["killed"]["exact"] >= 0.8


def test_a_speaker_before_an_inserted_clause_is_the_source_not_the_qualifier():
    text = (
        "The group, which relies on a network of doctors inside the country, "
        "said more than 600 people had been wounded."
    )
    (claim,) = extract_claims(text)
    assert (claim.kind, claim.value, claim.qualifier) == ("injured", 600, "more_than")
    assert claim.attributed_to == "the group"
