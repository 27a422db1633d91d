package org.switchman.runbook.switchover;

import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * The steps of reference 001 that no automation does: each one a box an operator ticks on the
 * switchover's checklists once it is done, with a note. The run journals every tick, and ends only
 * when its checklist is done or waived with a reason.
 */
public enum ManualStep {
  STATUS_PAGE_SCHEDULED(
      "statusPageScheduled",
      Checklist.BEFORE_READ_ONLY,
      "Phase 0: add a scheduled maintenance on StatusPage"),
  STATUS_PAGE_ENDED(
      "statusPageEnded", Checklist.AFTER_SWITCHOVER, "Phase 8: end the maintenance on StatusPage"),
  NEW_MASTER_DNS_UPDATED(
      "newMasterDnsUpdated",
      Checklist.AFTER_SWITCHOVER,
      "Phase 9: update the DNS records of the new database masters"),
  CENTRAL_NOTICE_REMOVED(
      "centralNoticeRemoved",
      Checklist.AFTER_SWITCHOVER,
      "Phase 9: make sure the CentralNotice read-only banner is gone (about 5 min of caching)"),
  DEBUG_JSON_REORDERED(
      "debugJsonReordered",
      Checklist.AFTER_SWITCHOVER,
      "Phase 9: list the primary servers first in noc's debug.json and backport it with scap"),
  MAINTENANCE_DNS_UPDATED(
      "maintenanceDnsUpdated",
      Checklist.AFTER_SWITCHOVER,
      "Phase 9: update the maintenance server's DNS records"),
  GEOMAPS_REORDERED(
      "geomapsReordered",
      Checklist.AFTER_SWITCHOVER,
      "Phase 9: put the new primary first in the geomaps default stanza"),
  READING_AND_EDITING_WORK(
      "readingAndEditingWork",
      Checklist.AFTER_SWITCHOVER,
      "Phase 10: check that reading and editing work"),
  RECENT_CHANGES_FLOW(
      "recentChangesFlow",
      Checklist.AFTER_SWITCHOVER,
      "Phase 10: check that recent changes flow (Special:RecentChanges, EventStreams, IRC)"),
  EMAIL_WORKS(
      "emailWorks",
      Checklist.AFTER_SWITCHOVER,
      "Phase 10: check that email works (exim queues on the mx hosts, a test email)");

  /** The two checklists of a switchover. */
  public enum Checklist {
    /** Before the final GO/NOGO: what must be done before the site goes read-only. */
    BEFORE_READ_ONLY,
    /** Before the run ends: what follows the switch, and the verifications. */
    AFTER_SWITCHOVER
  }

  private final String id;
  private final Checklist checklist;
  private final String text;

  ManualStep(String id, Checklist checklist, String text) {
    this.id = id;
    this.checklist = checklist;
    this.text = text;
  }

  /** Its key: the name of its box on the checklist form, and of the note beside it + "Note". */
  public String id() {
    return id;
  }

  public Checklist checklist() {
    return checklist;
  }

  /** What to do, with its phase in reference 001. */
  public String text() {
    return text;
  }

  /** The steps of one checklist, in the reference's order. */
  public static List<ManualStep> of(Checklist checklist) {
    return Arrays.stream(values()).filter(step -> step.checklist == checklist).toList();
  }

  public static Optional<ManualStep> byId(String id) {
    return Arrays.stream(values()).filter(step -> step.id.equals(id)).findFirst();
  }
}
