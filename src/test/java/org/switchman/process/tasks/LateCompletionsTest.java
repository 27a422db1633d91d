package org.switchman.process.tasks;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.SQLException;
import org.camunda.bpm.engine.OptimisticLockingException;
import org.camunda.bpm.engine.ProcessEngineException;
import org.camunda.bpm.engine.exception.NullValueException;
import org.junit.jupiter.api.Test;

/** Which failures of a completion mean that another completion got there first. */
class LateCompletionsTest {

  @Test
  void aConcurrentUpdateOrAMissingTaskIsALostRace() {
    assertThat(
            LateCompletions.lostRace(
                new OptimisticLockingException(
                    "ENGINE-03005 Execution of 'DELETE TaskEntity' failed")))
        .isTrue();
    assertThat(
            LateCompletions.lostRace(
                new NullValueException("Cannot find task with id 42: task is null")))
        .isTrue();
    assertThat(
            LateCompletions.lostRace(
                new ProcessEngineException(
                    "Cannot complete task 42", new OptimisticLockingException("ENGINE-03005"))))
        .isTrue();
    // the run ended (an expiry) while the completion walked its executions
    assertThat(
            LateCompletions.lostRace(
                new ProcessEngineException(
                    "Cannot complete task 42: ENGINE-03077 Cannot resolve parent with id 'p' of"
                        + " execution 'e', perhaps it was deleted in the meantime")))
        .isTrue();
  }

  @Test
  void otherFailuresAreNot() {
    assertThat(
            LateCompletions.lostRace(
                new ProcessEngineException("Unknown property used in expression")))
        .isFalse();
    assertThat(LateCompletions.lostRace(new NullValueException("variables is null"))).isFalse();
    assertThat(
            LateCompletions.lostRace(
                new ProcessEngineException(
                    "flush failed",
                    new SQLException("Unique index or primary key violation", "23505", 23505))))
        .isFalse();
  }
}
