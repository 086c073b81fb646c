from wagtail import hooks
from wagtail.permissions import register_permission_policy

from safeadmin.permissions import ActionsPermissionPolicy

from .models import WebhookDelivery
from .viewsets import WebhooksViewSetGroup

# The delivery log is written by the worker only; people may just read it.
register_permission_policy(WebhookDelivery, ActionsPermissionPolicy(WebhookDelivery, ["view"]))


@hooks.register("register_admin_viewset")
def register_webhooks_viewsets():
    return WebhooksViewSetGroup()
