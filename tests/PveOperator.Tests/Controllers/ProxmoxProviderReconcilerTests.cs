using System.Text;
using k8s;
using k8s.Models;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;
using PveOperator.Controllers;
using PveOperator.Entities;
using PveOperator.Proxmox;
using PveOperator.Runtime;
using PveOperator.Tests.Controllers.Fakes;
using PveOperator.Tests.Proxmox;
using PveSimulator;

namespace PveOperator.Tests.Controllers;

/// <summary>The provider reconciler against the in-process simulator, sharing its fake clock.</summary>
public sealed class ProxmoxProviderReconcilerTests : IAsyncLifetime
{
    private const string ProviderName = "lab";
    private const string SecretNamespace = "pve-system";
    private const string SecretName = "pve-token";
    private const string TokenId = "operator@pve!k8s";
    private const string SecretValue = "5f0c3d1e-8a7b-4c2d-9e6f-0a1b2c3d4e5f";
    private const string RotatedSecret = "0e9d8c7b-6a5f-4e3d-2c1b-0a9f8e7d6c5b";
    private const string Fingerprint = "AB:CD:EF:01:23:45:67:89:AB:CD:EF:01:23:45:67:89:AB:CD:EF:01:23:45:67:89:AB:CD:EF:01:23:45:67:89";

    private readonly FakeTimeProvider clock = new(new DateTimeOffset(2025, 3, 1, 12, 0, 0, TimeSpan.Zero));
    private readonly ProviderRegistry registry = new(retiredConnectionGrace: TimeSpan.Zero);
    private readonly SimulatorClientFactory factory;
    private readonly FakeSecretReader secrets = new();
    private readonly FakeStatusWriter<V1Alpha1ProxmoxProvider, ProxmoxProviderStatus> writer = new();
    private readonly FakeEventRecorder events = new();
    private readonly FakeContainerNotifier notifier = new();
    private readonly CapturingLogger log = new();
    private readonly ILoggerFactory loggerFactory;
    private readonly ProxmoxProviderReconciler reconciler;
    private PveSimulatorServer server = null!;

    public ProxmoxProviderReconcilerTests()
    {
        loggerFactory = LoggerFactory.Create(b => b.AddProvider(log).SetMinimumLevel(LogLevel.Trace));
        factory = new SimulatorClientFactory(loggerFactory);
        reconciler = new ProxmoxProviderReconciler(registry, factory, secrets, writer, events, notifier.Channel,
            new ContainerControllerSettings(), new ProviderMetrics(Prometheus.Metrics.NewCustomRegistry()), clock, loggerFactory.CreateLogger<ProxmoxProviderReconciler>());
        secrets.Put(SecretNamespace, SecretName, "secret", SecretValue);
    }

    public Task InitializeAsync() => StartSimulatorAsync(clusterName: "lab", "pve1", "pve2");

    public async Task DisposeAsync()
    {
        registry.Dispose();
        foreach (var (_, client) in factory.Created)
        {
            client.Dispose();
        }

        await server.DisposeAsync();
        loggerFactory.Dispose();
    }

    private SimulatedCluster Cluster => server.Cluster;

    private RequestCounters Counters => server.Counters;

    /// <summary>A simulator on the test's clock with the operator's token; refreshes /cluster/resources every 10 s of it.</summary>
    private async Task StartSimulatorAsync(string? clusterName, params string[] nodes)
    {
        if (server is not null)
        {
            await server.DisposeAsync();
        }

        server = await PveSimulatorServer.StartAsync(new SimulatorOptions { ClusterName = clusterName, TimeProvider = clock, UnauthorizedDelay = TimeSpan.Zero });
        for (var i = 0; i < nodes.Length; i++)
        {
            server.Cluster.AddNode(nodes[i], $"10.0.0.{i + 11}");
        }

        server.Cluster.AddAdministratorToken(TokenId, SecretValue);
    }

    private V1Alpha1ProxmoxProvider Provider(Action<ProxmoxProviderSpec>? edit = null)
    {
        var provider = new V1Alpha1ProxmoxProvider
        {
            Metadata = new V1ObjectMeta { Name = ProviderName, Generation = 1, Uid = "uid-lab" },
            Spec = new ProxmoxProviderSpec
            {
                Url = server.BaseUrl.ToString(),
                TokenId = TokenId,
                SecretRef = new SecretKeyReference { Namespace = SecretNamespace, Name = SecretName },
                Tls = new ProviderTlsSpec { Fingerprint = server.CertificateFingerprint },
            },
        };
        edit?.Invoke(provider.Spec);
        return provider;
    }

    private Task<ReconcileResult> ReconcileAsync(V1Alpha1ProxmoxProvider provider) =>
        reconciler.ReconcileAsync(provider, CancellationToken.None);

    private static V1Condition Condition(ProxmoxProviderStatus status, string type) =>
        ConditionList.Find(status.Conditions, type) ?? throw new Xunit.Sdk.XunitException($"no {type} condition in {KubernetesJson.Serialize(status)}");

    [Fact]
    public async Task A_clustered_pve_makes_the_provider_ready_with_version_cluster_name_and_nodes()
    {
        var provider = Provider();

        var result = await ReconcileAsync(provider);

        Assert.Equal(ReconcileResult.RequeueAfter(TimeSpan.FromSeconds(30)), result);
        var status = provider.Status;
        var ready = Condition(status, ConditionTypes.Ready);
        Assert.Equal(("True", Reasons.Connected), (ready.Status, ready.Reason));
        Assert.Contains("cluster lab", ready.Message, StringComparison.Ordinal);
        Assert.Null(ConditionList.Find(status.Conditions, ConditionTypes.Reconciling));
        Assert.Null(ConditionList.Find(status.Conditions, ConditionTypes.Stalled));
        Assert.Equal("8.4.1", status.Version); // what the simulator's PVE 8 reports
        Assert.Equal("lab", status.ClusterName);
        Assert.Equal("pve1,pve2", status.NodeNames);
        Assert.Equal([("pve1", true, "10.0.0.11"), ("pve2", true, "10.0.0.12")],
            status.Nodes!.Select(n => (n.Name, n.Online, n.Ip)));
        Assert.Equal(1, status.ObservedGeneration);
        Assert.Equal(clock.GetUtcNow().UtcDateTime, status.LastSyncTime);

        var connectedEvent = Assert.Single(events.Events);
        Assert.Equal((EventType.Normal, Reasons.Connected), (connectedEvent.Type, connectedEvent.Reason));
        Assert.Equal([ProviderName], notifier.ProvidersChanged);
        Assert.True(registry.TryGet(ProviderName, out var connection));
        Assert.True(connection.IsReady);
        Assert.True(connection.Nodes.Contains("pve2"));
        Assert.NotNull(connection.Snapshot);
    }

    [Fact]
    public async Task A_standalone_node_is_its_own_cluster_name()
    {
        await StartSimulatorAsync(clusterName: null, "pve");
        var provider = Provider();

        await ReconcileAsync(provider);

        var ready = Condition(provider.Status, ConditionTypes.Ready);
        Assert.Equal("True", ready.Status);
        Assert.Contains("standalone", ready.Message, StringComparison.Ordinal);
        Assert.Equal("pve", provider.Status.ClusterName);
        Assert.Equal("pve", provider.Status.NodeNames);
        Assert.Equal("pve", Assert.Single(provider.Status.Nodes!).Name);
    }

    [Fact]
    public async Task The_sync_interval_sets_the_requeue_and_later_syncs_refresh_cluster_status_only()
    {
        var provider = Provider(s => s.SyncInterval = "1m30s");

        Assert.Equal(ReconcileResult.RequeueAfter(TimeSpan.FromSeconds(90)), await ReconcileAsync(provider));
        clock.Advance(TimeSpan.FromSeconds(90));
        Cluster.AddNode("pve3", "10.0.0.13");
        Assert.Equal(ReconcileResult.RequeueAfter(TimeSpan.FromSeconds(90)), await ReconcileAsync(provider));

        // The first sync initialises (version, cluster status, the privilege pre-check); later ones refresh the cluster
        // status only (the pre-check comes back once per resync interval).
        Assert.Equal([("GET /access/permissions", 1L), (PveCalls.ClusterResources, 2L), (PveCalls.ClusterStatus, 2L), (PveCalls.Version, 1L)],
            Counters.Snapshot().Select(c => (c.Key, c.Value)));
        Assert.Equal("pve1,pve2,pve3", provider.Status.NodeNames);
        Assert.True(registry.TryGet(ProviderName, out var connection) && connection.Nodes.Contains("pve3"));
        Assert.Equal(clock.GetUtcNow().UtcDateTime, provider.Status.LastSyncTime);
        Assert.Single(events.Events); // Connected once, not on every sync
    }

    public static TheoryData<string, string, bool> Failures => new()
    {
        { "secret missing", Reasons.SecretNotFound, true },
        { "secret key missing", Reasons.SecretNotFound, true },
        { "secret empty", Reasons.SecretNotFound, true },
        { "bad sync interval", Reasons.InvalidSpec, true },
        { "sync interval under 1s", Reasons.InvalidSpec, true },
        { "bad fingerprint", Reasons.InvalidSpec, true },
        { "http url", Reasons.InvalidSpec, true },
        { "bad token id", Reasons.InvalidSpec, true },
        { "two tls modes", Reasons.InvalidSpec, true },
        { "401", Reasons.AuthenticationFailed, true },
        { "403", Reasons.PermissionDenied, true },
        { "tls", Reasons.TlsError, true },
        { "unreachable", Reasons.Unreachable, false },
    };

    private V1Alpha1ProxmoxProvider ArrangeFailure(string failure)
    {
        switch (failure)
        {
            case "secret missing":
                secrets.Delete(SecretNamespace, SecretName);
                return Provider();
            case "secret key missing":
                secrets.Put(SecretNamespace, SecretName, "token", SecretValue);
                return Provider();
            case "secret empty":
                secrets.Put(SecretNamespace, SecretName, "secret", "");
                return Provider();
            case "bad sync interval":
                return Provider(s => s.SyncInterval = "soon");
            case "sync interval under 1s":
                return Provider(s => s.SyncInterval = "500ms");
            case "bad fingerprint":
                return Provider(s => s.Tls = new ProviderTlsSpec { Fingerprint = "AB:CD:EF" });
            case "http url":
                return Provider(s => s.Url = "http://pve.example.com:8006");
            case "bad token id":
                return Provider(s => s.TokenId = "operator@pve");
            case "two tls modes":
                return Provider(s => s.Tls = new ProviderTlsSpec { InsecureSkipVerify = true, Fingerprint = Fingerprint });
            case "401":
                Cluster.RemoveToken(TokenId); // deleted in PVE
                return Provider();
            case "403":
                Cluster.AddToken(TokenId, SecretValue, "VM.Audit", "VM.PowerMgmt");
                return Provider();
            case "tls":
                return Provider(s => s.Tls = new ProviderTlsSpec { Fingerprint = Fingerprint }); // another server's certificate
            case "unreachable":
                return Provider(s => s.Url = $"https://127.0.0.1:{ClosedPort()}");
            default:
                throw new ArgumentOutOfRangeException(nameof(failure), failure, null);
        }
    }

    [Theory]
    [MemberData(nameof(Failures))]
    public async Task Each_failure_makes_the_provider_not_ready_with_its_reason_and_one_warning(string failure, string reason, bool stalled)
    {
        var provider = ArrangeFailure(failure);

        var first = await ReconcileAsync(provider);
        clock.Advance(TimeSpan.FromSeconds(30));
        var second = await ReconcileAsync(provider);

        var status = provider.Status;
        var ready = Condition(status, ConditionTypes.Ready);
        Assert.Equal(("False", reason), (ready.Status, ready.Reason));
        Assert.False(string.IsNullOrWhiteSpace(ready.Message));
        var kept = Condition(status, stalled ? ConditionTypes.Stalled : ConditionTypes.Reconciling);
        Assert.Equal(("True", reason, ready.Message), (kept.Status, kept.Reason, kept.Message));
        Assert.Null(ConditionList.Find(status.Conditions, stalled ? ConditionTypes.Reconciling : ConditionTypes.Stalled));
        Assert.Equal(ReconcileResult.RequeueAfter(TimeSpan.FromSeconds(30)), first);
        Assert.Equal(first, second);

        var warning = Assert.Single(events.Events); // not again on the identical retry
        Assert.Equal((EventType.Warning, reason, ready.Message), (warning.Type, warning.Reason, warning.Message));
        Assert.Single(writer.Writes);

        Assert.True(registry.TryGet(ProviderName, out var connection));
        Assert.False(connection.IsReady);
        Assert.Equal((reason, stalled), (connection.Health.Reason, connection.Health.Stalled));
        Assert.True(notifier.ProvidersChanged.Count <= 1, "an identical retry does not wake the containers again");

        AssertSecretNeverShown();
    }

    [Fact]
    public async Task A_missing_key_is_named_but_the_keys_that_exist_are_not()
    {
        secrets.Put(SecretNamespace, SecretName, new Dictionary<string, byte[]>
        {
            ["token"] = Encoding.UTF8.GetBytes(SecretValue),
            ["ca.crt"] = Encoding.UTF8.GetBytes("x"),
        });
        var provider = Provider(s => s.SecretRef!.Key = "api-secret");

        await ReconcileAsync(provider);

        var message = Condition(provider.Status, ConditionTypes.Ready).Message;
        Assert.Contains("pve-system/pve-token", message, StringComparison.Ordinal);
        Assert.Contains("\"api-secret\"", message, StringComparison.Ordinal);
        // Another key's name (a Helm release's, say) is not this provider owner's business.
        Assert.DoesNotContain("ca.crt", message, StringComparison.Ordinal);
        Assert.DoesNotContain("token\"", message.Replace("\"api-secret\"", "", StringComparison.Ordinal), StringComparison.Ordinal);
        AssertSecretNeverShown();
    }

    [Fact]
    public async Task Permission_denied_names_the_missing_privilege_and_path()
    {
        Cluster.AddToken(TokenId, SecretValue, "VM.Audit", "VM.PowerMgmt");
        var provider = Provider();

        await ReconcileAsync(provider);

        var message = Condition(provider.Status, ConditionTypes.Ready).Message;
        Assert.Contains("Sys.Audit", message, StringComparison.Ordinal);
        Assert.Contains("operator@pve!k8s", message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_failure_after_ready_tells_the_containers_and_recovery_tells_them_again()
    {
        var provider = Provider();
        await ReconcileAsync(provider);
        // 595: the node we talk to cannot reach the cluster (after the client's own retries).
        server.Faults.SetErrorRate("GET", PveCalls.ClusterStatus, 1.0, 595);
        for (var failed = 1; failed < ProxmoxProviderReconciler.UnreachableAfterFailedSyncs; failed++)
        {
            // A lost sync or two leave the provider (and so every container) Ready on the last snapshot.
            clock.Advance(TimeSpan.FromSeconds(5));
            Assert.Equal(ReconcileResult.RequeueAfter(TimeSpan.FromSeconds(5)), await ReconcileAsync(provider));
            Assert.Equal("True", Condition(provider.Status, ConditionTypes.Ready).Status);
            Assert.Equal([ProviderName], notifier.ProvidersChanged);
        }

        clock.Advance(TimeSpan.FromSeconds(5));
        await ReconcileAsync(provider);
        clock.Advance(TimeSpan.FromSeconds(30));
        await ReconcileAsync(provider);

        Assert.Equal([ProviderName, ProviderName], notifier.ProvidersChanged);
        Assert.Equal(("False", Reasons.Unreachable), (Condition(provider.Status, ConditionTypes.Ready).Status, Condition(provider.Status, ConditionTypes.Ready).Reason));
        Assert.Equal("8.4.1", provider.Status.Version); // what was last known stays visible
        Assert.Single(events.Warnings);

        server.Faults.SetErrorRate("GET", PveCalls.ClusterStatus, 0, 595);
        clock.Advance(TimeSpan.FromSeconds(30));
        await ReconcileAsync(provider);

        Assert.Equal([ProviderName, ProviderName, ProviderName], notifier.ProvidersChanged);
        Assert.Equal("True", Condition(provider.Status, ConditionTypes.Ready).Status);
        Assert.Null(ConditionList.Find(provider.Status.Conditions, ConditionTypes.Reconciling));
        Assert.Equal(2, events.Normals.Count(e => e.Reason == Reasons.Connected));
        Assert.Single(factory.Created); // the same client throughout
    }

    [Fact]
    public async Task Unchanged_settings_reuse_the_client_and_a_rotated_secret_builds_a_new_one()
    {
        var provider = Provider();
        await ReconcileAsync(provider);
        var first = factory.Last;

        secrets.Put(SecretNamespace, SecretName, "secret", SecretValue + "\n"); // same token, trailing newline from `echo`
        await ReconcileAsync(provider);
        Assert.Single(factory.Created);

        Cluster.AddAdministratorToken(TokenId, RotatedSecret); // the token's secret was regenerated in PVE ...
        secrets.Put(SecretNamespace, SecretName, "secret", RotatedSecret); // ... and the Secret updated
        await ReconcileAsync(provider);

        Assert.Equal(2, factory.Created.Count);
        Assert.NotEqual(factory.Created[0].Settings, factory.Created[1].Settings);
        await AssertDisposedAsync(first);
        Assert.NotNull(await factory.Last.GetVersionAsync());
        Assert.Equal(3, Counters.Get(PveCalls.Version)); // each client initialised once, plus the check just above
        Assert.True(registry.TryGet(ProviderName, out var connection));
        Assert.Same(factory.Last.Nodes, connection.Nodes);
        Assert.True(connection.IsReady);
    }

    [Fact]
    public async Task A_rotated_secret_ends_an_authentication_failure()
    {
        Cluster.RemoveToken(TokenId);
        var provider = Provider();
        await ReconcileAsync(provider);
        Assert.Equal(Reasons.AuthenticationFailed, Condition(provider.Status, ConditionTypes.Ready).Reason);

        Cluster.AddAdministratorToken(TokenId, RotatedSecret); // a new token secret, in PVE and in the Secret
        secrets.Put(SecretNamespace, SecretName, "secret", RotatedSecret);
        await ReconcileAsync(provider);

        Assert.Equal(("True", Reasons.Connected), (Condition(provider.Status, ConditionTypes.Ready).Status, Condition(provider.Status, ConditionTypes.Ready).Reason));
        Assert.Null(ConditionList.Find(provider.Status.Conditions, ConditionTypes.Stalled));
        Assert.Equal(ProviderName, notifier.ProvidersChanged[^1]); // becoming ready wakes the containers
    }

    [Fact]
    public async Task Snapshot_changes_wake_only_the_containers_that_changed()
    {
        Cluster.AddContainer(new SimContainer { Vmid = 101, Node = "pve1", Running = true });
        Cluster.AddContainer(new SimContainer { Vmid = 102, Node = "pve1" });
        Cluster.AddContainer(new SimContainer { Vmid = 103, Node = "pve2", Running = true });
        Cluster.AddContainer(new SimContainer { Vmid = 104, Node = "pve2", Running = true });
        var provider = Provider();
        await ReconcileAsync(provider);
        Assert.Equal([ProviderName], notifier.ProvidersChanged);
        Assert.Empty(notifier.ContainersChangedCalls);
        notifier.Clear();

        clock.Advance(TimeSpan.FromSeconds(30));
        await ReconcileAsync(provider);
        Assert.Empty(notifier.ProvidersChanged);
        Assert.Empty(notifier.ContainersChangedCalls); // nothing changed, nobody woken

        Cluster.SetContainerStatus(102, running: true);                  // started
        Cluster.MigrateContainer(103, "pve1");                            // migrated
        Cluster.SetLock(104, "backup");                                   // locked
        Cluster.RemoveContainer(101);                                     // destroyed
        Cluster.AddContainer(new SimContainer { Vmid = 105, Node = "pve2" }); // created
        clock.Advance(TimeSpan.FromSeconds(30));
        await ReconcileAsync(provider);

        Assert.Empty(notifier.ProvidersChanged);
        var (name, vmids) = Assert.Single(notifier.ContainersChangedCalls);
        Assert.Equal(ProviderName, name);
        Assert.Equal([101, 102, 103, 104, 105], vmids);
        Assert.True(registry.TryGet(ProviderName, out var connection));
        Assert.Equal("pve1", connection.Snapshot!.Find(103)!.Node);
    }

    [Fact]
    public async Task Finalizing_removes_the_connection_and_tells_the_containers()
    {
        var provider = Provider();
        await ReconcileAsync(provider);
        notifier.Clear();

        var result = await reconciler.FinalizeAsync(provider, CancellationToken.None);

        Assert.Equal(ReconcileResult.Done, result);
        Assert.False(registry.TryGet(ProviderName, out _));
        await AssertDisposedAsync(factory.Last);
        Assert.Equal([ProviderName], notifier.ProvidersChanged);
    }

    [Fact]
    public async Task Finalizing_a_provider_that_never_connected_is_done_too()
    {
        Assert.Equal(ReconcileResult.Done, await reconciler.FinalizeAsync(Provider(), CancellationToken.None));
        Assert.Empty(registry.Names);
    }

    /// <summary>A port on loopback that nothing listens on: connecting is refused.</summary>
    private static int ClosedPort()
    {
        using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        return ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>A disposed client sends nothing any more.</summary>
    private async Task AssertDisposedAsync(PveClient client)
    {
        var before = Counters.Total;
        await Assert.ThrowsAnyAsync<Exception>(() => client.GetVersionAsync());
        Assert.Equal(before, Counters.Total);
    }

    private void AssertSecretNeverShown()
    {
        foreach (var written in writer.Writes)
        {
            Assert.DoesNotContain(SecretValue, KubernetesJson.Serialize(written), StringComparison.Ordinal);
        }

        Assert.All(events.Events, e => Assert.DoesNotContain(SecretValue, e.Message, StringComparison.Ordinal));
        Assert.DoesNotContain(SecretValue, log.AllText, StringComparison.Ordinal);
        if (registry.TryGet(ProviderName, out var connection))
        {
            Assert.DoesNotContain(SecretValue, connection.Health.Message, StringComparison.Ordinal);
        }
    }
}
