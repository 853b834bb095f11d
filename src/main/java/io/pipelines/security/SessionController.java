package io.pipelines.security;

import java.util.LinkedHashMap;
import java.util.Map;

import org.springframework.security.core.Authentication;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * GET /api/session: who is signed in and with which role (viewer, operator or admin), so that the console shows
 * an operator's actions only to operators. The rules themselves are the service's (SecurityConfig): a page that
 * showed a button to a viewer would still get 403 for its request. A Spring controller, not a Camel route: it
 * answers from the login, which Spring Security keeps on the request's thread.
 */
@RestController
public class SessionController {

    @GetMapping(path = "/api/session", produces = "application/json")
    public Map<String, Object> session(Authentication login) {
        String role = Roles.holds(login, Roles.ADMIN) ? "admin" : Roles.holds(login, Roles.OPERATOR) ? "operator"
                : Roles.holds(login, Roles.VIEWER) ? "viewer" : "none";
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("user", login.getName());
        answer.put("role", role);
        answer.put("canAct", Roles.holds(login, Roles.OPERATOR));
        return answer;
    }
}
