using System.Globalization;
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
    public PveClient(PveClientSettings settings, ILogger<PveClient>? logger = null)
        : this(settings, logger ?? (ILogger)NullLogger.Instance, handlerForTests: null)
    {
    }

    internal PveClient(PveClientSettings settings, ILogger logger, HttpMessageHandler? handlerForTests)
    {
        Settings = settings;
        this.logger = logger;
        transport = new PveApiTransport(settings, logger, handlerForTests);
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

    public void Dispose() => transport.Dispose();

    private async Task<Upid> PowerActionAsync(string node, int vmid, string action,
        IReadOnlyList<KeyValuePair<string, string>> form, CancellationToken cancellationToken)
    {
        RequireContainer(node, vmid);
        var request = PveApiRequest.Post(form, "nodes", node, "lxc", vmid, "status", action);
        var raw = await transport.SendAsync<string>(request, cancellationToken).ConfigureAwait(false);
        return Upid.TryParse(raw, out var upid)
            ? upid
            : throw new PveApiException(PveErrorKind.Other, $"{request}: the answer holds no valid task id (\"{raw}\")")
            {
                Method = request.Method.Method,
                Path = request.Path,
                // PVE accepted the call, so the action probably runs: look before sending it again.
                OutcomeUnknown = true,
            };
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
