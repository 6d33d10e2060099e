namespace PveOperator.Bench;

/// <summary>What one lifecycle run measured: N creates from a template, then N destroys.</summary>
internal sealed record LifecycleResult
{
    public required int Size { get; init; }
    /// <summary>The operator's --max-allocations-per-storage; null: its default.</summary>
    public int? AllocationLimit { get; init; }
    public int EffectiveAllocationLimit => AllocationLimit ?? LifecycleSettings.OperatorDefaultAllocations;

    public TimeSpan PhysicalLimit { get; set; }
    public TimeSpan StorageBound { get; set; }
    public TimeSpan NodeBound { get; set; }
    public TimeSpan ThrottleBound { get; set; }

    /// <summary>Writing the N LxcContainers to the API server (part of the create time).</summary>
    public TimeSpan ApplyTime { get; set; }
    /// <summary>From the first create request to the last container Ready (stopped, as desired).</summary>
    public TimeSpan CreateTime { get; set; }
    public IReadOnlyDictionary<string, long> CreateByEndpoint { get; set; } = new Dictionary<string, long>();
    public long CreateRequests { get; set; }
    public double CreateStatusWrites { get; set; }
    public TaskFailures CreateFailures { get; set; } = new(0, 0, 0);
    public long CreateTasks { get; set; }

    /// <summary>From the first delete request to the last LxcContainer gone (its finalizer released after the destroy).</summary>
    public TimeSpan DestroyTime { get; set; }
    public IReadOnlyDictionary<string, long> DestroyByEndpoint { get; set; } = new Dictionary<string, long>();
    public long DestroyRequests { get; set; }
    public TaskFailures DestroyFailures { get; set; } = new(0, 0, 0);
    public long DestroyTasks { get; set; }
    /// <summary>Containers still in the simulator after every resource is gone (should be none).</summary>
    public int LeftInPve { get; set; }

    public int MaxInFlightPerNode { get; set; }
    /// <summary>The most vzcreate/vzdestroy tasks seen running at once in PVE (sampled every 250 ms), all storages together.</summary>
    public int MaxConcurrentTasks { get; set; }
    /// <summary>When the last vzcreate (vzdestroy) task was seen running, from the phase's first request: PVE's side of the phase.</summary>
    public TimeSpan? CreateTasksDoneAfter { get; set; }
    public TimeSpan? DestroyTasksDoneAfter { get; set; }
    /// <summary>Tasks in PVE on average while the phase's tasks ran (nodes × parallel would keep every node busy).</summary>
    public double CreateMeanTasks { get; set; }
    public double DestroyMeanTasks { get; set; }

    public double CreateRatio => CreateTime / PhysicalLimit;
    public double DestroyRatio => DestroyTime / PhysicalLimit;
}

/// <summary>Failed tasks of one type: on a storage lock timeout, on any other error, and all tasks of that type.</summary>
internal sealed record TaskFailures(int LockTimeouts, int Other, int Total);
