namespace PveOperator.Bench;

/// <summary>
/// The configuration-change scenario: N running containers with a full spec, converged and Synced; then
/// spec.resources.memory patched on all N at once, timed until every one is Synced=True for its new generation. The
/// simulator's daemon slots per node and its per-request time give the physical limit (bench/NOTES.md says why these).
/// </summary>
internal sealed record ConfigSettings
{
    public required IReadOnlyList<int> Sizes { get; init; }
    public int Nodes { get; init; } = 3;
    /// <summary>pvedaemon workers per node: daemon requests one node serves at once (the simulator's per-node request slots).</summary>
    public int DaemonWorkers { get; init; } = 3;
    /// <summary>
    /// How long the simulator takes for each request, holding its node's daemon slot (its fault injection's added
    /// latency): a stand-in for pvedaemon's own time per call. Without it the simulator answers in well under a
    /// millisecond and no limit would be physical.
    /// </summary>
    public TimeSpan RequestTime { get; init; } = TimeSpan.FromMilliseconds(100);
    /// <summary>Daemon requests each changed container needs: GET pending (values, digest), PUT config, GET pending (verify).</summary>
    public int RequestsPerChange { get; init; } = 3;
    /// <summary>The operator's client cap: requests in flight per node (the operator's default).</summary>
    public const int OperatorRequestsPerNode = 2;
    /// <summary>The operator's default --max-concurrent-reconciles.</summary>
    public const int OperatorDefaultReconciles = 4;
    public TimeSpan TaskDuration { get; init; } = TimeSpan.FromMilliseconds(500);
    public int ParallelTasksPerNode { get; init; } = 4;
    public TimeSpan ResourcesRefresh { get; init; } = TimeSpan.FromSeconds(5);
    public TimeSpan SyncInterval { get; init; } = TimeSpan.FromSeconds(10);
    /// <summary>Quiet time after all are Synced before the patch (the start-up round and the first snapshot pass).</summary>
    public TimeSpan Settle { get; init; } = TimeSpan.FromSeconds(10);
    /// <summary>Parallel PATCH (and create) requests to the API server.</summary>
    public int RequestParallelism { get; init; } = 16;
    /// <summary>spec.resources.memory before and after the patch.</summary>
    public int MemoryBeforeMb { get; init; } = FullSpec.MemoryMb;
    public int MemoryAfterMb { get; init; } = 1024;

    /// <summary>The operator's --max-concurrent-reconciles per run: null is its default (4).</summary>
    public IReadOnlyList<int?> Reconciles => ReconcilesOverride ?? [null];
    public IReadOnlyList<int?>? ReconcilesOverride { get; init; }

    /// <summary>Containers on the busiest node (round-robin placement).</summary>
    public int BusiestNode(int size) => (int)Math.Ceiling(size / (double)Nodes);

    /// <summary>
    /// No client can change N containers faster on this simulator: the busiest node serves its
    /// containers × requests-per-change requests through its daemon slots, each holding one for the request time,
    /// ceil(requests / slots) rounds; and one container's requests follow each other (at least requests-per-change ×
    /// request time). The nodes work in parallel, so the limit is the busiest node's, not a sum.
    /// </summary>
    public TimeSpan PhysicalLimit(int size) => Max(
        RequestTime * Math.Ceiling(BusiestNode(size) * RequestsPerChange / (double)DaemonWorkers),
        RequestTime * RequestsPerChange);

    /// <summary>What the operator's own caps allow: 2 requests in flight per node, and its reconcile workers (each holds a container's requests in sequence).</summary>
    public TimeSpan OperatorBound(int size, int reconciles) => Max(Max(
        RequestTime * Math.Ceiling(BusiestNode(size) * RequestsPerChange / (double)OperatorRequestsPerNode),
        RequestTime * Math.Ceiling(size / (double)reconciles) * RequestsPerChange), PhysicalLimit(size));

    /// <summary>Upper bound on each wait before the run gives up: generous, it only catches a hang.</summary>
    public TimeSpan Timeout(int size) => TimeSpan.FromMinutes(2) + OperatorBound(size, 1) * 2;

    private static TimeSpan Max(TimeSpan a, TimeSpan b) => a > b ? a : b;
}
