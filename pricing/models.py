"""The catalogue (services, per-category overrides, options, skills), time-based price rules and
promo codes. The database has the last word on every rule it can hold (check and unique
constraints); `clean()` repeats the rules that need a Python check so the admin shows them."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Skill(models.Model):
    """What a resource must be able to do to perform a service (scheduling's resources have
    skills; a service may require one)."""

    code = models.SlugField(_("code"), max_length=50, unique=True)
    name = models.CharField(_("name"), max_length=100)

    class Meta:
        verbose_name = _("skill")
        verbose_name_plural = _("skills")
        ordering = ("name", "code")

    def __str__(self) -> str:
        return self.name
