"""Translations of articles go live through medical review, like the articles they translate.

wagtail-localize's translation editor keeps each translated segment as it is saved, and writes
them into the page only on Publish, which it offers only to whoever may publish the page
(:mod:`articles.permissions`: superusers); it has no Submit for review.
:class:`SubmitTranslationMenuItem` adds **Submit for medical review** to an article
translation's menu in the page explorer, and :func:`submit_for_review` writes the translated
segments into a new draft and starts the page's workflow (the Medical review the Spanish
articles index has) on it, as the page editor's Submit does. The approver becomes the translation's own reviewer, with its own date
(:meth:`articles.models.MedicalReviewTask.record_review`).

wagtail-localize's other ways of putting a translation live answer to the same rule: only
someone who may publish a translation directly (:func:`may_publish`; superusers, for articles)
may publish it from **Sync translated pages** or convert it into an alias of a live source.
:class:`SyncTranslationsView` takes the sync view's URL: for everyone else it replaces *Publish
immediately* with *Submit for medical review* (the synced translations become drafts in their
own locale, in their workflow) and refuses a POST that still asks to publish;
:func:`convert_to_alias` refuses the conversion. A translator's override of a link's URL
(:func:`edit_override`) must be a safe one (:mod:`headless.safe_urls`).

A reviewer reads a translation **beside its source** (:func:`beside_source`, from the page's
menu): the source's live version and the translation's latest draft, each in the preview. The
translation editor's own Preview (:func:`preview_translation`, which takes wagtail-localize's
URL) shows the same, with the translation as the editor holds it.
"""

import contextlib
from functools import partial

from django import forms
from django.contrib import messages
from django.core.exceptions import ObjectDoesNotExist, PermissionDenied, ValidationError
from django.db import transaction
from django.http import JsonResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.views.decorators.csrf import csrf_exempt
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.request import Request
from wagtail.admin.ui.menus.pages import PageMenuItem
from wagtail.models import DraftStateMixin, Page, Revision, WorkflowState
from wagtail.permission_policies import ModelPermissionPolicy
from wagtail_localize.models import Translation
from wagtail_localize.views import convert, edit_translation
from wagtail_localize.views.update_translations import (
    UpdateTranslationsForm,
    UpdateTranslationsView,
)

from headless.safe_urls import UNSAFE_URL_MESSAGE, is_safe_url

from .models import ArticlePage


def translation_of(page):
    """The wagtail-localize translation whose target ``page`` is, or None."""
    return Translation.objects.filter(
        source__object_id=page.translation_key, target_locale_id=page.locale_id, enabled=True
    ).first()


def source_of(page):
    """The page ``page`` is a translation of, or None."""
    translation = translation_of(page)
    return translation.source.get_source_instance() if translation else None


def may_read_beside_source(page, user):
    """An article translation ``user`` may edit (asked per row of a listing: no source read)."""
    return (
        page.specific_class is ArticlePage
        and page.permissions_for_user(user).can_edit()
        and translation_of(page) is not None
    )


class BesideSourceMenuItem(PageMenuItem):
    label = "Beside its source"
    icon_name = "doc-full"
    url_name = "articles_beside_source"

    def is_shown(self, user):
        return may_read_beside_source(self.page, user)


def beside_source(request, page_id):
    """The translation's latest draft beside its source's live version, both as previews."""
    page = get_object_or_404(Page, pk=page_id).specific
    if not may_read_beside_source(page, request.user):
        raise PermissionDenied
    source = source_of(page)
    shown = source.live_revision or source.get_latest_revision()
    context = {
        "page": page,
        "source": source,
        "source_url": reverse("wagtailadmin_pages:revisions_view", args=[source.pk, shown.pk]),
        "draft_url": reverse(
            "wagtailadmin_pages:revisions_view", args=[page.pk, page.get_latest_revision().pk]
        ),
        "draft_label": "the latest draft",
    }
    return TemplateResponse(request, "articles/beside_source.html", context)


def preview_translation(request, translation_id, mode=None):
    """The translation editor's Preview (wagtail-localize's ``preview_translation`` URL): an
    article translation beside its source, the source's live version on one side and the
    translation as the editor holds it (:func:`translation_preview`) on the other. Anything
    else wagtail-localize previews is its own preview, as before."""
    translation = get_object_or_404(Translation, pk=translation_id)
    page = translation.get_target_instance()
    if mode is not None or not isinstance(page, ArticlePage):
        return edit_translation.preview_translation(request, translation_id, mode)
    if not page.permissions_for_user(request.user).can_edit():
        raise PermissionDenied
    source = translation.source.get_source_instance()
    shown = source.live_revision or source.get_latest_revision()
    context = {
        "page": page,
        "source": source,
        "source_url": reverse("wagtailadmin_pages:revisions_view", args=[source.pk, shown.pk]),
        "draft_url": reverse("articles_translation_preview", args=[translation.pk]),
        "draft_label": "the translation in the editor",
    }
    return TemplateResponse(request, "articles/beside_source.html", context)


def translation_preview(request, translation_id):
    """The translation as it stands in wagtail-localize's editor (every segment translated so
    far, before it is written into a draft), in the built-in preview: wagtail-localize's own
    preview, which lets in only who may edit the translation."""
    return edit_translation.preview_translation(request, translation_id)


def save_draft(translation, user):
    """Write ``translation``'s segments into a new draft revision of its page; live stays live.

    wagtail-localize's ``save_target(publish=False)`` saves the translated content into the
    page's row as well as into a revision, and the row is what the API serves: on a live
    translation that would put unreviewed text live at once. So the row gets its live version
    back, from the live revision, as a publish would leave it.
    """
    try:
        page = translation.get_target_instance()
    except ObjectDoesNotExist:
        page = None
    live_revision_id = page.live_revision_id if isinstance(page, Page) and page.live else None
    translation.save_target(user=user, publish=False)
    if live_revision_id is None:
        return
    current = Page.objects.get(pk=page.pk).specific
    restored = Revision.objects.get(pk=live_revision_id).as_object()
    restored.live_revision_id = live_revision_id
    restored.last_published_at = current.last_published_at
    restored.has_unpublished_changes = True
    restored.save(clean=False)


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
            save_draft(translation_of(page), request.user)
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


def may_publish(translation, user):
    """Whether ``user`` may put ``translation``'s target live directly, without review.

    A page asks its permission tester (:mod:`articles.permissions`: superusers only, for
    articles); a snippet its model's ``publish`` permission (``change`` without drafts, where a
    save is live). A target that does not exist yet has no permissions to ask: superusers only.
    """
    try:
        target = translation.get_target_instance()
    except ObjectDoesNotExist:
        return user.is_superuser
    if isinstance(target, Page):
        return target.permissions_for_user(user).can_publish()
    action = "publish" if isinstance(target, DraftStateMixin) else "change"
    return ModelPermissionPolicy(type(target)).user_has_permission(user, action)


REFUSED_PUBLISH = (
    "Translations go live only through medical review: you may not publish them from here. "
    "Untick Publish immediately and tick Submit for medical review instead."
)


class SyncTranslationsForm(UpdateTranslationsForm):
    """wagtail-localize's sync form, with *Submit for medical review* in place of *Publish
    immediately* for whoever may not publish every translation it writes."""

    def __init__(self, *args, may_publish, **kwargs):
        super().__init__(*args, **kwargs)
        self.may_publish = may_publish
        if not may_publish:
            del self.fields["publish_translations"]
            self.fields["submit_for_review"] = forms.BooleanField(
                label="Submit for medical review",
                help_text=(
                    "Write the updates into each translation's draft and submit it to medical "
                    "review; a reviewer's approval publishes it. The changes use the original "
                    "language until translated."
                ),
                required=False,
            )

    def clean(self):
        cleaned_data = super().clean()
        if not self.may_publish:
            # The field is gone, so only a stale or forged form sends it: refuse, don't ignore.
            if forms.BooleanField().to_python(self.data.get("publish_translations")):
                raise ValidationError(REFUSED_PUBLISH)
            cleaned_data["publish_translations"] = False
        return cleaned_data


class SyncTranslationsView(UpdateTranslationsView):
    """``/admin/localize/update/<source>/``: the sync, publishing only for who may publish."""

    template_name = "articles/sync_translations.html"

    def enabled_translations(self):
        return self.object.translations.filter(enabled=True).select_related("target_locale")

    def get_form(self):
        user = self.request.user
        allowed = all(may_publish(t, user) for t in self.enabled_translations())
        data = self.request.POST if self.request.method == "POST" else None
        return SyncTranslationsForm(data, may_publish=allowed)

    @transaction.atomic
    def form_valid(self, form):
        # Whoever may publish still does, but here, as themselves: wagtail-localize publishes
        # with no user, so Wagtail neither checks the permission nor logs who published.
        publish = form.cleaned_data["publish_translations"]
        form.cleaned_data["publish_translations"] = False
        response = super().form_valid(form)
        for translation in self.enabled_translations():
            if publish:
                self.publish(translation)
            elif form.cleaned_data.get("submit_for_review"):
                self.submit(translation)
        return response

    def publish(self, translation):
        """Write ``translation`` and publish it as the user (logged, permission checked)."""
        user = self.request.user
        drafts = isinstance(self.object.get_source_instance(), DraftStateMixin)
        # As wagtail-localize's own sync: a translation its validation refuses stays as it was.
        with contextlib.suppress(ValidationError):
            translation.save_target(user=user, publish=not drafts)
            if drafts:
                revision = translation.get_target_instance().get_latest_revision()
                transaction.on_commit(partial(revision.publish, user=user))

    def submit(self, translation):
        """Write ``translation`` into a draft of its page and put it in its workflow."""
        user = self.request.user
        page = translation.get_target_instance()
        workflow = page.get_workflow() if isinstance(page, Page) else None
        permissions = page.permissions_for_user(user) if workflow else None
        if not (permissions and permissions.can_edit() and permissions.can_submit_for_moderation()):
            messages.warning(
                self.request,
                f"'{page}' ({translation.target_locale.get_display_name()}) was synced but not "
                "submitted: it has no review you may submit it to.",
            )
            return
        save_draft(translation, user)
        page = Page.objects.get(pk=page.pk).specific
        state = page.current_workflow_state
        if state is None:
            workflow.start(page, user)
        elif state.status == WorkflowState.STATUS_NEEDS_CHANGES:
            state.resume(user)
        # A review under way approves the latest revision, the one just written.
        messages.success(
            self.request,
            f"'{page.title}' ({translation.target_locale.get_display_name()}) was submitted "
            "for medical review.",
        )


def convert_to_alias(request, page_id):
    """wagtail-localize's Convert to alias, for who may publish the page: an alias of a live
    source is live at once, with none of the translation's own review."""
    page = get_object_or_404(Page, pk=page_id)
    if not page.permissions_for_user(request.user).can_publish():
        raise PermissionDenied
    return convert.convert_to_alias(request, page_id)


def hide_convert_to_alias(menu_items, request, context):
    """The page action menu's Convert to alias page, only for who may use it."""
    page = context.get("page")
    if page is not None and not page.permissions_for_user(request.user).can_publish():
        menu_items[:] = [item for item in menu_items if item.name != "localize-convert-to-alias"]


@csrf_exempt  # as wagtail-localize's view, which DRF's session authentication checks for CSRF
def edit_override(request, translation_id, overridable_segment_id):
    """wagtail-localize's PUT of a segment override (a link's URL in rich text, a URL block's
    value...), refused with a 400 when the value is an unsafe URL (:mod:`headless.safe_urls`)."""
    if request.method == "PUT":
        request.body  # noqa: B018 -- read once and kept, so wagtail-localize's view reads it again
        parsers = [FormParser(), MultiPartParser(), JSONParser()]
        value = Request(request, parsers=parsers).data.get("value")
        if isinstance(value, str) and not is_safe_url(value):
            return JsonResponse({"message": UNSAFE_URL_MESSAGE}, status=400)
    return edit_translation.edit_override(request, translation_id, overridable_segment_id)
