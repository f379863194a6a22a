from __future__ import annotations

from typing import Any

import factory
from django.contrib.auth.models import Group

from accounts.models import User

PASSWORD = "correct-horse-battery-42"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"user{n}@example.com")
    first_name = factory.Faker("first_name")
    last_name = factory.Faker("last_name")
    language = "en"
    password = factory.django.Password(PASSWORD)

    @factory.post_generation
    def roles(self, create: bool, extracted: Any, **kwargs: Any) -> None:
        names = extracted if extracted is not None else ["customer"]
        if create and names:
            self.groups.add(*Group.objects.filter(name__in=names))


class OperatorFactory(UserFactory):
    is_staff = True

    @factory.post_generation
    def roles(self, create: bool, extracted: Any, **kwargs: Any) -> None:
        if create:
            self.groups.add(*Group.objects.filter(name__in=extracted or ["operator"]))
