"""deploy/compose.yaml is the twin of `deploy/dev.py stack` (deploy/stack.py): the same commands
for the same processes, the same settings names for the app servers, the worker and beat; and
`docker-compose config` (Debian's package, required in CI) accepts it. The Dockerfile keeps its
promises: uv from the lock without the dev group, a non-root user, a HEALTHCHECK, no build tools
in the final stage."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
import yaml

from deploy.stack import SERVICES, SETTINGS

DEPLOY = Path(__file__).resolve().parents[2] / "deploy"


def _compose() -> dict[str, Any]:
    loaded: dict[str, Any] = yaml.safe_load((DEPLOY / "compose.yaml").read_text())
    return loaded


def test_compose_runs_the_stacks_commands() -> None:
    services = _compose()["services"]
    assert services["migrate"]["command"] == SERVICES["migrate"]
    assert services["app1"]["command"] == SERVICES["app"]
    assert services["app2"]["command"] == SERVICES["app"]
    assert services["worker"]["command"] == SERVICES["worker"]
    assert services["beat"]["command"] == SERVICES["beat"]
    assert set(services) == {
        "db", "redis", "migrate", "app1", "app2", "worker", "beat", "nginx", "static"
    }  # fmt: skip


def test_compose_sets_the_stacks_settings() -> None:
    services = _compose()["services"]
    for name in ("migrate", "app1", "app2", "worker", "beat"):
        assert set(services[name]["environment"]) == set(SETTINGS), name
        assert services[name]["environment"]["DJANGO_SETTINGS_MODULE"] == (
            "config.settings.production"
        )


def test_compose_nginx_runs_the_shipped_config_with_both_app_servers() -> None:
    nginx = _compose()["services"]["nginx"]
    assert "./nginx.conf:/srv/booking/nginx.conf:ro" in nginx["volumes"]
    script = nginx["command"][-1]
    assert "server app1:8000" in script
    assert "server app2:8000" in script
    # The sed pattern matches the shipped upstream line.
    assert "server 127.0.0.1:8000 max_fails=" in (DEPLOY / "nginx.conf").read_text()


def test_the_dockerfile_builds_from_the_lock_and_runs_unprivileged() -> None:
    text = (DEPLOY / "Dockerfile").read_text()
    final = text.split("AS final", 1)[1]
    assert "uv sync --frozen --no-dev" in text
    assert "USER booking" in final
    assert "HEALTHCHECK" in final
    assert "pip install" not in final  # no uv, no installer: only the built venv is copied
    for tool in ("gcc", "build-essential", "apt-get install"):
        assert tool not in final


def test_docker_compose_config_accepts_the_file() -> None:
    binary = shutil.which("docker-compose")
    if binary is None:
        if os.environ.get("REQUIRE_DOCKER_COMPOSE"):
            pytest.fail("docker-compose is required here (REQUIRE_DOCKER_COMPOSE)")
        pytest.skip("docker-compose is not installed (apt-get install docker-compose)")
    result = subprocess.run(
        [binary, "-f", str(DEPLOY / "compose.yaml"), "config", "-q"],
        env={**os.environ, "SECRET_KEY": "x" * 50},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
