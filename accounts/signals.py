"""Signals through which higher apps contribute to account-level features without accounts
importing them (ARCHITECTURE.md: lower apps never import higher ones)."""

from django.dispatch import Signal

# Sent with `user_id`; each receiver returns (section_name, json_serialisable_data) for the
# "export my data" feature.
personal_data_requested = Signal()

# Sent with `user_id` inside the transaction that closes the account (user_delete_account):
# each receiver erases what its app holds about the person, in that same transaction, so that
# the erasure is all or nothing (docs/rules/accounts.md, "Erasure").
account_erased = Signal()
