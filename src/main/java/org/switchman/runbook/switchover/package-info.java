/**
 * The MediaWiki datacenter switchover: {@link org.switchman.runbook.switchover.Switchover}, one
 * method per step of phases 0–9, the operator's request and the topology it touches. May depend on
 * {@code runbook}, its ports and the services it composes ({@code dblockdown}, {@code discovery});
 * no framework or client library.
 */
package org.switchman.runbook.switchover;
