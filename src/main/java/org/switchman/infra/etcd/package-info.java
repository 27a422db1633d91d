/**
 * Conftool state and runbook locks in etcd with jetcd: {@link org.switchman.runbook.port.Conftool}
 * (compare-and-set writes through {@code infra.Mutations}) and {@link
 * org.switchman.runbook.port.RunbookLock} (leases). May depend on {@code runbook}, {@code infra}
 * and {@code config}.
 */
package org.switchman.infra.etcd;
