"""Word documents (.docx) become draft articles: structure kept, notes as references, and
every bad file refused with a reason before anything is saved."""

import io
import zipfile

import docx
import pytest
from docx.opc.constants import RELATIONSHIP_TYPE
from docx.opc.packuri import PackURI
from docx.opc.part import Part
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls
from PIL import Image as PillowImage
from wagtail.images import get_image_model

from articles.models import ArticlePage
from tests.test_import_articles import blocks, draft, run, text

FOOTNOTES_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.footnotes+xml"


def png(color="navy", size=(64, 48)):
    stream = io.BytesIO()
    PillowImage.new("RGB", size, color).save(stream, "PNG")
    stream.seek(0)
    return stream


def hyperlink(paragraph, text, url):
    """python-docx has no API for links: the relationship and the w:hyperlink, by hand."""
    rel = paragraph.part.relate_to(url, RELATIONSHIP_TYPE.HYPERLINK, is_external=True)
    paragraph._p.append(
        parse_xml(
            f'<w:hyperlink {nsdecls("w", "r")} r:id="{rel}"><w:r><w:rPr>'
            f'<w:rStyle w:val="Hyperlink"/></w:rPr><w:t>{text}</w:t></w:r></w:hyperlink>'
        )
    )


def add_footnotes(document, notes):
    """A footnotes part with ``notes`` (ids 1...), referenced from the last paragraph."""
    body = "".join(
        f'<w:footnote w:id="{n}"><w:p><w:r><w:t>{note}</w:t></w:r></w:p></w:footnote>'
        for n, note in enumerate(notes, start=1)
    )
    xml = (
        f"<w:footnotes {nsdecls('w')}>"
        '<w:footnote w:type="separator" w:id="-1"><w:p/></w:footnote>'
        f'<w:footnote w:type="continuationSeparator" w:id="0"><w:p/></w:footnote>{body}'
        "</w:footnotes>"
    )
    part = Part(PackURI("/word/footnotes.xml"), FOOTNOTES_TYPE, xml.encode(), document.part.package)
    document.part.relate_to(part, RELATIONSHIP_TYPE.FOOTNOTES)
    paragraph = document.paragraphs[-1]
    for n in range(1, len(notes) + 1):
        paragraph._p.append(
            parse_xml(f'<w:r {nsdecls("w")}><w:footnoteReference w:id="{n}"/></w:r>')
        )


def clinician_document(path):
    """What a clinician writes in Word: every feature the importer reads, and some it reports."""
    document = docx.Document()
    document.add_heading("Living well with nerve pain", level=0)
    intro = document.add_paragraph("Nerve pain can be ")
    intro.add_run("sharp").bold = True
    intro.add_run(" or ")
    intro.add_run("burning").italic = True
    intro.add_run(". Treatment starts with a careful assessment.")
    document.add_heading("What helps", level=1)
    document.add_paragraph("Gentle movement every day", style="List Bullet")
    document.add_paragraph("A regular sleep routine", style="List Bullet")
    steps = document.add_paragraph("Read about ")
    hyperlink(steps, "nerve blocks", "https://clinic.example/nerve-blocks/")
    document.add_heading("Your first visit", level=2)
    document.add_paragraph("Bring a list of your medicines", style="List Number")
    document.add_paragraph("Bring recent scans", style="List Number")
    document.add_picture(png("teal"))
    document.inline_shapes[0]._inline.docPr.set("descr", "A clinician talking with a patient")
    document.add_picture(png("maroon"))
    table = document.add_table(rows=1, cols=2)
    table.rows[0].cells[0].text = "Dose"
    table.rows[0].cells[1].text = "Timing"
    commented = document.add_paragraph("Ask us anything at your next appointment.")
    document.add_comment(commented.runs, text="Check the wording with Dr Lee", author="Editor")
    document.add_heading("Frequently asked questions", level=1)
    document.add_heading("Will the injection hurt?", level=2)
    document.add_paragraph("You will feel a brief sting from the local anaesthetic.")
    document.add_heading("How long does relief last?", level=2)
    document.add_paragraph("Relief often lasts weeks; your clinician will review it with you.")
    add_footnotes(
        document,
        [
            "Finnerup NB et al. Pharmacotherapy for neuropathic pain. doi:10.1016/S1474-4422(14)70251-0",
            "Moore RA et al. Amitriptyline for neuropathic pain. PMID: 26146793",
        ],
    )
    document.save(path)
    return path


def test_a_word_document_becomes_a_draft_with_its_structure(article_index, tmp_path):
    source = clinician_document(tmp_path / "nerve-pain.docx")

    out, err, error = run(source, "--parent", "/articles/")

    assert error is None, err
    assert "created: Living well with nerve pain" in out
    page, latest = draft("Living well with nerve pain")
    assert not page.live
    assert [(heading["text"], heading["level"]) for heading in blocks(latest, "heading")] == [
        ("What helps", "h2"),
        ("Your first visit", "h3"),
        ("Frequently asked questions", "h2"),
    ]

    paragraphs = "".join(str(value.source) for value in blocks(latest, "paragraph"))
    assert "<strong>sharp</strong>" in paragraphs and "<em>burning</em>" in paragraphs
    assert "<ul><li>Gentle movement every day</li><li>A regular sleep routine</li></ul>" in (
        paragraphs
    )
    assert "<ol><li>Bring a list of your medicines</li><li>Bring recent scans</li></ol>" in (
        paragraphs
    )
    assert '<a href="https://clinic.example/nerve-blocks/">nerve blocks</a>' in paragraphs
    assert "Dose" in paragraphs  # a table's text is kept

    images = blocks(latest, "image")
    assert [image["alt_text"] for image in images] == ["A clinician talking with a patient", ""]
    assert images[1]["decorative"] is True
    assert get_image_model().objects.count() == 2

    (accordion,) = blocks(latest, "accordion")
    assert [item["title"] for item in accordion["items"]] == [
        "Will the injection hurt?",
        "How long does relief last?",
    ]
    assert "brief sting" in text(accordion["items"][0]["body"])

    (references,) = blocks(latest, "references")
    assert [(c["doi"], c["pmid"]) for c in references] == [
        ("10.1016/S1474-4422(14)70251-0", ""),
        ("", "26146793"),
    ]
    assert "Pharmacotherapy for neuropathic pain" in references[0]["text"]

    assert "1 table(s)" in err
    assert "1 comment(s) were left out" in err
    assert "image-2.png has no alt text" in err
    assert "Check the wording" not in str(latest.body.raw_data)


def test_a_dry_run_shows_the_outline_and_saves_nothing(article_index, tmp_path):
    source = clinician_document(tmp_path / "nerve-pain.docx")

    out, err, error = run(source, "--parent", "/articles/", "--dry-run")

    assert error is None, err
    assert "title: Living well with nerve pain" in out
    assert "accordion (2 items)" in out
    assert 'image: image-1.png (alt "A clinician talking with a patient")' in out
    assert "references (2)" in out
    assert "[DOI 10.1016/S1474-4422(14)70251-0]" in out
    assert not ArticlePage.objects.filter(title="Living well with nerve pain").exists()
    assert get_image_model().objects.count() == 0


def test_tracked_changes_are_read_as_accepted_and_reported(article_index, tmp_path):
    document = docx.Document()
    document.add_heading("Pacing your day", level=1)
    paragraph = document.add_paragraph("Plan rest ")
    paragraph._p.append(
        parse_xml(
            f'<w:ins {nsdecls("w")} w:id="1" w:author="Dr Lee" w:date="2026-01-01T00:00:00Z">'
            "<w:r><w:t>before you tire</w:t></w:r></w:ins>"
        )
    )
    paragraph._p.append(
        parse_xml(
            f'<w:del {nsdecls("w")} w:id="2" w:author="Dr Lee" w:date="2026-01-01T00:00:00Z">'
            "<w:r><w:delText>when you are exhausted</w:delText></w:r></w:del>"
        )
    )
    document.save(tmp_path / "pacing.docx")

    out, err, error = run(tmp_path / "pacing.docx", "--parent", "/articles/")

    assert error is None, err
    _, latest = draft("Pacing your day")
    body = text(blocks(latest, "paragraph")[0])
    assert body == "Plan rest before you tire"
    assert "tracked changes (1 insertion(s), 1 deletion(s)) were read as accepted" in err


def zip_with(path, members):
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return path


def a_real_docx(tmp_path):
    document = docx.Document()
    document.add_heading("A title", level=1)
    document.add_paragraph("Some text.")
    path = tmp_path / "real.docx"
    document.save(path)
    return path


@pytest.mark.parametrize(
    ("name", "make", "reason"),
    [
        (
            "renamed.docx",
            lambda tmp: (tmp / "renamed.docx").write_bytes(b"%PDF-1.4 not a word file") or None,
            "is not a Word document (.docx), whatever its name says",
        ),
        (
            "locked.docx",
            lambda tmp: (tmp / "locked.docx").write_bytes(
                b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 512
            ),
            "password-protected",
        ),
        (
            "macros.docm",
            lambda tmp: a_real_docx(tmp).rename(tmp / "macros.docm"),
            "macro-enabled documents (.docm) are not imported",
        ),
        (
            "vba.docx",
            lambda tmp: zip_with(
                tmp / "vba.docx",
                {
                    "[Content_Types].xml": "<Types/>",
                    "word/document.xml": "<w:document/>",
                    "word/vbaProject.bin": b"\0",
                },
            ),
            "the document contains macros",
        ),
        (
            "bomb.docx",
            lambda tmp: zip_with(
                tmp / "bomb.docx",
                {"word/document.xml": "<w:document/>", "word/padding.bin": b"\0" * (3 * 2**20)},
            ),
            "the document expands to 3 MB, more than the 2 MB",
        ),
        (
            "empty-zip.docx",
            lambda tmp: zip_with(tmp / "empty-zip.docx", {"hello.txt": "hi"}),
            "the archive has no Word document inside",
        ),
        (
            "damaged.docx",
            lambda tmp: (tmp / "damaged.docx").write_bytes(
                (lambda data: data[:200] + bytes(b ^ 0x55 for b in data[200:400]) + data[400:])(
                    a_real_docx(tmp).read_bytes()
                )
            ),
            "damaged",
        ),
        (
            "large.docx",
            lambda tmp: (tmp / "large.docx").write_bytes(b"PK" + b"\0" * (5 * 2**20)),
            "the file is 5.0 MB; the limit is 4 MB",
        ),
    ],
)
def test_a_bad_word_file_is_refused_with_a_reason_and_saves_nothing(
    article_index, tmp_path, settings, name, make, reason
):
    settings.IMPORT_MAX_UPLOAD_MB = 4
    settings.IMPORT_MAX_EXPANDED_MB = 2
    make(tmp_path)

    out, err, error = run(tmp_path / name, "--parent", "/articles/")

    assert error is not None
    assert f"{name} → failed: " in err
    assert reason in err
    assert ArticlePage.objects.count() == 0
    assert get_image_model().objects.count() == 0


def test_an_image_that_does_not_decode_refuses_the_document(article_index, tmp_path):
    document = docx.Document()
    document.add_heading("Imaging", level=1)
    document.add_picture(png())
    path = tmp_path / "broken-image.docx"
    document.save(path)
    with zipfile.ZipFile(path) as source:
        members = {info.filename: source.read(info) for info in source.infolist()}
    image = next(name for name in members if name.startswith("word/media/"))
    members[image] = members[image][:40]  # the header survives, the pixels do not
    zip_with(path, members)

    out, err, error = run(path, "--parent", "/articles/")

    assert error is not None
    assert "image 1 of the document cannot be read as an image" in err
    assert ArticlePage.objects.count() == 0
    assert get_image_model().objects.count() == 0


def test_a_spanish_faq_section_becomes_an_accordion(article_index, tmp_path):
    document = docx.Document()
    document.add_heading("Vivir con dolor crónico", level=0)
    document.add_paragraph("Un texto de introducción para el artículo.")
    document.add_heading("Preguntas frecuentes", level=1)
    document.add_heading("¿Duele la inyección?", level=2)
    document.add_paragraph("Sentirá una molestia breve.")
    document.save(tmp_path / "dolor.docx")

    out, err, error = run(tmp_path / "dolor.docx", "--parent", "/articles/")

    assert error is None, err
    _, latest = draft("Vivir con dolor crónico")
    (accordion,) = blocks(latest, "accordion")
    assert [item["title"] for item in accordion["items"]] == ["¿Duele la inyección?"]
