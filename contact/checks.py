"""System checks for the settings contact forms depend on."""

import re

from django.conf import settings
from django.core import checks
from django.core.exceptions import ImproperlyConfigured

from .encryption import get_fernet


@checks.register(checks.Tags.security)
def check_encryption_keys(app_configs, **kwargs):
    try:
        get_fernet()
    except ImproperlyConfigured as error:
        return [checks.Error(str(error), id="contact.E001")]
    return []


@checks.register(checks.Tags.security, deploy=True)
def check_encryption_keys_set(app_configs, **kwargs):
    if settings.FORM_ENCRYPTION_KEYS:
        return []
    return [
        checks.Warning(
            "FORM_ENCRYPTION_KEYS is not set: form submissions are encrypted with a key "
            "derived from SECRET_KEY, and changing SECRET_KEY makes them unreadable.",
            hint="Set FORM_ENCRYPTION_KEYS to a key made with Fernet.generate_key().",
            id="contact.W001",
        )
    ]


@checks.register()
def check_rate_limit(app_configs, **kwargs):
    rate = settings.CONTACT_RATE_LIMIT
    if not rate or re.fullmatch(r"\d+/\d*[smhd]", rate):
        return []
    return [
        checks.Error(
            f"CONTACT_RATE_LIMIT {rate!r} is not a rate such as 5/m, 20/h or 100/d.",
            id="contact.E002",
        )
    ]
