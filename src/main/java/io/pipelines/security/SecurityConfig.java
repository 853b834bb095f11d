package io.pipelines.security;

import java.time.Clock;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;
import org.springframework.core.env.Profiles;
import org.springframework.http.HttpMethod;
import org.springframework.security.access.hierarchicalroles.RoleHierarchy;
import org.springframework.security.authentication.dao.DaoAuthenticationProvider;
import org.springframework.security.config.Customizer;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.crypto.factory.PasswordEncoderFactories;
import org.springframework.security.crypto.password.PasswordEncoder;
import org.springframework.security.oauth2.jwt.JwtDecoder;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.context.RequestAttributeSecurityContextRepository;
import org.springframework.security.web.authentication.UsernamePasswordAuthenticationFilter;
import org.springframework.security.web.authentication.www.BasicAuthenticationFilter;
import org.springframework.security.web.firewall.RequestRejectedHandler;

import com.fasterxml.jackson.databind.ObjectMapper;

import io.pipelines.config.PipelinesProperties;
import io.pipelines.config.RequiredSettings;
import jakarta.servlet.http.HttpServletResponse;

/**
 * HTTP basic login on everything but /actuator/health, with three roles ({@link Roles}): a viewer
 * reads (the API's GETs, metrics, Hawtio, Jolokia's reads), an operator also acts (the API's POSTs,
 * Jolokia's exec and write within its policy), an admin also reads the audit log (/api/audit).
 * The logins come from pipelines.security ({@link Logins}); a successful one is remembered for a
 * while ({@link CachedLogins}), failed ones are throttled per address ({@link LoginThrottle}); with
 * an identity provider configured, its bearer tokens log in too ({@link TokenRoles}).
 * Requests a browser sends for another site are refused ({@link CrossOriginGuard}); every action
 * is written to the audit log ({@link AuditTrail}).
 */
@Configuration(proxyBeanMethods = false)
public class SecurityConfig {

    @Bean
    public SecurityFilterChain filterChain(HttpSecurity http, PipelinesProperties properties, LoginThrottle throttle,
                                           AuditLog audit, ObjectMapper json, ObjectProvider<JwtDecoder> tokens)
            throws Exception {
        // Bearer tokens of the team's identity provider, when one is configured (spring.security.oauth2.resourceserver.jwt.*).
        JwtDecoder decoder = tokens.getIfAvailable();
        if (decoder != null) {
            http.oauth2ResourceServer(o -> o.jwt(j -> j.decoder(decoder)
                    .jwtAuthenticationConverter(new TokenRoles(properties.getSecurity().getOidc()))));
        }
        // Before the login is even looked at: a foreign site's request gets nothing, not even a 401; an address
        // that failed too many logins gets 429.
        // (before the console's form login too, which comes before basic logins in the chain)
        http.addFilterBefore(new CrossOriginGuard(properties.getSecurity().getAllowedOrigins()),
                        UsernamePasswordAuthenticationFilter.class)
                .addFilterBefore(throttle.filter(), UsernamePasswordAuthenticationFilter.class)
                // Once the login is known: every action audited (refused ones too), then Jolokia's acts kept to operators.
                .addFilterAfter(new AuditTrail(audit, json), BasicAuthenticationFilter.class)
                .addFilterAfter(new JolokiaRoleGuard(json), AuditTrail.class)
                .authorizeHttpRequests(auth -> auth
                        .requestMatchers("/actuator/health", "/actuator/health/**").permitAll()
                        .requestMatchers(ConsoleLogin.PUBLIC).permitAll()
                        .requestMatchers("/api/audit", "/api/audit/**").hasRole(Roles.ADMIN)
                        .requestMatchers(HttpMethod.GET).hasRole(Roles.VIEWER)
                        .requestMatchers(HttpMethod.HEAD).hasRole(Roles.VIEWER)
                        // Jolokia's POSTs read too (Hawtio's way); JolokiaRoleGuard keeps its acts to operators.
                        .requestMatchers(JolokiaRequests.PATH, JolokiaRequests.PATH + "/**").hasRole(Roles.VIEWER)
                        .anyRequest().hasRole(Roles.OPERATOR))
                .httpBasic(basic -> basic.securityContextRepository(new RequestAttributeSecurityContextRepository()));
        // The JSON API with basic auth (or a bearer token) keeps no session and needs no CSRF token: what a browser
        // sends for another site is refused by CrossOriginGuard. The console signs in with a form and keeps its
        // login in a session cookie: its actions carry the CSRF token too (ConsoleLogin).
        ConsoleLogin.configure(http);
        // Hawtio shows its pages in frames of its own origin; the console's pages run only their own scripts.
        http.headers(h -> h.frameOptions(f -> f.sameOrigin())
                .addHeaderWriter(ConsoleLogin.contentSecurityPolicy()));
        return http.build();
    }

    /** ADMIN holds OPERATOR, which holds VIEWER (used by the rules above). */
    @Bean
    public static RoleHierarchy roleHierarchy() {
        return Roles.HIERARCHY;
    }

    /**
     * A URL the firewall refuses (encoded ';', '%', '\\' and the like) gets a 400 with problem
     * details, like any other bad request, instead of an error page.
     */
    @Bean
    public RequestRejectedHandler requestRejectedHandler() {
        return (request, response, rejected) -> Problems.write(response, HttpServletResponse.SC_BAD_REQUEST, "Bad request",
                "The request URL contains characters that are not allowed");
    }

    /** Hashes of any scheme given with its prefix ({bcrypt}, {argon2}...); new ones made with BCrypt. */
    @Bean
    public PasswordEncoder passwordEncoder() {
        return PasswordEncoderFactories.createDelegatingPasswordEncoder();
    }

    @Bean
    public LoginThrottle loginThrottle(PipelinesProperties properties, Clock clock) {
        return new LoginThrottle(properties.getSecurity().getMaxFailedLogins(), clock);
    }

    /** The logins, checked against their hashes at most once per login-cache period for the same name and password. */
    @Bean
    public CachedLogins logins(PipelinesProperties properties, Environment environment, PasswordEncoder encoder,
                               LoginThrottle throttle, Clock clock, ObjectProvider<JwtDecoder> tokens) {
        boolean local = environment.acceptsProfiles(Profiles.of(RequiredSettings.LOCAL_PROFILE));
        DaoAuthenticationProvider checked = new DaoAuthenticationProvider(Logins.of(properties.getSecurity(), local,
                tokens.getIfAvailable() != null, encoder));
        checked.setPasswordEncoder(encoder);
        return new CachedLogins(checked, throttle, properties.getSecurity().getLoginCache(), clock);
    }
}
