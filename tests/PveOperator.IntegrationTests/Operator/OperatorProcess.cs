using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace PveOperator.IntegrationTests.Operator;

/// <summary>The operator as users run it: a separate process with flags, probes and metrics on loopback ports.</summary>
public sealed class OperatorProcess : IAsyncDisposable
{
    private static readonly HttpClient Http = new() { Timeout = TimeSpan.FromSeconds(5) };
    private readonly Process process;
    private readonly StringBuilder output = new();

    private OperatorProcess(Process process, int metricsPort, int probePort)
    {
        this.process = process;
        MetricsPort = metricsPort;
        ProbePort = probePort;
    }

    public int MetricsPort { get; }
    public int ProbePort { get; }
    public int Pid => process.Id;
    public bool HasExited => process.HasExited;

    public string Output
    {
        get
        {
            lock (output)
            {
                return output.ToString();
            }
        }
    }

    public static OperatorProcess Start(string kubeconfig, params string[] extraArguments)
    {
        var metricsPort = FreePort();
        var probePort = FreePort();
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "PveOperator.dll"));
        foreach (var argument in new[]
                 {
                     "--kubeconfig", kubeconfig,
                     "--metrics-bind-address", $"127.0.0.1:{metricsPort}",
                     "--health-probe-bind-address", $"127.0.0.1:{probePort}",
                     // The harness's providers sync every second (5 s is the floor for users).
                     "--min-sync-interval", "1s",
                 }.Concat(extraArguments))
        {
            start.ArgumentList.Add(argument);
        }

        var process = new Process { StartInfo = start };
        var started = new OperatorProcess(process, metricsPort, probePort);
        process.OutputDataReceived += (_, e) => started.Append(e.Data);
        process.ErrorDataReceived += (_, e) => started.Append(e.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return started;
    }

    public async Task<(HttpStatusCode Status, string Body)> GetAsync(int port, string path)
    {
        try
        {
            using var response = await Http.GetAsync($"http://127.0.0.1:{port}{path}");
            return (response.StatusCode, await response.Content.ReadAsStringAsync());
        }
        catch (HttpRequestException error)
        {
            return (0, error.Message);
        }
    }

    public async Task<string> ScrapeAsync() => (await GetAsync(MetricsPort, "/metrics")).Body;

    /// <summary>Sums every sample of a metric whose labels contain all the given fragments.</summary>
    public static double Sum(string metrics, string name, params string[] labelFragments) =>
        metrics.Split('\n')
            .Where(line => line.StartsWith(name + "{", StringComparison.Ordinal) || line.StartsWith(name + " ", StringComparison.Ordinal))
            .Where(line => labelFragments.All(f => line.Contains(f, StringComparison.Ordinal)))
            .Sum(line => double.Parse(line[(line.LastIndexOf(' ') + 1)..], System.Globalization.CultureInfo.InvariantCulture));

    /// <summary>SIGKILL: no graceful shutdown, no lease release.</summary>
    public async Task KillAsync()
    {
        if (!process.HasExited)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
        }
    }

    /// <summary>SIGTERM, as Kubernetes stops a pod, then waits for a clean exit.</summary>
    public async Task<int> StopAsync(TimeSpan timeout)
    {
        if (!process.HasExited)
        {
            using var kill = Process.Start("kill", ["-TERM", process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
            await kill.WaitForExitAsync();
            using var cancellation = new CancellationTokenSource(timeout);
            try
            {
                await process.WaitForExitAsync(cancellation.Token);
            }
            catch (OperationCanceledException)
            {
                await KillAsync();
                return -1;
            }
        }

        return process.ExitCode;
    }

    public async ValueTask DisposeAsync()
    {
        await KillAsync();
        process.Dispose();
    }

    private void Append(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (output)
        {
            output.AppendLine(line);
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
