"""HTML to tagged PDF with WeasyPrint, without touching the network.

Workers have no request, and a PDF must never depend on a web server being up
or leak a request to another host: the URL fetcher serves STATIC_URL paths from
the files Django's staticfiles finders know (and inline data: URLs, such as
server-side SVG charts), and refuses everything else.

WeasyPrint is imported when a PDF is made, not when Django starts: the import
costs about a second and every web process and management command would pay it.
"""

import logging
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


def static_files_url_fetcher(base_url: str):
    """A WeasyPrint URL fetcher that maps STATIC_URL to files and refuses other URLs."""
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    class StaticFilesURLFetcher(URLFetcher):
        def fetch(self, url, headers=None):
            if url.startswith("data:"):
                return super().fetch(url, headers)  # inline data; nothing leaves the process
            with open(static_file_for(url, base_url), "rb") as fh:
                return URLFetcherResponse(url, fh.read(), status=200)

    # Only data: reaches the stock fetcher; http, https, ftp and file are refused.
    return StaticFilesURLFetcher(allowed_protocols={"data"})


def html_to_pdf(template_name: str, context: dict) -> tuple[bytes, int]:
    """Render a template to a tagged PDF; returns (pdf bytes, page count)."""
    from weasyprint import HTML

    html = render_to_string(template_name, context)
    # An absolute base lets `{% static %}` paths resolve to a URL the fetcher maps;
    # it is never requested.
    base_url = f"{settings.SITE_URL}/"
    document = HTML(
        string=html, base_url=base_url, url_fetcher=static_files_url_fetcher(base_url)
    ).render(**PDF_OPTIONS)
    return document.write_pdf(**PDF_OPTIONS), len(document.pages)
