package org.switchman.process.security;

import java.util.Locale;

/**
 * User ids compared as one identity store would: case and surrounding blanks do not make another
 * person. The engine's own tables compare ids exactly; an LDAP directory does not, so the rules
 * that tell two people apart (four-eyes, claiming for yourself) compare canonical ids.
 */
public final class UserIds {

  private UserIds() {}

  public static String canonical(String userId) {
    return userId == null ? null : userId.strip().toLowerCase(Locale.ROOT);
  }

  public static boolean same(String a, String b) {
    return a != null && b != null && canonical(a).equals(canonical(b));
  }
}
