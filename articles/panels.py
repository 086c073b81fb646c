"""Admin panels that show what an editor cannot type in."""

from django.utils.formats import date_format
from django.utils.html import format_html
from wagtail.admin.panels import HelpPanel


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
