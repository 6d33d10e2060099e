using System.Diagnostics;

namespace PveOperator.Bench;

internal static class Program
{
    private const string Usage = """
        Usage: dotnet PveOperator.Bench.dll [--quick | --full] [--only power|lifecycle|config] [--sizes 100,1000] [--lifecycle-sizes 100]
                                          [--config-sizes 100] [--config-reconciles default,8] [--spec full|minimal]
                                          [--providers P] [--memory-limit-sizes LIST]
                                          [--output FILE] [--repo DIR] [--operator DLL]

          --quick          N=100, short windows (a few minutes; what CI runs)
          --full           N=100, 1000, 3000 and 10,000 (over 10 providers), minutes of steady state, a leader failover
                           at N=1000, and N=10,000 again inside a 128 MiB memory cgroup
          --only SCENARIO  run one scenario: power (convergence, steady state, reaction, footprint), lifecycle
                           (create N from a template and destroy them again) or config (a memory change on N containers
                           until all are Synced); default: all three
          --spec KIND      the power scenario's LxcContainers: full (default: hostname, resources, rootfs, network, tags,
                           description, onBoot, features, all matching PVE) or minimal (providerRef, vmid, powerState)
          --sizes LIST     override the power scenario's sizes
          --providers P    spread every power size over P ProxmoxProviders, one simulated cluster each (default: 10
                           from N=10,000 on, else 1)
          --memory-limit-sizes LIST  power sizes that converge once more inside a 128 MiB memory cgroup (full: 10000;
                           "none" for none)
          --lifecycle-sizes LIST  override the lifecycle scenario's sizes (quick: 100, full: 1000)
          --lifecycle-allocations LIST  the operator's --max-allocations-per-storage per lifecycle run, "default" for
                           its default (default: default,ceil(nodes × parallel tasks / storages))
          --config-sizes LIST  override the config scenario's sizes (default: 100)
          --config-reconciles LIST  the operator's --max-concurrent-reconciles per config run, "default" for its default
          --output FILE    where the Markdown report goes (full: docs/benchmarks.md; quick: .run/bench/benchmarks-quick.md;
                           with --only: .run/bench/benchmarks-MODE-SCENARIO.md, so that a partial run never replaces docs/benchmarks.md)
          --repo DIR       repository root (default: found from the working directory)
          --operator PATH  the operator build to run: a .dll runs with dotnet, anything else as a native executable
                           (a NativeAOT publish); default: src/PveOperator/bin/Release/net10.0/PveOperator.dll
        Exit code: 0 when every measurement ran (missed targets included), 1 when the benchmark itself broke.
        """;

    public static async Task<int> Main(string[] args)
    {
        var settings = BenchSettings.Quick();
        IReadOnlyList<int>? sizes = null, lifecycleSizes = null;
        IReadOnlyList<int?>? allocations = null, configReconciles = null;
        IReadOnlyList<int>? configSizes = null;
        bool? fullSpec = null;
        int? providers = null;
        IReadOnlyList<int>? memoryLimitSizes = null;
        string? only = null;
        string? output = null, repo = null, operatorDll = null;
        try
        {
            for (var i = 0; i < args.Length; i++)
            {
                string Value() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{args[i]} needs a value");
                switch (args[i])
                {
                    case "--quick": settings = BenchSettings.Quick(); break;
                    case "--full": settings = BenchSettings.Full(); break;
                    case "--sizes": sizes = [.. Value().Split(',').Select(int.Parse)]; break;
                    case "--providers":
                        providers = int.Parse(Value(), System.Globalization.CultureInfo.InvariantCulture);
                        if (providers < 1)
                        {
                            throw new ArgumentException("--providers takes a number from 1");
                        }

                        break;
                    case "--memory-limit-sizes":
                        var limited = Value();
                        memoryLimitSizes = limited == "none" ? [] : [.. limited.Split(',').Select(int.Parse)];
                        break;
                    case "--lifecycle-sizes": lifecycleSizes = [.. Value().Split(',').Select(int.Parse)]; break;
                    case "--lifecycle-allocations":
                        allocations = [.. Value().Split(',').Select(v => v == "default" ? (int?)null : int.Parse(v, System.Globalization.CultureInfo.InvariantCulture))];
                        break;
                    case "--config-sizes": configSizes = [.. Value().Split(',').Select(int.Parse)]; break;
                    case "--config-reconciles":
                        configReconciles = [.. Value().Split(',').Select(v => v == "default" ? (int?)null : int.Parse(v, System.Globalization.CultureInfo.InvariantCulture))];
                        break;
                    case "--spec":
                        fullSpec = Value() switch
                        {
                            "full" => true,
                            "minimal" => false,
                            var other => throw new ArgumentException($"--spec takes full or minimal, not {other}"),
                        };
                        break;
                    case "--only":
                        only = Value();
                        if (only is not ("power" or "lifecycle" or "config"))
                        {
                            throw new ArgumentException($"--only takes power, lifecycle or config, not {only}");
                        }

                        break;
                    case "--output": output = Value(); break;
                    case "--repo": repo = Value(); break;
                    case "--operator": operatorDll = Value(); break;
                    case "--help" or "-h": Console.WriteLine(Usage); return 0;
                    default: throw new ArgumentException($"unknown argument {args[i]}");
                }
            }
        }
        catch (Exception error) when (error is ArgumentException or FormatException)
        {
            await Console.Error.WriteLineAsync($"bench: {error.Message}\n{Usage}");
            return 2;
        }

        if (sizes is not null)
        {
            settings = settings with { Sizes = sizes };
        }

        if (providers is { } p)
        {
            settings = settings with { ProvidersOverride = p };
        }

        if (memoryLimitSizes is not null)
        {
            settings = settings with { MemoryLimitSizes = memoryLimitSizes.ToHashSet() };
        }

        if (lifecycleSizes is not null)
        {
            settings = settings with { Lifecycle = settings.Lifecycle with { Sizes = lifecycleSizes } };
        }

        if (allocations is not null)
        {
            settings = settings with { Lifecycle = settings.Lifecycle with { AllocationLimitsOverride = allocations } };
        }

        if (configSizes is not null)
        {
            settings = settings with { Config = settings.Config with { Sizes = configSizes } };
        }

        if (configReconciles is not null)
        {
            settings = settings with { Config = settings.Config with { ReconcilesOverride = configReconciles } };
        }

        if (fullSpec is { } full)
        {
            settings = settings with { FullSpec = full };
        }

        if (only is not null)
        {
            settings = settings with { Scenarios = new HashSet<string>(StringComparer.Ordinal) { only } };
        }

        repo ??= FindRepository();
        operatorDll ??= Path.Combine(repo, "src/PveOperator/bin/Release/net10.0/PveOperator.dll");
        output ??= only is not null ? Path.Combine(repo, $".run/bench/benchmarks-{settings.Mode}-{only}.md")
            : settings.Mode == "full" ? Path.Combine(repo, "docs/benchmarks.md") : Path.Combine(repo, ".run/bench/benchmarks-quick.md");
        if (!File.Exists(operatorDll))
        {
            await Console.Error.WriteLineAsync($"bench: {operatorDll} not found; build it with: dotnet build -c Release");
            return 1;
        }

        var work = Path.Combine(repo, ".run/bench");
        Directory.CreateDirectory(work);
        using var cancel = new CancellationTokenSource();
        Console.CancelKeyPress += (_, e) =>
        {
            e.Cancel = true;
            cancel.Cancel();
        };

        // The commit the run measures: taken now, before anyone commits during a long run.
        var machine = Machine.Describe(repo);
        var total = Stopwatch.StartNew();
        var results = new List<SizeResult>();
        var lifecycle = new List<LifecycleResult>();
        var config = new List<ConfigResult>();
        try
        {
            if (settings.Scenarios.Contains("power"))
            {
                foreach (var size in settings.Sizes)
                {
                    results.Add(await new SizeRun(settings, repo, operatorDll, work, size).RunAsync(cancel.Token));
                }
            }

            if (settings.Scenarios.Contains("lifecycle"))
            {
                foreach (var size in settings.Lifecycle.Sizes)
                {
                    foreach (var limit in settings.Lifecycle.AllocationLimits)
                    {
                        lifecycle.Add(await new LifecycleRun(settings.Lifecycle, repo, operatorDll, work, size, limit).RunAsync(cancel.Token));
                    }
                }
            }

            if (settings.Scenarios.Contains("config"))
            {
                foreach (var size in settings.Config.Sizes)
                {
                    foreach (var reconciles in settings.Config.Reconciles)
                    {
                        config.Add(await new ConfigRun(settings.Config, repo, operatorDll, work, size, reconciles).RunAsync(cancel.Token));
                    }
                }
            }
        }
        catch (Exception error)
        {
            await Console.Error.WriteLineAsync($"bench: FAILED: {error}");
            return 1;
        }

        var report = new Report(settings, results, lifecycle, config, machine, total.Elapsed, operatorDll.EndsWith(".dll", StringComparison.Ordinal)
            ? "the JIT build (`dotnet PveOperator.dll`)"
            : "the NativeAOT publish (`PveOperator`, as the image ships it)");
        Console.WriteLine();
        Console.WriteLine(report.Table());
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(output))!);
        var notes = Path.Combine(repo, "bench/NOTES.md");
        await File.WriteAllTextAsync(output, report.Markdown(File.Exists(notes) ? await File.ReadAllTextAsync(notes) : null));
        Console.WriteLine($"bench: {settings.Mode} run took {total.Elapsed.TotalSeconds:F0} s; report written to {output}");
        return 0;
    }

    private static string FindRepository()
    {
        for (var directory = new DirectoryInfo(Directory.GetCurrentDirectory()); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "PveOperator.sln")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException("run from inside the repository or pass --repo");
    }
}
