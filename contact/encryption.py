"""Encryption at rest for what patients submit through contact forms.

Values are encrypted with Fernet (AES-128-CBC plus HMAC-SHA256) under the keys in the
``FORM_ENCRYPTION_KEYS`` setting, read from the environment variable of the same name: a
comma-separated list of keys made with ``Fernet.generate_key()``. The first key encrypts; every
key decrypts, so a key is rotated by putting a new one first and keeping the old one after it
until nothing written with it remains (see docs/contact-form.md).

When no key is configured (development and tests) a key is derived from ``SECRET_KEY``;
production settings refuse to start without ``FORM_ENCRYPTION_KEYS``.
"""

import base64
import functools
import json

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.utils.crypto import salted_hmac


def configured_keys():
    """The keys in force, current first; a key derived from SECRET_KEY when none is set."""
    keys = [key for key in settings.FORM_ENCRYPTION_KEYS if key]
    if keys:
        return tuple(keys)
    derived = salted_hmac(
        "contact.encryption", "form-submissions", secret=settings.SECRET_KEY, algorithm="sha256"
    ).digest()
    return (base64.urlsafe_b64encode(derived).decode(),)


@functools.lru_cache(maxsize=4)
def _multi_fernet(keys):
    try:
        return MultiFernet([Fernet(key) for key in keys])
    except ValueError as error:
        raise ImproperlyConfigured(
            "FORM_ENCRYPTION_KEYS must be comma-separated keys made with "
            "cryptography.fernet.Fernet.generate_key()."
        ) from error


def get_fernet():
    return _multi_fernet(configured_keys())


def encrypt(text):
    return get_fernet().encrypt(text.encode()).decode()


def decrypt(token):
    try:
        return get_fernet().decrypt(token.encode()).decode()
    except InvalidToken:
        # Never show the token or the data: say what to check.
        raise ImproperlyConfigured(
            "A stored form submission cannot be decrypted with any key in "
            "FORM_ENCRYPTION_KEYS. Was the key that wrote it removed too early?"
        ) from None


class EncryptedJSONField(models.TextField):
    """A JSON value stored as a Fernet token, so the database (and its dumps) hold no clear text.

    The Python value is whatever ``JSONField`` would hold (encoded with ``DjangoJSONEncoder``,
    so dates and decimals become strings). The stored value cannot be filtered or ordered on.
    ``dumpdata`` writes the token too, and ``loaddata`` reads it back.
    """

    description = "JSON encrypted with Fernet"

    def from_db_value(self, value, expression, connection):
        if value is None:
            return value
        return json.loads(decrypt(value))

    def to_python(self, value):
        if isinstance(value, str):
            return json.loads(decrypt(value))
        return value

    def get_prep_value(self, value):
        if value is None:
            return None
        return encrypt(json.dumps(value, cls=DjangoJSONEncoder))

    def value_to_string(self, obj):
        return self.get_prep_value(self.value_from_object(obj))
