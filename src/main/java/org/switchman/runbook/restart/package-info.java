/**
 * Restarting services: {@link org.switchman.runbook.restart.HostRestart} restarts one service on
 * one host (depool, restart, check it is active and registered, repool); the service catalogue
 * ({@link org.switchman.runbook.restart.ServiceCatalogue}, {@link
 * org.switchman.runbook.restart.ServicePolicy}) says how each service is restarted, with named
 * checks ({@link org.switchman.runbook.restart.HostCheck}) and drains ({@link
 * org.switchman.runbook.restart.Drain}) whose commands live here. May depend on {@code runbook} and
 * its ports only.
 */
package org.switchman.runbook.restart;
