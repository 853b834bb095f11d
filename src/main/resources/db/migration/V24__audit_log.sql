-- Every action of an operator or admin (REST calls that change something, Jolokia exec and write):
-- who, from where, what, with which arguments, and the answer's status.
CREATE TABLE etl.audit_log (
    id        bigserial   PRIMARY KEY,
    at        timestamptz NOT NULL DEFAULT now(),
    username  text        NOT NULL,
    address   text        NOT NULL,
    action    text        NOT NULL,
    arguments text,
    status    integer     NOT NULL
);
CREATE INDEX audit_log_at ON etl.audit_log (at DESC);
