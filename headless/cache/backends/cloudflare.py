import requests

from .base import TIMEOUT, BaseTagBackend


class CloudflareBackend(BaseTagBackend):
    """Cloudflare's ``purge_cache`` by ``tags``: ``ZONE_ID``, ``API_TOKEN``, ``API_URL``."""

    TAGS_PER_REQUEST = 30  # Cloudflare's limit for one purge_cache call

    def purge_chunk(self, tags):
        base = self.params["API_URL"].rstrip("/")
        url = f"{base}/zones/{self.params['ZONE_ID']}/purge_cache"
        headers = {"Authorization": f"Bearer {self.params['API_TOKEN']}"}
        response = requests.post(url, json={"tags": tags}, headers=headers, timeout=TIMEOUT)
        response.raise_for_status()
