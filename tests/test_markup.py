"""Curators' Markdown renders as HTML that cannot run script on a public page."""

import re
from html.parser import HTMLParser

import pytest
from django.template import Context, Template

from practices.markup import ALLOWED_TAGS, render_markdown

XSS_PAYLOADS = [
    # script tags, in every casing and nesting trick
    "<script>alert(1)</script>",
    "<SCRIPT SRC=//evil.example/x.js></SCRIPT>",
    "<<script>script>alert(1)<</script>/script>",
    "<scr<script>ipt>alert(1)</script>",
    # event handlers
    '<img src=x onerror="alert(1)">',
    '<p onclick="alert(1)">hi</p>',
    '<a href="https://ok.example" onmouseover="alert(1)">ok</a>',
    "<b onmouseover=alert(1)>bold</b>",
    '[x](https://ok.example){: onclick="alert(1)"}',
    # javascript:, data: and vbscript: URLs in Markdown links and images
    "[click](javascript:alert(1))",
    "[click](JaVaScRiPt:alert(1))",
    "[click]( javascript:alert(1))",
    "[click](java\tscript:alert(1))",
    "[click](<javascript:alert(1)>)",
    "![x](javascript:alert(1))",
    "[x](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    "![x](data:image/svg+xml,<svg onload=alert(1)>)",
    "[x](vbscript:msgbox(1))",
    "[ref][1]\n\n[1]: javascript:alert(1)",
    "<javascript:alert(1)>",
    # the same in raw HTML, entity-encoded
    '<a href="javascript:alert(1)">x</a>',
    '<a href="&#x6A;avascript:alert(1)">x</a>',
    '<a href="&#106;&#97;&#118;&#97;&#115;&#99;&#114;&#105;&#112;&#116;&#58;alert(1)">'
    "x</a>",
    '<a href="&#0000106&#0000097&#0000118&#0000097&#0000115&#0000099&#0000114'
    '&#0000105&#0000112&#0000116&#0000058alert(1)">x</a>',
    '<a href="java&#9;script:alert(1)">x</a>',
    '<a href="java&#x0A;script:alert(1)">x</a>',
    '<a href=" &#14;  javascript:alert(1)">x</a>',
    "[click](&#106;avascript:alert(1))",
    '<a href="vbscript:msgbox(1)">x</a>',
    '<a href="data:text/html,<script>alert(1)</script>">x</a>',
    # SVG and MathML
    "<svg onload=alert(1)><circle/></svg>",
    '<svg><a xlink:href="javascript:alert(1)"><text>x</text></a></svg>',
    "<svg><script>alert(1)</script></svg>",
    '<math><mi xlink:href="javascript:alert(1)">x</mi></math>',
    # style
    "<style>body{background:url(javascript:alert(1))}</style>",
    '<p style="background:url(javascript:alert(1))">s</p>',
    '<div style="width: expression(alert(1))">s</div>',
    # iframe, object, embed, forms, meta, base
    '<iframe src="javascript:alert(1)"></iframe>',
    '<iframe srcdoc="<script>alert(1)</script>"></iframe>',
    '<object data="javascript:alert(1)"></object>',
    '<embed src="javascript:alert(1)">',
    '<form action="javascript:alert(1)"><button>go</button></form>',
    '<meta http-equiv="refresh" content="0;url=javascript:alert(1)">',
    '<base href="javascript:alert(1)//">',
    # parser confusion
    '<noscript><p title="</noscript><img src=x onerror=alert(1)>">',
    "<!--<img src=x onerror=alert(1)>-->",
    '<a href="https://ok.example" title="x" onfocus="alert(1)" autofocus>x</a>',
    "```\n<script>alert(1)</script>\n```",
]

SAFE_SCHEMES = {"http", "https", "mailto"}


class _Collector(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.tags = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))


def _scheme(url):
    # As a browser reads it: control characters and whitespace do not count.
    cleaned = re.sub(r"[\x00-\x20]", "", url)
    match = re.match(r"^([a-zA-Z][a-zA-Z0-9+.-]*):", cleaned)
    return match.group(1).lower() if match else None


@pytest.mark.parametrize("payload", XSS_PAYLOADS)
def test_rendered_markdown_cannot_run_script(payload):
    html = str(render_markdown(payload))
    collector = _Collector()
    collector.feed(html)
    for tag, attrs in collector.tags:
        assert tag in ALLOWED_TAGS, html
        for name, value in attrs.items():
            assert not name.startswith("on"), html
            assert name != "style", html
            if name in {"href", "src", "action", "formaction", "xlink:href"}:
                scheme = _scheme(value or "")
                assert scheme is None or scheme in SAFE_SCHEMES, html
    assert "<script" not in html.lower()


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("**bold** and *emphasis*", "<strong>bold</strong> and <em>emphasis</em>"),
        ("- one\n- two", "<li>one</li>"),
        (
            "[the report](https://example.org/report)",
            '<a href="https://example.org/report" rel="noopener noreferrer nofollow">'
            "the report</a>",
        ),
        ("[write](mailto:curators@example.org)", 'href="mailto:curators@example.org"'),
        ("[a practice](/practices/hotlines/)", 'href="/practices/hotlines/"'),
        ("> quoted words", "<blockquote>"),
        ("| a | b |\n|---|---|\n| 1 | 2 |", "<td>1</td>"),
        ("Fish & chips < 5", "Fish &amp; chips &lt; 5"),
    ],
)
def test_ordinary_markdown_still_renders(text, expected):
    assert expected in render_markdown(text)


def test_empty_text_renders_nothing():
    assert render_markdown("") == ""
    assert render_markdown(None) == ""


def test_markdown_template_filter_renders_sanitized_html():
    template = Template("{% load kb_markup %}{{ text|markdown }}")
    html = template.render(
        Context({"text": "**safe** <script>alert(1)</script>[x](javascript:alert(1))"})
    )
    assert "<strong>safe</strong>" in html
    assert "<script" not in html and "javascript:" not in html
