package org.switchman.process.security;

import java.util.List;
import org.camunda.bpm.engine.IdentityService;
import org.camunda.bpm.engine.identity.Group;
import org.springframework.security.authentication.AuthenticationProvider;
import org.springframework.security.authentication.BadCredentialsException;
import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.GrantedAuthority;
import org.springframework.security.core.authority.SimpleGrantedAuthority;
import org.springframework.stereotype.Component;

/**
 * Authenticates Switchman's own endpoints against the engine's users and passwords, the same ones
 * Tasklist uses. Each engine group becomes an authority {@code GROUP_<id>}.
 */
@Component
public class EngineIdentityAuthenticationProvider implements AuthenticationProvider {

  public static final String GROUP_AUTHORITY_PREFIX = "GROUP_";

  private final IdentityService identity;

  public EngineIdentityAuthenticationProvider(IdentityService identity) {
    this.identity = identity;
  }

  @Override
  public Authentication authenticate(Authentication authentication) {
    String user = authentication.getName();
    Object credentials = authentication.getCredentials();
    if (user == null
        || credentials == null
        || !identity.checkPassword(user, credentials.toString())) {
      throw new BadCredentialsException("Wrong user or password");
    }
    List<GrantedAuthority> authorities =
        identity.createGroupQuery().groupMember(user).list().stream()
            .map(Group::getId)
            .<GrantedAuthority>map(id -> new SimpleGrantedAuthority(GROUP_AUTHORITY_PREFIX + id))
            .toList();
    return UsernamePasswordAuthenticationToken.authenticated(user, null, authorities);
  }

  @Override
  public boolean supports(Class<?> authentication) {
    return UsernamePasswordAuthenticationToken.class.isAssignableFrom(authentication);
  }
}
