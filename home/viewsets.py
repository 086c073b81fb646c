"""The admin's views of the clinic settings in every language, where they are translated.

Settings > Clinic settings edits a site's settings in the default language, as Wagtail's
settings always do. Translating them is wagtail-localize's, which works on snippets: the
Clinic settings by language listing is where its Translate and Sync actions are, and where a
translation is edited. A translation is only ever made from the settings of a site, never added
there on its own.
"""

from django.contrib.admin.utils import quote
from django.urls import reverse
from wagtail.admin.ui.side_panels import StatusSidePanel
from wagtail.contrib.settings.views import EditView
from wagtail.permission_policies import ModelPermissionPolicy
from wagtail.snippets.views.snippets import SnippetViewSet

from .models import ClinicSettings


class TranslateOnlyPolicy(ModelPermissionPolicy):
    """Settings in another language are translations of a site's, not new settings."""

    def user_has_permission(self, user, action):
        return action != "add" and super().user_has_permission(user, action)

    def user_has_any_permission(self, user, actions):
        return super().user_has_any_permission(user, [a for a in actions if a != "add"])


class ClinicSettingsTranslationsViewSet(SnippetViewSet):
    model = ClinicSettings
    icon = "site"
    menu_label = "Clinic settings by language"
    add_to_settings_menu = True
    url_prefix = "clinic-settings-languages"
    list_display = ["site", "locale", "clinic_name"]

    @property
    def permission_policy(self):
        return TranslateOnlyPolicy(self.model)


clinic_settings_translations = ClinicSettingsTranslationsViewSet()


class ClinicSettingsEditView(EditView):
    """Settings > Clinic settings, whose language menu opens each translation where it is edited.

    Wagtail's settings view links a translation to its own edit URL with the translation's pk
    alone, where the settings' URL takes the app, the model and the site: with a translation
    present the page answered 500 (NoReverseMatch). A translation is edited in Clinic settings
    by language, so that is where the menu goes; the status panel shows it, as on a snippet
    (Wagtail's settings view has none, so an editor never saw the translations from here).
    """

    def get_side_panels(self):
        side_panels = super().get_side_panels()
        if self.locale and not any(isinstance(p, StatusSidePanel) for p in side_panels):
            side_panels.insert(
                0,
                StatusSidePanel(
                    self.object, self.request, locale=self.locale, translations=self.translations
                ),
            )
        return side_panels

    def get_translations(self):
        edit_url_name = clinic_settings_translations.get_url_name("edit")
        return [
            {"locale": t.locale, "url": reverse(edit_url_name, args=[quote(t.pk)])}
            for t in self.object.get_translations().select_related("locale")
        ]
