"""Documents a response links to (from rich text)."""

from wagtail.documents import get_document_model

from ..cache import tags as cache_tags
from .library import LibraryLoader


class DocumentLoader(LibraryLoader):
    """The documents a response links to, by id, in one query."""

    get_model = staticmethod(get_document_model)
    tag = staticmethod(cache_tags.document)
