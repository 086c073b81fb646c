from django.urls import path, reverse
from wagtail import hooks
from wagtail.snippets.models import register_snippet

from .forms import warn_about_problems
from .models import PUBLISH_WITHOUT_REVIEW_LOG_ACTION, REVIEW_LOG_ACTION
from .reports import (
    ContentHealthMenuItem,
    ContentHealthPanel,
    ContentHealthReportView,
    ReviewsDueMenuItem,
    ReviewsDueReportView,
    may_see_content_health,
)
from .translations import SubmitTranslationMenuItem, submit_for_review
from .viewsets import MedicalViewSetGroup

register_snippet(MedicalViewSetGroup)

hooks.register("after_create_page", warn_about_problems)
hooks.register("after_edit_page", warn_about_problems)


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
def register_submit_translation_button(page, user, next_url=None):
    yield SubmitTranslationMenuItem(page=page, priority=5)


@hooks.register("register_page_header_buttons")
def register_submit_translation_header_button(page, user, view_name, next_url=None):
    yield SubmitTranslationMenuItem(page=page, priority=12)
