"""What changed when: one version number per thing a cached API response can depend on.

The source of truth for freshness lives where changes are committed. A change bumps the
versions of its tags (``page-12``, ``image-3``, ``snippet-condition-4``, ``settings``...) in
the editor's own transaction, so it is recorded exactly when, and only if, the change commits:
a cache that is down or a message that is lost cannot lose it. See :mod:`headless.cache`.
"""

from django.db import models


class TagVersion(models.Model):
    """How often ``tag`` has changed; responses built from it remember the version they saw."""

    tag = models.CharField(max_length=120, primary_key=True)
    version = models.BigIntegerField(default=0)
    changed_at = models.DateTimeField(db_index=True)

    class Meta:
        verbose_name = "cache tag version"

    def __str__(self):
        return f"{self.tag} v{self.version}"
