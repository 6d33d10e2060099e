using k8s;
using k8s.Models;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using PveOperator.Controllers;
using PveOperator.Entities;
using PveOperator.Proxmox;
using PveOperator.Runtime;
using PveOperator.Tests.Controllers.Fakes;
using PveSimulator;

namespace PveOperator.Tests.Controllers;

/// <summary>
/// An <see cref="LxcContainerReconciler"/> wired to a ready provider "lab" (nodes pve1 and pve2) whose PVE is the
/// in-process simulator. The reconciler and the simulator share one fake clock: tasks, the /cluster/resources refresh,
/// DHCP and HA only move when a test advances it. The operator's snapshot only changes on <see cref="SyncAsync"/> (the
/// provider's sync), so tests control its lag on top of the simulator's own.
/// </summary>
internal sealed class ContainerHarness : IAsyncDisposable
{
    public const string ProviderName = "lab";
    public const string TokenId = "operator@pve!k8s";
    /// <summary>How long a power-action task runs: longer than the few seconds tests step through, shorter than the snapshot lag.</summary>
    public static readonly TimeSpan TaskDuration = TimeSpan.FromSeconds(5);

    private const string TokenSecret = "5f0c3d1e-8a7b-4c2d-9e6f-0a1b2c3d4e5f";

    private readonly List<PveClient> clients = [];
    private PveClient observer = null!;

    private ContainerHarness(ContainerControllerSettings? settings)
    {
        Settings = settings ?? new ContainerControllerSettings();
        Writer = new FakeStatusWriter<V1Alpha1LxcContainer, LxcContainerStatus>(Journal);
        Events = new FakeEventRecorder(Journal);
        ProviderExists = true;
        ContainerIndexes.AddTo(Containers);
        Reconciler = new LxcContainerReconciler(Registry, Providers, Containers, Writer, Events, Settings, Clock, new Random(7),
            NullLogger<LxcContainerReconciler>.Instance);
    }

    public Journal Journal { get; } = new();
    public FakeTimeProvider Clock { get; } = new(new DateTimeOffset(2025, 3, 1, 12, 0, 0, TimeSpan.Zero));
    public ProviderRegistry Registry { get; } = new();
    public ContainerControllerSettings Settings { get; }
    public PveSimulatorServer Server { get; private set; } = null!;
    public SimulatedCluster Cluster => Server.Cluster;
    public RequestCounters Counters => Server.Counters;
    public FaultInjection Faults => Server.Faults;
    public ProviderConnection Connection { get; private set; } = null!;
    public FakeStatusWriter<V1Alpha1LxcContainer, LxcContainerStatus> Writer { get; }
    public FakeEventRecorder Events { get; }
    /// <summary>The provider cache: whether the ProxmoxProvider object exists.</summary>
    public EntityCache<V1Alpha1ProxmoxProvider> Providers { get; } = new();
    /// <summary>The LxcContainer cache, where claims are looked up; <see cref="Cached"/> puts a resource there.</summary>
    public EntityCache<V1Alpha1LxcContainer> Containers { get; } = new();
    public LxcContainerReconciler Reconciler { get; }

    /// <summary>
    /// Runs on the simulator's request thread when a power action (vmid, action) arrives, before PVE serves it: what
    /// someone else did to the container just before the operator's request got there.
    /// </summary>
    public Action<int, string>? BeforePowerAction { get; set; }

    /// <summary>Starts the simulator and connects the provider.</summary>
    /// <param name="privileges">The operator token's privileges; null grants all.</param>
    public static async Task<ContainerHarness> StartAsync(
        ContainerControllerSettings? settings = null, Func<SimulatorOptions, SimulatorOptions>? simulator = null, string[]? privileges = null)
    {
        var harness = new ContainerHarness(settings);
        var options = new SimulatorOptions
        {
            ClusterName = ProviderName,
            TimeProvider = harness.Clock,
            TaskDuration = TaskDuration,
            HaDelay = TimeSpan.FromSeconds(10),
            DefaultTokenSecret = TokenSecret,
        };
        harness.Server = await PveSimulatorServer.StartAsync(simulator is null ? options : simulator(options));
        harness.Cluster.AddNode("pve1", "127.0.0.1");
        harness.Cluster.AddNode("pve2", "127.0.0.1");
        if (privileges is null)
        {
            harness.Cluster.AddAdministratorToken(TokenId, TokenSecret);
        }
        else
        {
            harness.Cluster.AddToken(TokenId, TokenSecret, privileges);
        }

        harness.Counters.PowerActionReceived += harness.OnPowerAction;
        harness.observer = harness.NewClient(PveSimulatorServer.DefaultTokenId);
        await harness.ConnectAsync();
        return harness;
    }

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

    /// <summary>Adds a CT to PVE, without network interfaces unless the test gives it some.</summary>
    public SimContainer AddContainer(int vmid, string node, bool running)
    {
        var container = new SimContainer { Vmid = vmid, Node = node, Name = $"ct{vmid}", Running = running };
        Cluster.AddContainer(container);
        return container;
    }

    /// <summary>A ready connection for the provider, as the provider reconciler leaves it; a new one forgets all memory.</summary>
    public async Task<ProviderConnection> ConnectAsync()
    {
        var client = NewClient(TokenId);
        await client.InitializeAsync();
        var connection = new ProviderConnection(ProviderName, client, settings: null, Settings.MaxActionsPerNode)
        {
            Health = new ProviderHealth(true, Reasons.Connected, "connected to PVE", Stalled: false),
        };
        // Replacing the old connection disposes it and its client.
        Registry.Remove(ProviderName);
        Registry.Set(connection);
        Connection = connection;
        await SyncAsync();
        return connection;
    }

    /// <summary>The provider's sync: the operator's snapshot becomes what /cluster/resources shows now (which lags PVE).</summary>
    public async Task SyncAsync() =>
        Connection.Snapshot = new PveClusterSnapshot(await observer.GetClusterResourcesAsync(), Clock.GetUtcNow());

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

    /// <summary>Reconciles and returns the PVE requests it made (<see cref="PveCalls"/> keys, sorted).</summary>
    public async Task<(ReconcileResult Result, List<string> Calls)> ReconcileCountingAsync(V1Alpha1LxcContainer container)
    {
        var before = Counters.Snapshot();
        var result = await ReconcileAsync(container);
        return (result, PveCalls.Since(before, Counters.Snapshot()));
    }

    /// <summary>Finalizes and returns the PVE requests it made.</summary>
    public async Task<(ReconcileResult Result, List<string> Calls)> FinalizeCountingAsync(V1Alpha1LxcContainer container)
    {
        var before = Counters.Snapshot();
        var result = await FinalizeAsync(container);
        return (result, PveCalls.Since(before, Counters.Snapshot()));
    }

    /// <summary>Power actions of this kind ("start", "shutdown") PVE received, for any container.</summary>
    public long PowerActions(string action) => Counters.Get($"POST /nodes/{{node}}/lxc/{{vmid}}/status/{action}");

    /// <summary>Lets the container's pending task run to its end: the clock moves by a task's duration.</summary>
    public async Task<PveTaskStatus> EndTaskAsync(V1Alpha1LxcContainer container)
    {
        var upid = container.Status?.Operation?.Upid ?? throw new Xunit.Sdk.XunitException("the container has no pending task");
        Clock.Advance(TaskDuration);
        return await TaskEndedAsync(upid);
    }

    /// <summary>Waits (without moving the clock) until PVE reports the task stopped.</summary>
    public Task<PveTaskStatus> TaskEndedAsync(string upid) =>
        Eventually.ValueAsync(async () =>
        {
            var status = await TaskStatusAsync(upid);
            return status.IsRunning ? null : status;
        }, $"task {upid} ended");

    /// <summary>The task as PVE reports it, asked with another token than the operator's so that no client state is shared.</summary>
    public Task<PveTaskStatus> TaskStatusAsync(string upid) => observer.GetTaskStatusAsync(Upid.Parse(upid));

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

    public async ValueTask DisposeAsync()
    {
        Registry.Dispose();
        foreach (var client in clients)
        {
            client.Dispose();
        }

        await Server.DisposeAsync();
    }

    private void OnPowerAction(int vmid, string action)
    {
        Journal.Add($"pve {action} {vmid}");
        BeforePowerAction?.Invoke(vmid, action);
    }

    private PveClient NewClient(string tokenId)
    {
        var client = new PveClient(new PveClientSettings
        {
            Url = Server.BaseUrl,
            TokenId = PveTokenId.Parse(tokenId),
            Secret = new PveSecret(tokenId == TokenId ? TokenSecret : Server.DefaultTokenSecret),
            Tls = new PveTlsSettings { PinnedFingerprint = PveCertificateFingerprint.Parse(Server.CertificateFingerprint) },
            RetryBaseDelay = TimeSpan.FromMilliseconds(1),
            RetryMaxDelay = TimeSpan.FromMilliseconds(5),
            RequestTimeout = TimeSpan.FromSeconds(10),
            InitTimeout = TimeSpan.FromSeconds(10),
        }, NullLogger.Instance, handlerForTests: null);
        clients.Add(client);
        return client;
    }
}
