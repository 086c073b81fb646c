"""The article API: listings filtered by condition and treatment, the taxonomy itself, and
what a page was when it was live (for staff)."""

import copy

from django.db.models import Count, IntegerField, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce
from django.http import Http404
from django.urls import path
from django.utils import timezone
from django.utils.cache import patch_cache_control, patch_vary_headers
from django.utils.dateparse import parse_datetime
from rest_framework import exceptions, fields
from rest_framework.authentication import TokenAuthentication
from rest_framework.permissions import BasePermission
from rest_framework.response import Response
from wagtail.admin.utils import get_user_display_name
from wagtail.api.v2.utils import BadRequestError
from wagtail.models import Locale, Page

from headless import endpoints, openapi, schema
from headless.cache import tags
from headless.fields import model_values
from headless.filters import SafeSearchFilter, request_locale

from .fields import ARTICLE_MODEL
from .models import ArticlePage, Condition, Treatment
from .publication_history import as_of


class TaxonomyFilter:
    """``?condition=<slug>`` and ``?treatment=<slug>`` on article listings.

    A slug of the term in any language finds the articles filed under the term or any of its
    translations: a Spanish article may be filed under the English term it was translated with.
    """

    params = {"condition": ("conditions", Condition), "treatment": ("treatments", Treatment)}

    def filter_queryset(self, request, queryset, view):
        for param, (field, model) in self.params.items():
            if param not in request.GET:
                continue
            if queryset.model._meta.label != ARTICLE_MODEL:
                raise BadRequestError(f"filtering by {param} needs type={ARTICLE_MODEL}")
            terms = model.objects.filter(slug=request.GET[param], live=True)
            keys = terms.values("translation_key")
            filed = ArticlePage.objects.filter(**{f"{field}__translation_key__in": keys})
            queryset = queryset.filter(pk__in=filed.values("pk"))
        return queryset

    @classmethod
    def api_parameters(cls):
        return [
            openapi.query(
                param,
                schema.STRING,
                f"Only articles of this {param} (its slug); needs type={ARTICLE_MODEL}.",
            )
            for param in cls.params
        ]


class PagesEndpoint(endpoints.PagesEndpoint):
    """The pages endpoint, with article listings filtered by condition and treatment."""

    # Before the search: a search's results can no longer be filtered.
    filter_backends = [
        *(b for b in endpoints.PagesEndpoint.filter_backends if b is not SafeSearchFilter),
        TaxonomyFilter,
        SafeSearchFilter,
    ]
    known_query_parameters = endpoints.PagesEndpoint.known_query_parameters.union(
        TaxonomyFilter.params
    )

    @classmethod
    def get_urlpatterns(cls):
        as_of_view = PageAsOfEndpoint.as_view({"get": "as_of_view"})
        return [*super().get_urlpatterns(), path("<int:pk>/as_of/", as_of_view, name="as_of")]

    @classmethod
    def api_operations(cls, builder, path):
        return {
            **super().api_operations(builder, path),
            **PageAsOfEndpoint.api_operations(builder, path),
        }


AT_FORMAT = "an ISO 8601 date and time with its UTC offset, such as 2025-03-01T09:30:00Z"


def parse_instant(value):
    """The aware datetime ``?at=`` names, not in the future; a 400 for anything else."""
    if not value:
        raise BadRequestError(f"at is required: {AT_FORMAT}")
    try:
        at = parse_datetime(value)
    except ValueError:
        at = None
    if at is None or timezone.is_naive(at):
        raise BadRequestError(f"at must be {AT_FORMAT} (in a URL, write the + of an offset as %2B)")
    if at > timezone.now():
        raise BadRequestError("at is in the future: the history tells what was live until now")
    return at


class AdminStaff(BasePermission):
    """Signed in (session) or holding a token, with access to the Wagtail admin."""

    message = "Only staff with access to the admin may ask what was live."

    def has_permission(self, request, view):
        user = request.user
        return bool(user and user.is_authenticated and user.has_perm("wagtailadmin.access_admin"))


class PageAsOfEndpoint(endpoints.PagesEndpoint):
    """A page as it was live at an instant, in the shape of its detail, with the review that
    let it go live under ``meta.approval``: ``GET /api/v2/pages/<id>/as_of/?at=<ISO 8601>``.

    For staff only: a Wagtail admin user who may edit (or publish) the page, signed in or
    sending a token (``Authorization: Token <key>``, DRF's token authentication). The content
    is the revision that was live then (:mod:`articles.publication_history`); what it refers to
    (images, clinicians, conditions, related articles) is shown as it is now. Never cached.
    """

    # The token first: an anonymous request is told to authenticate (401, WWW-Authenticate).
    authentication_classes = [TokenAuthentication, endpoints.SessionIfPresent]
    permission_classes = [AdminStaff]
    known_query_parameters = frozenset(["at", "fields", "format"])

    def dispatch(self, request, *args, **kwargs):
        # Past the response cache: every answer is for this user alone, errors included.
        response = super(endpoints.CachedResponseMixin, self).dispatch(request, *args, **kwargs)
        patch_cache_control(response, private=True, no_store=True)
        patch_vary_headers(response, ["Cookie", "Authorization"])
        return response

    def as_of_view(self, request, pk):
        unknown = set(request.GET) - self.known_query_parameters
        if unknown:
            raise BadRequestError("unknown query parameters: " + ", ".join(sorted(unknown)))
        at = parse_instant(request.GET.get("at", ""))
        page = Page.objects.filter(pk=pk).first()
        if page is None:
            raise Http404(endpoints.pages.NOT_FOUND)
        page = page.specific
        permissions = page.permissions_for_user(request.user)
        if not (permissions.can_edit() or permissions.can_publish()):
            raise exceptions.PermissionDenied(
                "Only those who may edit this page in the admin may ask what was live."
            )
        interval = as_of(page, at)
        when = fields.DateTimeField().to_representation(at)
        if interval is None:
            raise Http404(f"Page {page.pk} was not live at {when}.")
        if interval.revision is None:
            raise Http404(
                f"Page {page.pk} was live at {when} as revision {interval.revision_id}, "
                "which has since been deleted."
            )
        live = self._cached_object = interval.as_live(page)
        self.prepare_detail(live, preview=True)
        data = self.get_serializer(live).data
        data.setdefault("meta", {})["approval"] = approval_data(interval)
        return Response(data)

    @classmethod
    def api_operations(cls, builder, path):
        return {
            path + "{id}/as_of/": {
                "get": openapi.operation(
                    "pages_as_of",
                    "A page as it was live at an instant, with the review that let it live",
                    {
                        200: openapi.response(
                            "The revision live then, in the shape of the page's detail, with "
                            "meta.approval. Never cached.",
                            page_as_of_schema(builder),
                        ),
                        **openapi.errors(
                            builder,
                            _400="at is missing, not a date and time with an offset, or in the "
                            "future; or a query parameter is not known.",
                            _401="No session and no token, or the token is not valid.",
                            _403="The user has no access to the admin, or may not edit the page.",
                            _404="No such page, or the page was not live at that instant.",
                            _503="The database is out of reach.",
                        ),
                    },
                    [
                        openapi.path_id("The page's id."),
                        openapi.query(
                            "at", schema.DATE_TIME, f"The instant: {AT_FORMAT}.", required=True
                        ),
                        *openapi.wagtail_parameters("fields", "format"),
                    ],
                    tag="pages",
                    description=(
                        "For staff: a Wagtail admin user who may edit the page, signed in "
                        "(session cookie) or sending `Authorization: Token <key>`. Linked "
                        "images, clinicians and terms are shown as they are now."
                    ),
                    security=openapi.STAFF_SECURITY,
                )
            }
        }


def _datetime(value):
    return None if value is None else fields.DateTimeField().to_representation(value)


def approval_data(interval):
    """``meta.approval`` of an as-of answer: who approved the live revision, and its span."""
    reviewer = interval.reviewer
    return {
        "reviewer": None if reviewer is None else {"id": reviewer.pk, "name": reviewer.name},
        "approved_by": interval.approved_by and get_user_display_name(interval.approved_by),
        "approved_at": _datetime(interval.approved_at),
        "published_by": interval.published_by and get_user_display_name(interval.published_by),
        "last_reviewed": interval.last_reviewed and interval.last_reviewed.isoformat(),
        "revision_id": interval.revision_id,
        "live_from": _datetime(interval.live_from),
        "live_until": _datetime(interval.live_until),
    }


def page_as_of_schema(builder):
    """Each page type's detail with ``meta.approval`` required; told apart by meta.type."""
    builder.page_responses()  # defines each page type's detail
    approval = builder.define(
        "Approval",
        schema.obj(
            {
                "reviewer": schema.nullable(
                    schema.obj({"id": schema.INTEGER, "name": schema.STRING})
                ),
                "approved_by": schema.nullable(schema.STRING),
                "approved_at": schema.nullable(schema.DATE_TIME),
                "published_by": schema.nullable(schema.STRING),
                "last_reviewed": schema.nullable(schema.DATE),
                "revision_id": schema.nullable(schema.INTEGER),
                "live_from": schema.DATE_TIME,
                "live_until": schema.nullable(schema.DATE_TIME),
            },
            description=(
                "The medical review of the revision live at the instant asked: the clinician "
                "the approval recorded (null when the approver had none), the approving user "
                "and time (null when it went live without review), who published it, the "
                "last_reviewed date it carried, and when it was live (live_until null: still "
                "live)."
            ),
        ),
    )
    variants = []
    for model in builder.page_types():
        if model is Page:
            continue
        record = copy.deepcopy(builder.defs[f"{model._meta.label}Detail"])
        record["title"] = f"{model.__name__}AsOf"
        meta = record["properties"]["meta"]
        meta["properties"]["approval"] = approval
        meta["required"].append("approval")
        variants.append(builder.define(f"{model._meta.label}AsOf", record))
    return builder.define(
        "PageAsOf",
        {
            "oneOf": variants,
            "description": "GET /api/v2/pages/<id>/as_of/?at=, told apart by meta.type",
        },
    )


class ArticlesEndpoint(PagesEndpoint):
    """GET /api/v2/articles/: the pages listing of articles alone, typed as their listing.

    The answer of ``/api/v2/pages/?type=articles.ArticlePage`` with the same parameters, under
    an operation of its own, so that a generated client types it as ``ArticlePageListing``
    rather than any page type's listing. Details and find stay under /api/v2/pages/.
    """

    def listing_view(self, request):
        if "type" in request.GET:
            raise BadRequestError(f"type is not a parameter here: this lists {ARTICLE_MODEL}")
        query = request._request.GET.copy()
        query["type"] = ARTICLE_MODEL
        request._request.GET = query
        return super().listing_view(request)

    @classmethod
    def get_urlpatterns(cls):
        return [path("", cls.as_view({"get": "listing_view"}), name="listing")]

    @classmethod
    def api_operations(cls, builder, path):
        listing = super().api_operations(builder, path)[path]["get"]
        return {
            path: {
                "get": {
                    **listing,
                    "operationId": "articles_listing",
                    "summary": "Articles: the pages listing of one type, typed as its listing",
                    "description": f"As /api/v2/pages/?type={ARTICLE_MODEL}, with the same "
                    "parameters but type, and the article fields for ?fields= and filters.",
                    "parameters": [p for p in listing["parameters"] if p["name"] != "type"],
                    "responses": {
                        **listing["responses"],
                        "200": openapi.response(
                            "A page of the listing.", schema.ref(f"{ARTICLE_MODEL}Listing")
                        ),
                    },
                }
            }
        }


class TaxonomyEndpoint(endpoints.ListingEndpoint):
    """Every published term of one taxonomy by name, with how many articles a visitor finds
    under it.

    ``?locale=`` asks for the terms in that language: a term not translated into it comes in
    the default language, and ``locale`` of each says which. ``article_count`` counts the live
    articles of the request's site that it may see, in that language when ``?locale=`` is
    given, filed under the term or its translations: the ones
    ``/api/v2/pages/?type=articles.ArticlePage&<name>=<slug>[&locale=]`` lists.
    """

    fields = ("name", "slug", "description")
    field_name = None
    """The article field holding the terms (``conditions``)."""
    known_query_parameters = frozenset(["limit", "offset", "site", "format", "locale"])
    # A term's count changes with any article's publishing; each term's own tag with its edits.
    cache_tags = (tags.PAGES,)
    openapi_tag = "articles"

    def response_cache_tags(self):
        # A new term is in no answer yet: the set of terms has its own tag.
        return super().response_cache_tags() | {tags.snippets(self.model)}

    def get_queryset(self):
        asked = request_locale(self.request, default=False)
        locale = asked or Locale.get_default()
        articles = endpoints.public_or_bad_request(self.request).type(ArticlePage)
        if asked is not None:
            articles = articles.filter(locale=asked)
        counts = (
            ArticlePage.objects.filter(
                pk__in=articles.values("pk"),
                **{f"{self.field_name}__translation_key": OuterRef("translation_key")},
            )
            .order_by()
            .values(f"{self.field_name}__translation_key")
            .annotate(count=Count("pk", distinct=True))
            .values("count")
        )
        # Published terms only: a draft's text is in its revisions, not yet for patients.
        published = self.model.objects.filter(live=True)
        terms = published.filter(locale=locale)
        default = Locale.get_default()
        if locale.pk != default.pk:
            # Terms not translated (or translated but not published) in the default language.
            translated = published.filter(locale=locale).values("translation_key")
            terms = published.filter(
                Q(locale=locale) | Q(locale=default) & ~Q(translation_key__in=translated)
            )
        return (
            terms.select_related("locale")
            .annotate(article_count=Coalesce(Subquery(counts, output_field=IntegerField()), 0))
            .order_by("name", "pk")
        )

    def load(self, terms):
        self.references.depend_on(*terms)

    def item(self, term):
        return {
            **model_values(term, self.fields),
            "locale": term.locale.language_code,
            "article_count": term.article_count,
        }

    @classmethod
    def item_schema(cls, builder):
        label = cls.model.__name__
        return builder.define(
            f"{label}WithCount",
            schema.obj(
                {
                    **builder.model_fields(cls.model, cls.fields),
                    "locale": schema.locale(),
                    "article_count": {"type": "integer", "minimum": 0},
                },
                description=f"A {label.lower()}: articles are listed under it with "
                f"?{label.lower()}=<slug>.",
            ),
        )

    @classmethod
    def query_parameters(cls, builder):
        return [
            *super().query_parameters(builder),
            openapi.query(
                "locale",
                schema.locale(),
                "The terms in this language (untranslated ones in the default "
                "language) and the counts of articles in it.",
            ),
        ]


class ConditionsEndpoint(TaxonomyEndpoint):
    model = Condition
    name = "conditions"
    field_name = "conditions"
    listing_schema = "ConditionListing"
    summary = "Every condition, by name, with its number of articles"


class TreatmentsEndpoint(TaxonomyEndpoint):
    model = Treatment
    name = "treatments"
    field_name = "treatments"
    listing_schema = "TreatmentListing"
    summary = "Every treatment, by name, with its number of articles"
    fields = (*TaxonomyEndpoint.fields, "regulatory_note")
