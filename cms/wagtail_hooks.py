"""Sign-in lockouts (django-axes) in the Wagtail admin, see :mod:`cms.viewsets`; StreamFields
in admin forms refuse incomplete data with a 400 (:mod:`cms.forms`)."""

from axes.models import AccessAttempt, AccessFailureLog
from wagtail import hooks
from wagtail.admin.forms.models import register_form_field_override
from wagtail.fields import StreamField
from wagtail.permissions import register_permission_policy

from headless.permissions import ActionsPermissionPolicy

from .forms import StreamFormField
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
