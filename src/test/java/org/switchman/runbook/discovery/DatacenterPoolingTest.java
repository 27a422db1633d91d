package org.switchman.runbook.discovery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.TreeSet;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.switchman.runbook.CheckFailedException;
import org.switchman.runbook.ExecutionMode;
import org.switchman.runbook.FakeConftool;
import org.switchman.runbook.FakeDns;
import org.switchman.runbook.InvalidRequestException;
import org.switchman.runbook.RunContext;
import org.switchman.runbook.discovery.PoolingChange.Kind;
import org.switchman.runbook.port.Conftool.DiscoveryState;
import org.switchman.runbook.port.DnsDiscovery;

class DatacenterPoolingTest {

  private static final List<String> DCS = List.of("eqiad", "codfw");

  private final FakeConftool conftool = new FakeConftool();
  private final FakeDns dns = new FakeDns();
  private final DatacenterPooling pooling =
      new DatacenterPooling(
          conftool, dns, List.of("releases", "docker-registry"), List.of("appservers-rw"));
  private final RunContext live = run(ExecutionMode.LIVE);

  private static RunContext run(ExecutionMode mode) {
    return new RunContext("run-1", "ServiceTask_ChangeServicePooling", "alice", mode, "eqiad");
  }

  /**
   * aqs and restbase active/active in both DCs; releases active/passive in eqiad (of eqiad and
   * codfw), docker-registry in eqiad of three sites; appservers-rw MediaWiki's, in eqiad.
   */
  @BeforeEach
  void site() {
    for (String service : List.of("aqs", "restbase")) {
      DCS.forEach(dc -> conftool.putDiscovery(new DiscoveryState(service, dc, true, 300)));
      dns.served.put(
          service,
          new DnsDiscovery.ServedAddresses(
              service,
              new TreeSet<>(
                  List.of(
                      dns.serviceAddress(service, "eqiad"), dns.serviceAddress(service, "codfw"))),
              300));
    }
    DCS.forEach(
        dc -> conftool.putDiscovery(new DiscoveryState("releases", dc, dc.equals("eqiad"), 300)));
    for (String dc : List.of("eqiad", "codfw", "drmrs")) {
      conftool.putDiscovery(new DiscoveryState("docker-registry", dc, dc.equals("eqiad"), 300));
    }
    DCS.forEach(
        dc ->
            conftool.putDiscovery(
                new DiscoveryState("appservers-rw", dc, dc.equals("eqiad"), 300)));
    for (String service : List.of("releases", "docker-registry", "appservers-rw")) {
      dns.records.put(
          service,
          new DnsDiscovery.DiscoveryRecord(
              service, DatacenterPooling.targetOf(service, "eqiad"), 300));
    }
  }

  private static DatacenterPoolingRequest request(String action, String dc, String services) {
    return DatacenterPoolingRequest.parse(action, dc, services, "live", "maintenance", "T1", DCS);
  }

  private boolean pooled(String service, String dc) {
    return conftool.discovery(service, dc).orElseThrow().value().pooled();
  }

  @Test
  void aDepoolPlansEveryServiceButMediaWikisActiveActiveFirstAndChangesNothing() {
    List<PoolingChange> plan = pooling.plan(request("depool", "codfw", ""));

    assertThat(plan)
        .extracting(PoolingChange::describe)
        .containsExactly(
            "aqs (active/active): pooled in codfw, eqiad → eqiad",
            "restbase (active/active): pooled in codfw, eqiad → eqiad",
            "docker-registry (active/passive): pooled in eqiad, unchanged",
            "releases (active/passive): pooled in eqiad, unchanged");
    assertThat(conftool.writes).as("planning reads only").isEmpty();
  }

  @Test
  void aDepoolThatWouldLeaveAServicePooledNowhereIsRefusedNamingIt() {
    conftool.putDiscovery(new DiscoveryState("aqs", "eqiad", false, 300));

    assertThatThrownBy(() -> pooling.plan(request("depool", "codfw", "")))
        .isInstanceOf(InvalidRequestException.class)
        .hasMessageContaining("depooling codfw would leave aqs pooled nowhere")
        .hasMessageNotContaining("restbase");
  }

  @Test
  void mediaWikiUnknownAndDoublyPooledActivePassiveServicesAreRefusedTogether() {
    conftool.putDiscovery(new DiscoveryState("releases", "codfw", true, 300));

    assertThatThrownBy(
            () -> pooling.plan(request("pool", "codfw", "appservers-rw nosuch releases")))
        .isInstanceOf(InvalidRequestException.class)
        .hasMessageContaining("appservers-rw is a MediaWiki service; the dc-switchover runbook")
        .hasMessageContaining("nosuch has no discovery objects in conftool")
        .hasMessageContaining("releases is active/passive but pooled in codfw, eqiad");
  }

  @Test
  void depoolingTheActiveSiteOfAnActivePassiveServiceMovesItOrAsksWhereWhenItHasSeveral() {
    List<PoolingChange> plan = pooling.plan(request("depool", "eqiad", "releases docker-registry"));

    assertThat(plan.get(0).describe())
        .isEqualTo("releases (active/passive): pooled in eqiad → codfw");
    PoolingChange registry = plan.get(1);
    assertThat(registry.pendingChoice()).isTrue();
    assertThat(registry.choices()).containsExactly("codfw", "drmrs");
    assertThatThrownBy(() -> pooling.apply(live, registry))
        .isInstanceOf(CheckFailedException.class)
        .hasMessageContaining("nobody has chosen where docker-registry goes");
    assertThatThrownBy(() -> registry.choose("eqiad")).isInstanceOf(IllegalArgumentException.class);

    pooling.apply(live, registry.choose("drmrs"));

    assertThat(pooled("docker-registry", "drmrs")).isTrue();
    assertThat(pooled("docker-registry", "eqiad")).isFalse();
    assertThat(dns.read("docker-registry").target()).isEqualTo("docker-registry.svc.drmrs.wmnet.");
  }

  @Test
  void poolingADatacenterMovesAnActivePassiveServiceThereNewSiteFirst() {
    PoolingChange releases = pooling.plan(request("pool", "codfw", "releases")).get(0);
    assertThat(releases.describe()).isEqualTo("releases (active/passive): pooled in eqiad → codfw");

    pooling.apply(live, releases);

    assertThat(conftool.writes)
        .as("pooled in codfw before it is depooled in eqiad: never pooled nowhere")
        .containsExactly("discovery/releases/codfw", "discovery/releases/eqiad");
    assertThat(dns.read("releases").target()).isEqualTo("releases.svc.codfw.wmnet.");
    assertThat(pooling.checkDns(live, releases))
        .isEqualTo("releases.discovery.wmnet answers releases.svc.codfw.wmnet.");
  }

  @Test
  void anActiveActiveDepoolTakesTheSiteOutOfConftoolAndDnsAndTheAnswerIsChecked() {
    PoolingChange aqs = pooling.plan(request("depool", "codfw", "aqs")).get(0);

    pooling.apply(live, aqs);

    assertThat(pooled("aqs", "codfw")).isFalse();
    assertThat(pooled("aqs", "eqiad")).isTrue();
    assertThat(dns.addresses("aqs").addresses())
        .containsExactly(dns.serviceAddress("aqs", "eqiad"));
    assertThat(pooling.checkDns(live, aqs)).contains(dns.serviceAddress("aqs", "eqiad"));
    assertThat(aqs.kind()).isEqualTo(Kind.ACTIVE_ACTIVE);
  }

  @Test
  void aWrongDnsAnswerFailsTheCheckInLiveAndIsOnlyReportedInDryRun() {
    PoolingChange aqs = pooling.plan(request("depool", "codfw", "aqs")).get(0);
    pooling.apply(run(ExecutionMode.DRY_RUN), aqs);
    assertThat(pooled("aqs", "codfw")).as("dry-run changes nothing").isTrue();
    assertThat(dns.updates).allMatch(u -> u.startsWith("would: "));

    assertThat(pooling.checkDns(run(ExecutionMode.DRY_RUN), aqs))
        .endsWith("(dry-run: nothing was changed)");
    assertThatThrownBy(() -> pooling.checkDns(live, aqs))
        .isInstanceOfSatisfying(
            CheckFailedException.class,
            e -> assertThat(e.check()).isEqualTo("discovery-dns-answer"))
        .hasMessageContaining("not the sites eqiad it is pooled in");
  }

  @Test
  void anApplyResumedAfterAPartialMoveFinishesItAndAnotherPersonsChangeStopsIt() {
    PoolingChange releases = pooling.plan(request("pool", "codfw", "releases")).get(0);
    conftool.putDiscovery(new DiscoveryState("releases", "codfw", true, 300));

    pooling.apply(live, releases);
    assertThat(pooled("releases", "eqiad")).isFalse();
    assertThat(pooled("releases", "codfw")).isTrue();

    PoolingChange aqs = pooling.plan(request("depool", "codfw", "aqs")).get(0);
    conftool.putDiscovery(new DiscoveryState("aqs", "eqiad", false, 300));
    int writes = conftool.writes.size();
    assertThatThrownBy(() -> pooling.apply(live, aqs))
        .isInstanceOf(CheckFailedException.class)
        .hasMessageContaining(
            "aqs is pooled in codfw now; this run moves it from codfw, eqiad to eqiad");
    assertThat(conftool.writes).hasSize(writes);
  }

  @Test
  void restoreDrivesEveryChangeBackToItsInitialSitesPoolingFirst() {
    List<PoolingChange> plan = pooling.plan(request("depool", "eqiad", "aqs releases"));
    plan.forEach(change -> pooling.apply(live, change));
    assertThat(pooled("releases", "codfw")).isTrue();
    conftool.writes.clear();

    plan.forEach(change -> pooling.restore(live, change));

    assertThat(pooled("aqs", "eqiad")).isTrue();
    assertThat(pooled("releases", "eqiad")).isTrue();
    assertThat(pooled("releases", "codfw")).isFalse();
    assertThat(conftool.writes)
        .containsExactly(
            "discovery/aqs/eqiad", "discovery/releases/eqiad", "discovery/releases/codfw");
    assertThat(dns.read("releases").target()).isEqualTo("releases.svc.eqiad.wmnet.");
    assertThat(dns.addresses("aqs").addresses()).hasSize(2);
  }

  @Test
  void aServicePooledNowhereIsLeftAloneByADepoolAndPooledByAPool() {
    conftool.putDiscovery(new DiscoveryState("aqs", "eqiad", false, 300));
    conftool.putDiscovery(new DiscoveryState("aqs", "codfw", false, 300));

    PoolingChange untouched = pooling.plan(request("depool", "codfw", "")).get(0);
    assertThat(untouched.describe())
        .isEqualTo("aqs (active/active): pooled in no datacenter, unchanged");

    PoolingChange aqs = pooling.plan(request("pool", "codfw", "aqs")).get(0);
    pooling.apply(live, aqs);
    assertThat(pooled("aqs", "codfw")).isTrue();
    assertThat(pooling.checkDns(live, aqs)).contains(dns.serviceAddress("aqs", "codfw"));

    assertThatThrownBy(() -> pooling.restore(live, aqs))
        .isInstanceOfSatisfying(
            CheckFailedException.class,
            e -> assertThat(e.check()).isEqualTo(DatacenterPooling.NEVER_POOLED_NOWHERE))
        .hasMessageContaining("aqs was pooled nowhere before this run; it stays pooled in codfw");
    assertThat(pooled("aqs", "codfw")).as("an undoing never depools it everywhere").isTrue();
  }

  @Test
  void aServiceWhoseDnsRecordIsNotOfItsKindIsRefusedBeforeAnythingChanges() {
    DatacenterPooling everyServiceActiveActive =
        new DatacenterPooling(conftool, dns, List.of(), List.of("appservers-rw"));

    assertThatThrownBy(() -> everyServiceActiveActive.plan(request("pool", "codfw", "releases")))
        .isInstanceOf(InvalidRequestException.class)
        .hasMessageContaining(
            "releases is active/active here (switchman.discovery.active-passive), but its DNS"
                + " record is not: releases has no A records");
    assertThat(conftool.writes).isEmpty();
  }

  @Test
  void onlyAChangeThatTakesAServiceOutOfASiteDepoolsOne() {
    assertThat(pooling.plan(request("pool", "codfw", "aqs")).get(0).depoolsAnySite()).isFalse();
    assertThat(pooling.plan(request("pool", "codfw", "releases")).get(0).depoolsAnySite())
        .as("a move away from eqiad")
        .isTrue();
    assertThat(pooling.plan(request("depool", "eqiad", "docker-registry")).get(0).depoolsAnySite())
        .as("a move still to be chosen")
        .isTrue();
  }

  @Test
  void aChangeSurvivesItsOneLineRecord() {
    PoolingChange registry = pooling.plan(request("depool", "eqiad", "docker-registry")).get(0);
    assertThat(PoolingChange.decode(registry.encode())).isEqualTo(registry);
    PoolingChange chosen = registry.choose("codfw");
    assertThat(PoolingChange.decode(chosen.encode())).isEqualTo(chosen);
  }

  @Test
  void theStatusTableShowsEachServiceAndDatacenterButMediaWikis() {
    conftool.putDiscovery(new DiscoveryState("aqs", "codfw", false, 300));

    String table = DatacenterPooling.table(pooling.status(), "all");

    assertThat(table)
        .isEqualTo(
            """
            aqs (active/active): codfw depooled, eqiad pooled
            docker-registry (active/passive): codfw depooled, drmrs depooled, eqiad pooled
            releases (active/passive): codfw depooled, eqiad pooled
            restbase (active/active): codfw pooled, eqiad pooled""");
    assertThat(DatacenterPooling.table(pooling.status(), "codfw"))
        .startsWith("aqs (active/active): codfw depooled\n");
  }

  @Test
  void theRequestRefusesEveryBadFieldAtOnceAndAllowsAllOnlyForStatus() {
    assertThatThrownBy(
            () -> DatacenterPoolingRequest.parse("drain", "all", "a;b", "live-test", "", "x", DCS))
        .isInstanceOf(InvalidRequestException.class)
        .hasMessageContaining("action 'drain' is not one of pool, depool, status")
        .hasMessageContaining("dc 'all' is not a known datacenter")
        .hasMessageContaining("services: 'a;b' is not a service name")
        .hasMessageContaining("mode 'live-test' is not one of live, dry-run")
        .hasMessageContaining("reason is empty")
        .hasMessageContaining("ticket must be T followed by digits");
    assertThat(
            DatacenterPoolingRequest.parse("status", "all", "", "dry-run", "look", "T2", DCS).dc())
        .isEqualTo("all");
  }
}
