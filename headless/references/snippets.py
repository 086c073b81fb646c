"""Translatable snippets a page shows (a clinician, a term), in the page's language."""

from collections import defaultdict

from django.db.models import Q

from ..pages import unordered
from ..visibility import live_rows


class SnippetTranslationLoader:
    """The translations of the snippets a response shows, in one query per snippet model.

    A snippet shown on a page in another language is shown in the page's language when it has
    a published translation in it (:meth:`localized`); otherwise in its own.
    """

    def __init__(self):
        self.wanted = defaultdict(set)
        self.loaded = {}

    def add(self, obj, locale_id):
        """``obj`` is shown on a page in ``locale_id``."""
        if obj is not None and obj.locale_id != locale_id:
            self.wanted[type(obj)].add((obj.translation_key, locale_id))

    def load(self):
        for model, keys in self.wanted.items():
            # Their foreign keys (a clinician's photo) along; a translation not published yet
            # leaves the snippet in its own language.
            related = [
                field.name
                for field in model._meta.concrete_fields
                if field.many_to_one and field.name != "locale"
            ]
            wanted = Q()
            for key, locale_id in keys:
                wanted |= Q(translation_key=key, locale_id=locale_id)
            translations = live_rows(model._default_manager.filter(wanted))
            for obj in unordered(translations.select_related(*related)):
                self.loaded[(model, obj.translation_key, obj.locale_id)] = obj
        self.wanted.clear()

    def localized(self, obj, locale_id):
        """``obj`` in the language ``locale_id`` when it has a translation in it, else ``obj``
        itself, in the language it has."""
        if obj is None or obj.locale_id == locale_id:
            return obj
        return self.loaded.get((type(obj), obj.translation_key, locale_id), obj)
