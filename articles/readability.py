"""How hard an article is to read, computed with ``textstat`` in the article's language.

English is graded in US school grades (Flesch-Kincaid, SMOG beside it). Spanish has no grade
formula among textstat's that Spanish readers' bodies use; it is measured with Fernández-Huerta
reading ease (0-100, higher is easier; 60-70 reads as ordinary text), against a target of its
own (``ClinicSettings.target_reading_ease_es``). ``formula`` says which one ``grade_level``
holds, and :func:`is_above` compares either the right way round.

The text is the article as a reader meets it: headings, paragraphs, callouts and accordions.
References, disclaimers, captions, alt text and calls to action are left out: they are not
prose a patient reads through. Each heading, paragraph and list item ends a sentence, so a
heading or a bullet without a full stop does not run into the next one.

:func:`readability` returns what :class:`~articles.models.ArticlePage` stores in its
``readability`` field whenever it or a revision of it is saved, so nothing here runs when the
API or a report reads an article::

    {
        "formula": "flesch_kincaid_grade",   # or "fernandez_huerta" for Spanish
        "grade_level": 6.4,          # the formula's value for the whole article, or None
        "smog_index": 8.1,           # SMOG grade of the whole article, or None (English only)
        "words": 812,
        "longest_sentences": ["...", ...],
        "hardest_words": ["...", ...],
        "sections": [                # one per H2, in order; text before the first H2 is not one
            {"anchor": "what-to-expect", "heading": "What to expect", "grade_level": 5.9,
             "smog_index": 7.2, "words": 130, "longest_sentences": [...], "hardest_words": [...]},
        ],
    }

Grades are rounded to one decimal and never below 0 (Flesch-Kincaid goes negative for text of
one-syllable words in short sentences; "grade 0" says the same to an editor).
"""

import re

from textstat import textstat
from textstat.backend import counts, metrics

from . import rich_text
from .blocks import heading_anchor

FORMULA = "flesch_kincaid_grade"
"""The grade the API's ``grade_level`` gives in English; SMOG is stored beside it for editors."""

SPANISH_FORMULA = "fernandez_huerta"
"""Spanish reading ease: higher is easier."""

FORMULAS = {"en": FORMULA, "es": SPANISH_FORMULA}
EASE_FORMULAS = {SPANISH_FORMULA}
"""Formulas whose value falls as text gets harder."""


def formula_for(language_code):
    return FORMULAS.get(language_code, FORMULA)


LONGEST_SENTENCES = 3
HARDEST_WORDS = 8

SENTENCE_END = re.compile(r"[.!?:;]['\")\]]*$")
SENTENCE_SPLIT = re.compile(r"(?<=[.!?])\s+")


def rich_text_units(source):
    """The text of each block element of stored rich text (paragraphs, list items)."""
    return rich_text.read(source).units


def body_units(body):
    """``(kind, text)`` for each piece of prose in reading order; kind is ``"h2"`` for a
    section heading, else ``"text"``."""
    for child in body:
        value = child.value
        if child.block_type == "heading":
            yield (value["level"], value["text"])
        elif child.block_type == "paragraph":
            for text in rich_text_units(value.source):
                yield ("text", text)
        elif child.block_type == "callout":
            for text in rich_text_units(value["text"].source):
                yield ("text", text)
        elif child.block_type == "accordion":
            if value.get("title"):
                yield ("text", value["title"])
            for item in value["items"]:
                yield ("text", item["title"])
                for text in rich_text_units(item["body"].source):
                    yield ("text", text)


def as_sentence(text):
    text = " ".join(text.split())
    if text and not SENTENCE_END.search(text):
        text += "."
    return text


def _grade(value):
    return max(0.0, round(value, 1))


def score(text, formula=FORMULA):
    """The formula's value and what makes ``text`` hard: its longest sentences and hardest
    words."""
    words = textstat.lexicon_count(text)
    if not words:
        return {
            "grade_level": None,
            "smog_index": None,
            "words": 0,
            "longest_sentences": [],
            "hardest_words": [],
        }
    sentences = sorted(SENTENCE_SPLIT.split(text), key=lambda s: len(s.split()), reverse=True)
    if formula == SPANISH_FORMULA:
        # Spanish words of four syllables or more; textstat's easy-word list is English.
        candidates = {w.strip(".,;:!?¿¡()\"'") for w in text.split()}
        hard = sorted(
            {w for w in candidates if w and counts.count_syllables(w, "es_ES") >= 4},
            key=lambda word: (-counts.count_syllables(word, "es_ES"), word.lower()),
        )
        return {
            "grade_level": round(metrics.fernandez_huerta(text, "es_ES"), 1),
            "smog_index": None,
            "words": words,
            "longest_sentences": sentences[:LONGEST_SENTENCES],
            "hardest_words": hard[:HARDEST_WORDS],
        }
    hard = sorted(
        set(textstat.difficult_words_list(text, 3)),
        key=lambda word: (-textstat.syllable_count(word), word.lower()),
    )
    return {
        "grade_level": _grade(textstat.flesch_kincaid_grade(text)),
        "smog_index": _grade(textstat.smog_index(text)),
        "words": words,
        "longest_sentences": sentences[:LONGEST_SENTENCES],
        "hardest_words": hard[:HARDEST_WORDS],
    }


def readability(body, language_code="en"):
    """What an article stores about its reading level (the shape is in the module docstring),
    measured with its language's formula."""
    formula = formula_for(language_code)
    whole, sections, seen = [], [], {}
    for kind, text in body_units(body):
        if kind in ("h2", "h3"):
            anchor = heading_anchor(text, seen)  # the table of contents' anchors, in its order
            if kind == "h2":
                sections.append({"anchor": anchor, "heading": text, "texts": []})
        sentence = as_sentence(text)
        if not sentence:
            continue
        whole.append(sentence)
        if sections:
            sections[-1]["texts"].append(sentence)
    return {
        "formula": formula,
        **score(" ".join(whole), formula),
        "sections": [
            {
                "anchor": section["anchor"],
                "heading": section["heading"],
                **score(" ".join(section["texts"]), formula),
            }
            for section in sections
        ],
    }


def is_above(grade, target, formula=FORMULA):
    """Whether ``grade`` (the formula's value) reads harder than ``target``."""
    if grade is None:
        return False
    return grade < target if formula in EASE_FORMULAS else grade > target


def sections_above(stored, target):
    """The stored sections whose grade is above ``target`` (harder than it)."""
    formula = (stored or {}).get("formula", FORMULA)
    return [
        s for s in (stored or {}).get("sections", []) if is_above(s["grade_level"], target, formula)
    ]
