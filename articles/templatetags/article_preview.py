"""Template tags of an article's built-in preview (``articles/preview/article_page.html``).

``{% live_check_marks page as marks %}``: what the draft's reading level and accessibility
checks found, as the attributes the preview marks its body, sections and blocks with
(:func:`articles.live_checks.marks`). ``self`` in the context is the draft page the preview
shows (:func:`headless.preview.render`).
"""

from django import template

from .. import live_checks

register = template.Library()


@register.simple_tag(takes_context=True)
def live_check_marks(context, page):
    draft = context.get("self")
    return live_checks.marks(page, draft if hasattr(draft, "body") else None)
