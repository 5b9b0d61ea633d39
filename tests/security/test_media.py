"""/media/ serves image renditions and nothing else (fast tier).

Originals (documents, original images) leave only through their permission-checked views;
the renditions templates show are served under /media/images/ in every mode, so production
(``DEBUG=false``) shows images too.
"""
from __future__ import annotations

import io

import pytest

from tests.accounts.conftest import make_document

pytestmark = [pytest.mark.django_db]


def _image():
    from django.core.files.images import ImageFile
    from PIL import Image as PILImage
    from wagtail.images import get_image_model

    buffer = io.BytesIO()
    PILImage.new("RGB", (64, 48), (200, 30, 30)).save(buffer, "PNG")
    image = get_image_model()(title="Foto dell'incontro")
    image.file = ImageFile(io.BytesIO(buffer.getvalue()), name="foto-incontro.png")
    image.save()
    return image


def _body(response) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


def test_media_serves_renditions_only(client, settings):
    from wagtail.models import PageViewRestriction

    from tests import builders

    reserved = make_document("Verbale riservato", "verbale-riservato.pdf")
    page = builders.news("Notizia riservata", "Solo per operatori.")
    page.attachments = [("document", {"document": reserved, "description": "verbale"})]
    page.save_revision().publish()
    PageViewRestriction.objects.create(page=page, restriction_type=PageViewRestriction.LOGIN)
    image = _image()
    rendition = image.get_rendition("width-32")

    assert client.get(reserved.url).status_code == 403, "the document view refuses it"
    direct = client.get(f"{settings.MEDIA_URL}{reserved.file.name}")
    assert direct.status_code == 404 and b"%PDF" not in _body(direct), reserved.file.name
    assert client.get(f"{settings.MEDIA_URL}{image.file.name}").status_code == 404, "originals are not public files"
    served = client.get(rendition.url)
    assert served.status_code == 200, rendition.url
    assert served["Content-Type"] == "image/png" and _body(served).startswith(b"\x89PNG")
    assert client.get(f"{settings.MEDIA_URL}images/../{reserved.file.name}").status_code in (400, 404)
