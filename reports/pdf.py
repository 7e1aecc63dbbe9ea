"""HTML to tagged PDF with WeasyPrint, without touching the network.

Workers have no request, and a PDF must never depend on a web server being up
or leak a request to another host: the URL fetcher serves STATIC_URL paths from
the files Django's staticfiles finders know (and inline data: URLs, such as
server-side SVG charts), and refuses everything else.

WeasyPrint is imported when a PDF is made, not when Django starts: the import
costs about a second and every web process and management command would pay it.

WeasyPrint's tagged output falls short of PDF/UA in three ways, all repaired in
`pdf_ua_repair` (the one place that edits a finished PDF):
- margin boxes (marking, running head, page numbers) are marked content with no
  structure element: they become /Artifact /Pagination, out of the tree;
- a TH carries no /Scope: /Column in a THead, /Row elsewhere;
- a table that crosses pages becomes one /Table per page: the fragments are joined
  into one, and the header row repeated on later pages becomes an artifact.
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


def html_to_pdf(template_name: str, context: dict) -> tuple[bytes, int]:
    """Render a template to a tagged PDF/UA file; returns (pdf bytes, page count)."""
    document = render_document(template_name, context)
    return pdf_ua_repair(document.write_pdf(**PDF_OPTIONS)), len(document.pages)


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


def _first(element, tag):
    return next((kid for kid in _kids(element) if kid.get("/S") == tag), None)


def _header_cells(table):
    thead = _first(table, "/THead")
    if thead is None:
        return []
    return [cell for row in _kids(thead) for cell in _kids(row) if cell.get("/S") == "/TH"]


def _join_table_fragments(parent) -> None:
    """One /Table per HTML table: WeasyPrint starts a new one on each page it spans.

    A fragment is recognised as a /Table right after another /Table with no /Caption
    of its own (the caption belongs to the first fragment; PDF templates caption every
    table). Its body rows move into the first table; its repeated header is left out
    of the tree (and so becomes an artifact); the rows' /Headers point at the first
    header row.
    """
    import pikepdf

    kids = parent.get("/K")
    if not isinstance(kids, pikepdf.Array):
        return
    kept = pikepdf.Array()
    previous = None
    for kid in kids:
        is_table = isinstance(kid, pikepdf.Dictionary) and kid.get("/S") == "/Table"
        if is_table and previous is not None and _first(kid, "/Caption") is None:
            ids = {
                str(cont.get("/ID")): first.get("/ID")
                for cont, first in zip(_header_cells(kid), _header_cells(previous), strict=False)
                if "/ID" in cont and "/ID" in first
            }
            body = _first(previous, "/TBody")
            for section in _kids(kid):
                if section.get("/S") not in ("/TBody", "/TFoot"):
                    continue  # the repeated THead
                if section.get("/S") == "/TFoot" or body is None:
                    section.P = previous
                    previous.K.append(section)
                    continue
                for row in _kids(section):
                    row.P = body
                    body.K.append(row)
                    for cell in _kids(row):
                        attrs = cell.get("/A")
                        if isinstance(attrs, pikepdf.Dictionary) and "/Headers" in attrs:
                            attrs.Headers = pikepdf.Array(
                                [ids.get(str(h), h) for h in attrs.Headers]
                            )
            # A footer group repeated on each page: keep the last one, at the end.
            footers = [s for s in _kids(previous) if s.get("/S") == "/TFoot"]
            if len(footers) > 1:
                previous.K = pikepdf.Array(
                    [
                        k
                        for k in previous.K
                        if not (isinstance(k, pikepdf.Dictionary) and k.get("/S") == "/TFoot")
                    ]
                    + [footers[-1]]
                )
            continue
        kept.append(kid)
        previous = kid if is_table else None
    parent.K = kept


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


def pdf_ua_repair(pdf_bytes: bytes) -> bytes:
    """Make margin boxes artifacts, give every TH a scope, join split tables (see above)."""
    import pikepdf

    with pikepdf.open(io.BytesIO(pdf_bytes)) as pdf:
        tree = pdf.Root.get("/StructTreeRoot")
        if tree is None:
            return pdf_bytes
        documents = _kids(tree)
        for document in documents:
            for element in list(_walk(document)):
                _join_table_fragments(element)
            _set_header_scopes(document)
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
