"""Article pages and the taxonomy they are filed under."""

import math

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.utils.html import strip_tags
from modelcluster.fields import ParentalManyToManyField
from wagtail.admin.panels import (
    FieldPanel,
    FieldRowPanel,
    MultiFieldPanel,
    ObjectList,
    TabbedInterface,
)
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Page
from wagtail.search import index

from .blocks import RICH_TEXT_FEATURES, ArticleBodyBlock

WORDS_PER_MINUTE = 220


class Clinician(index.Indexed, models.Model):
    """A person who writes or medically reviews articles."""

    name = models.CharField(max_length=120)
    credentials = models.CharField(max_length=80, blank=True, help_text="e.g. MD, PhD, FRCA")
    specialty = models.CharField(max_length=120, blank=True, help_text="e.g. Pain medicine")
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
    profile_url = models.URLField("Profile link", blank=True)
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
        FieldPanel("specialty"),
        FieldPanel("photo"),
        FieldPanel("bio"),
        FieldRowPanel([FieldPanel("npi"), FieldPanel("profile_url")]),
        FieldPanel("user"),
    ]
    search_fields = [index.SearchField("name"), index.AutocompleteField("name")]

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return f"{self.name}, {self.credentials}" if self.credentials else self.name


class TaxonomyTerm(models.Model):
    name = models.CharField(max_length=120, unique=True)
    slug = models.SlugField(max_length=120, unique=True)
    description = models.TextField(blank=True, max_length=500)

    panels = [FieldPanel("name"), FieldPanel("slug"), FieldPanel("description")]

    class Meta:
        abstract = True
        ordering = ["name"]

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


class ArticleIndexPage(Page):
    template = "headless_page.html"

    intro = RichTextField(blank=True, features=RICH_TEXT_FEATURES)

    content_panels = Page.content_panels + [FieldPanel("intro")]
    parent_page_types = ["home.HomePage"]
    subpage_types = ["articles.ArticlePage"]
    max_count_per_parent = 1


class ArticlePage(Page):
    template = "headless_page.html"

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

    parent_page_types = ["articles.ArticleIndexPage"]
    subpage_types = []

    search_fields = Page.search_fields + [
        index.SearchField("summary"),
        index.SearchField("body"),
        index.FilterField("first_published_at"),
    ]

    content_panels = Page.content_panels + [
        FieldPanel("summary"),
        MultiFieldPanel([FieldPanel("hero_image"), FieldPanel("hero_image_alt")], heading="Hero"),
        FieldPanel("body"),
    ]
    review_panels = [
        FieldRowPanel([FieldPanel("author"), FieldPanel("reviewer")]),
        FieldPanel("last_reviewed"),
        FieldPanel("conditions", widget=forms.CheckboxSelectMultiple),
        FieldPanel("treatments", widget=forms.CheckboxSelectMultiple),
    ]
    promote_panels = Page.promote_panels + [FieldPanel("social_image")]

    edit_handler = TabbedInterface(
        [
            ObjectList(content_panels, heading="Content"),
            ObjectList(review_panels, heading="Medical review"),
            ObjectList(promote_panels, heading="Promote"),
            ObjectList(Page.settings_panels, heading="Settings"),
        ]
    )

    def clean(self):
        super().clean()
        if self.hero_image_id and not self.hero_image_alt.strip():
            raise ValidationError({"hero_image_alt": "Describe the hero image for screen readers."})

    def save(self, *args, **kwargs):
        self.reading_time = self.compute_reading_time()
        return super().save(*args, **kwargs)

    def compute_reading_time(self):
        words = sum(len(text.split()) for text in self.body_texts())
        return max(1, math.ceil(words / WORDS_PER_MINUTE))

    def body_texts(self):
        """The readable text of every body block, for reading time and search."""
        for block in self.body:
            yield from _block_texts(block.block, block.value)


def _block_texts(block, value):
    from wagtail import blocks
    from wagtail.rich_text import RichText

    if isinstance(value, RichText):
        yield strip_tags(value.source)
    elif isinstance(value, str):
        yield value
    elif isinstance(block, blocks.StructBlock):
        for name, child in block.child_blocks.items():
            yield from _block_texts(child, value.get(name))
    elif isinstance(block, blocks.ListBlock):
        for item in value:
            yield from _block_texts(block.child_block, item)
