"""Public views: Wagtail's dynamic image serve view, guarded, behind the API's serve URLs.

``cms/urls.py`` routes ``images/<signature>/<id>/<spec>/<name>`` here as Wagtail's docs show
("Dynamic image serve view"). An API answer names such a URL for a rendition not made yet
(:mod:`headless.renditions`); its first request makes it, and every request redirects to the
file, which the storage (or the CDN before it) serves.
"""

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404
from django.utils.cache import patch_cache_control
from wagtail.images.exceptions import InvalidFilterSpecError
from wagtail.images.models import SourceImageIOError
from wagtail.images.utils import verify_signature
from wagtail.images.views.serve import ServeView

from . import renditions

FOREVER = 365 * 24 * 3600
"""A serve URL names what its rendition depends on: its redirect may be kept for good."""

WHILE_UNSURE = 3600
"""The lifetime of a redirect asked by a URL whose name is not the image's current one."""


class ImageServeView(ServeView):
    """Wagtail's ``ServeView`` with the visibility rules of the API.

    Wagtail's checks the signature only: an image of a private collection would be served to
    anyone holding a URL. Here it is a 404 to whoever may not see the collection's images (as
    the API leaves such an image out), and served, never redirected to a shareable file URL,
    to whoever may, marked ``private, no-store``. Other images redirect to their rendition's
    file, for the CDN to keep. A bad signature is a 403, a spec Wagtail cannot read a 400, an
    original missing from storage a 410.
    """

    action = "redirect"

    def get(self, request, signature, image_id, filter_spec, filename=None):
        if not verify_signature(signature.encode(), image_id, filter_spec, key=self.key):
            raise PermissionDenied
        image = get_object_or_404(self.model.objects.select_related("collection"), id=image_id)
        restrictions = list(image.collection.get_view_restrictions())
        if not all(restriction.accept_request(request) for restriction in restrictions):
            raise Http404("No such image.")
        try:
            (rendition,), _ = renditions.make(image, [filter_spec], "url")
        except SourceImageIOError:
            return HttpResponse(
                "Source image file not found", content_type="text/plain", status=410
            )
        except InvalidFilterSpecError:
            return HttpResponse(
                "Invalid filter spec: " + filter_spec, content_type="text/plain", status=400
            )
        if restrictions:
            response = self.serve(rendition)
            patch_cache_control(response, private=True, no_store=True)
            return response
        response = self.redirect(rendition)
        # The name after the spec, which Wagtail's URL pattern matches without passing it on.
        if request.path_info.rsplit("/", 1)[-1] == renditions.url_name(image, filter_spec):
            patch_cache_control(response, public=True, max_age=FOREVER, immutable=True)
        else:
            patch_cache_control(response, public=True, max_age=WHILE_UNSURE)
        return response
