package org.switchman.process.switchover;

import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * One run that crashes four times, each start with the next crash point: after reducing a TTL
 * (restored as read), after ReadOnly on, after one section went read-only, and after the depool of
 * the old datacenter; it finishes the switchover.
 */
class CrashFourTimesIT extends CrashResumeCase {

  /**
   * One run that crashes four times, each start with the next crash point: after reducing a TTL
   * (restored as read), after ReadOnly on, after one section went read-only, and after the depool
   * of the old datacenter; it finishes the switchover.
   */
  @Test
  void crashesAfterTheTtlReadOnlyASectionAndTheDepoolEachResumeAndFinishTheSwitchover() {
    crashAndResume(
        List.of(
            "ServiceTask_ReduceDiscoveryTtl:PERFORMED:1",
            "ServiceTask_SetMediaWikiReadOnly:PERFORMED:1",
            "ServiceTask_SetOldMasterReadOnly:PERFORMED:1",
            "ServiceTask_DepoolOldDatacenter:PERFORMED:1"),
        FinalGate.GO);
  }
}
