package org.switchman.runbook.discovery;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;
import org.switchman.runbook.CheckFailedException;
import org.switchman.runbook.ExecutionMode;
import org.switchman.runbook.InvalidRequestException;
import org.switchman.runbook.RunContext;
import org.switchman.runbook.discovery.DatacenterPoolingRequest.Action;
import org.switchman.runbook.discovery.PoolingChange.Kind;
import org.switchman.runbook.port.Conftool;
import org.switchman.runbook.port.Conftool.DiscoveryState;
import org.switchman.runbook.port.DnsDiscovery;
import org.switchman.runbook.port.StepInterruptedException;
import org.switchman.runbook.port.Versioned;

/**
 * Pooling and depooling a datacenter for the discovery services ({@code discovery-datacenter}), as
 * the discovery datacenter cookbook does, without its bug that refuses every active/passive pool:
 *
 * <ul>
 *   <li>an <b>active/active</b> service is pooled in the datacenter, or depooled from it;
 *   <li>an <b>active/passive</b> service moves: a pool makes the datacenter its only site, a depool
 *       moves it to its other site (an operator chooses when it has several);
 *   <li>a service is <b>never left pooled nowhere</b>: a plan that would do so is refused before
 *       anything changes, and every change pools its new sites before it depools the old ones;
 *   <li>after each change the service's DNS record is pointed at its sites (the lab has no confd to
 *       do it) and its answer is checked.
 * </ul>
 *
 * Which services are active/passive is configuration (conftool's discovery objects do not say);
 * every other discovery service is active/active. The MediaWiki services belong to {@code
 * dc-switchover} and are refused here. Every write goes through the ports, so dry-run journals it
 * and changes nothing.
 */
public final class DatacenterPooling {

  /** The check of a service found in a state the run cannot have left: someone else changed it. */
  public static final String CHANGED_BY_OTHERS = "discovery-state-unchanged-by-others";

  /** The check of an undoing that would leave a service pooled nowhere, as it was before. */
  public static final String NEVER_POOLED_NOWHERE = "never-pooled-nowhere";

  private final Conftool conftool;
  private final DnsDiscovery dns;
  private final Set<String> activePassive;
  private final Set<String> mediaWiki;

  /**
   * @param activePassive the active/passive discovery services
   * @param mediaWiki the services the MediaWiki switchover moves, which this runbook leaves alone
   */
  public DatacenterPooling(
      Conftool conftool,
      DnsDiscovery dns,
      Collection<String> activePassive,
      Collection<String> mediaWiki) {
    this.conftool = conftool;
    this.dns = dns;
    this.activePassive = Set.copyOf(activePassive);
    this.mediaWiki = Set.copyOf(mediaWiki);
  }

  /** One service in the status table: its kind and, per site, whether it is pooled there. */
  public record ServiceStatus(String service, Kind kind, SortedMap<String, Boolean> sites) {}

  /** Every discovery service but MediaWiki's, by name, as conftool holds them now. */
  public List<ServiceStatus> status() {
    List<ServiceStatus> table = new ArrayList<>();
    objects()
        .forEach(
            (service, sites) -> {
              if (!mediaWiki.contains(service)) {
                SortedMap<String, Boolean> pooled = new TreeMap<>();
                sites.forEach((site, state) -> pooled.put(site, state.value().pooled()));
                table.add(new ServiceStatus(service, kindOf(service), pooled));
              }
            });
    return table;
  }

  /**
   * The status table as text, one line per service: {@code aqs (active/active): eqiad pooled, codfw
   * pooled}, for the datacenter given or every one ({@code all}).
   */
  public static String table(List<ServiceStatus> status, String dc) {
    StringBuilder text = new StringBuilder();
    for (ServiceStatus row : status) {
      List<String> cells = new ArrayList<>();
      row.sites()
          .forEach(
              (site, pooled) -> {
                if (dc.equals(DatacenterPoolingRequest.ALL_DATACENTERS) || dc.equals(site)) {
                  cells.add(site + (pooled ? " pooled" : " depooled"));
                }
              });
      if (!cells.isEmpty()) {
        text.append(row.service())
            .append(" (")
            .append(row.kind().label())
            .append("): ")
            .append(String.join(", ", cells))
            .append('\n');
      }
    }
    return text.toString().strip();
  }

  /**
   * What a pool or depool would do to each service, active/active ones first, as conftool holds
   * them now; reads only.
   *
   * @throws InvalidRequestException naming every service that is unknown, MediaWiki's, would be
   *     left pooled nowhere, or is active/passive and pooled in more than one site
   */
  public List<PoolingChange> plan(DatacenterPoolingRequest request) {
    if (request.action() == Action.STATUS) {
      return List.of();
    }
    Map<String, SortedMap<String, Versioned<DiscoveryState>>> objects = objects();
    List<String> problems = new ArrayList<>();
    List<String> chosen = new ArrayList<>(request.services());
    if (chosen.isEmpty()) {
      objects.keySet().stream().filter(s -> !mediaWiki.contains(s)).forEach(chosen::add);
    }
    List<PoolingChange> changes = new ArrayList<>();
    for (String service : chosen) {
      if (mediaWiki.contains(service)) {
        problems.add(
            "services: " + service + " is a MediaWiki service; the dc-switchover runbook moves it");
      } else if (!objects.containsKey(service)) {
        problems.add("services: " + service + " has no discovery objects in conftool");
      } else {
        PoolingChange change = changeOf(service, objects.get(service), request, problems);
        checkRecordKind(change, problems);
        changes.add(change);
      }
    }
    if (!problems.isEmpty()) {
      throw new InvalidRequestException(DatacenterPoolingRequest.RUNBOOK, problems);
    }
    changes.sort(Comparator.comparing(PoolingChange::kind));
    return List.copyOf(changes);
  }

  /**
   * Adds a problem when the service's DNS record is not of its configured kind: an active/passive
   * record is a CNAME, an active/active one has A records. A service missing from the
   * active/passive list is thus refused, not pooled in two sites.
   */
  private void checkRecordKind(PoolingChange change, List<String> problems) {
    try {
      if (change.kind() == Kind.ACTIVE_ACTIVE) {
        dns.addresses(change.service());
      } else {
        dns.read(change.service());
      }
    } catch (CheckFailedException wrongKind) {
      problems.add(
          change.service()
              + " is "
              + change.kind().label()
              + " here (switchman.discovery.active-passive), but its DNS record is not: "
              + wrongKind.getMessage());
    }
  }

  private PoolingChange changeOf(
      String service,
      SortedMap<String, Versioned<DiscoveryState>> sites,
      DatacenterPoolingRequest request,
      List<String> problems) {
    String dc = request.dc();
    boolean pool = request.action() == Action.POOL;
    SortedSet<String> current = pooledSites(sites);
    Kind kind = kindOf(service);
    SortedSet<String> none = new TreeSet<>();
    if (!sites.containsKey(dc)) {
      return new PoolingChange(service, kind, current, current, none);
    }
    if (kind == Kind.ACTIVE_ACTIVE) {
      SortedSet<String> after = new TreeSet<>(current);
      if (pool) {
        after.add(dc);
      } else {
        after.remove(dc);
      }
      if (after.isEmpty() && !current.isEmpty()) {
        problems.add(
            "depooling "
                + dc
                + " would leave "
                + service
                + " pooled nowhere (it is pooled only in "
                + dc
                + "); pool it elsewhere first or leave it out of services");
      }
      return new PoolingChange(service, kind, current, after, none);
    }
    if (current.size() > 1) {
      problems.add(
          service
              + " is active/passive but pooled in "
              + String.join(", ", current)
              + "; fix it with conftool first or leave it out of services");
      return new PoolingChange(service, kind, current, current, none);
    }
    if (pool) {
      return new PoolingChange(service, kind, current, new TreeSet<>(Set.of(dc)), none);
    }
    if (!current.contains(dc)) {
      return new PoolingChange(service, kind, current, current, none);
    }
    SortedSet<String> others = new TreeSet<>(sites.keySet());
    others.remove(dc);
    if (others.isEmpty()) {
      problems.add(
          "depooling "
              + dc
              + " would leave "
              + service
              + " pooled nowhere (it has no other site); leave it out of services");
      return new PoolingChange(service, kind, current, none, none);
    }
    return others.size() == 1
        ? new PoolingChange(service, kind, current, others, none)
        : new PoolingChange(service, kind, current, none, others);
  }

  /**
   * Pools the service in {@code change.after()} and then depools it elsewhere, and points its DNS
   * record at those sites. Idempotent: what is already so is left alone, so a resumed step goes on
   * where it stopped.
   *
   * @throws CheckFailedException {@code pooling-choice-made} when a choice is still pending; {@code
   *     discovery-state-unchanged-by-others} when conftool holds a state this change cannot have
   *     left (someone else changed the service since the run planned it)
   */
  public void apply(RunContext run, PoolingChange change) {
    if (change.pendingChoice()) {
      throw new CheckFailedException(
          "pooling-choice-made", "nobody has chosen where " + change.service() + " goes");
    }
    moveTo(run, change, change.before(), change.after());
  }

  /**
   * Drives the service back to {@code change.before()}, pooling first, and points its DNS record
   * there. Idempotent.
   *
   * @throws CheckFailedException {@code discovery-state-unchanged-by-others} when the service is in
   *     a state neither this change nor its undoing leaves; {@value #NEVER_POOLED_NOWHERE} when it
   *     was pooled nowhere before the run: it is left alone, pooled where the run put it
   */
  public void restore(RunContext run, PoolingChange change) {
    if (change.before().isEmpty()) {
      throw new CheckFailedException(
          NEVER_POOLED_NOWHERE,
          change.service()
              + " was pooled nowhere before this run; it stays pooled in "
              + names(change.after())
              + " rather than nowhere");
    }
    moveTo(run, change, change.after(), change.before());
  }

  private void moveTo(
      RunContext run, PoolingChange change, SortedSet<String> from, SortedSet<String> to) {
    SortedMap<String, Versioned<DiscoveryState>> sites = sitesOf(change.service());
    SortedSet<String> current = pooledSites(sites);
    Set<String> reachable = new HashSet<>(from);
    reachable.addAll(to);
    Set<String> kept = new HashSet<>(from);
    kept.retainAll(to);
    boolean emptiedByOthers = current.isEmpty() && !from.isEmpty();
    if (!reachable.containsAll(current) || !current.containsAll(kept) || emptiedByOthers) {
      throw new CheckFailedException(
          CHANGED_BY_OTHERS,
          change.service()
              + " is pooled in "
              + names(current)
              + " now; this run moves it from "
              + names(from)
              + " to "
              + names(to)
              + ", so someone else changed it: check it with conftool");
    }
    for (String site : to) {
      if (!sites.containsKey(site)) {
        throw new CheckFailedException(
            "discovery-object",
            "conftool has no discovery object for " + change.service() + " in " + site);
      }
      if (!sites.get(site).value().pooled()) {
        set(run, sites.get(site), true);
      }
    }
    for (Map.Entry<String, Versioned<DiscoveryState>> site : sites.entrySet()) {
      if (!to.contains(site.getKey()) && site.getValue().value().pooled()) {
        set(run, site.getValue(), false);
      }
    }
    pointRecord(run, change, to);
  }

  private void set(RunContext run, Versioned<DiscoveryState> object, boolean pooled) {
    conftool.setDiscovery(run, object, pooled, object.value().ttl());
  }

  private void pointRecord(RunContext run, PoolingChange change, SortedSet<String> sites) {
    String service = change.service();
    if (change.kind() == Kind.ACTIVE_ACTIVE) {
      DnsDiscovery.ServedAddresses current = dns.addresses(service);
      SortedSet<String> wanted = addressesOf(service, sites);
      if (!current.addresses().equals(wanted)) {
        dns.setAddresses(run, current, wanted);
      }
    } else {
      DnsDiscovery.DiscoveryRecord current = dns.read(service);
      String wanted = targetOf(service, sites.first());
      if (!current.target().equals(wanted)) {
        dns.setTarget(run, current, wanted);
      }
    }
  }

  /**
   * Checks that the service's DNS record answers for exactly the sites of {@code change.after()}:
   * an active/active record with their service addresses, an active/passive one with a CNAME to the
   * site's service name; a different answer is asked again, {@value #DNS_LOOKS} times 300 ms apart.
   * In dry-run nothing was changed, so a different answer is reported, not failed; an unanswered
   * query fails in both modes.
   *
   * @return what the record answers, in words
   * @throws CheckFailedException {@code discovery-dns-answer} when the answer differs
   */
  public String checkDns(RunContext run, PoolingChange change) {
    String expected = expectedAnswer(change);
    String seen = "";
    for (int look = 1; look <= DNS_LOOKS; look++) {
      String answer = answer(change);
      seen = change.service() + ".discovery.wmnet answers " + answer;
      if (answer.equals(expected)) {
        return seen;
      }
      if (run.mode() != ExecutionMode.LIVE) {
        return seen + " (dry-run: nothing was changed)";
      }
      if (look < DNS_LOOKS) {
        StepInterruptedException.pause(
            DNS_PAUSE, "waiting for the DNS answer of " + change.service());
      }
    }
    throw new CheckFailedException(
        "discovery-dns-answer",
        seen + ", not the sites " + names(change.after()) + " it is pooled in");
  }

  /** How often {@link #checkDns} asks before it fails, and how long it waits in between. */
  public static final int DNS_LOOKS = 10;

  public static final java.time.Duration DNS_PAUSE = java.time.Duration.ofMillis(300);

  /**
   * What the record answers for the sites of {@code change.after()}, as {@link #answer} words it;
   * {@code null} for an active/passive service pooled nowhere, which no answer matches.
   */
  private String expectedAnswer(PoolingChange change) {
    if (change.kind() == Kind.ACTIVE_ACTIVE) {
      return String.join(" ", addressesOf(change.service(), change.after()));
    }
    return change.after().isEmpty() ? null : targetOf(change.service(), change.after().first());
  }

  /** The record's answer now: its addresses, sorted, or its CNAME target. */
  private String answer(PoolingChange change) {
    return change.kind() == Kind.ACTIVE_ACTIVE
        ? String.join(" ", dns.addresses(change.service()).addresses())
        : dns.read(change.service()).target();
  }

  private SortedSet<String> addressesOf(String service, SortedSet<String> sites) {
    SortedSet<String> addresses = new TreeSet<>();
    sites.forEach(site -> addresses.add(dns.serviceAddress(service, site)));
    return addresses;
  }

  /** The CNAME target of an active/passive record served from {@code site}. */
  public static String targetOf(String service, String site) {
    return service + ".svc." + site + ".wmnet.";
  }

  private Kind kindOf(String service) {
    return activePassive.contains(service) ? Kind.ACTIVE_PASSIVE : Kind.ACTIVE_ACTIVE;
  }

  private SortedMap<String, Versioned<DiscoveryState>> sitesOf(String service) {
    return objects().getOrDefault(service, new TreeMap<>());
  }

  private Map<String, SortedMap<String, Versioned<DiscoveryState>>> objects() {
    Map<String, SortedMap<String, Versioned<DiscoveryState>>> objects = new TreeMap<>();
    for (Versioned<DiscoveryState> object : conftool.discoveryObjects()) {
      objects
          .computeIfAbsent(object.value().service(), s -> new TreeMap<>())
          .put(object.value().dc(), object);
    }
    return new LinkedHashMap<>(objects);
  }

  private static SortedSet<String> pooledSites(Map<String, Versioned<DiscoveryState>> sites) {
    SortedSet<String> pooled = new TreeSet<>();
    sites.forEach(
        (site, state) -> {
          if (state.value().pooled()) {
            pooled.add(site);
          }
        });
    return pooled;
  }

  private static String names(Set<String> sites) {
    return sites.isEmpty() ? "no datacenter" : String.join(", ", new TreeSet<>(sites));
  }
}
