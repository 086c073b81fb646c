"""Article pages and the taxonomy they are filed under."""

import math
from datetime import timedelta

from django import forms
from django.conf import settings
from django.contrib.contenttypes.fields import GenericRelation
from django.core.validators import RegexValidator
from django.db import models, transaction
from django.db.models import Exists, F, OuterRef, Prefetch, prefetch_related_objects
from django.utils import timezone
from modelcluster.fields import ParentalManyToManyField
from wagtail.admin.panels import (
    FieldPanel,
    FieldRowPanel,
    MultiFieldPanel,
    ObjectList,
    TabbedInterface,
)
from wagtail.api import APIField
from wagtail.fields import RichTextField, StreamField
from wagtail.models import (
    AbstractGroupApprovalTask,
    DraftStateMixin,
    Locale,
    LockableMixin,
    Page,
    RevisionMixin,
    TranslatableMixin,
    WorkflowMixin,
)
from wagtail.search import index
from wagtail_localize.fields import BaseTranslatableField

from headless import fields
from headless.blocks import RICH_TEXT_FEATURES
from headless.pages import UNSERVED_EDITING_FIELDS, UNSERVED_PAGE_FIELDS, HeadlessPage, unordered
from headless.safe_urls import validate_rich_text_links, validate_safe_url
from home.models import ClinicSettings

from . import accessibility, readability
from . import fields as article_fields
from .blocks import ArticleBodyBlock
from .forms import ArticlePageForm
from .panels import ContentChecksPanel, NextReviewPanel
from .permissions import ArticleIndexPermissionTester, ArticlePermissionTester

WORDS_PER_MINUTE = 220

REVIEW_LOG_ACTION = "articles.medical_review"
"""The page history entry of a recorded medical review."""

PUBLISH_WITHOUT_REVIEW_LOG_ACTION = "articles.publish_without_review"
"""The history entry of medical content that went live other than by a reviewer's approval (a
superuser's Publish, say): the bypass stays possible, and on record."""


def newest_first(pages):
    """``pages`` newest first by first publication, then by id, as the API lists articles."""
    return sorted(
        pages,
        key=lambda page: (
            page.first_published_at is not None,
            page.first_published_at or 0,
            page.pk,
        ),
        reverse=True,
    )


def served_terms(lookup):
    """An article's terms (``"conditions"``, ``"treatments"``) prefetched as the API reads them:
    without their editing columns (``ReviewedSnippet.UNSERVED_FIELDS``), which are most of a
    term's and would cost Django more to compile and convert than the query itself."""
    model = ArticlePage._meta.get_field(lookup).related_model
    return Prefetch(lookup, queryset=model.objects.defer(*model.UNSERVED_FIELDS))


def medical_review_interval():
    """How long a medical review stays current (``MEDICAL_REVIEW_INTERVAL_DAYS``)."""
    return timedelta(days=settings.MEDICAL_REVIEW_INTERVAL_DAYS)


MEDICAL_SPECIALTIES = [
    ("Anesthesia", "Anesthesia (pain medicine)"),
    ("Emergency", "Emergency medicine"),
    ("Geriatric", "Geriatrics"),
    ("Musculoskeletal", "Musculoskeletal medicine"),
    ("Neurologic", "Neurology"),
    ("Oncologic", "Oncology"),
    ("Pediatric", "Pediatrics"),
    ("Physiotherapy", "Physiotherapy"),
    ("PrimaryCare", "Primary care"),
    ("Psychiatric", "Psychiatry"),
    ("Rheumatologic", "Rheumatology"),
    ("Surgical", "Surgery"),
]
"""Members of schema.org's MedicalSpecialty enumeration a clinician of the clinic may have:
``https://schema.org/<value>`` in the JSON-LD, where search engines accept no free text."""


class ReviewedSnippet(WorkflowMixin, DraftStateMixin, LockableMixin, RevisionMixin, models.Model):
    """A snippet whose text is medical, so it goes live only through the Medical review workflow.

    Saving in the admin makes a draft revision; the row keeps the live version's fields (and
    ``live`` says whether there is one) until a revision is published, which only approval by a
    medical reviewer (or a superuser's Publish) does. Whatever shows these to patients reads
    live rows only (``headless.visibility.live_only``).
    """

    # Deleting a snippet deletes its revisions and workflow states, as it does a page's.
    revisions = GenericRelation(
        "wagtailcore.Revision",
        content_type_field="base_content_type",
        object_id_field="object_id",
        related_query_name="%(app_label)s_%(class)s",
        for_concrete_model=False,
    )
    workflow_states = GenericRelation(
        "wagtailcore.WorkflowState",
        content_type_field="base_content_type",
        object_id_field="object_id",
        related_query_name="%(app_label)s_%(class)s",
        for_concrete_model=False,
    )

    UNSERVED_FIELDS = UNSERVED_EDITING_FIELDS
    """Editing and scheduling columns the API never shows nor asks, as
    ``headless.pages.UNSERVED_PAGE_FIELDS`` are a page's: left out where a snippet is read
    along with the page that shows it."""

    class Meta:
        abstract = True


class Clinician(ReviewedSnippet, TranslatableMixin, index.Indexed):
    """A person who writes or medically reviews articles.

    Translatable: a translation carries the bio, specialty and credentials in its language.
    The admin account stays on the source (a translation is the same person, not another
    reviewer), so ``user`` is not copied into translations.
    """

    name = models.CharField(max_length=120)
    credentials = models.CharField(max_length=80, blank=True, help_text="e.g. MD, PhD, FRCA")
    specialty = models.CharField(max_length=120, blank=True, help_text="e.g. Pain medicine")
    medical_specialty = models.CharField(
        "Medical specialty for search engines",
        max_length=40,
        blank=True,
        choices=MEDICAL_SPECIALTIES,
        help_text="The schema.org specialty closest to the one above, which search engines "
        "read; the text above is shown as written.",
    )
    photo = models.ForeignKey(
        "wagtailimages.Image", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    bio = models.TextField(blank=True, max_length=1000, help_text="Two or three sentences.")
    npi = models.CharField(
        "NPI",
        max_length=10,
        blank=True,
        validators=[RegexValidator(r"^\d{10}$", "An NPI is exactly ten digits.")],
        help_text="US National Provider Identifier, if any.",
    )
    profile_url = models.URLField("Profile link", blank=True, validators=[validate_safe_url])
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="clinician",
        help_text="The admin account of this clinician, if they review articles in the CMS.",
    )

    panels = [
        FieldRowPanel([FieldPanel("name"), FieldPanel("credentials")]),
        FieldRowPanel([FieldPanel("specialty"), FieldPanel("medical_specialty")]),
        FieldPanel("photo"),
        FieldPanel("bio"),
        FieldRowPanel([FieldPanel("npi"), FieldPanel("profile_url")]),
        FieldPanel("user"),
    ]
    search_fields = [index.SearchField("name"), index.AutocompleteField("name")]
    exclude_fields_in_copy = ["user"]

    class Meta(TranslatableMixin.Meta):
        ordering = ["name"]

    def __str__(self):
        return f"{self.name}, {self.credentials}" if self.credentials else self.name


class TaxonomyTerm(ReviewedSnippet, TranslatableMixin):
    """A term of a taxonomy, translatable: names and slugs are unique within a language.

    A term and its translations share a ``translation_key``; ``?condition=<slug>`` finds the
    articles filed under any of them (articles/api.py).
    """

    name = models.CharField(max_length=120)
    slug = models.SlugField(max_length=120)
    description = models.TextField(blank=True, max_length=500)

    panels = [FieldPanel("name"), FieldPanel("slug"), FieldPanel("description")]

    class Meta:
        abstract = True
        ordering = ["name"]
        unique_together = [("translation_key", "locale"), ("locale", "name"), ("locale", "slug")]

    def __str__(self):
        return self.name


class Condition(TaxonomyTerm):
    """A condition an article is about: fibromyalgia, neuropathic pain, CRPS, migraine..."""


class Treatment(TaxonomyTerm):
    """A treatment an article discusses, with the regulatory note readers must see."""

    regulatory_note = models.TextField(
        blank=True,
        max_length=500,
        help_text="Shown on every article about this treatment, e.g. that its use for chronic "
        "pain is off-label.",
    )

    panels = TaxonomyTerm.panels + [FieldPanel("regulatory_note")]


class ArticleIndexPage(HeadlessPage, Page):
    intro = RichTextField(
        blank=True, features=RICH_TEXT_FEATURES, validators=[validate_rich_text_links]
    )

    content_panels = Page.content_panels + [FieldPanel("intro")]
    api_fields = [APIField("intro", serializer=fields.RichTextField())]
    parent_page_types = ["home.HomePage"]
    subpage_types = ["articles.ArticlePage"]
    max_count_per_parent = 1

    def permissions_for_user(self, user):
        return ArticleIndexPermissionTester(user, self)


CLINICIANS = ("author", "reviewer")
"""An article's clinicians, by their foreign keys."""


def unserved_clinician_fields(clinicians=CLINICIANS):
    """The columns of the article's ``clinicians`` left out where they are read with it (9 of a
    clinician's 24)."""
    return tuple(
        f"{clinician}__{name}"
        for clinician in clinicians
        for name in ReviewedSnippet.UNSERVED_FIELDS
    )


class ArticlePage(HeadlessPage, Page):
    summary = models.CharField(
        max_length=300, help_text="One or two sentences for article cards and search results."
    )
    hero_image = models.ForeignKey(
        "wagtailimages.Image", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    hero_image_alt = models.CharField(
        "Hero image alt text",
        max_length=250,
        blank=True,
        help_text="Describe the hero image for people who cannot see it.",
    )
    body = StreamField(ArticleBodyBlock(), blank=True)
    author = models.ForeignKey(
        Clinician,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="authored_articles",
    )
    reviewer = models.ForeignKey(
        Clinician,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="reviewed_articles",
        verbose_name="medical reviewer",
    )
    last_reviewed = models.DateField(null=True, blank=True)
    conditions = ParentalManyToManyField(Condition, blank=True, related_name="articles")
    treatments = ParentalManyToManyField(Treatment, blank=True, related_name="articles")
    social_image = models.ForeignKey(
        "wagtailimages.Image",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="Shown when the article is shared; the hero image is used when empty.",
    )
    reading_time = models.PositiveSmallIntegerField(
        default=1, editable=False, help_text="Minutes, computed from the body on save."
    )
    readability = models.JSONField(
        default=dict,
        editable=False,
        help_text="Reading grades of the article and its sections (articles.readability), "
        "computed from the body whenever it or a revision of it is saved.",
    )
    accessibility_problems = models.JSONField(
        default=list,
        editable=False,
        help_text="What keeps it from being published (articles.accessibility), as of the last "
        "save.",
    )

    parent_page_types = ["articles.ArticleIndexPage"]
    subpage_types = []

    # A translation is reviewed on its own (articles/translations.py): a copy starts unreviewed,
    # and syncing the source's changes into it (wagtail-localize) leaves its review alone.
    exclude_fields_in_copy = ["reviewer", "last_reviewed"]
    override_translatable_fields = [
        BaseTranslatableField("reviewer"),
        BaseTranslatableField("last_reviewed"),
    ]

    search_fields = Page.search_fields + [
        index.SearchField("summary"),
        index.SearchField("body"),
        index.FilterField("first_published_at"),
    ]

    content_panels = [
        ContentChecksPanel(heading="Reading level and accessibility"),
        *Page.content_panels,
        FieldPanel("summary"),
        MultiFieldPanel([FieldPanel("hero_image"), FieldPanel("hero_image_alt")], heading="Hero"),
        FieldPanel("body"),
    ]
    review_panels = [
        FieldRowPanel([FieldPanel("author"), FieldPanel("reviewer")]),
        FieldPanel("last_reviewed"),
        NextReviewPanel(heading="Next review"),
        FieldPanel("conditions", widget=forms.CheckboxSelectMultiple),
        FieldPanel("treatments", widget=forms.CheckboxSelectMultiple),
    ]
    promote_panels = Page.promote_panels + [FieldPanel("social_image")]

    api_fields = [
        APIField("summary"),
        APIField("hero_image", serializer=fields.ImageField(alt_source="hero_image_alt")),
        APIField("author", serializer=article_fields.ClinicianField()),
        APIField("reviewer", serializer=article_fields.ClinicianField()),
        APIField("last_reviewed"),
        APIField("conditions", serializer=article_fields.ConditionsField()),
        APIField("treatments", serializer=article_fields.TreatmentsField()),
        APIField("reading_time"),
        APIField("readability", serializer=article_fields.ReadabilityField()),
        APIField(
            "table_of_contents", serializer=article_fields.TableOfContentsField(source="body")
        ),
        APIField("body", serializer=fields.StreamField()),
        APIField("related_articles", serializer=article_fields.RelatedArticlesField()),
        APIField("social_image", serializer=fields.ImageField()),
        APIField("structured_data", serializer=article_fields.StructuredDataField()),
    ]
    api_listing_fields = [
        "summary",
        "hero_image",
        "author",
        "conditions",
        "reading_time",
        "last_reviewed",
    ]

    edit_handler = TabbedInterface(
        [
            ObjectList(content_panels, heading="Content"),
            ObjectList(review_panels, heading="Medical review"),
            ObjectList(promote_panels, heading="Promote"),
            ObjectList(Page.settings_panels, heading="Settings"),
        ]
    )

    base_form_class = ArticlePageForm

    @classmethod
    def api_queryset(cls, queryset, detail=False):
        """What the API needs of each article, fetched with the articles themselves."""
        # The images (the page's, its clinicians' photos) are loaded by id with the body's and
        # the other pages', once each, in one query (References.load): read along, their
        # columns would more than double what the query selects and Django compiles, and a
        # listing would make an image object per card for the same few images.
        queryset = queryset.select_related(*CLINICIANS).defer(
            *UNSERVED_PAGE_FIELDS, *unserved_clinician_fields()
        )
        if detail:
            # Conditions are fetched together with the related articles' (prepare_api_detail).
            return queryset.prefetch_related(served_terms("treatments"))
        # A card needs no body: decoding 50 bodies would cost more than the whole query.
        queryset = queryset.defer_streamfields().prefetch_related(served_terms("conditions"))
        return queryset.order_by("-first_published_at", "-pk")  # newest first

    def prepare_api_detail(self, public, preview=False):
        """Find the related articles among the pages ``public`` lets through, in the article's
        language, and fetch all their conditions.

        A preview's conditions live in the unsaved draft, not in the database.
        """
        if preview:
            conditions = [condition.translation_key for condition in self.conditions.all()]
        else:
            conditions = Condition.objects.filter(articles=self.pk, live=True).values(
                "translation_key"
            )
        # In the article's language, sharing a condition or a translation of one. The three
        # are chosen among the pages, newest first by their index, asking each whether it
        # shares one (EXISTS): the database stops after three, however large the library.
        sharing = ArticlePage.conditions.through.objects.filter(
            articlepage_id=OuterRef("pk"), condition__translation_key__in=conditions
        )
        newest = (
            public(Page.objects.filter(Exists(sharing)))
            # Compared as an expression, the locale does not lead SQLite to read every page in
            # the language by its index and sort them all.
            .alias(language=F("locale_id") + 0)
            .filter(language=self.locale_id)
            .exclude(pk=self.pk)
            .order_by("-first_published_at", "-pk")
            .values("pk")[:3]
        )
        # The three come back unordered and are sorted here: an ORDER BY on a query of this
        # many columns makes Django hash every column it selects while compiling it. Each is
        # shown as a card: with the clinicians a card shows, read along.
        self.related_articles = newest_first(
            unordered(ArticlePage.objects.filter(pk__in=newest))
            .defer_streamfields()
            .defer(*UNSERVED_PAGE_FIELDS, *unserved_clinician_fields(CARD_CLINICIANS))
            .select_related(*CARD_CLINICIANS)
        )
        # One query for every article's conditions; a preview already holds its own.
        prefetch_related_objects(
            self.related_articles if preview else [self, *self.related_articles],
            served_terms("conditions"),
        )

    def collect_api_references(self, references, detail, clinicians=CLINICIANS):
        """What the article's answer shows; ``clinicians`` are those it shows (a related
        article's card: :data:`CARD_CLINICIANS`), the others are not read at all."""
        references.add_image_of(self, "hero_image")
        references.add_image_of(self, "social_image")
        references.add_translations(self)
        for clinician in (getattr(self, name) for name in clinicians):
            if clinician:
                references.add_image_of(clinician, "photo")
                references.add_translatable(clinician, self.locale_id)
        for term in (*self.conditions.all(), *(self.treatments.all() if detail else ())):
            references.add_translatable(term, self.locale_id)
        if detail:
            references.add_stream(self.body)
            for article in getattr(self, "related_articles", ()):
                article.collect_api_references(references, detail=False, clinicians=CARD_CLINICIANS)

    def save(self, *args, **kwargs):
        self.compute_content_checks()
        return super().save(*args, **kwargs)

    def save_revision(self, *args, **kwargs):
        # A revision stores the page's fields as they are now: compute first, so a draft's
        # revision (and the preview and the API once it is published) carries its own figures.
        self.compute_content_checks()
        return super().save_revision(*args, **kwargs)

    def update_page_preview(self, token):
        # A preview shows unsaved changes: their grades, not those of the last save.
        self.compute_content_checks()
        return super().update_page_preview(token)

    def compute_content_checks(self):
        """Work out what is stored about the body: reading time, grades, accessibility."""
        self.reading_time = self.compute_reading_time()
        self.readability = readability.readability(self.body, self.language_code())
        self.accessibility_problems = [
            problem.as_dict() for problem in accessibility.page_problems(self)
        ]

    def language_code(self):
        """The article's language; before its first save, the one it will get (its parent's)."""
        if self.locale_id is None:
            try:
                return self.get_default_locale().language_code
            except Exception:  # not placed in the tree yet
                return Locale.get_default().language_code
        return self.locale.language_code

    @property
    def reading_formula(self):
        return (self.readability or {}).get("formula") or readability.formula_for(
            self.language_code()
        )

    def target_reading_grade(self):
        """The target of the article's readability formula on its site (``ClinicSettings``):
        a US grade for English, a reading ease for Spanish."""
        site = self.get_site()
        if site is None:
            return ClinicSettings.default_target(self.reading_formula)
        return ClinicSettings.for_site(site).target_for(self.reading_formula)

    @property
    def next_review_date(self):
        """The date the medical review must be renewed by; None if never reviewed."""
        if self.last_reviewed is None:
            return None
        return self.last_reviewed + medical_review_interval()

    @property
    def review_is_due(self):
        """Never reviewed, or reviewed longer ago than the review interval."""
        due = self.next_review_date
        return due is None or due < timezone.localdate()

    def permissions_for_user(self, user):
        return ArticlePermissionTester(user, self)

    def compute_reading_time(self):
        # The body's text as the search index reads it: rich text with a space between block
        # elements, headings, captions; not the choices of a block (a heading's level).
        texts = self.body.stream_block.get_searchable_content(self.body)
        words = sum(len(text.split()) for text in texts)
        return max(1, math.ceil(words / WORDS_PER_MINUTE))


CARD_CLINICIANS = tuple(name for name in CLINICIANS if name in ArticlePage.api_listing_fields)
"""The clinicians an article's card shows: a related article, always shown as a card, is read
with these alone (``prepare_api_detail``)."""


class MedicalReviewTask(AbstractGroupApprovalTask):
    """A workflow step approved by a medical reviewer, who is then recorded on an article.

    Approving stamps the approver's clinician as the article's reviewer and today as its
    ``last_reviewed`` date in a new revision, which is the one the workflow goes on to publish.
    """

    refuse_approval_above_target = models.BooleanField(
        "Refuse approval above the target reading grade",
        default=False,
        help_text="Off: reviewers see a warning when an article reads above the site's target "
        "grade, and may still approve it. On: they must ask for changes until it does not.",
    )

    admin_form_fields = AbstractGroupApprovalTask.admin_form_fields + [
        "refuse_approval_above_target"
    ]

    def get_actions(self, obj, user):
        actions = super().get_actions(obj, user)
        if self.refuse_approval_above_target and self.reads_above_target(obj):
            return [action for action in actions if action[0] != "approve"]
        return actions

    @staticmethod
    def reads_above_target(obj):
        """Whether the article's latest revision reads above its site's target grade."""
        page = getattr(obj, "specific", obj)  # a page, or a snippet
        if not isinstance(page, ArticlePage):
            return False
        article = page.get_latest_revision_as_object()
        return readability.is_above(
            article.readability.get("grade_level"),
            page.target_reading_grade(),
            article.readability.get("formula", readability.FORMULA),
        )

    @transaction.atomic
    def on_action(self, task_state, user, action_name, **kwargs):
        if action_name == "approve":
            self.record_review(task_state, user)
        return super().on_action(task_state, user, action_name, **kwargs)

    @staticmethod
    def record_review(task_state, user):
        """Record ``user``'s clinician as the reviewer of the article under review, dated today.

        Saves a new revision on top of the latest one, since that is the revision the workflow
        publishes, and moves ``task_state`` onto it so the approval stands for what goes live.
        When the approver has no clinician profile, or what is reviewed is not an article (a
        clinician, condition or treatment has no reviewer of its own: the task state's approval,
        who and when, is its record), records no review and only moves ``task_state`` onto the
        latest revision. Returns the new revision, or None.
        """
        obj = task_state.workflow_state.content_object
        page = getattr(obj, "specific", obj)
        is_article = isinstance(page, ArticlePage)
        clinician = Clinician.objects.filter(user=user).first() if user and is_article else None
        if clinician is None:
            # The approval still stands for the revision that goes live, which is the latest
            # (the workflow publishes it), even if someone saved one after the task started.
            task_state.revision = page.get_latest_revision()
            task_state.save(update_fields=["revision"])
            return None

        article = page.get_latest_revision_as_object()
        article.reviewer = clinician
        article.last_reviewed = timezone.localdate()
        # The content was validated when it was saved; recording the review must not fail on it.
        revision = article.save_revision(user=user, log_action=REVIEW_LOG_ACTION, clean=False)
        task_state.revision = revision
        task_state.save(update_fields=["revision"])
        return revision

    @classmethod
    def get_description(cls):
        return (
            "Members of the chosen groups approve articles, clinicians, conditions and "
            "treatments; the approver's clinician profile is recorded as an article's medical "
            "reviewer."
        )

    class Meta:
        verbose_name = "medical review task"
        verbose_name_plural = "medical review tasks"
