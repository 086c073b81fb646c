import requests

from .base import TIMEOUT, BaseTagBackend


class FastlyBackend(BaseTagBackend):
    """Fastly's batch purge by surrogate key: ``SERVICE_ID``, ``API_TOKEN``, ``API_URL``."""

    TAGS_PER_REQUEST = 256  # Fastly's limit for one batch purge

    def purge_chunk(self, tags):
        url = f"{self.params['API_URL'].rstrip('/')}/service/{self.params['SERVICE_ID']}/purge"
        headers = {"Fastly-Key": self.params["API_TOKEN"], "Surrogate-Key": " ".join(tags)}
        response = requests.post(url, headers=headers, timeout=TIMEOUT)
        response.raise_for_status()
