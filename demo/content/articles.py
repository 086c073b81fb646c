"""The demo articles: their words, their references and the order they are created in.

Every article is written for this project and its clinicians are fictional; the references are
real papers, listed so the references block has something to show. A body is a function of
:class:`~demo.content.specs.DemoRefs` returning the body's stored JSON form, built with
``articles.body``.
"""

import datetime

from articles.body import (
    accordion,
    call_to_action,
    callout,
    citation,
    disclaimer,
    heading,
    image,
    page_link,
    paragraph,
    references,
)

from .specs import ArticleSpec

CONSENSUS_GUIDELINES = citation(
    "Cohen SP, Bhatia A, Buvanendran A, et al. Consensus guidelines on the use of intravenous "
    "ketamine infusions for chronic pain",
    publisher="Regional Anesthesia & Pain Medicine",
    year=2018,
    doi="10.1097/AAP.0000000000000808",
)
CENTRAL_SENSITIZATION = citation(
    "Woolf CJ. Central sensitization: implications for the diagnosis and treatment of pain",
    publisher="Pain",
    year=2011,
    pmid="20961685",
)
PAIN_DEFINITION = citation(
    "Raja SN, Carr DB, Cohen M, et al. The revised International Association for the Study of "
    "Pain definition of pain",
    publisher="Pain",
    year=2020,
    doi="10.1097/j.pain.0000000000001939",
)
IASP_TERMINOLOGY = citation(
    "International Association for the Study of Pain. Terminology",
    publisher="IASP",
    url="https://www.iasp-pain.org/resources/terminology/",
)


def fibromyalgia_body(refs):
    return [
        heading("Pain without visible damage"),
        paragraph(
            "<p>People with fibromyalgia hurt in many places at once, often for years, yet scans "
            "and blood tests usually come back normal. That can feel like being disbelieved. "
            "The pain is real: what has changed is how the nervous system handles signals, "
            "not the muscles or joints themselves.</p>"
        ),
        image(
            refs.images["widespread-pain"],
            caption="Demo artwork; an editor would choose a real photograph.",
            decorative=True,
        ),
        heading("Central sensitisation: a volume knob stuck on high"),
        paragraph(
            "<p>After months of pain, nerve cells in the spine and brain can get jumpy. Then a "
            "light touch, a squeeze or warmth can feel painful, and real pain feels worse and "
            "lasts longer. Doctors call this <i>central sensitisation</i>. It also helps explain "
            "why poor sleep, stress and low mood can make fibromyalgia flare.</p>"
        ),
        heading("What tends to help", "h3"),
        paragraph(
            "<ul><li>Gentle, regular movement that you build up step by step.</li>"
            "<li>Better sleep habits, and help with sleep problems.</li>"
            "<li>Talking therapies that calm the body's stress response to pain.</li>"
            "<li>Some medicines that act on nerve signals rather than on swelling.</li></ul>"
        ),
        callout(
            "<p>Common painkillers for swelling often do little for fibromyalgia. The problem is "
            "in the nerve signals, not in swollen tissue.</p>",
            variant="tip",
        ),
        paragraph(
            "<p>When these steps are not enough, some pain clinics talk about ketamine. It acts "
            "on the same jumpy nerve pathways. It has real side effects, so only a few people "
            "are offered it, and only after a careful check.</p>"
        ),
        references(CENTRAL_SENSITIZATION),
        disclaimer(
            "This guide describes fibromyalgia in general terms. It is not a diagnosis: if you "
            "have widespread pain, see your doctor so other causes can be ruled out."
        ),
    ]


def neuropathic_migraine_body(refs):
    return [
        heading("Two kinds of pain that resist ordinary painkillers"),
        paragraph(
            "<p>Nerve pain and chronic migraine look different, but in both the nerves fire too "
            "easily. That is why common painkillers often do not help much. So doctors try "
            "treatments that change how nerves send signals instead.</p>"
        ),
        heading("Neuropathic pain", "h3"),
        paragraph(
            "<p>When a nerve is hurt, for example by diabetes, shingles or surgery, it can keep "
            "sending pain messages on its own. People say it burns, stabs or feels like an "
            "electric shock, and a light touch may hurt. Complex regional pain syndrome (CRPS) "
            "can feel the same way. Small studies suggest a ketamine drip can ease this kind of "
            "pain for a while in some people. Results vary a lot.</p>"
        ),
        heading("Chronic migraine", "h3"),
        paragraph(
            "<p>Migraine is called chronic when you get headaches on at least fifteen days a "
            "month. Some people have tried the usual treatments to stop attacks, with no luck. A "
            "few headache centres then use ketamine, sometimes during a stay in hospital. There "
            "is less proof that it works here than for nerve pain, and more trials are needed.</p>"
        ),
        callout(
            "<p>Keep a pain or headache diary for a few weeks before your appointment. It makes it "
            "far easier to judge later whether a treatment has helped.</p>",
            variant="tip",
        ),
        accordion(
            [
                (
                    "Is ketamine addictive?",
                    "<p>It can be misused, which is why clinics give it only under supervision "
                    "and never as a take-home supply for chronic pain.</p>",
                ),
                (
                    "Does it cure nerve damage?",
                    "<p>No. It may reduce pain for a period; it does not repair the nerve.</p>",
                ),
            ],
            title="Quick answers",
        ),
        call_to_action("Browse all articles", page=refs.pages["articles"]),
        disclaimer(),
    ]


def ketamine_infusion_body(refs):
    """The showcase article: it uses every block type an article body offers."""
    return [
        heading("Why a pain clinic might suggest ketamine"),
        paragraph(
            "<p>Doctors have used ketamine to put people to sleep for surgery for over fifty "
            "years. A much smaller dose, given slowly while you are watched, can calm pain "
            "pathways that have become too active. Your doctor will usually bring it up only "
            "after the usual medicines, physio and talking therapy have not helped enough.</p>"
        ),
        paragraph(
            "<p>It is rarely used on its own; it works best as one part of a wider plan. Is your "
            "pain all over your body, with tiredness and poor sleep? Our guide to "
            + page_link(refs.pages["fibromyalgia-central-sensitisation"], "fibromyalgia")
            + " explains why jumpy nerves, not damaged tissue, often keep that kind of pain "
            "going.</p>"
        ),
        heading("How it acts on the nervous system", "h3"),
        paragraph(
            "<p>Nerve cells pass pain messages on with a chemical messenger called glutamate. One "
            "of the receptors it binds to, the <b>NMDA receptor</b>, seems to help keep pain "
            "switched on long after an injury has healed. Ketamine blocks that receptor. It also "
            "appears to help nerve connections rewire themselves (neuroplasticity), which may be "
            "why some people feel the benefit for weeks rather than hours.</p>"
        ),
        image(
            refs.images["synapse"],
            alt_text="Abstract purple gradient with a pale cross, standing in for a diagram of a "
            "nerve synapse.",
            caption="Placeholder for a diagram of the NMDA receptor at a synapse.",
            credit="Demo image generated by the CMS",
        ),
        callout(
            "<p>Ketamine is licensed as an anaesthetic. Prescribing it for chronic pain is "
            "<b>off-label</b>: common in pain medicine, but worth talking through with your "
            "specialist, including the evidence, the risks and any cost.</p>"
        ),
        heading("What happens on an infusion day"),
        paragraph(
            "<ol><li>A nurse checks your blood pressure, pulse and oxygen level.</li>"
            "<li>A thin cannula goes into a vein in your hand or arm.</li>"
            "<li>The medicine runs in slowly, often over one to four hours, while you rest.</li>"
            "<li>You stay under observation until the effects have worn off.</li></ol>"
        ),
        callout(
            "<p>Do not drive, use machinery or sign anything important for the rest of the day, "
            "and arrange for an adult to take you home.</p>",
            variant="warning",
        ),
        heading("Questions people often ask"),
        accordion(
            [
                (
                    "Will I feel strange during the infusion?",
                    "<p>Many people feel floaty or dreamy, see slightly blurred or notice time "
                    "passing oddly. This fades soon after the drip stops. Tell the nurse if it "
                    "is unpleasant: the rate can be turned down.</p>",
                ),
                (
                    "How many infusions will I need?",
                    "<p>Clinics differ. A common pattern is a short course over one or two weeks, "
                    "then a review of your pain and daily activity before any top-up is "
                    "planned.</p>",
                ),
                (
                    "What are the side effects?",
                    "<p>Nausea, dizziness, higher blood pressure and vivid dreams are the usual "
                    "ones. Frequent, repeated use has been linked to liver and bladder problems, "
                    "one reason treatment is reviewed regularly.</p>",
                ),
                (
                    "Who should not have ketamine?",
                    "<p>It is generally avoided with uncontrolled high blood pressure, serious "
                    "heart disease, a history of psychosis, and in pregnancy. Your specialist "
                    "will go through your history first.</p>",
                ),
                (
                    "Can I stop my other pain medicines?",
                    "<p>Not straight away. Plan any change to your regular medicines with your "
                    "pain team rather than on your own.</p>",
                ),
            ],
            title="Frequently asked questions",
            open_first=True,
        ),
        call_to_action(
            "Read about nerve pain and migraine",
            page=refs.pages["ketamine-neuropathic-pain-migraine"],
        ),
        call_to_action("Book a consultation", url="https://example.org/book"),
        references(CONSENSUS_GUIDELINES, CENTRAL_SENSITIZATION, PAIN_DEFINITION, IASP_TERMINOLOGY),
        disclaimer(),
    ]


# Created in this order: an article that links to another comes after it.
ARTICLES = [
    ArticleSpec(
        slug="fibromyalgia-central-sensitisation",
        title="Fibromyalgia and central sensitisation",
        summary="Fibromyalgia causes widespread pain with no visible damage. An over-responsive "
        "nervous system helps explain why, and points to what can help.",
        author="marin",
        reviewer="okafor",
        last_reviewed=datetime.date(2025, 2, 10),
        conditions=("fibromyalgia",),
        treatments=("ketamine-infusion", "physiotherapy", "pain-psychology"),
        hero_image="widespread-pain",
        hero_image_alt="Abstract warm red-to-peach gradient with a soft wave.",
        body=fibromyalgia_body,
    ),
    ArticleSpec(
        slug="ketamine-neuropathic-pain-migraine",
        title="Neuropathic pain and migraine: where ketamine may fit",
        summary="Nerve pain and chronic migraine can both resist standard treatment. How "
        "specialists weigh ketamine for each, and what the evidence does not yet show.",
        author="brandt",
        reviewer="okafor",
        last_reviewed=datetime.date(2025, 3, 3),
        conditions=("neuropathic-pain", "crps", "migraine"),
        treatments=("ketamine-infusion",),
        hero_image="nerve-pathways",
        hero_image_alt="Abstract green gradient with a pale wave, suggesting a nerve pathway.",
        body=neuropathic_migraine_body,
    ),
    ArticleSpec(
        slug="ketamine-infusion-therapy-chronic-pain",
        title="Ketamine infusion therapy for chronic pain: what to expect",
        summary="How low-dose ketamine infusions are used for pain that other treatments have "
        "not eased, what an infusion day looks like, and what to ask before you start.",
        author="okafor",
        reviewer="brandt",
        last_reviewed=datetime.date(2025, 3, 17),
        conditions=("fibromyalgia", "neuropathic-pain", "crps", "migraine"),
        treatments=("ketamine-infusion",),
        hero_image="infusion-room",
        hero_image_alt="Abstract teal gradient with a pale circle, standing in for a "
        "photograph of a quiet infusion room.",
        body=ketamine_infusion_body,
    ),
]

FEATURED_ARTICLES = [
    "ketamine-infusion-therapy-chronic-pain",
    "fibromyalgia-central-sensitisation",
    "ketamine-neuropathic-pain-migraine",
]
