"""Background work of the media: an image's renditions, made off the request path.

An image's renditions are made by :func:`make_renditions` once it is saved, on the ``media``
backend (its own worker, ``manage.py db_worker --backend media``, so that an upload never holds
up fresh answers; without Redis, the process that saved the image), never in an API read (see
:mod:`headless.renditions`). Re-rendering answers after a change is the cache's own work
(:mod:`headless.cache.tasks`).
"""

from django_tasks import task
from wagtail.images import get_image_model

from . import cache, renditions
from .cache.tags import object_tag


@task(backend="media")
def make_renditions(image_id):
    """Make every rendition the API shows of an image, then have the answers showing it
    rendered again: they named serve URLs for what was missing, and now name the files.

    Returns how many were made (none for an image deleted meanwhile, or with all made).
    """
    image = get_image_model().objects.filter(pk=image_id).first()
    if image is None:
        return 0
    count = renditions.make_all(image)
    if count:
        cache.changed({object_tag(image)})
    return count
