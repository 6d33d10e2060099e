namespace PveSimulator;

public sealed record SimulatorOptions
{
    /// <summary>Cluster name; null simulates a standalone node (no "cluster" entry in /cluster/status).</summary>
    public string? ClusterName { get; init; } = "homelab";
    public PveVersionMode Version { get; init; } = PveVersionMode.Pve8;
    /// <summary>Loopback port; 0 picks a free one.</summary>
    public int Port { get; init; }
    /// <summary>How long a vzstart/vzstop/vzshutdown task runs before it ends.</summary>
    public TimeSpan TaskDuration { get; init; } = TimeSpan.FromMilliseconds(500);
    /// <summary>How often /cluster/resources data is refreshed (pvestatd: about 10 s); zero samples on every request (no lag).</summary>
    public TimeSpan ResourcesRefreshInterval { get; init; } = TimeSpan.FromSeconds(10);
    /// <summary>Delay after a start before a dhcp interface shows an IPv4 address.</summary>
    public TimeSpan DhcpDelay { get; init; } = TimeSpan.Zero;
    /// <summary>
    /// An IPv4 network (e.g. "10.20.0.0/16") served by a simulated DHCP server: a started CT's ip=dhcp interfaces that
    /// have no lease in <see cref="SimContainer.DhcpAddresses"/> get one from it, one per MAC address, so created and
    /// cloned CTs get addresses. Null (the default): only the leases tests set.
    /// </summary>
    public string? DhcpNetwork { get; init; }
    /// <summary>Keep-alive connections idle this long are closed by the server.</summary>
    public TimeSpan IdleConnectionTimeout { get; init; } = TimeSpan.FromSeconds(5);
    /// <summary>pvedaemon workers per node: requests to daemon endpoints served at once; the rest wait.</summary>
    public int DaemonWorkersPerNode { get; init; } = 3;
    /// <summary>
    /// Worker tasks (vzstart, vzstop, vzshutdown, vzreboot, vzcreate, vzclone, vzdestroy, resize, vzmigrate, ...) running at once per node; later ones are accepted
    /// (they get their UPID and show as running) but wait in line, in arrival order, and their TaskDuration starts
    /// when they get a turn. A capacity model of a node's disks and CPU, not a PVE setting. 0 = no limit.
    /// </summary>
    public int MaxParallelTasksPerNode { get; init; }
    /// <summary>PVE's delay before every 401 answer, which slows down password guessing.</summary>
    public static readonly TimeSpan PveUnauthorizedDelay = TimeSpan.FromSeconds(3);

    /// <summary>
    /// Delay before every 401 answer: PVE's 3 s by default, so clients meet it as they would for real. Test hosts that
    /// only need a quick answer set it to zero (see <see cref="WithoutUnauthorizedDelay"/>).
    /// </summary>
    public TimeSpan UnauthorizedDelay { get; init; } = PveUnauthorizedDelay;

    /// <summary>How long a login ticket (and its CSRF token) is accepted (PVE: 2 h); tests shorten it to see renewal.</summary>
    public TimeSpan TicketLifetime { get; init; } = TimeSpan.FromHours(2);

    /// <summary>These options without the 401 delay, unless a test chose a delay of its own (anything but PVE's 3 s).</summary>
    public SimulatorOptions WithoutUnauthorizedDelay() =>
        UnauthorizedDelay == PveUnauthorizedDelay ? this with { UnauthorizedDelay = TimeSpan.Zero } : this;
    /// <summary>Delay before HA-managed containers change state after their ha* task ended.</summary>
    public TimeSpan HaDelay { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// How long allocating (or freeing) one volume holds its storage's lock, in create, clone and destroy tasks. Tasks
    /// needing a busy storage wait in line; one that would wait longer than <see cref="StorageLockTimeout"/> fails
    /// with PVE's "can't lock file '/var/lock/pve-manager/pve-storage-&lt;id&gt;' - got timeout". Zero: no contention.
    /// </summary>
    public TimeSpan StorageAllocationDuration { get; init; } = TimeSpan.Zero;
    /// <summary>How long a task waits for a storage lock (pve-storage: 10 s).</summary>
    public TimeSpan StorageLockTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>Secret of <see cref="PveSimulatorServer.DefaultTokenId"/>; null draws a random one at start.</summary>
    public string? DefaultTokenSecret { get; init; }
    /// <summary>Clock for tasks, DHCP, uptimes and the resources refresh; a fake one makes timing tests deterministic.</summary>
    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;
    /// <summary>Writes one line per request to the console (for the standalone program).</summary>
    public bool LogRequests { get; init; }
}
