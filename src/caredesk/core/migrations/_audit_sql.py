"""SQL of the append-only guard on core_auditevent, per database vendor.

Used by migration 0002 and by the tests that write around it on purpose.
"""

UP: dict[str, list[str]] = {
    "sqlite": [
        """CREATE TRIGGER core_auditevent_no_update BEFORE UPDATE ON core_auditevent
           BEGIN SELECT RAISE(ABORT, 'audit events are append-only: UPDATE refused'); END;""",
        # caredesk_audit_guard() is registered on each connection by caredesk.core.dbguard;
        # it answers 1 (refuse) unless the test suite is flushing its database.
        """CREATE TRIGGER core_auditevent_no_delete BEFORE DELETE ON core_auditevent
           WHEN caredesk_audit_guard()
           BEGIN SELECT RAISE(ABORT, 'audit events are append-only: DELETE refused'); END;""",
    ],
    "postgresql": [
        """CREATE OR REPLACE FUNCTION core_auditevent_refuse() RETURNS trigger AS $$
           BEGIN
             IF TG_OP <> 'UPDATE' AND current_setting('caredesk.audit_purge', true) = 'on' THEN
               IF TG_OP = 'DELETE' THEN RETURN OLD; END IF;
               RETURN NULL;
             END IF;
             RAISE EXCEPTION 'audit events are append-only: % refused', TG_OP;
           END;
           $$ LANGUAGE plpgsql;""",
        """CREATE TRIGGER core_auditevent_no_change BEFORE UPDATE OR DELETE ON core_auditevent
           FOR EACH ROW EXECUTE FUNCTION core_auditevent_refuse();""",
        """CREATE TRIGGER core_auditevent_no_truncate BEFORE TRUNCATE ON core_auditevent
           FOR EACH STATEMENT EXECUTE FUNCTION core_auditevent_refuse();""",
    ],
}

DOWN: dict[str, list[str]] = {
    "sqlite": [
        "DROP TRIGGER IF EXISTS core_auditevent_no_update;",
        "DROP TRIGGER IF EXISTS core_auditevent_no_delete;",
    ],
    "postgresql": [
        "DROP TRIGGER IF EXISTS core_auditevent_no_change ON core_auditevent;",
        "DROP TRIGGER IF EXISTS core_auditevent_no_truncate ON core_auditevent;",
    ],
}
