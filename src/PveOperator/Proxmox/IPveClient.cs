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

    /// <summary>
    /// GET /nodes/{node}/lxc/{vmid}/config: with <paramref name="current"/> the values in effect, otherwise (PVE's
    /// default) with pending values merged in. Every key as text, plus the digest for <see cref="UpdateContainerConfigAsync"/>.
    /// </summary>
    Task<PveContainerConfigValues> GetContainerConfigValuesAsync(string node, int vmid, bool current = false,
        CancellationToken cancellationToken = default);

    /// <summary>GET /nodes/{node}/lxc/{vmid}/pending: every key with its value in effect and what waits for the next start.</summary>
    Task<IReadOnlyList<PvePendingEntry>> GetContainerPendingAsync(string node, int vmid, CancellationToken cancellationToken = default);

    /// <summary>
    /// PUT /nodes/{node}/lxc/{vmid}/config: synchronous, nothing returned. <paramref name="digest"/> (from a config
    /// read) makes PVE refuse the write when the config changed since: <see cref="PveErrorKind.DigestMismatch"/>.
    /// A running CT applies some keys at once and leaves others pending (read <see cref="GetContainerPendingAsync"/>).
    /// </summary>
    Task UpdateContainerConfigAsync(string node, int vmid, IReadOnlyDictionary<string, string> values,
        IReadOnlyCollection<string>? keysToDelete = null, string? digest = null, CancellationToken cancellationToken = default);

    /// <summary>
    /// PUT /nodes/{node}/lxc/{vmid}/resize, task "resize". <paramref name="size"/> is PVE's: "16G" absolute, "+2G"
    /// relative, a bare number in bytes. A smaller size fails with <see cref="PveErrorKind.CannotShrink"/>.
    /// </summary>
    Task<Upid> ResizeContainerDiskAsync(string node, int vmid, string disk, string size, string? digest = null,
        CancellationToken cancellationToken = default);

    /// <summary>
    /// POST /nodes/{node}/lxc/{vmid}/migrate, task vzmigrate (hamigrate for HA-managed CTs). A running CT needs
    /// <paramref name="restart"/>: containers cannot live-migrate.
    /// </summary>
    Task<Upid> MigrateContainerAsync(string node, int vmid, string target, bool restart = false, int? timeoutSeconds = null,
        CancellationToken cancellationToken = default);

    /// <summary>
    /// POST /nodes/{node}/lxc, task vzcreate. A taken vmid fails at once with <see cref="PveErrorKind.AlreadyExists"/>;
    /// the CT exists (locked "create") as soon as the UPID is returned. Never retried.
    /// </summary>
    Task<Upid> CreateContainerAsync(string node, PveContainerCreateRequest request, CancellationToken cancellationToken = default);

    /// <summary>POST /nodes/{node}/lxc/{vmid}/clone, task vzclone; the UPID names the source vmid.</summary>
    Task<Upid> CloneContainerAsync(string node, int vmid, PveContainerCloneRequest request, CancellationToken cancellationToken = default);

    /// <summary>
    /// POST /nodes/{node}/lxc/{vmid}/template. PVE answers nothing and converts in a vztemplate task whose UPID it
    /// does not return: poll the config's "template" key.
    /// </summary>
    Task ConvertContainerToTemplateAsync(string node, int vmid, CancellationToken cancellationToken = default);

    /// <summary>
    /// DELETE /nodes/{node}/lxc/{vmid}, task vzdestroy. <paramref name="purge"/> also removes the CT from HA, backup
    /// and replication jobs; <paramref name="destroyUnreferencedDisks"/> frees every volume carrying its vmid.
    /// </summary>
    Task<Upid> DestroyContainerAsync(string node, int vmid, bool purge = true, bool destroyUnreferencedDisks = true, bool force = false,
        CancellationToken cancellationToken = default);

    /// <summary>
    /// GET /cluster/nextid: the lowest free vmid, or with <paramref name="vmid"/> that id if it is free (taken: a
    /// <see cref="PveErrorKind.Validation"/> error). Nothing is reserved: a create may still find it taken.
    /// </summary>
    Task<int> GetNextVmidAsync(int? vmid = null, CancellationToken cancellationToken = default);

    /// <summary>GET /nodes/{node}/storage, optionally only enabled storages holding <paramref name="content"/> (e.g. "rootdir").</summary>
    Task<IReadOnlyList<PveStorage>> GetStoragesAsync(string node, string? content = null, CancellationToken cancellationToken = default);

    /// <summary>GET /nodes/{node}/storage/{storage}/content?content=...: e.g. the vztmpl archives of a storage.</summary>
    Task<IReadOnlyList<PveStorageVolume>> GetStorageContentAsync(string node, string storage, string? content = "vztmpl",
        CancellationToken cancellationToken = default);
}
