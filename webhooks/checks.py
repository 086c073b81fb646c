from django.core import checks

from .endpoints import env_endpoints
from .targets import TargetRefused, check_url


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


@checks.register()
def check_webhook_targets(app_configs, **kwargs):
    """An endpoint from WEBHOOK_URLS that the target rule refuses is never sent to."""
    warnings = []
    for endpoint in env_endpoints():
        try:
            check_url(endpoint.url)
        except TargetRefused as exc:
            warnings.append(
                checks.Warning(
                    f"The webhook endpoint {endpoint.url} is refused, so nothing is sent to it: "
                    f"{exc}",
                    hint="Use the public http(s) URL of the frontend; for local development "
                    "set WEBHOOK_ALLOW_PRIVATE_TARGETS=1.",
                    id="webhooks.W002",
                )
            )
    return warnings
