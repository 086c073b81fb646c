"""The article editor's form: accessibility problems block publishing, not drafts."""

from django.contrib import messages
from wagtail.admin.forms import WagtailAdminPageForm

from . import accessibility


class ArticlePageForm(WagtailAdminPageForm):
    """Refuses accessibility problems (:mod:`articles.accessibility`) unless saving a draft.

    Wagtail defers required-field validation when an editor saves a draft
    (``is_deferred_validation``) and validates fully to publish, submit for review or approve;
    these problems follow the same line. Each is shown on the block or field it belongs to.
    """

    def clean(self):
        cleaned_data = super().clean()
        if self.is_deferred_validation or "body" not in cleaned_data:
            return cleaned_data
        found = accessibility.problems(
            cleaned_data["body"], cleaned_data.get("hero_image"), cleaned_data.get("hero_image_alt")
        )
        for problem in found:
            if problem.field != "body":
                self.add_error(problem.field, problem.message)
        if any(problem.field == "body" for problem in found):
            self.add_error("body", accessibility.body_error(cleaned_data["body"], found))
        return cleaned_data


def warn_about_problems(request, page):
    """After a draft is saved: say what still keeps it from being published.

    Not after an autosave (a JSON request): the message would wait for the next page the editor
    opens; the Content tab's panel lists the same problems.
    """
    if not request.accepts("text/html"):
        return
    found = getattr(page.specific, "accessibility_problems", None)
    if found:
        listed = "; ".join(
            f"{problem['where']}: {problem['message']}" if problem["where"] else problem["message"]
            for problem in found
        )
        messages.warning(request, f"Fix these before the article can be published: {listed}")
