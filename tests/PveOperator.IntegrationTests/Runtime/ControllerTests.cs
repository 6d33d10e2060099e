using k8s;
using k8s.Models;
using Microsoft.Extensions.Logging;
using Prometheus;
using PveOperator.IntegrationTests.Infrastructure;
using PveOperator.Runtime;
using Xunit.Abstractions;

namespace PveOperator.IntegrationTests.Runtime;

[Collection(ControlPlaneCollection.Name)]
public sealed class ControllerTests(ControlPlaneFixture cluster, ITestOutputHelper output) : IAsyncLifetime
{
    private const string Finalizer = "runtime.test.pve-operator.io/cleanup";
    /// <summary>How long a watch event from the API server would take to show up as a reconcile, at most.</summary>
    private static readonly TimeSpan Quiet = TimeSpan.FromMilliseconds(300);

    private readonly ILoggerFactory loggerFactory = LoggerFactory.Create(builder =>
        builder.SetMinimumLevel(LogLevel.Debug).AddProvider(new TestOutputLoggerProvider(output)));

    private string ns = string.Empty;

    private IKubernetes Client => cluster.Client;

    public async Task InitializeAsync() => ns = await cluster.CreateNamespaceAsync();

    public async Task DisposeAsync()
    {
        await Client.RemoveAllWidgetsAsync(ns);
        loggerFactory.Dispose();
    }

    [Fact]
    public async Task Create_update_and_delete_are_reconciled_with_finalizer_and_status()
    {
        var manager = NewManager();
        var reconciler = new WidgetReconciler(manager.StatusWriterFor<Widget>());
        manager.AddController(reconciler, options => options.FinalizerName = Finalizer);
        await using var running = new RunningManager(manager);

        await Client.CreateAsync(Widget.New(ns, "a", 1));
        await Eventually.TrueAsync(
            async () => await Client.GetWidgetAsync(ns, "a") is { Status.ObservedSize: 1 } widget
                && widget.Metadata.Finalizers?.Contains(Finalizer) == true,
            "the finalizer is added and the status written");

        await Client.ResizeAsync(ns, "a", 5);
        await Eventually.TrueAsync(async () => (await Client.GetWidgetAsync(ns, "a"))?.Status?.ObservedSize == 5, "the resize is reconciled");
        var resized = (await Client.GetWidgetAsync(ns, "a"))!;
        Assert.Equal("Ready", resized.Status!.Phase);
        Assert.Equal(5, resized.Spec.Size);

        await Client.DeleteWidgetAsync(ns, "a");
        await Eventually.TrueAsync(async () => await Client.GetWidgetAsync(ns, "a") is null, "the finalizer is removed and the object gone");
        Assert.Equal("a", Assert.Single(reconciler.Finalized).Metadata.Name);
        Assert.Equal(2, reconciler.StatusWrites);
    }

    [Fact]
    public async Task A_finalize_that_is_not_done_holds_the_deletion_until_it_is()
    {
        var manager = NewManager();
        var reconciler = new WidgetReconciler(manager.StatusWriterFor<Widget>());
        reconciler.OnFinalize = _ => reconciler.Finalized.Count < 3
            ? ReconcileResult.RequeueAfter(TimeSpan.FromMilliseconds(100))
            : ReconcileResult.Done;
        manager.AddController(reconciler, options => options.FinalizerName = Finalizer);
        await using var running = new RunningManager(manager);
        await Client.CreateAsync(Widget.New(ns, "a"));
        await Eventually.TrueAsync(async () => (await Client.GetWidgetAsync(ns, "a"))?.Metadata.Finalizers?.Count == 1, "the finalizer is added");

        await Client.DeleteWidgetAsync(ns, "a");

        await Eventually.TrueAsync(() => reconciler.Finalized.Count >= 2, "finalize runs again after its requeue");
        Assert.NotNull(await Client.GetWidgetAsync(ns, "a"));
        await Eventually.TrueAsync(async () => await Client.GetWidgetAsync(ns, "a") is null, "the third finalize is done");
        Assert.Equal(3, reconciler.Finalized.Count);
    }

    [Fact]
    public async Task Status_patches_go_through_the_status_subresource_replacing_lists_and_clearing_dropped_fields()
    {
        var writer = new StatusWriter<Widget>(new CustomResourceClient<Widget>(Client));
        var created = await Client.CreateAsync(Widget.New(ns, "a", 2));

        var first = await writer.PatchStatusAsync(
            created, new WidgetStatus { Phase = "Pending", ObservedSize = 2, Messages = ["one", "two"] }, CancellationToken.None);
        var second = await writer.PatchStatusAsync(first, new WidgetStatus { Phase = "Ready", Messages = ["three"] }, CancellationToken.None);

        var stored = (await Client.GetWidgetAsync(ns, "a"))!;
        Assert.Equal("Ready", stored.Status!.Phase);
        Assert.Null(stored.Status.ObservedSize);
        Assert.Equal(["three"], stored.Status.Messages);
        Assert.Equal(2, stored.Spec.Size);
        Assert.Equal(second.Metadata.ResourceVersion, stored.Metadata.ResourceVersion);

        var written = await writer.PatchStatusIfChangedAsync(
            stored, new WidgetStatus { Phase = "Ready", Messages = ["three"] }, CancellationToken.None);
        Assert.False(written);
        Assert.Equal(stored.Metadata.ResourceVersion, (await Client.GetWidgetAsync(ns, "a"))!.Metadata.ResourceVersion);
    }

    [Fact]
    public async Task The_status_subresource_does_not_change_the_spec()
    {
        var client = new CustomResourceClient<Widget>(Client);
        var created = await Client.CreateAsync(Widget.New(ns, "a", 2));

        await client.PatchStatusAsync(
            created, System.Text.Json.Nodes.JsonNode.Parse("""{"spec":{"size":9},"status":{"phase":"X"}}""")!, CancellationToken.None);

        var stored = (await Client.GetWidgetAsync(ns, "a"))!;
        Assert.Equal(2, stored.Spec.Size);
        Assert.Equal("X", stored.Status!.Phase);
    }

    [Fact]
    public async Task A_changed_secret_reconciles_the_widgets_that_reference_it()
    {
        var manager = NewManager();
        var reconciler = new WidgetReconciler(manager.StatusWriterFor<Widget>());
        var widgets = manager.AddController(reconciler);
        widgets.Cache.AddIndex("secret", w => w.Spec.SecretName is { } secret ? [EntityKey.Create(w.Metadata.NamespaceProperty, secret)] : []);
        widgets.Watches<V1Secret>(secret => widgets.Cache.KeysByIndex("secret", EntityKey.Of(secret)));
        await Client.CoreV1.CreateNamespacedSecretAsync(new V1Secret { Metadata = new V1ObjectMeta { Name = "creds" } }, ns);
        await Client.CreateAsync(Widget.New(ns, "user", secretName: "creds"));
        await Client.CreateAsync(Widget.New(ns, "bystander"));
        await using var running = new RunningManager(manager);
        await Eventually.TrueAsync(() => reconciler.StatusWrites == 2, "both widgets are reconciled");
        // The status writes cause reconciles of their own: count from when those are over.
        await Eventually.SettledAsync(() => reconciler.Reconciled.Count, "the reconciles", Quiet);
        var before = reconciler.Reconciled.CountBy(w => w.Metadata.Name).ToDictionary();

        await Client.CoreV1.PatchNamespacedSecretAsync(
            new V1Patch("""{"stringData":{"token":"rotated"}}""", V1Patch.PatchType.MergePatch), "creds", ns);

        await Eventually.TrueAsync(
            () => reconciler.Reconciled.Count(w => w.Metadata.Name == "user") == before["user"] + 1,
            "the referencing widget is reconciled again");
        await Eventually.ConsistentlyAsync(() => reconciler.Reconciled.Count(w => w.Metadata.Name == "bystander") == before["bystander"],
            "the bystander is not reconciled", Quiet);
    }

    [Fact]
    public async Task Cluster_scoped_kinds_get_finalizer_status_and_finalization()
    {
        var name = $"gadget-{Guid.NewGuid():N}"[..20];
        var manager = NewManager();
        var reconciler = new GadgetReconciler(manager.StatusWriterFor<Gadget>());
        manager.AddController(reconciler, options => options.FinalizerName = Finalizer);
        try
        {
            await using var running = new RunningManager(manager);
            await Client.CreateAsync(Gadget.New(name, 3));
            await Eventually.TrueAsync(
                async () => await Client.GetGadgetAsync(name) is { Status.Phase: "Size3" } gadget
                    && gadget.Metadata.Finalizers?.Contains(Finalizer) == true,
                "the gadget has its finalizer and status");

            await Client.DeleteGadgetAsync(name);

            await Eventually.TrueAsync(async () => await Client.GetGadgetAsync(name) is null, "the gadget is finalized and gone");
            Assert.Contains(name, reconciler.Finalized);
        }
        finally
        {
            await Client.RemoveGadgetAsync(name);
        }
    }

    [Fact]
    public async Task Status_only_updates_can_be_ignored()
    {
        var manager = NewManager();
        var reconciler = new WidgetReconciler(manager.StatusWriterFor<Widget>());
        manager.AddController(reconciler, options => options.IgnoreStatusOnlyUpdates = true);
        await using var running = new RunningManager(manager);

        await Client.CreateAsync(Widget.New(ns, "a", 1));
        await Eventually.TrueAsync(() => reconciler.StatusWrites == 1, "the status is written");
        await Client.ResizeAsync(ns, "a", 2);
        await Eventually.TrueAsync(() => reconciler.StatusWrites == 2, "the resize is reconciled");

        // One reconcile per spec change; the two status writes caused none.
        await Eventually.ConsistentlyAsync(() => reconciler.Reconciled.Count == 2, "no reconcile for the status writes", Quiet);
    }

    [Fact]
    public async Task Reconcile_metrics_use_controller_runtime_names()
    {
        var registry = Metrics.NewCustomRegistry();
        var manager = NewManager(registry);
        var reconciler = new WidgetReconciler(manager.StatusWriterFor<Widget>());
        manager.AddController(reconciler, options => options.Name = "widgets");
        await using var running = new RunningManager(manager);

        await Client.CreateAsync(Widget.New(ns, "a"));
        await Eventually.TrueAsync(() => reconciler.Reconciled.Count >= 1, "the widget is reconciled");

        using var stream = new MemoryStream();
        await registry.CollectAndExportAsTextAsync(stream);
        var text = System.Text.Encoding.UTF8.GetString(stream.ToArray());
        Assert.Contains("controller_runtime_reconcile_total{controller=\"widgets\",result=\"success\"}", text);
        Assert.Contains("controller_runtime_reconcile_time_seconds_bucket{controller=\"widgets\"", text);
        Assert.Contains("workqueue_adds_total{name=\"widgets\"}", text);
        Assert.Contains("workqueue_queue_duration_seconds_bucket{name=\"widgets\"", text);
    }

    private ControllerManager NewManager(CollectorRegistry? registry = null) => new(
        Client,
        loggerFactory,
        new ControllerManagerOptions { WatchNamespace = ns, MetricsRegistry = registry ?? Metrics.NewCustomRegistry() });
}
