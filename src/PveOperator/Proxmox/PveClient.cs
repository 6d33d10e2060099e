using System.Globalization;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace PveOperator.Proxmox;

/// <summary>The PVE API client of one provider. Owns one HTTP connection pool; dispose it with the provider.</summary>
public sealed class PveClient : IPveClient
{
    /// <summary>PVE's vmid range.</summary>
    private const int MinVmid = 100, MaxVmid = 999_999_999;

    private readonly PveApiTransport transport;
    private readonly ILogger logger;
    private PveClusterInfo? clusterInfo;
    // Set after a 501 from /interfaces (PVE 7): the config is then the only address source. Reset by init,
    // because the node we talk to may have been upgraded.
    private volatile bool interfacesNotImplemented;

    /// <exception cref="ArgumentException">The settings are invalid (the message lists every problem).</exception>
    /// <param name="metrics">Where its requests are counted; without it they go to a registry nobody serves.</param>
    public PveClient(PveClientSettings settings, ILogger<PveClient>? logger = null, PveMetrics? metrics = null)
        : this(settings, logger ?? (ILogger)NullLogger.Instance, handlerForTests: null, metrics)
    {
    }

    internal PveClient(PveClientSettings settings, ILogger logger, HttpMessageHandler? handlerForTests, PveMetrics? metrics = null)
    {
        Settings = settings;
        this.logger = logger;
        transport = new PveApiTransport(settings, logger, handlerForTests, metrics);
    }

    public PveClientSettings Settings { get; }

    public PveNodePool Nodes { get; } = new();

    public PveClusterInfo? ClusterInfo => Volatile.Read(ref clusterInfo);

    public async Task<PveClusterInfo> InitializeAsync(CancellationToken cancellationToken = default)
    {
        using var initBudget = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        initBudget.CancelAfter(Settings.InitTimeout);
        try
        {
            var version = await GetVersionAsync(initBudget.Token).ConfigureAwait(false);
            var status = await GetClusterStatusAsync(initBudget.Token).ConfigureAwait(false);
            var info = PveClusterInfo.From(version, status);
            Nodes.ReplaceAll(info.Nodes);
            interfacesNotImplemented = false;
            Volatile.Write(ref clusterInfo, info);
            PveClientLog.Initialized(logger, Settings.Url, info.Name, info.IsStandalone, version.Version,
                Nodes.AvailableNodeNames);
            return info;
        }
        catch (OperationCanceledException ex) when (!cancellationToken.IsCancellationRequested)
        {
            throw new PveApiException(PveErrorKind.Transient, "timeout fetching proxmox cluster info", ex) { IsTimeout = true };
        }
        catch (PveApiException ex) when (ex.IsTimeout)
        {
            throw ex.WithContext("timeout fetching proxmox cluster info");
        }
        catch (PveApiException ex)
        {
            throw ex.WithContext($"failed to fetch proxmox cluster info: {ex.Message}");
        }
    }

    public async Task<IReadOnlyDictionary<string, IReadOnlySet<string>>?> GetPermissionsAsync(CancellationToken cancellationToken = default)
    {
        // Without userid PVE answers for whoever asks: the token itself (its effective, intersected privileges) or the user.
        var raw = await transport.SendAsync<Dictionary<string, Dictionary<string, System.Text.Json.JsonElement>>>(
            PveApiRequest.Get("access", "permissions"), cancellationToken).ConfigureAwait(false);
        return raw?.ToDictionary(
            path => path.Key,
            path => (IReadOnlySet<string>)path.Value.Keys.ToHashSet(StringComparer.Ordinal),
            StringComparer.Ordinal);
    }

    public async Task<PveVersion> GetVersionAsync(CancellationToken cancellationToken = default) =>
        await SendRequiredAsync<PveVersion>(PveApiRequest.Get("version"), cancellationToken).ConfigureAwait(false);

    public async Task<IReadOnlyList<PveClusterStatusEntry>> GetClusterStatusAsync(CancellationToken cancellationToken = default) =>
        await SendListAsync<PveClusterStatusEntry>(PveApiRequest.Get("cluster", "status"), cancellationToken).ConfigureAwait(false);

    public async Task<IReadOnlyList<PveClusterResource>> GetClusterResourcesAsync(CancellationToken cancellationToken = default)
    {
        var request = PveApiRequest.Get("cluster", "resources") with { Query = [new("type", "vm")] };
        var guests = await SendListAsync<PveClusterResource>(request, cancellationToken).ConfigureAwait(false);
        return guests.Where(g => g.IsContainer).ToList();
    }

    public async Task<IReadOnlyList<PveNodeSummary>> GetNodesAsync(CancellationToken cancellationToken = default) =>
        await SendListAsync<PveNodeSummary>(PveApiRequest.Get("nodes"), cancellationToken).ConfigureAwait(false);

    public async Task<IReadOnlyList<PveContainerSummary>> GetContainersAsync(string node, CancellationToken cancellationToken = default)
    {
        RequireNode(node);
        return await SendListAsync<PveContainerSummary>(PveApiRequest.Get("nodes", node, "lxc"), cancellationToken).ConfigureAwait(false);
    }

    public async Task<PveContainerStatus> GetContainerStatusAsync(string node, int vmid, CancellationToken cancellationToken = default)
    {
        RequireContainer(node, vmid);
        return await SendRequiredAsync<PveContainerStatus>(
            PveApiRequest.Get("nodes", node, "lxc", vmid, "status", "current"), cancellationToken).ConfigureAwait(false);
    }

    public Task<Upid> StartContainerAsync(string node, int vmid, CancellationToken cancellationToken = default) =>
        PowerActionAsync(node, vmid, "start", [], cancellationToken);

    public Task<Upid> StopContainerAsync(string node, int vmid, CancellationToken cancellationToken = default) =>
        PowerActionAsync(node, vmid, "stop", [], cancellationToken);

    public Task<Upid> ShutdownContainerAsync(string node, int vmid, int? timeoutSeconds = null, bool forceStop = false,
        CancellationToken cancellationToken = default)
    {
        var form = new List<KeyValuePair<string, string>>();
        AddTimeout(form, timeoutSeconds);
        if (forceStop)
        {
            form.Add(new("forceStop", "1"));
        }
        return PowerActionAsync(node, vmid, "shutdown", form, cancellationToken);
    }

    public Task<Upid> RebootContainerAsync(string node, int vmid, int? timeoutSeconds = null,
        CancellationToken cancellationToken = default)
    {
        var form = new List<KeyValuePair<string, string>>();
        AddTimeout(form, timeoutSeconds);
        return PowerActionAsync(node, vmid, "reboot", form, cancellationToken);
    }

    public async Task<PveTaskStatus> GetTaskStatusAsync(Upid upid, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(upid);
        return await SendRequiredAsync<PveTaskStatus>(
            PveApiRequest.Get("nodes", upid.Node, "tasks", upid.Raw, "status"), cancellationToken).ConfigureAwait(false);
    }

    public async Task<PveContainerConfig> GetContainerConfigAsync(string node, int vmid, CancellationToken cancellationToken = default)
    {
        RequireContainer(node, vmid);
        return await SendRequiredAsync<PveContainerConfig>(
            PveApiRequest.Get("nodes", node, "lxc", vmid, "config"), cancellationToken).ConfigureAwait(false);
    }

    public async Task<IReadOnlyList<PveContainerInterface>?> GetContainerInterfacesAsync(string node, int vmid,
        CancellationToken cancellationToken = default)
    {
        RequireContainer(node, vmid);
        return await transport.SendAsync<List<PveContainerInterface>>(
            PveApiRequest.Get("nodes", node, "lxc", vmid, "interfaces"), cancellationToken).ConfigureAwait(false);
    }

    public async Task<PveContainerAddresses> GetContainerAddressesAsync(string node, int vmid,
        CancellationToken cancellationToken = default)
    {
        RequireContainer(node, vmid);
        if (!interfacesNotImplemented)
        {
            try
            {
                // null means stopped: only the config can tell then.
                var interfaces = await GetContainerInterfacesAsync(node, vmid, cancellationToken).ConfigureAwait(false);
                var live = interfaces is null ? PveContainerAddresses.None : PveAddressResolver.FromInterfaces(interfaces);
                if (live.Source != PveAddressSource.None)
                {
                    return live;
                }
            }
            catch (PveApiException ex) when (ex.StatusCode == 501)
            {
                interfacesNotImplemented = true;
                PveClientLog.InterfacesNotImplemented(logger, Settings.Url);
            }
            catch (PveApiException ex) when (ex.Kind == PveErrorKind.NotFound)
            {
                // Before pve-container 5.2.0 /interfaces was not forwarded to the CT's node and fails when asked
                // elsewhere; the config call below is forwarded and tells whether the CT really is missing.
            }
        }
        var config = await GetContainerConfigAsync(node, vmid, cancellationToken).ConfigureAwait(false);
        return PveAddressResolver.FromConfig(config);
    }

    public async Task<PveContainerConfigValues> GetContainerConfigValuesAsync(string node, int vmid, bool current = false,
        CancellationToken cancellationToken = default)
    {
        RequireContainer(node, vmid);
        var request = PveApiRequest.Get("nodes", node, "lxc", vmid, "config") with { Query = current ? [new("current", "1")] : [] };
        var raw = await SendRequiredAsync<Dictionary<string, JsonElement>>(request, cancellationToken).ConfigureAwait(false);
        return PveContainerConfigValues.From(raw);
    }

    public async Task<IReadOnlyList<PvePendingEntry>> GetContainerPendingAsync(string node, int vmid, CancellationToken cancellationToken = default)
    {
        RequireContainer(node, vmid);
        return await SendListAsync<PvePendingEntry>(PveApiRequest.Get("nodes", node, "lxc", vmid, "pending"), cancellationToken).ConfigureAwait(false);
    }

    public async Task UpdateContainerConfigAsync(string node, int vmid, IReadOnlyDictionary<string, string> values,
        IReadOnlyCollection<string>? keysToDelete = null, string? digest = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(values);
        RequireContainer(node, vmid);
        var form = values.OrderBy(p => p.Key, StringComparer.Ordinal).ToList();
        if (keysToDelete is { Count: > 0 })
        {
            form.Add(new("delete", string.Join(',', keysToDelete)));
        }
        if (!string.IsNullOrEmpty(digest))
        {
            form.Add(new("digest", digest));
        }
        if (form.Count == 0 || (form.Count == 1 && digest is not null))
        {
            throw new ArgumentException("nothing to set or delete", nameof(values));
        }
        await transport.SendAsync<string>(PveApiRequest.Put(form, "nodes", node, "lxc", vmid, "config"), cancellationToken).ConfigureAwait(false);
    }

    public Task<Upid> ResizeContainerDiskAsync(string node, int vmid, string disk, string size, string? digest = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(disk);
        ArgumentException.ThrowIfNullOrWhiteSpace(size);
        RequireContainer(node, vmid);
        var form = new List<KeyValuePair<string, string>> { new("disk", disk), new("size", size) };
        PveContainerCreateRequest.Add(form, "digest", digest);
        return SendTaskAsync(PveApiRequest.Put(form, "nodes", node, "lxc", vmid, "resize"), cancellationToken);
    }

    public Task<Upid> MigrateContainerAsync(string node, int vmid, string target, bool restart = false, int? timeoutSeconds = null,
        CancellationToken cancellationToken = default)
    {
        RequireContainer(node, vmid);
        RequireNode(target);
        var form = new List<KeyValuePair<string, string>> { new("target", target) };
        if (restart)
        {
            form.Add(new("restart", "1"));
        }
        AddTimeout(form, timeoutSeconds);
        return SendTaskAsync(PveApiRequest.Post(form, "nodes", node, "lxc", vmid, "migrate"), cancellationToken);
    }

    public Task<Upid> CreateContainerAsync(string node, PveContainerCreateRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        RequireContainer(node, request.Vmid);
        return SendTaskAsync(PveApiRequest.Post(request.ToForm(), "nodes", node, "lxc"), cancellationToken);
    }

    public Task<Upid> CloneContainerAsync(string node, int vmid, PveContainerCloneRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        RequireContainer(node, vmid);
        RequireContainer(node, request.NewVmid);
        return SendTaskAsync(PveApiRequest.Post(request.ToForm(), "nodes", node, "lxc", vmid, "clone"), cancellationToken);
    }

    public async Task ConvertContainerToTemplateAsync(string node, int vmid, CancellationToken cancellationToken = default)
    {
        RequireContainer(node, vmid);
        await transport.SendAsync<string>(PveApiRequest.Post([], "nodes", node, "lxc", vmid, "template"), cancellationToken).ConfigureAwait(false);
    }

    public Task<Upid> DestroyContainerAsync(string node, int vmid, bool purge = true, bool destroyUnreferencedDisks = true, bool force = false,
        CancellationToken cancellationToken = default)
    {
        RequireContainer(node, vmid);
        var query = new List<KeyValuePair<string, string>>();
        if (purge)
        {
            query.Add(new("purge", "1"));
        }
        if (destroyUnreferencedDisks)
        {
            query.Add(new("destroy-unreferenced-disks", "1"));
        }
        if (force)
        {
            query.Add(new("force", "1"));
        }
        return SendTaskAsync(PveApiRequest.Delete(query, "nodes", node, "lxc", vmid), cancellationToken);
    }

    public async Task<int> GetNextVmidAsync(int? vmid = null, CancellationToken cancellationToken = default)
    {
        var request = PveApiRequest.Get("cluster", "nextid") with
        {
            Query = vmid is { } asked ? [new("vmid", asked.ToString(CultureInfo.InvariantCulture))] : [],
        };
        // A string per the Perl encoder; a number is accepted as well.
        var raw = await transport.SendAsync<string>(request, cancellationToken).ConfigureAwait(false);
        return int.TryParse(raw, NumberStyles.None, CultureInfo.InvariantCulture, out var next)
            ? next
            : throw new PveApiException(PveErrorKind.Other, $"{request}: the answer holds no vmid (\"{raw}\")")
            {
                Method = request.Method.Method,
                Path = request.Path,
            };
    }

    public async Task<IReadOnlyList<PveStorage>> GetStoragesAsync(string node, string? content = null, CancellationToken cancellationToken = default)
    {
        RequireNode(node);
        var request = PveApiRequest.Get("nodes", node, "storage") with { Query = content is null ? [] : [new("content", content)] };
        return await SendListAsync<PveStorage>(request, cancellationToken).ConfigureAwait(false);
    }

    public async Task<IReadOnlyList<PveStorageVolume>> GetStorageContentAsync(string node, string storage, string? content = "vztmpl",
        CancellationToken cancellationToken = default)
    {
        RequireNode(node);
        ArgumentException.ThrowIfNullOrWhiteSpace(storage);
        var request = PveApiRequest.Get("nodes", node, "storage", storage, "content") with { Query = content is null ? [] : [new("content", content)] };
        return await SendListAsync<PveStorageVolume>(request, cancellationToken).ConfigureAwait(false);
    }

    public void Dispose() => transport.Dispose();

    /// <summary>
    /// Sends a write whose answer is a task id. An answer without one means PVE accepted the call and probably runs
    /// the task: the outcome is unknown, so the caller looks before sending it again.
    /// </summary>
    private async Task<Upid> SendTaskAsync(PveApiRequest request, CancellationToken cancellationToken)
    {
        var raw = await transport.SendAsync<string>(request, cancellationToken).ConfigureAwait(false);
        return Upid.TryParse(raw, out var upid)
            ? upid
            : throw new PveApiException(PveErrorKind.Other, $"{request}: the answer holds no valid task id (\"{raw}\")")
            {
                Method = request.Method.Method,
                Path = request.Path,
                OutcomeUnknown = true,
            };
    }

    private async Task<Upid> PowerActionAsync(string node, int vmid, string action,
        IReadOnlyList<KeyValuePair<string, string>> form, CancellationToken cancellationToken)
    {
        RequireContainer(node, vmid);
        return await SendTaskAsync(PveApiRequest.Post(form, "nodes", node, "lxc", vmid, "status", action), cancellationToken).ConfigureAwait(false);
    }

    private async Task<T> SendRequiredAsync<T>(PveApiRequest request, CancellationToken cancellationToken) where T : class =>
        await transport.SendAsync<T>(request, cancellationToken).ConfigureAwait(false)
        ?? throw new PveApiException(PveErrorKind.Other, $"{request}: the answer holds no data")
        {
            Method = request.Method.Method,
            Path = request.Path,
        };

    private async Task<IReadOnlyList<T>> SendListAsync<T>(PveApiRequest request, CancellationToken cancellationToken) =>
        await SendRequiredAsync<List<T>>(request, cancellationToken).ConfigureAwait(false);

    private static void AddTimeout(List<KeyValuePair<string, string>> form, int? timeoutSeconds)
    {
        if (timeoutSeconds is { } seconds)
        {
            ArgumentOutOfRangeException.ThrowIfNegative(seconds, nameof(timeoutSeconds));
            form.Add(new("timeout", seconds.ToString(CultureInfo.InvariantCulture)));
        }
    }

    private static void RequireNode(string node)
    {
        // The name becomes a path segment; PVE node names are host names.
        ArgumentException.ThrowIfNullOrWhiteSpace(node);
    }

    private static void RequireContainer(string node, int vmid)
    {
        RequireNode(node);
        if (vmid is < MinVmid or > MaxVmid)
        {
            throw new ArgumentOutOfRangeException(nameof(vmid), vmid, $"PVE vmids are {MinVmid} to {MaxVmid}.");
        }
    }
}
