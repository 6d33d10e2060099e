namespace PveOperator.Bench;

/// <summary>Everything measured at one size N.</summary>
internal sealed record SizeResult
{
    public required int Size { get; init; }

    /// <summary>ProxmoxProviders (simulated clusters) the containers are spread over.</summary>
    public int Providers { get; init; } = 1;
    public TimeSpan CreateTime { get; set; }

    // Start-up and cold convergence.
    public TimeSpan FirstReconcile { get; set; }
    public TimeSpan FirstContainerReconcile { get; set; }
    public TimeSpan Convergence { get; set; }
    public TimeSpan PhysicalLimit { get; set; }
    public int LockTimeoutFailures { get; set; }
    public int FailedTasks { get; set; }
    public long ConvergenceRequests { get; set; }
    public IReadOnlyDictionary<string, long> ConvergenceByEndpoint { get; set; } = new Dictionary<string, long>();
    public int ConvergenceMaxInFlightPerNode { get; set; }
    public double ConvergenceStatusWrites { get; set; }
    public TimeSpan ConvergenceCpu { get; set; }
    public long PeakRssBytes { get; set; }

    // Steady state.
    public TimeSpan SteadyWindow { get; set; }
    public IReadOnlyDictionary<string, long> SteadyByEndpoint { get; set; } = new Dictionary<string, long>();
    public double SteadyPerMinute { get; set; }
    public double SteadyPerContainerPerMinute { get; set; }
    public double BaselinePerMinute { get; set; }
    public int SteadyMaxInFlightPerNode { get; set; }
    public double SteadyContainerStatusWrites { get; set; }
    public double SteadyProviderStatusWrites { get; set; }
    public long SteadyWatchModified { get; set; }
    public double SteadyKubernetesRequestsPerMinute { get; set; }
    /// <summary>API server requests in the steady window by "VERB resource[/subresource]" (WATCH left out).</summary>
    public IReadOnlyDictionary<string, double> SteadyKubernetes { get; set; } = new Dictionary<string, double>();
    /// <summary>Containers Synced=True for their current generation at the end of the steady window.</summary>
    public int SteadySynced { get; set; }
    public long IdleRssBytes { get; set; }
    public (long Anon, long File, long Shmem) IdleRssParts { get; set; }
    public double IdleCpuPercent { get; set; }

    // Reaction.
    public IReadOnlyList<double> ReactionMs { get; set; } = [];
    public int ReactionTimeouts { get; set; }

    // Leader failover (when measured).
    public TimeSpan? Failover { get; set; }
    public double? FailoverStatusWrites { get; set; }
    public long? FailoverRequests { get; set; }

    // The cold convergence again inside a memory cgroup (when measured at this size).
    public MemoryLimitedResult? MemoryLimited { get; set; }

    public int MaxInFlightOverall => Math.Max(ConvergenceMaxInFlightPerNode, SteadyMaxInFlightPerNode);

    public double Percentile(double p)
    {
        if (ReactionMs.Count == 0)
        {
            return double.NaN;
        }

        var sorted = ReactionMs.Order().ToArray();
        var rank = (int)Math.Ceiling(p / 100 * sorted.Length) - 1;
        return sorted[Math.Clamp(rank, 0, sorted.Length - 1)];
    }
}
