package org.switchman.process.rest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.sql.SQLException;
import org.camunda.bpm.engine.ProcessEngineException;
import org.junit.jupiter.api.Test;
import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.mock.web.MockHttpServletResponse;
import org.springframework.transaction.TransactionSystemException;

/** A request that failed because the engine's database did not answer, wherever it failed. */
class EngineDatabaseOutageFilterTest {

  private final EngineDatabaseOutageFilter filter = new EngineDatabaseOutageFilter();

  @Test
  void anOutageInAnAuthenticationFilterIsAnswered503WithItsCause() throws Exception {
    MockHttpServletRequest request = new MockHttpServletRequest("GET", "/engine-rest/task");
    MockHttpServletResponse response = new MockHttpServletResponse();

    filter.doFilter(
        request,
        response,
        (req, res) -> {
          throw new ProcessEngineException(
              "An exception occurred in the persistence layer.",
              new SQLException("An I/O error occurred while sending to the backend.", "08006"));
        });

    assertThat(response.getStatus()).isEqualTo(503);
    assertThat(response.getContentType()).startsWith("application/json");
    assertThat(response.getContentAsString())
        .contains("\"type\":\"EngineDatabaseUnavailable\"")
        .contains("The engine's database did not answer (An I/O error occurred");
  }

  @Test
  void anOutageHiddenByARollbackThatFailedOnTheBrokenConnectionIsAnswered503() throws Exception {
    MockHttpServletRequest request = new MockHttpServletRequest("GET", "/engine-rest/task");
    MockHttpServletResponse response = new MockHttpServletResponse();
    TransactionSystemException rollback =
        new TransactionSystemException(
            "JDBC rollback failed", new SQLException("Connection is closed"));
    rollback.initApplicationException(
        new ProcessEngineException(
            "An exception occurred in the persistence layer.",
            new SQLException("An I/O error occurred while sending to the backend.", "08006")));

    filter.doFilter(
        request,
        response,
        (req, res) -> {
          throw new ProcessEngineException(
              "An exception occurred in the persistence layer.", rollback);
        });

    assertThat(response.getStatus()).isEqualTo(503);
    assertThat(response.getContentAsString()).contains("An I/O error occurred");
  }

  @Test
  void anyOtherFailurePassesThrough() {
    MockHttpServletRequest request = new MockHttpServletRequest("GET", "/engine-rest/task");
    MockHttpServletResponse response = new MockHttpServletResponse();
    assertThatThrownBy(
            () ->
                filter.doFilter(
                    request,
                    response,
                    (req, res) -> {
                      throw new IllegalStateException("boom");
                    }))
        .hasMessage("boom");
  }
}
