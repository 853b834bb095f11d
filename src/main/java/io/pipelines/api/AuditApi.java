package io.pipelines.api;

import java.util.List;

import org.springframework.stereotype.Component;

import io.pipelines.security.AuditLog;

/** GET /api/audit (routes/rest-api.camel.yaml), for admins: the logins' actions, newest first. */
@Component("auditApi")
public class AuditApi {

    private final AuditLog log;

    public AuditApi(AuditLog log) {
        this.log = log;
    }

    public List<AuditLog.Entry> list(String user, String limit) {
        return log.latest(ListParameters.filter(user), ListParameters.limit(limit));
    }
}
