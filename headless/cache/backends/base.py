"""What a tag purger is: one method, told the tags whose answers a CDN must drop."""

import requests

TIMEOUT = 10


class BaseTagBackend:
    """Drops every answer carrying one of the tags from a CDN; ``params`` are its settings.

    ``purge_tags`` raises :data:`ERRORS` when the CDN refuses or cannot be reached: the caller
    logs it, and the answers then age out of the CDN after ``MAX_AGE``.
    """

    ERRORS = (requests.RequestException,)
    TAGS_PER_REQUEST = 30

    def __init__(self, params):
        self.params = params

    def purge_tags(self, tags):
        for chunk in self.chunks(tags):
            self.purge_chunk(chunk)

    def purge_chunk(self, tags):
        raise NotImplementedError

    def chunks(self, tags):
        tags = sorted(tags)
        size = self.TAGS_PER_REQUEST
        return [tags[start : start + size] for start in range(0, len(tags), size)]
