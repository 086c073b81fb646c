"""Wagtail's database search backend, with PostgreSQL stemming each object in its own language.

Wagtail's PostgreSQL backend takes one text search configuration (``SEARCH_CONFIG``) for the
whole index: with it, Spanish words are stemmed as English ones and ``caminando`` never finds
``caminar``. This backend reads ``SEARCH_CONFIGS``, a configuration per language code
(``{"en": "english", "es": "spanish"}``): a translatable object (a page, a snippet) is indexed
with its locale's configuration, anything else with ``SEARCH_CONFIG``, and a query matches
every language's stems, so one search finds pages in each language. SQLite and MySQL keep
Wagtail's own backend, which has no stemming per language.

``WAGTAILSEARCH_BACKENDS = {"default": {"BACKEND": "cms.search", "SEARCH_CONFIGS": ...}}``.
"""

import copy
from collections import defaultdict
from functools import reduce

from django.db import connection
from wagtail.search.backends.database import SearchBackend as DatabaseSearchBackend
from wagtail.search.backends.database.postgres.postgres import (
    PostgresIndex,
    PostgresSearchBackend,
    PostgresSearchQueryCompiler,
)

from headless.references import locale_code


class LanguageQueryCompiler(PostgresSearchQueryCompiler):
    """A query that matches the words as each language stems them."""

    def build_tsquery(self, query, config=None):
        configs = list(dict.fromkeys(self.backend_configs)) or [config]
        queries = [self.build_tsquery_content(query, config=each) for each in configs]
        return reduce(lambda a, b: a | b, queries)

    @property
    def backend_configs(self):
        return self.queryset_backend.search_configs.values()


class LanguageIndex(PostgresIndex):
    """Indexes each object with its language's configuration."""

    def add_items(self, model, objs):
        backend = self.backend
        by_config = defaultdict(list)
        for obj in objs:
            by_config[backend.config_for(obj)].append(obj)
        try:
            for config, group in by_config.items():
                # Wagtail's indexer reads the configuration from the backend.
                self.backend = copy.copy(backend)
                self.backend.config = config
                super().add_items(model, group)
        finally:
            self.backend = backend


class LanguagePostgresSearchBackend(PostgresSearchBackend):
    index_class = LanguageIndex

    def __init__(self, params):
        super().__init__(params)
        self.search_configs = dict(params.get("SEARCH_CONFIGS", {}))
        backend = self

        class QueryCompiler(LanguageQueryCompiler):
            queryset_backend = backend

        self.query_compiler_class = QueryCompiler

    def config_for(self, obj):
        """The text search configuration of ``obj``'s language, else ``SEARCH_CONFIG``."""
        locale_id = getattr(obj, "locale_id", None)
        if locale_id is None:
            return self.config
        return self.search_configs.get(locale_code(locale_id), self.config)


def SearchBackend(params):  # noqa: N802  (the name Wagtail looks up in a backend's module)
    if connection.vendor == "postgresql":
        return LanguagePostgresSearchBackend(params)
    return DatabaseSearchBackend(params)
