"""Small filters the newsletter's mail templates need."""
import html
import re

from django import template

register = template.Library()


@register.filter
def get_item_label(mapping, key):
    return mapping.get(key, "")


@register.filter
def html_to_text(fragment: str) -> str:
    """Rich text to readable plain text: paragraphs and list items on their own lines, links kept."""
    text = re.sub(r'<a\s[^>]*href="([^"]+)"[^>]*>(.*?)</a>', r"\2 (\1)", fragment or "", flags=re.S)
    text = re.sub(r"<li[^>]*>", "- ", text)
    text = re.sub(r"</(p|li|h\d|ul|ol)>|<br\s*/?>", "\n", text)
    text = re.sub(r"<[^>]+>", "", text)
    text = html.unescape(text)
    return "\n".join(line.strip() for line in text.splitlines() if line.strip())


@register.filter
def indent_lines(value: str, prefix: str = "  ") -> str:
    lines = str(value).splitlines()
    return ("\n" + prefix).join(lines)
