"""Word documents (.docx): checked, then converted by mammoth into HTML for the one HTML reader.

mammoth turns Word's structure (heading styles, lists, bold, italic, links, images, footnotes)
into plain semantic HTML, so a Word document goes through the same ``HtmlReader`` as every
other format. What the article body has no place for is reported, never silently lost: tables
(their text is kept as paragraphs), text boxes, comments (dropped) and tracked changes (the
text is read as if every change were accepted, which is what mammoth reads).

A file is refused, with a reason an editor can act on and before anything is saved, when it is
not a .docx at all (a renamed file), a damaged archive, larger than ``IMPORT_MAX_UPLOAD_MB``,
an archive that expands to more than ``IMPORT_MAX_EXPANDED_MB`` (a zip bomb), macro-enabled
(.docm), password-protected, or holds an image that does not decode.
"""

import re
import tempfile
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

import mammoth
from bs4 import BeautifulSoup
from django.conf import settings
from PIL import Image as PillowImage

from .exceptions import ImportFailed
from .outline import Citation, text_in

# Word's Title style is the article's title; without one, the first Heading 1 is (mammoth maps
# Heading N to hN). With a Title, the headings under it move down a level.
STYLE_MAP = "\n".join(
    [
        "p[style-name='Title'] => h1:fresh",
        "p[style-name='Subtitle'] => p:fresh",
        # LibreOffice's character styles for note marks and links: their text, without a
        # warning that mammoth does not know them (it would mean nothing to an editor).
        "r[style-name='Footnote Characters'] =>",
        "r[style-name='Endnote Characters'] =>",
        "r[style-name='Internet Link'] =>",
    ]
)
UNDER_A_TITLE = "\n".join(f"p[style-name='Heading {n}'] => h{n + 1}:fresh" for n in range(1, 6))
# An encrypted .docx, and a .doc of Word 97-2003, are OLE compound files, not zip archives.
OLE_SIGNATURE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
MB = 1024 * 1024
IMAGE_TYPES = {"image/png": "png", "image/jpeg": "jpg", "image/gif": "gif", "image/webp": "webp"}
DOI_RE = re.compile(r"\b(10\.\d{4,9}/[^\s\"<>]+[^\s\"<>.,;])")
PMID_RE = re.compile(r"\bPMID:?\s*(\d{1,8})\b", re.IGNORECASE)
URL_RE = re.compile(r"https?://[^\s\"<>]+[^\s\"<>.,;)]")


@dataclass
class WordDocument:
    """A .docx read into HTML: its images written to ``folder``, its notes as citations."""

    html: str
    folder: Path
    citations: list = field(default_factory=list)
    warnings: list = field(default_factory=list)
    # Keeps the image folder alive until the article is saved.
    scratch: tempfile.TemporaryDirectory | None = None


def read_word(path):
    """Check and convert the .docx at ``path``; raises ``ImportFailed`` saying why not."""
    path = Path(path)
    archive = open_archive(path)
    with archive:
        warnings = inspect(archive)
        has_title = b'w:val="Title"' in archive.read("word/document.xml")
    style_map = STYLE_MAP + ("\n" + UNDER_A_TITLE if has_title else "")
    scratch = tempfile.TemporaryDirectory(prefix="import-docx-")
    folder = Path(scratch.name)
    images = []

    def write_image(image):
        extension = IMAGE_TYPES.get(image.content_type)
        number = len(images) + 1
        if extension is None:
            raise ImportFailed(
                f"image {number} of the document is a {image.content_type} file; "
                "only PNG, JPEG, GIF and WebP images are imported"
            )
        name = f"image-{number}.{extension}"
        with image.open() as data:
            (folder / name).write_bytes(data.read())
        check_image(folder / name, number)
        images.append(name)
        return {"src": name}

    with path.open("rb") as stream:
        try:
            result = mammoth.convert_to_html(
                stream,
                style_map=style_map,
                convert_image=mammoth.images.img_element(write_image),
            )
        except ImportFailed:
            scratch.cleanup()
            raise
        except Exception as error:  # mammoth's errors for broken XML are of many kinds
            scratch.cleanup()
            raise ImportFailed(f"the document cannot be read ({error})") from None
    html, citations = take_notes(result.value)
    warnings += sorted({f"Word: {message.message}" for message in result.messages})
    return WordDocument(html, folder, citations, warnings, scratch)


def open_archive(path):
    size = path.stat().st_size
    limit = settings.IMPORT_MAX_UPLOAD_MB
    if size > limit * MB:
        raise ImportFailed(f"the file is {size / MB:.1f} MB; the limit is {limit} MB")
    with path.open("rb") as stream:
        head = stream.read(8)
    if head == OLE_SIGNATURE:
        raise ImportFailed(
            "the document is password-protected, or an old Word 97-2003 .doc saved with a .docx "
            "name: remove the password (or save it as .docx) and import it again"
        )
    if path.suffix.lower() == ".docm":
        raise ImportFailed("macro-enabled documents (.docm) are not imported; save it as .docx")
    try:
        archive = zipfile.ZipFile(path)
    except zipfile.BadZipFile:
        raise ImportFailed(
            "the file is not a Word document (.docx), whatever its name says; save it from "
            "Word or Google Docs as .docx"
        ) from None
    names = set(archive.namelist())
    if "word/document.xml" not in names:
        archive.close()
        raise ImportFailed("the archive has no Word document inside; is it really a .docx?")
    expanded = sum(info.file_size for info in archive.infolist())
    if expanded > settings.IMPORT_MAX_EXPANDED_MB * MB:
        archive.close()
        raise ImportFailed(
            f"the document expands to {expanded / MB:.0f} MB, more than the "
            f"{settings.IMPORT_MAX_EXPANDED_MB} MB a Word document may hold"
        )
    content_types = archive.read("[Content_Types].xml") if "[Content_Types].xml" in names else b""
    if b"macroEnabled" in content_types or any(name.endswith("vbaProject.bin") for name in names):
        archive.close()
        raise ImportFailed("the document contains macros; save it as a plain .docx (no macros)")
    try:
        damaged = archive.testzip()
    except (zipfile.BadZipFile, OSError, EOFError):
        damaged = "the archive"
    if damaged:
        archive.close()
        raise ImportFailed(f"the document is damaged ({damaged} cannot be read)")
    return archive


def inspect(archive):
    """Warnings for what the article body cannot hold, read from the document's XML."""
    document = archive.read("word/document.xml").decode("utf-8", "replace")
    warnings = []
    if tables := document.count("<w:tbl>"):
        warnings.append(
            f"{tables} table(s): their text was imported as paragraphs; the article body has "
            "no tables, so check how it reads"
        )
    if boxes := document.count("<w:txbxContent"):
        warnings.append(f"{boxes} text box(es): check that their text is where it belongs")
    insertions, deletions = document.count("<w:ins "), document.count("<w:del ")
    if insertions or deletions:
        warnings.append(
            f"tracked changes ({insertions} insertion(s), {deletions} deletion(s)) were read "
            "as accepted; review the text"
        )
    if "word/comments.xml" in archive.namelist():
        comments = archive.read("word/comments.xml").decode("utf-8", "replace")
        if count := comments.count("<w:comment "):
            warnings.append(f"{count} comment(s) were left out")
    return warnings


def check_image(path, number):
    try:
        with PillowImage.open(path) as image:
            image.verify()
    except Exception:  # Pillow raises many kinds for a file that is not an image
        raise ImportFailed(f"image {number} of the document cannot be read as an image") from None


def take_notes(html):
    """The footnotes and endnotes mammoth appends, taken out as citations.

    The note markers in the text stay as plain ``[1]``; each note becomes a citation, with its
    DOI, PubMed ID or web address recognised.
    """
    soup = BeautifulSoup(html, "html.parser")
    citations = []
    for item in soup.find_all("li", id=re.compile(r"^(footnote|endnote)-\d+$")):
        for back in item.find_all("a", href=re.compile(r"^#(footnote|endnote)-ref-")):
            back.decompose()
        text = text_in(item)
        if text:
            citations.append(citation(text))
        parent = item.parent
        item.decompose()
        if parent.name == "ol" and not parent.find("li"):
            parent.decompose()
    for marker in soup.find_all("a", href=re.compile(r"^#(footnote|endnote)-\d+$")):
        marker.replace_with(marker.get_text())
    return str(soup), citations


def citation(text):
    """A note's text as a citation; a DOI wins over a PubMed ID, which wins over a URL."""
    if match := DOI_RE.search(text):
        return Citation(text, doi=match[1])
    if match := PMID_RE.search(text):
        return Citation(text, pmid=match[1])
    if match := URL_RE.search(text):
        return Citation(text, url=match[0])
    return Citation(text)
