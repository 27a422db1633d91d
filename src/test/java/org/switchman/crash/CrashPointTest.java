package org.switchman.crash;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.mock.env.MockEnvironment;

class CrashPointTest {

  private final List<Integer> halts = new ArrayList<>();

  private CrashPoint point(String spec) {
    return new CrashPoint(spec, halts::add);
  }

  @Test
  void haltsAfterTheNthEntryOfThatOutcomeInThatStepOnly() {
    CrashPoint point = point("ServiceTask_StopMaintenance:PERFORMED:2");
    point.journaled("ServiceTask_StopMaintenance", "INTENT");
    point.journaled("ServiceTask_StopMaintenance", "PERFORMED");
    point.journaled("ServiceTask_StartMaintenance", "PERFORMED");
    point.stepEnded("ServiceTask_StopMaintenance");
    assertThat(halts).isEmpty();
    point.journaled("ServiceTask_StopMaintenance", "PERFORMED");
    assertThat(halts).containsExactly(CrashPoint.EXIT_STATUS);
    point.journaled("ServiceTask_StopMaintenance", "PERFORMED");
    assertThat(halts).hasSize(1);
  }

  @Test
  void withAClaimFileOnlyTheFirstOfSeveralNodesHalts(@TempDir Path dir) {
    String claim = dir.resolve("claimed").toString();
    List<Integer> otherHalts = new ArrayList<>();
    CrashPoint first =
        new CrashPoint("ServiceTask_Step:STEP_END", CrashPoint.haltOnce(claim, halts::add));
    CrashPoint second =
        new CrashPoint("ServiceTask_Step:STEP_END", CrashPoint.haltOnce(claim, otherHalts::add));

    first.stepEnded("ServiceTask_Step");
    second.stepEnded("ServiceTask_Step");

    assertThat(halts).containsExactly(CrashPoint.EXIT_STATUS);
    assertThat(otherHalts).isEmpty();
    assertThat(dir.resolve("claimed")).exists();
  }

  @Test
  void theStepsOfOneMultiInstanceActivityCountTogether() {
    CrashPoint point = point("ServiceTask_SetOldMasterReadOnly:INTENT:2");
    point.journaled("ServiceTask_SetOldMasterReadOnly[s1]", "INTENT");
    point.journaled("ServiceTask_SetOldMasterReadOnlyX", "INTENT");
    assertThat(halts).isEmpty();
    point.journaled("ServiceTask_SetOldMasterReadOnly", "INTENT");
    assertThat(halts).hasSize(1);
  }

  @Test
  void stepEndHaltsWhenTheDelegateReturnsNotAtAJournalEntry() {
    CrashPoint point = point("ServiceTask_DepoolOldDatacenter:STEP_END");
    point.journaled("ServiceTask_DepoolOldDatacenter", "PERFORMED");
    assertThat(halts).isEmpty();
    point.stepEnded("ServiceTask_DepoolOldDatacenter");
    assertThat(halts).hasSize(1);
  }

  @Test
  void aBadSpecIsRefusedNamingTheSetting() {
    for (String bad :
        List.of(
            "",
            "ServiceTask_X",
            "ServiceTask_X:PERFORMED",
            "ServiceTask_X:DONE:1",
            "ServiceTask_X:PERFORMED:0",
            "ServiceTask_X:PERFORMED:one",
            ":PERFORMED:1")) {
      assertThatThrownBy(() -> point(bad))
          .as(bad)
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining(CrashPoint.PROPERTY);
    }
  }

  @Test
  void refusesToStartOutsideTheLabProfile() {
    MockEnvironment production =
        new MockEnvironment()
            .withProperty(CrashPoint.PROPERTY, "ServiceTask_StopMaintenance:PERFORMED:1");
    assertThatThrownBy(() -> new CrashPoint(production))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("'lab' profile is not active")
        .hasMessageContaining(CrashPoint.PROPERTY);
    MockEnvironment lab =
        new MockEnvironment()
            .withProperty(CrashPoint.PROPERTY, "ServiceTask_StopMaintenance:PERFORMED:1");
    lab.setActiveProfiles("lab", "lab-attach");
    assertThat(new CrashPoint(lab)).isNotNull();
  }
}
