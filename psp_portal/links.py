"""Links to many objects of one route, with one reverse() per route and page (issue 20).

On list pages and API pages a reverse() per row took more time than the row's other
cells (a tenth of the liaison workspace, more than a 100-row API page's own fields).
Both helpers reverse the route once and put each object's ids in.
"""

from django.urls import reverse


def url_head(name: str) -> str:
    """The URL of route `name` ("<...>/<pk>/") for pk 0, less "0/": a row's link is then
    head + pk + "/". Refuses a route whose pk is not its last part."""
    url = reverse(name, args=[0])
    if not url.endswith("/0/"):
        raise ValueError(f"url_head needs a route that ends with <pk>/, not {url}.")
    return url.removesuffix("0/")


def url_around(name: str) -> tuple[str, str]:
    """What comes before and after the one id in route `name`'s URL (".../<pk>/decide/"):
    a row's link is then head + pk + tail. A route with more ids does not reverse."""
    stand_in = str(10**15)
    head, found, tail = reverse(name, args=[stand_in]).partition(stand_in)
    if not found:
        raise ValueError(f"url_around needs a route that shows its id, not {name}.")
    return head, tail


def url_from_ids(name: str, ids: int = 1):
    """A function that builds route `name`'s URL from `ids` ids, wherever they stand in
    it: the route is reversed with stand-in ids that no row has, which are swapped."""
    stand_ins = [str(10**15 + n) for n in range(ids)]
    pattern = reverse(name, args=stand_ins).replace("{", "{{").replace("}", "}}")
    for n, stand_in in enumerate(stand_ins):
        pattern = pattern.replace(stand_in, f"{{{n}}}")
    return pattern.format
