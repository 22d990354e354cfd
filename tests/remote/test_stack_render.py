"""Structural checks of the remote stack as the stack role renders it (fast, no Docker needed).

The production variant (MongoDB 7, Let's Encrypt or provided certificates) cannot run here, since
the MongoDB image cannot be pulled; these tests pin what it would run: networks, published ports,
volumes, healthchecks, restart policies, and the Nginx rules. A docker-marked test also runs
``nginx -t`` on the rendered configuration in the local nginx test image.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.remote.conftest import ROOT, ansible_env

VARIANTS: dict[str, dict[str, Any]] = {
    # What a production deploy renders before its Let's Encrypt certificate exists.
    "mongo-letsencrypt": {
        "stack_domain": "dash.example.org",
        "stack_letsencrypt_email": "admin@example.org",
        "stack_mongo_root_password": "p@ss/word:1",
        "stack_dmweb_tag": "0.1.0-gabc",
    },
    "mongo-provided-tls": {
        "stack_domain": "dash.example.org",
        "stack_tls_certificate": "-----BEGIN CERTIFICATE-----\nX\n-----END CERTIFICATE-----",
        "stack_tls_certificate_key": "-----BEGIN PRIVATE KEY-----\nY\n-----END PRIVATE KEY-----",
        "stack_mongo_root_password": "secret",
        "stack_nginx_legacy_http2": True,  # the nginx -t below runs Debian 12's nginx 1.22
    },
    "sqlite-plain-http": {"stack_mongo_enabled": False},
}


def render(ansible_playbook: str, tmp: Path, extra: dict[str, Any]) -> Path:
    project = tmp / "project"
    extra = {
        "stack_project_dir": str(project),
        "ansible_python_interpreter": sys.executable,
        **extra,
    }
    result = subprocess.run(
        [
            ansible_playbook,
            "-i",
            "localhost,",
            str(ROOT / "tests/remote/render.yml"),
            "-e",
            json.dumps(extra),
        ],
        cwd=ROOT,
        check=False,
        env=ansible_env(),
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-4000:]
    return project


@pytest.fixture(scope="module", params=sorted(VARIANTS))
def rendered(
    request: pytest.FixtureRequest, ansible_playbook: str, tmp_path_factory: pytest.TempPathFactory
) -> tuple[str, Path]:
    name = request.param
    return name, render(ansible_playbook, tmp_path_factory.mktemp(name), VARIANTS[name])


def compose(project: Path) -> dict[str, Any]:
    return yaml.safe_load((project / "compose.yml").read_text())


def test_every_service_has_a_healthcheck_and_a_restart_policy(rendered) -> None:
    name, project = rendered
    services = compose(project)["services"]
    expected = {"nginx", "dmweb"} | ({"mongo"} if name.startswith("mongo") else set())
    assert set(services) == expected
    for service in services.values():
        assert service["restart"] == "unless-stopped"
        assert service["healthcheck"]["test"][0] in {"CMD", "CMD-SHELL"}
        assert service["logging"]["options"]["max-size"]


def test_networks_gateway_external_and_internal_internal(rendered) -> None:
    name, project = rendered
    spec = compose(project)
    nets = spec["networks"]
    assert nets["gateway"] == {"name": "gateway", "external": True}
    services = spec["services"]
    assert services["nginx"]["networks"] == ["gateway"]
    if name.startswith("mongo"):
        assert nets["internal"] == {"internal": True}
        assert sorted(services["dmweb"]["networks"]) == ["gateway", "internal"]
        # mongo never joins the gateway: Nginx cannot reach it
        assert "gateway" not in services["mongo"]["networks"]
        assert "internal" in services["mongo"]["networks"]
    else:
        assert services["dmweb"]["networks"] == ["gateway"]


def test_only_nginx_publishes_public_ports_and_mongo_only_on_loopback(rendered) -> None:
    name, project = rendered
    services = compose(project)["services"]
    assert "ports" not in services["dmweb"]
    nginx_ports = services["nginx"]["ports"]
    assert "80:80" in nginx_ports
    assert ("443:443" in nginx_ports) == (name != "sqlite-plain-http")
    if name.startswith("mongo"):
        assert services["mongo"]["ports"] == ["127.0.0.1:27017:27017"]


def test_named_volumes_and_a_hardened_dashboard(rendered) -> None:
    name, project = rendered
    spec = compose(project)
    volumes = set(spec["volumes"])
    assert {"dmweb-data", "nginx-cache"} <= volumes
    dmweb = spec["services"]["dmweb"]
    assert "dmweb-data:/data" in dmweb["volumes"]
    assert dmweb["read_only"] is True
    assert dmweb["cap_drop"] == ["ALL"]
    assert "no-new-privileges:true" in dmweb["security_opt"]
    if name.startswith("mongo"):
        assert {"mongo-data", "mongo-config"} <= volumes
        assert "mongo-data:/data/db" in spec["services"]["mongo"]["volumes"]
        assert spec["services"]["mongo"]["image"] == "mongo:7"
        assert dmweb["depends_on"]["mongo"]["condition"] == "service_healthy"
    assert spec["services"]["nginx"]["depends_on"]["dmweb"]["condition"] == "service_healthy"


def test_secrets_stay_in_private_env_files(rendered) -> None:
    name, project = rendered
    env = (project / "dmweb.env").read_text()
    assert "DESKMETER_WEB__MODE=portfolio" in env
    assert (project / "dmweb.env").stat().st_mode & 0o077 == 0
    if name.startswith("mongo"):
        password = VARIANTS[name]["stack_mongo_root_password"]
        assert password not in (project / "compose.yml").read_text()
        assert (project / "mongo.env").stat().st_mode & 0o077 == 0
        store = re.search(r"^DESKMETER_STORE=(.*)$", env, re.M)
        assert store and store.group(1).startswith("mongodb://deskmeter:")
        assert "@mongo:27017/deskmeter?authSource=admin" in store.group(1)
        if name == "mongo-letsencrypt":  # special characters are URL-encoded
            assert "p%40ss%2Fword%3A1" in store.group(1)
    else:
        assert "DESKMETER_STORE=/data/deskmeter.sqlite3" in env
        assert not (project / "mongo.env").exists()


PREFIX = os.environ.get("DESKMETER_REMOTE_PREFIX") or "deskmeter-remote"


def _have_image(image: str) -> bool:
    return (
        shutil.which("docker") is not None
        and subprocess.run(
            ["docker", "image", "inspect", image], capture_output=True, check=False
        ).returncode
        == 0
    )


@pytest.mark.docker
def test_compose_file_is_valid_for_compose_v2(rendered) -> None:
    """``docker compose config`` with Debian 13's Compose v2 plugin, the one the scenario uses."""
    _, project = rendered
    image = f"{PREFIX}/files:trixie"
    if not _have_image(image):
        pytest.skip(f"{image} not built (tests/remote/images/build.sh)")
    result = subprocess.run(
        [
            "docker",
            "run",
            "--rm",
            "--network",
            "none",
            "-v",
            f"{project}:/project:ro",
            "-w",
            "/project",
            image,
            "/srv/files/docker-compose-linux-x86_64",
            "--file",
            "compose.yml",
            "config",
            "--quiet",
        ],
        check=False,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr


def nginx_conf(project: Path) -> str:
    return "\n".join(
        (project / "nginx" / f).read_text()
        for f in ("nginx.conf", "dashboard.conf", "security-headers.conf", "proxy.conf")
    )


def test_nginx_read_only_gzip_static_cache_and_headers(rendered) -> None:
    name, project = rendered
    conf = nginx_conf(project)
    allowed = r"map \$request_method \$deskmeter_method_allowed \{\s*GET 1;\s*HEAD 1;\s*default 0;"
    assert re.search(allowed, conf)
    assert "return 405;" in conf
    assert "gzip on;" in conf
    assert "proxy_cache deskmeter_static;" in conf
    assert "expires 604800s;" in conf
    assert "server_tokens off;" in conf
    for header in (
        "X-Content-Type-Options",
        "X-Frame-Options",
        "Referrer-Policy",
        "Content-Security-Policy",
        "Permissions-Policy",
    ):
        assert f'add_header {header} "' in conf
        assert f"proxy_hide_header {header};" in conf
    https = name == "mongo-provided-tls"
    headers = (project / "nginx/security-headers.conf").read_text()
    assert ("Strict-Transport-Security" in headers) == https
    main = (project / "nginx/nginx.conf").read_text()
    assert ("return 301 https://$host$request_uri;" in main) == https
    if name == "mongo-letsencrypt":
        # no certificate yet: HTTP serves the dashboard and the ACME challenge
        assert "location /.well-known/acme-challenge/" in main
        assert "listen 443" not in main
    if https:
        assert "ssl_certificate /etc/nginx/tls/fullchain.pem;" in main
        assert "ssl_protocols TLSv1.2 TLSv1.3;" in main
        assert (project / "tls/privkey.pem").stat().st_mode & 0o077 == 0


@pytest.mark.docker
def test_nginx_accepts_the_configuration(rendered) -> None:
    """``nginx -t`` in the local nginx test image (Debian's nginx), dmweb resolved to loopback."""
    _, project = rendered
    image = f"{PREFIX}/nginx:bookworm"
    if not _have_image(image):
        pytest.skip(f"{image} not built (tests/remote/images/build.sh)")
    result = subprocess.run(
        [
            "docker",
            "run",
            "--rm",
            "--network",
            "none",
            "--add-host",
            "dmweb:127.0.0.1",
            "--tmpfs",
            "/var/cache/nginx",
            "-v",
            f"{project}/nginx:/etc/nginx/deskmeter:ro",
            "-v",
            f"{project}/tls:/etc/nginx/tls:ro",
            image,
            "sh",
            "-c",
            # the provided-TLS variant's placeholder PEMs are no certificate: make a real one
            "if grep -q 'BEGIN CERT' /etc/nginx/tls/fullchain.pem 2>/dev/null; then "
            "mkdir -p /tmp/t"
            " && sed 's#/etc/nginx/tls/#/tmp/t/#' /etc/nginx/deskmeter/nginx.conf > /tmp/n.conf"
            " && openssl req -x509 -newkey rsa:2048 -nodes -subj /CN=t -keyout /tmp/t/privkey.pem"
            " -out /tmp/t/fullchain.pem 2>/dev/null && nginx -t -c /tmp/n.conf; "
            "else nginx -t -c /etc/nginx/deskmeter/nginx.conf; fi",
        ],
        capture_output=True,
        check=False,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
