"""The codes of accounts' refusals (the top-level `error.code` of the envelope). The kernel's
(core.errors.ErrorCode) are not repeated here: a token that is not valid, a user not found."""

from __future__ import annotations

from enum import StrEnum


class AccountErrorCode(StrEnum):
    INVALID_CREDENTIALS = "invalid_credentials"  # 401: no active account with this password
    EMAIL_NOT_VERIFIED = "email_not_verified"  # 403: verify the address before booking
    EMAIL_VERIFICATION_TOKEN_INVALID = "email_verification_token_invalid"  # 400
    PASSWORD_RESET_TOKEN_INVALID = "password_reset_token_invalid"  # 400
    EMAIL_TAKEN = "email_taken"  # 409: another account has the address now
    ACCOUNT_CLOSED = "account_closed"  # 409: the desk's customer closed their account
    STAFF_ACCOUNT = "staff_account"  # 409: the desk cannot take a staff account as a customer
    SESSION_NOT_FOUND = "session_not_found"  # 404
