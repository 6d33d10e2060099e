namespace PveOperator.Bench;

/// <summary>The second cold convergence of a size, with the operator inside a memory cgroup (a pod's memory limit).</summary>
internal sealed record MemoryLimitedResult
{
    public required int LimitMiB { get; init; }

    /// <summary>Why the pass could not run here (no cgroup could be made); null when it ran.</summary>
    public string? Skipped { get; init; }

    /// <summary>Operator start → all Ready; null when it did not converge (killed, or timed out).</summary>
    public TimeSpan? Convergence { get; set; }

    public long PeakRssBytes { get; set; }

    /// <summary>The cgroup's own peak charge (page cache included).</summary>
    public long CgroupPeakBytes { get; set; }

    public long LimitHits { get; set; }

    public long OomKills { get; set; }

    /// <summary>The operator's exit code when it died during the pass (137: SIGKILL, as the OOM killer sends).</summary>
    public int? ExitCode { get; set; }
}
