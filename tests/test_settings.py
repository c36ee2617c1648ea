"""Configuration: production settings pass Django's deployment checks; every variable the
settings read is documented in the README."""

import os
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


PRODUCTION = {
    "DJANGO_SETTINGS_MODULE": "config.settings.production",
    "DJANGO_SECRET_KEY": "a-long-random-production-secret-" + "k7Qz" * 12,
    "DJANGO_ALLOWED_HOSTS": "complaints.example.org",
    "DATABASE_URL": "sqlite:///:memory:",
    "CANDOR_VAR_DIR": str(ROOT / "var" / "deploy-check"),
    # As the README's production section shows: a real provider, its webhook protected.
    "EMAIL_BACKEND": "anymail.backends.postmark.EmailBackend",
    "ANYMAIL_POSTMARK_SERVER_TOKEN": "server-token",
    "ANYMAIL_WEBHOOK_SECRET": "candor-hook:long-random-webhook-password",
}


def check_deploy(**overrides) -> subprocess.CompletedProcess:
    env = {"PATH": os.environ.get("PATH", ""), **PRODUCTION, **overrides}
    env = {name: value for name, value in env.items() if value is not None}
    return subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_production_settings_pass_check_deploy_with_no_warning():
    result = check_deploy()
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_refuses_to_keep_email_unsent_unless_told_on_purpose():
    # Left at its default, the backend is the dev capture backend: every email kept in a table.
    result = check_deploy(EMAIL_BACKEND=None, ANYMAIL_POSTMARK_SERVER_TOKEN=None)
    assert result.returncode != 0 and "candor.E002" in result.stderr
    result = check_deploy(
        EMAIL_BACKEND=None, ANYMAIL_POSTMARK_SERVER_TOKEN=None, CANDOR_ALLOW_UNSENT_EMAIL="true"
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_production_refuses_a_reachable_tracking_webhook_without_its_secret():
    result = check_deploy(ANYMAIL_WEBHOOK_SECRET=None)
    assert result.returncode != 0 and "candor.E001" in result.stderr


def test_the_readme_production_section_shows_what_passes():
    readme = (ROOT / "README.md").read_text()
    section = readme[readme.index("## Production") :]
    section = section[: section.index("\n## ", 5)]
    for name in ("EMAIL_BACKEND", "ANYMAIL_WEBHOOK_SECRET", "DJANGO_SECRET_KEY"):
        assert name in section
    assert "anymail.backends." in section


def test_production_settings_refuse_to_start_without_a_secret_key():
    env = {
        "PATH": os.environ.get("PATH", ""),
        "DJANGO_SETTINGS_MODULE": "config.settings.production",
    }
    result = subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY" in result.stderr


def test_every_environment_variable_the_settings_read_is_in_the_readme():
    readme = (ROOT / "README.md").read_text()
    names = set()
    for path in (ROOT / "config" / "settings").glob("*.py"):
        source = path.read_text()
        names |= set(re.findall(r'env(?:\.\w+)?\(\s*"([A-Z][A-Z0-9_]+)"', source))
        names |= set(
            re.findall(r'os\.environ(?:\.get|\.setdefault)?\(\s*"([A-Z][A-Z0-9_]+)"', source)
        )
    assert names, "found no variables: the pattern is out of date"
    missing = sorted(name for name in names if f"`{name}`" not in readme)
    assert not missing, f"README does not document: {missing}"
