using PveSimulator.Model;
using PveSimulator.Tasks;

namespace PveSimulator.Api;

/// <summary>Everything the endpoints share, built once per simulator instance.</summary>
internal sealed class SimulatorServices
{
    public SimulatorServices(
        SimulatorOptions options,
        SimulatedCluster cluster,
        RequestCounters counters,
        FaultInjection faults,
        string certificateFingerprint,
        CancellationToken stopping)
    {
        Options = options;
        Release = PveRelease.For(options.Version);
        Cluster = cluster;
        Counters = counters;
        Faults = faults;
        CertificateFingerprint = certificateFingerprint;
        Tasks = new TaskRegistry(options.TimeProvider);
        Runner = new TaskRunner(Tasks, counters, options, stopping);
        PowerActions = new PowerActionRunner(cluster, Runner, options);
        StorageLocks = new StorageLocks(options);
        Workers = new DaemonWorkerPool(Math.Max(1, options.DaemonWorkersPerNode));
        Writer = new PveResponseWriter(Release);
        Tickets = new TicketAuthority(options.TimeProvider, options.TicketLifetime);
        Authenticator = new TokenAuthenticator(cluster, Release, Tickets);
        Logins = new LoginCounters();
        BootTime = options.TimeProvider.GetUtcNow() - TimeSpan.FromDays(3);
        Stopping = stopping;
    }

    /// <summary>Cancelled when the simulator is disposed, so waits inside requests end at once.</summary>
    public CancellationToken Stopping { get; }

    public SimulatorOptions Options { get; }
    public PveRelease Release { get; }
    public SimulatedCluster Cluster { get; }
    public RequestCounters Counters { get; }
    public FaultInjection Faults { get; }
    /// <summary>Every simulated node presents the simulator's own certificate.</summary>
    public string CertificateFingerprint { get; }
    public TaskRegistry Tasks { get; }
    /// <summary>Runs every worker task: node turns, the CT flock, durations and outcomes.</summary>
    public TaskRunner Runner { get; }
    public PowerActionRunner PowerActions { get; }
    public StorageLocks StorageLocks { get; }
    public DaemonWorkerPool Workers { get; }
    public PveResponseWriter Writer { get; }
    public TokenAuthenticator Authenticator { get; }
    public TicketAuthority Tickets { get; }
    public LoginCounters Logins { get; }
    /// <summary>When the simulated nodes booted, for node uptimes.</summary>
    public DateTimeOffset BootTime { get; }

    public TimeProvider Time => Options.TimeProvider;
    public DateTimeOffset Now => Options.TimeProvider.GetUtcNow();
}
