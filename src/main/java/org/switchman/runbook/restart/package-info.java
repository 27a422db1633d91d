/**
 * Restarting services: {@link org.switchman.runbook.restart.RollingRestartRequest} is what an
 * operator asks for, {@link org.switchman.runbook.restart.RestartPlan} the hosts from conftool in
 * batches, and {@link org.switchman.runbook.restart.HostRestart} the steps on one host (checks,
 * change-and-revert depool, drain, restart or reload, repool); the service catalogue ({@link
 * org.switchman.runbook.restart.ServiceCatalogue}, {@link
 * org.switchman.runbook.restart.ServicePolicy}) says how each service is restarted, with named
 * checks ({@link org.switchman.runbook.restart.HostCheck}) and drains ({@link
 * org.switchman.runbook.restart.Drain}) whose commands live here. May depend on {@code runbook} and
 * its ports only.
 */
package org.switchman.runbook.restart;
