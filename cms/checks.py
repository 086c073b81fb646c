"""System checks: the settings the client address depends on (cms/client_address.py), and
the second factor staff sign in with (cms/staff/mfa.py)."""

import os

from django.conf import settings
from django.core import checks

MIN_SECRET_LENGTH = 32


@checks.register(checks.Tags.security)
def check_client_address_settings(app_configs, **kwargs):
    problems = []
    if os.environ.get("RATELIMIT_IP_META_KEY"):
        problems.append(
            checks.Error(
                "RATELIMIT_IP_META_KEY is no longer read: the client address comes from "
                "X-Forwarded-For behind TRUSTED_PROXY_COUNT proxies.",
                hint="Unset RATELIMIT_IP_META_KEY and set TRUSTED_PROXY_COUNT to the number of "
                "proxies in front of the app servers (docs/production.md).",
                id="cms.E001",
            )
        )
    if settings.TRUSTED_PROXY_COUNT < 0:
        problems.append(checks.Error("TRUSTED_PROXY_COUNT cannot be negative.", id="cms.E002"))
    secret = settings.FRONTEND_SERVER_SECRET
    if secret and len(secret) < MIN_SECRET_LENGTH:
        problems.append(
            checks.Warning(
                f"FRONTEND_SERVER_SECRET is shorter than {MIN_SECRET_LENGTH} characters: a "
                "guessed secret lets anyone choose the address the rate limits count.",
                hint='python -c "import secrets; print(secrets.token_urlsafe(32))"',
                id="cms.W001",
            )
        )
    return problems


@checks.register(checks.Tags.security, deploy=True)
def check_staff_mfa(app_configs, **kwargs):
    if settings.STAFF_MFA_REQUIRED:
        return []
    return [
        checks.Warning(
            "STAFF_MFA_REQUIRED is off: staff who can read patients' messages, manage users or "
            "change settings sign in with a password alone.",
            hint="Unset STAFF_MFA_REQUIRED (it defaults to on); see docs/production.md.",
            id="cms.W002",
        )
    ]
