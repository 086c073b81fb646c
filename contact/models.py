"""The contact form page: editors build the form, patients submit it through the JSON API."""

from django.conf import settings
from django.db import models, transaction
from django.http import HttpResponseNotAllowed
from django.urls import reverse
from django.utils.module_loading import import_string
from modelcluster.fields import ParentalKey
from wagtail.admin.mail import send_mail
from wagtail.admin.panels import (
    FieldPanel,
    FieldRowPanel,
    InlinePanel,
    MultiFieldPanel,
)
from wagtail.api import APIField
from wagtail.contrib.forms.forms import FormBuilder
from wagtail.contrib.forms.models import (
    AbstractEmailForm,
    AbstractFormField,
    AbstractFormSubmission,
)
from wagtail.contrib.forms.panels import FormSubmissionsPanel
from wagtail.fields import RichTextField

from headless import fields as headless_fields
from headless.blocks import RICH_TEXT_FEATURES
from headless.fields import field_value
from headless.pages import FrontendUrlMixin, HeadlessApiMixin
from headless.safe_urls import validate_rich_text_links

from . import fields
from .access_log import LoggedDeletionQuerySet
from .encryption import EncryptedJSONField

MULTILINE_MAX_LENGTH = 4000
MULTIPLE_VALUE_TYPES = {"checkboxes", "multiselect"}


class ContactFormBuilder(FormBuilder):
    """Wagtail's form builder with a length limit on multi-line answers too."""

    def create_multiline_field(self, field, options):
        options["max_length"] = MULTILINE_MAX_LENGTH
        return super().create_multiline_field(field, options)


class FormField(AbstractFormField):
    page = ParentalKey("ContactPage", on_delete=models.CASCADE, related_name="form_fields")


class ContactSubmission(AbstractFormSubmission):
    """One submission to a contact form, its answers encrypted at rest.

    Answers carry health information: ``form_data`` is stored as a Fernet token (see
    ``contact.encryption``) and ``__str__`` never shows it, so it cannot reach a log by accident.
    """

    form_data = EncryptedJSONField()

    # Deleting submissions, in the admin or by purge_form_submissions, is logged.
    objects = LoggedDeletionQuerySet.as_manager()

    class Meta:
        verbose_name = "contact form submission"
        indexes = [models.Index(fields=["submit_time"])]

    def __str__(self):
        return f"Submission {self.pk} to form page {self.page_id}"


class ContactPage(FrontendUrlMixin, HeadlessApiMixin, AbstractEmailForm):
    """A form that editors build from fields and a frontend renders from the page's API detail.

    Submissions arrive as JSON at ``submit_path`` (``contact.views.submit``), not through the
    page's own URL. The notification email names the form and links to the admin listing;
    it never carries the answers.
    """

    template = "headless_page.html"
    # Visitors write about their health here: frontends keep third-party tracking off
    # (meta.collects_health_information; docs/contact-form.md).
    collects_health_information = True
    landing_page_template = "headless_page.html"
    form_builder = ContactFormBuilder

    intro = RichTextField(
        blank=True,
        max_length=1000,
        features=RICH_TEXT_FEATURES,
        validators=[validate_rich_text_links],
        help_text="Shown above the form, e.g. when to expect a reply.",
    )
    success_message = models.CharField(
        max_length=300,
        default="Thanks for getting in touch. We have your message and will reply soon.",
        help_text="Shown once a submission has been received.",
    )
    error_message = models.CharField(
        max_length=300,
        default="Your message could not be sent. Please check the fields below and try again.",
        help_text="Shown above the field errors when a submission is refused.",
    )

    content_panels = AbstractEmailForm.content_panels + [
        FormSubmissionsPanel(),
        FieldPanel("intro"),
        InlinePanel("form_fields", label="Form fields"),
        MultiFieldPanel(
            [FieldPanel("success_message"), FieldPanel("error_message")], heading="Messages"
        ),
        MultiFieldPanel(
            [
                FieldRowPanel([FieldPanel("to_address"), FieldPanel("from_address")]),
                FieldPanel("subject"),
            ],
            heading="Notification email",
            help_text="Says that a submission arrived and links to it; never includes answers.",
        ),
    ]

    api_fields = [
        APIField("intro", serializer=headless_fields.RichTextField()),
        APIField("fields", serializer=fields.form_fields()),
        APIField("submit_url", serializer=fields.submit_url()),
        APIField("submit_path", serializer=fields.submit_path()),
        APIField("honeypot_field", serializer=fields.honeypot_field()),
        APIField("success_message"),
        APIField("error_message"),
    ]

    parent_page_types = ["home.HomePage"]
    subpage_types = []

    class Meta:
        verbose_name = "contact form page"

    def collect_api_references(self, references, detail):
        references.add_rich_text(self.intro)

    # Submissions

    def get_submission_class(self):
        return ContactSubmission

    def get_submissions_list_view_class(self):
        # By dotted path: Wagtail's admin views need the page models loaded before they import.
        return import_string("contact.submissions.ContactSubmissionsListView")

    def process_form_submission(self, form):
        """Store the answers, and once they are committed notify ``to_address``."""
        submission = self.get_submission_class().objects.create(
            form_data=form.cleaned_data, page=self
        )
        if self.to_address:
            # robust: a mail server that is down must not turn a stored submission into an error.
            transaction.on_commit(self.send_notification, robust=True)
        return submission

    def serve(self, request, *args, **kwargs):
        # Posting the HTML form would bypass the endpoint's origin, rate and honeypot checks.
        if request.method == "POST":
            return HttpResponseNotAllowed(["GET", "HEAD"])
        return super().serve(request, *args, **kwargs)

    # Notification

    @property
    def submissions_admin_url(self):
        path = reverse("wagtailforms:list_submissions", args=[self.pk])
        return settings.WAGTAILADMIN_BASE_URL + path

    def notification_subject(self):
        return f"{self.subject} ({self.title})" if self.subject else f"New submission: {self.title}"

    def render_email(self, form=None):
        # Wagtail's default lists every answer; this never does.
        return (
            f"The form “{self.title}” has received a new submission.\n\n"
            "Answers are not sent by email. Sign in to read them:\n"
            f"{self.submissions_admin_url}\n"
        )

    def send_notification(self):
        addresses = [address.strip() for address in self.to_address.split(",") if address.strip()]
        send_mail(self.notification_subject(), self.render_email(), addresses, self.from_address)

    def send_mail(self, form):
        self.send_notification()

    # API

    @property
    def submit_path(self):
        return reverse("contact:submit", args=[self.pk])

    @property
    def submit_url(self):
        return settings.WAGTAILAPI_BASE_URL + self.submit_path

    @property
    def honeypot_field(self):
        """The name of the field a frontend renders hidden from people; ``None`` if disabled."""
        name = settings.CONTACT_HONEYPOT_FIELD
        if not name or name in {field.clean_name for field in self.get_form_fields()}:
            return None
        return name

    def form_field_definitions(self):
        """Each field as a frontend needs it to render and pre-validate the form."""
        fields = list(self.get_form_fields())
        form_fields = self.form_builder(fields).formfields
        definitions = []
        for field in fields:
            name = field.clean_name or field.get_field_clean_name()
            form_field = form_fields[name]
            definitions.append(
                {
                    "name": name,
                    "label": field.label,
                    "type": field.field_type,
                    "required": field.required,
                    "choices": [value for value, _ in getattr(form_field, "choices", [])],
                    "help_text": field_value(field, "help_text"),
                    "default": _default_value(field),
                    "max_length": getattr(form_field, "max_length", None),
                }
            )
        return definitions


def _default_value(field):
    """The default as the JSON a submission would send for it."""
    raw = field.default_value.strip()
    if field.field_type == "checkbox":
        # Django checks a checkbox for any non-empty initial value.
        return bool(raw)
    if field.field_type in MULTIPLE_VALUE_TYPES:
        return FormBuilder([]).get_formatted_field_initial(field) if raw else []
    return raw or None
