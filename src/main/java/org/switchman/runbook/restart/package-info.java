/**
 * Restarting one service on one host: depool, restart, check it is active and registered, repool.
 * May depend on {@code runbook} and its ports only.
 */
package org.switchman.runbook.restart;
