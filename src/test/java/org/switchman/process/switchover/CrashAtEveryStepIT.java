package org.switchman.process.switchover;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.switchman.crash.CrashPoint;

/**
 * With {@code -Dswitchman.crash.matrix=all}: a crash after the first change of every step of {@code
 * dc-switchover}, and before the first change and at the step's end for four of them.
 */
class CrashAtEveryStepIT extends CrashResumeCase {

  /**
   * Every async step of dc-switchover; the four of the review also before the change and at the
   * end.
   */
  static Stream<String> everyStep() {
    List<String> points = new ArrayList<>();
    for (String step :
        List.of(
            "ServiceTask_DisablePuppetOnMaintenanceHosts",
            "ServiceTask_ReduceDiscoveryTtl",
            "ServiceTask_WarmUpCaches",
            "ServiceTask_DowntimeReadOnlyChecks",
            "ServiceTask_StopMaintenance",
            "ServiceTask_SetMediaWikiReadOnly",
            "ServiceTask_SetOldMasterReadOnly",
            "ServiceTask_PoolNewDatacenter",
            "ServiceTask_SetMasterDatacenter",
            "ServiceTask_DepoolOldDatacenter",
            "ServiceTask_SetNewMasterReadWrite",
            "ServiceTask_SetMediaWikiReadWrite",
            "ServiceTask_RestartEnvoyOnJobrunners",
            "ServiceTask_StartMaintenance",
            "ServiceTask_RestoreDiscoveryTtl",
            "ServiceTask_RunPuppetOnDbMasters")) {
      points.add(step + ":PERFORMED:1");
    }
    for (String step :
        List.of(
            "ServiceTask_RunPreChecks",
            "ServiceTask_CheckMaintenanceJobsDone",
            "ServiceTask_RunPreChecksAgain",
            "ServiceTask_CheckDiscoveryDns",
            "ServiceTask_CheckSwitchedOverState")) {
      points.add(step + ":" + CrashPoint.STEP_END);
    }
    for (String step :
        List.of(
            "ServiceTask_StopMaintenance",
            "ServiceTask_SetMediaWikiReadOnly",
            "ServiceTask_SetOldMasterReadOnly",
            "ServiceTask_DepoolOldDatacenter")) {
      points.add(step + ":INTENT:1");
      points.add(step + ":" + CrashPoint.STEP_END);
    }
    return points.stream();
  }

  @ParameterizedTest
  @MethodSource("everyStep")
  @EnabledIfSystemProperty(named = "switchman.crash.matrix", matches = "all")
  void crashAtEveryStep(String point) {
    crashAndResume(List.of(point), FinalGate.GO);
  }
}
