"""API serializer fields of articles: authors, taxonomy, contents, related articles, JSON-LD."""

from headless import schema
from headless.fields import PageListingField, ReferenceField, WholeObjectField, model_values
from headless.references import image_of, image_schema
from headless.visibility import is_live, live_only
from home.models import ClinicSettings

from .blocks import HeadingBlock, heading_anchor
from .readability import FORMULA, FORMULAS
from .structured_data import structured_data

ARTICLE_MODEL = "articles.ArticlePage"
CLINICIAN_MODEL = "articles.Clinician"
CLINICIAN_FIELDS = ("id", "name", "credentials", "specialty", "bio", "npi", "profile_url")
TERM_FIELDS = ("id", "name", "slug", "description")


class ClinicianField(ReferenceField):
    """An author or reviewer as an object, with their photo, in the page's language when the
    clinician's profile is translated into it (``locale`` says which language it is in); null
    while the profile has never been published (approved in medical review)."""

    def get_attribute(self, instance):
        return instance.locale_id, getattr(instance, self.source, None)

    def to_representation(self, value):
        locale_id, clinician = value
        clinician = self.references.localized(clinician, locale_id)
        if clinician is None:
            return None
        self.references.depend_on(clinician)  # a profile not live yet shows once published
        if not is_live(clinician):
            return None
        return {
            **model_values(clinician, CLINICIAN_FIELDS),
            "locale": self.references.locale_code(clinician.locale_id),
            "photo": self.references.image_data(image_of(clinician, "photo"), alt=clinician.name),
        }

    def api_schema(self, builder, model):
        clinician = schema.obj(
            {
                **builder.model_fields(CLINICIAN_MODEL, CLINICIAN_FIELDS),
                "locale": schema.locale(),
                "photo": {
                    **schema.nullable(image_schema(builder)),
                    "description": "The clinician's photo; its alt text is the clinician's name.",
                },
            }
        )
        return schema.nullable(builder.define("Clinician", clinician))


class TermsField(ReferenceField):
    """The article's terms of one taxonomy (``model``, a label), each with ``fields``, in the
    page's language when it is translated into it (``locale`` says which language each is in);
    published terms only (approved in medical review)."""

    def __init__(self, model, fields=TERM_FIELDS, **kwargs):
        self.model_label, self.term_fields = model, fields
        super().__init__(**kwargs)

    def get_attribute(self, instance):
        return instance.locale_id, getattr(instance, self.source)

    def to_representation(self, value):
        locale_id, manager = value
        terms = [self.references.localized(term, locale_id) for term in manager.all()]
        self.references.depend_on(*terms)  # a term not live yet shows once published
        return [
            {
                **model_values(term, self.term_fields),
                "locale": self.references.locale_code(term.locale_id),
            }
            for term in live_only(terms)
        ]

    def api_schema(self, builder, model):
        term = schema.obj(
            {**builder.model_fields(self.model_label, self.term_fields), "locale": schema.locale()}
        )
        return schema.array(builder.define(self.model_label.split(".")[1], term))


class ConditionsField(TermsField):
    def __init__(self, **kwargs):
        super().__init__("articles.Condition", **kwargs)


class TreatmentsField(TermsField):
    def __init__(self, **kwargs):
        super().__init__("articles.Treatment", (*TERM_FIELDS, "regulatory_note"), **kwargs)


class TableOfContentsField(ReferenceField):
    """The body's headings in order, with the same anchors the heading blocks carry."""

    def to_representation(self, body):
        seen = {}
        return [
            {
                "anchor": heading_anchor(child.value["text"], seen),
                "text": child.value["text"],
                "level": child.value["level"],
            }
            for child in body
            if isinstance(child.block, HeadingBlock)
        ]

    def api_schema(self, builder, model):
        level = builder.block(HeadingBlock().child_blocks["level"])
        entry = schema.obj({"anchor": schema.STRING, "text": schema.STRING, "level": level})
        return schema.array(builder.define("TocEntry", entry))


class ReadabilityField(ReferenceField):
    """How hard the article is to read, as stored when it was saved (``articles.readability``),
    against the target grade of the request's site::

        {"grade_level": 6.4, "target_grade": 8, "formula": "flesch_kincaid_grade",
         "sections": [{"anchor": "what-to-expect", "grade_level": 5.9}]}

    ``grade_level`` is the value of ``formula``: a US grade (``flesch_kincaid_grade``, lower
    is easier) for English, a reading ease (``fernandez_huerta``, 0-100, higher is easier) for
    Spanish; ``target_grade`` is the site's target in the same formula. It is null for an
    article with no text; section anchors are the table of contents' anchors of its H2 headings.
    """

    def to_representation(self, stored):
        stored = stored or {}
        request = self.context.get("request")
        formula = stored.get("formula", FORMULA)
        target = ClinicSettings.for_request(request).target_for(formula)
        return {
            "grade_level": stored.get("grade_level"),
            "target_grade": target,
            "formula": formula,
            "sections": [
                {"anchor": section["anchor"], "grade_level": section["grade_level"]}
                for section in stored.get("sections", [])
            ],
        }

    def api_schema(self, builder, model):
        grade = schema.nullable({"type": "number"})
        section = schema.obj({"anchor": schema.STRING, "grade_level": grade})
        readability = schema.obj(
            {
                "grade_level": grade,
                "target_grade": schema.INTEGER,
                "formula": schema.enum(list(dict.fromkeys(FORMULAS.values()))),
                "sections": schema.array(builder.define("ReadabilitySection", section)),
            }
        )
        return builder.define("Readability", readability)


class RelatedArticlesField(PageListingField):
    """Up to three live articles sharing a condition (found by ``prepare_api_detail``)."""

    def __init__(self, **kwargs):
        super().__init__(ARTICLE_MODEL, **kwargs)


class StructuredDataField(WholeObjectField):
    """JSON-LD objects (schema.org) a frontend puts in the page head."""

    def to_representation(self, page):
        return structured_data(
            page, self.context.get("request"), self.references.translations_data(page)
        )

    def api_schema(self, builder, model):
        # JSON-LD is schema.org's vocabulary, validated by its consumers; here only its envelope.
        return schema.array(
            {
                "type": "object",
                "required": ["@context", "@type"],
                "properties": {"@context": {"const": "https://schema.org"}, "@type": schema.STRING},
            }
        )
