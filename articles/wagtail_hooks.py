from django.urls import path, reverse
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet, SnippetViewSetGroup

from .models import REVIEW_LOG_ACTION, Clinician, Condition, Treatment
from .reports import ReviewsDueReportView


class ClinicianViewSet(SnippetViewSet):
    model = Clinician
    icon = "user"
    list_display = ["name", "credentials", "specialty"]
    search_fields = ["name", "specialty"]


class ConditionViewSet(SnippetViewSet):
    model = Condition
    icon = "tag"
    list_display = ["name", "slug"]


class TreatmentViewSet(SnippetViewSet):
    model = Treatment
    icon = "pick"
    list_display = ["name", "slug"]


class MedicalViewSetGroup(SnippetViewSetGroup):
    menu_label = "Medical"
    menu_icon = "folder-open-inverse"
    menu_order = 200
    items = (ClinicianViewSet, ConditionViewSet, TreatmentViewSet)


register_snippet(MedicalViewSetGroup)


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


class ReviewsDueMenuItem(MenuItem):
    def is_shown(self, request):
        return ReviewsDueReportView.permission_policy.user_has_any_permission(
            request.user, ReviewsDueReportView.any_permission_required
        )


@hooks.register("register_reports_menu_item")
def register_reviews_due_menu_item():
    return ReviewsDueMenuItem(
        "Medical reviews due",
        reverse("articles_reviews_due"),
        name="medical-reviews-due",
        icon_name="doc-full-inverse",
        order=1050,
    )
