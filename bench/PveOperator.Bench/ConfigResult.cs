namespace PveOperator.Bench;

/// <summary>What one configuration-change run measured: N memory patches until every container is Synced again.</summary>
internal sealed record ConfigResult
{
    public required int Size { get; init; }
    /// <summary>The operator's --max-concurrent-reconciles; null: its default.</summary>
    public int? Reconciles { get; init; }
    public int EffectiveReconciles => Reconciles ?? ConfigSettings.OperatorDefaultReconciles;

    public TimeSpan PhysicalLimit { get; set; }
    public TimeSpan OperatorBound { get; set; }

    /// <summary>From starting the operator to every container Ready and Synced=True (InSync) for its first generation.</summary>
    public TimeSpan InitialSync { get; set; }
    public IReadOnlyDictionary<string, long> InitialByEndpoint { get; set; } = new Dictionary<string, long>();
    /// <summary>Containers whose first sync wrote to PVE (they should all have been in sync already): PUT config requests.</summary>
    public long InitialWrites { get; set; }

    /// <summary>Sending the N merge patches (part of the change time).</summary>
    public TimeSpan PatchTime { get; set; }
    /// <summary>From the first patch sent to the last container Synced=True with observedGeneration = the patched generation.</summary>
    public TimeSpan ChangeTime { get; set; }
    /// <summary>From the first patch sent to the last container showing the new memory in PVE (sampled every 10 ms).</summary>
    public TimeSpan? PveDoneAfter { get; set; }
    /// <summary>Containers whose PVE memory is the new value at the end (should be N).</summary>
    public int ChangedInPve { get; set; }
    public IReadOnlyDictionary<string, long> ChangeByEndpoint { get; set; } = new Dictionary<string, long>();
    public long ChangeRequests { get; set; }
    public double ChangeStatusWrites { get; set; }
    public int MaxInFlightPerNode { get; set; }
    /// <summary>Most daemon requests one node served at once (never above its workers).</summary>
    public int MaxServingPerNode { get; set; }

    public double Ratio => ChangeTime / PhysicalLimit;
    public double OperatorRatio => ChangeTime / OperatorBound;
}
