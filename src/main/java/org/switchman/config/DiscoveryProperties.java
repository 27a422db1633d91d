package org.switchman.config;

import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * The discovery services as {@code discovery-datacenter} treats them ({@code
 * switchman.discovery.*}). Conftool's discovery objects say where a service is pooled, not how it
 * is served, so the active/passive ones are listed here; every other discovery service but the
 * switchover's ({@code switchman.switchover.services}) is active/active.
 *
 * @param activePassive the discovery services served from one site at a time
 */
@ConfigurationProperties("switchman.discovery")
public record DiscoveryProperties(List<String> activePassive) {

  public DiscoveryProperties {
    activePassive = activePassive == null ? List.of() : List.copyOf(activePassive);
  }
}
