using Prometheus;

namespace PveOperator.Runtime;

internal sealed record ControllerManagerOptions
{
    /// <summary>Null: every replica runs controllers (fine for one replica); otherwise only the leader.</summary>
    public LeaderElectionSettings? LeaderElection { get; init; }

    /// <summary>Where namespaced kinds are watched; null for all namespaces.</summary>
    public string? WatchNamespace { get; init; }

    /// <summary>Where metrics go; tests pass their own to stay isolated.</summary>
    public CollectorRegistry MetricsRegistry { get; init; } = Metrics.DefaultRegistry;

    public InformerOptions Informers { get; init; } = new();

    public EventRecorderOptions Events { get; init; } = new();
}
