"""System checks for the settings the API's public URLs depend on (headless/frontend.py)."""

from django.conf import settings
from django.core import checks


@checks.register(checks.Tags.urls, deploy=True)
def check_frontend_url(app_configs, **kwargs):
    if settings.FRONTEND_URL:
        return []
    return [
        checks.Warning(
            "FRONTEND_URL is not set: meta.html_url, the JSON-LD, the sitemap and the admin's "
            "View live point at the CMS's own site URLs, not at the frontend visitors use, for "
            "every site FRONTEND_URLS does not name.",
            hint="Set FRONTEND_URL to the frontend's public origin, e.g. "
            "https://www.clinic.example (docs/production.md).",
            id="headless.W001",
        )
    ]
