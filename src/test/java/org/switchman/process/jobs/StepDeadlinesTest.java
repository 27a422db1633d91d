package org.switchman.process.jobs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.springframework.boot.env.YamlPropertySourceLoader;
import org.springframework.core.env.PropertySource;
import org.springframework.core.io.FileSystemResource;
import org.switchman.config.DbProperties;
import org.switchman.config.DnsProperties;
import org.switchman.config.EtcdProperties;
import org.switchman.config.SshProperties;
import org.switchman.config.SwitchoverProperties;
import org.switchman.support.BoundSettings;

class StepDeadlinesTest {

  /** The lab's shape, which is production's: 11 sections, a master host per section and DC. */
  static StepDeadlines labDeadlines(Duration commandTimeout) {
    Map<String, String> settings = new HashMap<>();
    settings.put("maintenance-hosts.eqiad", "mwmaint1001.eqiad.wmnet");
    settings.put("maintenance-hosts.codfw", "mwmaint2001.codfw.wmnet");
    settings.put("jobrunners.eqiad", "mw1010.eqiad.wmnet,mw1011.eqiad.wmnet");
    settings.put("jobrunners.codfw", "mw2010.codfw.wmnet,mw2011.codfw.wmnet");
    for (String dc : List.of("eqiad", "codfw")) {
      settings.put(
          "db-master-hosts." + dc,
          DbProperties.DEFAULT_SECTIONS.stream()
              .map(s -> "db-" + s + "." + dc)
              .collect(Collectors.joining(",")));
    }
    settings.put("command-timeout", commandTimeout.toString());
    SwitchoverProperties switchover =
        BoundSettings.bound("switchman.switchover", SwitchoverProperties.class, settings);
    // the lab's adapter timeouts (LabAdapterSettings): SSH connect 3 s, DB connect 3 s, query 10 s
    return JobLockTimeCheck.deadlines(
        new SshProperties(
            null,
            null,
            null,
            null,
            null,
            Duration.ofSeconds(3),
            null,
            null,
            null,
            Duration.ofSeconds(10)),
        new EtcdProperties(null, null, null),
        new DnsProperties(null, null, null, null, null),
        new DbProperties(null, null, null, null, Duration.ofSeconds(3), Duration.ofSeconds(10)),
        switchover);
  }

  @Test
  void theLongestStepIsTheRollbackOfASwitchover() {
    StepDeadlines deadlines = labDeadlines(Duration.ofSeconds(60));
    // the lock check (4 etcd requests of 3 s) and the site state read for a failure (12 etcd
    // requests, 22 statements of 3 + 10 s, 5 DNS requests of 3 s)
    long overhead = 4 * 3_000 + 12 * 3_000 + 22 * 13_000 + 5 * 3_000;
    // 26 hosts (the deployment server's scap lock and MediaWiki's siteinfo among them): each a
    // connection (3 s + 3 x 10 s + 0.4 s); 34 commands of 10 s + 60 s; the 15-s siteinfo wait;
    // discovery, ReadOnly (and its conftool reads for siteinfo) and TTLs: 67 etcd requests, 30 DNS
    // requests; 66 statements for the
    // sections and the 45-s wait for sections still running
    StepDeadlines.Step longest = deadlines.longest();
    assertThat(longest.activity()).isEqualTo("ServiceTask_RollBackSwitchover");
    assertThat(longest.deadline())
        .isEqualTo(
            Duration.ofMillis(
                26 * 33_400
                    + 34 * 70_000
                    + 15_000
                    + 67 * 3_000
                    + 30 * 3_000
                    + 66 * 13_000
                    + 45_000
                    + overhead));
    // 22 hosts, five at a time: five rounds of a connection and two commands
    assertThat(step(deadlines, "ServiceTask_RunPuppetOnDbMasters").deadline())
        .isEqualTo(Duration.ofMillis(5 * 33_400 + 10 * 70_000 + overhead));
    // a section step: (6 + 20) statements of 13 s and 20 pauses of 250 ms, plus the site state
    assertThat(step(deadlines, "ServiceTask_SetOldMasterReadOnly").deadline())
        .isEqualTo(
            Duration.ofMillis(26 * 13_000 + 20 * 250 + 12 * 3_000 + 22 * 13_000 + 5 * 3_000));
  }

  private static StepDeadlines.Step step(StepDeadlines deadlines, String activity) {
    return deadlines.steps().stream()
        .filter(s -> s.activity().equals(activity))
        .findFirst()
        .orElseThrow();
  }

  @Test
  void theConfiguredLockTimeIsLongerThanTheLongestStepOfTheLab() throws IOException {
    Duration lockTime =
        Duration.ofMillis(
            Long.parseLong(
                String.valueOf(applicationYaml().getProperty(JobLockTimeCheck.LOCK_TIME))));
    JobLockTimeCheck.check(lockTime, labDeadlines(Duration.ofSeconds(60)));
    assertThat(lockTime).as("minutes, not hours").isLessThan(Duration.ofMinutes(90));
  }

  @Test
  void aLockTimeShorterThanTheLongestStepRefusesTheStartNamingTheSettingAndTheStep() {
    assertThatThrownBy(
            () ->
                JobLockTimeCheck.check(
                    Duration.ofSeconds(60), labDeadlines(Duration.ofSeconds(60))))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("camunda.bpm.job-execution.lock-time-in-millis is 60000")
        .hasMessageContaining("dc-switchover ServiceTask_RollBackSwitchover can run")
        .hasMessageContaining("runs a second time");
  }

  @Test
  void longerCommandsNeedALongerLock() {
    StepDeadlines normal = labDeadlines(Duration.ofSeconds(60));
    StepDeadlines slow = labDeadlines(Duration.ofSeconds(120));
    assertThat(
            step(slow, "ServiceTask_RunPuppetOnDbMasters")
                .deadline()
                .minus(step(normal, "ServiceTask_RunPuppetOnDbMasters").deadline()))
        .isEqualTo(Duration.ofSeconds(10 * 60));
    assertThat(slow.longest().activity()).isEqualTo("ServiceTask_RollBackSwitchover");
  }

  @Test
  void everyJobOfAServiceTaskAndEveryCallActivityOfTheRunbooksHasADeadline() throws IOException {
    Set<String> counted =
        labDeadlines(Duration.ofSeconds(60)).steps().stream()
            .map(s -> s.process() + "/" + s.activity())
            .collect(Collectors.toCollection(TreeSet::new));
    Set<String> inDiagrams = new TreeSet<>();
    // a service task without a job of its own is counted in the job of the checks before it; one
    // with a job after it (asyncAfter) in that job
    Pattern task =
        Pattern.compile(
            "<bpmn:(callActivity|serviceTask(?=[^>]*camunda:async(Before|After)=\"true\")) id=\"([^\"]+)\"");
    try (Stream<Path> files = Files.list(Path.of("processes"))) {
      for (Path file : files.filter(f -> f.toString().endsWith(".bpmn")).toList()) {
        String key = file.getFileName().toString().replace(".bpmn", "");
        Matcher m = task.matcher(Files.readString(file));
        while (m.find()) {
          inDiagrams.add(key + "/" + m.group(3));
        }
      }
    }
    assertThat(inDiagrams).isNotEmpty();
    assertThat(counted).containsAll(inDiagrams);
  }

  private static PropertySource<?> applicationYaml() throws IOException {
    List<PropertySource<?>> documents =
        new ArrayList<>(
            new YamlPropertySourceLoader()
                .load(
                    "application", new FileSystemResource("src/main/resources/application.yaml")));
    return documents.get(0);
  }
}
