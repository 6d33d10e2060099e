using System.Text.RegularExpressions;
using PveSimulator.Model;

namespace PveSimulator;

/// <summary>The simulated cluster's state; thread-safe; changed by tests and by the API.</summary>
public sealed partial class SimulatedCluster
{
    // Containers added while running count as up for this long, so their DHCP lease is already there.
    private static readonly TimeSpan SeededUptime = TimeSpan.FromHours(1);

    private readonly Lock gate = new();
    private readonly TimeProvider time;
    private readonly List<SimNode> nodes = [];
    private readonly Dictionary<int, SimContainer> containers = [];
    private readonly Dictionary<string, ApiToken> tokens = new(StringComparer.Ordinal);
    private readonly Dictionary<int, ResourceSample> resourceSamples = [];
    private readonly Dictionary<string, SimStorage> storages = new(StringComparer.Ordinal);
    private DateTimeOffset lastResourcesRefresh;

    public SimulatedCluster() : this(TimeProvider.System)
    {
    }

    internal SimulatedCluster(TimeProvider time)
    {
        this.time = time;
        lastResourcesRefresh = time.GetUtcNow();
        foreach (var storage in SimStorage.Defaults)
        {
            storages[storage.Id] = storage;
        }
    }

    /// <summary>Adds a storage or replaces the one with the same id. A new cluster has <see cref="SimStorage.Defaults"/>.</summary>
    public void AddStorage(SimStorage storage)
    {
        ArgumentNullException.ThrowIfNull(storage);
        if (!StorageIdPattern().IsMatch(storage.Id))
        {
            throw new ArgumentException($"'{storage.Id}' is not a valid PVE storage id", nameof(storage));
        }

        lock (gate)
        {
            storages[storage.Id] = storage;
        }
    }

    public void RemoveStorage(string id)
    {
        lock (gate)
        {
            storages.Remove(id);
        }
    }

    /// <summary>Removes every storage, e.g. before a scenario lists its own.</summary>
    public void ClearStorages()
    {
        lock (gate)
        {
            storages.Clear();
        }
    }

    public IReadOnlyList<SimStorage> Storages
    {
        get
        {
            lock (gate)
            {
                return storages.Values.ToArray();
            }
        }
    }

    public SimStorage? FindStorage(string id)
    {
        lock (gate)
        {
            return storages.GetValueOrDefault(id);
        }
    }

    public void AddNode(string name, string ip, bool online = true)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        if (!NodeNamePattern().IsMatch(name))
        {
            throw new ArgumentException($"'{name}' is not a valid PVE node name", nameof(name));
        }

        lock (gate)
        {
            var index = nodes.FindIndex(n => n.Name == name);
            if (index >= 0)
            {
                // Adding a known node again updates it: lets test setup be idempotent.
                nodes[index] = nodes[index] with { Ip = ip, Online = online };
            }
            else
            {
                nodes.Add(new SimNode(name, ip, online, nodes.Count + 1));
            }
        }
    }

    public void SetNodeOnline(string name, bool online)
    {
        lock (gate)
        {
            var index = IndexOfNode(name);
            nodes[index] = nodes[index] with { Online = online };
        }
    }

    public IReadOnlyList<string> NodeNames
    {
        get
        {
            lock (gate)
            {
                return nodes.Select(n => n.Name).ToArray();
            }
        }
    }

    /// <summary>
    /// Adds a container, or replaces the one with the same vmid. It shows up in /cluster/resources at once
    /// (setup describes a CT that has existed for a while); later changes lag until the next refresh.
    /// </summary>
    public void AddContainer(SimContainer container)
    {
        ArgumentNullException.ThrowIfNull(container);
        if (container.Vmid is < 100 or > 999_999_999)
        {
            throw new ArgumentOutOfRangeException(nameof(container), container.Vmid, "PVE vmids range from 100 to 999999999");
        }

        lock (gate)
        {
            IndexOfNode(container.Node);
            if (container.Running)
            {
                container.StartedAt ??= this.time.GetUtcNow() - SeededUptime;
                if (container.Pid == 0)
                {
                    container.Pid = NewContainerPid();
                }
            }

            containers[container.Vmid] = container;
            resourceSamples[container.Vmid] = Sample(container);
        }
    }

    /// <summary>
    /// create_and_lock_config: adds the CT unless its vmid is taken (then names the node holding it). Unlike
    /// <see cref="AddContainer"/> it has no /cluster/resources sample until the next refresh, as a CT PVE just created.
    /// </summary>
    internal bool TryAddNew(SimContainer container, out string? holderNode)
    {
        lock (gate)
        {
            IndexOfNode(container.Node);
            if (containers.TryGetValue(container.Vmid, out var holder))
            {
                holderNode = holder.Node;
                return false;
            }

            holderNode = null;
            containers[container.Vmid] = container;
            return true;
        }
    }

    /// <summary>Removes the CT only if it is still the given object (a failed create removes its own config, nothing else).</summary>
    internal void RemoveIfSame(SimContainer container)
    {
        lock (gate)
        {
            if (containers.TryGetValue(container.Vmid, out var current) && ReferenceEquals(current, container))
            {
                containers.Remove(container.Vmid);
                resourceSamples.Remove(container.Vmid);
            }
        }
    }

    /// <summary>Runs a read or change of the live object under the cluster lock; null when the CT is gone.</summary>
    internal T? WithContainer<T>(int vmid, Func<SimContainer, T> use)
    {
        lock (gate)
        {
            return containers.TryGetValue(vmid, out var container) ? use(container) : default;
        }
    }

    /// <summary>A copy of the CT's config in effect (the main section, as GET config?current=1 shows it); null when it is gone.</summary>
    public IReadOnlyDictionary<string, string>? CurrentConfig(int vmid) =>
        WithContainer(vmid, c => new SortedDictionary<string, string>(c.Config.Current.ToDictionary(), StringComparer.Ordinal));

    public SimContainer? GetContainer(int vmid)
    {
        lock (gate)
        {
            return containers.GetValueOrDefault(vmid);
        }
    }

    public IReadOnlyList<SimContainer> Containers
    {
        get
        {
            lock (gate)
            {
                return containers.Values.OrderBy(c => c.Vmid).ToArray();
            }
        }
    }

    public void RemoveContainer(int vmid)
    {
        lock (gate)
        {
            containers.Remove(vmid);
            resourceSamples.Remove(vmid);
        }
    }

    /// <summary>Changes the state behind the API's back (drift), as a user in the PVE GUI would.</summary>
    public void SetContainerStatus(int vmid, bool running)
    {
        lock (gate)
        {
            var container = RequireContainer(vmid);
            if (container.Running == running)
            {
                return;
            }

            MarkRunning(container, running);
        }
    }

    /// <summary>
    /// Changes a container's config or state behind the API's back under the cluster lock, as a user editing it in
    /// the PVE GUI would (protection, description, HA). Throws when the CT does not exist.
    /// </summary>
    public void UpdateContainer(int vmid, Action<SimContainer> change)
    {
        ArgumentNullException.ThrowIfNull(change);
        lock (gate)
        {
            change(RequireContainer(vmid));
        }
    }

    /// <summary>Moves a container to another node at once (as a finished migration).</summary>
    public void MigrateContainer(int vmid, string targetNode)
    {
        lock (gate)
        {
            var container = RequireContainer(vmid);
            IndexOfNode(targetNode);
            container.Node = targetNode;
        }
    }

    public void SetLock(int vmid, string? lockName)
    {
        lock (gate)
        {
            RequireContainer(vmid).Lock = string.IsNullOrEmpty(lockName) ? null : lockName;
        }
    }

    /// <summary>Adds or replaces a token. Privileges: e.g. "VM.Audit", "VM.PowerMgmt", "Sys.Audit"; granted on every path.</summary>
    public void AddToken(string tokenId, string secret, params string[] privileges)
    {
        ArgumentNullException.ThrowIfNull(privileges);
        StoreToken(tokenId, secret, new HashSet<string>(privileges, StringComparer.Ordinal));
    }

    /// <summary>Adds or replaces a token that holds every privilege (like a privsep=0 token of root@pam).</summary>
    public void AddAdministratorToken(string tokenId, string secret) => StoreToken(tokenId, secret, privileges: null);

    public void RemoveToken(string tokenId)
    {
        lock (gate)
        {
            tokens.Remove(tokenId);
        }
    }

    /// <summary>Takes a new /cluster/resources sample now instead of waiting for the refresh interval.</summary>
    public void RefreshResources()
    {
        lock (gate)
        {
            resourceSamples.Clear();
            foreach (var container in containers.Values)
            {
                resourceSamples[container.Vmid] = Sample(container);
            }

            lastResourcesRefresh = this.time.GetUtcNow();
        }
    }

    /// <summary>When /cluster/resources data was last refreshed.</summary>
    public DateTimeOffset LastResourcesRefresh
    {
        get
        {
            lock (gate)
            {
                return lastResourcesRefresh;
            }
        }
    }

    internal IReadOnlyList<SimNode> Nodes()
    {
        lock (gate)
        {
            return nodes.ToArray();
        }
    }

    internal SimNode? FindNode(string name)
    {
        lock (gate)
        {
            return nodes.Find(n => n.Name == name);
        }
    }

    internal ContainerView? ViewContainer(int vmid)
    {
        lock (gate)
        {
            return containers.TryGetValue(vmid, out var container) ? View(container) : null;
        }
    }

    internal IReadOnlyList<ContainerView> ViewContainers()
    {
        lock (gate)
        {
            return containers.Values.OrderBy(c => c.Vmid).Select(View).ToArray();
        }
    }

    /// <summary>The live guest list joined with the last RRD sample of each guest (null when none yet).</summary>
    internal IReadOnlyList<(ContainerView Live, ResourceSample? Sample)> ViewResources()
    {
        lock (gate)
        {
            return containers.Values
                .OrderBy(c => c.Vmid)
                .Select(c => (View(c), resourceSamples.GetValueOrDefault(c.Vmid)))
                .ToArray();
        }
    }

    internal ApiToken? FindToken(string tokenId)
    {
        lock (gate)
        {
            return tokens.GetValueOrDefault(tokenId);
        }
    }

    /// <summary>Users the simulator knows: root@pam and every token owner.</summary>
    internal bool UserExists(string userId)
    {
        lock (gate)
        {
            return userId == "root@pam" || users.ContainsKey(userId) || tokens.Values.Any(t => t.UserId == userId);
        }
    }

    /// <summary>Applies a task's effect if the CT is still on the node the task ran on; false when its config is gone.</summary>
    internal bool TryChangeOnNode(int vmid, string node, Action<SimContainer> change)
    {
        lock (gate)
        {
            if (!containers.TryGetValue(vmid, out var container) || container.Node != node)
            {
                return false;
            }

            change(container);
            return true;
        }
    }

    /// <summary>Applies a change wherever the CT is (the HA manager acts cluster-wide); false when it is gone.</summary>
    internal bool TryChange(int vmid, Action<SimContainer> change)
    {
        lock (gate)
        {
            if (!containers.TryGetValue(vmid, out var container))
            {
                return false;
            }

            change(container);
            return true;
        }
    }

    /// <summary>
    /// The DHCP server on the containers' bridge, if any: a started CT whose ip=dhcp interface has no lease of its own
    /// (<see cref="SimContainer.DhcpAddresses"/>) gets one from it, as a created or cloned CT would on a real LAN.
    /// </summary>
    internal DhcpServer? Dhcp { get; set; }

    /// <summary>Starts or stops a CT: a start gets a new pid and a fresh DHCP lease clock.</summary>
    internal void MarkRunning(SimContainer container, bool running)
    {
        // The post-stop hook and vm_start both apply what a running CT left pending.
        container.Config.ApplyPending();
        container.Running = running;
        container.StartedAt = running ? this.time.GetUtcNow() : null;
        container.Pid = running ? NewContainerPid() : 0;
        if (running && Dhcp is { } dhcp)
        {
            dhcp.LeaseFor(container);
        }
    }

    private ContainerView View(SimContainer container) => ContainerView.From(container, this.time.GetUtcNow() - SeededUptime);

    private ResourceSample Sample(SimContainer container)
    {
        var view = View(container);
        var uptime = view.StartedAt is { } started ? (long)(this.time.GetUtcNow() - started).TotalSeconds : 0;
        return new ResourceSample(
            view.Running,
            view.DisplayName,
            view.Template,
            view.Cpus,
            view.MemoryMb * 1024L * 1024L,
            view.MaxDiskBytes,
            uptime);
    }

    private void StoreToken(string tokenId, string secret, IReadOnlySet<string>? privileges)
    {
        ArgumentException.ThrowIfNullOrEmpty(secret);
        if (!TokenIdPattern().IsMatch(tokenId))
        {
            throw new ArgumentException($"'{tokenId}' is not a token id like user@realm!name", nameof(tokenId));
        }

        lock (gate)
        {
            tokens[tokenId] = new ApiToken(tokenId, secret, privileges);
        }
    }

    private SimContainer RequireContainer(int vmid) =>
        containers.TryGetValue(vmid, out var container)
            ? container
            : throw new KeyNotFoundException($"container {vmid} does not exist in the simulator");

    private int IndexOfNode(string name)
    {
        var index = nodes.FindIndex(n => n.Name == name);
        return index >= 0 ? index : throw new KeyNotFoundException($"node '{name}' does not exist in the simulator");
    }

    private static int NewContainerPid() => Random.Shared.Next(1_000, 4_000_000);

    // pve-storage-id: a letter, then letters, digits, '-', '_' and '.'.
    [GeneratedRegex(@"^[a-z][a-z0-9\-_.]*[a-z0-9]$", RegexOptions.IgnoreCase)]
    private static partial Regex StorageIdPattern();

    [GeneratedRegex("^[a-zA-Z0-9]([a-zA-Z0-9-]*[a-zA-Z0-9])?$")]
    private static partial Regex NodeNamePattern();

    // pve-access-control: user@realm!name, the token name starting with a letter.
    [GeneratedRegex(@"^[^\s:/!@]+@[A-Za-z][A-Za-z0-9.\-_]+![A-Za-z][A-Za-z0-9.\-_]+$")]
    private static partial Regex TokenIdPattern();
}
