"""Page chrome: the text of a site export that is not the article.

Two kinds. Elements that never carry article text (``CHROME_ELEMENTS``, ``CHROME_ROLES``, the
class names in ``CHROME_CLASS_RE``: navigation, forms, cookie banners) are dropped whole by the
HTML reader. Lines and elements whose *whole* text matches a drop pattern (``DropRules``) are
dropped by every reader: a pattern must match the normalised text from start to end,
case-insensitively, so a "Menu" link goes but a sentence that mentions a menu stays.
"""

import re
from pathlib import Path

from .outline import normalise

DEFAULT_DROP_PATTERNS = [
    # Image alt text left standing alone by a text export: "Accordion arrow", "Close icon".
    r"(?:[\w-]+ ){0,2}(?:arrow|icon|chevron|caret|logo)",
    # Form messages that site builders hide in every page until a form is sent.
    r"thank you!? your submission has been received!?",
    r"oops!? something went wrong while submitting the form\.?",
    # Cookie banners.
    r"(?:this (?:web)?site|we) uses? cookies\b.*",
    r"(?:accept|allow|reject|decline|deny)(?: all)?(?: cookies)?",
    r"(?:cookie|privacy) (?:settings|preferences|policy)|manage (?:cookies|preferences)",
    # Navigation and sharing links.
    r"skip to (?:main )?content|back to top|menu|home|about(?: us)?|contact(?: us)?|services|blog",
    r"search|close|previous|next|read more|log ?in|sign ?up|subscribe",
    r"share(?: this)?(?: article| post| page)?(?: on \w+)?",
]
"""Lines (or whole elements) of page chrome to drop, matched case-insensitively against the whole
of their text. Extend them with ``--drop-pattern`` or ``--drop-rules``."""

# Elements that never carry article text: scripts, forms, site navigation and the like.
CHROME_ELEMENTS = (
    "head script style noscript template iframe object embed svg canvas form button input select "
    "textarea nav footer aside dialog"
).split()
CHROME_ROLES = {"navigation", "contentinfo", "dialog", "alertdialog", "search"}
CHROME_CLASS_RE = re.compile(
    r"cookie|gdpr|consent-(?:banner|modal|manager)|w-form-done|w-form-fail|navbar|breadcrumb"
    r"|skip-link",
    re.IGNORECASE,
)


class DropRules:
    """Patterns of page chrome: a line or element whose whole text matches one is dropped."""

    def __init__(self, patterns=()):
        self.patterns = [re.compile(p, re.IGNORECASE) for p in [*DEFAULT_DROP_PATTERNS, *patterns]]

    @staticmethod
    def read_file(path):
        """The patterns in a rules file: one regex a line; blank lines and ``#`` comments skipped.

        Raises ``ValueError`` naming the line of a pattern that is not a valid regex.
        """
        patterns = []
        text = Path(path).read_text(encoding="utf-8")
        for number, line in enumerate(text.splitlines(), start=1):
            line = line.strip()
            if line and not line.startswith("#"):
                check_pattern(line, where=f"{path}, line {number}")
                patterns.append(line)
        return patterns

    def matches(self, text):
        text = normalise(text)
        return any(pattern.fullmatch(text) for pattern in self.patterns)


def check_pattern(pattern, where):
    try:
        re.compile(pattern)
    except re.error as error:
        raise ValueError(
            f"{where}: {pattern!r} is not a valid regular expression ({error})"
        ) from None


def is_chrome_container(tag):
    """Whether ``tag`` holds page chrome, by its ARIA role, ``aria-hidden`` or class and id."""
    if tag.attrs is None:
        return False
    if tag.get("role") in CHROME_ROLES or tag.get("aria-hidden") == "true":
        return True
    names = " ".join([*tag.get("class", []), tag.get("id") or ""])
    return bool(CHROME_CLASS_RE.search(names))
