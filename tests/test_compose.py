"""No Docker engine runs here, so the compose file is checked by reading it: every service the
README names is there, and the app containers share one set of variables."""

from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
COMPOSE = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
APP_SERVICES = ["web", "worker", "email-worker", "beat"]


def test_every_service_the_readme_names_is_in_the_compose_file():
    readme = (ROOT / "README.md").read_text()
    for service in ["postgres", "redis", "web", "worker", "email-worker", "beat", "mailcatcher"]:
        assert f"`{service}`" in readme
        assert service in COMPOSE["services"]


def test_app_services_share_the_same_variables_and_reach_postgres_and_redis():
    environments = [COMPOSE["services"][name]["environment"] for name in APP_SERVICES]
    assert all(env == environments[0] for env in environments)
    env = environments[0]
    assert env["DATABASE_URL"].startswith("postgres://") and "@postgres:" in env["DATABASE_URL"]
    assert env["REDIS_URL"].startswith("redis://redis:")
    assert env["CELERY_BROKER_URL"].startswith("redis://redis:")
    assert env["DJANGO_SETTINGS_MODULE"] == "config.settings.production"


def test_every_service_has_a_health_check_and_the_app_waits_for_its_services():
    for name, service in COMPOSE["services"].items():
        if name != "migrate":
            assert "healthcheck" in service, name
    for name in APP_SERVICES:
        depends = COMPOSE["services"][name]["depends_on"]
        assert depends["redis"]["condition"] == "service_healthy"
        assert depends["migrate"]["condition"] == "service_completed_successfully"
    assert (
        COMPOSE["services"]["migrate"]["depends_on"]["postgres"]["condition"] == "service_healthy"
    )


def test_the_broker_keeps_its_data_and_never_evicts_a_task():
    command = " ".join(COMPOSE["services"]["redis"]["command"])
    assert "--appendonly yes" in command and "--maxmemory-policy noeviction" in command
    assert "--appendfsync always" in command  # a crash loses no task published
    assert COMPOSE["services"]["postgres"]["volumes"] and COMPOSE["services"]["redis"]["volumes"]


def test_exactly_one_beat():
    beat = COMPOSE["services"]["beat"]
    assert "deploy" not in beat or beat["deploy"].get("replicas", 1) == 1


def test_every_long_running_service_comes_back_by_itself_when_it_exits():
    for name, service in COMPOSE["services"].items():
        if name == "migrate":  # runs once and is done
            continue
        assert service.get("restart") in {"unless-stopped", "always"}, name


def _queues_of(service: dict) -> set[str]:
    command = service["command"]
    return set(command[command.index("-Q") + 1].split(","))


def test_routing_and_email_run_in_worker_pools_of_their_own_and_every_queue_is_consumed():
    from django.conf import settings

    routing = _queues_of(COMPOSE["services"]["worker"])
    email = _queues_of(COMPOSE["services"]["email-worker"])
    assert routing == {"routing"} and email == {"email"}
    assert routing | email == {queue.name for queue in settings.CELERY_TASK_QUEUES}
    assert settings.CELERY_TASK_ROUTES["notices.tasks.send_notice"] == {"queue": "email"}
    assert settings.CELERY_TASK_DEFAULT_QUEUE == "routing"


def test_web_is_healthy_while_it_serves_whatever_the_worker_does():
    web = " ".join(COMPOSE["services"]["web"]["healthcheck"]["test"])
    assert "/livez" in web and "/healthz" not in web
    worker = " ".join(COMPOSE["services"]["worker"]["healthcheck"]["test"])
    assert "inspect ping" in worker
