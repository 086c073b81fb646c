"""The demo contact page and its form fields, for ``load_demo_content``."""

from contact.models import ContactPage, FormField

DEMO_FIELDS = [
    {"label": "Name", "field_type": "singleline"},
    {"label": "Email", "field_type": "email"},
    {
        "label": "Phone",
        "field_type": "singleline",
        "required": False,
        "help_text": "Only if you would like us to call you.",
    },
    {
        "label": "Preferred contact method",
        "field_type": "dropdown",
        "choices": "Email\nPhone",
        "default_value": "Email",
    },
    {
        "label": "Message",
        "field_type": "multiline",
        "help_text": "What would you like to ask? There is no need to share your medical history.",
    },
    {
        "label": "Consent",
        "field_type": "checkbox",
        "help_text": "I agree that the clinic stores my answers to reply to me.",
    },
]


def ensure_contact_page(home_page):
    """The published contact page under ``home_page``, created with its fields if missing."""
    existing = ContactPage.objects.child_of(home_page).first()
    if existing:
        return existing
    page = ContactPage(
        title="Contact us",
        slug="contact",
        intro=(
            "<p>Questions about a treatment, an appointment or a referral? Write to us and a "
            "member of the care team will answer within two working days.</p>"
            "<p><b>In an emergency</b>, call your local emergency number instead.</p>"
        ),
        to_address="frontdesk@example.com",
        subject="New contact form message",
    )
    page.form_fields = [
        FormField(sort_order=order, **field) for order, field in enumerate(DEMO_FIELDS)
    ]
    home_page.add_child(instance=page)
    page.save_revision().publish()
    return page
