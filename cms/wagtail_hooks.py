"""Sign-in lockouts (django-axes) and the second factor in the Wagtail admin (see
:mod:`cms.viewsets` and :mod:`cms.staff`); StreamFields in admin forms refuse incomplete data
with a 400 (:mod:`cms.forms`)."""

from axes.models import AccessAttempt, AccessFailureLog
from django.urls import path, reverse
from wagtail import hooks
from wagtail.admin.forms.models import register_form_field_override
from wagtail.fields import StreamField
from wagtail.permissions import register_permission_policy

from safeadmin.permissions import ActionsPermissionPolicy

from .forms import StreamFormField
from .staff import enrolment, mfa
from .viewsets import FailedSignInViewSet, SignInLockoutViewSet

register_form_field_override(StreamField, override={"form_class": StreamFormField})

# Records django-axes makes: superusers read them and may delete an attempt to lift a lock.
register_permission_policy(
    AccessAttempt, ActionsPermissionPolicy(AccessAttempt, ["view", "delete"])
)
register_permission_policy(AccessFailureLog, ActionsPermissionPolicy(AccessFailureLog, ["view"]))


@hooks.register("register_admin_viewset")
def register_sign_in_viewsets():
    return [SignInLockoutViewSet(), FailedSignInViewSet()]


@hooks.register("register_admin_urls")
def register_second_factor_urls():
    return [
        path("mfa/setup/", enrolment.SetUpView.as_view(), name="cms_mfa_setup"),
        path("mfa/verify/", enrolment.VerifyView.as_view(), name="cms_mfa_verify"),
    ]


@hooks.register("register_log_actions")
def register_second_factor_log_actions(actions):
    actions.register_action(mfa.ENROL_ACTION, "Second factor set up", "Second factor set up")
    actions.register_action(mfa.RESET_ACTION, "Second factor reset", "Second factor reset")


@hooks.register("register_account_menu_item")
def second_factor_account_menu_item(request):
    if not mfa.has_factor(request.user):
        return None
    return {
        "url": reverse("cms_mfa_setup"),
        "label": "Replace authenticator app",
        "help_text": "Set up a new app and new recovery codes; your other sessions end.",
    }
