"""The pieces without a web request: rich text stays safe, uploads are checked before storing."""

from __future__ import annotations

import hashlib
import io
import uuid

import pytest

from core.file_store import FileRefused, LocalDiskFileStore
from core.richtext import render_rich_text
from plugins.starters import uploads
from plugins.starters.uploads import UploadRefused
from tests.plugins.starters.conftest import PDF, PNG


def test_rich_text_renders_the_small_subset():
    html = render_rich_text("Een **premie** voor *starters*.\n\n- eerste\n- tweede")
    assert "<strong>premie</strong>" in html
    assert "<em>starters</em>" in html
    assert '<ul class="utrecht-unordered-list"><li>eerste</li><li>tweede</li></ul>' in html


@pytest.mark.parametrize(
    "attack",
    [
        "<script>alert(1)</script>",
        '<img src=x onerror="alert(1)">',
        "[klik](javascript:alert(1))",
        '[klik](https://x.be" onmouseover="alert(1))',
        "**<b onclick=alert(1)>vet</b>**",
    ],
)
def test_rich_text_never_lets_markup_or_script_links_through(attack):
    html = str(render_rich_text(attack))
    assert "<script" not in html and "<img" not in html and "<b " not in html
    assert 'href="javascript' not in html
    assert 'onmouseover="' not in html and 'onerror="' not in html


def test_rich_text_links_only_to_web_and_mail_addresses():
    html = str(render_rich_text("[site](https://gemeente.be/starters) [mail](mailto:a@b.be)"))
    assert 'href="https://gemeente.be/starters"' in html
    assert 'href="mailto:a@b.be"' in html
    assert 'rel="noopener noreferrer nofollow"' in html


def accept(data: bytes, name: str, scanner=uploads.no_virus_scan):
    return uploads.accept(io.BytesIO(data), name, scanner)


def test_pdf_png_and_jpeg_with_matching_content_are_accepted():
    assert accept(PDF, "plan.pdf")[2] == "application/pdf"
    assert accept(PNG, "Plan.PNG")[2] == "image/png"
    assert accept(b"\xff\xd8\xff\xe0" + b"0" * 10, "foto.jpeg")[2] == "image/jpeg"


@pytest.mark.parametrize(
    ("data", "name", "code"),
    [
        (PDF, "plan.exe", "wrong_type"),
        (PDF, "plan.html", "wrong_type"),
        (b"MZ\x90\x00", "plan.pdf", "content_mismatch"),
        (b"", "plan.pdf", "empty"),
        (PDF, "", "no_file"),
        (PDF, "../../etc/passwd.pdf", "bad_name"),
        (PDF, "..\\..\\win.pdf", "bad_name"),
        (PDF, "/etc/plan.pdf", "bad_name"),
        (PDF, "plan\x00.pdf", "bad_name"),
        (PDF, ".verborgen.pdf", "bad_name"),
        (PDF, "C:plan.pdf", "bad_name"),
    ],
)
def test_uploads_are_refused_for_type_content_and_path_tricks(data, name, code):
    with pytest.raises(UploadRefused) as refused:
        accept(data, name)
    assert refused.value.code == code


def test_a_file_over_the_limit_is_refused_without_reading_it_all():
    class Endless(io.RawIOBase):
        read_sizes: list[int] = []

        def read(self, size=-1):
            self.read_sizes.append(size)
            return b"%" * size

    with pytest.raises(UploadRefused) as refused:
        uploads.read_limited(Endless(), limit=100)
    assert refused.value.code == "too_big"
    assert Endless.read_sizes == [101]


def test_the_virus_scanner_is_asked_and_can_refuse():
    seen = []

    def scanner(data: bytes, name: str) -> str | None:
        seen.append(name)
        return "EICAR test signature"

    with pytest.raises(UploadRefused) as refused:
        accept(PDF, "plan.pdf", scanner)
    assert refused.value.code == "infected" and refused.value.detail == "EICAR test signature"
    assert seen == ["plan.pdf"]


def test_files_are_stored_under_tenant_and_application_with_a_random_name(tmp_path):
    tenant, application = uuid.uuid4(), uuid.uuid4()
    files = LocalDiskFileStore(tmp_path)
    stored = uploads.store(files, tenant, application, PDF, "plan.pdf", "application/pdf")
    path = tmp_path / str(tenant) / str(application) / stored.stored_name
    assert not path.exists()  # pending until its row is committed
    files.publish(tenant, application, stored.stored_name)
    assert path.read_bytes() == PDF
    assert stored.stored_name != "plan.pdf" and len(stored.stored_name) == 32
    assert stored.sha256 == hashlib.sha256(PDF).hexdigest() and stored.size_bytes == len(PDF)


@pytest.mark.parametrize("name", ["../x", "..", "a" * 31 + "/", "ABCDEF" * 6, "/etc/passwd"])
def test_a_stored_file_is_only_found_by_names_we_generated(tmp_path, name):
    with pytest.raises(FileRefused):
        LocalDiskFileStore(tmp_path).read(uuid.uuid4(), uuid.uuid4(), name)
