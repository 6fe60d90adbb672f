"""HTML to PDF with WeasyPrint (Debian's Pango), without the network: the url_fetcher serves only our own
static files (the print CSS and the fonts shipped in static/fonts) and the thumbnails of the photos
being printed, read through the storage API; any other URL is refused and left out."""

import mimetypes

from django.conf import settings
from django.contrib.staticfiles import finders
from django.contrib.staticfiles.storage import staticfiles_storage
from django.urls import Resolver404, resolve
from weasyprint import HTML
from weasyprint.urls import URLFetcher, URLFetcherResponse

from submissions.photos import JPEG, ensure_thumbnail

# The origin relative URLs resolve against; nothing is ever fetched from it.
ORIGIN = "https://ncr.invalid"


def render(html, *, photos=None):
    """PDF bytes of `html`; `photos` (pk -> Photo) are the only photos whose thumbnails it may show."""
    return HTML(string=html, base_url=f"{ORIGIN}/", url_fetcher=Fetcher(photos or {})).write_pdf()


def render_documents(htmls, *, photos=None, progress=None):
    """One PDF of several HTML documents, rendered one by one (progress(n) after each)."""
    fetcher = Fetcher(photos or {})
    documents = []
    for html in htmls:
        documents.append(HTML(string=html, base_url=f"{ORIGIN}/", url_fetcher=fetcher).render())
        if progress:
            progress(len(documents))
    pages = [page for document in documents for page in document.pages]
    return documents[0].copy(pages).write_pdf()


class Fetcher(URLFetcher):
    """WeasyPrint's url_fetcher: our static files and the given photos' thumbnails, nothing else."""

    def __init__(self, photos):
        super().__init__(allowed_protocols=[])  # nothing goes through urllib, should fetch() be bypassed
        self.photos = photos

    def fetch(self, url, headers=None):
        if not url.startswith(f"{ORIGIN}/"):
            raise ValueError(f"not fetched: {url[:100]}")
        path = url.removeprefix(ORIGIN).split("?")[0].split("#")[0]
        if ".." in path.split("/") or "\\" in path:
            raise ValueError(f"not fetched: {path[:100]}")
        if path.startswith(settings.STATIC_URL):
            return self._static(url, path.removeprefix(settings.STATIC_URL))
        try:
            match = resolve(path)
        except Resolver404:
            match = None
        photo = None
        if match and match.url_name == "register_photo_thumbnail":
            photo = self.photos.get(match.kwargs["photo_pk"])
        if not photo:
            raise ValueError(f"not fetched: {path[:100]}")
        with ensure_thumbnail(photo).open("rb") as stored:
            return URLFetcherResponse(url, stored.read(), {"Content-Type": JPEG})

    @staticmethod
    def _static(url, name):
        headers = {"Content-Type": mimetypes.guess_type(name)[0] or "application/octet-stream"}
        if staticfiles_storage.exists(name):  # collected (the container): the manifest's hashed names
            with staticfiles_storage.open(name) as stored:
                return URLFetcherResponse(url, stored.read(), headers)
        found = finders.find(name)  # not collected (development, tests): our static folders
        if not found:
            raise ValueError(f"no static file {name[:100]}")
        with open(found, "rb") as source:
            return URLFetcherResponse(url, source.read(), headers)
