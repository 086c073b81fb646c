"""schema.org JSON-LD for an article, for the frontend to put in the page head.

:func:`structured_data` gives a list of objects, each one ``<script type="application/ld+json">``:

- a ``MedicalWebPage`` for the article: its dates, ``lastReviewed``, ``author`` and
  ``reviewedBy``, the conditions it is ``about``, the treatments it ``mentions``, the works it
  cites (``citation``) and the clinic as ``publisher`` (a ``MedicalClinic`` from the clinic
  settings of the article's site);
- a ``FAQPage`` when the body has accordions, each item a ``Question`` answered in plain text.

Both say their language (``inLanguage``); the ``MedicalWebPage`` names its versions in other
languages by URL: the default language's as ``translationOfWork``, the others as
``workTranslation``.

Every URL is absolute, on the frontend visitors use (``FRONTEND_URL``). A clinician is a ``Physician`` when their credentials include a medical
degree (MD, DO, or the UK's MBBS/MBChB), otherwise a ``Person``.
"""

import functools
import html
import re

from django.conf import settings
from django.utils.html import strip_tags
from wagtail.coreutils import get_supported_content_language_variant
from wagtail.models import Site
from wagtail.rich_text import RichText

from headless.fields import field_value
from headless.frontend import frontend_root_url
from headless.references import absolute_url, locale_code
from headless.visibility import is_live, live_only
from home.models import ClinicSettings

from .blocks import citation_link

SCHEMA_ORG = "https://schema.org"
MEDICAL_DEGREES = {"MD", "DO", "MBBS", "MBCHB"}
"""Credentials that make a clinician a schema.org ``Physician`` (compared without dots/case)."""

_BLOCK_END = re.compile(r"<br\s*/?>|</(?:p|li|h[1-6]|blockquote|div)>", re.IGNORECASE)


def structured_data(page, request=None, translations=()):
    """The JSON-LD objects describing ``page``, an :class:`~articles.models.ArticlePage`;
    ``translations`` are its ``meta.translations``."""
    # With a request, the site and its settings come from the request's own cache: no queries.
    site = Site.find_for_request(request) if request is not None else page.get_site()
    url = absolute_url(page.get_full_url(request) or page.url_path)
    publisher = clinic(site, request) if site else None
    language = locale_code(page.locale_id) if page.locale_id else None
    objects = [medical_web_page(page, url, publisher, language, translations)]
    questions = faq_questions(page)
    if questions:
        objects.append(
            _without_empty(
                {
                    "@context": SCHEMA_ORG,
                    "@type": "FAQPage",
                    "url": url,
                    "inLanguage": language,
                    "mainEntity": questions,
                }
            )
        )
    return objects


def _version(translation):
    return {
        "@type": "MedicalWebPage",
        "@id": translation["url"],
        "url": translation["url"],
        "inLanguage": translation["locale"],
    }


def medical_web_page(page, url, publisher, language=None, translations=()):
    default = get_supported_content_language_variant(settings.LANGUAGE_CODE)
    versions = [t for t in translations if t["url"]]
    published = page.first_published_at
    modified = page.last_published_at or page.latest_revision_created_at
    data = {
        "@context": SCHEMA_ORG,
        "@type": "MedicalWebPage",
        "@id": url,
        "url": url,
        "name": page.seo_title or page.title,
        "description": page.search_description or page.summary,
        "datePublished": published.isoformat() if published else None,
        "dateModified": modified.isoformat() if modified else None,
        "lastReviewed": page.last_reviewed.isoformat() if page.last_reviewed else None,
        "author": clinician(page.author),
        "reviewedBy": clinician(page.reviewer),
        "about": [
            {"@type": "MedicalCondition", "name": condition.name}
            for condition in live_only(page.conditions.all())
        ],
        "mentions": [
            {"@type": "MedicalTherapy", "name": treatment.name}
            for treatment in live_only(page.treatments.all())
        ],
        "citation": citations(page),
        "publisher": publisher,
        "inLanguage": language,
        "translationOfWork": next(
            (_version(t) for t in versions if t["locale"] == default and language != default),
            None,
        ),
        "workTranslation": [
            _version(t) for t in versions if t["locale"] != default or language == default
        ],
    }
    return _without_empty(data)


def clinician(person):
    """A clinician as a schema.org ``Physician`` or ``Person``, with their credentials; None
    while their profile has never been published."""
    if not is_live(person):
        return None
    credentials = [c for c in re.split(r"[,;/\s]+", person.credentials) if c]
    is_physician = any(c.replace(".", "").upper() in MEDICAL_DEGREES for c in credentials)
    data = {
        "@type": "Physician" if is_physician else "Person",
        "name": person.name,
        "url": field_value(person, "profile_url"),  # null when the URL rule refuses it
        "hasCredential": [
            {"@type": "EducationalOccupationalCredential", "name": credential}
            for credential in credentials
        ],
    }
    if is_physician:
        # An enumeration member, as schema.org and search engines want; the editor's words
        # stay in the description.
        if person.medical_specialty:
            data["medicalSpecialty"] = f"https://schema.org/{person.medical_specialty}"
        data["description"] = person.specialty
        data["usNPI"] = person.npi
    else:
        data["honorificSuffix"] = person.credentials
        data["jobTitle"] = person.specialty
    return _without_empty(data)


def clinic(site, request=None):
    """The clinic from the site's clinic settings, as the ``MedicalClinic`` that publishes."""
    if request is not None:
        clinic_settings = ClinicSettings.for_request(request)
    else:
        clinic_settings = ClinicSettings.for_site(site)
    home_url = absolute_url(frontend_root_url(site.root_url) + "/")
    return _without_empty(
        {
            "@type": "MedicalClinic",
            "@id": f"{home_url}#clinic",
            "name": clinic_settings.clinic_name,
            "url": home_url,
            "telephone": clinic_settings.phone,
            "email": clinic_settings.email,
            "address": ", ".join(
                line.strip().rstrip(",")
                for line in clinic_settings.address.splitlines()
                if line.strip()
            ),
        }
    )


def citations(page):
    """The references blocks' citations as ``CreativeWork``s, DOIs and PMIDs as resolver URLs."""
    works = []
    for block in page.body:
        if block.block_type != "references":
            continue
        for citation in block.value:
            url, identifier = citation_link(citation)
            works.append(
                _without_empty(
                    {
                        "@type": "CreativeWork",
                        "name": citation.get("text"),
                        "publisher": citation.get("publisher"),
                        "datePublished": str(citation["year"]) if citation.get("year") else None,
                        "url": url,
                        "identifier": identifier
                        and {
                            "@type": "PropertyValue",
                            "propertyID": identifier[0],
                            "value": identifier[1],
                        },
                    }
                )
            )
    return works


def faq_questions(page):
    """Every accordion item in the body as a ``Question`` with a plain-text answer."""
    return [
        {
            "@type": "Question",
            "name": item["title"],
            "acceptedAnswer": {"@type": "Answer", "text": plain_text(item["body"])},
        }
        for block in page.body
        if block.block_type == "accordion"
        for item in block.value["items"]
    ]


def plain_text(value):
    """Rich text as plain text: tags dropped, entities decoded, one line per paragraph."""
    source = value.source if isinstance(value, RichText) else str(value or "")
    return _remembered_plain_text(source) if len(source) <= 8192 else _plain_text(source)


@functools.lru_cache(maxsize=1024)
def _remembered_plain_text(source):
    """:func:`plain_text` of stored HTML up to 8 KB, remembered per process (Django's
    ``strip_tags`` parses it in Python, and an accordion's answers come back unchanged with each
    answer rendered): at most 1,024 of them."""
    return _plain_text(source)


def _plain_text(source):
    text = html.unescape(strip_tags(_BLOCK_END.sub("\n", source)))
    lines = (" ".join(line.split()) for line in text.splitlines())
    return "\n".join(line for line in lines if line)


def _without_empty(data):
    return {key: value for key, value in data.items() if value not in (None, "", [])}
