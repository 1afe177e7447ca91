"""The curators' dashboard on the admin home: counts, each linking to the filtered
change list. A fixed number of queries: one per content type, one for suggestions,
one for the last imports."""

from django import template
from django.db.models import Count, Q
from django.urls import reverse

from ..models import (
    BestPractice,
    Finding,
    ImportRecord,
    Initiative,
    Jurisdiction,
    Organization,
    Quotation,
    Source,
    Status,
    Suggestion,
)
from ..services import review_due_q

register = template.Library()

DASHBOARD_MODELS = [
    BestPractice,
    Initiative,
    Finding,
    Quotation,
    Source,
    Organization,
    Jurisdiction,
]
LAST_IMPORTS = 5


def _perm(user, action, model):
    return user.has_perm(f"{model._meta.app_label}.{action}_{model._meta.model_name}")


@register.simple_tag(takes_context=True)
def curator_dashboard(context):
    user = context["request"].user
    rows = []
    for model in DASHBOARD_MODELS:
        if not _perm(user, "view", model):
            continue
        counts = model._default_manager.aggregate(
            drafts=Count("pk", filter=Q(status=Status.DRAFT)),
            review=Count("pk", filter=Q(status=Status.REVIEW)),
            due=Count("pk", filter=review_due_q()),
        )
        changelist = reverse(
            f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist"
        )
        rows.append(
            {
                "name": model._meta.verbose_name_plural.capitalize(),
                "cells": [
                    (counts["drafts"], f"{changelist}?status__exact=draft", "drafts"),
                    (
                        counts["review"],
                        f"{changelist}?status__exact=review",
                        "in review",
                    ),
                    (counts["due"], f"{changelist}?review_due=yes", "review due"),
                ],
            }
        )
    dashboard = {"rows": rows}
    if _perm(user, "view", Suggestion):
        dashboard["new_suggestions"] = Suggestion.objects.filter(
            state=Suggestion.State.NEW
        ).count()
        dashboard["suggestions_url"] = (
            reverse("admin:practices_suggestion_changelist") + "?state__exact=new"
        )
    if _perm(user, "view", ImportRecord):
        imports_url = reverse("admin:practices_importrecord_changelist")
        dashboard["imports_url"] = imports_url
        dashboard["imports"] = [
            (
                record,
                f"{imports_url}?content_type__id__exact={record.content_type_id}",
            )
            for record in ImportRecord.objects.select_related("content_type", "user")[
                :LAST_IMPORTS
            ]
        ]
    return dashboard
