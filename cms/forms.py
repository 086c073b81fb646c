"""Admin form fields that answer truncated or tampered form data with a 400, not a 500.

A StreamField posts its blocks as numbered fields beside management data (``body-count``,
``body-0-type``, a list's ``...-items-count``) that Wagtail's editor always sends. Wagtail reads
them without checking: a post without them (a script, a truncated request) failed with a
``KeyError`` deep in the block tree. :class:`StreamFormField`, given to every StreamField in
an admin form by ``cms/wagtail_hooks.py``, turns that into :class:`IncompleteFormData`, which
``cms.errors.bad_request`` answers 400 with its message.
"""

from django.core.exceptions import BadRequest
from wagtail.blocks import BlockField, BlockWidget


class IncompleteFormData(BadRequest):
    """Form data the admin's own pages always send is missing or malformed; said to the user."""


class StreamWidget(BlockWidget):
    def value_from_datadict(self, data, files, name):
        try:
            return super().value_from_datadict(data, files, name)
        except KeyError as error:
            problem = f"{error.args[0]} is missing"
        except ValueError:
            problem = "a count or index is not a number"
        raise IncompleteFormData(
            f"The form data for “{name}” is incomplete ({problem}). Reload the page and "
            "make the change again."
        )


class StreamFormField(BlockField):
    """Wagtail's StreamField form field, refusing incomplete block data with a 400."""

    def __init__(self, block=None, **kwargs):
        kwargs.setdefault("widget", StreamWidget(block))
        super().__init__(block=block, **kwargs)
