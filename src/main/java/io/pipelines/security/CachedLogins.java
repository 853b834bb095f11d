package io.pipelines.security;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import org.springframework.security.authentication.AuthenticationProvider;
import org.springframework.security.authentication.BadCredentialsException;
import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.AuthenticationException;
import org.springframework.security.web.authentication.WebAuthenticationDetails;

/**
 * Checks a user name and password (through {@code checked}, which verifies the password's hash: a
 * BCrypt check costs about 0.1 s) and remembers a success for pipelines.security.login-cache, keyed
 * by an HMAC of the name and password under a key of this process (the password itself is not
 * kept), so that a client's repeated requests are cheap. A failed check is counted against the
 * client's address ({@link LoginThrottle}).
 */
public class CachedLogins implements AuthenticationProvider {

    private static final int MAX_ENTRIES = 1_000;

    private final AuthenticationProvider checked;
    private final LoginThrottle throttle;
    private final long ttlMillis;
    private final Clock clock;
    private final SecretKeySpec key;
    private final AtomicLong verifications = new AtomicLong();
    /** HMAC of name and password -> {the login, when it expires} */
    private final Map<String, Remembered> remembered = new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Remembered> eldest) {
            return size() > MAX_ENTRIES;
        }
    };

    private record Remembered(Authentication login, long expires) {
    }

    public CachedLogins(AuthenticationProvider checked, LoginThrottle throttle, Duration ttl, Clock clock) {
        this.checked = checked;
        this.throttle = throttle;
        this.ttlMillis = ttl.toMillis();
        this.clock = clock;
        byte[] secret = new byte[32];
        new SecureRandom().nextBytes(secret);
        this.key = new SecretKeySpec(secret, "HmacSHA256");
    }

    @Override
    public Authentication authenticate(Authentication authentication) throws AuthenticationException {
        String name = authentication.getName();
        String password = authentication.getCredentials() == null ? "" : authentication.getCredentials().toString();
        String id = ttlMillis > 0 ? hmac(name + '\0' + password) : null;
        if (id != null) {
            synchronized (remembered) {
                Remembered r = remembered.get(id);
                if (r != null && r.expires() > clock.millis()) {
                    return r.login();
                }
            }
        }
        verifications.incrementAndGet();
        Authentication login;
        try {
            login = checked.authenticate(authentication);
        } catch (BadCredentialsException e) {
            if (authentication.getDetails() instanceof WebAuthenticationDetails details) {
                throttle.failed(details.getRemoteAddress());
            }
            throw e;
        }
        if (id != null && login != null) {
            synchronized (remembered) {
                remembered.put(id, new Remembered(login, clock.millis() + ttlMillis));
            }
        }
        return login;
    }

    @Override
    public boolean supports(Class<?> authentication) {
        return UsernamePasswordAuthenticationToken.class.isAssignableFrom(authentication);
    }

    /** How many logins were checked against their hash (not answered from memory) since start. */
    public long verifications() {
        return verifications.get();
    }

    private String hmac(String text) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(key);
            return HexFormat.of().formatHex(mac.doFinal(text.getBytes(StandardCharsets.UTF_8)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is missing from this JVM", e);
        }
    }
}
