"""The reading level and accessibility checks, live in Wagtail's Checks panel as an editor types.

Wagtail's preview panel renders the unsaved draft again a moment after the editor pauses
(``WAGTAIL_AUTO_UPDATE_PREVIEW_INTERVAL``), and its Checks panel then runs axe, Wagtail's
accessibility engine, on that preview (through the userbar the preview includes). Nothing here
measures anything in the browser: the built-in preview of an article
(``articles/preview/article_page.html``) marks what the draft's own checks found, computed in
Python exactly as on save (:mod:`articles.readability`, :mod:`articles.accessibility`):

``data-reading-grade``, ``data-reading-target``, ``data-reading-formula``, ``data-reading-summary``
    on the body (``data-reading-article``) and on each H2 section (``<section
    data-reading-section="anchor">``), with ``data-reading-above`` when it reads harder than
    the target; ``data-reading-heading`` names a section.
``data-block-id``
    each block's StreamField id (its wrapper, :func:`headless.templatetags.headless_preview.preview_blocks`).
``data-accessibility-problem``
    on a block (or the hero image), the names of the accessibility rules it breaks (:data:`RULES`).

:class:`ArticleContentChecker` adds axe rules that report exactly the marked elements (their
check fails wherever the selector finds one), so the Checks panel counts and lists them and the
preview annotates them; ``articles/js/live_checks.js``
shows the grades among the panel's content metrics and, when a problem is clicked, brings its
block into view in the editor. The same marks are in the preview a translation's editor shows.

:func:`checks` gives the same checks, in the same words, as JSON for a page held in memory: the
Checks panel of wagtail-localize's translation editor, which has no preview for axe to run on,
is filled from it (:mod:`articles.translation_checks`).
"""

from dataclasses import dataclass, field

from django.forms.utils import flatatt
from django.utils.translation import gettext_lazy as _
from wagtail.admin.userbar import ContentCheckerItem

from . import accessibility, readability
from .readability import FORMULA, SPANISH_FORMULA, is_above

READING_RULE = "reading-level-above-target"
MARKED_CHECK = "marked-by-the-server"
"""The axe check of every rule here: fails wherever the rule's selector finds an element
(``articles/js/live_check_marks.js`` registers it in the preview)."""
HERO_RULE = "hero-image-alt-text"


def rule_name(rule):
    """A body rule of :mod:`articles.accessibility` as an axe rule's name: ``heading-order``."""
    return rule.__name__.replace("_", "-")


RULES = {
    rule_name(accessibility.image_alt_text): (
        _("Image without alt text"),
        accessibility.ALT_TEXT_MESSAGE,
    ),
    rule_name(accessibility.rich_text_image_alt_text): (
        _("Image in text without alt text"),
        _("Choose the image again and describe it, or mark it decorative."),
    ),
    rule_name(accessibility.heading_order): (
        _("Heading skips a level"),
        _("Start with a section heading (H2) and go down one level at a time."),
    ),
    rule_name(accessibility.link_text): (
        _("Link text does not say where it goes"),
        _("Use words that make sense on their own, not 'click here'."),
    ),
    rule_name(accessibility.empty_content): (
        _("Empty heading or accordion item"),
        _("Give every heading, question and answer its words."),
    ),
    rule_name(accessibility.citation_identifiers): (
        _("DOI or PubMed ID is not valid"),
        _("A DOI starts with '10.' then a slash; a PubMed ID is a number."),
    ),
    HERO_RULE: (_("Hero image without alt text"), accessibility.HERO_ALT_TEXT_MESSAGE),
}
"""The accessibility rules as the Checks panel names them: ``name: (title, what to do)``. Each
of ``accessibility.BODY_RULES`` has one (a test keeps it so)."""

READING_MESSAGE = (
    _("Reads harder than the target"),
    _(
        "Shorter sentences and everyday words make it easier: the reading level above says "
        "by how much."
    ),
)


class ArticleContentChecker(ContentCheckerItem):
    """Wagtail's content checker with a rule for each of our checks (:data:`RULES`, and the
    reading level): each reports the elements of the preview marked with it.

    Swapped in for Wagtail's own wherever the userbar is built (the editor's Checks panel, the
    preview inside it, a preview in a new tab): the editor and its preview must know the same
    rules. On pages that carry no marks the rules find nothing.
    """

    class Media:
        js = ["articles/js/live_check_marks.js"]

    axe_run_only = [*ContentCheckerItem.axe_run_only, READING_RULE, *RULES]
    axe_custom_rules = [
        *ContentCheckerItem.axe_custom_rules,
        {
            "id": READING_RULE,
            "impact": "moderate",
            "selector": "[data-reading-above]",
            "tags": ["best-practice"],
            "any": [MARKED_CHECK],
            "enabled": True,
        },
        *(
            {
                "id": name,
                "impact": "serious",
                "selector": f'[data-accessibility-problem~="{name}"]',
                "tags": ["best-practice"],
                "any": [MARKED_CHECK],
                "enabled": True,
            }
            for name in RULES
        ),
    ]
    axe_custom_checks = [*ContentCheckerItem.axe_custom_checks, {"id": MARKED_CHECK}]
    axe_messages = {
        **ContentCheckerItem.axe_messages,
        READING_RULE: {"error_name": READING_MESSAGE[0], "help_text": READING_MESSAGE[1]},
        **{
            name: {"error_name": title, "help_text": help_text}
            for name, (title, help_text) in RULES.items()
        },
    }


def use_article_checker(request, items, page):
    """``construct_wagtail_userbar``: our checker in place of Wagtail's."""
    items[:] = [
        ArticleContentChecker(in_editor=item.in_editor)
        if isinstance(item, ContentCheckerItem)
        else item
        for item in items
    ]


def describe(grade, target, formula):
    """A grade against its target in words: ``grade 9.4 (target 8)``, or for Spanish
    ``reading ease 48.2 (target 60 or more)``."""
    if grade is None:
        return str(_("no text yet"))
    if formula == SPANISH_FORMULA:
        return str(_("reading ease %(grade)s (target %(target)s or more)")) % {
            "grade": grade,
            "target": target,
        }
    return str(_("grade %(grade)s (target %(target)s)")) % {"grade": grade, "target": target}


FORMULA_NAMES = {
    FORMULA: _("Flesch-Kincaid grade"),
    SPANISH_FORMULA: _("Fernández-Huerta reading ease, higher is easier"),
}


def reading_attributes(grade, target, formula, **more):
    return {
        "data-reading-grade": "" if grade is None else grade,
        "data-reading-target": target,
        "data-reading-formula": formula,
        "data-reading-summary": describe(grade, target, formula),
        "data-reading-above": is_above(grade, target, formula),
        **more,
    }


@dataclass
class Section:
    """Blocks of the body: those before the first H2 (``attributes`` empty), or an H2 and what
    follows it up to the next."""

    blocks: list = field(default_factory=list)
    attributes: str = ""


@dataclass
class Marks:
    """What the built-in preview of an article marks: see the module docstring."""

    body: str
    sections: list
    blocks: dict  # block id: {attribute: value}
    hero: str


def marks(data, draft=None):
    """The marks of an article's API JSON ``data`` (its ``readability`` and ``body``); the
    accessibility problems of ``draft``, the page it shows (None: no problems marked)."""
    readability = data.get("readability") or {}
    formula = readability.get("formula", FORMULA)
    target = readability.get("target_grade")
    grades = {s["anchor"]: s["grade_level"] for s in readability.get("sections", [])}
    formula_name = FORMULA_NAMES.get(formula, formula)
    body = reading_attributes(
        readability.get("grade_level"),
        target,
        formula,
        **{"data-reading-article": True, "data-reading-formula-name": formula_name},
    )
    sections = [Section()]
    for block in data.get("body") or ():
        value = block.get("value")
        if block["type"] == "heading" and value.get("level") == "h2" and value["anchor"] in grades:
            attributes = reading_attributes(
                grades[value["anchor"]],
                target,
                formula,
                # The id names the section in the Checks panel's list (axe's selector for it).
                id=f"reading-{value['anchor']}",
                **{"data-reading-section": value["anchor"], "data-reading-heading": value["text"]},
            )
            sections.append(Section(attributes=flatatt(attributes)))
        sections[-1].blocks.append(block)
    problems, hero = {}, ""
    if draft is not None:
        problems = body_problems(draft.body)
        if hero_lacks_alt_text(draft):
            hero = flatatt({"data-accessibility-problem": HERO_RULE})
    return Marks(
        body=flatatt(body),
        sections=[section for section in sections if section.blocks or section.attributes],
        blocks={
            block_id: {"data-accessibility-problem": " ".join(names)}
            for block_id, names in problems.items()
        },
        hero=hero,
    )


def hero_lacks_alt_text(page):
    return page.hero_image is not None and not (page.hero_image_alt or "").strip()


def body_problems(body):
    """``{block id: [rule name, ...]}`` of the blocks of ``body`` that break a rule."""
    problems = {}
    for rule in accessibility.BODY_RULES:
        for problem in rule(body):
            names = problems.setdefault(body[problem.path[0]].id, [])
            if rule_name(rule) not in names:
                names.append(rule_name(rule))
    return problems


def issue(name, where, block_id=None):
    """One of :func:`checks`' problems: the rule ``name`` broken at ``where``."""
    title, help_text = READING_MESSAGE if name == READING_RULE else RULES[name]
    return {"rule": name, "title": title, "help": help_text, "where": where, "block_id": block_id}


def checks(page):
    """What the Checks panel shows of the article ``page`` as it stands, saved or not (a
    translation as wagtail-localize's editor holds it), worked out as on save::

        {"formula": "fernandez_huerta", "formula_name": "Fernández-Huerta reading ease, ...",
         "target": 60, "grade": 48.2, "summary": "reading ease 48.2 (target 60 or more)",
         "above": true,
         "sections": [{"anchor": "que-ayuda", "heading": "Qué ayuda", "grade": 41.0,
                       "summary": "...", "above": true}],
         "problems": [{"rule": "reading-level-above-target", "title": "Reads harder than the
                       target", "help": "...", "where": "Qué ayuda", "block_id": "6f1c..."}]}

    ``problems`` are the Checks panel's issues in the words of its rules (:data:`RULES`,
    :data:`READING_MESSAGE`): the article and each section above target, then each block's
    accessibility problems (``where`` in :mod:`articles.accessibility`'s words), then the hero
    image's. ``block_id`` is the block's StreamField id, or null.
    """
    stored = readability.readability(page.body, page.language_code())
    formula = stored["formula"]
    target = page.target_reading_grade()

    def reading(grade):
        return {
            "grade": grade,
            "summary": describe(grade, target, formula),
            "above": is_above(grade, target, formula),
        }

    headings = {}  # a section's anchor: its heading block's id
    anchors = iter(section["anchor"] for section in stored["sections"])
    for child in page.body:
        if child.block_type == "heading" and child.value.get("level") == "h2":
            headings[next(anchors, None)] = child.id
    sections = [
        {"anchor": s["anchor"], "heading": s["heading"], **reading(s["grade_level"])}
        for s in stored["sections"]
    ]
    reading_above = [
        (str(_("The whole article")), None, is_above(stored["grade_level"], target, formula)),
        *((s["heading"], headings.get(s["anchor"]), s["above"]) for s in sections),
    ]
    problems = [
        issue(READING_RULE, where, block_id) for where, block_id, above in reading_above if above
    ]
    for rule in accessibility.BODY_RULES:
        for problem in rule(page.body):
            block_id = page.body[problem.path[0]].id
            problems.append(issue(rule_name(rule), problem.where, block_id))
    if hero_lacks_alt_text(page):
        problems.append(issue(HERO_RULE, str(_("Hero image"))))
    return {
        "formula": formula,
        "formula_name": FORMULA_NAMES.get(formula, formula),
        "target": target,
        **reading(stored["grade_level"]),
        "sections": sections,
        "problems": problems,
    }
