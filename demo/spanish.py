"""The demo's Spanish version, loaded the way an editor and a reviewer would make it.

wagtail-localize translates the article (with its author's profile), a condition and the clinic
settings, each segment from :mod:`demo.content.spanish`; the article translation then goes
through the Medical review workflow, submitted and approved by the demo reviewer, who becomes
its reviewer. Nothing already translated is touched again.
"""

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from wagtail.models import Locale
from wagtail_localize.models import StringTranslation, Translation
from wagtail_localize.operations import TranslationCreator

from articles.models import ArticlePage, Clinician, Condition
from articles.review import MEDICAL_REVIEWERS
from home.models import ClinicSettings

from .content import spanish


def translate(instance, locale, texts):
    """Translate ``instance`` into ``locale`` with wagtail-localize, each segment from
    ``texts`` (by its English text); a page's translation is saved as a draft."""
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
    translation.save_target(publish=not isinstance(instance, ArticlePage))
    return type(instance).objects.get(translation_key=instance.translation_key, locale=locale)


def reviewer_account(clinician):
    """The demo reviewer: a Medical reviewers member without a password, the clinician's."""
    user, created = get_user_model().objects.get_or_create(username=spanish.REVIEWER_USERNAME)
    if created:
        user.set_unusable_password()
        user.save()
    user.groups.add(Group.objects.get(name=MEDICAL_REVIEWERS))
    if clinician.user_id is None:
        clinician.user = user
        clinician.save(update_fields=["user"])
    return clinician.user


def load(site, clinicians, count):
    """Load the Spanish version; ``count(label, created)`` tallies what was made."""
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
            translate(instance, locale, texts)
        count(label, not exists)

    if article.has_translation(locale):
        count("Spanish article", False)
        return
    translation = translate(article, locale, spanish.ARTICLE_TEXT)
    reviewer = reviewer_account(Clinician.objects.get(pk=clinicians[spanish.REVIEWER].pk))
    translation.get_workflow().start(translation, reviewer)
    task_state = translation.current_workflow_task_state
    task_state.task.specific.on_action(task_state, reviewer, "approve")
    count("Spanish article, reviewed", True)
