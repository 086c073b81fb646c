"""Rendered API answers in a cache, each dropped the moment something it shows changes.

What must hold: a cached answer is right for whoever receives it, and never older than the last
committed change. How:

- **Only anonymous answers are cached.** A request whose session or credentials let it see
  more than an anonymous visitor is answered from the database, never read from or written to
  the cache, and marked ``private, no-store`` (:func:`private`).
- **Every answer names what it was built from** in the vocabulary of :mod:`.tags`
  (``page-12``, ``image-3``, ``settings``, ``pages``...), sent to CDNs as ``Cache-Tag`` and
  ``Surrogate-Key``.
- **The database says what changed when** (:mod:`.versions`): a change bumps its tags'
  versions in its own transaction (:func:`changed`); an answer is served only while the
  versions it was rendered under are current, and every process reads them within
  ``POLL_SECONDS``.
- **The store** (:mod:`.store`) keeps entries in the shared cache and copies in each process;
  a request looks its key up once (:func:`lookup_hit` before the view, :func:`lookup` in it)
  and the view files its answer (:func:`store`).
- **The first visitor after a change does not pay for it**: once a change commits,
  :data:`committed` is sent; once every server has read it, :mod:`.tasks` purges the answers
  the warm index (:mod:`.warm`) lists under its tags, and the tags, from CDNs (:mod:`.purge`,
  with Wagtail-style backends in :mod:`.backends`; once more ``PURGE_AGAIN_SECONDS`` later),
  then renders them again. An answer rendered across a change is sent for no cache to keep.
- **The cache is an accelerator**: when its store is out of reach answers come from the
  database, and :mod:`.outage` says so once a minute.

Settings: one ``HEADLESS_CACHE`` dict, defaults in :mod:`.conf`. This module is the package's
public face, with :mod:`.tags`; its other modules are private to it (import-linter says so).
"""

from . import warm
from .conf import cache_settings
from .outage import ERRORS
from .store import STALE, local, lookup, lookup_hit, private, response_tags, store
from .tags import EVERYTHING
from .tasks import after_change, change_committed, followed_as_one
from .versions import Memo, changed, committed, request_versions, versions
from .versions import reset as reset_versions


def register_signal_handlers():
    """Once a change commits, its answers are rendered again and purged (:mod:`.tasks`)."""
    committed.connect(change_committed, dispatch_uid="headless_cache_committed")


def reset():
    """Forget everything this process remembers: versions, memos, local copies, the index
    (tests start from an empty cache)."""
    reset_versions()
    local.clear()
    warm.clear()


__all__ = [
    "ERRORS",
    "EVERYTHING",
    "STALE",
    "Memo",
    "after_change",
    "cache_settings",
    "changed",
    "committed",
    "followed_as_one",
    "lookup",
    "lookup_hit",
    "private",
    "register_signal_handlers",
    "request_versions",
    "reset",
    "response_tags",
    "store",
    "versions",
]
