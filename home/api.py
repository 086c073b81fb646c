"""How the site root and the site-wide settings appear in the API."""

from django.http import Http404
from django.urls import path
from rest_framework.response import Response
from wagtail.api.v2.utils import BadRequestError
from wagtail.api.v2.views import BaseAPIViewSet
from wagtail.models import Site

from headless import openapi, schema
from headless.cache import tags
from headless.endpoints import CachedResponseMixin, ReferencesMixin
from headless.fields import field_value, model_values
from headless.filters import request_locale

from .models import ClinicSettings

CLINIC_FIELDS = ("clinic_name", "phone", "email", "address")


class SiteSettingsEndpoint(CachedResponseMixin, ReferencesMixin, BaseAPIViewSet):
    """What every page of the frontend shows: clinic details, navigation, footer, disclaimer.

    ``?locale=`` asks for them in that language: its translation of the settings when there is
    one, else the default language's, and ``locale`` says which it is.
    """

    name = "site"
    model = ClinicSettings
    known_query_parameters = frozenset(["format", "site", "locale"])
    cache_tags = (tags.SETTINGS,)

    def settings_view(self, request):
        unknown = set(request.GET) - self.known_query_parameters
        if unknown:
            raise BadRequestError(
                "query parameter is not recognised: " + ", ".join(sorted(unknown))
            )
        site = Site.find_for_request(request)
        if site is None:
            raise Http404("No site answers this host name")
        locale = request_locale(request, default=False)
        clinic = ClinicSettings.for_site(site, locale)
        links = [*clinic.main_navigation, *clinic.footer_links]
        for link in links:
            # The chosen page, and its translations: a link goes to the page in the language
            # asked for where there is one (home.blocks.LinkBlock).
            self.references.add_page(link.value.get("page"))
            self.references.add_translations(link.value.get("page"))
        self.references.load()
        language = locale.language_code if locale else clinic.locale.language_code
        context = {"request": request, "references": self.references, "language": language}

        def links_data(stream):
            links = (link.block.get_api_representation(link.value, context) for link in stream)
            # A link to a page visitors cannot see is left out, not shown as a dead end.
            return [link for link in links if link["href"]]

        return Response(
            {
                "locale": clinic.locale.language_code,
                **model_values(clinic, CLINIC_FIELDS),
                "main_navigation": links_data(clinic.main_navigation),
                "footer_links": links_data(clinic.footer_links),
                "default_disclaimer": field_value(clinic, "default_disclaimer"),
                "site": {"hostname": site.hostname, "name": field_value(site, "site_name")},
            }
        )

    @classmethod
    def get_urlpatterns(cls):
        return [path("", cls.as_view({"get": "settings_view"}), name="detail")]

    @classmethod
    def api_operations(cls, builder, path):
        def links(field_name):
            stream_block = ClinicSettings._meta.get_field(field_name).stream_block
            values = [builder.block(child) for child in stream_block.child_blocks.values()]
            return schema.array(values[0] if len(values) == 1 else {"anyOf": values})

        settings = schema.obj(
            {
                "locale": schema.locale(),
                **builder.model_fields(ClinicSettings, CLINIC_FIELDS),
                "main_navigation": links("main_navigation"),
                "footer_links": links("footer_links"),
                "default_disclaimer": builder.model_field(ClinicSettings, "default_disclaimer"),
                "site": schema.obj(
                    {
                        "hostname": schema.STRING,
                        "name": builder.model_field("wagtailcore.Site", "site_name"),
                    }
                ),
            },
            description="GET /api/v2/site/: what every page of the frontend shows.",
        )
        return {
            path: {
                "get": openapi.operation(
                    "site_settings",
                    "What every page of the frontend shows",
                    {
                        200: openapi.response(
                            "The settings of the request's site.",
                            builder.define("SiteSettings", settings),
                        ),
                        **openapi.errors(
                            builder,
                            _400="A query parameter is not known.",
                            _404="No site answers this host name.",
                        ),
                        **openapi.cached(builder),
                    },
                    [
                        *openapi.wagtail_parameters("format"),
                        openapi.query(
                            "locale",
                            schema.locale(),
                            "The settings in this language (the default language's when they "
                            "are not translated into it).",
                        ),
                        openapi.query(
                            "site",
                            schema.STRING,
                            "Accepted and ignored: the settings are those of the Host's site.",
                        ),
                    ],
                    tag="site",
                )
            }
        }
