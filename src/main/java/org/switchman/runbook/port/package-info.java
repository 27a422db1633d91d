/**
 * Ports: what the runbooks need from the outside world, free of client libraries. Adapters in
 * {@code org.switchman.infra} implement them. Every mutating method takes a {@link
 * org.switchman.runbook.RunContext} and goes through the mutation choke point, so that it honours
 * live, live-test and dry-run and is journaled; reads are always real and are not journaled. May
 * depend on {@code runbook} only.
 */
package org.switchman.runbook.port;
