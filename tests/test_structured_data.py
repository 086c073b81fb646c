"""The schema.org JSON-LD search engines get for an article."""

import json
from datetime import date
from urllib.parse import urlparse

import pytest

from articles.structured_data import structured_data
from home.models import ClinicSettings
from tests.factories import (
    ArticlePageFactory,
    ClinicianFactory,
    ConditionFactory,
    TreatmentFactory,
)

ANSWER = (
    "<p>Often within <b>a week</b> &amp; sometimes sooner.</p>"
    '<p>See <a href="https://example.org/x">the leaflet</a>.</p>'
)
ACCORDION = {
    "type": "accordion",
    "value": {
        "title": "Questions people ask",
        "open_first": False,
        "items": [
            {"title": "How soon does it help?", "body": ANSWER},
            {"title": "Is it safe?", "body": "<ul><li>Mostly</li><li>Ask us</li></ul>"},
        ],
    },
}
REFERENCES = {
    "type": "references",
    "value": [
        {"text": "Trial A", "doi": "10.1000/trial.42"},
        {"text": "Review B", "pmid": "31234567", "year": 2019},
        {"text": "Guideline C", "url": "https://guidelines.example/c"},
    ],
}
PARAGRAPH = {"type": "paragraph", "value": "<p>Nerve pain has many causes.</p>"}


@pytest.fixture
def clinic(site):
    return ClinicSettings.objects.create(
        site=site,
        clinic_name="Riverside Pain Clinic",
        phone="+1 555 0100",
        email="hello@riverside.example",
        address="1 River Road\nSpringfield",
    )


def article(index, body, **kwargs):
    page = ArticlePageFactory(
        parent=index,
        title="Living with nerve pain",
        summary="How nerve pain is assessed and treated.",
        body=json.dumps(body),
        live=False,
        **kwargs,
    )
    page.save_revision().publish()
    page.refresh_from_db()
    return page


def by_type(objects):
    return {obj["@type"]: obj for obj in objects}


def urls_in(value, key=None):
    """Every string in the JSON-LD that is, or is meant to be, a URL."""
    if isinstance(value, dict):
        for k, v in value.items():
            yield from urls_in(v, k)
    elif isinstance(value, list):
        for v in value:
            yield from urls_in(v, key)
    elif isinstance(value, str) and (
        key in {"url", "@id", "@context", "sameAs"} or value.startswith(("/", "http"))
    ):
        yield value


def assert_urls_absolute(objects):
    urls = list(urls_in(objects))
    assert urls
    for url in urls:
        parsed = urlparse(url)
        assert parsed.scheme in {"http", "https"} and parsed.netloc, url


def test_an_article_with_accordions(article_index, clinic):
    author = ClinicianFactory(
        name="Dr Ana Ortiz",
        credentials="M.D., FRCA",
        npi="1234567890",
        medical_specialty="Anesthesia",
    )
    reviewer = ClinicianFactory(name="Sam Lee", credentials="PhD, RN", specialty="Pharmacology")
    page = article(
        article_index,
        [PARAGRAPH, ACCORDION, REFERENCES],
        author=author,
        reviewer=reviewer,
        last_reviewed=date(2025, 3, 1),
    )
    page.conditions.set([ConditionFactory(name="Neuropathic pain")])
    page.treatments.set([TreatmentFactory(name="Ketamine infusion")])

    objects = structured_data(page)

    json.dumps(objects)  # what the API sends must serialise
    assert [obj["@type"] for obj in objects] == ["MedicalWebPage", "FAQPage"]
    assert all(obj["@context"] == "https://schema.org" for obj in objects)
    assert_urls_absolute(objects)

    web_page = by_type(objects)["MedicalWebPage"]
    assert web_page["name"] == "Living with nerve pain"
    assert web_page["description"] == "How nerve pain is assessed and treated."
    assert web_page["url"] == page.get_full_url()
    assert web_page["datePublished"] == page.first_published_at.isoformat()
    assert web_page["dateModified"] == page.last_published_at.isoformat()
    assert web_page["lastReviewed"] == "2025-03-01"
    assert web_page["author"] == {
        "@type": "Physician",
        "name": "Dr Ana Ortiz",
        "hasCredential": [
            {"@type": "EducationalOccupationalCredential", "name": "M.D."},
            {"@type": "EducationalOccupationalCredential", "name": "FRCA"},
        ],
        "medicalSpecialty": "https://schema.org/Anesthesia",
        "description": "Pain medicine",
        "usNPI": "1234567890",
    }
    assert web_page["reviewedBy"]["@type"] == "Person"
    assert web_page["reviewedBy"]["honorificSuffix"] == "PhD, RN"
    assert web_page["about"] == [{"@type": "MedicalCondition", "name": "Neuropathic pain"}]
    assert web_page["mentions"] == [{"@type": "MedicalTherapy", "name": "Ketamine infusion"}]
    assert [work["url"] for work in web_page["citation"]] == [
        "https://doi.org/10.1000/trial.42",
        "https://pubmed.ncbi.nlm.nih.gov/31234567/",
        "https://guidelines.example/c",
    ]
    assert web_page["citation"][0]["identifier"]["propertyID"] == "DOI"

    publisher = web_page["publisher"]
    assert publisher["@type"] == "MedicalClinic"
    assert publisher["name"] == "Riverside Pain Clinic"
    assert publisher["telephone"] == "+1 555 0100"
    assert publisher["address"] == "1 River Road, Springfield"

    faq = by_type(objects)["FAQPage"]
    assert faq["mainEntity"] == [
        {
            "@type": "Question",
            "name": "How soon does it help?",
            "acceptedAnswer": {
                "@type": "Answer",
                "text": "Often within a week & sometimes sooner.\nSee the leaflet.",
            },
        },
        {
            "@type": "Question",
            "name": "Is it safe?",
            "acceptedAnswer": {"@type": "Answer", "text": "Mostly\nAsk us"},
        },
    ]


def test_an_article_without_accordions(article_index, rf):
    page = article(article_index, [PARAGRAPH])

    objects = structured_data(page, rf.get("/", HTTP_HOST="localhost"))

    assert [obj["@type"] for obj in objects] == ["MedicalWebPage"]
    assert_urls_absolute(objects)
    web_page = objects[0]
    for required in ("name", "description", "url", "datePublished", "dateModified", "author"):
        assert web_page[required]
    # Nothing is claimed that the article does not have.
    for absent in ("reviewedBy", "lastReviewed", "about", "mentions", "citation"):
        assert absent not in web_page
    # Without clinic settings, the clinic still publishes under its default name.
    assert web_page["publisher"]["@type"] == "MedicalClinic"
    assert web_page["publisher"]["name"] == ClinicSettings._meta.get_field("clinic_name").default


@pytest.mark.parametrize(
    ("credentials", "schema_type"),
    [("MD", "Physician"), ("DO", "Physician"), ("MBBS, FRCA", "Physician"), ("PhD", "Person")],
)
def test_physicians_are_told_apart_from_other_clinicians(article_index, credentials, schema_type):
    page = article(article_index, [], author=ClinicianFactory(credentials=credentials))

    assert structured_data(page)[0]["author"]["@type"] == schema_type


def test_a_specialty_not_chosen_from_schema_org_is_no_medical_specialty(article_index):
    """Search engines drop free text in medicalSpecialty: only an enumeration member goes
    there; the editor's words are the description."""
    author = structured_data(article(article_index, [], author=ClinicianFactory()))[0]["author"]
    assert "medicalSpecialty" not in author
    assert author["description"] == "Pain medicine"
