"""List filters shared by the content admins."""

from django.contrib import admin
from django.utils.translation import gettext, gettext_lazy

from ..services import review_due_q, review_interval_days


class ReviewDueFilter(admin.SimpleListFilter):
    """Records never reviewed, or not reviewed within KB_REVIEW_INTERVAL_DAYS."""

    title = gettext_lazy("review due")
    parameter_name = "review_due"

    def lookups(self, request, model_admin):
        days = review_interval_days()
        return [
            ("yes", gettext("Due (not reviewed in %(days)s days)") % {"days": days}),
            ("no", gettext("Reviewed recently")),
        ]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.filter(review_due_q())
        if self.value() == "no":
            return queryset.exclude(review_due_q())
        return queryset
