"""The live checks in wagtail-localize's translation editor: the reading level and accessibility
problems of a translation as it stands, updated as the translator saves each segment.

wagtail-localize's editor (a React app) keeps each translated segment as it is saved and writes
them into the page only on Save draft or Publish; it has no preview panel, so Wagtail's Checks
panel, which runs on the preview (:mod:`articles.live_checks`), has nothing to run on. Here the
server works the checks out instead: :func:`translation_checks` answers
``GET /admin/articles/translations/<id>/checks/`` with :func:`articles.live_checks.checks` of
the translated page wagtail-localize builds in memory from the saved segments (as its own
preview does: ``TranslationSource.get_ephemeral_translated_instance``), so nothing is saved.

:class:`TranslationChecksSidePanel` is the Checks panel of the editor's side panels (added by
``wagtail_localize/admin/edit_translation.html``, which extends wagtail-localize's template),
in the page editor's words and markup (``articles/translation_checks.html``);
``articles/js/translation_checks.js`` fills it from the endpoint when the editor opens and
after each request the editor makes to save a segment.
"""

import contextlib
import os.path

from django.core.exceptions import ObjectDoesNotExist
from django.http import JsonResponse
from django.urls import reverse
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext_lazy as _
from wagtail.admin.ui.side_panels import BaseSidePanel
from wagtail_localize.models import SourceDeletedError, Translation

from .live_checks import checks
from .models import ArticlePage

NOT_FOUND = "No translation of an article has this id."
FORBIDDEN = "You may not edit this translation."


def translated_article(translation_id):
    """The translation ``translation_id`` and its target page, if it is an article; else None."""
    translation = Translation.objects.filter(pk=translation_id).first()
    if translation is None:
        return None, None
    with contextlib.suppress(ObjectDoesNotExist):  # no target page yet
        page = translation.get_target_instance()
        if isinstance(page, ArticlePage):
            return translation, page
    return None, None


def translation_checks(request, translation_id):
    """The checks of the translation as wagtail-localize's editor holds it (every segment saved
    so far; the source's words where none is), for whoever may edit the translation."""
    if request.method != "GET":
        return JsonResponse({"message": "Only GET reads the checks."}, status=405)
    translation, page = translated_article(translation_id)
    if translation is None:
        return JsonResponse({"message": NOT_FOUND}, status=404)
    if not page.permissions_for_user(request.user).can_edit():
        return JsonResponse({"message": FORBIDDEN}, status=403)
    try:
        shown = translation.source.get_ephemeral_translated_instance(
            translation.target_locale, fallback=True
        )
    except SourceDeletedError:
        # Its source deleted, the translation kept disabled (WAGTAILLOCALIZE_DISABLE_ON_DELETE).
        return JsonResponse({"message": NOT_FOUND}, status=404)
    response = JsonResponse(checks(shown))
    add_never_cache_headers(response)
    return response


def editor_api_prefix(translation):
    """The path every request of the translation editor about ``translation`` starts with (its
    segments' and overrides' saves, machine translation): the panel updates after each."""
    return os.path.commonprefix(
        [
            reverse("wagtail_localize:edit_string_translation", args=[translation.pk, 1]),
            reverse("wagtail_localize:edit_override", args=[translation.pk, 1]),
            reverse("wagtail_localize:machine_translate", args=[translation.pk]),
        ]
    )


class TranslationChecksSidePanel(BaseSidePanel):
    """The Checks panel of a translation's editor: the toggle and title of Wagtail's
    (``ChecksSidePanel``), filled from :func:`translation_checks` rather than by axe on a
    preview (there is none). Its own name, so Wagtail's preview code never takes it for its
    own."""

    class SidePanelToggle(BaseSidePanel.SidePanelToggle):
        aria_label = _("Toggle checks")
        icon_name = "glasses"

    name = "translation-checks"
    title = _("Checks")
    template_name = "articles/translation_checks.html"
    order = 350

    def __init__(self, page, request, translation):
        super().__init__(page, request)
        self.translation = translation

    def get_context_data(self, parent_context):
        context = super().get_context_data(parent_context)
        context["checks_url"] = reverse("articles_translation_checks", args=[self.translation.pk])
        context["editor_api_prefix"] = editor_api_prefix(self.translation)
        return context


def with_checks_panel(side_panels, translation, page, request):
    """The editor's side panels, with the Checks panel for an article's translation."""
    if not isinstance(page, ArticlePage):
        return side_panels
    return [*side_panels, TranslationChecksSidePanel(page, request, translation)]
