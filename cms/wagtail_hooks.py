"""Sign-in lockouts (django-axes) in the Wagtail admin; see :mod:`cms.viewsets`."""

from axes.models import AccessAttempt, AccessFailureLog
from wagtail import hooks
from wagtail.permissions import register_permission_policy

from headless.permissions import ActionsPermissionPolicy

from .viewsets import FailedSignInViewSet, SignInLockoutViewSet

# Records django-axes makes: superusers read them and may delete an attempt to lift a lock.
register_permission_policy(
    AccessAttempt, ActionsPermissionPolicy(AccessAttempt, ["view", "delete"])
)
register_permission_policy(AccessFailureLog, ActionsPermissionPolicy(AccessFailureLog, ["view"]))


@hooks.register("register_admin_viewset")
def register_sign_in_viewsets():
    return [SignInLockoutViewSet(), FailedSignInViewSet()]
