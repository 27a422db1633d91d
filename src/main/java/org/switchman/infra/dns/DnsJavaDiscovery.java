package org.switchman.infra.dns;

import java.io.IOException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.time.Instant;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.switchman.config.DnsProperties;
import org.switchman.infra.Mutations;
import org.switchman.runbook.CheckFailedException;
import org.switchman.runbook.Mutation;
import org.switchman.runbook.MutationOutcome;
import org.switchman.runbook.RunContext;
import org.switchman.runbook.port.DnsDiscovery;
import org.switchman.runbook.port.InfrastructureUnavailableException;
import org.switchman.runbook.port.StepInterruptedException;
import org.switchman.runbook.port.UnansweredChangeException;
import org.xbill.DNS.CNAMERecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.SimpleResolver;
import org.xbill.DNS.TSIG;
import org.xbill.DNS.TextParseException;
import org.xbill.DNS.Type;
import org.xbill.DNS.Update;

/**
 * {@link DnsDiscovery} with dnsjava: plain queries to the authoritative server (TCP, no cache), and
 * RFC 2136 updates signed with TSIG whose prerequisite is the exact record that was read; each
 * update is read back. An update that was sent but not answered may have been applied ({@code
 * UNKNOWN}); the choke point reads it back through {@link #observe}.
 */
public class DnsJavaDiscovery implements DnsDiscovery {

  private final DnsProperties settings;
  private final Mutations mutations;
  private final TSIG tsig;
  private final Name zone;

  public DnsJavaDiscovery(DnsProperties settings, Mutations mutations) {
    this.settings = settings.validated();
    this.mutations = mutations;
    TsigKeyFile key = TsigKeyFile.read(settings.tsigKeyFile());
    this.tsig = new TSIG(key.algorithm(), key.name(), key.secret());
    this.zone = absolute(settings.zone());
    mutations.probe(Mutation.Kind.DNS_UPDATE, this::observe);
  }

  private static final Pattern ADDED = Pattern.compile("update add (\\S+) (\\d+) CNAME (\\S+)$");

  /**
   * Whether a journaled update ({@code … update add NAME TTL CNAME TARGET}) is in effect: the
   * record answers with that target and TTL.
   */
  Mutations.Observation observe(Mutation update, Instant since) {
    Matcher added = ADDED.matcher(update.action());
    String suffix = "." + zone;
    if (!added.find() || !added.group(1).endsWith(suffix)) {
      return Mutations.Observation.noTrace(
          "not a discovery update of this adapter: " + update.action());
    }
    String service = added.group(1).substring(0, added.group(1).length() - suffix.length());
    String target = absolute(added.group(3)).toString();
    long ttl = Long.parseLong(added.group(2));
    DiscoveryRecord now = read(service);
    String seen = added.group(1) + " is " + now.target() + " TTL " + now.ttlSeconds();
    return absolute(now.target()).toString().equals(target) && now.ttlSeconds() == ttl
        ? Mutations.Observation.applied(seen)
        : Mutations.Observation.notApplied(seen + ", not " + target + " TTL " + ttl);
  }

  private Name recordName(String service) {
    return absolute(service + "." + settings.zone());
  }

  private static Name absolute(String name) {
    try {
      return Name.fromString(name.endsWith(".") ? name : name + ".");
    } catch (TextParseException e) {
      throw new IllegalArgumentException("Not a DNS name: " + name, e);
    }
  }

  @Override
  public DiscoveryRecord read(String service) {
    Name name = recordName(service);
    Message answer =
        send(
            Message.newQuery(Record.newRecord(name, Type.CNAME, DClass.IN)),
            false,
            "query " + name);
    if (answer.getRcode() != Rcode.NOERROR) {
      throw new CheckFailedException(
          "discovery-record-exists",
          "DNS answered " + Rcode.string(answer.getRcode()) + " for " + name);
    }
    Optional<CNAMERecord> cname =
        answer.getSection(Section.ANSWER).stream()
            .filter(CNAMERecord.class::isInstance)
            .map(CNAMERecord.class::cast)
            .findFirst();
    CNAMERecord record =
        cname.orElseThrow(
            () -> new CheckFailedException("discovery-record-exists", name + " has no CNAME"));
    return new DiscoveryRecord(service, record.getTarget().toString(), record.getTTL());
  }

  @Override
  public MutationOutcome setTtl(RunContext run, DiscoveryRecord current, long ttlSeconds) {
    return replace(run, current, current.target(), ttlSeconds);
  }

  @Override
  public MutationOutcome setTarget(RunContext run, DiscoveryRecord current, String target) {
    return replace(
        run, current, target.endsWith(".") ? target : target + ".", current.ttlSeconds());
  }

  private MutationOutcome replace(
      RunContext run, DiscoveryRecord current, String target, long ttl) {
    Name name = recordName(current.service());
    Update update = new Update(zone);
    update.present(new CNAMERecord(name, DClass.IN, 0, absolute(current.target())));
    update.delete(name, Type.CNAME);
    update.add(new CNAMERecord(name, DClass.IN, ttl, absolute(target)));
    String action =
        "prereq yxrrset "
            + name
            + " CNAME "
            + current.target()
            + "; update delete "
            + name
            + " CNAME; update add "
            + name
            + " "
            + ttl
            + " CNAME "
            + target;
    Mutation mutation =
        new Mutation(Mutation.Kind.DNS_UPDATE, name.toString(), datacenterOf(target), action);
    try {
      return mutations.apply(
          run,
          mutation,
          () -> {
            Message response = sendChange(update, "update " + name);
            if (response.getRcode() == Rcode.SERVFAIL) {
              throw new InfrastructureUnavailableException(
                  "The DNS server failed the update of " + name + ": SERVFAIL", null);
            }
            if (response.getRcode() != Rcode.NOERROR) {
              throw new DnsUpdateRefusedException(
                  "The DNS server refused the update of "
                      + name
                      + ": "
                      + Rcode.string(response.getRcode()));
            }
            return Mutations.Performed.of(Rcode.string(response.getRcode()));
          },
          () -> {
            DiscoveryRecord now = read(current.service());
            if (!now.target().equals(target) || now.ttlSeconds() != ttl) {
              throw new CheckFailedException(
                  "dns-record-updated",
                  name
                      + " is "
                      + now.target()
                      + " TTL "
                      + now.ttlSeconds()
                      + " after the update to "
                      + target
                      + " TTL "
                      + ttl);
            }
          });
    } catch (RuntimeException e) {
      throw e;
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  /** {@code appservers-rw.svc.codfw.wmnet.} lands in codfw; other targets in no datacenter. */
  private static String datacenterOf(String target) {
    String[] labels = target.split("\\.");
    for (int i = 0; i + 1 < labels.length; i++) {
      if (labels[i].equals("svc")) {
        return labels[i + 1];
      }
    }
    return null;
  }

  /**
   * Sends an update. A refused connection means it never left; any other failure to get an answer
   * (a timeout, a connection lost) leaves it unknown whether the server applied it.
   */
  private Message sendChange(Message update, String what) {
    try {
      return send(update, true, what);
    } catch (InfrastructureUnavailableException e) {
      for (Throwable t = e.getCause(); t != null; t = t.getCause() == t ? null : t.getCause()) {
        if (t instanceof ConnectException) {
          throw e;
        }
      }
      throw new UnansweredChangeException(
          e.getMessage() + "; the update may have been applied", e.getCause());
    }
  }

  private Message send(Message message, boolean signed, String what) {
    try {
      SimpleResolver resolver = new SimpleResolver(InetAddress.getByName(settings.server()));
      resolver.setPort(settings.port());
      resolver.setTimeout(settings.timeout());
      resolver.setTCP(true);
      if (signed) {
        resolver.setTSIGKey(tsig);
      }
      return resolver.send(message);
    } catch (IOException e) {
      if (e.getCause() instanceof InterruptedException interruption) {
        // dnsjava has set the interrupt flag again
        throw new StepInterruptedException(
            "waiting for the DNS server to answer to " + what, interruption);
      }
      throw new InfrastructureUnavailableException(
          "DNS server "
              + settings.server()
              + ":"
              + settings.port()
              + " did not answer to "
              + what
              + ": "
              + e.getMessage(),
          e);
    }
  }
}
