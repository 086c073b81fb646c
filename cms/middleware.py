"""Request guards that apply to every URL."""

from django.http import HttpResponseBadRequest, JsonResponse

NUL_MESSAGE = "Query parameters must not contain NUL characters."


class RejectNulCharactersMiddleware:
    """A 400 for a query string with a NUL character (``%00``) in it.

    PostgreSQL cannot store or compare text holding NUL, so such a value would fail as a
    database error (a 500) wherever it reaches a query: a search, a filter, a path to find.
    No legitimate client sends one.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if any("\x00" in key or "\x00" in value for key, value in _items(request.GET)):
            if request.path_info.startswith("/api/"):
                return JsonResponse({"message": NUL_MESSAGE}, status=400)
            return HttpResponseBadRequest(NUL_MESSAGE, content_type="text/plain")
        return self.get_response(request)


def _items(querydict):
    for key, values in querydict.lists():
        for value in values:
            yield key, value
