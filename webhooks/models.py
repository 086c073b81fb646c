"""Where publish events go, and the record of every attempt to deliver one."""

import secrets

from django.core.exceptions import ValidationError
from django.db import models
from wagtail.admin.panels import FieldPanel

from .targets import TargetRefused, check_url


def generate_secret():
    return secrets.token_urlsafe(32)


class WebhookEndpoint(models.Model):
    """A frontend told about publish events, managed by editors under Settings."""

    url = models.URLField("URL", max_length=500, help_text="Where events are POSTed.")
    secret = models.CharField(
        max_length=200,
        default=generate_secret,
        help_text="Signs every delivery (HMAC-SHA256 of the body, in X-Webhook-Signature). "
        "Give the frontend the same value.",
    )
    active = models.BooleanField(default=True)
    description = models.CharField(max_length=200, blank=True, help_text="e.g. Production site")
    created_at = models.DateTimeField(auto_now_add=True)

    panels = [
        FieldPanel("url"),
        FieldPanel("secret"),
        FieldPanel("active"),
        FieldPanel("description"),
    ]

    class Meta:
        ordering = ["url"]
        verbose_name = "webhook endpoint"

    def __str__(self):
        return self.description or self.url

    def clean(self):
        # Public http(s) servers only (webhooks/targets.py); checked again before each attempt.
        if self.url:
            try:
                check_url(self.url)
            except TargetRefused as exc:
                raise ValidationError({"url": str(exc)}) from None


class WebhookDelivery(models.Model):
    """One event sent to one endpoint, however many attempts that takes."""

    class Status(models.TextChoices):
        PENDING = "pending", "Pending"
        RETRYING = "retrying", "Retrying"
        SUCCEEDED = "succeeded", "Succeeded"
        FAILED = "failed", "Failed"

    delivery_id = models.UUIDField("delivery ID", unique=True, editable=False)
    endpoint = models.ForeignKey(
        WebhookEndpoint,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="deliveries",
        help_text="Empty for endpoints configured in WEBHOOK_URLS.",
    )
    url = models.URLField("URL", max_length=500)
    event = models.CharField(max_length=40, db_index=True)
    payload = models.JSONField()
    status = models.CharField(
        max_length=10, choices=Status.choices, default=Status.PENDING, db_index=True
    )
    attempts = models.PositiveSmallIntegerField(default=0)
    last_response_code = models.PositiveSmallIntegerField("last response", null=True, blank=True)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = "webhook delivery"
        verbose_name_plural = "webhook deliveries"

    def __str__(self):
        return f"{self.event} to {self.url}"


class WebhookAttempt(models.Model):
    """One HTTP request of a delivery: when, how long, and what came back."""

    delivery = models.ForeignKey(WebhookDelivery, on_delete=models.CASCADE, related_name="log")
    number = models.PositiveSmallIntegerField()
    started_at = models.DateTimeField()
    duration_ms = models.PositiveIntegerField()
    status_code = models.PositiveSmallIntegerField("response code", null=True, blank=True)
    error = models.TextField(blank=True)

    class Meta:
        ordering = ["delivery", "number"]
        constraints = [
            models.UniqueConstraint(fields=["delivery", "number"], name="webhook_attempt_unique")
        ]

    def __str__(self):
        return f"Attempt {self.number} of {self.delivery}"
