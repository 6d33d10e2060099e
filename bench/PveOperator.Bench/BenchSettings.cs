namespace PveOperator.Bench;

/// <summary>What one benchmark run does: sizes, simulator capacity, timings and windows.</summary>
internal sealed record BenchSettings
{
    public required string Mode { get; init; }
    public required IReadOnlyList<int> Sizes { get; init; }
    public int Nodes { get; init; } = 3;
    /// <summary>How long a vzstart/vzshutdown task runs in the simulator.</summary>
    public TimeSpan TaskDuration { get; init; } = TimeSpan.FromSeconds(2);
    /// <summary>The simulator's per-node limit on parallel tasks (equal to the operator's default action slots).</summary>
    public int ParallelTasksPerNode { get; init; } = 4;
    /// <summary>pvedaemon workers per node.</summary>
    public int DaemonWorkers { get; init; } = 3;
    /// <summary>How often the simulator refreshes /cluster/resources (pvestatd: ~10 s).</summary>
    public TimeSpan ResourcesRefresh { get; init; } = TimeSpan.FromSeconds(10);
    /// <summary>The ProxmoxProvider's spec.syncInterval.</summary>
    public TimeSpan SyncInterval { get; init; } = TimeSpan.FromSeconds(30);
    /// <summary>Quiet time after convergence before the steady-state window (lets the last snapshot round pass).</summary>
    public TimeSpan Settle { get; init; } = TimeSpan.FromSeconds(45);
    /// <summary>Steady-state window per size (the largest window goes to the size named by <see cref="LongWindowSize"/>).</summary>
    public TimeSpan SteadyWindow { get; init; } = TimeSpan.FromMinutes(2);
    public TimeSpan LongSteadyWindow { get; init; } = TimeSpan.FromMinutes(5);
    public int LongWindowSize { get; init; } = 1000;
    /// <summary>Power-state flips timed per size.</summary>
    public int Flips { get; init; } = 100;
    /// <summary>Flips in flight at once per node (each waits for its container to settle before the next).</summary>
    public int FlipPipelinesPerNode { get; init; } = 2;
    /// <summary>Sizes at which a leader-election failover is timed.</summary>
    public IReadOnlySet<int> FailoverSizes { get; init; } = new HashSet<int>();
    /// <summary>Upper bound on cold convergence before the run gives up on a size: generous, it only catches a hang.</summary>
    public TimeSpan ConvergenceTimeout(int size) => TimeSpan.FromMinutes(2) + PhysicalLimit(size) * 8;
    /// <summary>Parallel create requests to the API server.</summary>
    public int CreateParallelism { get; init; } = 16;

    public TimeSpan WindowFor(int size) => size == LongWindowSize ? LongSteadyWindow : SteadyWindow;

    /// <summary>ceil(N / (providers × nodes × parallel tasks)) × task duration: no client can start N containers faster.</summary>
    public TimeSpan PhysicalLimit(int size) =>
        TaskDuration * Math.Ceiling(size / (double)(ProvidersAt(size) * Nodes * ParallelTasksPerNode));

    /// <summary>--providers: every size over this many ProxmoxProviders (one simulated cluster each).</summary>
    public int? ProvidersOverride { get; init; }

    /// <summary>How many providers the N containers are spread over: 10 from N=10,000 on (issue 13), else one.</summary>
    public int ProvidersAt(int size) => ProvidersOverride ?? (size >= 10_000 ? 10 : 1);

    /// <summary>Sizes that also converge once more with the operator inside a memory cgroup of <see cref="MemoryLimitMiB"/>.</summary>
    public IReadOnlySet<int> MemoryLimitSizes { get; init; } = new HashSet<int>();

    /// <summary>The memory limit most operator charts set (and ours: charts/pve-operator values.yaml).</summary>
    public int MemoryLimitMiB { get; init; } = 128;

    /// <summary>
    /// Every container of the power scenario declares a full configuration (<see cref="Bench.FullSpec"/>) that matches
    /// its container in the simulator, so steady state includes keeping it in sync; false (--spec minimal): only
    /// providerRef, vmid and powerState, as before issue 11.
    /// </summary>
    public bool FullSpec { get; init; } = true;

    /// <summary>Which scenarios run: "power" (the cold convergence, steady state and reaction above), "lifecycle" and "config".</summary>
    public IReadOnlySet<string> Scenarios { get; init; } = new HashSet<string>(StringComparer.Ordinal) { "power", "lifecycle", "config" };

    /// <summary>The configuration-change scenario (memory patched on N containers until all are Synced again).</summary>
    public ConfigSettings Config { get; init; } = new() { Sizes = [100] };

    /// <summary>The lifecycle scenario (create N from a template, destroy them again): its sizes and simulator.</summary>
    public LifecycleSettings Lifecycle { get; init; } = new() { Sizes = [1000] };

    public static BenchSettings Quick() => new()
    {
        Mode = "quick",
        Sizes = [100],
        TaskDuration = TimeSpan.FromMilliseconds(500),
        ResourcesRefresh = TimeSpan.FromSeconds(5),
        SyncInterval = TimeSpan.FromSeconds(10),
        Settle = TimeSpan.FromSeconds(20),
        SteadyWindow = TimeSpan.FromSeconds(30),
        LongSteadyWindow = TimeSpan.FromSeconds(30),
        Flips = 60,
        Lifecycle = new LifecycleSettings { Sizes = [100], ResourcesRefresh = TimeSpan.FromSeconds(5), SyncInterval = TimeSpan.FromSeconds(10) },
    };

    public static BenchSettings Full() => new()
    {
        Mode = "full",
        Sizes = [100, 1000, 3000, 10_000],
        FailoverSizes = new HashSet<int> { 1000 },
        MemoryLimitSizes = new HashSet<int> { 10_000 },
    };
}
