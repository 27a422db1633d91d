package org.switchman.runbook.restart;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeMap;
import org.switchman.runbook.InvalidRequestException;
import org.switchman.runbook.port.Conftool;

/**
 * The hosts of one rolling restart, in the batches they restart in. Hosts come from conftool: every
 * host with an entry in one of the policy's clusters, in the datacenters asked for, in host name
 * order; an operator's host list only picks among them. A batch never spans two datacenters, and
 * holds at most the request's batch size, or else the policy's ({@link BatchSize#hostsOf}, a
 * percentage taken of the hosts the service has in that datacenter), never above the policy's
 * maximum.
 *
 * @param service the catalogue service; after a deploy, the services, separated by commas
 * @param batches the batches, in the order they run
 */
public record RestartPlan(String service, List<Batch> batches) {

  /**
   * A host to restart.
   *
   * @param fqdn its name
   * @param dc its datacenter
   * @param cluster its conftool cluster
   */
  public record Host(String fqdn, String dc, String cluster) {}

  /**
   * Hosts restarted together.
   *
   * @param number from 1, across datacenters
   * @param dc the datacenter of every host in it
   * @param service the catalogue service restarted on them
   * @param hosts the hosts, in host name order
   */
  public record Batch(int number, String dc, String service, List<Host> hosts) {
    public Batch {
      hosts = List.copyOf(hosts);
    }
  }

  public RestartPlan {
    batches = List.copyOf(batches);
  }

  /**
   * Reads the service's hosts from conftool and cuts them into batches.
   *
   * @param datacenters the known datacenters, in the order {@code all} goes through them
   * @throws InvalidRequestException when a named host is not one of the service's hosts there, or
   *     the service has no host there
   */
  public static RestartPlan of(
      RollingRestartRequest request, Conftool conftool, List<String> datacenters) {
    ServicePolicy policy = request.policy();
    List<String> problems = new ArrayList<>();
    Set<String> named = Set.copyOf(request.hosts());
    Set<String> notFound = new LinkedHashSet<>(request.hosts());
    List<Batch> batches = new ArrayList<>();
    for (String dc : request.datacenters(datacenters)) {
      TreeMap<String, Host> all = new TreeMap<>();
      for (String cluster : policy.clusters()) {
        for (var entry : conftool.cluster(dc, cluster)) {
          all.putIfAbsent(entry.value().host(), new Host(entry.value().host(), dc, cluster));
        }
      }
      if (all.isEmpty()) {
        problems.add(
            "conftool has no host of "
                + policy.service()
                + " (clusters "
                + String.join(", ", policy.clusters())
                + ") in "
                + dc);
        continue;
      }
      List<Host> chosen =
          named.isEmpty()
              ? List.copyOf(all.values())
              : all.values().stream().filter(host -> named.contains(host.fqdn())).toList();
      notFound.removeAll(all.keySet());
      int size =
          request
              .batchSize()
              .orElseGet(() -> policy.batchSize().hostsOf(all.size(), Integer.MAX_VALUE));
      size = Math.max(1, Math.min(size, policy.batchMax()));
      for (int from = 0; from < chosen.size(); from += size) {
        batches.add(
            new Batch(
                batches.size() + 1,
                dc,
                policy.service(),
                chosen.subList(from, Math.min(from + size, chosen.size()))));
      }
    }
    for (String host : notFound) {
      problems.add(
          "host "
              + host
              + " is not a host of "
              + policy.service()
              + " in "
              + String.join(", ", request.datacenters(datacenters))
              + " (conftool clusters "
              + String.join(", ", policy.clusters())
              + ")");
    }
    if (!problems.isEmpty()) {
      throw new InvalidRequestException(RollingRestartRequest.RUNBOOK, problems);
    }
    return new RestartPlan(policy.service(), batches);
  }

  /**
   * The plan of a restart after a deploy: each service of the request in turn, each datacenter in
   * turn, in batches of at most {@code share} of the service's hosts in that datacenter (at least
   * one host, never above the policy's maximum), so that a deploy never takes more than that share
   * of a cluster out of service at once. A service without hosts in a datacenter is left out.
   *
   * @param share the most of a cluster's hosts restarted at once, as a percentage from 1 to 100
   * @param datacenters the known datacenters, in the order the plan goes through them
   */
  public static RestartPlan afterDeploy(
      DeployRestartRequest request,
      ServiceCatalogue catalogue,
      Conftool conftool,
      List<String> datacenters,
      int share) {
    List<Batch> batches = new ArrayList<>();
    for (String service : request.services()) {
      ServicePolicy policy = catalogue.policy(DeployRestartRequest.RUNBOOK, service);
      for (String dc : datacenters) {
        TreeMap<String, Host> all = new TreeMap<>();
        for (String cluster : policy.clusters()) {
          for (var entry : conftool.cluster(dc, cluster)) {
            all.putIfAbsent(entry.value().host(), new Host(entry.value().host(), dc, cluster));
          }
        }
        List<Host> hosts = List.copyOf(all.values());
        int size = Math.max(1, Math.min(policy.batchMax(), hosts.size() * share / 100));
        for (int from = 0; from < hosts.size(); from += size) {
          batches.add(
              new Batch(
                  batches.size() + 1,
                  dc,
                  service,
                  hosts.subList(from, Math.min(from + size, hosts.size()))));
        }
      }
    }
    return new RestartPlan(String.join(",", request.services()), batches);
  }

  /** Every host of the plan, batch after batch. */
  public List<Host> hosts() {
    return batches.stream().flatMap(batch -> batch.hosts().stream()).toList();
  }
}
