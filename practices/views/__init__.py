"""Public views, split by concern: pages, lists, details, search, compare."""

from .compare import compare
from .details import (
    finding_detail,
    initiative_detail,
    jurisdiction_detail,
    organization_detail,
    practice_detail,
    source_detail,
    tag_detail,
)
from .lists import (
    FindingListView,
    InitiativeListView,
    PracticeListView,
    SourceListView,
    jurisdiction_list,
    tag_list,
)
from .pages import about, home
from .search import search

__all__ = [
    "FindingListView",
    "InitiativeListView",
    "PracticeListView",
    "SourceListView",
    "about",
    "compare",
    "finding_detail",
    "home",
    "initiative_detail",
    "jurisdiction_detail",
    "jurisdiction_list",
    "organization_detail",
    "practice_detail",
    "search",
    "source_detail",
    "tag_detail",
    "tag_list",
]
