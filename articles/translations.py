"""Translations of articles go live through medical review, like the articles they translate.

wagtail-localize's translation editor keeps each translated segment as it is saved, and writes
them into the page only on Publish, which it offers only to whoever may publish the page
(:mod:`articles.permissions`: superusers); it has no Submit for review.
:class:`SubmitTranslationMenuItem` adds **Submit for medical review** to an article
translation's menu in the page explorer, and :func:`submit_for_review` writes the translated
segments into a new draft and starts the page's workflow (the Medical review the Spanish
articles index has) on it, as the page editor's Submit does. The approver becomes the translation's own reviewer, with its own date
(:meth:`articles.models.MedicalReviewTask.record_review`).
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from wagtail.admin.ui.menus.pages import PageMenuItem
from wagtail.models import Page
from wagtail_localize.models import Translation

from .models import ArticlePage


def translation_of(page):
    """The wagtail-localize translation whose target ``page`` is, or None."""
    return Translation.objects.filter(
        source__object_id=page.translation_key, target_locale_id=page.locale_id, enabled=True
    ).first()


def may_submit(page, user):
    """An article translation with a draft to review, which ``user`` may submit."""
    if page.specific_class is not ArticlePage or page.alias_of_id is not None:
        return False
    if page.live and not page.has_unpublished_changes:
        return False
    permissions = page.permissions_for_user(user)
    return (
        permissions.can_edit()
        and permissions.can_submit_for_moderation()
        and translation_of(page) is not None
    )


class SubmitTranslationMenuItem(PageMenuItem):
    label = "Submit for medical review"
    icon_name = "resubmit"
    url_name = "articles_submit_translation"

    def is_shown(self, user):
        return may_submit(self.page, user)


def submit_for_review(request, page_id):
    """GET: ask to confirm; POST: start the page's workflow on its latest revision."""
    page = get_object_or_404(Page, pk=page_id).specific
    if not may_submit(page, request.user):
        raise PermissionDenied
    if request.method == "POST":
        try:
            translation_of(page).save_target(user=request.user, publish=False)
        except ValidationError as error:
            messages.error(request, f"'{page.title}' cannot be submitted yet: {error}")
            return redirect(reverse("wagtailadmin_pages:edit", args=[page.pk]))
        page = Page.objects.get(pk=page.pk).specific
        page.get_workflow().start(page, request.user)
        messages.success(request, f"'{page.title}' was submitted for medical review.")
        return redirect(reverse("wagtailadmin_explore", args=[page.get_parent().pk]))
    return TemplateResponse(
        request,
        "articles/submit_translation.html",
        {"page": page, "workflow": page.get_workflow()},
    )
