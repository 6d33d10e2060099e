using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace PveOperator.Bench;

/// <summary>The operator as its own process (the Release build), with its metrics endpoint and /proc figures.</summary>
internal sealed class OperatorProcess : IAsyncDisposable
{
    private static readonly long ClockTicksPerSecond = 100;
    private readonly Process process;
    private readonly StreamWriter log;
    private readonly HttpClient http = new() { Timeout = TimeSpan.FromSeconds(5) };

    private OperatorProcess(Process process, StreamWriter log, int metricsPort, Stopwatch sinceStart)
    {
        this.process = process;
        this.log = log;
        MetricsPort = metricsPort;
        SinceStart = sinceStart;
    }

    public int Pid => process.Id;
    public int MetricsPort { get; }
    /// <summary>Started right before the process was.</summary>
    public Stopwatch SinceStart { get; }
    public bool HasExited => process.HasExited;

    /// <summary>The exit code once it exited (137 for a SIGKILL such as the OOM killer's), else null.</summary>
    public int? ExitCode => process.HasExited ? process.ExitCode : null;

    /// <param name="cgroup">A memory cgroup to start it in (a pod's memory limit), or none.</param>
    public static OperatorProcess Start(string dll, string kubeconfig, string logPath, IReadOnlyList<string> extraArgs, MemoryCgroup? cgroup = null)
    {
        var metricsPort = FreePort();
        var probePort = FreePort();
        // A .dll runs on the shared runtime (dotnet PveOperator.dll); anything else is a native executable (a NativeAOT publish).
        var managed = dll.EndsWith(".dll", StringComparison.OrdinalIgnoreCase);
        List<string> arguments = managed ? [dll] : [];
        arguments.AddRange(["--kubeconfig", kubeconfig,
            "--metrics-bind-address", $"127.0.0.1:{metricsPort}", "--health-probe-bind-address", $"127.0.0.1:{probePort}"]);
        arguments.AddRange(extraArgs);
        var (file, finalArguments) = cgroup is null ? (managed ? "dotnet" : dll, arguments) : cgroup.Wrap(managed ? "dotnet" : dll, arguments);
        var start = new ProcessStartInfo(file)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in finalArguments)
        {
            start.ArgumentList.Add(arg);
        }

        var log = new StreamWriter(logPath, append: true) { AutoFlush = true };
        var clock = Stopwatch.StartNew();
        var process = Process.Start(start) ?? throw new InvalidOperationException("could not start the operator");
        process.OutputDataReceived += (_, line) => Write(log, line.Data);
        process.ErrorDataReceived += (_, line) => Write(log, line.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return new OperatorProcess(process, log, metricsPort, clock);
    }

    private static void Write(StreamWriter log, string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (log)
        {
            log.WriteLine(line);
        }
    }

    /// <summary>controller_runtime_reconcile_total per controller (all results), or null while the endpoint is not up.</summary>
    public async Task<Dictionary<string, double>?> ReconcileTotalsAsync(CancellationToken cancellationToken)
    {
        string text;
        try
        {
            text = await http.GetStringAsync(new Uri($"http://127.0.0.1:{MetricsPort}/metrics"), cancellationToken);
        }
        catch (HttpRequestException)
        {
            return null;
        }

        var totals = new Dictionary<string, double>(StringComparer.Ordinal);
        foreach (var line in text.Split('\n'))
        {
            if (!line.StartsWith("controller_runtime_reconcile_total{", StringComparison.Ordinal))
            {
                continue;
            }

            var at = line.IndexOf("controller=\"", StringComparison.Ordinal) + "controller=\"".Length;
            var controller = line[at..line.IndexOf('"', at)];
            var value = double.Parse(line[(line.LastIndexOf('}') + 1)..].Trim(), CultureInfo.InvariantCulture);
            totals[controller] = totals.GetValueOrDefault(controller) + value;
        }

        return totals;
    }

    /// <summary>Polls the metrics endpoint tightly until the controller (null: any) has reconciled something; the time since start.</summary>
    public async Task<TimeSpan> WaitForFirstReconcileAsync(string? controller, TimeSpan timeout, CancellationToken cancellationToken)
    {
        while (SinceStart.Elapsed < timeout)
        {
            if (process.HasExited)
            {
                throw new InvalidOperationException($"the operator exited with {process.ExitCode}");
            }

            var totals = await ReconcileTotalsAsync(cancellationToken);
            var count = totals is null ? 0 : controller is null ? totals.Values.Sum() : totals.GetValueOrDefault(controller);
            if (count > 0)
            {
                return SinceStart.Elapsed;
            }

            await Task.Delay(TimeSpan.FromMilliseconds(5), cancellationToken);
        }

        throw new TimeoutException($"no {controller ?? "first"} reconcile within {timeout}");
    }

    /// <summary>VmRSS in bytes.</summary>
    public long ResidentBytes() => StatusField("VmRSS");

    /// <summary>VmRSS split as the kernel counts it: anonymous (heap, stacks), file-backed (mapped assemblies), shared memory (JIT code under W^X).</summary>
    public (long Anon, long File, long Shmem) ResidentParts() => (StatusField("RssAnon"), StatusField("RssFile"), StatusField("RssShmem"));

    private long StatusField(string name)
    {
        foreach (var line in File.ReadLines($"/proc/{Pid}/status"))
        {
            if (line.StartsWith(name + ":", StringComparison.Ordinal))
            {
                var kb = long.Parse(line[(name.Length + 1)..].Trim().Split(' ')[0], CultureInfo.InvariantCulture);
                return kb * 1024;
            }
        }

        return 0;
    }

    /// <summary>User + system CPU time so far (utime + stime of /proc/PID/stat).</summary>
    public TimeSpan CpuTime()
    {
        var stat = File.ReadAllText($"/proc/{Pid}/stat");
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        // After "pid (comm) ", field 3 (state) is index 0, so utime (14) is index 11 and stime (15) index 12.
        var ticks = long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture);
        return TimeSpan.FromSeconds(ticks / (double)ClockTicksPerSecond);
    }

    /// <summary>SIGKILL: a crash, as a dead node or OOM kill would be.</summary>
    public void Kill() => process.Kill(entireProcessTree: true);

    /// <summary>SIGTERM and wait for a graceful exit; SIGKILL after the timeout.</summary>
    public async Task StopAsync(TimeSpan timeout)
    {
        if (process.HasExited)
        {
            return;
        }

        using (var kill = Process.Start("kill", ["-TERM", process.Id.ToString(CultureInfo.InvariantCulture)]))
        {
            await kill.WaitForExitAsync();
        }

        using var wait = new CancellationTokenSource(timeout);
        try
        {
            await process.WaitForExitAsync(wait.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
        }
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync(TimeSpan.FromSeconds(10));
        process.Dispose();
        http.Dispose();
        lock (log)
        {
            log.Dispose();
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
