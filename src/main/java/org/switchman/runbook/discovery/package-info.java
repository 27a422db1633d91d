/**
 * The discovery records: lowering their TTL before a switch and restoring it after, and pooling or
 * depooling a datacenter for the discovery services ({@code discovery-datacenter}). May depend on
 * {@code runbook} and its ports only.
 */
package org.switchman.runbook.discovery;
