"""Guards on the installed dependency set."""

from importlib import metadata

import pytest


def test_archived_django_fsm_is_not_installed_next_to_django_fsm_2() -> None:
    """Both distributions install `django_fsm`; the archived one must never shadow ours."""
    assert metadata.version("django-fsm-2")
    with pytest.raises(metadata.PackageNotFoundError):
        metadata.distribution("django-fsm")


def test_django_is_the_5_2_lts() -> None:
    assert metadata.version("django").startswith("5.2.")
