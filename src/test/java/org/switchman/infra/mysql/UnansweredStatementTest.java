package org.switchman.infra.mysql;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.SocketTimeoutException;
import java.sql.SQLException;
import java.sql.SQLNonTransientConnectionException;
import java.sql.SQLTimeoutException;
import org.junit.jupiter.api.Test;

/** Which failures of a sent statement leave its effect unknown. */
class UnansweredStatementTest {

  @Test
  void aTimeoutOrABrokenConnectionLosesTheAnswer() {
    assertThat(MariaDbMasters.answerLost(new SQLTimeoutException("Query timed out"))).isTrue();
    assertThat(
            MariaDbMasters.answerLost(
                new SQLNonTransientConnectionException(
                    "(conn=12) Socket error",
                    "08000",
                    new SocketTimeoutException("Read timed out"))))
        .isTrue();
    assertThat(
            MariaDbMasters.answerLost(
                new SQLException("wrapped", "HY000", new SocketTimeoutException("Read timed out"))))
        .isTrue();
  }

  @Test
  void anErrorTheServerReturnedIsAnAnswer() {
    assertThat(
            MariaDbMasters.answerLost(
                new SQLException(
                    "Lock wait timeout exceeded; try restarting transaction", "HY000", 1205)))
        .isFalse();
    assertThat(MariaDbMasters.answerLost(new SQLException("Access denied", "42000", 1227)))
        .isFalse();
  }
}
