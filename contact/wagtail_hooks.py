"""Who may read contact form submissions in the admin, and the record of who did.

Wagtail shows a form's submissions to anyone who may edit the page. Contact submissions carry
health information, so reading them also takes the "Can view contact form submission"
permission, granted to a group in Settings → Groups (superusers have it). Every listing,
export and deletion is logged (contact/access_log.py) and shown under Reports → Access to
patient messages.
"""

from django.contrib.auth.models import Permission
from django.contrib.contenttypes.models import ContentType
from django.urls import path, reverse
from wagtail import hooks

from . import access_log
from .models import ContactPage, ContactSubmission
from .reports import SubmissionAccessMenuItem, SubmissionAccessReportView

VIEW_PERMISSION = "contact.view_contactsubmission"


@hooks.register("register_permissions")
def register_submission_permissions():
    content_type = ContentType.objects.get_for_model(ContactSubmission)
    return Permission.objects.filter(
        content_type=content_type, codename__in=["view_contactsubmission"]
    )


@hooks.register("filter_form_submissions_for_user")
def hide_contact_submissions_without_permission(user, editable_forms):
    if user.has_perm(VIEW_PERMISSION):
        return editable_forms
    return editable_forms.not_type(ContactPage)


hooks.register("register_log_actions", access_log.register_log_actions)


@hooks.register("register_admin_urls")
def register_submission_access_report_urls():
    return [
        path(
            "reports/submission-access/",
            SubmissionAccessReportView.as_view(),
            name="contact_submission_access",
        ),
        path(
            "reports/submission-access/results/",
            SubmissionAccessReportView.as_view(results_only=True),
            name="contact_submission_access_results",
        ),
    ]


@hooks.register("register_reports_menu_item")
def register_submission_access_menu_item():
    return SubmissionAccessMenuItem(
        "Access to patient messages",
        reverse("contact_submission_access"),
        name="submission-access",
        icon_name="form",
        order=1070,
    )
