"""The admin's viewsets of webhooks: endpoints editors manage, and the delivery log they read."""

from django.utils.html import format_html, format_html_join
from wagtail.admin.views.generic import InspectView
from wagtail.admin.viewsets.model import ModelViewSet, ModelViewSetGroup

from .models import WebhookDelivery, WebhookEndpoint


class WebhookEndpointViewSet(ModelViewSet):
    model = WebhookEndpoint
    icon = "link-external"
    menu_label = "Endpoints"
    url_prefix = "webhooks/endpoints"
    list_display = ["url", "description", "active"]
    list_filter = ["active"]
    copy_view_enabled = False
    add_to_reference_index = False


class DeliveryInspectView(InspectView):
    def get_log_display_value(self):
        attempts = self.object.log.all()
        if not attempts:
            return "No attempt yet."
        rows = format_html_join(
            "",
            "<tr><td>{}</td><td>{}</td><td>{}</td><td>{} ms</td><td>{}</td></tr>",
            (
                (
                    attempt.number,
                    attempt.started_at.strftime("%Y-%m-%d %H:%M:%S UTC"),
                    attempt.status_code or "no response",
                    attempt.duration_ms,
                    attempt.error,
                )
                for attempt in attempts
            ),
        )
        return format_html(
            '<table class="listing"><thead><tr><th>Attempt</th><th>Started</th>'
            "<th>Response code</th><th>Duration</th><th>Error</th></tr></thead>"
            "<tbody>{}</tbody></table>",
            rows,
        )


class WebhookDeliveryViewSet(ModelViewSet):
    model = WebhookDelivery
    icon = "history"
    menu_label = "Deliveries"
    url_prefix = "webhooks/deliveries"
    list_display = ["event", "url", "status", "attempts", "last_response_code", "created_at"]
    list_filter = ["status", "event", "created_at"]
    search_fields = ["url", "event"]
    inspect_view_enabled = True
    inspect_view_class = DeliveryInspectView
    inspect_view_fields = [
        "delivery_id",
        "event",
        "url",
        "status",
        "attempts",
        "next_attempt_at",
        "created_at",
        "payload",
        "log",
    ]
    copy_view_enabled = False
    add_to_reference_index = False
    form_fields = []  # never used: nobody may add or edit a delivery

    def get_permissions_to_register(self):
        return super().get_permissions_to_register().filter(codename__startswith="view_")


class WebhooksViewSetGroup(ModelViewSetGroup):
    menu_label = "Webhooks"
    menu_icon = "link-external"
    add_to_settings_menu = True
    items = (WebhookEndpointViewSet, WebhookDeliveryViewSet)
