"""Author pages as a fetch source: the tracked authors' page URLs, fetched with their continuation
pages (paging.py). What is on them is read by the layout parsers (catalyzex, aitopics,
scored_profile, abstract_list, google_scholar, google_scholar_profile, acl_anthology, html_page),
which detect the page from its content."""
from .settings import FETCH_SOURCE

__all__ = ["FETCH_SOURCE"]
