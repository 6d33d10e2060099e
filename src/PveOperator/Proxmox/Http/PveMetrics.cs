using Prometheus;

namespace PveOperator.Proxmox;

/// <summary>What the operator asks of PVE, for Prometheus: one series per endpoint template, never per node or VMID.</summary>
public static class PveMetrics
{
    private static readonly Counter Requests = Metrics.CreateCounter(
        "pve_api_requests_total", "PVE API requests by endpoint and answer (HTTP code, timeout, connection_error, tls_error).",
        new CounterConfiguration { LabelNames = ["endpoint", "code"] });

    private static readonly Histogram Duration = Metrics.CreateHistogram(
        "pve_api_request_duration_seconds", "Time PVE took to answer, by endpoint.",
        new HistogramConfiguration
        {
            LabelNames = ["endpoint"],
            Buckets = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
        });

    internal static void Observe(string endpoint, string code, TimeSpan elapsed)
    {
        Requests.WithLabels(endpoint, code).Inc();
        Duration.WithLabels(endpoint).Observe(elapsed.TotalSeconds);
    }
}
