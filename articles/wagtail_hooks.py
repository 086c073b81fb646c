from django.urls import path, reverse
from wagtail import hooks
from wagtail.snippets.models import register_snippet

from .forms import warn_about_problems
from .models import REVIEW_LOG_ACTION
from .reports import ReviewsDueMenuItem, ReviewsDueReportView
from .viewsets import MedicalViewSetGroup

register_snippet(MedicalViewSetGroup)

hooks.register("after_create_page", warn_about_problems)
hooks.register("after_edit_page", warn_about_problems)


@hooks.register("register_log_actions")
def register_review_log_action(actions):
    actions.register_action(REVIEW_LOG_ACTION, "Medical review recorded", "Medical review recorded")


@hooks.register("register_admin_urls")
def register_reviews_due_report_urls():
    return [
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
