"""`{% per_language "name" %}…{% end_per_language %}`: a piece of a page that depends on nothing but the
interface language (static links, the public menu, fixed labels) rendered once per language and process,
then reused. The page frame is on every request, the public catalog's hot path among them; its URL
reversals and translations cost more than the rest of an anonymous page's frame
(benchmarks/scenarios/catalog.py, `catalog-uncached`). Nothing inside may read the request, the user or
the time: the first rendering is kept until the process ends."""

from __future__ import annotations

from django import template
from django.utils import translation
from django.utils.safestring import SafeString, mark_safe

register = template.Library()

_rendered: dict[tuple[str, str], SafeString] = {}


class PerLanguageNode(template.Node):
    def __init__(self, name: str, nodelist: template.NodeList) -> None:
        self.name, self.nodelist = name, nodelist

    def render(self, context: template.Context) -> str:
        key = (self.name, translation.get_language() or "")
        html = _rendered.get(key)
        if html is None:
            html = _rendered[key] = mark_safe(self.nodelist.render(context))  # noqa: S308 - rendered by the engine
        return html


@register.tag
def per_language(parser: template.base.Parser, token: template.base.Token) -> PerLanguageNode:
    bits = token.split_contents()
    if len(bits) != 2 or bits[1][0] not in "\"'" or bits[1][0] != bits[1][-1]:
        raise template.TemplateSyntaxError(
            'per_language takes one quoted name: {% per_language "public_menu" %}'
        )
    nodelist = parser.parse(("end_per_language",))
    parser.delete_first_token()
    return PerLanguageNode(bits[1][1:-1], nodelist)
