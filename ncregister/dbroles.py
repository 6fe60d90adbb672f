"""Database roles (PostgreSQL): migrations run as the owner role; web and worker as NCR_DB_APP_ROLE.

After every `migrate` the owner grants the app role exactly this on the schema's objects:
- CONNECT on the database, USAGE on the schema (no CREATE: the app cannot change the schema);
- SELECT, INSERT, UPDATE, DELETE on every table, USAGE and SELECT on every sequence;
- on the tables in APPEND_ONLY_TABLES only SELECT and INSERT (an audit trail that the app cannot rewrite).
Default privileges cover tables that later migrations create, so the grants hold between two runs too.
"""

import logging

from django.conf import settings
from django.db import connections

logger = logging.getLogger(__name__)

# Tables the app role may only read and add to.
APPEND_ONLY_TABLES = ["audit_auditevent"]


def grant_app_role(using="default"):
    role = settings.NCR_DB_APP_ROLE
    connection = connections[using]
    if not role or connection.vendor != "postgresql":
        return False
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", [role])
        if cursor.fetchone() is None:
            logger.warning("NCR_DB_APP_ROLE %s does not exist; no grants made", role)
            return False
        cursor.execute("SELECT current_database(), current_schema()")
        database, schema = cursor.fetchone()
        r, s = quote(role), quote(schema)
        statements = [
            f"GRANT CONNECT ON DATABASE {quote(database)} TO {r}",
            f"GRANT USAGE ON SCHEMA {s} TO {r}",
            f"REVOKE CREATE ON SCHEMA {s} FROM {r}",
            f"GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA {s} TO {r}",
            f"GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA {s} TO {r}",
            f"ALTER DEFAULT PRIVILEGES IN SCHEMA {s} GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO {r}",
            f"ALTER DEFAULT PRIVILEGES IN SCHEMA {s} GRANT USAGE, SELECT ON SEQUENCES TO {r}",
        ]
        for table in APPEND_ONLY_TABLES:
            statements.append(f"REVOKE UPDATE, DELETE, TRUNCATE ON {quote(table)} FROM {r}")
        for statement in statements:
            cursor.execute(statement)
    logger.info("granted the app role %s its rights on %s.%s", role, database, schema)
    return True


def after_migrate(sender, using="default", **kwargs):
    grant_app_role(using)
