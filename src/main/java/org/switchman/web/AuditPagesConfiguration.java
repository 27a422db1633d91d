package org.switchman.web;

import java.time.Clock;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.switchman.audit.Journal;
import org.switchman.audit.OpsLogReader;
import org.switchman.audit.report.LockTable;
import org.switchman.audit.report.LockedRuns;
import org.switchman.audit.report.RunHistory;
import org.switchman.audit.report.RunReports;
import org.switchman.runbook.port.RunbookLock;

/** The services behind the audit and operations pages. */
@Configuration(proxyBeanMethods = false)
public class AuditPagesConfiguration {

  @Bean
  RunReports runReports(
      RunHistory history,
      Journal journal,
      ObjectProvider<RunbookLock> locks,
      ObjectProvider<OpsLogReader> opsLog) {
    return new RunReports(
        history, journal, locks.getIfAvailable(), opsLog.getIfAvailable(), Clock.systemUTC());
  }

  @Bean
  LockTable lockTable(
      ObjectProvider<RunbookLock> locks, ObjectProvider<LockedRuns> runs, Journal journal) {
    return new LockTable(
        locks.getIfAvailable(),
        runs.getIfAvailable(() -> LockedRuns.NONE),
        journal,
        Clock.systemUTC());
  }
}
