package io.pipelines.security;

import java.io.IOException;
import java.util.Set;

import org.springframework.http.HttpMethod;
import org.springframework.http.HttpStatus;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.web.authentication.HttpStatusEntryPoint;
import org.springframework.security.web.authentication.LoginUrlAuthenticationEntryPoint;
import org.springframework.security.web.authentication.www.BasicAuthenticationEntryPoint;
import org.springframework.security.web.csrf.CookieCsrfTokenRepository;
import org.springframework.security.web.csrf.CsrfFilter;
import org.springframework.security.web.csrf.CsrfToken;
import org.springframework.security.web.csrf.CsrfTokenRequestAttributeHandler;
import org.springframework.security.web.header.HeaderWriter;
import org.springframework.security.web.savedrequest.HttpSessionRequestCache;
import org.springframework.security.web.header.writers.DelegatingRequestMatcherHeaderWriter;
import org.springframework.security.web.header.writers.StaticHeadersWriter;
import org.springframework.security.web.servlet.util.matcher.PathPatternRequestMatcher;
import org.springframework.security.web.util.matcher.OrRequestMatcher;
import org.springframework.security.web.util.matcher.RequestMatcher;
import org.springframework.web.filter.OncePerRequestFilter;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

/**
 * The web console's sign-in (src/main/resources/static): a form at /login.html posting to /login, the login
 * kept in the session cookie (HttpOnly, SameSite=Strict: server.servlet.session.cookie.*), /logout to end it.
 * A request that rides on that cookie and changes something (any method but GET, HEAD, OPTIONS) must carry the
 * CSRF token: the cookie XSRF-TOKEN, readable by the console's own scripts, sent back in the header X-XSRF-TOKEN
 * (or the form field _csrf). Requests with their own Authorization (curl, scripts, Hawtio's basic login) and
 * Jolokia's (which has its own guards) need none. Signed out, a console page leads to the form; the API
 * answers 401 with a basic challenge, as before.
 */
final class ConsoleLogin {

    static final String LOGIN_PAGE = "/login.html";
    /** What anyone may fetch: the sign-in form, its script and the styles. */
    static final RequestMatcher PUBLIC = new OrRequestMatcher(get(LOGIN_PAGE), get("/console/login.js"),
            get("/console/console.css"), get("/favicon.ico"));
    /** The console's pages and files. */
    static final RequestMatcher PAGES = new OrRequestMatcher(get("/"), get("/index.html"), get(LOGIN_PAGE),
            get("/console/**"));

    private static final Set<String> SAFE = Set.of("GET", "HEAD", "OPTIONS", "TRACE");

    private ConsoleLogin() {
    }

    /**
     * Sessions are Spring's default: made by the form login only. Basic logins are kept for their request alone
     * (SecurityConfig); setting a session policy here would add the filter that saves every login into a session.
     */
    static void configure(HttpSecurity http) throws Exception {
        CookieCsrfTokenRepository tokens = CookieCsrfTokenRepository.withHttpOnlyFalse();
        tokens.setCookieCustomizer(cookie -> cookie.sameSite("Strict"));
        HttpSessionRequestCache pages = new HttpSessionRequestCache();
        pages.setRequestMatcher(PAGES); // a signed-out API call makes no session
        http.requestCache(cache -> cache.requestCache(pages))
                .formLogin(form -> form.loginPage(LOGIN_PAGE).loginProcessingUrl("/login")
                        .defaultSuccessUrl("/", false).failureUrl(LOGIN_PAGE + "?error"))
                .logout(out -> out.logoutUrl("/logout").logoutSuccessUrl(LOGIN_PAGE + "?signed-out"))
                .csrf(csrf -> csrf.csrfTokenRepository(tokens)
                        // The token as the cookie has it (the console's scripts send it back as it is).
                        .csrfTokenRequestHandler(new CsrfTokenRequestAttributeHandler())
                        .requireCsrfProtectionMatcher(ConsoleLogin::ridesOnTheSession))
                // The token cookie is set with the console's pages, before their first action.
                .addFilterAfter(new TokenCookie(), CsrfFilter.class)
                .exceptionHandling(e -> e
                        .defaultAuthenticationEntryPointFor(new LoginUrlAuthenticationEntryPoint(LOGIN_PAGE), PAGES)
                        // The console's own calls: a 401 without a challenge (no browser login box); it goes to the form.
                        .defaultAuthenticationEntryPointFor(new HttpStatusEntryPoint(HttpStatus.UNAUTHORIZED),
                                request -> "XMLHttpRequest".equals(request.getHeader("X-Requested-With")))
                        .defaultAuthenticationEntryPointFor(basic(), request -> true));
    }

    /**
     * An action that a browser may have sent with the session cookie: a CSRF token is required. The sign-in and
     * sign-out forms are such actions too (no cross-site login into another account).
     */
    static boolean ridesOnTheSession(HttpServletRequest request) {
        String path = request.getRequestURI().substring(request.getContextPath().length());
        if (SAFE.contains(request.getMethod()) || request.getHeader("Authorization") != null
                || JolokiaRequests.isJolokia(path)) {
            return false;
        }
        return path.equals("/login") || path.equals("/logout") || request.getRequestedSessionId() != null;
    }

    /** The console's pages load scripts, styles and data from the service only, and are never framed. */
    static HeaderWriter contentSecurityPolicy() {
        return new DelegatingRequestMatcherHeaderWriter(PAGES, new StaticHeadersWriter("Content-Security-Policy",
                "default-src 'self'; img-src 'self' data:; object-src 'none'; base-uri 'none'; form-action 'self'; "
                        + "frame-ancestors 'none'"));
    }

    private static BasicAuthenticationEntryPoint basic() {
        BasicAuthenticationEntryPoint entry = new BasicAuthenticationEntryPoint();
        entry.setRealmName("pipelines");
        entry.afterPropertiesSet();
        return entry;
    }

    private static RequestMatcher get(String pattern) {
        return PathPatternRequestMatcher.withDefaults().matcher(HttpMethod.GET, pattern);
    }

    /** Loads the deferred CSRF token on the console's pages, which writes its cookie. */
    private static final class TokenCookie extends OncePerRequestFilter {
        @Override
        protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
                throws ServletException, IOException {
            if (PAGES.matches(request) && request.getAttribute(CsrfToken.class.getName()) instanceof CsrfToken token) {
                token.getToken();
            }
            chain.doFilter(request, response);
        }
    }
}
