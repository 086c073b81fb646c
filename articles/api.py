"""How articles, their authors and taxonomy appear in the API."""

from cms.api_fields import ReferenceField


class ClinicianField(ReferenceField):
    """An author or reviewer as an object, with their photo."""

    def get_attribute(self, instance):
        return getattr(instance, self.source, None)

    def to_representation(self, clinician):
        if clinician is None:
            return None
        return {
            "id": clinician.pk,
            "name": clinician.name,
            "credentials": clinician.credentials,
            "specialty": clinician.specialty,
            "bio": clinician.bio,
            "npi": clinician.npi or None,
            "profile_url": clinician.profile_url or None,
            "photo": self.references.image_data(clinician.photo),
        }


class ConditionsField(ReferenceField):
    def to_representation(self, manager):
        return [
            {"id": term.pk, "name": term.name, "slug": term.slug, "description": term.description}
            for term in manager.all()
        ]


class TreatmentsField(ReferenceField):
    def to_representation(self, manager):
        return [
            {
                "id": term.pk,
                "name": term.name,
                "slug": term.slug,
                "description": term.description,
                "regulatory_note": term.regulatory_note or None,
            }
            for term in manager.all()
        ]


class TableOfContentsField(ReferenceField):
    """The body's headings in order, with the same anchors the heading blocks carry."""

    def to_representation(self, body):
        from .blocks import HeadingBlock, heading_anchor

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


class ArticleListingField(ReferenceField):
    """Articles as the same items the article listing gives."""

    def to_representation(self, articles):
        from .models import ArticlePage

        serializer_class = self.context["view"].listing_serializer_class(ArticlePage)
        return serializer_class(articles, many=True, context=self.context).data


class RelatedArticlesField(ArticleListingField):
    """Up to three live articles sharing a condition."""

    def get_attribute(self, instance):
        return getattr(instance, "related_articles", [])


class StructuredDataField(ReferenceField):
    """JSON-LD objects (schema.org) a frontend puts in the page head."""

    def get_attribute(self, instance):
        return instance

    def to_representation(self, page):
        from .structured_data import structured_data

        return structured_data(page, self.context.get("request"))
