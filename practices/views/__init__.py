"""Public views, split by concern: pages, lists, details, search, compare."""

from ..opendata.views import (
    about_data,
    data_index,
    data_package,
    dataset,
    findings_export,
    initiatives_export,
    practices_export,
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
    "findings_export",
    "gap_map",
    "history",
    "home",
    "initiatives_export",
    "initiative_detail",
    "jurisdiction_detail",
    "jurisdiction_list",
    "organization_detail",
    "practice_detail",
    "practices_export",
    "robots_txt",
    "search",
    "source_detail",
    "tag_detail",
    "tag_list",
    "version_changes",
    "version_detail",
]
