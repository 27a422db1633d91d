/**
 * Lowering the TTL of the discovery records before a switch and restoring it after. May depend on
 * {@code runbook} and its ports only.
 */
package org.switchman.runbook.discovery;
