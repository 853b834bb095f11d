package io.pipelines.support;

import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;

import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;

/**
 * A team's identity provider as the service sees it: its signing keys published as a JWK set (on
 * the tests' fake third-party HTTP server), and the tokens it signs for a user and roles.
 */
public final class TestIdentityProvider {

    private static final RSAKey KEY = key("idp");
    /** A key the service does not know: its tokens must be refused. */
    private static final RSAKey FOREIGN = key("foreign");

    private TestIdentityProvider() {
    }

    public static String jwkSetUrl() {
        return "http://127.0.0.1:" + TestSources.api().port() + "/idp/jwks";
    }

    /** Publishes the provider's public key where the service fetches it. */
    public static void publish() {
        TestSources.api().stubFor(get(urlPathEqualTo("/idp/jwks")).willReturn(okJson(new JWKSet(KEY.toPublicJWK()).toString())));
    }

    /** A token for {@code user} with {@code roles} (claim roles), valid for {@code validFor} (negative: expired). */
    public static String token(String user, List<String> roles, Duration validFor) {
        return sign(KEY, user, roles, validFor);
    }

    /** The same, signed by a key the service does not know. */
    public static String foreignToken(String user, List<String> roles) {
        return sign(FOREIGN, user, roles, Duration.ofMinutes(5));
    }

    private static String sign(RSAKey key, String user, List<String> roles, Duration validFor) {
        Instant now = Instant.now();
        JWTClaimsSet claims = new JWTClaimsSet.Builder().subject("id-" + user).claim("preferred_username", user)
                .claim("roles", roles).issueTime(Date.from(now.minusSeconds(60))).expirationTime(Date.from(now.plus(validFor)))
                .build();
        try {
            SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.RS256).keyID(key.getKeyID()).build(), claims);
            jwt.sign(new RSASSASigner(key));
            return jwt.serialize();
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
    }

    private static RSAKey key(String id) {
        try {
            return new RSAKeyGenerator(2048).keyID(id).generate();
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
    }
}
