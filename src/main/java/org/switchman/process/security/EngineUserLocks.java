package org.switchman.process.security;

import java.util.Date;
import org.camunda.bpm.engine.IdentityService;
import org.camunda.bpm.engine.identity.User;
import org.camunda.bpm.engine.impl.persistence.entity.UserEntity;
import org.camunda.bpm.engine.impl.util.ClockUtil;
import org.springframework.stereotype.Component;

/**
 * The engine's own lock on a user after wrong passwords (3 s, doubling up to 60 s; never for good,
 * see {@code login-max-attempts} in application.yaml), and its release by an administrator. The
 * caller checks that the releasing user is an administrator.
 */
@Component
public class EngineUserLocks {

  /** What an unlock found. */
  public enum Unlock {
    UNLOCKED,
    WAS_NOT_LOCKED,
    NO_SUCH_USER
  }

  private final IdentityService identity;

  public EngineUserLocks(IdentityService identity) {
    this.identity = identity;
  }

  /** Clears the user's failed attempts and lock, as {@code POST /engine-rest/user/{id}/unlock}. */
  public Unlock unlock(String userId) {
    User user = identity.createUserQuery().userId(userId).singleResult();
    if (user == null) {
      return Unlock.NO_SUCH_USER;
    }
    boolean locked =
        !(user instanceof UserEntity entity)
            || entity.getAttempts() > 0
            || (entity.getLockExpirationTime() != null
                && entity
                    .getLockExpirationTime()
                    .after(new Date(ClockUtil.getCurrentTime().getTime())));
    identity.unlockUser(userId);
    return locked ? Unlock.UNLOCKED : Unlock.WAS_NOT_LOCKED;
  }
}
