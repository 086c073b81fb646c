"""The site root and the clinic-wide content every page of the frontend shows."""

import copy
from functools import partial

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from modelcluster.fields import ParentalKey
from wagtail.admin.panels import FieldPanel, InlinePanel, MultiFieldPanel
from wagtail.api import APIField
from wagtail.contrib.settings.models import BaseSiteSetting, register_setting
from wagtail.coreutils import get_supported_content_language_variant
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Locale, Orderable, Page, Site, TranslatableMixin

from headless import fields
from headless.blocks import RICH_TEXT_FEATURES
from headless.cache import Memo
from headless.cache import tags as cache_tags
from headless.pages import HeadlessPage
from headless.safe_urls import validate_rich_text_links

from .blocks import LinkBlock

ARTICLE_MODEL = "articles.ArticlePage"
"""Home lists articles but sits below the articles app, so it names their model by string."""


class HomePage(HeadlessPage, Page):
    hero_title = models.CharField(max_length=150, blank=True)
    hero_text = models.CharField(max_length=300, blank=True)
    hero_image = models.ForeignKey(
        "wagtailimages.Image", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    hero_image_alt = models.CharField(max_length=250, blank=True)
    intro = RichTextField(
        blank=True, features=RICH_TEXT_FEATURES, validators=[validate_rich_text_links]
    )

    content_panels = Page.content_panels + [
        MultiFieldPanel(
            [
                FieldPanel("hero_title"),
                FieldPanel("hero_text"),
                FieldPanel("hero_image"),
                FieldPanel("hero_image_alt"),
            ],
            heading="Hero",
        ),
        FieldPanel("intro"),
        InlinePanel("featured_articles", label="Featured articles", max_num=6),
    ]
    parent_page_types = ["wagtailcore.Page"]
    max_count = 1

    api_fields = [
        APIField("hero_title"),
        APIField("hero_text"),
        APIField("hero_image", serializer=fields.ImageField(alt_source="hero_image_alt")),
        APIField("intro", serializer=fields.RichTextField()),
        APIField(
            "featured_articles",
            serializer=fields.PageListingField(ARTICLE_MODEL, source="featured_article_pages"),
        ),
    ]

    def prepare_api_detail(self, public, preview=False):
        """Fetch the featured articles visitors may see, in the editor's order, each in the
        home page's language when it is translated into it (a translated home page keeps the
        source's choices)."""
        article_model = FeaturedArticle.article.field.related_model
        chosen = [item.article_id for item in self.featured_articles.all()]
        keys = dict(
            article_model.objects.filter(pk__in=chosen).values_list("pk", "translation_key")
        )
        visible = article_model.api_queryset(
            public(article_model.objects.filter(translation_key__in=keys.values()))
        )
        by_language = {(page.translation_key, page.locale_id): page for page in visible}
        by_pk = {page.pk: page for page in by_language.values()}
        pages = []
        for pk in chosen:
            page = by_language.get((keys.get(pk), self.locale_id)) or by_pk.get(pk)
            if page is not None and page not in pages:
                pages.append(page)
        self.featured_article_pages = pages

    def collect_api_references(self, references, detail):
        references.add_image_of(self, "hero_image")
        references.add_rich_text(self.intro)
        for article in getattr(self, "featured_article_pages", ()):
            article.collect_api_references(references, detail=False)


class FeaturedArticle(Orderable):
    home_page = ParentalKey(HomePage, on_delete=models.CASCADE, related_name="featured_articles")
    article = models.ForeignKey(ARTICLE_MODEL, on_delete=models.CASCADE, related_name="+")

    panels = [FieldPanel("article")]


_settings_read = Memo(cache_tags.EVERYTHING, cache_tags.SETTINGS, cache_tags.PAGES)
"""``{(site id, language codes): {language code: settings}}``: see
``ClinicSettings.for_request_in``."""


@register_setting(icon="site")
class ClinicSettings(TranslatableMixin, BaseSiteSetting):
    """What the frontend shows on every page: the clinic's identity, navigation and disclaimer.

    One per site and language. The default language's is the site setting the admin's Settings
    menu edits (``for_site``); the others are its translations, made and edited with
    wagtail-localize from the Translations of clinic settings snippet listing
    (``for_site(site, locale)``). Reading targets are the default language's.
    """

    site = models.ForeignKey(Site, editable=False, on_delete=models.CASCADE, related_name="+")

    clinic_name = models.CharField(max_length=150, default="Pain Clinic")
    phone = models.CharField(max_length=40, blank=True)
    email = models.EmailField(blank=True)
    address = models.TextField(blank=True, max_length=500)
    main_navigation = StreamField([("link", LinkBlock())], blank=True)
    footer_links = StreamField([("link", LinkBlock())], blank=True)
    default_disclaimer = models.TextField(
        blank=True,
        max_length=2000,
        help_text="Shown by every medical disclaimer block that does not give its own text.",
    )
    target_reading_grade = models.PositiveSmallIntegerField(
        "Target reading grade",
        default=8,
        validators=[MinValueValidator(1), MaxValueValidator(16)],
        help_text="US health bodies (NIH, CDC) ask for patient materials at grade 8 or below, "
        "the level most adults read with ease; the AMA suggests grade 6.",
    )

    target_reading_ease_es = models.PositiveSmallIntegerField(
        "Target reading ease in Spanish",
        default=60,
        validators=[MaxValueValidator(100)],
        help_text="Fernández-Huerta reading ease (0-100, higher is easier) Spanish articles "
        "should reach; 60-70 reads as ordinary text, about the level of grade 8.",
    )

    TARGETS = {
        "flesch_kincaid_grade": "target_reading_grade",
        "fernandez_huerta": "target_reading_ease_es",
    }
    """The field holding the target of each readability formula (articles.readability)."""

    panels = [
        MultiFieldPanel(
            [
                FieldPanel("clinic_name"),
                FieldPanel("phone"),
                FieldPanel("email"),
                FieldPanel("address"),
            ],
            heading="Clinic",
        ),
        FieldPanel("main_navigation"),
        FieldPanel("footer_links"),
        FieldPanel("default_disclaimer"),
        MultiFieldPanel(
            [FieldPanel("target_reading_grade"), FieldPanel("target_reading_ease_es")],
            heading="Reading level targets",
        ),
    ]

    class Meta(TranslatableMixin.Meta):
        verbose_name = "clinic settings"
        verbose_name_plural = "clinic settings"
        unique_together = [("translation_key", "locale"), ("site", "locale")]

    def target_for(self, formula):
        """The target of a readability formula's value (a grade, or a reading ease)."""
        return getattr(self, self.TARGETS.get(formula, "target_reading_grade"))

    @classmethod
    def default_target(cls, formula):
        return cls._meta.get_field(cls.TARGETS.get(formula, "target_reading_grade")).default

    @classmethod
    def for_request(cls, request):
        """Wagtail's: the settings of the request's site (in the default language), once per
        request, read as :meth:`for_request_in` reads them."""
        attr_name = cls.get_cache_attr_name()
        if not hasattr(request, attr_name):
            setattr(request, attr_name, cls.for_request_in(request, None))
        return getattr(request, attr_name)

    @classmethod
    def for_request_in(cls, request, language_code):
        """``for_site`` of the request's site in a language (a code, or None for the default
        language), once per request.

        Read from the database once per process while the versions of ``settings``, ``pages``
        (the navigation's chosen pages) and ``all`` stay as they were: as fresh as a cached
        response, and a query less per uncached one. Each request gets its own instance.
        """
        cached = request.__dict__.setdefault("_clinic_settings_by_language", {})
        if language_code not in cached:
            site = Site.find_for_request(request)
            found = cls.for_site(site, language_code, read=partial(cls._read, request))
            found = copy.copy(found)
            found._request, found._page_url_cache = request, {}  # as Wagtail's for_request
            cached[language_code] = found
        return cached[language_code]

    @classmethod
    def _read(cls, request, site, codes):
        """``{language code: settings}`` of ``site`` in ``codes``, as read while the versions
        were as ``request`` sees them (see :meth:`for_request_in`)."""
        return _settings_read.get(
            request, (site.pk, frozenset(codes)), lambda: cls._query(site, codes)
        )

    @classmethod
    def _query(cls, site, codes):
        """``{language code: settings}`` of ``site`` in ``codes``, from the database."""
        queryset = cls.base_queryset().filter(site=site, locale__language_code__in=codes)
        return {
            setting.locale.language_code: setting for setting in queryset.select_related("locale")
        }

    @classmethod
    def for_site(cls, site, locale=None, read=None):
        """The settings of ``site`` in ``locale`` (a Locale or a language code), or in the
        default language when ``locale`` has none (say so ``locale`` of the answer); the
        default language's are made if missing, as Wagtail makes a site's settings.
        ``read(site, codes)`` finds them (the database, unless told otherwise)."""
        if site is None:
            raise cls.DoesNotExist(f"{cls} does not exist for site None.")
        default = get_supported_content_language_variant(settings.LANGUAGE_CODE)
        if isinstance(locale, str):
            locale = Locale(language_code=locale)
        codes = {default, locale.language_code if locale else default}
        found = (read or cls._query)(site, codes)
        if locale is not None and locale.language_code in found:
            return found[locale.language_code]
        if default in found:
            return found[default]
        instance, _ = cls.base_queryset().get_or_create(site=site, locale=Locale.get_default())
        return instance
