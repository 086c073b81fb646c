"""The Spanish version of the demo: one article, its author's profile, a condition and the
clinic settings, written in Spanish for this project (for Spanish-speaking patients, in plain
words, the way the clinic would say it), each keyed by the English text it stands for.

The demo loads them as wagtail-localize translations, so the admin shows each segment beside
its source; what is left out here stays in English, as an untranslated segment would.
"""

ARTICLE = "fibromyalgia-central-sensitisation"
"""The slug of the demo article that has a Spanish version."""

ARTICLE_TEXT = {
    "Fibromyalgia and central sensitisation": "Fibromialgia y sensibilización central",
    "fibromyalgia-central-sensitisation": "fibromialgia-sensibilizacion-central",
    "Fibromyalgia causes widespread pain with no visible damage. An over-responsive nervous "
    "system helps explain why, and points to what can help.": "La fibromialgia duele en todo "
    "el cuerpo aunque no se vea ninguna lesión. Un sistema nervioso que reacciona de más "
    "ayuda a entender por qué, y qué puede aliviarla.",
    "Abstract warm red-to-peach gradient with a soft wave.": "Degradado abstracto de rojo a "
    "melocotón con una onda suave.",
    "Pain without visible damage": "Un dolor que no se ve",
    "People with fibromyalgia hurt in many places at once, often for years, yet scans and "
    "blood tests usually come back normal. That can feel like being disbelieved. The pain is "
    "real: what has changed is how the nervous system handles signals, not the muscles or "
    "joints themselves.": "Quien tiene fibromialgia siente dolor en muchas partes a la vez, a "
    "menudo durante años. Aun así, las pruebas suelen salir normales, y eso puede hacerle "
    "sentir que no le creen. El dolor es real. Lo que cambia es la forma en que los nervios "
    "tratan las señales, no los músculos ni las articulaciones.",
    "Demo artwork; an editor would choose a real photograph.": "Imagen de prueba; el equipo "
    "editorial elegiría una fotografía real.",
    "Central sensitisation: a volume knob stuck on high": "Sensibilización central: el volumen "
    "se queda muy alto",
    "After months of pain, nerve cells in the spine and brain can get jumpy. Then a light "
    "touch, a squeeze or warmth can feel painful, and real pain feels worse and lasts longer. "
    "Doctors call this <i>central sensitisation</i>. It also helps explain why poor sleep, "
    "stress and low mood can make fibromyalgia flare.": "Tras meses de dolor, los nervios de "
    "la médula y del cerebro se vuelven más sensibles. Entonces un roce, un apretón o el calor "
    "pueden doler, y el dolor de verdad se siente más fuerte y dura más. Los médicos lo llaman "
    "<i>sensibilización central</i>. También explica por qué dormir mal, el estrés o el ánimo "
    "bajo empeoran la fibromialgia.",
    "What tends to help": "Lo que suele ayudar",
    "Gentle, regular movement that you build up step by step.": "Moverse un poco cada día, y "
    "aumentar poco a poco.",
    "Better sleep habits, and help with sleep problems.": "Cuidar el sueño, y pedir ayuda si "
    "cuesta dormir.",
    "Talking therapies that calm the body's stress response to pain.": "Terapias de "
    "conversación que calman la reacción del cuerpo ante el dolor.",
    "Some medicines that act on nerve signals rather than on swelling.": "Algunos medicamentos "
    "que actúan sobre las señales de los nervios, no sobre la inflamación.",
    "Common painkillers for swelling often do little for fibromyalgia. The problem is in the "
    "nerve signals, not in swollen tissue.": "Los antiinflamatorios de siempre sirven de poco "
    "en la fibromialgia: el problema está en las señales de los nervios, no en una "
    "inflamación.",
    "When these steps are not enough, some pain clinics talk about ketamine. It acts on the "
    "same jumpy nerve pathways. It has real side effects, so only a few people are offered it, "
    "and only after a careful check.": "Si esto no basta, algunas clínicas del dolor hablan de "
    "la ketamina, que actúa sobre esas mismas vías nerviosas. Tiene efectos secundarios, así "
    "que se ofrece a pocas personas y siempre después de una valoración cuidadosa.",
    "This guide describes fibromyalgia in general terms. It is not a diagnosis: if you have "
    "widespread pain, see your doctor so other causes can be ruled out.": "Esta guía explica la "
    "fibromialgia en general y no es un diagnóstico. Si le duele todo el cuerpo, consulte a su "
    "médico para descartar otras causas.",
}

AUTHOR_TEXT = {
    "Rheumatology": "Reumatología",
    "Rheumatologist who sees people with widespread pain and fatigue. A fictional clinician, "
    "created for the demo site.": "Reumatóloga que atiende a personas con dolor generalizado y "
    "cansancio. Una profesional ficticia, creada para el sitio de demostración.",
}

CONDITION = "fibromyalgia"
CONDITION_TEXT = {
    "Fibromyalgia": "Fibromialgia",
    "fibromyalgia": "fibromialgia",
    "Long-lasting pain across many parts of the body, usually with tiredness, unrefreshing "
    "sleep and trouble concentrating.": "Dolor que dura meses en muchas partes del cuerpo, "
    "casi siempre con cansancio, un sueño que no descansa y dificultad para concentrarse.",
}

SETTINGS_TEXT = {
    "Riverside Pain Clinic": "Clínica del Dolor Riverside",
    "Articles": "Artículos",
    "Ketamine infusions": "Infusiones de ketamina",
    "Book a consultation": "Pida una cita",
    "All articles": "Todos los artículos",
    "Privacy": "Privacidad",
    "Accessibility": "Accesibilidad",
    "This article is general information for patients. It is not medical advice and does not "
    "replace a consultation with a clinician who knows your history. If your pain changes "
    "suddenly or you feel unwell, contact your doctor or emergency services.": "Este artículo "
    "ofrece información general para pacientes. No es un consejo médico y no sustituye la "
    "consulta con un profesional que conozca su historia. Si el dolor cambia de repente o se "
    "encuentra mal, llame a su médico o a emergencias.",
}

REVIEWER_USERNAME = "demo-reviewer"
"""The demo's medical reviewer account (no password: nobody signs in as it), linked to the
clinician who reviews the Spanish article."""
REVIEWER = "okafor"
