package io.pipelines.security;

import java.security.SecureRandom;
import java.util.Base64;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;
import org.springframework.core.env.Profiles;
import org.springframework.security.config.Customizer;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.http.SessionCreationPolicy;
import org.springframework.security.core.userdetails.User;
import org.springframework.security.core.userdetails.UserDetailsService;
import org.springframework.security.crypto.bcrypt.BCryptPasswordEncoder;
import org.springframework.security.crypto.password.PasswordEncoder;
import org.springframework.security.provisioning.InMemoryUserDetailsManager;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.authentication.www.BasicAuthenticationFilter;
import org.springframework.security.web.firewall.RequestRejectedHandler;

import jakarta.servlet.http.HttpServletResponse;

import io.pipelines.config.PipelinesProperties;
import io.pipelines.local.LocalServersEnvironmentPostProcessor;

/**
 * HTTP basic login on everything but /actuator/health; requests a browser sends for another site
 * are refused ({@link CrossOriginGuard}). The one user comes from PIPELINES_USER and
 * PIPELINES_PASSWORD; without them the local profile makes a password and prints it once on the
 * console (never to the log), and any other profile refuses to start.
 */
@Configuration(proxyBeanMethods = false)
public class SecurityConfig {

    @Bean
    public SecurityFilterChain filterChain(HttpSecurity http, PipelinesProperties properties) throws Exception {
        // Before the login is even looked at: a foreign site's request gets nothing, not even a 401.
        http.addFilterBefore(new CrossOriginGuard(properties.getSecurity().getAllowedOrigins()),
                        BasicAuthenticationFilter.class)
                .authorizeHttpRequests(auth -> auth
                        .requestMatchers("/actuator/health", "/actuator/health/**").permitAll()
                        .anyRequest().authenticated())
                .httpBasic(Customizer.withDefaults())
                // A JSON API with basic auth and no cookies: no session, no CSRF token to carry; what a
                // browser sends for another site is refused by CrossOriginGuard.
                .sessionManagement(s -> s.sessionCreationPolicy(SessionCreationPolicy.STATELESS))
                .csrf(csrf -> csrf.disable())
                // Hawtio shows its pages in frames of its own origin.
                .headers(h -> h.frameOptions(f -> f.sameOrigin()));
        return http.build();
    }

    /**
     * A URL the firewall refuses (encoded ';', '%', '\\' and the like) gets a 400 with problem
     * details, like any other bad request, instead of an error page.
     */
    @Bean
    public RequestRejectedHandler requestRejectedHandler() {
        return (request, response, rejected) -> {
            response.setStatus(HttpServletResponse.SC_BAD_REQUEST);
            response.setContentType("application/problem+json");
            response.getWriter().write("{\"type\":\"about:blank\",\"title\":\"Bad request\",\"status\":400,"
                    + "\"detail\":\"The request URL contains characters that are not allowed\"}");
        };
    }

    @Bean
    public PasswordEncoder passwordEncoder() {
        return new BCryptPasswordEncoder();
    }

    @Bean
    public UserDetailsService users(PipelinesProperties properties, Environment environment, PasswordEncoder encoder) {
        String username = properties.getSecurity().getUsername();
        String password = properties.getSecurity().getPassword();
        if (username.isBlank() || password.isBlank()) {
            if (!environment.acceptsProfiles(Profiles.of(LocalServersEnvironmentPostProcessor.LOCAL_PROFILE))) {
                throw new IllegalStateException("Set PIPELINES_USER and PIPELINES_PASSWORD (pipelines.security.username "
                        + "and .password): outside the local profile the service does not start without a login");
            }
            username = username.isBlank() ? "admin" : username;
            password = generatedPassword();
            // On the console once, as the issue asks; deliberately not through the logger, so no log file keeps it.
            System.out.println("\n=== pipelines (local profile): no PIPELINES_USER/PIPELINES_PASSWORD set; log in as '"
                    + username + "' with the generated password: " + password + " ===\n");
        }
        return new InMemoryUserDetailsManager(User.withUsername(username).password(encoder.encode(password))
                .roles("OPERATOR").build());
    }

    private static String generatedPassword() {
        byte[] bytes = new byte[18];
        new SecureRandom().nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }
}
