"""The admin's list of the clinic settings in every language, where they are translated.

Settings > Clinic settings edits a site's settings in the default language, as Wagtail's
settings always do. Translating them is wagtail-localize's, which works on snippets: this
listing is where its Translate and Sync actions are, and where a translation is edited.
A translation is only ever made from the settings of a site, never added here on its own.
"""

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
