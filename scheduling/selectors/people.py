"""Small reads other apps need about resources and sites (bookings: roles and e-mails)."""

from __future__ import annotations

from scheduling.models import Resource, Site


def resource_pks_of_technician(*, user_id: int) -> list[int]:
    """The resources whose linked technician account is `user_id`: the technician sees and works
    those resources' bookings."""
    return list(
        Resource.objects.filter(technician_id=user_id).order_by("pk").values_list("pk", flat=True)
    )


def site_address(site_pk: int) -> str:
    """The site's postal address ("" when unknown), for e-mails and calendar events."""
    return Site.objects.filter(pk=site_pk).values_list("address", flat=True).first() or ""
