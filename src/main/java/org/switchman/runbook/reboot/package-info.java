/**
 * The host reboot of reference 002 ("Rebooting"): take a host out of its pools and silence it, stop
 * what depends on its slow-recovering filesystem, reboot, wait for it and for the recovery, start
 * its services in order (some need several starts), restart what depends on it here and elsewhere,
 * smoke-test, and put it back. May depend on {@code runbook}, its ports and {@code runbook.restart}
 * (the host profiles and checks of the service catalogue) only.
 */
package org.switchman.runbook.reboot;
