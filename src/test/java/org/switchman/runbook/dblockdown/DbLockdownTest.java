package org.switchman.runbook.dblockdown;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.switchman.runbook.CheckFailedException;
import org.switchman.runbook.ExecutionMode;
import org.switchman.runbook.MutationOutcome;
import org.switchman.runbook.RunContext;
import org.switchman.runbook.port.DbMasters;

class DbLockdownTest {

  private final FakeMasters masters = new FakeMasters();
  private final DbLockdown lockdown = new DbLockdown(masters, 3, Duration.ofMillis(1));

  private static RunContext run(ExecutionMode mode) {
    return new RunContext("run-1", "ServiceTask_SetSectionReadOnly", "alice", mode, "eqiad");
  }

  @BeforeEach
  void eqiadWritesCodfwReplicates() {
    masters.readOnly.put("s1 eqiad", false);
    masters.readOnly.put("s1 codfw", true);
  }

  @Test
  void lockSetsTheOldSiteReadOnlyAndWaitsForTheCatchUp() {
    DbLockdown.SectionResult result =
        lockdown.lockOldSite(run(ExecutionMode.LIVE), "s1", "eqiad", "codfw");
    assertThat(result.outcome()).isEqualTo(MutationOutcome.PERFORMED);
    assertThat(result.caughtUpAt()).isPresent();
    assertThat(masters.readOnly).containsEntry("s1 eqiad", true);
    assertThat(masters.calls).containsExactly("set s1 eqiad ro=true", "await s1 eqiad->codfw");
  }

  @Test
  void aWritableNewSiteStopsTheLockBeforeAnyChange() {
    masters.readOnly.put("s1 codfw", false);
    assertThatThrownBy(() -> lockdown.lockOldSite(run(ExecutionMode.LIVE), "s1", "eqiad", "codfw"))
        .isInstanceOf(CheckFailedException.class)
        .hasMessageContaining("the codfw master of s1 is read-write");
    assertThat(masters.calls).isEmpty();
  }

  @Test
  void aResumedLockChangesNothingAndStillChecksTheCatchUp() {
    masters.readOnly.put("s1 eqiad", true);
    lockdown.lockOldSite(run(ExecutionMode.LIVE), "s1", "eqiad", "codfw");
    assertThat(masters.calls).containsExactly("await s1 eqiad->codfw");
  }

  @Test
  void dryRunDoesNotWaitForACatchUpThatCannotHappen() {
    DbLockdown.SectionResult result =
        lockdown.lockOldSite(run(ExecutionMode.DRY_RUN), "s1", "eqiad", "codfw");
    assertThat(result.outcome()).isEqualTo(MutationOutcome.WOULD);
    assertThat(result.caughtUpAt()).isEmpty();
    assertThat(masters.readOnly).containsEntry("s1 eqiad", false);
  }

  @Test
  void aLaggingNewSiteFailsTheCheck() {
    masters.caughtUp = false;
    assertThatThrownBy(() -> lockdown.lockOldSite(run(ExecutionMode.LIVE), "s1", "eqiad", "codfw"))
        .isInstanceOf(CheckFailedException.class)
        .extracting(e -> ((CheckFailedException) e).check())
        .isEqualTo("replication-caught-up");
  }

  @Test
  void unlockNeedsTheOldSiteLockedAndMakesTheNewOneWritable() {
    assertThatThrownBy(
            () -> lockdown.unlockNewSite(run(ExecutionMode.LIVE), "s1", "eqiad", "codfw"))
        .hasMessageContaining("both sites writable");
    masters.readOnly.put("s1 eqiad", true);
    lockdown.unlockNewSite(run(ExecutionMode.LIVE), "s1", "eqiad", "codfw");
    assertThat(masters.readOnly).containsEntry("s1 codfw", false);
  }

  @Test
  void rollBackMakesTheOldSiteWritableAgain() {
    masters.readOnly.put("s1 eqiad", true);
    lockdown.rollBack(run(ExecutionMode.LIVE), "s1", "eqiad", "codfw");
    assertThat(masters.readOnly).containsEntry("s1 eqiad", false).containsEntry("s1 codfw", true);
  }

  @Test
  void relockPutsAWritableNewSiteBackToReadOnlyAndLeavesAReadOnlyOneAlone() {
    masters.readOnly.put("s1 eqiad", true);
    masters.readOnly.put("s1 codfw", false);
    lockdown.relockNewSite(run(ExecutionMode.LIVE), "s1", "codfw");
    assertThat(masters.readOnly).containsEntry("s1 codfw", true).containsEntry("s1 eqiad", true);
    assertThat(masters.calls).containsExactly("set s1 codfw ro=true");
    lockdown.relockNewSite(run(ExecutionMode.LIVE), "s1", "codfw");
    assertThat(masters.calls).as("nothing to do the second time").hasSize(1);
  }

  private static final class FakeMasters implements DbMasters {
    final Map<String, Boolean> readOnly = new HashMap<>();
    final List<String> calls = new ArrayList<>();
    boolean caughtUp = true;

    @Override
    public boolean readsEdits() {
      return false;
    }

    @Override
    public Optional<Instant> newestEdit(String section, String dc) {
      return Optional.empty();
    }

    @Override
    public boolean isReadOnly(String section, String dc) {
      return readOnly.get(section + " " + dc);
    }

    @Override
    public MutationOutcome setReadOnly(RunContext run, String section, String dc, boolean value) {
      if (run.mode() == ExecutionMode.DRY_RUN) {
        return MutationOutcome.WOULD;
      }
      calls.add("set " + section + " " + dc + " ro=" + value);
      readOnly.put(section + " " + dc, value);
      return MutationOutcome.PERFORMED;
    }

    @Override
    public String gtidPosition(String section, String dc) {
      return "0-1-1";
    }

    @Override
    public Optional<Instant> newestHeartbeat(String section, String readOnDc, String writtenByDc) {
      return Optional.of(Instant.EPOCH);
    }

    @Override
    public ReplicationStatus replication(String section, String dc) {
      return new ReplicationStatus(section, dc, true, true, 0L, null);
    }

    @Override
    public Instant awaitCaughtUp(
        String section, String fromDc, String toDc, int attempts, Duration interval) {
      calls.add("await " + section + " " + fromDc + "->" + toDc);
      if (!caughtUp) {
        throw new CheckFailedException("replication-caught-up", section + " behind");
      }
      return Instant.EPOCH.plusSeconds(1);
    }
  }
}
