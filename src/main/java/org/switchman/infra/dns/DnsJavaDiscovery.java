package org.switchman.infra.dns;

import java.io.IOException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeSet;
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
import org.xbill.DNS.ARecord;
import org.xbill.DNS.Address;
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
 * RFC 2136 updates signed with TSIG whose prerequisite is the exact record that was read (the CNAME
 * of an active/passive record, the whole A RRset of an active/active one); each update is read
 * back. An update that was sent but not answered may have been applied ({@code UNKNOWN}); the choke
 * point reads it back through {@link #observe}.
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

  private static final Pattern ADDED_ADDRESSES =
      Pattern.compile("update add (\\S+) (\\d+) A (\\S+(?: \\S+)*)$");

  /**
   * Whether a journaled update is in effect: for {@code … update add NAME TTL CNAME TARGET}, the
   * record answers with that target and TTL; for {@code … update add NAME TTL A ADDRESS…}, it
   * answers with exactly those addresses and that TTL.
   */
  Mutations.Observation observe(Mutation update, Instant since) {
    Matcher cname = ADDED.matcher(update.action());
    Matcher addresses = ADDED_ADDRESSES.matcher(update.action());
    Matcher added = cname.find() ? cname : addresses.find() ? addresses : null;
    String service = added == null ? null : serviceOf(added.group(1));
    if (service == null) {
      return Mutations.Observation.noTrace(
          "not a discovery update of this adapter: " + update.action());
    }
    long ttl = Long.parseLong(added.group(2));
    return added == cname
        ? observeTarget(service, absolute(added.group(3)), ttl)
        : observeAddresses(service, new TreeSet<>(List.of(added.group(3).split(" "))), ttl);
  }

  /** The service of a record name of this zone ({@code api-rw.discovery.wmnet.}), else null. */
  private String serviceOf(String recordName) {
    String suffix = "." + zone;
    return recordName.endsWith(suffix)
        ? recordName.substring(0, recordName.length() - suffix.length())
        : null;
  }

  private Mutations.Observation observeTarget(String service, Name target, long ttl) {
    DiscoveryRecord now = read(service);
    String seen = recordName(service) + " is " + now.target() + " TTL " + now.ttlSeconds();
    return absolute(now.target()).equals(target) && now.ttlSeconds() == ttl
        ? Mutations.Observation.applied(seen)
        : Mutations.Observation.notApplied(seen + ", not " + target + " TTL " + ttl);
  }

  private Mutations.Observation observeAddresses(
      String service, SortedSet<String> addresses, long ttl) {
    ServedAddresses now = addresses(service);
    String seen = recordName(service) + " is " + described(now);
    return now.addresses().equals(addresses) && now.ttlSeconds() == ttl
        ? Mutations.Observation.applied(seen)
        : Mutations.Observation.notApplied(
            seen + ", not " + described(new ServedAddresses(service, addresses, ttl)));
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
    CNAMERecord record =
        answers(name, Type.CNAME, CNAMERecord.class).stream()
            .findFirst()
            .orElseThrow(
                () -> new CheckFailedException("discovery-record-exists", name + " has no CNAME"));
    return new DiscoveryRecord(service, record.getTarget().toString(), record.getTTL());
  }

  /**
   * {@inheritDoc}
   *
   * <p>Queries {@code {service}.{zone}} for A records; the CNAME that an active/passive record
   * answers with (and the A record the server may add for its target) is not one of them.
   */
  @Override
  public ServedAddresses addresses(String service) {
    Name name = recordName(service);
    List<ARecord> records = answers(name, Type.A, ARecord.class);
    if (records.isEmpty()) {
      throw new CheckFailedException("discovery-record-exists", name + " has no A record");
    }
    SortedSet<String> addresses = new TreeSet<>();
    records.forEach(record -> addresses.add(record.getAddress().getHostAddress()));
    return new ServedAddresses(service, addresses, records.get(0).getTTL());
  }

  /**
   * {@inheritDoc}
   *
   * <p>Asks the same server, which is authoritative for the {@code svc.{dc}} zones too; the name's
   * parent is the discovery zone's ({@code wmnet.}).
   */
  @Override
  public String serviceAddress(String service, String dc) {
    Name name = absolute(service + ".svc." + dc + "." + new Name(zone, 1));
    return answers(name, Type.A, ARecord.class).stream()
        .findFirst()
        .orElseThrow(
            () -> new CheckFailedException("discovery-record-exists", name + " has no A record"))
        .getAddress()
        .getHostAddress();
  }

  /**
   * The records of a type that the server answers for a name (TCP, no cache), only those of that
   * name: an answer may add the records of a CNAME's target.
   *
   * @throws CheckFailedException {@code discovery-record-exists} when the answer is not NOERROR
   */
  private <T extends Record> List<T> answers(Name name, int type, Class<T> kind) {
    Message answer =
        send(Message.newQuery(Record.newRecord(name, type, DClass.IN)), false, "query " + name);
    if (answer.getRcode() != Rcode.NOERROR) {
      throw new CheckFailedException(
          "discovery-record-exists",
          "DNS answered " + Rcode.string(answer.getRcode()) + " for " + name);
    }
    return answer.getSection(Section.ANSWER).stream()
        .filter(record -> record.getName().equals(name))
        .filter(kind::isInstance)
        .map(kind::cast)
        .toList();
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
    return apply(
        run,
        mutation,
        update,
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
  }

  /**
   * {@inheritDoc}
   *
   * <p>One UPDATE: the prerequisite is the A RRset of {@code current} (value-dependent, so any
   * other address, or a missing one, fails it with NXRRSET), then the A RRset is deleted and the
   * new addresses are added with the current TTL. Journaled as {@code prereq yxrrset NAME A
   * ADDRESS…; update delete NAME A; update add NAME TTL A ADDRESS…}, addresses sorted, which {@link
   * #observe} reads back. The change lands in no single datacenter.
   *
   * @throws IllegalArgumentException when {@code addresses} is empty (a record is never emptied) or
   *     holds something that is not an IPv4 address; nothing is sent or journaled
   */
  @Override
  public MutationOutcome setAddresses(
      RunContext run, ServedAddresses current, Set<String> addresses) {
    if (addresses.isEmpty()) {
      throw new IllegalArgumentException(
          "an active/active record keeps at least one address: " + current.service());
    }
    ServedAddresses wanted =
        new ServedAddresses(current.service(), new TreeSet<>(addresses), current.ttlSeconds());
    Name name = recordName(current.service());
    Update update = new Update(zone);
    current.addresses().forEach(address -> update.present(aRecord(name, 0, address)));
    update.delete(name, Type.A);
    wanted.addresses().forEach(address -> update.add(aRecord(name, wanted.ttlSeconds(), address)));
    String action =
        "prereq yxrrset "
            + name
            + " A "
            + String.join(" ", current.addresses())
            + "; update delete "
            + name
            + " A; update add "
            + name
            + " "
            + wanted.ttlSeconds()
            + " A "
            + String.join(" ", wanted.addresses());
    return apply(
        run,
        new Mutation(Mutation.Kind.DNS_UPDATE, name.toString(), null, action),
        update,
        () -> {
          ServedAddresses now = addresses(current.service());
          if (!now.equals(wanted)) {
            throw new CheckFailedException(
                "dns-record-updated",
                name + " is " + described(now) + " after the update to " + described(wanted));
          }
        });
  }

  private static ARecord aRecord(Name name, long ttl, String address) {
    try {
      return new ARecord(name, DClass.IN, ttl, Address.getByAddress(address, Address.IPv4));
    } catch (UnknownHostException e) {
      throw new IllegalArgumentException("Not an IPv4 address: " + address, e);
    }
  }

  /** {@code 10.2.1.9 10.2.2.9 TTL 300}. */
  private static String described(ServedAddresses served) {
    return String.join(" ", served.addresses()) + " TTL " + served.ttlSeconds();
  }

  /**
   * Sends a signed update through the choke point, then checks it with {@code readBack}. SERVFAIL
   * is an unavailable server; any other answer than NOERROR is a refusal.
   */
  private MutationOutcome apply(
      RunContext run, Mutation mutation, Update update, Mutations.PostCondition readBack) {
    String name = mutation.target();
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
          readBack);
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
