"""ISO weekday numbers (1 = Monday ... 7 = Sunday) with their names, for forms and choices."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

WEEKDAY_CHOICES = [
    (1, _("Monday")),
    (2, _("Tuesday")),
    (3, _("Wednesday")),
    (4, _("Thursday")),
    (5, _("Friday")),
    (6, _("Saturday")),
    (7, _("Sunday")),
]
