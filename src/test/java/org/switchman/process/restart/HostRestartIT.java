package org.switchman.process.restart;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.switchman.audit.InMemoryJournal;
import org.switchman.audit.JournalEntry;
import org.switchman.config.EtcdProperties;
import org.switchman.config.SshProperties;
import org.switchman.infra.Mutations;
import org.switchman.infra.etcd.EtcdConftool;
import org.switchman.infra.etcd.EtcdStore;
import org.switchman.infra.ssh.SshRemoteExecutor;
import org.switchman.lab.Cli;
import org.switchman.lab.Lab;
import org.switchman.lab.LabExtension;
import org.switchman.lab.LabFault;
import org.switchman.lab.LabTopology;
import org.switchman.runbook.ExecutionMode;
import org.switchman.runbook.RunContext;
import org.switchman.runbook.restart.HostRestart;
import org.switchman.runbook.restart.RestartPlan;
import org.switchman.runbook.restart.RollingRestartRequest;
import org.switchman.runbook.restart.ServiceCatalogue;
import org.switchman.runbook.restart.ServicePolicy;

/**
 * The steps on one host against the lab's real fleet (SSH) and etcd, with the shipped catalogue's
 * jobrunner policy, checked with etcdctl and ssh: a live restart depools exactly what was pooled,
 * restarts both units and repools; a host that lost its proxy registration fails its post-checks
 * and stays depooled; a dry-run changes nothing.
 */
@ExtendWith(LabExtension.class)
class HostRestartIT {

  private static final Duration TIMEOUT = Duration.ofSeconds(20);
  private static final List<String> DATACENTERS = LabTopology.DATACENTERS;

  private final Lab lab;
  private final InMemoryJournal journal = new InMemoryJournal();
  private EtcdStore etcd;
  private SshRemoteExecutor ssh;
  private EtcdConftool conftool;
  private HostRestart restart;
  private ServicePolicy jobrunner;
  private ServiceCatalogue catalogue;

  HostRestartIT(Lab lab) {
    this.lab = lab;
  }

  @BeforeEach
  void connect() throws IOException {
    etcd =
        new EtcdStore(
            new EtcdProperties(
                List.of(lab.etcdEndpoint()), Duration.ofSeconds(2), Duration.ofSeconds(3)));
    Mutations mutations = new Mutations(journal);
    conftool = new EtcdConftool(etcd, mutations);
    ssh =
        new SshRemoteExecutor(
            new SshProperties(
                lab.sshUser(),
                lab.clientKeyFile(),
                lab.knownHostsFile(),
                lab.hostsFile(),
                lab.sshPort(),
                Duration.ofSeconds(2),
                TIMEOUT,
                16,
                4096),
            mutations);
    restart = new HostRestart(ssh, conftool, TIMEOUT);
    try (InputStream shipped = Files.newInputStream(Path.of("processes/service-catalogue.dmn"))) {
      catalogue = ServiceCatalogueTable.read(shipped);
    }
    jobrunner = catalogue.policy(RollingRestartRequest.RUNBOOK, "jobrunner");
  }

  @AfterEach
  void close() {
    ssh.close();
    etcd.close();
  }

  private static RunContext run(ExecutionMode mode) {
    return new RunContext("run-restart", "ServiceTask_RestartHost", "alice", mode, "eqiad");
  }

  /** The eqiad jobrunners in the order the plan batches them, one per batch. */
  private List<RestartPlan.Host> jobrunners() {
    RollingRestartRequest request =
        RollingRestartRequest.parse(
            "jobrunner", "eqiad", "", "1", "restart", "live", "test", "T1", catalogue, DATACENTERS);
    RestartPlan plan = RestartPlan.of(request, conftool, DATACENTERS);
    assertThat(plan.hosts())
        .extracting(RestartPlan.Host::fqdn)
        .as("the plan's hosts are the lab's eqiad jobrunners")
        .containsExactlyElementsOf(
            lab.topology().hosts().stream()
                .filter(h -> h.dc().equals("eqiad") && h.cluster().equals("jobrunner"))
                .map(LabTopology.Host::fqdn)
                .sorted()
                .toList());
    assertThat(plan.batches()).allMatch(batch -> batch.hosts().size() == 1);
    return plan.hosts();
  }

  private String pooled(RestartPlan.Host host) {
    String key = "/conftool/v1/pools/eqiad/jobrunner/jobrunner/" + host.fqdn();
    String value = Cli.etcdctl(lab, "get", "--print-value-only", key).out();
    return value.replaceAll("(?s).*\"pooled\":\"([a-z]+)\".*", "$1").strip();
  }

  private String activeSince(RestartPlan.Host host, String unit) {
    return Cli.ssh(lab, host.fqdn(), "systemctl show -p ActiveEnterTimestamp " + unit)
        .out()
        .strip();
  }

  @Test
  void aLiveRestartDepoolsWhatWasPooledRestartsBothUnitsAndRepools() throws Exception {
    RestartPlan.Host host = jobrunners().get(0);
    assertThat(pooled(host)).isEqualTo("yes");
    String jobrunnerSince = activeSince(host, "jobrunner");
    String jobchronSince = activeSince(host, "jobchron");
    Thread.sleep(1100); // ActiveEnterTimestamp counts whole seconds

    assertThat(restart.failedChecks(jobrunner.preChecks(), jobrunner, host)).isEmpty();
    List<HostRestart.PoolSlot> slots = restart.toDepool(jobrunner, host);
    assertThat(slots)
        .containsExactly(new HostRestart.PoolSlot("eqiad", "jobrunner", "jobrunner", host.fqdn()));
    restart.depool(run(ExecutionMode.LIVE), slots);
    assertThat(pooled(host)).isEqualTo("no");
    restart.restart(run(ExecutionMode.LIVE), jobrunner, host, RollingRestartRequest.Action.RESTART);
    assertThat(restart.failedChecks(jobrunner.readiness(), jobrunner, host)).isEmpty();
    assertThat(restart.failedChecks(jobrunner.postChecks(), jobrunner, host)).isEmpty();
    HostRestart.Repool repool = restart.repool(run(ExecutionMode.LIVE), slots);

    assertThat(repool.repooled()).isEqualTo(slots);
    assertThat(pooled(host)).isEqualTo("yes");
    assertThat(activeSince(host, "jobrunner")).isNotEqualTo(jobrunnerSince);
    assertThat(activeSince(host, "jobchron")).isNotEqualTo(jobchronSince);
    assertThat(journal.all())
        .filteredOn(entry -> entry.outcome().equals(Mutations.PERFORMED))
        .extracting(JournalEntry::action)
        .filteredOn(action -> action.contains("systemctl restart"))
        .containsExactly("systemctl restart jobrunner", "systemctl restart jobchron");
  }

  @Test
  void aHostThatLostItsRegistrationFailsItsPostChecksAndStaysDepooled() {
    RestartPlan.Host host = jobrunners().get(1);
    LabFault lost =
        lab.faults()
            .inject(
                new LabFault.Request(
                    LabFault.Kind.REGISTRATION_LOST,
                    host.fqdn(),
                    "jobrunner",
                    null,
                    null,
                    null,
                    null));
    List<HostRestart.PoolSlot> slots = restart.toDepool(jobrunner, host);
    try {
      restart.depool(run(ExecutionMode.LIVE), slots);
      restart.restart(
          run(ExecutionMode.LIVE), jobrunner, host, RollingRestartRequest.Action.RESTART);

      assertThat(restart.failedChecks(jobrunner.readiness(), jobrunner, host))
          .as("running, so ready by systemd")
          .isEmpty();
      assertThat(restart.failedChecks(jobrunner.postChecks(), jobrunner, host))
          .containsExactly("proxy-registered: jobrunner: NOT registered with the proxy");
      assertThat(pooled(host)).as("not repooled as if healthy").isEqualTo("no");
    } finally {
      lab.faults().clear(lost.id());
      restart.restart(
          run(ExecutionMode.LIVE), jobrunner, host, RollingRestartRequest.Action.RESTART);
      restart.repool(run(ExecutionMode.LIVE), slots);
    }
    assertThat(restart.failedChecks(jobrunner.postChecks(), jobrunner, host)).isEmpty();
    assertThat(pooled(host)).isEqualTo("yes");
  }

  @Test
  void aDryRunReadsForRealAndChangesNothing() throws Exception {
    RestartPlan.Host host = jobrunners().get(0);
    String since = activeSince(host, "jobrunner");
    Thread.sleep(1100);

    List<HostRestart.PoolSlot> slots = restart.toDepool(jobrunner, host);
    restart.depool(run(ExecutionMode.DRY_RUN), slots);
    restart.restart(
        run(ExecutionMode.DRY_RUN), jobrunner, host, RollingRestartRequest.Action.RELOAD);
    restart.repool(run(ExecutionMode.DRY_RUN), slots);

    assertThat(pooled(host)).isEqualTo("yes");
    assertThat(activeSince(host, "jobrunner")).isEqualTo(since);
    assertThat(journal.all())
        .extracting(JournalEntry::action)
        .contains("would: systemctl reload jobrunner", "would: systemctl reload jobchron")
        .noneMatch(action -> action.startsWith("systemctl"));
  }
}
