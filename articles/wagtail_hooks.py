from django.urls import path, reverse
from wagtail import hooks
from wagtail.permissions import register_permission_policy
from wagtail.snippets.models import register_snippet

from .as_published import AsPublishedMenuItem, PublicationHistoryView, as_published
from .forms import warn_about_problems
from .importing import ImportMenuItem, import_articles
from .live_checks import use_article_checker
from .models import PUBLISH_WITHOUT_REVIEW_LOG_ACTION, REVIEW_LOG_ACTION
from .permissions import ReviewedSnippetPermissionPolicy, hide_publishing_the_policy_refuses
from .reports import (
    ContentHealthMenuItem,
    ContentHealthPanel,
    ContentHealthReportView,
    ReviewsDueMenuItem,
    ReviewsDueReportView,
    SnippetReviewsDueReportView,
    may_see_content_health,
)
from .review import REVIEWED_SNIPPETS
from .translation_checks import translation_checks
from .translations import (
    BesideSourceMenuItem,
    SubmitTranslationMenuItem,
    SyncTranslationsView,
    beside_source,
    convert_to_alias,
    edit_override,
    hide_convert_to_alias,
    preview_translation,
    submit_for_review,
    translation_preview,
)
from .viewsets import MedicalViewSetGroup

for model in REVIEWED_SNIPPETS:
    register_permission_policy(model, ReviewedSnippetPermissionPolicy(model))
register_snippet(MedicalViewSetGroup)

hooks.register("construct_snippet_action_menu", hide_publishing_the_policy_refuses)
hooks.register("after_create_page", warn_about_problems)
hooks.register("after_edit_page", warn_about_problems)
hooks.register("construct_page_action_menu", hide_convert_to_alias)
hooks.register("construct_wagtail_userbar", use_article_checker)


@hooks.register("register_admin_urls", order=-1)
def register_translation_review_urls():
    """wagtail-localize's sync, convert-to-alias, override and preview URLs, taken by our views:
    registered before its own (order -1), so they resolve here while ``reverse()`` of its names
    still works."""
    return [
        path(
            "localize/update/<int:translation_source_id>/",
            SyncTranslationsView.as_view(),
            name="articles_sync_translations",
        ),
        path(
            "localize/page/<int:page_id>/convert_to_alias/",
            convert_to_alias,
            name="articles_convert_to_alias",
        ),
        path(
            "localize/translate/<int:translation_id>/overrides/<int:overridable_segment_id>/edit/",
            edit_override,
            name="articles_edit_override",
        ),
        path(
            "localize/translate/<int:translation_id>/preview/",
            preview_translation,
            name="articles_preview_translation",
        ),
        path(
            "articles/translations/<int:translation_id>/preview/",
            translation_preview,
            name="articles_translation_preview",
        ),
    ]


@hooks.register("register_log_actions")
def register_review_log_action(actions):
    actions.register_action(REVIEW_LOG_ACTION, "Medical review recorded", "Medical review recorded")
    actions.register_action(
        PUBLISH_WITHOUT_REVIEW_LOG_ACTION,
        "Published without medical review",
        "Published without medical review",
    )


@hooks.register("register_admin_urls")
def register_reviews_due_report_urls():
    return [
        path(
            "articles/<int:page_id>/submit-for-review/",
            submit_for_review,
            name="articles_submit_translation",
        ),
        path(
            "articles/translations/<int:translation_id>/checks/",
            translation_checks,
            name="articles_translation_checks",
        ),
        path("articles/<int:page_id>/import/", import_articles, name="articles_import"),
        path("articles/<int:page_id>/beside-source/", beside_source, name="articles_beside_source"),
        path(
            "pages/<int:page_id>/publication-history/",
            PublicationHistoryView.as_view(),
            name="articles_publication_history",
        ),
        path(
            "pages/<int:page_id>/as-published/",
            as_published,
            name="articles_as_published",
        ),
        path(
            "reports/reviews-due/",
            ReviewsDueReportView.as_view(),
            name="articles_reviews_due",
        ),
        path(
            "reports/reviews-due/results/",
            ReviewsDueReportView.as_view(results_only=True),
            name="articles_reviews_due_results",
        ),
        path(
            "reports/reviews-due/snippets/",
            SnippetReviewsDueReportView.as_view(),
            name="articles_snippet_reviews_due",
        ),
        path(
            "reports/reviews-due/snippets/results/",
            SnippetReviewsDueReportView.as_view(results_only=True),
            name="articles_snippet_reviews_due_results",
        ),
        path(
            "reports/content-health/",
            ContentHealthReportView.as_view(),
            name="articles_content_health",
        ),
        path(
            "reports/content-health/results/",
            ContentHealthReportView.as_view(results_only=True),
            name="articles_content_health_results",
        ),
    ]


@hooks.register("register_reports_menu_item")
def register_reviews_due_menu_item():
    return ReviewsDueMenuItem(
        "Medical reviews due",
        reverse("articles_reviews_due"),
        name="medical-reviews-due",
        icon_name="doc-full-inverse",
        order=1050,
    )


@hooks.register("register_reports_menu_item")
def register_snippet_reviews_due_menu_item():
    return ReviewsDueMenuItem(
        "Medical reviews due: clinicians, conditions, treatments",
        reverse("articles_snippet_reviews_due"),
        name="medical-snippet-reviews-due",
        icon_name="doc-full-inverse",
        order=1055,
    )


@hooks.register("register_reports_menu_item")
def register_content_health_menu_item():
    return ContentHealthMenuItem(
        "Content health",
        reverse("articles_content_health"),
        name="content-health",
        icon_name="pick",
        order=1060,
    )


@hooks.register("construct_homepage_panels")
def add_content_health_panel(request, panels):
    if may_see_content_health(request.user):
        panels.append(ContentHealthPanel())


@hooks.register("register_page_listing_more_buttons")
def register_page_more_buttons(page, user, next_url=None):
    yield SubmitTranslationMenuItem(page=page, priority=5)
    yield BesideSourceMenuItem(page=page, priority=7)
    yield ImportMenuItem(page=page, priority=6)
    yield AsPublishedMenuItem(page=page, priority=55)


@hooks.register("register_page_header_buttons")
def register_page_header_menu_items(page, user, view_name, next_url=None):
    yield SubmitTranslationMenuItem(page=page, priority=12)
    yield BesideSourceMenuItem(page=page, priority=14)
    yield ImportMenuItem(page=page, priority=13)
    yield AsPublishedMenuItem(page=page, priority=66)
