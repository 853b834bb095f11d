package io.pipelines.security;

import java.util.Collection;
import java.util.List;
import java.util.Locale;

import org.springframework.security.access.hierarchicalroles.RoleHierarchy;
import org.springframework.security.access.hierarchicalroles.RoleHierarchyImpl;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.GrantedAuthority;

/**
 * The three roles of a login, each holding the one before: viewer (reads), operator (acts on
 * pipelines and routes), admin (also reads the audit log).
 */
public final class Roles {

    public static final String VIEWER = "VIEWER";
    public static final String OPERATOR = "OPERATOR";
    public static final String ADMIN = "ADMIN";
    /** The role names a setting may give, in order. */
    public static final List<String> NAMES = List.of("viewer", "operator", "admin");

    /** ADMIN holds OPERATOR, which holds VIEWER. */
    public static final RoleHierarchy HIERARCHY = RoleHierarchyImpl.fromHierarchy(
            "ROLE_" + ADMIN + " > ROLE_" + OPERATOR + "\nROLE_" + OPERATOR + " > ROLE_" + VIEWER);

    private Roles() {
    }

    /** Whether the login holds {@code role} (itself or through a higher one). */
    public static boolean holds(Authentication login, String role) {
        if (login == null || !login.isAuthenticated()) {
            return false;
        }
        Collection<? extends GrantedAuthority> reachable = HIERARCHY.getReachableGrantedAuthorities(login.getAuthorities());
        return reachable.stream().anyMatch(a -> ("ROLE_" + role).equals(a.getAuthority()));
    }

    /** The role of a setting's text (viewer, operator, admin) as Spring's role name. */
    static String of(String setting) {
        return setting.strip().toUpperCase(Locale.ROOT);
    }
}
