"""The API's errors are JSON: every 4xx body is ``{"message": ...}``, the schema's ``Error``.

Wagtail answers its own errors so (``BaseAPIViewSet.handle_exception``); the rest come from DRF
(``{"detail": ...}``: a method not allowed, a CSRF failure of a signed-in session) and are
renamed by :func:`exception_handler`, the project's ``REST_FRAMEWORK["EXCEPTION_HANDLER"]``.
"""

from django.views.decorators.csrf import csrf_exempt
from rest_framework.views import exception_handler as drf_exception_handler

from .renderers import CompactJsonResponse


def exception_handler(exc, context):
    response = drf_exception_handler(exc, context)
    if response is not None and isinstance(response.data, dict) and "detail" in response.data:
        response.data = {"message": str(response.data["detail"])}
    return response


# Exempt: a POST to a URL that serves nothing is a 404, not a CSRF failure.
@csrf_exempt
def not_found(request, unknown=""):
    """Unknown API URLs answer JSON too, never an HTML error page."""
    return CompactJsonResponse({"message": f"No API endpoint at {request.path}"}, status=404)
