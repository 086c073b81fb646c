"""Locales by their language codes, as every answer names a language."""

from django.core.cache import cache
from wagtail.models import Locale

LOCALES_CACHE_KEY = "headless-locale-codes"


def locale_codes():
    """``{locale id: language code}`` of every locale, cached until a locale changes
    (:mod:`headless.signal_handlers` drops it)."""
    codes = cache.get(LOCALES_CACHE_KEY)
    if codes is None:
        codes = dict(Locale.objects.values_list("pk", "language_code"))
        cache.set(LOCALES_CACHE_KEY, codes, 3600)
    return codes


def locale_code(locale_id):
    """The language code of a locale, by its id."""
    codes = locale_codes()
    if locale_id not in codes:
        cache.delete(LOCALES_CACHE_KEY)
        codes = locale_codes()
    return codes.get(locale_id)


class LocaleCodes(dict):
    """``{locale id: language code}`` for one response: :func:`locale_code`, asked of the
    shared cache once per locale."""

    def __missing__(self, locale_id):
        code = self[locale_id] = locale_code(locale_id)
        return code
