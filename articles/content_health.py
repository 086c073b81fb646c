"""The clinic's content at a glance: which live articles read above target, have accessibility
problems or are overdue for review, and a small chart of it, in every language.

Everything here reads what articles stored when they were saved (``readability``,
``accessibility_problems``), so it costs a few queries however many articles there are. The
target is per site and language (``ClinicSettings.target_for``): an article is measured
against its site's target for its language's formula (a Spanish article's Fernández-Huerta
ease against the Spanish target, lower is harder). The chart's grade bands are of the articles
measured in US grades.
"""

from dataclasses import dataclass

from django.db.models import Q
from django.utils.html import format_html, format_html_join
from wagtail.models import Site

from home.models import ClinicSettings

from .models import ArticlePage
from .readability import EASE_FORMULAS, FORMULA, formula_for
from .review import review_due

GRADE_BANDS = [
    ("Grade 6 or below", None, 6),
    ("Grades 7 and 8", 6, 8),
    ("Grades 9 and 10", 8, 10),
    ("Grades 11 and 12", 10, 12),
    ("Above grade 12", 12, None),
]
"""``(label, above, up to)``: grade bands of the chart, each above one bound and up to the next."""


def site_targets():
    """``[(tree path, formula, target)]`` of every site's tree in every language, the deepest
    root first: the site's root and each of its translations, with that language's target."""
    targets = []
    for site in Site.objects.select_related("root_page"):
        clinic = ClinicSettings.for_site(site)
        roots = site.root_page.get_translations(inclusive=True).select_related("locale")
        for root in roots:
            formula = formula_for(root.locale.language_code)
            targets.append((root.path, formula, clinic.target_for(formula)))
    return sorted(targets, key=lambda target: len(target[0]), reverse=True)


def target_for(article, targets):
    for root_path, _, target in targets:
        if article.path.startswith(root_path):
            return target
    return ClinicSettings.default_target(article.readability.get("formula", FORMULA))


def _harder(formula, target):
    if formula in EASE_FORMULAS:
        return Q(readability__formula=formula, readability__grade_level__lt=target)
    return ~Q(readability__formula__in=list(EASE_FORMULAS)) & Q(readability__grade_level__gt=target)


def above_target(targets):
    """Articles that read harder than the target of their site and language."""
    if not targets:
        return _harder(FORMULA, ClinicSettings.default_target(FORMULA))
    condition = Q(pk__in=[])
    for index, (root_path, formula, target) in enumerate(targets):
        site = Q(path__startswith=root_path)
        # A site inside another site's tree (deeper roots come first) measures its own articles.
        for deeper, _, _ in targets[:index]:
            if deeper.startswith(root_path):
                site &= ~Q(path__startswith=deeper)
        condition |= site & _harder(formula, target)
    return condition


def with_accessibility_problems():
    return ~Q(accessibility_problems=[])


def live_articles():
    return ArticlePage.objects.live()


@dataclass
class Summary:
    """The three numbers that matter, and the grade bands of the chart."""

    articles: int
    above_target: int
    with_problems: int
    overdue: int
    bands: list  # [(label, count)] in GRADE_BANDS order; articles without text are in none


def summary():
    targets = site_targets()
    articles = live_articles()
    grades = [
        readability.get("grade_level")
        for readability in articles.values_list("readability", flat=True)
        if readability.get("formula", FORMULA) not in EASE_FORMULAS
    ]
    bands = [
        (label, sum(1 for g in grades if g is not None and _in_band(g, above, upto)))
        for label, above, upto in GRADE_BANDS
    ]
    return Summary(
        articles=articles.count(),
        above_target=articles.filter(above_target(targets)).count(),
        with_problems=articles.filter(with_accessibility_problems()).count(),
        overdue=articles.filter(review_due()).count(),
        bands=bands,
    )


def _in_band(grade, above, upto):
    return (above is None or grade > above) and (upto is None or grade <= upto)


BAR_COLOUR = "#2e6e9e"
OVERDUE_COLOUR = "#b3261e"


def chart_svg(summary):
    """A horizontal bar chart of articles per grade band and of reviews overdue, as inline SVG.

    Rendered on the server: no JavaScript and nothing from a CDN. The ``aria-label`` says in
    words what the bars show.
    """
    rows = [(label, count, BAR_COLOUR) for label, count in summary.bands]
    rows.append(("Overdue for review", summary.overdue, OVERDUE_COLOUR))
    label_width, bar_width, row_height = 150, 260, 26
    width, height = label_width + bar_width + 40, row_height * len(rows) + 8
    most = max([count for _, count, _ in rows] + [1])
    described = "; ".join(f"{label}: {count}" for label, count, _ in rows)
    bars = format_html_join(
        "",
        '<text x="{}" y="{}" text-anchor="end" dominant-baseline="middle">{}</text>'
        '<rect x="{}" y="{}" width="{}" height="18" fill="{}"></rect>'
        '<text x="{}" y="{}" dominant-baseline="middle">{}</text>',
        (
            (
                label_width - 8,
                index * row_height + 13,
                label,
                label_width,
                index * row_height + 4,
                round(bar_width * count / most),
                colour,
                label_width + round(bar_width * count / most) + 6,
                index * row_height + 13,
                count,
            )
            for index, (label, count, colour) in enumerate(rows)
        ),
    )
    return format_html(
        '<svg class="content-health-chart" xmlns="http://www.w3.org/2000/svg" role="img" '
        'width="{}" height="{}" viewBox="0 0 {} {}" aria-label="Live articles by reading grade, '
        'and reviews overdue: {}" font-size="13" fill="currentColor">'
        "<title>Live articles by reading grade, and reviews overdue</title>{}</svg>",
        width,
        height,
        width,
        height,
        described,
        bars,
    )
