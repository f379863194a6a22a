from __future__ import annotations

from typing import Any

import factory
from django.contrib.auth.models import Group

from accounts.models import User

PASSWORD = "correct-horse-battery-42"


def _add_roles(user: User, create: bool, extracted: Any, **kwargs: Any) -> None:
    names = extracted if extracted is not None else ["customer"]
    if create and names:
        user.groups.add(*Group.objects.filter(name__in=names))


def _add_operator_roles(user: User, create: bool, extracted: Any, **kwargs: Any) -> None:
    if create:
        user.groups.add(*Group.objects.filter(name__in=extracted or ["operator"]))


class UserFactory(factory.django.DjangoModelFactory[User]):
    """Create with ``UserFactory.create(...)``: typed, it returns a ``User``."""

    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"user{n}@example.com")
    first_name = factory.Faker("first_name")
    last_name = factory.Faker("last_name")
    language = "en"
    password = factory.django.Password(PASSWORD)
    # factory_boy passes the built user first (a post_generation method's ``self`` would be it).
    roles = factory.PostGeneration(_add_roles)


class OperatorFactory(UserFactory):
    is_staff = True
    roles = factory.PostGeneration(_add_operator_roles)
