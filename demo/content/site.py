"""The demo site around its articles: pictures, people, taxonomy, home and index pages, settings.

The people and the clinic are fictional, written for this project.
"""

from articles.body import link

from .specs import ImageSpec

IMAGES = {
    "infusion-room": ImageSpec(
        "Demo: infusion room",
        top=(18, 94, 110),
        bottom=(120, 190, 180),
        shape="circle",
        focal_point=(820, 300, 360, 360),
    ),
    "synapse": ImageSpec("Demo: nerve synapse", (40, 52, 120), (150, 120, 200), "cross"),
    "widespread-pain": ImageSpec("Demo: widespread pain", (150, 70, 60), (240, 190, 140), "wave"),
    "nerve-pathways": ImageSpec("Demo: nerve pathways", (30, 70, 60), (200, 220, 150), "wave"),
    "clinic": ImageSpec("Demo: clinic entrance", (20, 60, 100), (230, 230, 210), "circle"),
}

CLINICIANS = {
    "okafor": {
        "name": "Dr Amara Okafor",
        "credentials": "MD, FFPMRCA",
        "specialty": "Pain medicine",
        "medical_specialty": "Anesthesia",
        "bio": "Consultant in pain medicine who runs the clinic's infusion service. "
        "A fictional clinician, created for the demo site.",
    },
    "brandt": {
        "name": "Dr Lukas Brandt",
        "credentials": "MD, PhD",
        "specialty": "Neurology (headache)",
        "medical_specialty": "Neurologic",
        "bio": "Neurologist with a special interest in chronic migraine and nerve pain. "
        "A fictional clinician, created for the demo site.",
    },
    "marin": {
        "name": "Dr Sofia Marin",
        "credentials": "MD",
        "specialty": "Rheumatology",
        "medical_specialty": "Rheumatologic",
        "bio": "Rheumatologist who sees people with widespread pain and fatigue. "
        "A fictional clinician, created for the demo site.",
    },
}

CONDITIONS = {
    "fibromyalgia": {
        "name": "Fibromyalgia",
        "description": "Long-lasting pain across many parts of the body, usually with "
        "tiredness, unrefreshing sleep and trouble concentrating.",
    },
    "neuropathic-pain": {
        "name": "Neuropathic pain",
        "description": "Pain caused by a damaged or malfunctioning nerve, often described as "
        "burning, shooting or like electric shocks.",
    },
    "crps": {
        "name": "Complex regional pain syndrome (CRPS)",
        "description": "Severe, lasting pain in a limb, usually after an injury, out of "
        "proportion to that injury and often with swelling and skin changes.",
    },
    "migraine": {
        "name": "Migraine",
        "description": "Recurring headache attacks, often one-sided and throbbing, that can come "
        "with sickness and sensitivity to light and sound.",
    },
}

TREATMENTS = {
    "ketamine-infusion": {
        "name": "Ketamine infusion",
        "description": "A low dose of ketamine given slowly into a vein under monitoring.",
        "regulatory_note": "Ketamine is licensed as an anaesthetic, not as a pain treatment. "
        "Using it for chronic pain is off-label: your specialist should explain the evidence, "
        "the risks and the alternatives before you decide.",
    },
    "physiotherapy": {
        "name": "Graded physiotherapy",
        "description": "Exercise that starts small and builds up at a pace your body accepts.",
        "regulatory_note": "",
    },
    "pain-psychology": {
        "name": "Pain psychology",
        "description": "Talking therapies such as CBT and ACT that help people live well "
        "alongside pain.",
        "regulatory_note": "",
    },
}

HOME_SLUG = "home"
HOME = {
    "title": "Home",
    "hero_title": "Specialist care for long-term pain",
    "hero_text": "Plain-language guides to chronic pain conditions and the treatments we offer, "
    "each checked by a second clinician.",
    "hero_image": "clinic",
    "hero_image_alt": "Abstract blue gradient with a pale circle, standing in for a photograph "
    "of the clinic entrance.",
    "intro": "<p>We are a multidisciplinary pain clinic. Our articles explain what is known, "
    "what is still uncertain, and what to ask at your next appointment.</p>",
}

ARTICLE_INDEX = {
    "slug": "articles",
    "title": "Articles",
    "intro": "<p>Guides written by our specialists and reviewed by a colleague. Every article "
    "shows who checked it and when.</p>",
}


def clinic_settings(refs):
    """Field values for the default site's ClinicSettings."""
    return {
        "clinic_name": "Riverside Pain Clinic",
        "phone": "+1 555 010 0199",
        "email": "hello@example.org",
        "address": "200 Example Avenue, Suite 4\nSpringfield, ST 00000",
        "main_navigation": [
            {"type": "link", "value": link("Articles", page=refs.pages["articles"])},
            {
                "type": "link",
                "value": link(
                    "Ketamine infusions",
                    page=refs.pages["ketamine-infusion-therapy-chronic-pain"],
                ),
            },
            {"type": "link", "value": link("Book a consultation", url="https://example.org/book")},
        ],
        "footer_links": [
            {"type": "link", "value": link("All articles", page=refs.pages["articles"])},
            {"type": "link", "value": link("Privacy", url="https://example.org/privacy")},
            {"type": "link", "value": link("Accessibility", url="https://example.org/access")},
        ],
        "default_disclaimer": "This article is general information for patients. It is not "
        "medical advice and does not replace a consultation with a clinician who knows your "
        "history. If your pain changes suddenly or you feel unwell, contact your doctor or "
        "emergency services.",
    }
