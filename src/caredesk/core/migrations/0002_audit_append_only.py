"""The database itself refuses UPDATE and DELETE on the audit table.

Triggers on SQLite and PostgreSQL (and TRUNCATE on PostgreSQL); the SQL lives
in _audit_sql.py. Also creates the one chain-head row. See
docs/decisions/0003-audit-chain.md.
"""

from django.db import migrations

from caredesk.core.migrations import _audit_sql


def _run(statements_by_vendor):  # type: ignore[no-untyped-def]
    def run(apps, schema_editor):  # type: ignore[no-untyped-def]
        for sql in statements_by_vendor.get(schema_editor.connection.vendor, []):
            schema_editor.execute(sql, params=None)

    return run


def create_head(apps, schema_editor):  # type: ignore[no-untyped-def]
    apps.get_model("core", "AuditChainHead").objects.get_or_create(pk=1)


class Migration(migrations.Migration):
    dependencies = [("core", "0001_initial")]

    operations = [
        migrations.RunPython(create_head, migrations.RunPython.noop),
        migrations.RunPython(_run(_audit_sql.UP), _run(_audit_sql.DOWN)),
    ]
