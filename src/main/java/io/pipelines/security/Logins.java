package io.pipelines.security;

import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;

import org.springframework.security.core.userdetails.User;
import org.springframework.security.core.userdetails.UserDetails;
import org.springframework.security.crypto.password.PasswordEncoder;
import org.springframework.security.provisioning.InMemoryUserDetailsManager;

import io.pipelines.config.PipelinesProperties;

/**
 * The logins of the service from pipelines.security: each user of {@code users} with its role and
 * password hash (checked here: a known role, a hash with its scheme, never a password in clear),
 * and the admin login of {@code username}/{@code password} when given. Without any (and without an
 * identity provider), the local profile makes a viewer, an operator and an admin and prints their
 * passwords once on the console (never to the log); any other profile does not start.
 */
final class Logins {

    private Logins() {
    }

    /** {@code tokens}: an identity provider's tokens log in too, so no user of the settings is needed. */
    static InMemoryUserDetailsManager of(PipelinesProperties.Security settings, boolean local, boolean tokens,
                                         PasswordEncoder encoder) {
        List<UserDetails> users = new ArrayList<>();
        for (Map.Entry<String, PipelinesProperties.Security.User> e : settings.getUsers().entrySet()) {
            String where = "pipelines.security.users." + e.getKey();
            String role = e.getValue().getRole() == null ? "" : e.getValue().getRole();
            if (!Roles.NAMES.contains(role.strip())) {
                throw new IllegalStateException(where + ".role: '" + role + "' is not one of " + Roles.NAMES);
            }
            String hash = e.getValue().getPasswordHash() == null ? "" : e.getValue().getPasswordHash().strip();
            if (!hash.matches("\\{[a-z0-9]+}\\S+")) {
                throw new IllegalStateException(where + ".password-hash: not a password hash with its scheme "
                        + "({bcrypt}$2y$10$...); a password in clear is not taken");
            }
            users.add(User.withUsername(e.getKey()).password(hash).roles(Roles.of(role)).build());
        }
        if (!settings.getUsername().isBlank() && !settings.getPassword().isBlank()) {
            if (settings.getUsers().containsKey(settings.getUsername())) {
                throw new IllegalStateException("pipelines.security.username: '" + settings.getUsername()
                        + "' is also one of pipelines.security.users; name it once");
            }
            users.add(User.withUsername(settings.getUsername()).password(encoder.encode(settings.getPassword()))
                    .roles(Roles.ADMIN).build());
        } else if (!settings.getUsername().isBlank() || !settings.getPassword().isBlank()) {
            throw new IllegalStateException("pipelines.security.username and .password (PIPELINES_USER, PIPELINES_PASSWORD): "
                    + "give both or neither");
        }
        if (users.isEmpty() && !tokens) {
            if (!local) {
                throw new IllegalStateException("No login: set pipelines.security.users.<name>.role and .password-hash, or "
                        + "PIPELINES_USER and PIPELINES_PASSWORD (an admin); outside the local profile the service does not "
                        + "start without one");
            }
            StringBuilder shown = new StringBuilder("\n=== pipelines (local profile): no logins set; generated ones:");
            for (String role : Roles.NAMES) {
                String password = generatedPassword();
                users.add(User.withUsername(role).password(encoder.encode(password)).roles(Roles.of(role)).build());
                shown.append("\n===   ").append(role).append(" / ").append(password);
            }
            // On the console once; deliberately not through the logger, so no log file keeps them.
            System.out.println(shown.append("\n").toString());
        }
        return new InMemoryUserDetailsManager(users);
    }

    private static String generatedPassword() {
        byte[] bytes = new byte[18];
        new SecureRandom().nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }
}
