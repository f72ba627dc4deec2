"""The deployment recipe (docs/deploy/): nginx accepts the site, the site and the systemd units
agree with the settings, and the units start commands that exist in this project."""

import configparser
import importlib
import json
import os
import re
import secrets
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from cryptography.fernet import Fernet
from django.conf import settings
from django.core.management import call_command

from calls.blocks import FileQuestionBlock

BASE_DIR = Path(__file__).resolve().parent.parent
DEPLOY = BASE_DIR / "docs" / "deploy"
SITE = DEPLOY / "nginx" / "collex.conf"
UNITS = ("collex-gunicorn.service", "collex-worker.service", "collex-beat.service")
NGINX = shutil.which("nginx") or ("/usr/sbin/nginx" if Path("/usr/sbin/nginx").exists() else None)
needs_nginx = pytest.mark.skipif(
    NGINX is None, reason="nginx is not installed (apt-get install nginx-light; CI installs it)"
)


def check_nginx(site):
    return subprocess.run(
        [BASE_DIR / ".ci" / "check-nginx", site], capture_output=True, text=True, timeout=60
    )


def environment_example():
    """The variables of docs/deploy/collex.env.example, as systemd reads them."""
    variables = {}
    for line in (DEPLOY / "collex.env.example").read_text().splitlines():
        if line.strip() and not line.startswith("#"):
            name, value = line.split("=", 1)
            variables[name] = value.strip('"')
    return variables


def unit(name):
    parser = configparser.ConfigParser(interpolation=None, strict=True)
    parser.optionxform = str  # systemd's keys are case-sensitive
    parser.read_string((DEPLOY / "systemd" / name).read_text())
    return parser


def locations(site_text):
    """Each `location` of the site, as {prefix: its body}."""
    return dict(re.findall(r"location\s+(?:\^~\s+)?(\S+)\s*\{([^}]*)\}", site_text))


def site_directive(name):
    values = re.findall(rf"^\s*{name}\s+(.+);\s*$", SITE.read_text(), re.MULTILINE)
    assert values, f"{name} missing from {SITE.name}"
    return values


@needs_nginx
def test_nginx_accepts_the_site():
    result = check_nginx(SITE)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "nginx -t passed" in result.stdout


@needs_nginx
def test_the_nginx_check_refuses_a_broken_site(tmp_path):
    broken = tmp_path / "collex.conf"
    broken.write_text(SITE.read_text().replace("proxy_read_timeout", "proxy_read_timout"))
    result = check_nginx(broken)
    assert result.returncode != 0
    assert 'unknown directive "proxy_read_timout"' in result.stderr


def megabytes(size):
    """An nginx size ("60m", "512k", "1048576") in megabytes."""
    number, suffix = re.fullmatch(r"(\d+)([kKmM]?)", size).groups()
    return int(number) * {"m": 1, "k": 1 / 1024, "": 1 / 1024**2}[suffix.lower()]


def test_nginx_lets_the_largest_upload_through_with_a_margin():
    largest_attachment = FileQuestionBlock().child_blocks["max_size_mb"].field.max_value
    largest_image = settings.WAGTAILIMAGES_MAX_UPLOAD_SIZE / (1024 * 1024)
    (body,) = site_directive("client_max_body_size")
    assert megabytes(body) > max(largest_attachment, largest_image)
    assert megabytes(body) <= 2 * max(largest_attachment, largest_image)


def test_nginx_never_serves_private_files():
    site = SITE.read_text()
    private_root = environment_example()["PRIVATE_MEDIA_ROOT"].rstrip("/")
    served = re.findall(r"^\s*(?:alias|root)\s+([^;]+);", site, re.MULTILINE)
    assert served and not [path for path in served if path.startswith(private_root)]
    assert "return 404" in locations(site)["/private/"]
    # Under MEDIA_ROOT only CMS images are public: Wagtail documents go through Django's view.
    assert "return 404" in locations(site)["/media/"]
    assert "alias /var/lib/collex/media/images/" in locations(site)["/media/images/"]


def test_nginx_serves_static_files_from_static_root_for_a_long_time():
    static = locations(SITE.read_text())["/static/"]
    assert f"alias {environment_example()['STATIC_ROOT'].rstrip('/')}/;" in static
    assert "expires 1y;" in static


def test_nginx_tells_django_the_scheme_host_and_client():
    proxied = locations(SITE.read_text())["/"]
    assert "proxy_set_header X-Forwarded-Proto $scheme;" in proxied
    assert "proxy_set_header Host $host;" in proxied
    assert "proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;" in proxied
    (socket,) = unit("collex-gunicorn.socket")["Socket"]["ListenStream"].split()
    assert f"server unix:{socket} " in SITE.read_text()


def test_plain_http_is_redirected_to_https():
    first_server = SITE.read_text().split("server {")[1]
    assert "listen 80;" in first_server
    assert "return 301 https://$host$request_uri;" in first_server
    assert site_directive("ssl_protocols") == ["TLSv1.2 TLSv1.3"]


def production_settings(*names, **overrides):
    """These settings as production computes them from the example environment file."""
    environment = {key: value for key, value in os.environ.items() if not key.startswith("DJANGO_")}
    environment.update(environment_example())
    environment.update(
        SECRET_KEY=secrets.token_urlsafe(64),
        MFA_ENCRYPTION_KEY=Fernet.generate_key().decode(),
        **overrides,
    )
    shown = "; ".join(f"print(repr(settings.{name}))" for name in names)
    result = subprocess.run(
        [
            sys.executable,
            "manage.py",
            "shell",
            "-v",
            "0",
            "-c",
            f"from django.conf import settings; {shown}",
        ],
        cwd=BASE_DIR,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.splitlines()


def test_the_example_environment_runs_production_with_the_sites_hsts_and_proxy_header():
    hsts, subdomains, preload, proxy_header, module = production_settings(
        "SECURE_HSTS_SECONDS",
        "SECURE_HSTS_INCLUDE_SUBDOMAINS",
        "SECURE_HSTS_PRELOAD",
        "SECURE_PROXY_SSL_HEADER",
        "SETTINGS_MODULE",
    )
    assert module == "'config.settings.production'"
    assert proxy_header == "('HTTP_X_FORWARDED_PROTO', 'https')"
    assert (subdomains, preload) == ("True", "True")
    (header,) = site_directive("add_header Strict-Transport-Security")
    assert header == f'"max-age={hsts}; includeSubDomains; preload" always'


@pytest.mark.parametrize("name", UNITS)
def test_each_unit_runs_as_its_own_user_hardened_and_restarted(name):
    service = unit(name)["Service"]
    assert service["User"] == "collex"
    assert service["EnvironmentFile"] == "/etc/collex/collex.env"
    assert service["Restart"] == "on-failure"
    assert service["NoNewPrivileges"] == "yes"
    assert service["ProtectSystem"] == "strict"
    assert service["PrivateTmp"] == "yes"


@pytest.mark.parametrize("name", ["collex-gunicorn.service", "collex-worker.service"])
def test_web_and_worker_may_write_the_uploaded_files_only(name):
    example = environment_example()
    writable = unit(name)["Service"]["ReadWritePaths"].split()
    assert sorted(writable) == sorted([example["MEDIA_ROOT"], example["PRIVATE_MEDIA_ROOT"]])


def command(name):
    """The program a unit's ExecStart runs (found in this project's virtualenv), its arguments."""
    program, *arguments = shlex.split(unit(name)["Service"]["ExecStart"])
    assert program.startswith("/srv/collex/app/.venv/bin/")
    local = Path(sys.executable).parent / Path(program).name
    assert local.exists(), f"{name} runs {Path(program).name}, which the project does not install"
    return Path(program).name, arguments


def test_gunicorn_serves_the_projects_wsgi_application():
    program, arguments = command("collex-gunicorn.service")
    assert program == "gunicorn"
    module, attribute = arguments[0].split(":")
    assert callable(getattr(importlib.import_module(module), attribute))
    timeout = arguments[arguments.index("--timeout") + 1]
    (read_timeout,) = site_directive("proxy_read_timeout")
    assert read_timeout == f"{timeout}s"


@pytest.mark.parametrize(
    ("name", "role"), [("collex-worker.service", "worker"), ("collex-beat.service", "beat")]
)
def test_celery_units_start_the_projects_celery_app(name, role):
    program, arguments = command(name)
    assert program == "celery"
    assert arguments[:3] == ["-A", "config", role]
    from config.celery import app

    assert app.main == "collex"
    if role == "beat":
        schedule = arguments[arguments.index("--schedule") + 1]
        state = unit(name)["Service"]["StateDirectory"]
        assert schedule.startswith(f"/var/lib/{state}/")


def test_collectstatic_builds_the_manifest_that_production_serves(tmp_path, settings):
    """Step 4 of the recipe: every reference in the static files (a vendored file's source map)
    must resolve, or collectstatic stops and production has no static files."""
    settings.STATIC_ROOT = tmp_path
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.ManifestStaticFilesStorage"},
    }
    call_command("collectstatic", "--noinput", verbosity=0)
    paths = json.loads((tmp_path / "staticfiles.json").read_text())["paths"]
    assert "vendor/bootstrap/bootstrap.bundle.min.js" in paths
    assert "css/site.css" in paths


@pytest.mark.skipif(
    shutil.which("systemd-analyze") is None, reason="systemd-analyze is not installed"
)
def test_systemd_accepts_the_units(tmp_path):
    """systemd's own reading: an unknown or misspelt key is only a warning to it, so any output
    fails. The units name /srv/collex/app, here this checkout."""
    for source in (DEPLOY / "systemd").iterdir():
        text = source.read_text().replace(
            "/srv/collex/app/.venv/bin", str(Path(sys.executable).parent)
        )
        (tmp_path / source.name).write_text(text.replace("/srv/collex/app", str(BASE_DIR)))
    names = sorted(f"./{path.name}" for path in tmp_path.iterdir())
    result = subprocess.run(
        ["systemd-analyze", "verify", *names],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0
    assert result.stdout + result.stderr == ""
