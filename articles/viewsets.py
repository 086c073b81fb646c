"""The admin's viewsets of the medical snippets: clinicians, conditions, treatments."""

from wagtail.snippets.views.snippets import SnippetViewSet, SnippetViewSetGroup

from .models import Clinician, Condition, Treatment


class ClinicianViewSet(SnippetViewSet):
    model = Clinician
    icon = "user"
    list_display = ["name", "credentials", "specialty", "locale"]
    search_fields = ["name", "specialty"]


class ConditionViewSet(SnippetViewSet):
    model = Condition
    icon = "tag"
    list_display = ["name", "slug", "locale"]


class TreatmentViewSet(SnippetViewSet):
    model = Treatment
    icon = "pick"
    list_display = ["name", "slug", "locale"]


class MedicalViewSetGroup(SnippetViewSetGroup):
    menu_label = "Medical"
    menu_icon = "folder-open-inverse"
    menu_order = 200
    items = (ClinicianViewSet, ConditionViewSet, TreatmentViewSet)
