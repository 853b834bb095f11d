package io.pipelines.security;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import org.springframework.core.convert.converter.Converter;
import org.springframework.security.authentication.AbstractAuthenticationToken;
import org.springframework.security.core.GrantedAuthority;
import org.springframework.security.core.authority.SimpleGrantedAuthority;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.server.resource.authentication.JwtAuthenticationToken;

import io.pipelines.config.PipelinesProperties;

/**
 * The login of an identity provider's token (already checked: signature, expiry, issuer and
 * audience): its user from pipelines.security.oidc.user-claim (sub when absent), its roles from
 * the roles claim, each of viewer, operator and admin (after the role prefix) taken, anything else
 * ignored. A token with none of them is a login with no role: refused everywhere (403).
 */
final class TokenRoles implements Converter<Jwt, AbstractAuthenticationToken> {

    private final PipelinesProperties.Security.Oidc settings;

    TokenRoles(PipelinesProperties.Security.Oidc settings) {
        this.settings = settings;
    }

    @Override
    public AbstractAuthenticationToken convert(Jwt jwt) {
        List<GrantedAuthority> roles = new ArrayList<>();
        for (String value : values(claim(jwt.getClaims(), settings.getRolesClaim()))) {
            String name = value.startsWith(settings.getRolePrefix()) ? value.substring(settings.getRolePrefix().length()) : null;
            if (name != null && Roles.NAMES.contains(name.toLowerCase(Locale.ROOT))) {
                roles.add(new SimpleGrantedAuthority("ROLE_" + Roles.of(name)));
            }
        }
        String user = jwt.getClaimAsString(settings.getUserClaim());
        return new JwtAuthenticationToken(jwt, roles, user == null || user.isBlank() ? jwt.getSubject() : user);
    }

    /** The claim at a dotted path (realm_access.roles); null when absent. */
    private static Object claim(Map<String, Object> claims, String path) {
        Object at = claims;
        for (String part : path.split("\\.")) {
            if (!(at instanceof Map<?, ?> map)) {
                return null;
            }
            at = map.get(part);
        }
        return at;
    }

    /** A list claim's texts, or a space-separated text's words (as OAuth2's scope is written). */
    private static List<String> values(Object claim) {
        if (claim instanceof Collection<?> list) {
            return list.stream().map(String::valueOf).toList();
        }
        if (claim instanceof String text) {
            return List.of(text.strip().split("\\s+"));
        }
        return List.of();
    }
}
