package org.switchman.lab;

/**
 * A fault injected into the lab.
 *
 * @param id the id that clears it
 * @param kind what is broken
 * @param target the host, section/DC or server affected
 * @param detail parameters, for example {@code 3 attempts} or {@code 120 s}
 */
public record LabFault(String id, Kind kind, String target, String detail) {

  /** The faults the lab can inject. */
  public enum Kind {
    /** Connections to the host's SSH port time out. */
    HOST_UNREACHABLE,
    /** Connections to the host's SSH port are refused. */
    HOST_REFUSING,
    /** Connections to the host's SSH port are accepted, but the host never sends its banner. */
    HOST_SILENT,
    /** Fleet commands on the host that start with the prefix take the given extra seconds. */
    COMMAND_SLOW,
    /** {@code systemctl start|restart UNIT} takes the given seconds. */
    RESTART_SLOW,
    /** {@code systemctl start|restart UNIT} fails and leaves the unit failed. */
    RESTART_FAILS,
    /** {@code systemctl start|restart UNIT} fails until the N-th attempt. */
    RESTART_NEEDS_ATTEMPTS,
    /** After a start or restart, the unit is running but not registered with its proxy. */
    REGISTRATION_LOST,
    /** The host's cassandra shows {@code UJ} (joining) in {@code nodetool status}. */
    CASSANDRA_JOINING,
    /** {@code nodetool compactionstats} shows pending tasks. */
    COMPACTIONS_PENDING,
    /**
     * MediaWiki on the application server stops reading etcd: its siteinfo keeps answering with the
     * configuration it last read, until cleared.
     */
    SITEINFO_STALE,
    /** The elasticsearch cluster of the host's DC reports yellow. */
    ELASTICSEARCH_YELLOW,
    /** The master of a section in a DC applies replicated events with a delay. */
    REPLICATION_DELAY,
    /** The master of a section in a DC has its replica threads stopped. */
    REPLICATION_STOPPED,
    /** A reboot keeps the host unreachable for the given seconds (a long fsck or salvage). */
    BOOT_SLOW,
    /**
     * Each reboot of the host is unclean (reference 002): the host boots as usual, every unit
     * started, then its AFS file server salvages for the given seconds, during which {@code bos
     * status} says so and the units that started meanwhile count as started wrongly for {@code
     * domtool-test-config}. Only on a host with {@code openafs-fileserver}; clearing it does not
     * end a salvage under way.
     */
    BOOT_UNCLEAN,
    /**
     * Work that must not be killed runs on the host (reference 004: a video transcode, a dump, a
     * maintenance script that cannot resume): {@code unit} names it (default {@code
     * webVideoTranscode}), and it ends after {@code seconds}, or runs until cleared without them.
     * {@code nrpe_long_running_jobs} on the host reports it.
     */
    LONG_JOB_RUNNING,
    /** The host presents a new SSH host key, which known_hosts does not have. */
    HOST_KEY_CHANGED,
    /** etcd is stopped. */
    ETCD_DOWN,
    /**
     * etcd keeps running, but its clients cannot reach it: the lab's proxy in front of etcd drops
     * every connection and holds new ones unanswered, so leases that are not kept alive expire.
     */
    ETCD_PARTITION,
    /** etcd is frozen (SIGSTOP until cleared, then SIGCONT). */
    ETCD_PAUSED,
    /** The DNS server is stopped. */
    DNS_DOWN,
    /** The DNS server answers every dynamic update with REFUSED; queries keep working. */
    DNS_REFUSING,
    /** The MariaDB master of a section in a DC is stopped (started again when cleared). */
    DB_MASTER_DOWN,
    /** The MariaDB master of a section in a DC is frozen (SIGSTOP until cleared, then SIGCONT). */
    DB_MASTER_PAUSED,
    /**
     * A session on the MariaDB master of a section in a DC holds a table write lock, so {@code SET
     * GLOBAL read_only} blocks until cleared.
     */
    DB_LOCKED
  }

  /**
   * What to inject; which fields matter depends on the kind.
   *
   * @param kind the fault
   * @param host the FQDN, for host faults
   * @param unit the systemd unit, for restart and registration faults; the job, for a long job
   * @param section the database section, for replication and master faults
   * @param dc the datacenter of the master, for replication and master faults (default codfw)
   * @param seconds the restart or boot duration, the salvage after an unclean boot, the replication
   *     delay, the extra time of a slow command, or how long a long job still runs
   * @param count the number of attempts or pending compactions
   * @param prefix the start of the fleet commands that {@link Kind#COMMAND_SLOW} slows down
   */
  public record Request(
      Kind kind,
      String host,
      String unit,
      String section,
      String dc,
      Integer seconds,
      Integer count,
      String prefix) {

    /** A request without a command prefix. */
    public Request(
        Kind kind,
        String host,
        String unit,
        String section,
        String dc,
        Integer seconds,
        Integer count) {
      this(kind, host, unit, section, dc, seconds, count, null);
    }
  }
}
