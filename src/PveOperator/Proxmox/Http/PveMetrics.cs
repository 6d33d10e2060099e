using Prometheus;

namespace PveOperator.Proxmox;

/// <summary>
/// What the operator asks of PVE, for Prometheus: one series per endpoint template, never per node or VMID, in the
/// registry the process serves (a client made without one counts into a registry of its own that nobody reads).
/// </summary>
public sealed class PveMetrics(CollectorRegistry registry)
{
    private readonly Counter requests = Metrics.WithCustomRegistry(registry).CreateCounter(
        "pve_api_requests_total", "PVE API requests by endpoint and answer (HTTP code, timeout, connection_error, tls_error).",
        new CounterConfiguration { LabelNames = ["endpoint", "code"] });

    private readonly Histogram duration = Metrics.WithCustomRegistry(registry).CreateHistogram(
        "pve_api_request_duration_seconds", "Time PVE took to answer, by endpoint.",
        new HistogramConfiguration
        {
            LabelNames = ["endpoint"],
            Buckets = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
        });

    internal static PveMetrics Unserved() => new(Metrics.NewCustomRegistry());

    internal void Observe(string endpoint, string code, TimeSpan elapsed)
    {
        requests.WithLabels(endpoint, code).Inc();
        duration.WithLabels(endpoint).Observe(elapsed.TotalSeconds);
    }
}
