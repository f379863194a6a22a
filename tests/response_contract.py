"""Every JSON answer of a 2xx the test suite gets from /api/ is checked against the OpenAPI
schema's response for that operation: the fields the schema names are there with their types,
and none it does not name (`additionalProperties: false` on every object the schema spells out).
A body built by hand (availability, quotes, explanations, tokens) cannot drift from the
serializer that documents it without a test failing.

Loaded as a pytest plugin (`-p tests.response_contract` in pyproject's addopts). The check wraps
`django.test.Client.request`, so DRF's APIClient and Django's test client both go through it."""

from __future__ import annotations

import copy
import json
import re
from functools import cache
from typing import Any

import jsonschema  # type: ignore[import-untyped]  # types-jsonschema is not installed
import pytest
from django.conf import settings
from django.test import Client

_CONVERTER = re.compile(r"<(?:[^:>]+:)?([^>]+)>")
_PROJECT_URLCONF = "config.urls"
_BIG_LIST = 200  # items of a long array checked (availability's starts run to thousands)


class ContractBroken(AssertionError):
    pass


def _openapi_to_json_schema(node: Any) -> Any:
    """OpenAPI 3.0's dialect as JSON Schema: `nullable` as a null type, closed objects."""
    if isinstance(node, list):
        return [_openapi_to_json_schema(item) for item in node]
    if not isinstance(node, dict):
        return node
    out = {key: _openapi_to_json_schema(value) for key, value in node.items()}
    if out.pop("nullable", False):
        if "type" in out:
            out["type"] = [out["type"], "null"]
        elif "$ref" in out or "allOf" in out or "oneOf" in out or "anyOf" in out:
            out = {"anyOf": [{"type": "null"}, out]}
        elif "enum" in out:
            out["enum"] = [*out["enum"], None]
    if out.get("type") == "object" and "properties" in out:
        out.setdefault("additionalProperties", False)
    # A write-only field is never answered.
    properties = out.get("properties")
    if isinstance(properties, dict):
        hidden = {name for name, prop in node["properties"].items() if prop.get("writeOnly")}
        for name in hidden:
            properties.pop(name, None)
        if "required" in out:
            out["required"] = [name for name in out["required"] if name not in hidden]
    for key in ("readOnly", "writeOnly", "example", "discriminator", "externalDocs", "xml"):
        out.pop(key, None)
    return out


@cache
def _schema() -> dict[str, Any]:
    from drf_spectacular.generators import SchemaGenerator

    schema: dict[str, Any] = SchemaGenerator().get_schema(request=None, public=True)
    return schema


@cache
def _components() -> dict[str, Any]:
    converted: dict[str, Any] = _openapi_to_json_schema(
        copy.deepcopy(_schema()["components"]["schemas"])
    )
    return converted


@cache
def _validator(path: str, method: str, status: str) -> jsonschema.protocols.Validator | None:
    operation = _schema()["paths"].get(path, {}).get(method)
    if operation is None:
        raise ContractBroken(f"{method.upper()} {path} answered; the schema has no such operation")
    response = operation["responses"].get(status)
    if response is None:
        raise ContractBroken(f"{method.upper()} {path} answered {status}, which the schema omits")
    content = response.get("content", {}).get("application/json")
    if content is None:
        return None
    schema = {
        **_openapi_to_json_schema(copy.deepcopy(content["schema"])),
        "components": {"schemas": _components()},
    }
    return jsonschema.Draft7Validator(schema)


def _shortened(body: Any) -> Any:
    if isinstance(body, list):
        return [_shortened(item) for item in body[:_BIG_LIST]]
    if isinstance(body, dict):
        return {key: _shortened(value) for key, value in body.items()}
    return body


def check(response: Any) -> None:
    """Raises ContractBroken when a 2xx JSON answer of /api/ is not what the schema says."""
    request = response.wsgi_request
    if not request.path.startswith("/api/") or not 200 <= response.status_code < 300:
        return
    match = request.resolver_match
    if match is None or not response.get("Content-Type", "").startswith("application/json"):
        return
    if settings.ROOT_URLCONF != _PROJECT_URLCONF:  # a test's own views (pytest.mark.urls)
        return
    path = "/" + _CONVERTER.sub(r"{\1}", match.route)
    validator = _validator(path, request.method.lower(), str(response.status_code))
    if validator is None:
        raise ContractBroken(
            f"{request.method} {path} answered JSON for {response.status_code}; "
            "the schema says no body"
        )
    body = _shortened(json.loads(response.content))
    errors = sorted(validator.iter_errors(body), key=lambda e: list(e.absolute_path))
    if errors:
        lines = [f"  at /{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in errors[:5]]
        raise ContractBroken(
            f"{request.method} {path} -> {response.status_code} breaks its schema:\n"
            + "\n".join(lines)
        )


@pytest.fixture(autouse=True)
def _responses_keep_the_schema(monkeypatch: pytest.MonkeyPatch) -> None:
    original = Client.request

    def request(self: Client, **kwargs: Any) -> Any:
        response = original(self, **kwargs)
        check(response)
        return response

    monkeypatch.setattr(Client, "request", request)
