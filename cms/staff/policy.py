"""Which staff accounts are held to the stricter rules, and how long a session may sit idle.

Reading patients' messages, managing accounts and changing settings are what an attacker with
a stolen password wants: those accounts sign in with a second factor (cms.staff.mfa) and,
for the readers of messages, are signed out sooner when idle.
"""

from datetime import timedelta

from django.conf import settings
from wagtail.contrib.settings.registry import registry as settings_registry

from contact.wagtail_hooks import VIEW_PERMISSION as READ_SUBMISSIONS

# Managing accounts and groups (who may do anything), sites, and where content is sent.
ADMINISTRATION_PERMISSIONS = [
    f"{app}.{action}_{model}"
    for app, model in [
        ("auth", "user"),
        ("auth", "group"),
        ("wagtailcore", "site"),
        ("webhooks", "webhookendpoint"),
    ]
    for action in ("add", "change", "delete")
]


def reads_submissions(user):
    return user.is_active and user.has_perm(READ_SUBMISSIONS)


def changes_settings(user):
    """Whether the user may change any site or generic setting (Settings menu)."""
    return any(
        user.has_perm(f"{model._meta.app_label}.change_{model._meta.model_name}")
        for model in settings_registry
    )


def needs_second_factor(user):
    if not user.is_authenticated or not user.is_active:
        return False
    return (
        user.is_superuser
        or reads_submissions(user)
        or any(user.has_perm(permission) for permission in ADMINISTRATION_PERMISSIONS)
        or changes_settings(user)
    )


def idle_timeout(user):
    """How long the user's session lasts without a request (superusers read submissions)."""
    minutes = settings.STAFF_IDLE_TIMEOUT
    if reads_submissions(user):
        minutes = min(minutes, settings.SUBMISSION_READER_IDLE_TIMEOUT)
    return timedelta(minutes=minutes)
