"""The base of every page type the API serves, and the one place its hooks are written down."""

from wagtail_headless_preview.models import HeadlessPreviewMixin


class HeadlessPage(HeadlessPreviewMixin):
    """Mixed into a page model (before ``Page``) that the headless endpoints serve.

    Previews open the frontend (wagtail-headless-preview). The pages endpoint
    (:class:`headless.endpoints.PagesEndpoint`) calls these hooks, whose defaults do nothing:

    ``collects_health_information``
        True on page types that ask visitors about their health (forms); the API says so in
        ``meta.collects_health_information`` so a frontend turns third-party tracking off.
        Read from any page class, served through this mixin or not.
    ``api_listing_fields``
        Field names added to the listing's default fields for ``?type=<this model>``.
    ``api_queryset(queryset, detail=False)``
        The queryset the endpoint reads this type from, with what serializing needs fetched
        along (``select_related``, ``prefetch_related``, deferred bodies for cards) and the
        listing's default order. Called for listings and, with ``detail=True``, for a detail.
    ``prepare_api_detail(public_pages, preview=False)``
        Before a detail is serialized: fetch what it shows beyond its own row (related pages,
        chosen in the editor's order), among ``public_pages`` only. ``preview`` is true for an
        unsaved draft, whose relations live in memory, not in the database.
    ``collect_api_references(references, detail)``
        Add every image, page and document the serialized page will show to ``references``
        (:class:`headless.references.References`), so they load in one query per kind.
    """

    template = "headless_page.html"  # never rendered: the frontend renders pages

    collects_health_information = False
    api_listing_fields = ()

    @classmethod
    def api_queryset(cls, queryset, detail=False):
        return queryset

    def prepare_api_detail(self, public_pages, preview=False):
        pass

    def collect_api_references(self, references, detail):
        pass
