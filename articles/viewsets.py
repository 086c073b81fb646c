"""The admin's viewsets of the medical snippets: clinicians, conditions, treatments.

Each is reviewed (``articles.models.ReviewedSnippet``), so each also answers "what was live at
T": **As published on…** in the edit view's header menu opens its publication history
(:mod:`articles.as_published`).
"""

from django.urls import path, reverse
from django.utils.functional import cached_property
from wagtail.admin.widgets.button import Button
from wagtail.snippets.views.snippets import EditView, SnippetViewSet, SnippetViewSetGroup

from .as_published import SnippetAsPublishedView, SnippetPublicationHistoryView
from .models import Clinician, Condition, Treatment


class ReviewedSnippetEditView(EditView):
    publication_history_url_name = None

    @cached_property
    def header_more_buttons(self):
        buttons = super().header_more_buttons
        url = reverse(self.publication_history_url_name, args=[self.object.pk])
        buttons.append(Button("As published on…", url=url, icon_name="history", priority=60))
        return buttons


class ReviewedSnippetViewSet(SnippetViewSet):
    """A snippet viewset with the publication history views beside Wagtail's own."""

    edit_view_class = ReviewedSnippetEditView

    def get_edit_view_kwargs(self, **kwargs):
        return super().get_edit_view_kwargs(
            publication_history_url_name=self.get_url_name("publication_history"), **kwargs
        )

    def _as_published_kwargs(self):
        return {
            "model": self.model,
            "permission_policy": self.permission_policy,
            "history_url_name": self.get_url_name("publication_history"),
            "as_published_url_name": self.get_url_name("as_published"),
        }

    @property
    def publication_history_view(self):
        return SnippetPublicationHistoryView.as_view(**self._as_published_kwargs())

    @property
    def as_published_view(self):
        return SnippetAsPublishedView.as_view(
            index_url_name=self.get_url_name("list"),
            edit_url_name=self.get_url_name("edit"),
            fields=self.as_published_fields,
            **self._as_published_kwargs(),
        )

    @cached_property
    def as_published_fields(self):
        """The fields an editor edits, in the edit form's order."""
        return list(self.get_form_class().base_fields)

    def get_urlpatterns(self):
        conv = self.pk_path_converter
        return super().get_urlpatterns() + [
            path(
                f"publication-history/<{conv}:pk>/",
                self.publication_history_view,
                name="publication_history",
            ),
            path(f"as-published/<{conv}:pk>/", self.as_published_view, name="as_published"),
        ]


class ClinicianViewSet(ReviewedSnippetViewSet):
    model = Clinician
    icon = "user"
    list_display = ["name", "credentials", "specialty", "locale"]
    search_fields = ["name", "specialty"]


class ConditionViewSet(ReviewedSnippetViewSet):
    model = Condition
    icon = "tag"
    list_display = ["name", "slug", "locale"]


class TreatmentViewSet(ReviewedSnippetViewSet):
    model = Treatment
    icon = "pick"
    list_display = ["name", "slug", "locale"]


class MedicalViewSetGroup(SnippetViewSetGroup):
    menu_label = "Medical"
    menu_icon = "folder-open-inverse"
    menu_order = 200
    items = (ClinicianViewSet, ConditionViewSet, TreatmentViewSet)
