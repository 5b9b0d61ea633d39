"""The ground is real: each service of the harness answers and is used."""
from __future__ import annotations

import pytest

pytestmark = pytest.mark.services


def test_elasticsearch_answers_with_its_version(elasticsearch_url):
    from elasticsearch import Elasticsearch

    info = Elasticsearch(elasticsearch_url, request_timeout=10).info()
    version = info["version"]["number"]
    print(f"\nElasticsearch {version} (cluster {info['cluster_name']}) at {elasticsearch_url}")
    assert version.startswith("8.")


@pytest.mark.django_db
def test_database_suite_runs_on_postgresql_with_migrations_applied(postgres_required):
    from django.db import connection
    from django.db.migrations.recorder import MigrationRecorder

    assert connection.vendor == "postgresql"
    with connection.cursor() as cursor:
        cursor.execute("SELECT version()")
        version = cursor.fetchone()[0]
    print(f"\n{version}")
    applied = MigrationRecorder(connection).applied_migrations()
    assert ("cms", "0002_create_homepage") in applied
    assert ("wagtailcore", "0001_initial") in applied or ("wagtailcore", "0001_squashed_0016_change_page_url_path_to_text_field") in applied


def test_task_goes_through_redis_to_a_real_worker_and_back(celery_worker):
    import redis

    from portal.celery import app, ping

    result = ping.delay("ciao")
    value = result.get(timeout=30)
    assert value["value"] == "ciao"
    assert value["pid"] != __import__("os").getpid(), "executed by the worker process, not in-process"
    client = redis.Redis.from_url(app.conf.broker_url)
    print(f"\nRedis {client.info()['redis_version']}; task {result.id} executed by worker pid {value['pid']}")
