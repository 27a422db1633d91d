/**
 * Identity and access: the groups and the authorizations each gets ({@link
 * org.switchman.process.security.AccessModel}), their creation at start with the administrator and
 * the lab's demo users, login against the engine's users for Switchman's own endpoints, and the
 * engine's login locks. May depend on {@code config}, Camunda and Spring Security; {@code web} uses
 * it, never the reverse.
 */
package org.switchman.process.security;
