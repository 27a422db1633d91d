package org.switchman.lab;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Rebooting the AFS file server (reference 002) over real SSH: an unclean boot salvages while the
 * services that depend on it start wrongly, postgres may need more than one start, and the
 * domtool-slave of the other machines must be restarted after every reboot.
 */
@ExtendWith(LabExtension.class)
class LabRebootIT {

  private static final List<String> DEPENDENT_UNITS =
      List.of("nscd", "mysql", "postgresql", "apache2", "domtool-server", "cron");
  private static final DateTimeFormatter BOS_TIME =
      DateTimeFormatter.ofPattern("EEE MMM ppd HH:mm:ss yyyy", Locale.ROOT);
  private static final DateTimeFormatter UPTIME_TIME =
      DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss", Locale.ROOT);

  private final Lab lab;

  LabRebootIT(Lab lab) {
    this.lab = lab;
  }

  @Test
  void uncleanRebootSalvagesWhileTheDependentServicesStartWrongly() {
    String afs = "afs1001.eqiad.wmnet";
    LabFault slow = lab.faults().inject(fault(LabFault.Kind.BOOT_SLOW, afs, 1));
    LabFault unclean = lab.faults().inject(fault(LabFault.Kind.BOOT_UNCLEAN, afs, 5));
    try {
      assertThat(unclean.target()).isEqualTo(afs);
      assertThat(unclean.detail()).isEqualTo("5 s");
      LocalDateTime boot = rebootAndAwait(afs, "reboot -f");
      // clearing the fault makes the next boots clean; this salvage runs to its end
      lab.faults().clear(unclean.id());
      Cli.Result salvaging = ssh(afs, "bos status " + afs + " -long");
      assertThat(salvaging.exit()).as(salvaging.all()).isZero();
      assertThat(salvaging.out())
          .isEqualTo(
              "Instance fs, (type is fs) temporarily disabled, currently shutdown.\n"
                  + "    Auxiliary status is: salvaging file system.\n");
      Cli.Result during = ssh(afs, "domtool-test-config");
      assertThat(during.exit()).isEqualTo(1);
      assertThat(during.out())
          .contains("domtool: the file server is salvaging\n")
          .contains("domtool: apache2 started before the file server was available");
      // a restart during the salvage is as wrong as the start at boot
      assertThat(ssh(afs, "systemctl restart nscd").exit()).isZero();

      awaitTrue(
          "the salvage ends",
          Duration.ofSeconds(15),
          () -> ssh(afs, "bos status afs1001").out().contains("currently running normally"));
      Cli.Result running = ssh(afs, "bos status afs1001 -long");
      assertThat(running.exit()).isZero();
      assertThat(running.out())
          .startsWith(
              "Instance fs, (type is fs) currently running normally.\n"
                  + "    Auxiliary status is: file server running.\n"
                  + "    Process last started at ")
          .endsWith(" (1 proc starts)\n");
      assertThat(lastStarted(running.out())).isEqualTo(boot.plusSeconds(5));

      Cli.Result wrongly = ssh(afs, "domtool-test-config");
      assertThat(wrongly.exit()).isEqualTo(1);
      assertThat(wrongly.out())
          .doesNotContain("salvaging")
          .doesNotContain("openafs-fileserver")
          .contains(
              "domtool: apache2 started before the file server was available (started wrongly)\n")
          .contains(
              "domtool: nscd started before the file server was available (started wrongly)\n");

      for (String unit : DEPENDENT_UNITS) {
        assertThat(ssh(afs, "systemctl stop " + unit).exit()).isZero();
        Cli.Result start = ssh(afs, "systemctl start " + unit);
        assertThat(start.exit()).as(unit + ": " + start.all()).isZero();
      }
      Cli.Result slaves = ssh(afs, "domtool-test-config");
      assertThat(slaves.exit()).isEqualTo(1);
      assertThat(slaves.out())
          .isEqualTo(
              "domtool: domtool-slave on web1001.eqiad.wmnet started before domtool-server:"
                  + " restart it\n"
                  + "domtool: domtool-slave on web1002.eqiad.wmnet started before domtool-server:"
                  + " restart it\n");
      assertThat(ssh("web1001.eqiad.wmnet", "systemctl restart domtool-slave").exit()).isZero();
      assertThat(ssh(afs, "domtool-test-config").out())
          .isEqualTo(
              "domtool: domtool-slave on web1002.eqiad.wmnet started before domtool-server:"
                  + " restart it\n");
      assertThat(ssh("web1002.eqiad.wmnet", "systemctl restart domtool-slave").exit()).isZero();
      Cli.Result passes = ssh(afs, "domtool-test-config");
      assertThat(passes.exit()).as(passes.all()).isZero();
      assertThat(passes.out())
          .isEqualTo(
              "domtool: test configuration of smoke-test.example applied by afs1001.eqiad.wmnet"
                  + " and 2 slaves\n");

      // the fault is gone: the next boot is clean and ends the record of the last salvage
      LocalDateTime clean = rebootAndAwait(afs, "reboot");
      Cli.Result after = ssh(afs, "bos status " + afs + " -long");
      assertThat(after.out()).contains("currently running normally");
      assertThat(lastStarted(after.out())).isEqualTo(clean);
    } finally {
      lab.faults().active().stream()
          .filter(f -> f.id().equals(unclean.id()))
          .forEach(f -> lab.faults().clear(f.id()));
      lab.faults().clear(slow.id());
    }
  }

  @Test
  void cleanRebootNeedsOnlyTheSlavesRestarted() {
    String afs = "afs2001.codfw.wmnet";
    LabFault slow = lab.faults().inject(fault(LabFault.Kind.BOOT_SLOW, afs, 1));
    try {
      LocalDateTime boot = rebootAndAwait(afs, "reboot");
      Cli.Result bos = ssh(afs, "bos status " + afs + " -long");
      assertThat(bos.out()).contains("currently running normally").doesNotContain("salvaging");
      assertThat(lastStarted(bos.out())).isEqualTo(boot);
      Cli.Result slaves = ssh(afs, "domtool-test-config");
      assertThat(slaves.exit()).isEqualTo(1);
      assertThat(slaves.out())
          .isEqualTo(
              "domtool: domtool-slave on web2001.codfw.wmnet started before domtool-server:"
                  + " restart it\n"
                  + "domtool: domtool-slave on web2002.codfw.wmnet started before domtool-server:"
                  + " restart it\n");
      for (String web : List.of("web2001.codfw.wmnet", "web2002.codfw.wmnet")) {
        assertThat(ssh(web, "systemctl restart domtool-slave").exit()).isZero();
      }
      Cli.Result passes = ssh(afs, "domtool-test-config");
      assertThat(passes.exit()).as(passes.all()).isZero();
      assertThat(passes.out())
          .isEqualTo(
              "domtool: test configuration of smoke-test.example applied by afs2001.codfw.wmnet"
                  + " and 2 slaves\n");
      Cli.Result stopped = ssh("web2002.codfw.wmnet", "systemctl stop domtool-slave");
      assertThat(stopped.exit()).isZero();
      assertThat(ssh(afs, "domtool-test-config").out())
          .isEqualTo("domtool: domtool-slave on web2002.codfw.wmnet is not active\n");
      assertThat(ssh("web2002.codfw.wmnet", "systemctl start domtool-slave").exit()).isZero();
    } finally {
      lab.faults().clear(slow.id());
    }
  }

  @Test
  void postgresNeedsTwoStartsAfterABoot() {
    String afs = "afs2001.codfw.wmnet";
    LabFault slow = lab.faults().inject(fault(LabFault.Kind.BOOT_SLOW, afs, 1));
    LabFault attempts =
        lab.faults()
            .inject(
                new LabFault.Request(
                    LabFault.Kind.RESTART_NEEDS_ATTEMPTS, afs, "postgresql", null, null, null, 2));
    try {
      // one failed attempt before the reboot: the boot starts the count afresh
      assertThat(ssh(afs, "systemctl restart postgresql").exit()).isEqualTo(1);
      rebootAndAwait(afs, "reboot");
      Cli.Result failed = ssh(afs, "systemctl is-active postgresql");
      assertThat(failed.out().strip()).isEqualTo("failed");
      assertThat(failed.exit()).isEqualTo(3);
      assertThat(ssh(afs, "domtool-test-config").out())
          .contains("domtool: postgresql is not active\n");
      Cli.Result first = ssh(afs, "systemctl start postgresql");
      assertThat(first.exit()).isEqualTo(1);
      assertThat(first.out()).contains("Job for postgresql.service failed");
      assertThat(ssh(afs, "systemctl start postgresql").exit()).isZero();
      assertThat(ssh(afs, "systemctl is-active postgresql").out().strip()).isEqualTo("active");
      assertThat(ssh(afs, "domtool-test-config").out()).doesNotContain("postgresql");
    } finally {
      lab.faults().clear(attempts.id());
      lab.faults().clear(slow.id());
      ssh(afs, "systemctl start postgresql");
    }
  }

  @Test
  void bosAndDomtoolExistOnlyWhereTheirServersRun() {
    Cli.Result bos = ssh("web1001.eqiad.wmnet", "bos status afs1001.eqiad.wmnet");
    assertThat(bos.exit()).isEqualTo(127);
    assertThat(bos.err()).contains("bash: line 1: bos: command not found");
    Cli.Result domtool = ssh("mw1001.eqiad.wmnet", "/usr/local/bin/domtool-test-config");
    assertThat(domtool.exit()).isEqualTo(127);
    assertThat(domtool.err()).contains("domtool-test-config: command not found");
    // one file server asks the other's bosserver
    assertThat(ssh("afs1001.eqiad.wmnet", "/usr/bin/bos status afs2001").exit()).isZero();
    assertThat(ssh("afs1001.eqiad.wmnet", "bos status no-such-host").err())
        .contains("can't find address for host 'no-such-host'");
  }

  @Test
  void uncleanBootsNeedAFileServerAndASalvageDuration() {
    assertThatThrownBy(
            () -> lab.faults().inject(fault(LabFault.Kind.BOOT_UNCLEAN, "web1001.eqiad.wmnet", 5)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("openafs-fileserver")
        .hasMessageContaining("afs1001.eqiad.wmnet");
    assertThatThrownBy(
            () -> lab.faults().inject(fault(LabFault.Kind.BOOT_UNCLEAN, "afs1001.eqiad.wmnet", 0)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("seconds must be a positive number");
    assertThatThrownBy(() -> lab.faults().inject(fault(LabFault.Kind.BOOT_UNCLEAN, null, 5)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("needs a host");
    assertThat(lab.faults().active()).noneMatch(f -> f.kind() == LabFault.Kind.BOOT_UNCLEAN);
  }

  // ---------------------------------------------------------------- helpers

  private Cli.Result ssh(String host, String command) {
    return Cli.ssh(lab, host, command);
  }

  /** Reboots the host, waits until it answers with a new boot time, and returns that (UTC). */
  private LocalDateTime rebootAndAwait(String host, String reboot) {
    String before = ssh(host, "uptime -s").out().strip();
    assertThat(ssh(host, reboot).exit()).isZero();
    String[] after = new String[1];
    awaitTrue(
        host + " back with a new boot time",
        Duration.ofSeconds(20),
        () -> {
          Cli.Result uptime = ssh(host, "uptime -s");
          after[0] = uptime.out().strip();
          return uptime.exit() == 0 && !after[0].equals(before);
        });
    return LocalDateTime.parse(after[0], UPTIME_TIME);
  }

  private static LocalDateTime lastStarted(String bos) {
    String line =
        bos.lines().filter(l -> l.startsWith("    Process last started at ")).findFirst().get();
    return LocalDateTime.parse(
        line.substring("    Process last started at ".length(), line.indexOf(" (")), BOS_TIME);
  }

  private static LabFault.Request fault(LabFault.Kind kind, String host, int seconds) {
    return new LabFault.Request(kind, host, null, null, null, seconds, null);
  }

  private static void awaitTrue(String what, Duration timeout, Supplier<Boolean> condition) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!condition.get()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("not true within " + timeout + ": " + what);
      }
      try {
        Thread.sleep(200);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError(e);
      }
    }
  }
}
