from django.core import checks

from .endpoints import env_endpoints


@checks.register()
def check_webhook_secrets(app_configs, **kwargs):
    """An endpoint from WEBHOOK_URLS without a secret is never sent to: nobody could verify it."""
    return [
        checks.Warning(
            f"The webhook endpoint {endpoint.url} has no secret, so nothing is sent to it.",
            hint="Set WEBHOOK_SECRET, or give the entry its own: WEBHOOK_URLS=url|secret.",
            id="webhooks.W001",
        )
        for endpoint in env_endpoints()
        if not endpoint.secret
    ]
