using k8s;
using k8s.Models;
using Microsoft.Extensions.Logging.Abstractions;
using Prometheus;
using PveOperator.Runtime;
using PveOperator.Tests.Runtime.Fakes;

namespace PveOperator.Tests.Runtime;

public sealed class ControllerManagerTests
{
    [Fact]
    public async Task No_controller_reconciles_before_every_cache_has_its_first_list()
    {
        // Nothing here talks to an API server: every informer has a scripted list-watch.
        using var unreachable = new Kubernetes(new KubernetesClientConfiguration { Host = "http://127.0.0.1:9" });
        var manager = new ControllerManager(unreachable, NullLoggerFactory.Instance,
            new ControllerManagerOptions { MetricsRegistry = Metrics.NewCustomRegistry() });
        var widgets = new FakeListWatch();
        widgets.Create("a");
        var slowConfigMaps = new HeldListWatch<V1ConfigMap>();
        manager.GetInformer(widgets);
        var configMaps = manager.GetInformer(slowConfigMaps);
        var reconciler = new ScriptedReconciler();
        var sawConfigMapsSynced = new List<bool>();
        reconciler.OnReconcile = (_, _) =>
        {
            lock (sawConfigMapsSynced)
            {
                sawConfigMapsSynced.Add(configMaps.HasSynced);
            }

            return Task.FromResult(ReconcileResult.Done);
        };
        manager.AddController(reconciler);

        using var stop = new CancellationTokenSource();
        var run = manager.RunAsync(stop.Token);
        await Eventually.TrueAsync(() => manager.GetInformer<Widget>().HasSynced, "the widgets are listed");

        // The widget cache is ready, the config maps are not: a reconcile now would read an empty cache as "none exist".
        await Eventually.ConsistentlyAsync(() => reconciler.Reconciled.IsEmpty, "no reconcile while a cache has not synced", Eventually.BriefWhile * 3);
        slowConfigMaps.Release();

        await Eventually.TrueAsync(() => reconciler.Reconciled.Count == 1, "widget a is reconciled once every cache synced");
        lock (sawConfigMapsSynced)
        {
            Assert.Equal([true], sawConfigMapsSynced);
        }

        await stop.CancelAsync();
        await Eventually.CompletesAsync(run, "the manager stops");
    }

    [Fact]
    public async Task A_manager_stopped_while_a_cache_has_not_synced_stops_without_starting_its_controllers()
    {
        using var unreachable = new Kubernetes(new KubernetesClientConfiguration { Host = "http://127.0.0.1:9" });
        var manager = new ControllerManager(unreachable, NullLoggerFactory.Instance,
            new ControllerManagerOptions { MetricsRegistry = Metrics.NewCustomRegistry() });
        var widgets = new FakeListWatch();
        widgets.Create("a");
        manager.GetInformer(widgets);
        manager.GetInformer(new HeldListWatch<V1ConfigMap>());
        var reconciler = new ScriptedReconciler();
        manager.AddController(reconciler);

        using var stop = new CancellationTokenSource();
        var run = manager.RunAsync(stop.Token);
        await Eventually.TrueAsync(() => manager.GetInformer<Widget>().HasSynced, "the widgets are listed");
        await stop.CancelAsync();

        await Eventually.CompletesAsync(run, "the manager stops");
        Assert.Empty(reconciler.Reconciled);
    }
}
