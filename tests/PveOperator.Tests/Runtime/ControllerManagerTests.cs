using k8s;
using k8s.Models;
using Microsoft.Extensions.Logging.Abstractions;
using Prometheus;
using PveOperator.Runtime;
using PveOperator.Tests.Runtime.Fakes;

namespace PveOperator.Tests.Runtime;

/// <summary>A controller waits for the caches it reads before its first reconcile, and only for those.</summary>
public sealed class ControllerManagerTests : IDisposable
{
    // Nothing here talks to an API server: every informer has a scripted list-watch.
    private readonly Kubernetes unreachable = new(new KubernetesClientConfiguration { Host = "http://127.0.0.1:9" });
    private readonly FakeListWatch widgets = new();
    private readonly HeldListWatch<V1ConfigMap> slowConfigMaps = new();
    private readonly ScriptedReconciler reconciler = new();

    private (ControllerManager Manager, Controller<Widget> Controller, EntityInformer<V1ConfigMap> ConfigMaps) Build()
    {
        var manager = new ControllerManager(unreachable, NullLoggerFactory.Instance,
            new ControllerManagerOptions { MetricsRegistry = Metrics.NewCustomRegistry() });
        widgets.Create("a");
        manager.GetInformer(widgets);
        var configMaps = manager.GetInformer(slowConfigMaps);
        return (manager, manager.AddController(reconciler), configMaps);
    }

    public void Dispose() => unreachable.Dispose();

    [Fact]
    public async Task A_controller_does_not_reconcile_before_a_cache_it_reads_from_has_its_first_list()
    {
        var (manager, controller, configMaps) = Build();
        var sawConfigMapsSynced = new List<bool>();
        reconciler.OnReconcile = (_, _) =>
        {
            lock (sawConfigMapsSynced)
            {
                sawConfigMapsSynced.Add(configMaps.HasSynced);
            }

            return Task.FromResult(ReconcileResult.Done);
        };
        controller.ReadsFrom(configMaps);

        using var stop = new CancellationTokenSource();
        var run = manager.RunAsync(stop.Token);
        await Eventually.TrueAsync(() => manager.GetInformer<Widget>().HasSynced, "the widgets are listed");

        // The widget cache is ready, the config maps are not: a reconcile now would read an empty cache as "none exist".
        await Eventually.ConsistentlyAsync(() => reconciler.Reconciled.IsEmpty, "no reconcile while a cache it reads has not synced", Eventually.BriefWhile * 3);
        slowConfigMaps.Release();

        await Eventually.TrueAsync(() => reconciler.Reconciled.Count == 1, "widget a is reconciled once the config maps are listed");
        lock (sawConfigMapsSynced)
        {
            Assert.Equal([true], sawConfigMapsSynced);
        }

        await stop.CancelAsync();
        await Eventually.CompletesAsync(run, "the manager stops");
    }

    [Fact]
    public async Task A_cache_the_controller_does_not_read_does_not_hold_its_start_back()
    {
        var (manager, _, configMaps) = Build();

        using var stop = new CancellationTokenSource();
        var run = manager.RunAsync(stop.Token);

        await Eventually.TrueAsync(() => reconciler.Reconciled.Count == 1, "widget a is reconciled while the config maps are still being listed");
        Assert.False(configMaps.HasSynced);
        await stop.CancelAsync();
        await Eventually.CompletesAsync(run, "the manager stops");
    }

    [Fact]
    public async Task A_manager_stopped_while_a_cache_a_controller_reads_has_not_synced_stops_without_reconciling()
    {
        var (manager, controller, configMaps) = Build();
        controller.ReadsFrom(configMaps);

        using var stop = new CancellationTokenSource();
        var run = manager.RunAsync(stop.Token);
        await Eventually.TrueAsync(() => manager.GetInformer<Widget>().HasSynced, "the widgets are listed");
        await stop.CancelAsync();

        await Eventually.CompletesAsync(run, "the manager stops");
        Assert.Empty(reconciler.Reconciled);
    }
}
