"""Type of support: the public rubric for a finding's basis (/about/basis/) and a
record's evidence profile (its findings counted by basis)."""

from collections import defaultdict
from dataclasses import dataclass, field

from django.utils.translation import gettext_lazy as _

from .models import Basis

UNRECORDED = "unrecorded"

# What each basis means and when curators choose it. Shown on /about/basis/; a test
# keeps it in step with Basis.
RUBRIC = {
    Basis.EVALUATION: {
        "means": _(
            "A study designed to measure whether an initiative changed what it "
            "set out to change (fewer people trafficked, more victims helped, more "
            "cases prosecuted), against a baseline or a comparison."
        ),
        "assign": _(
            "Only when the source reports such a study of this initiative's "
            "outcomes. Counting an initiative's activity is not an evaluation of its "
            "outcomes."
        ),
        "example": _(
            "None in the first content: the excerpt reports no evaluation of outcomes."
        ),
    },
    Basis.AUDIT: {
        "means": _(
            "An inspection of how an initiative is run, by a body whose role "
            "is to check it (an inspector general, an auditor)."
        ),
        "assign": _("When the text says such a body examined the initiative."),
        "example": _(
            "The Office of the Inspector General's July 2008 finding on the "
            "Human Trafficking Task Forces."
        ),
    },
    Basis.RESEARCH: {
        "means": _(
            "A study by researchers of cases, data or people, other than an "
            "evaluation of one initiative's outcomes."
        ),
        "assign": _("When the text names a study or a researcher's findings."),
        "example": _(
            "The 2008 Northeastern University study of task forces; the 2005 "
            "study commissioned for the European Parliament; Dr. Melissa Farley's "
            "research."
        ),
    },
    Basis.OFFICIAL: {
        "means": _(
            "Figures, estimates or views given by a government body, or by an "
            "official speaking in that role."
        ),
        "assign": _(
            "When the text attributes the number or view to police, a "
            "ministry or another public authority."
        ),
        "example": _(
            "The Stockholm police officer's 2007 estimates; the head of "
            "Sweden's national human trafficking unit's estimate; the Swedish National "
            "Police's view of the law."
        ),
    },
    Basis.PROGRAMME: {
        "means": _(
            "Numbers about a programme's own activity (cases opened, calls "
            "taken, convictions secured), as the programme reports them, with no "
            "outside check."
        ),
        "assign": _(
            "When the figure describes what the initiative did rather than "
            "what changed because of it."
        ),
        "example": _(
            "The Innocence Lost Initiative's task forces and convictions; "
            "the hotline's calls per month."
        ),
    },
    Basis.POLL: {
        "means": _("A survey of public opinion."),
        "assign": _("When the text reports a poll's result."),
        "example": _("The 2002 Swedish national opinion poll on the sex-purchase law."),
    },
    Basis.AUTHOR: {
        "means": _(
            "The author's own judgement, argument or summary, not tied by the "
            "text to a measurement."
        ),
        "assign": _(
            "When the statement is the author's assessment (“Perrin "
            "assesses”, “Perrin argues”), or a fact the author states without saying "
            "who measured it."
        ),
        "example": _(
            "Benjamin Perrin's judgements of the Swedish model and of the "
            "U.S. initiatives."
        ),
    },
    Basis.TESTIMONY: {
        "means": _(
            "An account by someone with first-hand experience (a survivor, a "
            "front-line worker) of what they saw or lived."
        ),
        "assign": _(
            "When the text reports a person's own account rather than a "
            "count or a study."
        ),
        "example": _("None in the first content."),
    },
}

HOW_CURATORS_ASSIGN = _(
    "Curators judge from who measured or judged what, as the source says it, not "
    "from how convincing the claim is. When a book reports a study, the basis is "
    "the study's, not the book's. When the text does not say who measured a "
    "number, the statement keeps the text's own hedge (“reportedly”) and the "
    "curator records no stronger type than the text supports."
)


def rubric():
    """Every basis with its label and rubric, in the order of Basis."""
    return [
        {"value": value, "label": label, **RUBRIC[value]}
        for value, label in Basis.choices
    ]


@dataclass
class BasisGroup:
    key: str
    label: str
    findings: list = field(default_factory=list)

    @property
    def count(self):
        return len(self.findings)


@dataclass
class EvidenceProfile:
    groups: list
    total: int

    @property
    def has_evaluation(self):
        return any(g.key == Basis.EVALUATION for g in self.groups)


def evidence_profile(findings):
    """`findings` grouped by basis, in the rubric's order (those without a basis
    last): the counts a researcher reads first, and the lists behind them."""
    by_basis = defaultdict(list)
    for finding in findings:
        by_basis[finding.basis].append(finding)
    groups = [
        BasisGroup(value, label, by_basis[value])
        for value, label in Basis.choices
        if by_basis[value]
    ]
    if by_basis[""]:
        groups.append(
            BasisGroup(UNRECORDED, _("Type of support not recorded"), by_basis[""])
        )
    return EvidenceProfile(groups, sum(g.count for g in groups))
