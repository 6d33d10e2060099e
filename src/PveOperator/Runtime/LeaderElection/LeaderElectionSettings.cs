namespace PveOperator.Runtime;

/// <summary>
/// Leader election through a coordination.k8s.io Lease: only the replica holding it runs controllers.
/// The timings are client-go's defaults.
/// </summary>
internal sealed record LeaderElectionSettings(string LeaseNamespace, string LeaseName)
{
    /// <summary>This replica's name in the Lease; host name plus a random suffix by default.</summary>
    public string Identity { get; init; } = $"{Environment.MachineName}_{Guid.NewGuid():N}";

    /// <summary>How long others wait after the last renewal before they take over.</summary>
    public TimeSpan LeaseDuration { get; init; } = TimeSpan.FromSeconds(15);

    /// <summary>How long the leader keeps trying to renew before it gives up leading.</summary>
    public TimeSpan RenewDeadline { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>How often candidates try to acquire and the leader renews.</summary>
    public TimeSpan RetryPeriod { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>
    /// On a graceful shutdown, empty the Lease so that another replica takes over at once instead of
    /// waiting for it to expire (controller-runtime's LeaderElectionReleaseOnCancel).
    /// </summary>
    public bool ReleaseOnCancel { get; init; } = true;
}
