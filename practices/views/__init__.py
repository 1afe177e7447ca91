"""Public views, split by concern: pages, lists, details, search, compare."""

from ..opendata.views import (
    LIST_EXPORTS,
    about_data,
    data_index,
    data_package,
    dataset,
    list_export,
    robots_txt,
)
from .cite import cite_download, reference_download
from .compare import compare, gap_map
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
from .pages import about, about_basis, home
from .search import search
from .suggest import suggest_correction, suggest_practice, suggest_thanks
from .versions import history, version_changes, version_detail

__all__ = [
    "FindingListView",
    "InitiativeListView",
    "PracticeListView",
    "SourceListView",
    "about",
    "about_basis",
    "LIST_EXPORTS",
    "about_data",
    "suggest_correction",
    "suggest_practice",
    "suggest_thanks",
    "cite_download",
    "reference_download",
    "compare",
    "data_index",
    "data_package",
    "dataset",
    "finding_detail",
    "gap_map",
    "history",
    "home",
    "initiative_detail",
    "jurisdiction_detail",
    "jurisdiction_list",
    "list_export",
    "organization_detail",
    "practice_detail",
    "robots_txt",
    "search",
    "source_detail",
    "tag_detail",
    "tag_list",
    "version_changes",
    "version_detail",
]
