using Prometheus;

namespace PveOperator.Runtime;

/// <summary>client-go's work queue metrics, labelled by queue name (the controller's name).</summary>
internal sealed class WorkQueueMetrics
{
    // client-go's buckets: 10 ns up to 10 s in powers of ten.
    private static readonly double[] DurationBuckets = Histogram.ExponentialBuckets(10e-9, 10, 11);

    public WorkQueueMetrics(CollectorRegistry registry, string queueName)
    {
        var factory = Metrics.WithCustomRegistry(registry);
        string[] labels = ["name"];
        Depth = factory.CreateGauge("workqueue_depth", "Current depth of workqueue", labels).WithLabels(queueName);
        Adds = factory.CreateCounter("workqueue_adds_total", "Total number of adds handled by workqueue", labels).WithLabels(queueName);
        Retries = factory.CreateCounter("workqueue_retries_total", "Total number of retries handled by workqueue", labels).WithLabels(queueName);
        QueueDuration = factory.CreateHistogram(
            "workqueue_queue_duration_seconds",
            "How long in seconds an item stays in workqueue before being requested",
            new HistogramConfiguration { LabelNames = labels, Buckets = DurationBuckets }).WithLabels(queueName);
        WorkDuration = factory.CreateHistogram(
            "workqueue_work_duration_seconds",
            "How long in seconds processing an item from workqueue takes",
            new HistogramConfiguration { LabelNames = labels, Buckets = DurationBuckets }).WithLabels(queueName);
    }

    public Gauge.Child Depth { get; }

    public Counter.Child Adds { get; }

    public Counter.Child Retries { get; }

    public Histogram.Child QueueDuration { get; }

    public Histogram.Child WorkDuration { get; }
}
