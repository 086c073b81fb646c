"""An editor opens the clinic settings in the Wagtail admin, in every language they exist in."""

import html
import json

import pytest
from django.urls import reverse

from home.models import ClinicSettings
from tests.factories import translate

pytestmark = pytest.mark.django_db


@pytest.fixture
def translated(site):
    """The site's settings in English, and their Spanish translation."""
    clinic = ClinicSettings.for_site(site)
    clinic.clinic_name = "Pain Clinic"
    clinic.save()
    return clinic, translate(clinic, {"Pain Clinic": "Clínica del Dolor"})


def test_settings_open_with_a_translation_present(admin_client, site, translated):
    english, spanish = translated
    url = reverse("wagtailsettings:edit", args=["home", "clinicsettings", site.pk])
    response = admin_client.get(url)
    assert response.status_code == 200
    assert 'value="Pain Clinic"' in response.content.decode()


def test_settings_link_to_their_translations(admin_client, site, translated):
    english, spanish = translated
    url = reverse("wagtailsettings:edit", args=["home", "clinicsettings", site.pk])
    content = admin_client.get(url).content.decode()
    spanish_url = reverse("wagtailsnippets_home_clinicsettings:edit", args=[spanish.pk])
    assert spanish_url in content


def test_a_translation_opens_from_clinic_settings_by_language(admin_client, translated):
    english, spanish = translated
    listing = admin_client.get(reverse("wagtailsnippets_home_clinicsettings:list"))
    assert listing.status_code == 200
    url = reverse("wagtailsnippets_home_clinicsettings:edit", args=[spanish.pk])
    response = admin_client.get(url)
    assert response.status_code == 200
    # wagtail-localize's translation editor: the strings are JSON in an attribute.
    assert json.dumps("Clínica del Dolor") in html.unescape(response.content.decode())
