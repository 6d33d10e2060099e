namespace PveOperator.Proxmox;

/// <summary>
/// The Proxmox VE API as the operator uses it, for one cluster (one provider). Every failure is a
/// <see cref="PveApiException"/> with a <see cref="PveErrorKind"/>; cancelling the token gives an
/// <see cref="OperationCanceledException"/>. Reads are retried on transient failures; power actions never are:
/// when their outcome is unknown the exception says so (<see cref="PveApiException.OutcomeUnknown"/>) and the caller
/// re-observes the container.
/// </summary>
public interface IPveClient : IDisposable
{
    /// <summary>The nodes discovered by <see cref="InitializeAsync"/> (empty before).</summary>
    PveNodePool Nodes { get; }

    /// <summary>The result of the last successful <see cref="InitializeAsync"/>, null before.</summary>
    PveClusterInfo? ClusterInfo { get; }

    /// <summary>
    /// GET /version and GET /cluster/status within the init timeout, then fills <see cref="Nodes"/>. Can be called
    /// again to refresh. Fails with "timeout fetching proxmox cluster info" or "failed to fetch proxmox cluster
    /// info: ..." (the original failure is the inner exception; kind and status are kept).
    /// </summary>
    Task<PveClusterInfo> InitializeAsync(CancellationToken cancellationToken = default);

    /// <summary>GET /version.</summary>
    Task<PveVersion> GetVersionAsync(CancellationToken cancellationToken = default);

    /// <summary>
    /// GET /access/permissions for the caller: path → privileges held there. Null when the client cannot tell (the
    /// default, for clients without the call).
    /// </summary>
    Task<IReadOnlyDictionary<string, IReadOnlySet<string>>?> GetPermissionsAsync(CancellationToken cancellationToken = default) =>
        Task.FromResult<IReadOnlyDictionary<string, IReadOnlySet<string>>?>(null);

    /// <summary>GET /cluster/status (needs Sys.Audit on /).</summary>
    Task<IReadOnlyList<PveClusterStatusEntry>> GetClusterStatusAsync(CancellationToken cancellationToken = default);

    /// <summary>
    /// GET /cluster/resources?type=vm, containers only: the node, status, lock, name and HA state of every CT in one
    /// call. The data lags up to ~10 s behind reality.
    /// </summary>
    Task<IReadOnlyList<PveClusterResource>> GetClusterResourcesAsync(CancellationToken cancellationToken = default);

    /// <summary>GET /nodes.</summary>
    Task<IReadOnlyList<PveNodeSummary>> GetNodesAsync(CancellationToken cancellationToken = default);

    /// <summary>GET /nodes/{node}/lxc.</summary>
    Task<IReadOnlyList<PveContainerSummary>> GetContainersAsync(string node, CancellationToken cancellationToken = default);

    /// <summary>GET /nodes/{node}/lxc/{vmid}/status/current: live status and HA state.</summary>
    Task<PveContainerStatus> GetContainerStatusAsync(string node, int vmid, CancellationToken cancellationToken = default);

    /// <summary>POST .../status/start. A running CT fails with <see cref="PveErrorKind.AlreadyInState"/>.</summary>
    Task<Upid> StartContainerAsync(string node, int vmid, CancellationToken cancellationToken = default);

    /// <summary>POST .../status/stop: immediate kill. A stopped CT fails with <see cref="PveErrorKind.AlreadyInState"/>.</summary>
    Task<Upid> StopContainerAsync(string node, int vmid, CancellationToken cancellationToken = default);

    /// <summary>
    /// POST .../status/shutdown: clean shutdown, waiting <paramref name="timeoutSeconds"/> (PVE default 60); past
    /// it the task fails, or with <paramref name="forceStop"/> the CT is killed.
    /// </summary>
    Task<Upid> ShutdownContainerAsync(string node, int vmid, int? timeoutSeconds = null, bool forceStop = false,
        CancellationToken cancellationToken = default);

    /// <summary>POST .../status/reboot (shutdown with <paramref name="timeoutSeconds"/>, then start).</summary>
    Task<Upid> RebootContainerAsync(string node, int vmid, int? timeoutSeconds = null,
        CancellationToken cancellationToken = default);

    /// <summary>GET /nodes/{upid.Node}/tasks/{upid}/status: asked on the node named in the UPID.</summary>
    Task<PveTaskStatus> GetTaskStatusAsync(Upid upid, CancellationToken cancellationToken = default);

    /// <summary>GET /nodes/{node}/lxc/{vmid}/config (current values, netN parsed).</summary>
    Task<PveContainerConfig> GetContainerConfigAsync(string node, int vmid, CancellationToken cancellationToken = default);

    /// <summary>
    /// GET /nodes/{node}/lxc/{vmid}/interfaces (PVE 8.1+): null for a stopped CT. Before PVE 8.1 the endpoint does
    /// not exist: a <see cref="PveApiException"/> with status 501.
    /// </summary>
    Task<IReadOnlyList<PveContainerInterface>?> GetContainerInterfacesAsync(string node, int vmid,
        CancellationToken cancellationToken = default);

    /// <summary>
    /// The CT's reachable addresses: live ones from /interfaces when it runs and reports some, otherwise the static
    /// ip=/ip6= of its netN config (dhcp, auto and manual give none). Loopback and link-local are dropped.
    /// </summary>
    Task<PveContainerAddresses> GetContainerAddressesAsync(string node, int vmid, CancellationToken cancellationToken = default);
}
