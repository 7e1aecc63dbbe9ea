"""HTML to tagged PDF with WeasyPrint, without touching the network.

Workers have no request, and a PDF must never depend on a web server being up
or leak a request to another host: the URL fetcher serves STATIC_URL paths from
the files Django's staticfiles finders know (and inline data: URLs, such as
server-side SVG charts), and refuses everything else.

WeasyPrint is imported when a PDF is made, not when Django starts: the import
costs about a second and every web process and management command would pay it.

WeasyPrint's tagged output (70.0) falls short of PDF/UA in four ways, all repaired in
`pdf_ua_repair` (the one place that edits a finished PDF), which changes tags only, never
what a page draws:
- margin boxes (marking, running head, page numbers) are marked content with no
  structure element: they become /Artifact /Pagination, out of the tree;
- a TH carries no /Scope: /Column in a THead, /Row elsewhere;
- the tree is built page by page, so an element that crosses a page break becomes one
  element per page (a table over three pages: three /Table, each in its own /Part):
  the fragments are joined into one element, with the header row repeated on later pages
  (and all but the last footer copy) as artifacts (Kozea/WeasyPrint#2903, open). Which
  fragments belong together comes from the laid-out boxes (`page_fragments`), so the
  repair needs the document, not only its bytes: use `tagged_pdf(document)`;
- TH /IDs that cells name in /Headers have no /IDTree to resolve them.
"""

import functools
import io
import logging
import re
from urllib.parse import unquote, urlsplit

from django.conf import settings
from django.contrib.staticfiles import finders
from django.template.loader import render_to_string

logger = logging.getLogger(__name__)

# PDF/UA-1: a tagged PDF (structure tree, /MarkInfo /Marked true, document title
# and language) that screen readers can follow. WeasyPrint embeds (subsets of)
# every font it uses.
PDF_OPTIONS = {"pdf_variant": "pdf/ua-1", "pdf_tags": True}


class RefusedURL(ValueError):
    """A PDF template asked for a resource outside the static files."""


def static_file_for(url: str, base_url: str) -> str:
    """The file behind a STATIC_URL address, or RefusedURL for any other address."""
    static_url = settings.STATIC_URL
    if urlsplit(static_url).scheme:  # STATIC_URL on another host (a CDN)
        prefix = static_url
    else:  # "/static/": relative to the base URL the HTML was rendered with
        prefix = base_url.rstrip("/") + "/" + static_url.lstrip("/")
    path = unquote(urlsplit(url[len(prefix) :]).path) if url.startswith(prefix) else ""
    found = finders.find(path) if path and ".." not in path.split("/") else None
    if not found:
        logger.warning("PDF rendering refused to fetch %s", url)
        raise RefusedURL(f"Only static files may be loaded into a PDF, not {url}")
    return found


@functools.lru_cache(maxsize=16)
def _font_file(path: str) -> bytes:
    """A vendored web font as plain TrueType/OpenType, decompressed once per process.

    WeasyPrint would otherwise decompress each WOFF2 font on every render (about
    0.2 s a face).
    """
    with open(path, "rb") as fh:
        data = fh.read()
    if data[:4] == b"wOF2":
        from fontTools.ttLib import woff2

        out = io.BytesIO()
        woff2.decompress(io.BytesIO(data), out)
        data = out.getvalue()
    return data


def static_files_url_fetcher(base_url: str):
    """A WeasyPrint URL fetcher that maps STATIC_URL to files and refuses other URLs."""
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    class StaticFilesURLFetcher(URLFetcher):
        def fetch(self, url, headers=None):
            if url.startswith("data:"):
                return super().fetch(url, headers)  # inline data; nothing leaves the process
            path = static_file_for(url, base_url)
            if path.endswith(".woff2"):
                return URLFetcherResponse(url, _font_file(path), status=200)
            with open(path, "rb") as fh:
                return URLFetcherResponse(url, fh.read(), status=200)

    # Only data: reaches the stock fetcher; http, https, ftp and file are refused.
    return StaticFilesURLFetcher(allowed_protocols={"data"})


def render_document(template_name: str, context: dict):
    """The laid-out WeasyPrint document (pages and boxes) of a PDF template."""
    from weasyprint import HTML

    html = render_to_string(template_name, context)
    # An absolute base lets `{% static %}` paths resolve to a URL the fetcher maps;
    # it is never requested.
    base_url = f"{settings.SITE_URL}/"
    return HTML(
        string=html, base_url=base_url, url_fetcher=static_files_url_fetcher(base_url)
    ).render(**PDF_OPTIONS)


def tagged_pdf(document) -> bytes:
    """The PDF/UA file of a laid-out document: WeasyPrint's output, repaired."""
    return pdf_ua_repair(document.write_pdf(**PDF_OPTIONS), fragments=page_fragments(document))


def html_to_pdf(template_name: str, context: dict) -> tuple[bytes, int]:
    """Render a template to a tagged PDF/UA file; returns (pdf bytes, page count)."""
    document = render_document(template_name, context)
    return tagged_pdf(document), len(document.pages)


# --- PDF/UA repair ----------------------------------------------------------------------

# How pydyf writes the start of a tagged marked-content sequence: "/Span <</MCID 3>> BDC".
_MARKED_CONTENT = re.compile(rb"/(\w+)\s*<<\s*/MCID\s+(\d+)\s*>>\s*BDC")
_ARTIFACT = b"/Artifact <</Type /Pagination>> BDC"


def _kids(element):
    """The structure elements directly under `element` (not MCIDs or references)."""
    import pikepdf

    kids = element.get("/K")
    if kids is None:
        return []
    if not isinstance(kids, pikepdf.Array):
        kids = [kids]
    return [k for k in kids if isinstance(k, pikepdf.Dictionary) and "/S" in k]


def _walk(element):
    yield element
    for kid in _kids(element):
        yield from _walk(kid)


# --- elements split at page breaks ------------------------------------------------------

# Structure types whose per-page fragments are joined into one element. WeasyPrint names
# each of these from the HTML tag alone (`weasyprint.pdf.tags._get_pdf_tag`), whatever the
# box, so the laid-out boxes and the structure elements of these types pair one to one,
# in order. Not joined: TR, TH and TD (rows never split: `break-inside: avoid`), LI and
# Span (their type depends on the parent), and NonStruct.
_JOINED = frozenset(
    {"Part", "Art", "Sect", "Div", "BlockQuote", "P", "L", "Caption"}
    | {"H1", "H2", "H3", "H4", "H5", "H6"}
    | {"Table", "THead", "TBody", "TFoot"}
)
# Row groups a table repeats on each page it spans: the copies after the first are
# pagination artifacts, not content.
_REPEATED = frozenset({"THead", "TFoot"})


def page_fragments(document) -> list[tuple[str, int | None]] | None:
    """What `pdf_ua_repair` needs to join elements split at page breaks.

    One entry per joinable structure element WeasyPrint writes for `document`, in tree
    order: its type, and the index of the entry it continues (None when it starts an
    element). A fragment continues another when both come from the same HTML element
    (at the same level of anonymous boxes), the other is the element's last fragment on
    the previous page and this one is its first on its page. The walk mirrors
    `weasyprint.pdf.tags._build_box_tree`; `pdf_ua_repair` checks the types pair up.
    None when this WeasyPrint lacks what the walk uses: the PDF is then made unjoined
    (the structure tests fail) rather than not at all.
    """
    from weasyprint.formatting_structure import boxes
    from weasyprint.layout.absolute import AbsolutePlaceholder

    try:
        from weasyprint.pdf.tags import _get_pdf_tag  # the tag mapping WeasyPrint itself uses
    except ImportError:
        logger.error("weasyprint.pdf.tags._get_pdf_tag is gone; page fragments left unjoined")
        return None

    found = []  # (type, key, page)

    def visit(box, page, parent_key):
        if isinstance(box, AbsolutePlaceholder):
            box = box._box
        if isinstance(box, boxes.MarginBox):
            return  # their elements stay out of the tree
        name = None if box.element is None else box.element_tag
        if name in ("html", "body") or isinstance(box, boxes.PageBox):
            if isinstance(box, boxes.ParentBox) and not isinstance(box, boxes.LineBox):
                for child in box.children:
                    visit(child, page, None)
                return
        # Anonymous boxes share their parent's element: count the levels to tell them apart.
        element_id = id(box.element)
        same = parent_key is not None and parent_key[0] == element_id
        key = (element_id, parent_key[1] + 1 if same else 0)
        tag = _get_pdf_tag(name)
        if tag in _JOINED:
            found.append((tag, key, page))
        children = box.children
        if tag == "Table" and box.is_table_wrapper and (table := box.get_wrapped_table()):
            children = [
                c for child in children for c in (child.children if child is table else [child])
            ]
        for child in children:
            for grandchild in child.children if isinstance(child, boxes.LineBox) else [child]:
                if not isinstance(grandchild, boxes.TextBox):
                    visit(grandchild, page, key)

    for number, page in enumerate(document.pages):
        visit(page._page_box, number, None)

    last_on_page = {}  # (key, page) -> index of the key's last fragment on that page
    fragments = []
    for index, (tag, key, page) in enumerate(found):
        starts_page = (key, page) not in last_on_page
        previous = last_on_page.get((key, page - 1)) if starts_page else None
        fragments.append((tag, previous))
        last_on_page[(key, page)] = index
    return fragments


def _kid_list(element) -> list:
    """An element's /K as a list: structure elements, MCIDs, MCR and OBJR dictionaries."""
    import pikepdf

    kids = element.get("/K")
    if kids is None:
        return []
    return list(kids) if isinstance(kids, pikepdf.Array) else [kids]


def _detach(element, document) -> None:
    """Take `element` out of its parent's kids; a parent left empty goes too."""
    import pikepdf

    parent = element.P
    parent.K = pikepdf.Array(
        [
            kid
            for kid in _kid_list(parent)
            if not (isinstance(kid, pikepdf.Dictionary) and kid.objgen == element.objgen)
        ]
    )
    if not parent.K and parent.objgen != document.objgen:
        _detach(parent, document)


class _ParentTree:
    """Re-points marked content and annotations at a new parent in the flat /Nums array."""

    def __init__(self, pdf):
        self.nums = pdf.Root.StructTreeRoot.ParentTree.Nums
        self.position = {int(self.nums[i]): i + 1 for i in range(0, len(self.nums), 2)}
        self.key_of_page = {
            page.obj.objgen: int(page.obj.StructParents)
            for page in pdf.pages
            if "/StructParents" in page.obj
        }

    def repoint(self, kid, page, element) -> None:
        import pikepdf

        if isinstance(kid, pikepdf.Dictionary) and kid.get("/Type") == "/OBJR":
            if "/StructParent" in kid.Obj:
                self.nums[self.position[int(kid.Obj.StructParent)]] = element
            return
        if isinstance(kid, pikepdf.Dictionary):  # an /MCR: marked content, maybe elsewhere
            page, kid = kid.get("/Pg", page), int(kid.MCID)
        self.nums[self.position[self.key_of_page[page.objgen]]][int(kid)] = element


def _move_kids(source, target, parent_tree) -> None:
    """Append `source`'s kids to `target`'s: elements, and content kept on its own page."""
    import pikepdf

    kids = _kid_list(target)
    for kid in _kid_list(source):
        if isinstance(kid, pikepdf.Dictionary) and "/S" in kid:
            kid.P = target
        else:
            parent_tree.repoint(kid, source.Pg, target)
            if not isinstance(kid, pikepdf.Dictionary):  # a bare MCID means "on /Pg"
                kid = pikepdf.Dictionary(Type=pikepdf.Name.MCR, MCID=kid, Pg=source.Pg)
            elif kid.get("/Type") == "/MCR" and "/Pg" not in kid:
                kid.Pg = source.Pg
        kids.append(kid)
    target.K = pikepdf.Array(kids)
    source.K = pikepdf.Array()


def _cells(element, tag):
    return [e for e in _walk(element) if e.get("/S") == tag]


def _join_page_fragments(pdf, document, fragments) -> None:
    """Join each element WeasyPrint split at page breaks (see `page_fragments`).

    A continuation's kids move to the end of the element's first fragment and the
    continuation leaves the tree; a repeated THead or TFoot copy leaves it without its
    kids (so its content becomes an artifact) and the cells that named its TH in /Headers
    name the kept copy's. Only /K, /P, /Headers and the ParentTree change: the pages'
    content is not touched.
    """
    import pikepdf

    elements = [e for e in _walk(document) if str(e.get("/S"))[1:] in _JOINED]
    if [str(e.S)[1:] for e in elements] != [tag for tag, _ in fragments]:
        # A WeasyPrint whose tagging this walk no longer mirrors: leave the fragments.
        logger.error("PDF structure and layout disagree; page fragments left unjoined")
        return
    parent_tree = _ParentTree(pdf)
    kept = list(range(len(elements)))  # index -> the fragment that stands for its element
    renamed = {}  # a dropped TH copy's /ID -> the kept copy's
    for index, (tag, continues) in enumerate(fragments):
        if continues is None:
            continue
        fragment, previous = elements[index], kept[continues]
        if tag not in _REPEATED:
            kept[index] = previous
            _move_kids(fragment, elements[previous], parent_tree)
            _detach(fragment, document)
            continue
        # A header repeats at the top of each page: the first copy stays. A footer repeats
        # at the bottom: the last copy stays, the one under the last row.
        dropped, kept[index] = (
            (fragment, previous) if tag == "THead" else (elements[previous], index)
        )
        for copy, original in zip(
            _cells(dropped, "/TH"), _cells(elements[kept[index]], "/TH"), strict=False
        ):
            if "/ID" in copy and "/ID" in original:
                renamed[bytes(copy.ID)] = original.ID
        _detach(dropped, document)

    def current(header_id):
        while bytes(header_id) in renamed:
            header_id = renamed[bytes(header_id)]
        return header_id

    for element in _walk(document):
        attrs = element.get("/A")
        if element.get("/S") in ("/TD", "/TH") and isinstance(attrs, pikepdf.Dictionary):
            if "/Headers" in attrs:
                attrs.Headers = pikepdf.Array([current(h) for h in attrs.Headers])
        elif element.get("/S") == "/Table":
            # The footer group closes the table, after the rows that moved in.
            kids = _kid_list(element)
            footers = {
                k.objgen
                for k in kids
                if isinstance(k, pikepdf.Dictionary) and k.get("/S") == "/TFoot"
            }
            if footers and getattr(kids[-1], "objgen", None) not in footers:
                element.K = pikepdf.Array(
                    [k for k in kids if getattr(k, "objgen", None) not in footers]
                    + [k for k in kids if getattr(k, "objgen", None) in footers]
                )


def _set_header_scopes(root) -> None:
    import pikepdf

    for element in _walk(root):
        if element.get("/S") not in ("/THead", "/TBody", "/TFoot"):
            continue
        scope = pikepdf.Name.Column if element.S == "/THead" else pikepdf.Name.Row
        for row in _kids(element):
            for cell in _kids(row):
                if cell.get("/S") != "/TH":
                    continue
                attrs = cell.get("/A")
                if isinstance(attrs, pikepdf.Array):
                    attrs = next(
                        (
                            a
                            for a in attrs
                            if isinstance(a, pikepdf.Dictionary) and a.get("/O") == "/Table"
                        ),
                        None,
                    )
                if not isinstance(attrs, pikepdf.Dictionary):
                    attrs = pikepdf.Dictionary(O=pikepdf.Name.Table)
                    cell.A = attrs
                attrs.O = pikepdf.Name.Table
                attrs.Scope = scope


def _set_id_tree(pdf, tree, documents) -> None:
    """The /IDTree that resolves the TH /IDs a cell's /Headers names (WeasyPrint writes none)."""
    import pikepdf

    ids = {bytes(e.ID): e for document in documents for e in _walk(document) if "/ID" in e}
    if ids:
        names = [item for key in sorted(ids) for item in (pikepdf.String(key), ids[key])]
        tree.IDTree = pdf.make_indirect(pikepdf.Dictionary(Names=pikepdf.Array(names)))


def pdf_ua_repair(pdf_bytes: bytes, *, fragments=None) -> bytes:
    """Make margin boxes artifacts, give every TH a scope, join elements split at page
    breaks when given the document's `page_fragments` (see above)."""
    import pikepdf

    with pikepdf.open(io.BytesIO(pdf_bytes)) as pdf:
        tree = pdf.Root.get("/StructTreeRoot")
        if tree is None:
            return pdf_bytes
        documents = _kids(tree)
        for document in documents:
            if fragments is not None:
                _join_page_fragments(pdf, document, fragments)
            _set_header_scopes(document)
        _set_id_tree(pdf, tree, documents)
        # Every element WeasyPrint writes is an indirect object; margin boxes' elements
        # (and the repeated headers left out above) are not reachable from the document.
        in_tree = {element.objgen for document in documents for element in _walk(document)}
        nums = tree.ParentTree.Nums
        for index in range(0, len(nums), 2):
            page_number, mcid_parents = int(nums[index]), nums[index + 1]
            if not isinstance(mcid_parents, pikepdf.Array) or page_number >= len(pdf.pages):
                continue
            orphans = {
                mcid
                for mcid, element in enumerate(mcid_parents)
                if not isinstance(element, pikepdf.Dictionary) or element.objgen not in in_tree
            }
            if not orphans:
                continue
            page = pdf.pages[page_number]
            data = (
                page.Contents.read_bytes()
                if not isinstance(page.Contents, pikepdf.Array)
                else b"\n".join(c.read_bytes() for c in page.Contents)
            )

            def artifact(match, orphans=orphans):
                return _ARTIFACT if int(match.group(2)) in orphans else match.group(0)

            page.Contents = pdf.make_stream(_MARKED_CONTENT.sub(artifact, data))
            for mcid in orphans:
                mcid_parents[mcid] = None
        out = io.BytesIO()
        pdf.save(out, compress_streams=True)
    return out.getvalue()
