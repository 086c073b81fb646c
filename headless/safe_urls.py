"""Which link targets the API may serve: the one rule, for what editors enter and what it renders.

A URL is safe when it is ``http``, ``https``, ``mailto`` or ``tel``, or has no scheme at all (a
fragment, a path, a query), and is not protocol-relative (``//host``, which leaves the site).
Anything else (``javascript:``, ``data:``, ``vbscript:``, ``ftp:``...) is refused where it is
entered (:func:`validate_safe_url`, :func:`validate_rich_text_links`) and dropped where the API
renders it (:meth:`headless.references.References.rich_text`, :class:`headless.blocks.URLBlock`),
so a value stored before the rule existed, or written past the forms, reaches no frontend either.

The value is judged as a browser would read it, only more strictly: HTML entities decoded
(``&#106;avascript:``), compatibility forms folded (fullwidth ``ｊａｖａｓｃｒｉｐｔ:``), and any
control, format or separator character inside it but a plain space (browsers drop tabs and
newlines: ``java<TAB>script:``) or a backslash (read as a slash: ``\\evil.example``) refused.
"""

import functools
import html
import re
import unicodedata

import nh3
from django.core.exceptions import ValidationError

SAFE_SCHEMES = frozenset({"http", "https", "mailto", "tel"})
"""The schemes a link may have; a link without one (``#top``, ``/contact/``) is safe too."""

UNSAFE_URL_MESSAGE = (
    "This link can't be used: a link must start with http://, https://, mailto: or tel:, "
    "or be a path on this site (such as /contact/ or #section)."
)

_SCHEME = re.compile(r"([a-zA-Z][a-zA-Z0-9+.-]*):")
_LINK = re.compile(r"<a\b([^>]*)>", re.IGNORECASE)
_HREF = re.compile(r"""\bhref\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+))""", re.IGNORECASE)


def is_safe_url(value):
    """Whether ``value`` may be a link's target in what the API serves (see the module)."""
    if value is None:
        return True
    url = str(value)
    # The common case first, with the same outcome: text without "&" has no entity to decode,
    # ASCII is its own NFKC form, and the only hidden ASCII characters are the unprintable ones
    # (C0 controls and DEL; a plain space is printable). Every link of every paragraph is
    # judged on each uncached answer, so this is most of what the rule costs.
    if "&" in url:
        url = html.unescape(url)
    if not url.isascii():
        url = unicodedata.normalize("NFKC", url)
    url = url.strip()
    hidden = not url.isprintable() if url.isascii() else any(_is_hidden(char) for char in url)
    if hidden or "\\" in url:
        return False
    if url.startswith("//"):
        return False
    scheme = _SCHEME.match(url)
    return scheme is None or scheme.group(1).lower() in SAFE_SCHEMES


def _is_hidden(char):
    # Cc: control (tab, newline, NUL...), Cf: format (zero-width), Z*: separators other than a
    # plain space, which stays allowed ("tel:+1 555 0100") and cannot join a scheme.
    return char != " " and unicodedata.category(char) in {"Cc", "Cf", "Zs", "Zl", "Zp"}


def validate_safe_url(value):
    """A form and block validator: refuses a URL :func:`is_safe_url` refuses, saying why."""
    if value and not is_safe_url(value):
        raise ValidationError(UNSAFE_URL_MESSAGE, code="unsafe_url")


def unsafe_links(html_text):
    """The targets of the links in ``html_text`` (rich text) that :func:`is_safe_url` refuses."""
    found = []
    for match in _LINK.finditer(html_text or ""):
        for href in _HREF.finditer(match.group(1)):
            target = html.unescape(next(g for g in href.groups() if g is not None))
            # The attribute's value, as the renderer reads it (Wagtail's extract_attrs).
            if not is_safe_url(target):
                found.append(target)
    return found


def validate_rich_text_links(value):
    """A rich text validator: refuses text linking to a target :func:`is_safe_url` refuses."""
    source = getattr(value, "source", value)
    bad = unsafe_links(source)
    if bad:
        raise ValidationError(
            f"{UNSAFE_URL_MESSAGE} Change or remove the link to “{bad[0]}”.", code="unsafe_url"
        )


# Rich text as the API serves it: only what our rich text features make (headless.blocks'
# RICH_TEXT_FEATURES, rendered by headless.references), every URL in it under the rule above.

RICH_TEXT_TAGS = frozenset({"p", "br", "b", "i", "a", "ol", "ul", "li", "img"})
RICH_TEXT_ATTRIBUTES = {
    "a": {"href"},
    "img": {"src", "srcset", "sizes", "alt", "width", "height", "class"},
}
_URL_ATTRIBUTES = {("a", "href"), ("img", "src")}


def _keep_attribute(element, attribute, value):
    if (element, attribute) in _URL_ATTRIBUTES:
        return value if is_safe_url(value) else None
    if attribute == "srcset":
        candidates = [candidate.strip().split(" ")[0] for candidate in value.split(",")]
        return value if all(is_safe_url(url) for url in candidates if url) else None
    return value


_CLEANER = nh3.Cleaner(
    tags=set(RICH_TEXT_TAGS),
    attributes={tag: set(names) for tag, names in RICH_TEXT_ATTRIBUTES.items()},
    attribute_filter=_keep_attribute,
    url_schemes=set(SAFE_SCHEMES),
    # Gone with their content, not only their tags: their text is no prose.
    clean_content_tags={"script", "style", "iframe", "object", "embed", "template", "noscript"},
    link_rel=None,
    strip_comments=True,
)


def safe_html(html_text):
    """``html_text`` (rich text as rendered for the API) with nothing a browser could run or
    fetch from elsewhere: tags and attributes other than our rich text's are dropped (their
    text kept), and so is any ``href``, ``src`` or ``srcset`` the rule refuses: a link
    without a target is left as ``<a>`` for the renderer to turn into its text. Sanitised by
    nh3 (the ammonia library), so ``style``, ``on*`` handlers, ``<svg>``, ``<iframe>``,
    ``<form action>``, ``poster``, ``background`` and ``xlink:href`` never pass."""
    if not html_text:
        return html_text
    if len(html_text) > _REMEMBERED_LENGTH:
        return _CLEANER.clean(html_text)
    return _clean(html_text)


_REMEMBERED_LENGTH = 8192
"""The longest rendered rich text whose sanitised form is remembered: a paragraph or a list,
as a body holds dozens of; a longer one (a whole imported page) is sanitised each time."""


@functools.lru_cache(maxsize=2048)
def _clean(html_text):
    """nh3's output, remembered per process: it depends on its input alone, and an article's
    rich texts come back unchanged with each answer rendered of it (at most 2,048 x 8 KB)."""
    return _CLEANER.clean(html_text)
