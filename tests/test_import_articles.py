"""`manage.py import_articles`: files exported from other sites become draft article pages."""

import html
import re
import shutil
from io import StringIO
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils.html import strip_tags
from wagtail.images import get_image_model

from articles.models import ArticlePage

FIXTURES = Path(__file__).parent / "fixtures" / "import"
SEED = Path(settings.BASE_DIR).parent / "shared" / "seed" / "ketamine-chronic-pain.txt"
CHROME = [
    "Accordion arrow",
    "Thank you! Your submission has been received!",
    "Oops! Something went wrong while submitting the form.",
]


def run(*args):
    """Run the command; returns (stdout, stderr, the CommandError raised or None)."""
    stdout, stderr = StringIO(), StringIO()
    try:
        call_command("import_articles", *map(str, args), stdout=stdout, stderr=stderr)
        error = None
    except CommandError as raised:
        error = raised
    return stdout.getvalue(), stderr.getvalue(), error


def draft(title):
    """An imported page as an editor sees it in the admin: its latest revision."""
    page = ArticlePage.objects.get(title=title)
    return page, page.get_latest_revision_as_object()


def blocks(page, block_type):
    return [block.value for block in page.body if block.block_type == block_type]


def text(rich_text):
    return " ".join(html.unescape(strip_tags(str(rich_text.source))).split())


def all_text(page):
    return " ".join(page.body.stream_block.get_searchable_content(page.body))


@pytest.fixture
def workdir(tmp_path):
    """A copy of the fixtures, free to change."""
    folder = tmp_path / "export"
    shutil.copytree(FIXTURES, folder)
    return folder


@pytest.mark.skipif(not SEED.exists(), reason=f"the seed article is not at {SEED}")
def test_seed_text_export_becomes_a_draft_with_its_outline(article_index):
    out, err, error = run(SEED, "--parent", "/articles/")

    assert error is None, err
    page, latest = draft(
        "Unlocking Relief: The Potential of Ketamine in Alleviating Chronic Pain Conditions"
    )
    assert page.get_parent().id == article_index.id
    assert not page.live
    assert [heading["text"] for heading in blocks(latest, "heading")] == [
        "Understanding Chronic Pain",
        "The Ketamine Connection",
        "NMDA Receptor Modulation",
        "Neuroplasticity and Ketamine",
        "Fibromyalgia and Neuropathic Pain",
        "Migraine Management",
    ]
    # The article's paragraphs are its long lines; headings, title and chrome are all short.
    lines = [" ".join(line.split()) for line in SEED.read_text(encoding="utf-8").splitlines()]
    paragraphs = [line for line in lines if len(line.split()) >= 15]
    assert len(paragraphs) >= 7
    imported = " ".join(text(value) for value in blocks(latest, "paragraph"))
    for paragraph in paragraphs:
        assert imported.count(paragraph) == 1, paragraph[:60]
    everything = f"{latest.title} {latest.summary} {all_text(latest)}"
    for chrome in CHROME:
        assert chrome not in everything
    assert 0 < len(latest.summary) <= 300
    assert paragraphs[0].startswith(latest.summary.rstrip("…"))
    assert "[1/1]" in out and "created" in out


def test_html_export_becomes_headings_paragraphs_accordions_and_an_image(
    article_index, admin_client
):
    out, err, error = run(FIXTURES / "nerve-block.html", "--parent", "/articles/")

    assert error is None, err
    page, latest = draft("What to Expect From a Nerve Block Appointment")
    assert not page.live
    assert [block.block_type for block in latest.body] == [
        "paragraph",
        "image",
        "heading",
        "paragraph",
        "heading",
        "paragraph",
        "heading",
        "paragraph",
        "heading",
        "accordion",
    ]
    assert [(h["text"], h["level"]) for h in blocks(latest, "heading")] == [
        ("Before the Appointment", "h2"),
        ("Blood thinners", "h3"),
        ("On the Day", "h2"),
        ("Common Questions", "h2"),
    ]
    prose = "".join(value.source for value in blocks(latest, "paragraph"))
    assert re.search(r"<(b|strong)>specific nerve</(b|strong)>", prose)
    assert re.search(r"<(i|em)>rehabilitation</(i|em)>", prose)
    assert '<a href="https://example.org/nerve-blocks">patient leaflet</a>' in prose
    assert "<ul><li>a list of the medicines you take,</li>" in prose
    assert "<ol>" in prose
    for unsafe in ("<script", "alert(", "onclick", "track()"):
        assert unsafe not in prose

    (accordion,) = blocks(latest, "accordion")
    assert [item["title"] for item in accordion["items"]] == [
        "Does the injection hurt?",
        "How soon will it work?",
        "Local anaesthetic",
        "Steroid",
    ]
    assert "brief sting" in text(accordion["items"][0]["body"])
    assert "calms inflammation" in text(accordion["items"][3]["body"])

    (image,) = blocks(latest, "image")
    assert image["alt_text"] == "A treatment room with an adjustable couch"
    assert not image["decorative"]
    assert get_image_model().objects.get().title == "A treatment room with an adjustable couch"

    everything = f"{latest.summary} {all_text(latest)}"
    for chrome in [*CHROME, "We use cookies", "Accept all", "Contact us", "Treatments", "©"]:
        assert chrome not in everything
    assert latest.summary.startswith("A nerve block is an injection")

    # An editor can open the imported draft.
    response = admin_client.get(reverse("wagtailadmin_pages:edit", args=[page.id]))
    assert response.status_code == 200


def test_markdown_export_becomes_headings_lists_links_and_an_image(article_index):
    out, err, error = run(FIXTURES / "physiotherapy-after-injection.md", "--parent", "/articles/")

    assert error is None, err
    page, latest = draft("Gentle Movement After a Spinal Injection")
    assert not page.live
    assert [(h["text"], h["level"]) for h in blocks(latest, "heading")] == [
        ("The First Two Days", "h2"),
        ("When to Call Us", "h3"),
        ("Building Up", "h2"),
        ("Frequently Asked Questions", "h2"),
        ("Can I drive home?", "h3"),
        ("Can I shower?", "h3"),
    ]
    assert [block.block_type for block in latest.body][:2] == ["paragraph", "image"]
    prose = "".join(value.source for value in blocks(latest, "paragraph"))
    assert "<li>avoid heavy lifting</li>" in prose
    assert "<li>Add a few minutes to each walk.</li>" in prose
    assert '<a href="https://example.org/aftercare">aftercare page</a>' in prose
    assert "alert(" not in prose and "<script" not in prose
    (image,) = blocks(latest, "image")
    assert image["alt_text"] == "A physiotherapist guiding a stretch"


def test_sections_under_a_chosen_heading_become_accordion_items(article_index):
    out, err, error = run(
        FIXTURES / "physiotherapy-after-injection.md",
        "--parent",
        "/articles/",
        "--sections-as-accordion",
        "Frequently asked questions",
    )

    assert error is None, err
    page, latest = draft("Gentle Movement After a Spinal Injection")
    headings = [h["text"] for h in blocks(latest, "heading")]
    assert "Frequently Asked Questions" in headings
    assert "Can I drive home?" not in headings
    (accordion,) = blocks(latest, "accordion")
    assert [item["title"] for item in accordion["items"]] == ["Can I drive home?", "Can I shower?"]
    assert text(accordion["items"][1]["body"]) == (
        "Yes, from the next day; keep the dressing dry until then."
    )
    # The section's introduction stays above the accordion.
    types = [block.block_type for block in latest.body]
    assert types[-3:] == ["heading", "paragraph", "accordion"]


def test_dry_run_prints_the_outline_and_saves_nothing(article_index):
    out, err, error = run(FIXTURES, "--parent", "/articles/", "--dry-run")

    assert error is None, err
    assert not ArticlePage.objects.exists()
    assert not get_image_model().objects.exists()
    assert "[1/2]" in out and "[2/2]" in out
    assert out.count("dry-run (would be created)") == 2
    assert "title: What to Expect From a Nerve Block Appointment" in out
    assert "heading h3: Blood thinners" in out
    assert "item: Does the injection hurt?" in out
    assert 'image: injection-room.png (alt "A physiotherapist guiding a stretch")' in out
    assert "Dry run, nothing saved: would import 2, update 0; failed 0." in out


def test_importing_a_file_again_updates_its_draft(article_index, workdir):
    source = workdir / "physiotherapy-after-injection.md"
    run(source, "--parent", "/articles/")
    page = ArticlePage.objects.get()
    revisions = page.revisions.count()

    source.write_text(
        source.read_text().replace("Keep activity light.", "Keep activity very light."),
        encoding="utf-8",
    )
    out, err, error = run(source, "--parent", "/articles/")

    assert error is None, err
    assert "updated" in out
    assert ArticlePage.objects.count() == 1
    page.refresh_from_db()
    assert page.revisions.count() == revisions + 1
    assert not page.live
    assert "Keep activity very light." in all_text(page.get_latest_revision_as_object())
    # The same picture is not imported twice.
    assert get_image_model().objects.count() == 1


def test_a_broken_file_is_reported_and_the_others_still_imported(article_index, workdir):
    (workdir / "garbage.txt").write_bytes(b"\x89PNG\x00\x00\x01\xff")
    (workdir / "latin1.md").write_bytes("# Caf\xe9 consultations\n\nText.".encode("latin-1"))
    (workdir / "empty.html").write_text("  \n", encoding="utf-8")
    (workdir / "untitled.html").write_text("<p>Words without a title.</p>", encoding="utf-8")

    out, err, error = run(workdir, "--parent", "/articles/")

    assert error is not None
    assert "4 of 6 file(s) could not be imported" in str(error)
    assert "garbage.txt → failed: looks like a binary file" in err
    assert "latin1.md → failed: is not UTF-8 text" in err
    assert "empty.html → failed: the file is empty" in err
    assert "untitled.html → failed: no title found" in err
    assert ArticlePage.objects.count() == 2
    progress = sorted(line[:5] for line in (out + err).splitlines() if line.startswith("["))
    assert progress == [f"[{n}/6]" for n in range(1, 7)]
    assert "Imported 2, updated 0, failed 4." in out


def test_drop_patterns_extend_the_chrome_rules(article_index, tmp_path):
    source = tmp_path / "exercise.txt"
    source.write_text(
        "Menu\n\nWalking With Back Pain\n\nShort daily walks keep the back supple.\n\n"
        "Pacing\n\nWalk a little less than feels possible, then add a minute each week.\n\n"
        "Call us today on 0100 000 000\n",
        encoding="utf-8",
    )
    rules = tmp_path / "rules.txt"
    rules.write_text("# our footer\nsupple\\b.*|short daily walks.*\n", encoding="utf-8")

    out, err, error = run(source, "--parent", "/articles/", "--drop-pattern", r"call us today.*")

    assert error is None, err
    page, latest = draft("Walking With Back Pain")
    assert [h["text"] for h in blocks(latest, "heading")] == ["Pacing"]
    assert "Call us today" not in all_text(latest)
    assert "Short daily walks" in all_text(latest)

    run(source, "--parent", "/articles/", "--drop-rules", rules)
    page, latest = draft("Walking With Back Pain")
    assert "Short daily walks" not in all_text(latest)
    assert "Call us today" in all_text(latest)


def test_bad_options_are_refused_with_a_clear_message(article_index, home):
    source = FIXTURES / "nerve-block.html"

    with pytest.raises(CommandError, match=r"no page at /nowhere/"):
        call_command("import_articles", str(source), "--parent", "/nowhere/")
    with pytest.raises(CommandError, match=r"/ is a home page .* not an articles index"):
        call_command("import_articles", str(source), "--parent", "/")
    with pytest.raises(CommandError, match=r"not a valid regular expression"):
        call_command(
            "import_articles", str(source), "--parent", "/articles/", "--drop-pattern", "("
        )
    assert not ArticlePage.objects.exists()


def test_a_missing_image_is_a_warning_not_a_failure(article_index, workdir):
    (workdir / "images" / "injection-room.png").unlink()

    out, err, error = run(workdir / "nerve-block.html", "--parent", "/articles/")

    assert error is None, err
    assert "warning" in err and "images/injection-room.png not found" in err
    page, latest = draft("What to Expect From a Nerve Block Appointment")
    assert not blocks(latest, "image")


def test_plain_text_headings_lists_and_whole_article_accordion(article_index, tmp_path):
    source = tmp_path / "sleep.txt"
    source.write_text(
        "Sleeping Better With Chronic Pain\n\n"
        "Poor sleep and pain feed each other, so small changes at night can help by day.\n\n"
        "A Steady Routine\n\n"
        "Going to bed and getting up at the same times sets the body clock.\n\n"
        "- keep the bedroom dark\n- put screens away an hour before bed\n\n"
        "Is a nap a good idea?\n\n"
        "Pillows and Positions\n\n"
        "A pillow between the knees eases the lower back for side sleepers.\n",
        encoding="utf-8",
    )

    out, err, error = run(source, "--parent", "/articles/")

    assert error is None, err
    page, latest = draft("Sleeping Better With Chronic Pain")
    assert [h["text"] for h in blocks(latest, "heading")] == [
        "A Steady Routine",
        "Pillows and Positions",
    ]
    prose = "".join(value.source for value in blocks(latest, "paragraph"))
    assert "<ul><li>keep the bedroom dark</li><li>put screens away" in prose
    # A short line ending in a question mark is text, not a heading.
    assert "<p>Is a nap a good idea?</p>" in prose

    run(
        source,
        "--parent",
        "/articles/",
        "--sections-as-accordion",
        "Sleeping better with chronic pain",
    )
    page, latest = draft("Sleeping Better With Chronic Pain")
    assert [block.block_type for block in latest.body] == ["paragraph", "accordion"]
    (accordion,) = blocks(latest, "accordion")
    assert [item["title"] for item in accordion["items"]] == [
        "A Steady Routine",
        "Pillows and Positions",
    ]


# Images from outside the import folder


PNG = (FIXTURES / "images" / "injection-room.png").read_bytes()


@pytest.fixture
def secret_image(tmp_path):
    """An image beside the import folder, not in it: nothing the import may read."""
    secret = tmp_path / "private" / "secret.png"
    secret.parent.mkdir()
    secret.write_bytes(PNG)
    return secret


def article_with_image(folder, src, name="escape.html"):
    folder.mkdir(parents=True, exist_ok=True)
    source = folder / name
    source.write_text(
        f'<h1>Images from elsewhere</h1><p>Some text.</p><img src="{src}" alt="Secret">'
    )
    return source


@pytest.mark.parametrize(
    "src", ["../private/secret.png", "sub/../../private/secret.png", "%2e%2e/private/secret.png"]
)
def test_an_image_outside_the_import_folder_is_refused(article_index, tmp_path, secret_image, src):
    folder = tmp_path / "export"
    source = article_with_image(folder, src)

    out, err, error = run(folder, "--parent", "/articles/")

    assert error is None, err
    assert f"warning: {source}: image {src} is outside the import folder" in err
    page, latest = draft("Images from elsewhere")
    assert not blocks(latest, "image")
    assert not get_image_model().objects.exists()


def test_an_absolute_image_path_is_read_inside_the_import_folder_only(
    article_index, tmp_path, secret_image
):
    folder = tmp_path / "export"
    source = article_with_image(folder, str(secret_image))

    out, err, error = run(folder, "--parent", "/articles/")

    assert error is None, err
    assert f"warning: {source}: image {secret_image}" in err
    assert not get_image_model().objects.exists()


def test_a_symlink_out_of_the_import_folder_is_refused(article_index, tmp_path, secret_image):
    folder = tmp_path / "export"
    source = article_with_image(folder, "images/innocent.png")
    (folder / "images").mkdir()
    (folder / "images" / "innocent.png").symlink_to(secret_image)

    out, err, error = run(source, "--parent", "/articles/")

    assert error is None, err
    assert f"warning: {source}: image images/innocent.png is outside the import folder" in err
    assert not get_image_model().objects.exists()


def test_an_image_elsewhere_in_the_import_folder_is_imported(article_index, tmp_path):
    folder = tmp_path / "export"
    (folder / "images").mkdir(parents=True)
    (folder / "images" / "room.png").write_bytes(PNG)
    article_with_image(folder / "articles", "../images/room.png")

    out, err, error = run(folder, "--parent", "/articles/")

    assert error is None, err
    assert "outside" not in err
    page, latest = draft("Images from elsewhere")
    assert len(blocks(latest, "image")) == 1
    assert get_image_model().objects.count() == 1


def test_a_single_file_may_not_reach_above_its_own_folder(article_index, tmp_path):
    folder = tmp_path / "export"
    (folder / "images").mkdir(parents=True)
    (folder / "images" / "room.png").write_bytes(PNG)
    source = article_with_image(folder / "articles", "../images/room.png")

    out, err, error = run(source, "--parent", "/articles/")

    assert error is None, err
    assert f"warning: {source}: image ../images/room.png is outside the import folder" in err
    assert not get_image_model().objects.exists()


def test_accessibility_problems_are_warnings_on_the_draft(article_index, tmp_path):
    source = tmp_path / "pacing.md"
    source.write_text(
        "# Pacing Your Day\n\n"
        "Pacing means doing a little, then resting, so pain does not stop you for days.\n\n"
        "## Plan the Week\n\n"
        "Our worksheet helps you plan: [click here](https://example.org/worksheet).\n",
        encoding="utf-8",
    )

    out, err, error = run(source, "--parent", "/articles/")

    assert error is None, err
    assert "created: Pacing Your Day" in out
    assert (
        f"warning: {source}: not publishable yet: Block 3 (Paragraph): The link text "
        "'click here' does not say where it goes"
    ) in err
    page, latest = draft("Pacing Your Day")
    assert not page.live
    assert [problem["where"] for problem in latest.accessibility_problems] == [
        "Block 3 (Paragraph)"
    ]
