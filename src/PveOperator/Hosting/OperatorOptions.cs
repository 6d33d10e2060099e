namespace PveOperator.Hosting;

/// <summary>Process-level settings, from controller-runtime style flags.</summary>
public sealed record OperatorOptions
{
    public bool LeaderElect { get; init; }
    public string LeaderElectionNamespace { get; init; } = "pve-system";
    public string LeaderElectionId { get; init; } = "pve-operator-leader";
    /// <summary>"host:port" or ":port"; "0" turns the endpoint off.</summary>
    public string MetricsBindAddress { get; init; } = ":8080";
    public string HealthProbeBindAddress { get; init; } = ":8081";
    public int MaxConcurrentReconciles { get; init; } = 4;
    /// <summary>
    /// The namespace whose Secrets are watched, so a rotated token takes effect at once. Providers may name
    /// Secrets elsewhere if the operator is granted read access there; those are re-read at each sync.
    /// </summary>
    public string SecretNamespace { get; init; } = Environment.GetEnvironmentVariable("POD_NAMESPACE") is { Length: > 0 } ns ? ns : "pve-system";

    /// <summary>Slow address refreshes per provider and minute at most; null keeps the controller's default.</summary>
    public int? IpRefreshPerMinute { get; init; }

    /// <summary>How long a container lock may last before it is reported as possibly stale; null keeps the default (30 min).</summary>
    public TimeSpan? LockStaleAfter { get; init; }
    public TimeSpan? ConfigRefreshInterval { get; init; }
    public int? ConfigRefreshPerMinute { get; init; }

    /// <summary>Creates, clones and destroys in flight per PVE storage; null keeps the default (8).</summary>
    public int? MaxAllocationsPerStorage { get; init; }
    public bool JsonLogs { get; init; }
    /// <summary>
    /// Whether a provider may set tls.insecureSkipVerify. Off, such a provider is refused: an unverified endpoint
    /// would receive the token or password from whoever can redirect the traffic.
    /// </summary>
    public bool AllowInsecureTls { get; init; }
    /// <summary>How long a PVE login ticket is used before it is renewed (PVE: 2 h lifetime). Not a flag: tests shorten it.</summary>
    public TimeSpan TicketRenewAfter { get; init; } = PveOperator.Proxmox.PveClientSettings.DefaultTicketRenewAfter;
    /// <summary>The shortest spec.syncInterval accepted (--min-sync-interval); tests that need quick syncs lower it.</summary>
    public TimeSpan MinSyncInterval { get; init; } = PveOperator.Entities.ProxmoxProviderSpec.MinSyncInterval;
    public string LogLevel { get; init; } = "Information";
    /// <summary>Path to a kubeconfig; null uses KUBECONFIG, then ~/.kube/config, then in-cluster.</summary>
    public string? Kubeconfig { get; init; }
}
