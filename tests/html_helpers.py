"""A tiny HTML reader for template tests (standard library only)."""

from html.parser import HTMLParser


class Element:
    def __init__(self, tag: str, attrs: dict[str, str | None]):
        self.tag = tag
        self.attrs = attrs
        self.text = ""

    @property
    def classes(self) -> list[str]:
        return (self.attrs.get("class") or "").split()

    def get(self, name: str, default=None):
        return self.attrs.get(name, default)


class _Collector(HTMLParser):
    VOID = {"input", "img", "br", "hr", "meta", "link"}

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.elements: list[Element] = []
        self._open: list[Element] = []

    def handle_starttag(self, tag, attrs):
        element = Element(tag, dict(attrs))
        self.elements.append(element)
        if tag not in self.VOID:
            self._open.append(element)

    def handle_endtag(self, tag):
        for index in range(len(self._open) - 1, -1, -1):
            if self._open[index].tag == tag:
                del self._open[index:]
                break

    def handle_data(self, data):
        for element in self._open:
            element.text += data


class Page:
    """Parsed HTML: look elements up by id, tag and class."""

    def __init__(self, html: str | bytes):
        if isinstance(html, bytes):
            html = html.decode()
        self.html = html
        collector = _Collector()
        collector.feed(html)
        self.elements = collector.elements

    def by_id(self, element_id: str) -> Element | None:
        matches = [e for e in self.elements if e.get("id") == element_id]
        assert len(matches) <= 1, f"duplicate id {element_id!r}"
        return matches[0] if matches else None

    def find_all(self, tag: str | None = None, cls: str | None = None, **attrs) -> list[Element]:
        found = []
        for element in self.elements:
            if tag and element.tag != tag:
                continue
            if cls and cls not in element.classes:
                continue
            if any(element.get(k.rstrip("_").replace("_", "-")) != v for k, v in attrs.items()):
                continue
            found.append(element)
        return found

    def find(self, tag: str | None = None, cls: str | None = None, **attrs) -> Element:
        found = self.find_all(tag, cls, **attrs)
        assert found, f"no <{tag} class={cls} {attrs}> in page"
        return found[0]

    def input_named(self, name: str, value: str | None = None) -> Element:
        for element in self.elements:
            if element.tag in ("input", "select", "textarea") and element.get("name") == name:
                if value is None or element.get("value") == value:
                    return element
        raise AssertionError(f"no input named {name!r} (value {value!r})")


def primary_navigation(html: str | bytes) -> Page:
    """The header's primary navigation list alone (top-row links, dropdown buttons and
    the links inside the dropdowns)."""
    if isinstance(html, bytes):
        html = html.decode()
    start = html.index('<ul class="usa-nav__primary')
    return Page(html[start : html.index('<div class="usa-nav__secondary"', start)])
