"""Admin panels that show what an editor cannot type in."""

from django.utils.formats import date_format
from django.utils.html import format_html
from wagtail.admin.panels import HelpPanel

from home.models import ClinicSettings

from .readability import is_above, sections_above

TARGET_GRADE_REASON = ClinicSettings._meta.get_field("target_reading_grade").help_text


class NextReviewPanel(HelpPanel):
    """When the article's medical review falls due, worked out from its last review."""

    class BoundPanel(HelpPanel.BoundPanel):
        def __init__(self, **kwargs):
            super().__init__(**kwargs)
            self.content = self.describe(self.instance)

        @staticmethod
        def describe(article):
            due = article.next_review_date
            if due is None:
                text = "not reviewed yet. Approval by a medical reviewer records the review."
            else:
                overdue = " (overdue)" if article.review_is_due else ""
                text = f"due by {date_format(due, 'DATE_FORMAT')}{overdue}."
            return format_html("<p><strong>Next review:</strong> {}</p>", text)


class ContentChecksPanel(HelpPanel):
    """The article's reading grade and accessibility problems, as of its last save.

    Shown at the top of the Content tab, so editors see it while they write and medical
    reviewers while they review; it reads what the draft stored when it was saved
    (``readability``, ``accessibility_problems``) and refreshes on every save.
    """

    def __init__(self, template="articles/panels/content_checks.html", **kwargs):
        super().__init__(template=template, **kwargs)

    class BoundPanel(HelpPanel.BoundPanel):
        def get_context_data(self, parent_context=None):
            context = super().get_context_data(parent_context)
            article = self.instance
            if article.pk is None:
                context["unsaved"] = True
                return context
            stored = article.readability or {}
            target = article.target_reading_grade()
            task = article.current_workflow_task
            context.update(
                {
                    "grade": stored.get("grade_level"),
                    "smog": stored.get("smog_index"),
                    "target": target,
                    "above": is_above(stored.get("grade_level"), target, article.reading_formula),
                    "formula": article.reading_formula,
                    "reason": TARGET_GRADE_REASON,
                    "sections": sections_above(stored, target),
                    "problems": article.accessibility_problems,
                    "refuses_approval": getattr(task, "refuse_approval_above_target", None),
                }
            )
            return context
