"""PostgreSQL only: the text-search configuration of the database search, Italian stems with
accents folded, so "poverta" finds "povertà" and "equipe" finds "équipe" as Elasticsearch does.

Without the unaccent extension (a server without contrib) the configuration is plain Italian:
the name exists either way, because settings refer to it. SQLite's FTS5 folds accents itself.
"""
from django.db import migrations

CONFIG = "cdp_italian"

CREATE = f"""
DO $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_ts_config WHERE cfgname = '{CONFIG}') THEN
        CREATE TEXT SEARCH CONFIGURATION {CONFIG} (COPY = pg_catalog.italian);
    END IF;
    BEGIN
        CREATE EXTENSION IF NOT EXISTS unaccent;
        ALTER TEXT SEARCH CONFIGURATION {CONFIG}
            ALTER MAPPING FOR hword, hword_part, word WITH unaccent, italian_stem;
    EXCEPTION WHEN OTHERS THEN
        RAISE WARNING 'unaccent not available (%%): database search keeps accents', SQLERRM;
    END;
END
$$;
"""


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE)


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP TEXT SEARCH CONFIGURATION IF EXISTS {CONFIG}")


class Migration(migrations.Migration):
    dependencies = [("search", "0002_periodic_tasks")]
    operations = [migrations.RunPython(create, drop)]
