/**
 * {@link org.switchman.runbook.port.DnsDiscovery} with dnsjava: plain queries, and RFC 2136 updates
 * signed with TSIG through {@code infra.Mutations}. May depend on {@code runbook}, {@code infra}
 * and {@code config}.
 */
package org.switchman.infra.dns;
