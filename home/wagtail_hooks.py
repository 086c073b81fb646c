from django.urls import path
from wagtail import hooks
from wagtail.snippets.models import register_snippet

from .viewsets import ClinicSettingsEditView, clinic_settings_translations

register_snippet(clinic_settings_translations)


# Before wagtail.contrib.settings' own URLs, so its URL for these settings opens this view.
@hooks.register("register_admin_urls", order=-1)
def register_clinic_settings_edit_url():
    return [
        path(
            "settings/home/clinicsettings/<int:pk>/",
            ClinicSettingsEditView.as_view(),
            {"app_name": "home", "model_name": "clinicsettings"},
            name="home_clinic_settings_edit",
        )
    ]
