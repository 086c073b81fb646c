"""``{% translation_side_panels as side_panels %}``: wagtail-localize's translation editor's side
panels with the Checks panel of an article's translation
(:func:`articles.translation_checks.with_checks_panel`), in
``wagtail_localize/admin/edit_translation.html``, whose context has ``side_panels``,
``translation``, ``instance`` and ``request``."""

from django import template

from ..translation_checks import with_checks_panel

register = template.Library()


@register.simple_tag(takes_context=True)
def translation_side_panels(context):
    return with_checks_panel(
        context["side_panels"], context["translation"], context["instance"], context["request"]
    )
