"""What the loaders of Wagtail's libraries (images, documents) share."""

from ..visibility import restricted_collection_ids


class LibraryLoader:
    """The objects of one library model a response shows, by id: collected (:meth:`add`),
    fetched in one query (:meth:`load`), then answered from memory (:meth:`get`).

    ``loaded`` maps every id collected to its object, or to None when there is none, or when it
    is in a collection this request may not see: an image then renders as null, a link to a
    document as plain text. Each id is fetched once per response, however often collected.
    """

    get_model = None
    """Wagtail's getter of the library's model (``get_image_model``...)."""

    tag = None
    """The cache tag of one object, by its id (:mod:`headless.cache.tags`)."""

    def __init__(self, request):
        self.request = request
        self.wanted = set()
        self.loaded = {}

    def add(self, obj):
        """The response shows ``obj``, an object or its id."""
        if obj is not None:
            self.wanted.add(obj if isinstance(obj, int) else obj.pk)

    def load(self):
        self.fetch()
        self.hide_unseen()

    def fetch(self):
        """Fetch what was collected and is not loaded yet, in one query."""
        missing = self.wanted - self.loaded.keys()
        if missing:
            self.loaded.update(self.get_model().objects.in_bulk(missing))
            self.loaded.update(dict.fromkeys(missing - self.loaded.keys()))
        self.wanted.clear()

    def hide_unseen(self):
        """Leave out what is in a collection this request may not see."""
        for pk, obj in self.loaded.items():
            if obj is not None and self.unseen(obj):
                self.loaded[pk] = None

    def unseen(self, obj):
        """Whether ``obj`` is in a collection this request may not see."""
        return obj.collection_id in restricted_collection_ids(self.request)

    def get(self, pk):
        """The loaded object of id ``pk``, or None."""
        return self.loaded.get(pk)

    def tags(self):
        """The tags of everything loaded: hidden objects too, which show once they may."""
        return {self.tag(pk) for pk in self.loaded}
