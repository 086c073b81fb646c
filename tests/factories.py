"""Factories for the content the tests need; ids are never hard-coded."""

import factory
import wagtail_factories
from django.utils.text import slugify
from wagtail.models import DraftStateMixin, Locale, Page, Site
from wagtail_localize.models import StringTranslation, Translation
from wagtail_localize.operations import TranslationCreator

from articles.models import ArticleIndexPage, ArticlePage, Clinician, Condition, Treatment
from contact.models import ContactPage, FormField
from home.models import HomePage


class ClinicianFactory(factory.django.DjangoModelFactory):
    name = factory.Sequence(lambda n: f"Dr Clinician {n}")
    credentials = "MD"
    specialty = "Pain medicine"

    class Meta:
        model = Clinician


class ConditionFactory(factory.django.DjangoModelFactory):
    name = factory.Sequence(lambda n: f"Condition {n}")
    slug = factory.LazyAttribute(lambda o: slugify(o.name))

    class Meta:
        model = Condition
        django_get_or_create = ["slug"]


class TreatmentFactory(factory.django.DjangoModelFactory):
    name = factory.Sequence(lambda n: f"Treatment {n}")
    slug = factory.LazyAttribute(lambda o: slugify(o.name))

    class Meta:
        model = Treatment
        django_get_or_create = ["slug"]


class HomePageFactory(wagtail_factories.PageFactory):
    title = "Home"

    class Meta:
        model = HomePage


class ArticleIndexPageFactory(wagtail_factories.PageFactory):
    title = "Articles"
    slug = "articles"

    class Meta:
        model = ArticleIndexPage


class ArticlePageFactory(wagtail_factories.PageFactory):
    title = factory.Sequence(lambda n: f"Article {n}")
    summary = "A short summary of the article."
    author = factory.SubFactory(ClinicianFactory)

    class Meta:
        model = ArticlePage


class ContactPageFactory(wagtail_factories.PageFactory):
    title = "Contact us"
    slug = factory.Sequence(lambda n: f"contact-{n}")

    class Meta:
        model = ContactPage


class FormFieldFactory(factory.django.DjangoModelFactory):
    page = factory.SubFactory(ContactPageFactory)
    label = factory.Sequence(lambda n: f"Field {n}")
    field_type = "singleline"
    sort_order = factory.Sequence(int)

    class Meta:
        model = FormField


def default_site():
    """A HomePage under Wagtail's root, as the only site and the default for every host."""
    home = HomePageFactory(parent=Page.get_first_root_node(), slug="home-test")
    Site.objects.all().delete()
    return Site.objects.create(hostname="localhost", port=80, root_page=home, is_default_site=True)


def translate(instance, strings=None, publish=False, language_code="es"):
    """Translate ``instance`` with wagtail-localize, as the admin's Translate does, each source
    string found in ``strings`` by its translation. Returns the translation: a draft page
    unless ``publish``; a snippet published (a reviewed one through its revision, as approving
    it would), a setting saved. Untranslated strings stay in the source language."""
    locale = Locale.objects.get(language_code=language_code)
    TranslationCreator(None, [locale]).create_translations(instance)
    translation = Translation.objects.get(
        source__object_id=instance.translation_key, target_locale=locale
    )
    for source, target in (strings or {}).items():
        segments = translation.source.stringsegment_set.filter(string__data=source)
        assert segments, f"no segment says {source!r}"
        for segment in segments:
            StringTranslation.objects.update_or_create(
                translation_of=segment.string,
                locale=locale,
                context=segment.context,
                defaults={"data": target},
            )
    has_drafts = isinstance(instance, DraftStateMixin)
    translation.save_target(publish=not has_drafts)
    translated = type(instance).objects.get(translation_key=instance.translation_key, locale=locale)
    if has_drafts and (publish or not isinstance(instance, Page)):
        translated.get_latest_revision().publish()
        translated.refresh_from_db()
    return translated
