namespace PveOperator.Bench;

/// <summary>
/// The lifecycle scenario: N LxcContainers created from a template (no spec.vmid, the provider's vmidRange,
/// deletionPolicy Delete), then all deleted again. The simulator's capacity (nodes, parallel tasks per node, the
/// allocation lock per storage) gives the physical limit the operator is compared with; bench/NOTES.md says why
/// these durations.
/// </summary>
internal sealed record LifecycleSettings
{
    public required IReadOnlyList<int> Sizes { get; init; }
    public int Nodes { get; init; } = 3;
    /// <summary>The storages the root disks go to, round-robin (shared LVM: one cluster-wide allocation lock each, as in PVE).</summary>
    public IReadOnlyList<string> Storages { get; init; } = ["san-a", "san-b"];
    /// <summary>What a vzcreate/vzdestroy does after its allocation: extracting the template (create), the config cleanup (destroy).</summary>
    public TimeSpan TaskDuration { get; init; } = TimeSpan.FromSeconds(2);
    /// <summary>How long allocating (or freeing) one root disk holds its storage's lock.</summary>
    public TimeSpan StorageAllocation { get; init; } = TimeSpan.FromMilliseconds(250);
    /// <summary>How long a task waits for a storage lock before failing with PVE's "got timeout" (pve-storage: 10 s).</summary>
    public TimeSpan StorageLockTimeout { get; init; } = TimeSpan.FromSeconds(10);
    /// <summary>The simulator's tasks per node at once (as in the power scenario).</summary>
    public int ParallelTasksPerNode { get; init; } = 4;
    public int DaemonWorkers { get; init; } = 3;
    public TimeSpan ResourcesRefresh { get; init; } = TimeSpan.FromSeconds(10);
    public TimeSpan SyncInterval { get; init; } = TimeSpan.FromSeconds(30);
    /// <summary>Parallel create/delete requests to the API server.</summary>
    public int RequestParallelism { get; init; } = 16;
    public string Template { get; init; } = "local:vztmpl/debian-12-standard_12.7-1_amd64.tar.zst";
    public int VmidMin { get; init; } = 10000;
    public int VmidMax { get; init; } = 19999;

    /// <summary>The operator's default --max-allocations-per-storage (ContainerControllerSettings.DefaultMaxAllocationsPerStorage).</summary>
    public const int OperatorDefaultAllocations = 8;

    /// <summary>
    /// The operator's --max-allocations-per-storage for each run: null is its default (8). `--lifecycle-allocations
    /// default,2` adds the conservative setting for slow storages, to show what it costs.
    /// </summary>
    public IReadOnlyList<int?> AllocationLimits => AllocationLimitsOverride ?? [null];

    /// <summary>--lifecycle-allocations: the runs' limits instead (null entries: the operator's default).</summary>
    public IReadOnlyList<int?>? AllocationLimitsOverride { get; init; }

    /// <summary>ceil(nodes × parallel tasks / storages): as many creates per storage as the nodes can run at once.</summary>
    public int WideAllocationLimit => (int)Math.Ceiling(Nodes * ParallelTasksPerNode / (double)Storages.Count);

    /// <summary>
    /// The storage bound: the busiest storage's ceil(N / storages) allocations one after another under its lock, and the
    /// last one's task after it: ceil(N/S) × allocation + task.
    /// </summary>
    public TimeSpan StorageBound(int size) => StorageAllocation * Math.Ceiling(size / (double)Storages.Count) + TaskDuration;

    /// <summary>
    /// The node bound: every task holds one of its node's parallel places for at least allocation + task, so the
    /// nodes run ceil(N / (nodes × parallel)) rounds of that.
    /// </summary>
    public TimeSpan NodeBound(int size) => (StorageAllocation + TaskDuration) * Math.Ceiling(size / (double)(Nodes * ParallelTasksPerNode));

    /// <summary>No client can create (or destroy) N containers on this simulator faster than the larger of the two bounds.</summary>
    public TimeSpan PhysicalLimit(int size) => StorageBound(size) > NodeBound(size) ? StorageBound(size) : NodeBound(size);

    /// <summary>
    /// What the operator's own per-storage limit k allows: k tasks per storage at once, each at least allocation +
    /// task long, ceil(N / (S × k)) rounds (never below the physical limit).
    /// </summary>
    public TimeSpan ThrottleBound(int size, int perStorage)
    {
        var bound = (StorageAllocation + TaskDuration) * Math.Ceiling(size / (double)(Storages.Count * perStorage));
        return bound > PhysicalLimit(size) ? bound : PhysicalLimit(size);
    }

    /// <summary>Upper bound on each phase before the run gives up: generous, it only catches a hang.</summary>
    public TimeSpan PhaseTimeout(int size) => TimeSpan.FromMinutes(2) + ThrottleBound(size, 1) * 4;
}
