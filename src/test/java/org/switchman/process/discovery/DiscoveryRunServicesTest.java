package org.switchman.process.discovery;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.switchman.audit.report.ServiceProgress;

class DiscoveryRunServicesTest {

  @Test
  void eachServiceOfThePlanShowsItsStageFromWhatTheStepsRecorded() {
    Map<String, String> frozen =
        Map.of(
            "poolingPlan",
            "aqs;ACTIVE_ACTIVE;codfw,eqiad;eqiad;\n"
                + "restbase;ACTIVE_ACTIVE;codfw,eqiad;eqiad;\n"
                + "releases;ACTIVE_PASSIVE;eqiad;codfw;\n"
                + "search;ACTIVE_ACTIVE;codfw,eqiad;eqiad;\n"
                + "docker-registry;ACTIVE_PASSIVE;eqiad;;codfw,drmrs",
            "pooling.aqs.state",
            "changed",
            "pooling.aqs.dns",
            "aqs.discovery.wmnet answers 10.2.2.5",
            "pooling.restbase.state",
            "changing",
            "pooling.releases.state",
            "left alone",
            "pooling.releases.dns",
            "releases is pooled in eqiad now",
            "pooling.docker-registry.chosen",
            "drmrs");

    assertThat(DiscoveryRunServices.of(frozen))
        .containsExactly(
            new ServiceProgress(
                "aqs",
                "aqs (active/active): pooled in codfw, eqiad → eqiad",
                "done",
                "aqs.discovery.wmnet answers 10.2.2.5"),
            new ServiceProgress(
                "restbase",
                "restbase (active/active): pooled in codfw, eqiad → eqiad",
                "changing",
                ""),
            new ServiceProgress(
                "releases",
                "releases (active/passive): pooled in eqiad → codfw",
                "left alone",
                "releases is pooled in eqiad now"),
            new ServiceProgress(
                "search", "search (active/active): pooled in codfw, eqiad → eqiad", "waiting", ""),
            new ServiceProgress(
                "docker-registry",
                "docker-registry (active/passive): pooled in eqiad → drmrs",
                "waiting",
                ""));
  }

  @Test
  void aRunWithoutAPoolingPlanHasNoServices() {
    assertThat(DiscoveryRunServices.of(Map.of("mode", "live"))).isEmpty();
  }
}
