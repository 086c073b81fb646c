"""The demo's Spanish version, loaded the way an editor and a reviewer would make it.

wagtail-localize translates the article (with its author's profile), a condition and the clinic
settings, each segment from :mod:`demo.content.spanish`; the article, profile and condition
translations then go through the Medical review workflow, submitted and approved by the demo
reviewer, who becomes the article's reviewer. Nothing already translated is touched again.
"""

from wagtail.models import DraftStateMixin, Locale
from wagtail_localize.models import StringTranslation, Translation
from wagtail_localize.operations import TranslationCreator

from articles.models import ArticlePage, Clinician, Condition
from home.models import ClinicSettings

from .content import spanish
from .review import link_clinician, publish_through_review


def translate(instance, locale, texts):
    """Translate ``instance`` into ``locale`` with wagtail-localize, each segment from
    ``texts`` (by its English text); saved as a draft when it has drafts (pages, medical
    snippets), else saved."""
    TranslationCreator(None, [locale]).create_translations(instance, include_related_objects=False)
    translation = Translation.objects.get(
        source__object_id=instance.translation_key, target_locale=locale
    )
    for segment in translation.source.stringsegment_set.select_related("string", "context"):
        text = texts.get(segment.string.data)
        if text is not None:
            StringTranslation.objects.update_or_create(
                translation_of=segment.string,
                locale=locale,
                context=segment.context,
                defaults={"data": text},
            )
    translation.save_target(publish=not isinstance(instance, DraftStateMixin))
    return type(instance).objects.get(translation_key=instance.translation_key, locale=locale)


def load(site, clinicians, reviewer, count):
    """Load the Spanish version, reviewed by ``reviewer``; ``count(label, created)`` tallies
    what was made."""
    locale = Locale.objects.get(language_code="es")
    article = ArticlePage.objects.get(slug=spanish.ARTICLE, locale=Locale.get_default())
    condition = Condition.objects.get(slug=spanish.CONDITION, locale=Locale.get_default())
    clinic = ClinicSettings.for_site(site)
    author = article.author

    for label, instance, texts in (
        ("Spanish clinician profile", author, spanish.AUTHOR_TEXT),
        ("Spanish condition", condition, spanish.CONDITION_TEXT),
        ("Spanish clinic settings", clinic, spanish.SETTINGS_TEXT),
    ):
        exists = instance.has_translation(locale)
        if not exists:
            translation = translate(instance, locale, texts)
            if isinstance(translation, DraftStateMixin):
                publish_through_review(translation, reviewer)
        count(label, not exists)

    if article.has_translation(locale):
        count("Spanish article", False)
        return
    translation = translate(article, locale, spanish.ARTICLE_TEXT)
    # The reviewer's clinician profile is what approving records on the article.
    link_clinician(reviewer, Clinician.objects.get(pk=clinicians[spanish.REVIEWER].pk))
    publish_through_review(translation, reviewer)
    count("Spanish article, reviewed", True)
