namespace PveOperator.Controllers;

/// <summary>Timings and limits of the LxcContainer controller.</summary>
public sealed record ContainerControllerSettings
{
    /// <summary>How often a pending PVE task is polled at most (until the provider's tasks were seen ending, always).</summary>
    public TimeSpan TaskPollInterval { get; init; } = TimeSpan.FromSeconds(1);
    /// <summary>
    /// The shortest wait between polls of a pending task. Once tasks were seen ending, a task is polled about when it
    /// should be done and then at this interval, backing off to <see cref="TaskPollInterval"/> as it overruns.
    /// </summary>
    public TimeSpan TaskPollMinInterval { get; init; } = TimeSpan.FromMilliseconds(100);
    /// <summary>Power actions (tasks) in flight at once per PVE node; more would run into PVE's 10 s lock timeouts.</summary>
    public int MaxActionsPerNode { get; init; } = 4;

    public const int DefaultMaxAllocationsPerStorage = 8;

    /// <summary>
    /// Creates, clones and destroys in flight per storage: PVE allocates and frees volumes one at a time under the
    /// storage's lock and fails a task that waits for it more than 10 s. With 8 in flight at most 7 wait, which stays
    /// inside that timeout while one allocation takes under 1.4 s; 2 (the first figure) left PVE idle two
    /// thirds of the time (docs/benchmarks.md, lifecycle scenario), as a task runs far longer than its allocation.
    /// </summary>
    public int MaxAllocationsPerStorage { get; init; } = DefaultMaxAllocationsPerStorage;
    /// <summary>
    /// A task still running after this long stops counting against its node's action slots: PVE's lock contention is at
    /// a task's start, and a shutdown waiting out a long spec.shutdown.timeoutSeconds must not hold the node up for others.
    /// </summary>
    public TimeSpan ActionSlotHoldLimit { get; init; } = TimeSpan.FromSeconds(60);
    /// <summary>
    /// How soon a container waiting for a free action slot looks again on its own. Only a safety net: a freed slot
    /// wakes the next waiter at once, so a thousand waiting containers do not poll.
    /// </summary>
    public TimeSpan SlotWaitInterval { get; init; } = TimeSpan.FromMinutes(5);
    /// <summary>After an action this long the cluster snapshot (which lags ~10 s) is confirmed with status/current.</summary>
    public TimeSpan SnapshotLag { get; init; } = TimeSpan.FromSeconds(15);
    /// <summary>A power action whose outcome is unknown is not repeated within this time; the container is re-observed.</summary>
    public TimeSpan UnknownOutcomeHold { get; init; } = TimeSpan.FromSeconds(15);
    /// <summary>Running containers' addresses are refreshed this often (jittered); zero turns the refresh off.</summary>
    public TimeSpan IpRefreshInterval { get; init; } = TimeSpan.FromMinutes(10);
    /// <summary>
    /// At most this many slow address refreshes per provider and minute: with more containers than the interval
    /// allows, each is refreshed every (containers / budget) minutes instead, so steady-state PVE load does not grow
    /// with the number of containers. Reads after a start or during DHCP do not count. Zero removes the cap.
    /// </summary>
    public int IpRefreshBudgetPerMinute { get; init; } = 20;
    /// <summary>
    /// Each container's full config is re-read this often to find drift made in PVE that the cluster snapshot does not
    /// show (memory, disk size, name and tags it does show, for free at every provider sync). A spec change and the
    /// operator's own writes are read at once. Zero turns the periodic read off.
    /// </summary>
    public TimeSpan ConfigRefreshInterval { get; init; } = TimeSpan.FromMinutes(10);
    /// <summary>At most this many periodic config reads per provider and minute (stretching the interval), like addresses.</summary>
    public int ConfigRefreshBudgetPerMinute { get; init; } = 20;
    /// <summary>While a started container has no IPv4 yet (DHCP), look again this often ...</summary>
    public TimeSpan DhcpRetryInterval { get; init; } = TimeSpan.FromSeconds(3);
    /// <summary>... for at most this long after it was seen starting.</summary>
    public TimeSpan DhcpRetryWindow { get; init; } = TimeSpan.FromMinutes(2);
    /// <summary>How soon a container whose provider is not ready looks again (a ready provider also wakes it).</summary>
    public TimeSpan ProviderNotReadyRetry { get; init; } = TimeSpan.FromSeconds(30);
    /// <summary>How soon a container that was not found looks again.</summary>
    public TimeSpan NotFoundRetry { get; init; } = TimeSpan.FromSeconds(30);
    /// <summary>How soon a locked container looks again.</summary>
    public TimeSpan LockedRetry { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// A lock held longer than this is reported as Stalled, with a Warning on how to clear a stale one: backups of big
    /// containers take a while, a lock left by a crashed task stays forever.
    /// </summary>
    public TimeSpan LockStaleAfter { get; init; } = TimeSpan.FromMinutes(30);
    /// <summary>First and longest wait after a failed action; doubles in between.</summary>
    public TimeSpan FailureBackoffBase { get; init; } = TimeSpan.FromSeconds(5);
    public TimeSpan FailureBackoffMax { get; init; } = TimeSpan.FromMinutes(5);
    /// <summary>A safety net: a converged container is looked at again this often even when nothing signalled a change.</summary>
    public TimeSpan ResyncInterval { get; init; } = TimeSpan.FromMinutes(10);
}
