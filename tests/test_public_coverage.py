"""The compare matrix and the evidence gap map: what they count (published records
only, by the models' one theme rule), where their links lead, how they answer bad
input, and their query budgets."""

import re
from html import unescape

import pytest

from practices.models import Basis, Initiative, Status, Theme
from tests import factories as f

pytestmark = pytest.mark.django_db

COUNT_LINK = re.compile(
    r'<a href="(/(?:practices|initiatives|findings)/\?[^"]+)"[^>]*>(\d+) '
    r"(?:practice|initiative|finding)s?<"
)


@pytest.fixture
def mapped():
    """Two countries with content, one without; drafts that must never count."""
    us = f.make_jurisdiction("United States", slug="united-states")
    boston = f.make_jurisdiction("Boston", slug="boston", parent=us)
    sweden = f.make_jurisdiction("Sweden", slug="sweden")
    stockholm = f.make_jurisdiction("Stockholm", slug="stockholm", parent=sweden)
    f.make_jurisdiction("Norway", slug="norway")
    book = f.make_source("Book", slug="book")

    hotline = f.make_initiative(
        "Hotline", jurisdiction=boston, source=book, tags=["hotline"]
    )
    f.make_practice(
        "Run a hotline",
        jurisdiction=boston,
        source=book,
        theme=Theme.PREVENTION,
        initiatives=[hotline],
        tags=["hotline"],
    )
    f.make_practice(
        "Protect callers",
        jurisdiction=us,
        source=book,
        theme=Theme.PROTECTION,
        initiatives=[hotline],
    )
    f.make_finding(
        "Hotline audit",
        jurisdiction=boston,
        source=book,
        initiative=hotline,
        basis=Basis.AUDIT,
    )
    f.make_finding(
        "Hotline judged",
        jurisdiction=us,
        source=book,
        initiative=hotline,
        basis=Basis.AUTHOR,
    )
    f.make_finding(
        "Draft hotline figure",
        jurisdiction=boston,
        source=book,
        initiative=hotline,
        status=Status.DRAFT,
    )

    # Illustrates no practice, so it (and its finding) counts under its own theme.
    law = f.make_initiative(
        "Sex purchase law",
        jurisdiction=sweden,
        source=book,
        theme=Theme.PROSECUTION,
        kind=Initiative.Kind.LAW,
        tags=["law"],
    )
    f.make_finding(
        "Police estimate",
        jurisdiction=stockholm,
        source=book,
        initiative=law,
        basis=Basis.OFFICIAL,
    )
    # Its only practice is a draft, and it has no theme of its own: no theme row.
    campaign = f.make_initiative("Campaign", jurisdiction=stockholm, source=book)
    f.make_practice(
        "Draft partnership",
        jurisdiction=sweden,
        source=book,
        theme=Theme.PARTNERSHIP,
        initiatives=[campaign],
        status=Status.DRAFT,
    )
    # A finding reported for no initiative counts under no theme, only in totals.
    f.make_finding("Poll", jurisdiction=sweden, source=book, basis=Basis.POLL)


def gap_rows(response, name):
    return {row["label"]: row for row in response.context[name]}


def tally_of(row, slug):
    return next(cell for cell in row["cells"] if cell.country.slug == slug)


def counts(tally):
    return (tally.practices, tally.initiatives, tally.findings, dict(+tally.basis))


def titles(response):
    return [record.title for record in response.context["object_list"]]


def test_gap_map_counts_published_records_by_theme_and_country(client, mapped):
    response = client.get("/gaps/")
    assert response.status_code == 200
    assert [c.slug for c in response.context["countries"]] == [
        "united-states",  # five records, Sweden four; Norway has none
        "sweden",
    ]
    themes = gap_rows(response, "theme_rows")
    us_prevention = tally_of(themes["Prevention"], "united-states")
    # The draft finding is not counted; both findings count under both themes of
    # the practices their initiative illustrates.
    assert counts(us_prevention) == (1, 1, 2, {"audit": 1, "author": 1})
    assert counts(tally_of(themes["Protection"], "united-states")) == (
        1,
        1,
        2,
        {"audit": 1, "author": 1},
    )
    assert counts(tally_of(themes["Prosecution"], "sweden")) == (
        0,
        1,
        1,
        {"official": 1},
    )
    # The draft practice makes no partnership record in Sweden.
    assert tally_of(themes["Partnership"], "sweden").total == 0
    total = response.context["total_row"]
    assert counts(tally_of(total, "sweden")) == (
        0,
        2,
        2,
        {"official": 1, "poll": 1},
    )


def test_gap_map_counts_the_most_used_tags(client, mapped):
    response = client.get("/gaps/")
    tags = gap_rows(response, "tag_rows")
    assert set(tags) == {"hotline", "law"}
    assert counts(tally_of(tags["hotline"], "united-states")) == (
        1,
        1,
        2,
        {"audit": 1, "author": 1},
    )
    assert tally_of(tags["hotline"], "sweden").total == 0
    assert counts(tally_of(tags["law"], "sweden")) == (0, 1, 1, {"official": 1})


def test_gap_map_is_a_table_with_headers_and_shows_empty_cells(client, mapped):
    html = client.get("/gaps/").content.decode()
    assert html.count("<table") == 2 and html.count("<caption") == 2
    assert '<th scope="col"><a href="/jurisdictions/sweden/">Sweden</a></th>' in html
    assert '<th scope="row"><a href="/practices/?theme=prevention">' in html
    assert "None recorded" in html
    assert "1 audit, 1 author’s assessment" in html
    # Screen readers hear which cell a count belongs to.
    assert 'aria-label="2 findings: Prevention, United States"' in html
    assert "Norway" not in html
    assert "style=" not in html and "<script" not in html


def test_every_count_on_the_gap_map_links_to_a_list_of_that_many(client, mapped):
    html = client.get("/gaps/").content.decode()
    links = COUNT_LINK.findall(html)
    assert len(links) >= 12
    for url, shown in links:
        listed = client.get(unescape(url))
        assert listed.status_code == 200, url
        assert listed.context["paginator"].count == int(shown), url


def test_gap_map_links_lead_to_the_counted_records(client, mapped):
    html = client.get("/gaps/").content.decode()
    findings = "/findings/?jurisdiction=united-states&amp;theme=prevention"
    assert f'href="{findings}"' in html
    assert titles(client.get(unescape(findings))) == ["Hotline audit", "Hotline judged"]
    law = "/initiatives/?jurisdiction=sweden&amp;theme=prosecution"
    assert f'href="{law}"' in html
    assert titles(client.get(unescape(law))) == ["Sex purchase law"]
    tagged = "/findings/?jurisdiction=united-states&amp;tag=hotline"
    assert f'href="{tagged}"' in html
    assert titles(client.get(unescape(tagged))) == ["Hotline audit", "Hotline judged"]


def test_gap_map_with_nothing_published_says_so(client):
    f.make_practice("Hidden", status=Status.DRAFT)
    html = client.get("/gaps/").content.decode()
    assert "Nothing is published yet" in html
    assert "<table" not in html


def test_gap_map_is_linked_from_home_country_and_compare_pages(client, mapped):
    for url in ["/", "/jurisdictions/sweden/", "/compare/?j=sweden&j=united-states"]:
        assert 'href="/gaps/">Evidence gap map</a>' in client.get(url).content.decode()


def test_compare_matrix_has_a_row_per_theme_and_a_column_per_jurisdiction(
    client, mapped
):
    response = client.get("/compare/?j=united-states&j=sweden")
    html = response.content.decode()
    assert [row["label"] for row in response.context["rows"]] == Theme.labels
    assert html.count('<th scope="row">') == 4
    assert '<th scope="col"><a href="/jurisdictions/sweden/">Sweden</a></th>' in html
    rows = {row["theme"]: row for row in response.context["rows"]}
    us, sweden = rows[Theme.PREVENTION]["cells"]
    assert [p.title for p in us["practices"]] == ["Run a hotline"]
    assert [i.title for i in us["initiatives"]] == ["Hotline"]
    assert [f.title for f in us["findings"]] == ["Hotline audit", "Hotline judged"]
    assert counts(us["tally"]) == (1, 1, 2, {"audit": 1, "author": 1})
    us, sweden = rows[Theme.PROSECUTION]["cells"]
    assert [i.title for i in sweden["initiatives"]] == ["Sex purchase law"]
    assert [f.title for f in sweden["findings"]] == ["Police estimate"]
    assert us["tally"].total == 0
    assert "<details" in html and "1 audit, 1 author’s assessment" in html
    assert "Draft" not in html


def test_compare_matrix_links_to_the_records_it_counts(client, mapped):
    html = client.get("/compare/?j=united-states&j=sweden").content.decode()
    links = COUNT_LINK.findall(html)
    assert links
    for url, shown in links:
        assert client.get(unescape(url)).context["paginator"].count == int(shown)
    assert re.search(r'<a href="/findings/[^"]+/">Police estimate</a>', html)


def test_compare_cell_of_a_city_takes_in_only_the_city(client, mapped):
    response = client.get("/compare/?j=boston&j=united-states")
    rows = {row["theme"]: row for row in response.context["rows"]}
    boston, us = rows[Theme.PROTECTION]["cells"]
    assert boston["practices"] == [] and boston["tally"].findings == 1
    assert [p.title for p in us["practices"]] == ["Protect callers"]


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("j=sweden", "Choose at least two jurisdictions"),
        ("j=sweden&j=sweden", "Choose at least two jurisdictions"),
        ("j=sweden&j=atlantis", "There is no jurisdiction “atlantis”"),
        (
            "j=sweden&j=united-states&j=boston&j=stockholm&j=norway",
            "At most 4 jurisdictions can be compared; Norway was left out.",
        ),
        ("j=" + "x" * 5000 + "&j=sweden", "There is no jurisdiction"),
        ("&".join(f"j=nowhere-{i}" for i in range(300)), "295 more unknown"),
    ],
)
def test_compare_answers_bad_input_with_a_message(client, mapped, query, message):
    response = client.get(f"/compare/?{query}")
    assert response.status_code == 200
    html = response.content.decode()
    assert message in html
    assert html.count("<li>There is no jurisdiction") <= 5


def test_five_jurisdictions_are_compared_four_at_a_time(client, mapped):
    response = client.get(
        "/compare/?j=sweden&j=united-states&j=boston&j=stockholm&j=norway"
    )
    assert [j.slug for j in response.context["chosen"]] == [
        "sweden",
        "united-states",
        "boston",
        "stockholm",
    ]
    assert response.content.decode().count('<th scope="col">') == 5


def test_findings_list_filters_by_theme_and_tag(client, mapped):
    assert titles(client.get("/findings/?theme=prosecution")) == ["Police estimate"]
    assert titles(client.get("/findings/?tag=law")) == ["Police estimate"]
    response = client.get("/findings/?theme=bogus&tag=nope")
    assert response.status_code == 200
    html = response.content.decode()
    assert "“bogus” is not a valid theme; it was ignored." in html
    assert "There is no tag “nope”" in html
    assert len(titles(response)) == 4  # every published finding


def build(n):
    """n practices, initiatives and findings in each of n cities of two countries,
    with tags and every theme and type of support."""
    themes, bases = Theme.values, Basis.values
    for country_name in ["United States", "Sweden"]:
        country = f.make_jurisdiction(
            country_name, slug=country_name.lower().replace(" ", "-")
        )
        book = f.make_source()
        for i in range(n):
            city = f.make_jurisdiction(parent=country)
            initiative = f.make_initiative(
                jurisdiction=city, source=book, tags=[f"tag {i % 12}"]
            )
            f.make_practice(
                jurisdiction=city,
                source=book,
                theme=themes[i % 4],
                initiatives=[initiative] if i % 3 else [],
                tags=[f"tag {i % 12}", "common"],
            )
            f.make_finding(
                jurisdiction=city,
                source=book,
                initiative=initiative,
                basis=bases[i % len(bases)],
            )
            f.make_initiative(jurisdiction=city, source=book, theme=themes[i % 4])


# Gap map: three grouped counts for the themes, two for the top tags, three counts
# for the tags, the countries. Compare: the jurisdictions to choose from, then the
# practices, initiatives and findings.
@pytest.mark.parametrize(
    ("url", "budget"), [("/gaps/", 9), ("/compare/?j=united-states&j=sweden", 4)]
)
@pytest.mark.parametrize("n", [2, 20])
def test_research_pages_run_a_fixed_number_of_queries(
    client, django_assert_num_queries, url, budget, n
):
    build(n)
    with django_assert_num_queries(budget):
        assert client.get(url).status_code == 200


def test_a_crowded_matrix_cell_lists_eight_and_links_to_the_rest(client, mapped):
    finland = f.make_jurisdiction("Finland", slug="finland")
    for n in range(10):
        f.make_practice(f"Finnish practice {n}", jurisdiction=finland)
    html = client.get("/compare/?j=finland&j=sweden").content.decode()
    assert html.count(">Finnish practice ") == 8
    rest = "/practices/?jurisdiction=finland&amp;theme=prevention"
    assert f'<a href="{rest}">2 more</a>' in html
