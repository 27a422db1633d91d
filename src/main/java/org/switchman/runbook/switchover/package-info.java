/**
 * The MediaWiki datacenter switchover: {@link org.switchman.runbook.switchover.Switchover}, one
 * method per step of phases 0–9; {@link org.switchman.runbook.switchover.SwitchoverChecks}, what it
 * reads (the pre-checks, the end state, the site's state for a decision); {@link
 * org.switchman.runbook.switchover.SwitchoverRollback}, the way back; the operator's request and
 * the topology it touches. May depend on {@code runbook}, its ports and the services it composes
 * ({@code dblockdown}, {@code discovery}, and {@code restart}'s named host checks); no framework or
 * client library.
 */
package org.switchman.runbook.switchover;
