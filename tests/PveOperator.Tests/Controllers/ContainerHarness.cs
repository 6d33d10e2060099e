using k8s;
using k8s.Models;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using PveOperator.Controllers;
using PveOperator.Entities;
using PveOperator.Proxmox;
using PveOperator.Runtime;
using PveOperator.Tests.Controllers.Fakes;

namespace PveOperator.Tests.Controllers;

/// <summary>
/// An <see cref="LxcContainerReconciler"/> wired to a ready provider "lab" (nodes pve1 and pve2) whose PVE is a
/// <see cref="FakePveClient"/>. The cluster snapshot only changes on <see cref="Sync"/>, so tests control its lag.
/// </summary>
internal sealed class ContainerHarness : IDisposable
{
    public const string ProviderName = "lab";

    public ContainerHarness(ContainerControllerSettings? settings = null)
    {
        Settings = settings ?? new ContainerControllerSettings();
        Pve = new FakePveClient(Journal);
        Pve.Nodes.ReplaceAll(PveClusterInfo.From(Pve.Version, Pve.ClusterStatus).Nodes);
        Writer = new FakeStatusWriter<V1Alpha1LxcContainer, LxcContainerStatus>(Journal);
        Events = new FakeEventRecorder(Journal);
        Connection = Connect();
        ProviderExists = true;
        ContainerIndexes.AddTo(Containers);
        Reconciler = new LxcContainerReconciler(Registry, Providers, Containers, Writer, Events, Settings, Clock, new Random(7),
            NullLogger<LxcContainerReconciler>.Instance);
    }

    public Journal Journal { get; } = new();
    public FakeTimeProvider Clock { get; } = new(new DateTimeOffset(2025, 3, 1, 12, 0, 0, TimeSpan.Zero));
    public ProviderRegistry Registry { get; } = new();
    public ContainerControllerSettings Settings { get; }
    public FakePveClient Pve { get; }
    public ProviderConnection Connection { get; private set; }
    public FakeStatusWriter<V1Alpha1LxcContainer, LxcContainerStatus> Writer { get; }
    public FakeEventRecorder Events { get; }
    /// <summary>The provider cache: whether the ProxmoxProvider object exists.</summary>
    public EntityCache<V1Alpha1ProxmoxProvider> Providers { get; } = new();

    /// <summary>The LxcContainer cache, where claims are looked up; <see cref="Cached"/> puts a resource there.</summary>
    public EntityCache<V1Alpha1LxcContainer> Containers { get; } = new();

    public bool ProviderExists
    {
        get => Providers.Get(ProviderName) is not null;
        set
        {
            if (value)
            {
                Providers.Upsert(new V1Alpha1ProxmoxProvider { Metadata = new V1ObjectMeta { Name = ProviderName } });
            }
            else
            {
                Providers.Remove(ProviderName);
            }
        }
    }

    /// <summary>Puts the resource into the LxcContainer cache (as the informer would) and returns it.</summary>
    public V1Alpha1LxcContainer Cached(V1Alpha1LxcContainer container)
    {
        Containers.Upsert(container);
        return container;
    }
    public LxcContainerReconciler Reconciler { get; }

    /// <summary>A ready connection for the provider, as the provider reconciler leaves it; a new one forgets all memory.</summary>
    public ProviderConnection Connect()
    {
        var connection = new ProviderConnection(ProviderName, Pve, settings: null, Settings.MaxActionsPerNode)
        {
            Health = new ProviderHealth(true, Reasons.Connected, "connected to PVE 8.3.2", Stalled: false),
        };
        // Replacing the old connection disposes it; for the fake client that only sets a flag.
        Registry.Remove(ProviderName);
        Registry.Set(connection);
        Connection = connection;
        if (connection.Snapshot is null)
        {
            Sync();
        }

        return connection;
    }

    /// <summary>The provider's sync: the snapshot catches up with PVE.</summary>
    public void Sync() => Connection.Snapshot = new PveClusterSnapshot(Pve.Resources(), Clock.GetUtcNow());

    public static V1Alpha1LxcContainer Container(int vmid, PowerState? desired = null, string? node = null, string name = "web") => new()
    {
        Metadata = new V1ObjectMeta { Name = $"{name}-{vmid}", NamespaceProperty = "apps", Generation = 1, Uid = $"uid-{vmid}" },
        Spec = new LxcContainerSpec
        {
            ProviderRef = new ProviderReference { Name = ProviderName },
            Vmid = vmid,
            Node = node,
            PowerState = desired,
        },
    };

    public Task<ReconcileResult> ReconcileAsync(V1Alpha1LxcContainer container) =>
        Reconciler.ReconcileAsync(container, CancellationToken.None);

    public Task<ReconcileResult> FinalizeAsync(V1Alpha1LxcContainer container) =>
        Reconciler.FinalizeAsync(container, CancellationToken.None);

    /// <summary>Reconciles and returns the PVE calls it made.</summary>
    public async Task<(ReconcileResult Result, List<string> Calls)> ReconcileCountingAsync(V1Alpha1LxcContainer container)
    {
        var before = Pve.Calls.Count;
        var result = await ReconcileAsync(container);
        return (result, Pve.Calls.Skip(before).ToList());
    }

    /// <summary>Finalizes and returns the PVE calls it made.</summary>
    public async Task<(ReconcileResult Result, List<string> Calls)> FinalizeCountingAsync(V1Alpha1LxcContainer container)
    {
        var before = Pve.Calls.Count;
        var result = await FinalizeAsync(container);
        return (result, Pve.Calls.Skip(before).ToList());
    }

    public static V1Condition Condition(V1Alpha1LxcContainer container, string type) =>
        ConditionList.Find(container.Status.Conditions, type)
        ?? throw new Xunit.Sdk.XunitException($"no {type} condition in {KubernetesJson.Serialize(container.Status)}");

    public static V1Condition? FindCondition(V1Alpha1LxcContainer container, string type) =>
        ConditionList.Find(container.Status.Conditions, type);

    /// <summary>(status, reason) of Ready.</summary>
    public static (string Status, string Reason) Ready(V1Alpha1LxcContainer container)
    {
        var ready = Condition(container, ConditionTypes.Ready);
        return (ready.Status, ready.Reason);
    }

    public static bool IsStalled(V1Alpha1LxcContainer container) => FindCondition(container, ConditionTypes.Stalled)?.Status == "True";

    public static bool IsReconciling(V1Alpha1LxcContainer container) => FindCondition(container, ConditionTypes.Reconciling)?.Status == "True";

    public static ReconcileResult After(TimeSpan delay) => ReconcileResult.RequeueAfter(delay);

    public void Dispose() => Registry.Dispose();
}
