"""The back-office writes through use cases (house rule 1): what every ModelAdmin whose
`save_model`, `save_formset` and `delete_model` call them shares.

The forms still show every rule before anything is saved (the model's validation, and the rule
the use case applies, called by the form); a use case that refuses anyway (a role, a race) has its
message shown, and nothing of that save is kept."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, ClassVar, TypeVar, cast

from django.contrib import admin, messages
from django.db import connection, models, transaction
from django.forms import BaseModelForm
from django.forms.models import BaseModelFormSet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.utils.translation import gettext as _

from core.errors import DomainError

if TYPE_CHECKING:
    from accounts.models import User

M = TypeVar("M", bound=models.Model)

_REFUSED = "_admin_write_refused"


def refusal_text(error: DomainError) -> str:
    """The use case's message in the reader's language, with its per-field details if any."""
    return " ".join([error.translated(_), *error.detail_lines(_)]).strip()


def actor_of(request: HttpRequest) -> User:
    """The signed-in staff account, as the use cases' `actor` (the admin lets no one else in)."""
    return cast("User", request.user)


def adopt(shown: models.Model, saved: models.Model) -> None:
    """The admin keeps the instance its form filled (the inlines, the history entry and the
    redirect read it): it becomes the row the use case saved."""
    vars(shown).update(vars(saved))


def changed_values(form: BaseModelForm[Any], fields: tuple[str, ...]) -> dict[str, Any]:
    """The cleaned values of the `fields` the user changed (all of them on an add form)."""
    return {name: form.cleaned_data[name] for name in fields if name in form.changed_data}


def form_values(form: BaseModelForm[Any], fields: tuple[str, ...]) -> dict[str, Any]:
    return {name: form.cleaned_data[name] for name in fields if name in form.cleaned_data}


@dataclass(frozen=True)
class InlineRows:
    """An inline formset's rows by what the user did with them."""

    added: list[BaseModelForm[Any]]
    changed: list[BaseModelForm[Any]]
    deleted: list[BaseModelForm[Any]]


def inline_rows(formset: BaseModelFormSet[Any, Any]) -> InlineRows:
    """The rows the way `formset.save()` would have written them, and recorded as it would have
    for the admin's history message (we write them through use cases instead)."""
    added, changed, deleted = [], [], []
    dropped = {id(form) for form in formset.deleted_forms} if formset.can_delete else set()
    for form in formset.initial_forms:
        if id(form) in dropped:
            deleted.append(form)
        elif form.has_changed():
            changed.append(form)
    for form in formset.extra_forms:
        if form.has_changed() and id(form) not in dropped:
            added.append(form)
    formset.new_objects = [form.instance for form in added]
    formset.changed_objects = [(form.instance, form.changed_data) for form in changed]
    formset.deleted_objects = [form.instance for form in deleted]
    return InlineRows(added=added, changed=changed, deleted=deleted)


@dataclass(frozen=True)
class WrittenBy:
    """The use cases that write a ModelAdmin's rows: `create(actor=, **values)`,
    `update(<row>=obj, actor=, **changes)` and `delete(<row>=obj, actor=)`, where `row` is their
    keyword for the row and `fields` the form fields they take."""

    row: str
    fields: tuple[str, ...]
    create: Callable[..., Any]
    update: Callable[..., Any]
    delete: Callable[..., Any]


class UseCaseAdmin(admin.ModelAdmin[M]):
    """`save_model` and `delete_model` call the use cases of `written_by`; subclasses with inlines
    write them in `save_formset`, inside `with self.refusals(request):`. The form's
    many-to-many fields are the use cases' to write too: `save_related` does not save them."""

    written_by: ClassVar[WrittenBy]

    def save_model(self, request: HttpRequest, obj: M, form: Any, change: bool) -> None:
        by, actor = self.written_by, actor_of(request)
        with self.refusals(request):
            if not change:
                adopt(obj, by.create(actor=actor, **form_values(form, by.fields)))
            elif form.changed_data:  # else only its inlines changed
                by.update(**{by.row: obj}, actor=actor, **changed_values(form, by.fields))

    def delete_model(self, request: HttpRequest, obj: M) -> None:
        with self.refusals(request):
            self.written_by.delete(**{self.written_by.row: obj}, actor=actor_of(request))

    @contextmanager
    def refusals(self, request: HttpRequest) -> Iterator[None]:
        try:
            yield
        except DomainError as error:
            if connection.in_atomic_block:  # the admin's own transaction: keep nothing
                transaction.set_rollback(True)
            setattr(request, _REFUSED, True)
            self.message_user(request, refusal_text(error), messages.ERROR)

    def refused(self, request: HttpRequest) -> bool:
        return bool(getattr(request, _REFUSED, False))

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        for formset in formsets:
            if self.refused(request):
                return
            self.save_formset(request, form, formset, change=change)

    def delete_queryset(self, request: HttpRequest, queryset: models.QuerySet[M]) -> None:
        with transaction.atomic():
            for obj in queryset:
                self.delete_model(request, obj)
                if self.refused(request):
                    return

    def construct_change_message(
        self, request: HttpRequest, form: Any, formsets: Any, add: bool = False
    ) -> Any:
        return (
            []
            if self.refused(request)
            else super().construct_change_message(request, form, formsets, add)
        )

    def log_addition(self, request: HttpRequest, obj: Any, message: Any) -> Any:
        return None if self.refused(request) else super().log_addition(request, obj, message)

    def log_change(self, request: HttpRequest, obj: Any, message: Any) -> Any:
        return None if self.refused(request) else super().log_change(request, obj, message)

    def response_add(self, request: HttpRequest, obj: M, post_url_continue: Any = None) -> Any:
        if self.refused(request):
            return HttpResponseRedirect(request.path)
        return super().response_add(request, obj, post_url_continue)

    def response_change(self, request: HttpRequest, obj: M) -> HttpResponse:
        if self.refused(request):
            return HttpResponseRedirect(request.path)
        return super().response_change(request, obj)

    def response_delete(self, request: HttpRequest, obj_display: str, obj_id: Any) -> Any:
        if self.refused(request):
            return HttpResponseRedirect(request.path)
        return super().response_delete(request, obj_display, obj_id)
