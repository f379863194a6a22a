"""Signals through which higher apps contribute to account-level features without accounts
importing them (ARCHITECTURE.md: lower apps never import higher ones)."""

from django.dispatch import Signal

# Sent with `user_id`; each receiver returns (section_name, json_serialisable_data) for the
# "export my data" feature.
personal_data_requested = Signal()
