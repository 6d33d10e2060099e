using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using Prometheus;
using PveOperator.Runtime;
using PveOperator.Tests.Runtime.Fakes;

namespace PveOperator.Tests.Runtime;

public sealed class ControllerTests : IAsyncDisposable
{
    private const string Finalizer = "test.pve-operator.io/cleanup";

    private readonly FakeListWatch server = new();
    private readonly FakeEntityClient client = new();
    private readonly ScriptedReconciler reconciler = new();
    private readonly FakeTimeProvider clock = new();
    private readonly CollectorRegistry registry = Metrics.NewCustomRegistry();
    private readonly EntityInformer<Widget> informer;
    private readonly CancellationTokenSource stopInformers = new();
    private readonly CancellationTokenSource stop = new();
    private readonly CancellationTokenSource abort = new();
    private readonly List<Task> running = [];
    private Task controllerRun = Task.CompletedTask;

    public ControllerTests()
    {
        informer = new EntityInformer<Widget>(server, NullLogger.Instance);
    }

    public async ValueTask DisposeAsync()
    {
        await stop.CancelAsync();
        await abort.CancelAsync();
        await stopInformers.CancelAsync();
        await Task.WhenAll(running).WaitAsync(Eventually.DefaultTimeout);
        stop.Dispose();
        abort.Dispose();
        stopInformers.Dispose();
    }

    [Fact]
    public async Task Reconciles_each_object_from_the_cache_without_a_read_from_the_API_server()
    {
        server.Create("a", size: 1);

        Start(NewController());

        await Eventually.TrueAsync(() => reconciler.Reconciled.Count == 1);
        Assert.Equal(1, reconciler.Reconciled.Single().Spec.Size);
        Assert.Equal(0, client.Gets);
    }

    [Fact]
    public async Task The_reconciler_gets_a_copy_it_may_change_without_changing_the_cache()
    {
        server.Create("a", size: 1);
        reconciler.OnReconcile = (widget, _) =>
        {
            widget.Spec.Size = 42;
            return Task.FromResult(ReconcileResult.Done);
        };

        Start(NewController());

        await Eventually.TrueAsync(() => reconciler.Reconciled.Count == 1);
        Assert.Equal(1, informer.Cache.Get("default/a")!.Spec.Size);
    }

    [Fact]
    public async Task An_object_that_no_longer_exists_is_not_reconciled()
    {
        server.Create("a");
        Start(NewController());
        await Eventually.TrueAsync(() => Reconciles("success") == 1);

        server.Delete("a");

        await Eventually.TrueAsync(() => Reconciles("success") == 2);
        Assert.Single(reconciler.Reconciled);
    }

    [Fact]
    public async Task Changes_seen_by_the_informer_trigger_reconciles()
    {
        server.Create("a");
        Start(NewController());
        await Eventually.TrueAsync(() => reconciler.Reconciled.Count == 1);

        server.Update("a", 2);

        await Eventually.TrueAsync(() => reconciler.Reconciled.Count == 2);
        Assert.Equal(2, reconciler.Reconciled.Last().Spec.Size);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Status_only_updates_are_reconciled_unless_ignored(bool ignore)
    {
        server.Create("a");
        Start(NewController(options => options.IgnoreStatusOnlyUpdates = ignore));
        await Eventually.TrueAsync(() => reconciler.Reconciled.Count == 1);

        server.TouchStatus("a");
        if (ignore)
        {
            await Eventually.ConsistentlyAsync(() => reconciler.Reconciled.Count == 1, "a status-only update is not reconciled", Eventually.BriefWhile);
        }
        else
        {
            await Eventually.TrueAsync(() => reconciler.Reconciled.Count == 2, "a status-only update is reconciled");
        }

        server.Update("a", 2);
        await Eventually.TrueAsync(() => reconciler.Reconciled.Count == (ignore ? 2 : 3), "a spec change is always reconciled");
    }

    [Fact]
    public async Task RequeueAfter_reconciles_again_after_the_delay()
    {
        server.Create("a");
        reconciler.OnReconcile = (_, _) => Task.FromResult(
            reconciler.Reconciled.Count == 1 ? ReconcileResult.RequeueAfter(TimeSpan.FromSeconds(30)) : ReconcileResult.Done);
        Start(NewController());
        await Eventually.TrueAsync(() => Reconciles("requeue_after") == 1);

        clock.Advance(TimeSpan.FromSeconds(29));
        await Eventually.ConsistentlyAsync(() => reconciler.Reconciled.Count == 1, "no reconcile before the delay", Eventually.BriefWhile);

        clock.Advance(TimeSpan.FromSeconds(1));
        await Eventually.TrueAsync(() => Reconciles("success") == 1);
        Assert.Equal(2, reconciler.Reconciled.Count);
    }

    [Fact]
    public async Task Requeue_retries_with_the_keys_backoff()
    {
        server.Create("a");
        reconciler.OnReconcile = (_, _) => Task.FromResult(
            reconciler.Reconciled.Count <= 2 ? ReconcileResult.Requeue : ReconcileResult.Done);
        Start(NewController());

        await Eventually.TrueAsync(() => Reconciles("requeue") == 1);
        clock.Advance(TimeSpan.FromMilliseconds(5));
        await Eventually.TrueAsync(() => Reconciles("requeue") == 2);
        clock.Advance(TimeSpan.FromMilliseconds(9));
        await Eventually.ConsistentlyAsync(() => reconciler.Reconciled.Count == 2, "no retry before the backoff", Eventually.BriefWhile);

        clock.Advance(TimeSpan.FromMilliseconds(1));
        await Eventually.TrueAsync(() => Reconciles("success") == 1);
    }

    [Fact]
    public async Task An_exception_is_counted_as_an_error_and_retried_with_backoff()
    {
        server.Create("a");
        reconciler.OnReconcile = (_, _) => reconciler.Reconciled.Count == 1
            ? throw new InvalidOperationException("boom")
            : Task.FromResult(ReconcileResult.Done);
        Start(NewController());

        await Eventually.TrueAsync(() => Reconciles("error") == 1);
        Assert.Equal(1, Metric("controller_runtime_reconcile_errors_total"));
        clock.Advance(TimeSpan.FromMilliseconds(5));

        await Eventually.TrueAsync(() => Reconciles("success") == 1);
        Assert.Equal(1, Metric("workqueue_retries_total"));
    }

    [Fact]
    public async Task A_secondary_change_enqueues_the_mapped_keys()
    {
        var secrets = new FakeListWatch();
        var secretInformer = new EntityInformer<Widget>(secrets, NullLogger.Instance);
        server.Create("a");
        server.Create("b");
        var controller = NewController();
        controller.Watches(secretInformer, secret => [$"default/{secret.Metadata.Name["secret-for-".Length..]}"]);
        running.Add(secretInformer.RunAsync(stopInformers.Token));
        Start(controller);
        await Eventually.TrueAsync(() => reconciler.Reconciled.Count == 2);

        secrets.Create("secret-for-b");

        await Eventually.TrueAsync(() => reconciler.Reconciled.Count == 3);
        Assert.Equal("b", reconciler.Reconciled.Last().Metadata.Name);
    }

    [Fact]
    public async Task Reconciles_up_to_MaxConcurrentReconciles_keys_at_once()
    {
        var release = new TaskCompletionSource<ReconcileResult>(TaskCreationOptions.RunContinuationsAsynchronously);
        foreach (var name in new[] { "a", "b", "c" })
        {
            server.Create(name);
        }

        reconciler.OnReconcile = (_, _) => release.Task;
        Start(NewController(options => options.MaxConcurrentReconciles = 2));

        await Eventually.TrueAsync(() => reconciler.Reconciled.Count == 2);
        await Eventually.ConsistentlyAsync(() => reconciler.Reconciled.Count == 2, "no third reconcile while two are in progress", Eventually.BriefWhile);
        Assert.Equal(2, Metric("controller_runtime_active_workers"));
        Assert.Equal(2, Metric("controller_runtime_max_concurrent_reconciles"));

        release.SetResult(ReconcileResult.Done);
        await Eventually.TrueAsync(() => Reconciles("success") == 3);
        Assert.Equal(0, Metric("controller_runtime_active_workers"));
    }

    [Fact]
    public async Task Stopping_lets_a_reconcile_in_progress_finish()
    {
        var started = new TaskCompletionSource();
        var finished = false;
        server.Create("a");
        reconciler.OnReconcile = async (_, cancellationToken) =>
        {
            started.SetResult();
            await Task.Delay(100, cancellationToken);
            finished = true;
            return ReconcileResult.Done;
        };
        Start(NewController());
        await Eventually.TrueAsync(() => started.Task.IsCompleted, "the reconcile started");

        await stop.CancelAsync();
        await Eventually.TrueAsync(() => controllerRun.IsCompleted, "the controller stopped");

        Assert.True(finished);
    }

    [Fact]
    public async Task Aborting_cancels_a_reconcile_in_progress_at_once()
    {
        var started = new TaskCompletionSource();
        var cancelled = false;
        server.Create("a");
        reconciler.OnReconcile = async (_, cancellationToken) =>
        {
            started.SetResult();
            try
            {
                await Task.Delay(Timeout.Infinite, cancellationToken);
            }
            catch (OperationCanceledException)
            {
                cancelled = true;
                throw;
            }

            return ReconcileResult.Done;
        };
        Start(NewController());
        await Eventually.TrueAsync(() => started.Task.IsCompleted, "the reconcile started");

        await abort.CancelAsync();
        await stop.CancelAsync();
        await Eventually.TrueAsync(() => controllerRun.IsCompleted, "the controller stopped");

        Assert.True(cancelled);
        Assert.Equal(0, Reconciles("error"));
    }

    [Fact]
    public async Task Adds_the_finalizer_with_the_resourceVersion_and_the_whole_list()
    {
        var widget = Sized("a", 1);
        widget.Metadata.Finalizers = ["someone.else/keep"];
        Seed(widget);
        var controller = NewController(options => options.FinalizerName = Finalizer);

        var result = await controller.ReconcileKeyAsync("default/a", CancellationToken.None);

        Assert.Equal(ReconcileResult.Done, result);
        Assert.Equal(
            """{"metadata":{"finalizers":["someone.else/keep","test.pve-operator.io/cleanup"],"resourceVersion":"1001"}}""",
            Assert.Single(client.Patches));
        Assert.Equal(["someone.else/keep", Finalizer], reconciler.Reconciled.Single().Metadata.Finalizers);
    }

    [Fact]
    public async Task A_reconcile_before_the_cache_shows_the_added_finalizer_does_not_add_it_again()
    {
        Seed(Sized("a", 1));
        var controller = NewController(options => options.FinalizerName = Finalizer);

        await controller.ReconcileKeyAsync("default/a", CancellationToken.None);
        await controller.ReconcileKeyAsync("default/a", CancellationToken.None);

        Assert.Single(client.Patches);
        Assert.All(reconciler.Reconciled, widget => Assert.Equal([Finalizer], widget.Metadata.Finalizers));
        Assert.Equal(0, client.Gets);
    }

    [Fact]
    public async Task Without_a_finalizer_name_nothing_is_patched()
    {
        Seed(Sized("a", 1));

        await NewController().ReconcileKeyAsync("default/a", CancellationToken.None);

        Assert.Empty(client.Patches);
        Assert.Single(reconciler.Reconciled);
    }

    [Fact]
    public async Task A_conflict_while_adding_the_finalizer_requeues_and_the_retry_patches_the_fresh_version()
    {
        Seed(Sized("a", 1));
        client.BeforePatch = current => client.Put(current);
        var controller = NewController(options => options.FinalizerName = Finalizer);

        var result = await controller.ReconcileKeyAsync("default/a", CancellationToken.None);

        Assert.Equal(ReconcileResult.Requeue, result);
        Assert.Empty(reconciler.Reconciled);
        Assert.Equal(1, client.Gets);

        // The cache still shows the version the conflict was about; the retry uses the fresh read.
        client.BeforePatch = null;
        result = await controller.ReconcileKeyAsync("default/a", CancellationToken.None);

        Assert.Equal(ReconcileResult.Done, result);
        Assert.Equal([Finalizer], reconciler.Reconciled.Single().Metadata.Finalizers);
        Assert.Equal(1, client.Gets);
    }

    [Fact]
    public async Task A_deleted_object_is_finalized_then_its_finalizer_removed()
    {
        var widget = Sized("a", 1);
        widget.Metadata.Finalizers = [Finalizer];
        client.Put(widget);
        client.Delete("default/a");
        Seed("default/a");
        var controller = NewController(options => options.FinalizerName = Finalizer);

        var result = await controller.ReconcileKeyAsync("default/a", CancellationToken.None);

        Assert.Equal(ReconcileResult.Done, result);
        Assert.Single(reconciler.Finalized);
        Assert.Empty(reconciler.Reconciled);
        Assert.Null(client.Stored("default/a"));

        // The cache has not seen the removal yet: a reconcile in between must not finalize a second time.
        Assert.Equal(ReconcileResult.Done, await controller.ReconcileKeyAsync("default/a", CancellationToken.None));
        Assert.Single(reconciler.Finalized);
    }

    [Fact]
    public async Task A_finalize_that_is_not_done_keeps_the_finalizer()
    {
        var widget = Sized("a", 1);
        widget.Metadata.Finalizers = [Finalizer];
        client.Put(widget);
        client.Delete("default/a");
        Seed("default/a");
        reconciler.OnFinalize = (_, _) => Task.FromResult(ReconcileResult.RequeueAfter(TimeSpan.FromSeconds(5)));
        var controller = NewController(options => options.FinalizerName = Finalizer);

        var result = await controller.ReconcileKeyAsync("default/a", CancellationToken.None);

        Assert.Equal(ReconcileResult.RequeueAfter(TimeSpan.FromSeconds(5)), result);
        Assert.Equal([Finalizer], client.Stored("default/a")!.Metadata.Finalizers);
    }

    [Fact]
    public async Task A_conflict_while_removing_the_finalizer_is_retried_on_a_fresh_read()
    {
        var widget = Sized("a", 1);
        widget.Metadata.Finalizers = ["someone.else/keep", Finalizer];
        client.Put(widget);
        client.Delete("default/a");
        Seed("default/a");
        var conflicts = 0;
        client.BeforePatch = current =>
        {
            if (conflicts++ == 0)
            {
                // Another controller removes its own finalizer in between.
                current.Metadata.Finalizers = [Finalizer];
                client.Put(current);
            }
        };
        var controller = NewController(options => options.FinalizerName = Finalizer);

        var result = await controller.ReconcileKeyAsync("default/a", CancellationToken.None);

        Assert.Equal(ReconcileResult.Done, result);
        Assert.Equal(2, client.Patches.Count);
        Assert.Null(client.Stored("default/a"));
    }

    [Fact]
    public async Task An_object_being_deleted_without_our_finalizer_is_left_alone()
    {
        var widget = Sized("a", 1);
        widget.Metadata.Finalizers = ["someone.else/keep"];
        client.Put(widget);
        client.Delete("default/a");
        Seed("default/a");
        var controller = NewController(options => options.FinalizerName = Finalizer);

        var result = await controller.ReconcileKeyAsync("default/a", CancellationToken.None);

        Assert.Equal(ReconcileResult.Done, result);
        Assert.Empty(reconciler.Finalized);
        Assert.Empty(reconciler.Reconciled);
        Assert.Empty(client.Patches);
    }

    [Fact]
    public async Task After_its_own_status_write_the_next_reconcile_decides_on_that_status_while_the_cache_lags()
    {
        Seed(Sized("a", 1));
        var writer = StatusWriterOver(informer);
        var controller = NewController();
        var phases = new List<string?>();
        reconciler.OnReconcile = async (widget, cancellationToken) =>
        {
            phases.Add(widget.Status?.Phase);
            await writer.PatchStatusAsync(widget, new WidgetStatus { Phase = $"written {phases.Count}" }, cancellationToken);
            return ReconcileResult.Done;
        };

        await controller.ReconcileKeyAsync("default/a", CancellationToken.None);
        await controller.ReconcileKeyAsync("default/a", CancellationToken.None);

        // The cache never saw either write.
        Assert.Null(informer.Cache.Get("default/a")!.Status);
        Assert.Equal([null, "written 1"], phases);
        Assert.Equal(0, client.Gets);
    }

    [Fact]
    public async Task Once_the_cache_shows_the_write_the_record_is_gone_and_the_cache_is_read()
    {
        Seed(Sized("a", 1));
        var writer = StatusWriterOver(informer);
        var controller = NewController();
        reconciler.OnReconcile = async (widget, cancellationToken) =>
        {
            await writer.PatchStatusAsync(widget, new WidgetStatus { Phase = "written" }, cancellationToken);
            return ReconcileResult.Done;
        };
        await controller.ReconcileKeyAsync("default/a", CancellationToken.None);
        Assert.Equal(1, informer.OwnWrites.Count);

        Seed("default/a");
        informer.OwnWrites.Observe(new EntityEvent<Widget>(EntityEventType.Modified, informer.Cache.Get("default/a")!));

        Assert.Equal(0, informer.OwnWrites.Count);
    }

    [Fact]
    public async Task A_status_write_whose_answer_was_lost_makes_the_next_reconcile_read_from_the_API_server()
    {
        Seed(Sized("a", 1));
        var writer = StatusWriterOver(informer);
        var controller = NewController();
        var phases = new List<string?>();
        reconciler.OnReconcile = async (widget, cancellationToken) =>
        {
            phases.Add(widget.Status?.Phase);
            if (phases.Count == 1)
            {
                await writer.PatchStatusAsync(widget, new WidgetStatus { Phase = "maybe written" }, cancellationToken);
            }

            return ReconcileResult.Done;
        };
        client.LoseStatusAnswers = true;

        await Assert.ThrowsAsync<HttpRequestException>(() => controller.ReconcileKeyAsync("default/a", CancellationToken.None));
        client.LoseStatusAnswers = false;
        await controller.ReconcileKeyAsync("default/a", CancellationToken.None);
        await controller.ReconcileKeyAsync("default/a", CancellationToken.None);

        Assert.Equal([null, "maybe written", "maybe written"], phases);
        Assert.Equal(1, client.Gets);
    }

    private StatusWriter<Widget> StatusWriterOver(EntityInformer<Widget> widgets) =>
        new(new OwnWriteRecordingClient<Widget>(client, widgets.OwnWrites));

    /// <summary>Puts the object into the fake API server and the same version into the informer's cache.</summary>
    private void Seed(Widget widget)
    {
        client.Put(widget);
        Seed(EntityKey.Of(widget));
    }

    /// <summary>Copies the fake API server's current version of the object into the informer's cache.</summary>
    private void Seed(string key) => ((EntityCache<Widget>)informer.Cache).Upsert(client.Stored(key)!);

    private static Widget Sized(string name, int size)
    {
        var widget = Widget.Named(name);
        widget.Spec.Size = size;
        return widget;
    }

    private Controller<Widget> NewController(Action<ControllerOptions>? configure = null)
    {
        var options = new ControllerOptions { Name = "widgets" };
        configure?.Invoke(options);
        return new Controller<Widget>(reconciler, client, informer, options, NullLogger.Instance, clock, registry);
    }

    /// <summary>Starts the informer and the controller; the controller's run is kept in <see cref="controllerRun"/>.</summary>
    private void Start(Controller<Widget> controller)
    {
        running.Add(informer.RunAsync(stopInformers.Token));
        controllerRun = controller.RunAsync(stop.Token, abort.Token);
        running.Add(controllerRun);
    }

    private double Reconciles(string result) => Metric("controller_runtime_reconcile_total", result);

    private double Metric(string name, string? result = null)
    {
        using var stream = new MemoryStream();
        registry.CollectAndExportAsTextAsync(stream).GetAwaiter().GetResult();
        var text = System.Text.Encoding.UTF8.GetString(stream.ToArray());
        var label = result is null ? "{controller=\"widgets\"}" : $"{{controller=\"widgets\",result=\"{result}\"}}";
        var queueLabel = "{name=\"widgets\"}";
        foreach (var line in text.Split('\n'))
        {
            if (line.StartsWith(name + label + " ", StringComparison.Ordinal) || line.StartsWith(name + queueLabel + " ", StringComparison.Ordinal))
            {
                return double.Parse(line[(line.LastIndexOf(' ') + 1)..], System.Globalization.CultureInfo.InvariantCulture);
            }
        }

        return 0;
    }
}
