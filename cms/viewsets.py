"""The admin's views of sign-in lockouts (django-axes), under Settings, for superusers.

*Sign-in lockouts* lists each username and address with failed sign-ins; deleting one lifts
its lock early. *Failed sign-ins* is the log of every failed attempt. Neither can be added to
or edited here (the permission policies in ``wagtail_hooks.py``).
"""

from datetime import timedelta

from axes.models import AccessAttempt, AccessFailureLog
from django.conf import settings
from django.utils import timezone
from wagtail.admin.ui.tables import BooleanColumn, Column, DateColumn
from wagtail.admin.viewsets.model import ModelViewSet


def is_locked_out(attempt):
    cool_off = settings.AXES_COOLOFF_TIME
    return attempt.failures_since_start >= settings.AXES_FAILURE_LIMIT and (
        cool_off is None or attempt.attempt_time + timedelta(hours=cool_off) > timezone.now()
    )


class SignInLockoutViewSet(ModelViewSet):
    model = AccessAttempt
    name = "sign_in_lockouts"
    menu_label = "Sign-in lockouts"
    icon = "lock"
    add_to_settings_menu = True
    copy_view_enabled = False
    form_fields = []  # never shown: the permission policy allows no adding or editing
    inspect_view_enabled = True
    inspect_view_fields = [
        "username",
        "ip_address",
        "failures_since_start",
        "attempt_time",
        "path_info",
        "user_agent",
    ]
    list_display = [
        Column("username", label="Username"),
        Column("ip_address", label="Address"),
        Column("failures_since_start", label="Failures"),
        BooleanColumn("locked_out", label="Locked out", accessor=is_locked_out),
        DateColumn("attempt_time", label="Last attempt"),
    ]
    list_filter = ["username", "ip_address"]
    search_fields = ["username", "ip_address"]
    ordering = ["-attempt_time"]


class FailedSignInViewSet(ModelViewSet):
    model = AccessFailureLog
    name = "failed_sign_ins"
    menu_label = "Failed sign-ins"
    icon = "warning"
    add_to_settings_menu = True
    copy_view_enabled = False
    form_fields = []  # never shown: the permission policy allows no adding or editing
    inspect_view_enabled = True
    inspect_view_fields = ["username", "ip_address", "attempt_time", "locked_out", "user_agent"]
    list_display = [
        Column("username", label="Username"),
        Column("ip_address", label="Address"),
        BooleanColumn("locked_out", label="Locked out"),
        DateColumn("attempt_time", label="When"),
    ]
    search_fields = ["username", "ip_address"]
    ordering = ["-attempt_time"]
