/**
 * Failed logins per client address: a throttle in front of every way to present a password, and the
 * administrators' endpoint that undoes a lockout. May depend on {@code config}, {@code audit},
 * {@code process.security} and Spring.
 */
package org.switchman.web.login;
