using Prometheus;

namespace PveOperator.Runtime;

/// <summary>controller-runtime's reconcile metrics for one controller.</summary>
internal sealed class ControllerMetrics
{
    // controller-runtime's buckets for reconcile_time_seconds.
    private static readonly double[] ReconcileTimeBuckets =
    [
        0.005, 0.01, 0.025, 0.05, 0.1, 0.15, 0.2, 0.25, 0.3, 0.35, 0.4, 0.45, 0.5, 0.6, 0.7, 0.8, 0.9, 1.0,
        1.25, 1.5, 1.75, 2.0, 2.5, 3.0, 3.5, 4.0, 4.5, 5, 6, 7, 8, 9, 10, 15, 20, 25, 30, 40, 50, 60,
    ];

    private readonly Counter reconcileTotal;
    private readonly string controllerName;

    public ControllerMetrics(CollectorRegistry registry, string controllerName)
    {
        this.controllerName = controllerName;
        var factory = Metrics.WithCustomRegistry(registry);
        string[] labels = ["controller"];
        reconcileTotal = factory.CreateCounter(
            "controller_runtime_reconcile_total", "Total number of reconciliations per controller", ["controller", "result"]);
        ReconcileErrors = factory.CreateCounter(
            "controller_runtime_reconcile_errors_total", "Total number of reconciliation errors per controller", labels)
            .WithLabels(controllerName);
        ReconcileTime = factory.CreateHistogram(
            "controller_runtime_reconcile_time_seconds",
            "Length of time per reconciliation per controller",
            new HistogramConfiguration { LabelNames = labels, Buckets = ReconcileTimeBuckets }).WithLabels(controllerName);
        ActiveWorkers = factory.CreateGauge(
            "controller_runtime_active_workers", "Number of currently used workers per controller", labels)
            .WithLabels(controllerName);
        MaxConcurrentReconciles = factory.CreateGauge(
            "controller_runtime_max_concurrent_reconciles", "Maximum number of concurrent reconciles per controller", labels)
            .WithLabels(controllerName);

        // Publish every result series at zero so that rates work from the first scrape.
        foreach (var result in new[] { SuccessResult, ErrorResult, RequeueResult, RequeueAfterResult })
        {
            reconcileTotal.WithLabels(controllerName, result);
        }
    }

    public const string SuccessResult = "success";
    public const string ErrorResult = "error";
    public const string RequeueResult = "requeue";
    public const string RequeueAfterResult = "requeue_after";

    public Counter.Child ReconcileErrors { get; }

    public Histogram.Child ReconcileTime { get; }

    public Gauge.Child ActiveWorkers { get; }

    public Gauge.Child MaxConcurrentReconciles { get; }

    public void CountReconcile(string result) => reconcileTotal.WithLabels(controllerName, result).Inc();
}
