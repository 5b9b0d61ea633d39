"""StreamField blocks shared by the page types."""
from django.utils.translation import gettext_lazy as _
from wagtail import blocks
from wagtail.documents.blocks import DocumentChooserBlock


class LinkBlock(blocks.StructBlock):
    title = blocks.CharBlock(label=_("titolo"))
    url = blocks.URLBlock(label=_("indirizzo"))

    class Meta:
        icon = "link"
        label = _("collegamento esterno")


class DocumentBlock(blocks.StructBlock):
    document = DocumentChooserBlock(label=_("documento"))
    description = blocks.CharBlock(label=_("descrizione"), required=False)

    class Meta:
        icon = "doc-full"
        label = _("documento")


class MaterialsBlock(blocks.StreamBlock):
    """Materials and attachments: uploaded documents or external links."""

    document = DocumentBlock()
    link = LinkBlock()

    class Meta:
        label = _("materiali")


class BodyBlock(blocks.StreamBlock):
    """Free text of a page: paragraphs, headings, quotes."""

    heading = blocks.CharBlock(label=_("titolo di sezione"), icon="title", form_classname="title")
    paragraph = blocks.RichTextBlock(label=_("paragrafo"), features=["bold", "italic", "link", "ol", "ul", "document-link"])
    quote = blocks.BlockQuoteBlock(label=_("citazione"))
    document = DocumentBlock()

    class Meta:
        label = _("testo")


class FindingsBlock(blocks.StreamBlock):
    """Structured findings of a laboratorio: what works, what does not, open questions."""

    works = blocks.ListBlock(blocks.CharBlock(label=_("elemento")), label=_("Cosa funziona"), icon="tick")
    does_not_work = blocks.ListBlock(blocks.CharBlock(label=_("elemento")), label=_("Cosa non funziona"), icon="cross")
    open_questions = blocks.ListBlock(blocks.CharBlock(label=_("elemento")), label=_("Questioni aperte"), icon="help")
    note = blocks.RichTextBlock(label=_("nota"), features=["bold", "italic", "link", "ul"])

    class Meta:
        label = _("risultanze")


def document_ids(stream_value) -> list[int]:
    """Ids of the documents in a materials stream, without touching the database."""
    ids = []
    for item in getattr(stream_value, "raw_data", None) or []:
        if item.get("type") == "document":
            value = item.get("value") or {}
            doc_id = value.get("document") if isinstance(value, dict) else value
            if doc_id:
                ids.append(int(doc_id))
    return ids
